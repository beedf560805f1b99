/* AVX-512 version of the grouped attention of a generated token (slm_attend_f16_heads):
 * sixteen lanes per step where the AVX2 version takes eight, every element through the
 * same operations, so each head's output is bit-identical to slm_attend_f16_portable's.
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

static inline __m512 round_to_half16(__m512 v) {
    return _mm512_cvtph_ps(_mm512_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT));
}

/* The dot of a converted key row with a half-rounded query, in the reference's order. */
static inline float dot_row(const float *row, const float *query, int64_t head_dim) {
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

int slm_attend_f16_heads_avx512(const float *queries, int64_t query_stride, int64_t heads, const uint16_t *keys,
                                const uint16_t *values, int64_t row_stride, int64_t head_dim, int64_t first,
                                int64_t last, float scale, float softcap, float *out, int64_t out_stride) {
    enum { MAX_HEADS = 16, MAX_DIM = 256 };
    if (heads > MAX_HEADS || head_dim > MAX_DIM || head_dim % 32 != 0) return -1;
    float query_half[MAX_HEADS][MAX_DIM], accumulator[MAX_HEADS][MAX_DIM], row[MAX_DIM];
    float running_max[MAX_HEADS], running_sum[MAX_HEADS], weights[MAX_HEADS], old_scales[MAX_HEADS];
    for (int64_t h = 0; h < heads; h++) {
        for (int64_t i = 0; i < head_dim; i += 16) {
            _mm512_storeu_ps(query_half[h] + i, round_to_half16(_mm512_loadu_ps(queries + h * query_stride + i)));
            _mm512_storeu_ps(accumulator[h] + i, _mm512_setzero_ps());
        }
        running_max[h] = -INFINITY;
        running_sum[h] = 0.0f;
    }
    for (int64_t t = first; t < last; t++) {
        const uint16_t *key = keys + t * row_stride;
        if (t + SLM_ATTEND_PREFETCH < last) {
            slm_prefetch_span(key + SLM_ATTEND_PREFETCH * row_stride, head_dim * 2);
            slm_prefetch_span(values + (t + SLM_ATTEND_PREFETCH) * row_stride, head_dim * 2);
        }
        for (int64_t i = 0; i < head_dim; i += 16)
            _mm512_storeu_ps(row + i, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(key + i))));
        for (int64_t h = 0; h < heads; h++) {
            float score = dot_row(row, query_half[h], head_dim) * scale;
            if (softcap > 0.0f) score = softcap * tanhf(score / softcap);
            if (slm_softmax_step(score, &running_max[h], &old_scales[h], &weights[h])) {
                const __m512 factor = _mm512_set1_ps(old_scales[h]);
                for (int64_t i = 0; i < head_dim; i += 16)
                    _mm512_storeu_ps(accumulator[h] + i,
                                     round_to_half16(_mm512_mul_ps(_mm512_loadu_ps(accumulator[h] + i), factor)));
            }
        }
        const uint16_t *value = values + t * row_stride;
        for (int64_t i = 0; i < head_dim; i += 16) {
            const __m512 v = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(value + i)));
            for (int64_t h = 0; h < heads; h++)
                _mm512_storeu_ps(accumulator[h] + i,
                                 round_to_half16(_mm512_fmadd_ps(v, _mm512_set1_ps(weights[h]),
                                                                 _mm512_loadu_ps(accumulator[h] + i))));
        }
        for (int64_t h = 0; h < heads; h++) running_sum[h] = fmaf(running_sum[h], old_scales[h], weights[h]);
    }
    for (int64_t h = 0; h < heads; h++) {
        const float inverse = running_sum[h] > 0.0f ? 1.0f / running_sum[h] : 0.0f;
        for (int64_t i = 0; i < head_dim; i++) out[h * out_stride + i] = accumulator[h][i] * inverse;
    }
    return 0;
}

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
