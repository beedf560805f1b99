/* AVX-512 version of slm_attend_tiled: sixteen lanes per vector (see attention_tiled_body.h). */
#include <math.h>
#include "blocks.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

SLM_TARGET_BEGIN("avx2,fma,f16c,avx512f")

#define LANES 16
#define ATTEND_TILED slm_attend_tiled_avx512
typedef __m512 vf;
static inline vf vf_zero(void) { return _mm512_setzero_ps(); }
static inline vf vf_load(const float *p) { return _mm512_loadu_ps(p); }
static inline void vf_store(float *p, vf v) { _mm512_storeu_ps(p, v); }
static inline vf vf_set1(float x) { return _mm512_set1_ps(x); }
static inline vf vf_bcast(const float *p) { return _mm512_set1_ps(*p); }
static inline vf vf_fma(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }
static inline vf vf_mul(vf a, vf b) { return _mm512_mul_ps(a, b); }
static inline vf vf_add(vf a, vf b) { return _mm512_add_ps(a, b); }
static inline vf vf_max(vf a, vf b) { return _mm512_max_ps(a, b); }
static inline vf vf_from_half(const uint16_t *p) { return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p)); }
static inline vf vf_hide(vf score, const int32_t *first, const int32_t *last, int32_t position) {
    const __m512i t = _mm512_set1_epi32(position);
    const __mmask16 hidden = _mm512_cmpgt_epi32_mask(_mm512_loadu_si512(first), t) |
                             _mm512_cmpge_epi32_mask(t, _mm512_loadu_si512(last));
    return _mm512_mask_blend_ps(hidden, score, _mm512_set1_ps(-INFINITY));
}

#include "libm_expf_avx512.h"
static inline vf vf_weight(vf score, vf maximum) {
    const vf weight = slm_expf_avx512(_mm512_sub_ps(score, maximum));
    return _mm512_mask_mov_ps(weight, _mm512_cmp_ps_mask(score, _mm512_set1_ps(-INFINITY), _CMP_EQ_OQ),
                              _mm512_setzero_ps());
}

#include "attention_tiled_body.h"

SLM_TARGET_END

#endif
