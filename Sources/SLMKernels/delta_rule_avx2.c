/* AVX2/FMA version of the gated delta rule: a state row in eight-float vectors, the dots
 * in one eight-lane accumulator reduced as the portable version reduces, so the results
 * are identical to it. */
#include "blocks.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

SLM_TARGET_BEGIN("avx2,fma")

static inline float reduce(__m256 lanes) {
    const __m128 quarter = _mm_add_ps(_mm256_castps256_ps128(lanes), _mm256_extractf128_ps(lanes, 1));
    /* (q0 + q2) and (q1 + q3), then their sum */
    const __m128 pairs = _mm_add_ps(quarter, _mm_movehl_ps(quarter, quarter));
    return _mm_cvtss_f32(_mm_add_ss(pairs, _mm_shuffle_ps(pairs, pairs, 1)));
}

void slm_delta_rule_avx2(float *state, int64_t size, int64_t rows, const float *query, const float *key,
                         const float *value, int64_t stride, const float *decay, const float *beta,
                         int64_t gate_stride, float scale, float *out, int64_t out_stride) {
    for (int64_t t = 0; t < rows; t++) {
        const float *q = query + t * stride, *k = key + t * stride, *v = value + t * stride;
        const __m256 e = _mm256_set1_ps(decay[t * gate_stride]);
        const float b = beta[t * gate_stride];
        float *o = out + t * out_stride;
        for (int64_t j = 0; j < size; j++) {
            float *row = state + j * size;
            __m256 dot = _mm256_setzero_ps();
            for (int64_t i = 0; i < size; i += 8) {
                const __m256 decayed = _mm256_mul_ps(_mm256_loadu_ps(row + i), e);
                _mm256_storeu_ps(row + i, decayed);
                dot = _mm256_fmadd_ps(decayed, _mm256_loadu_ps(k + i), dot);
            }
            const __m256 delta = _mm256_set1_ps((v[j] - reduce(dot)) * b);
            __m256 read = _mm256_setzero_ps();
            for (int64_t i = 0; i < size; i += 8) {
                const __m256 updated = _mm256_fmadd_ps(_mm256_loadu_ps(k + i), delta, _mm256_loadu_ps(row + i));
                _mm256_storeu_ps(row + i, updated);
                read = _mm256_fmadd_ps(updated, _mm256_loadu_ps(q + i), read);
            }
            o[j] = reduce(read) * scale;
        }
    }
}

SLM_TARGET_END

#else
void slm_delta_rule_avx2(float *state, int64_t size, int64_t rows, const float *query, const float *key,
                         const float *value, int64_t stride, const float *decay, const float *beta,
                         int64_t gate_stride, float scale, float *out, int64_t out_stride) {
    slm_delta_rule_portable(state, size, rows, query, key, value, stride, decay, beta, gate_stride, scale, out,
                            out_stride);
}
#endif
