/* AVX-512 version of the grouped attention of a generated token (slm_attend_f16_heads; the
 * body is attention_heads_body.h): sixteen lanes per step where the AVX2 version takes
 * eight, every element through the same operations, so each head's output is
 * bit-identical to slm_attend_f16_portable's.
 *
 * The key dot keeps the reference's summation order: its four accumulators of eight lanes
 * over each 32 values are the two halves of two 512-bit accumulators (values i..i+15 and
 * i+16..i+31), and the fold (acc0 + acc2) + (acc1 + acc3), then the eight lanes as the
 * AVX2 kernel adds them, is one 512-bit add, one 256-bit add and the same 128-bit steps. */
#include <math.h>
#include "blocks.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

SLM_TARGET_BEGIN("avx2,fma,f16c,avx512f")

/* The dot of a converted key row with a half-rounded query, in the reference's order. */
static inline float heads_dot(const float *row, const float *query, int64_t head_dim) {
    __m512 low = _mm512_setzero_ps(), high = _mm512_setzero_ps();
    for (int64_t i = 0; i < head_dim; i += 32) {
        low = _mm512_fmadd_ps(_mm512_loadu_ps(row + i), _mm512_loadu_ps(query + i), low);
        high = _mm512_fmadd_ps(_mm512_loadu_ps(row + i + 16), _mm512_loadu_ps(query + i + 16), high);
    }
    const __m512 pairs = _mm512_add_ps(low, high);
    const __m256 eight = _mm256_add_ps(_mm512_castps512_ps256(pairs),
                                       _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(pairs), 1)));
    __m128 t = _mm_add_ps(_mm256_castps256_ps128(eight), _mm256_extractf128_ps(eight, 1));
    t = _mm_hadd_ps(t, t);
    t = _mm_hadd_ps(t, t);
    return _mm_cvtss_f32(t);
}

#define LANES 16
#define ATTEND_HEADS slm_attend_f16_heads_avx512
typedef __m512 vf;
static inline vf vf_zero(void) { return _mm512_setzero_ps(); }
static inline vf vf_load(const float *p) { return _mm512_loadu_ps(p); }
static inline void vf_store(float *p, vf v) { _mm512_storeu_ps(p, v); }
static inline vf vf_set1(float x) { return _mm512_set1_ps(x); }
static inline vf vf_mul(vf a, vf b) { return _mm512_mul_ps(a, b); }
static inline vf vf_fma(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }
static inline vf vf_round_half(vf v) { return _mm512_cvtph_ps(_mm512_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT)); }
static inline vf vf_from_half(const uint16_t *p) { return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p)); }

#include "attention_heads_body.h"

SLM_TARGET_END

#else
int slm_attend_f16_heads_avx512(const float *queries, int64_t query_stride, int64_t heads, const uint16_t *keys,
                                const uint16_t *values, int64_t row_stride, int64_t head_dim, int64_t first,
                                int64_t last, float scale, float softcap, float *out, int64_t out_stride) {
    (void)queries; (void)query_stride; (void)heads; (void)keys; (void)values; (void)row_stride; (void)head_dim;
    (void)first; (void)last; (void)scale; (void)softcap; (void)out; (void)out_stride;
    return -1;
}
#endif
