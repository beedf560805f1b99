/* AVX2/F16C version of slm_attend_f16: the same operations on each element as the
 * portable version in ops.c (so results are bit-identical), eight lanes at a time. */
#include <math.h>
#include "blocks.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

SLM_TARGET_BEGIN("avx2,fma,f16c")

static inline __m256 round_to_half(__m256 v) {
    return _mm256_cvtph_ps(_mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT));
}

/* The reference's F16 dot: four accumulators of eight lanes per 32 values. */
static inline float dot_half_avx2(const uint16_t *key, const float *query, int64_t n) {
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    int64_t i = 0;
    for (; i + 32 <= n; i += 32)
        for (int j = 0; j < 4; j++)
            acc[j] = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(key + i + 8 * j))),
                                     _mm256_loadu_ps(query + i + 8 * j), acc[j]);
    acc[0] = _mm256_add_ps(acc[0], acc[2]);
    acc[1] = _mm256_add_ps(acc[1], acc[3]);
    acc[0] = _mm256_add_ps(acc[0], acc[1]);
    __m128 t = _mm_add_ps(_mm256_castps256_ps128(acc[0]), _mm256_extractf128_ps(acc[0], 1));
    t = _mm_hadd_ps(t, t);
    t = _mm_hadd_ps(t, t);
    double sum = (double)_mm_cvtss_f32(t);
    for (; i < n; i++) sum += (double)(_cvtsh_ss(key[i]) * query[i]);
    return (float)sum;
}

int slm_attend_f16_avx2(const float *query, const uint16_t *keys, const uint16_t *values,
                        int64_t row_stride, int64_t head_dim, int64_t first, int64_t last,
                        float scale, float softcap, float *out) {
    if (head_dim > 1024 || head_dim % 8 != 0) return -1;
    float query_half[1024], accumulator[1024];
    for (int64_t i = 0; i < head_dim; i += 8) {
        _mm256_storeu_ps(query_half + i, round_to_half(_mm256_loadu_ps(query + i)));
        _mm256_storeu_ps(accumulator + i, _mm256_setzero_ps());
    }
    float running_max = -INFINITY, running_sum = 0.0f;
    for (int64_t t = first; t < last; t++) {
        float score = dot_half_avx2(keys + t * row_stride, query_half, head_dim) * scale;
        if (softcap > 0.0f) score = softcap * tanhf(score / softcap);
        float old_scale = 1.0f, weight = 1.0f;
        if (score > running_max) {
            float previous = running_max;
            running_max = score;
            old_scale = expf(previous - running_max);
            const __m256 s = _mm256_set1_ps(old_scale);
            for (int64_t i = 0; i < head_dim; i += 8)
                _mm256_storeu_ps(accumulator + i, round_to_half(_mm256_mul_ps(_mm256_loadu_ps(accumulator + i), s)));
        } else {
            weight = expf(score - running_max);
        }
        const uint16_t *value = values + t * row_stride;
        const __m256 w = _mm256_set1_ps(weight);
        for (int64_t i = 0; i < head_dim; i += 8) {
            __m256 v = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(value + i)));
            _mm256_storeu_ps(accumulator + i, round_to_half(_mm256_fmadd_ps(v, w, _mm256_loadu_ps(accumulator + i))));
        }
        running_sum = fmaf(running_sum, old_scale, weight);
    }
    float inverse = running_sum > 0.0f ? 1.0f / running_sum : 0.0f;
    for (int64_t i = 0; i < head_dim; i++) out[i] = accumulator[i] * inverse;
    return 0;
}

SLM_TARGET_END

#else
int slm_attend_f16_avx2(const float *query, const uint16_t *keys, const uint16_t *values,
                        int64_t row_stride, int64_t head_dim, int64_t first, int64_t last,
                        float scale, float softcap, float *out) {
    (void)query; (void)keys; (void)values; (void)row_stride; (void)head_dim;
    (void)first; (void)last; (void)scale; (void)softcap; (void)out;
    return -1;
}
#endif
