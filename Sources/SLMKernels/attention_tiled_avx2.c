/* AVX2/FMA version of slm_attend_tiled: eight lanes per vector (see attention_tiled_body.h). */
#include <math.h>
#include "blocks.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

SLM_TARGET_BEGIN("avx2,fma,f16c")

#define LANES 8
#define ATTEND_TILED slm_attend_tiled_avx2
typedef __m256 vf;
static inline vf vf_zero(void) { return _mm256_setzero_ps(); }
static inline vf vf_load(const float *p) { return _mm256_loadu_ps(p); }
static inline void vf_store(float *p, vf v) { _mm256_storeu_ps(p, v); }
static inline vf vf_set1(float x) { return _mm256_set1_ps(x); }
static inline vf vf_bcast(const float *p) { return _mm256_broadcast_ss(p); }
static inline vf vf_fma(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }
static inline vf vf_mul(vf a, vf b) { return _mm256_mul_ps(a, b); }
static inline vf vf_add(vf a, vf b) { return _mm256_add_ps(a, b); }
static inline vf vf_max(vf a, vf b) { return _mm256_max_ps(a, b); }
static inline vf vf_from_half(const uint16_t *p) { return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p)); }
static inline vf vf_hide(vf score, const int32_t *first, const int32_t *last, int32_t position) {
    const __m256i t = _mm256_set1_epi32(position), next = _mm256_set1_epi32(position + 1);
    const __m256i hidden = _mm256_or_si256(_mm256_cmpgt_epi32(_mm256_loadu_si256((const __m256i *)first), t),
                                           _mm256_cmpgt_epi32(next, _mm256_loadu_si256((const __m256i *)last)));
    return _mm256_blendv_ps(score, _mm256_set1_ps(-INFINITY), _mm256_castsi256_ps(hidden));
}

#include "libm_expf_avx2.h"
static inline vf vf_weight(vf score, vf maximum) {
    const vf weight = slm_expf_avx2(_mm256_sub_ps(score, maximum));
    return _mm256_blendv_ps(weight, _mm256_setzero_ps(), _mm256_cmp_ps(score, _mm256_set1_ps(-INFINITY), _CMP_EQ_OQ));
}

#include "attention_tiled_body.h"

SLM_TARGET_END

#endif
