/* AVX-512 version of slm_attend_long: the AVX2 body (eight lanes per v8, the same numbers)
 * with its two hot loops in 512-bit vectors. Scores hold two positions per vector (each
 * position's eight partial sums in its own half, split apart for the same final tree), so
 * eight positions of up to four heads take one pass; value sums hold sixteen dimensions per
 * vector, so a head of 64 takes one pass over the positions for four heads. Every lane takes
 * the steps it takes in eight lanes, so results are bit-identical to the AVX2 version and to
 * the portable definition. */
#include <math.h>
#include "blocks.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

SLM_TARGET_BEGIN("avx2,fma,f16c,avx512f,avx512vl,avx512bw")

#define ATTEND_LONG slm_attend_long_avx512
#define ATTEND_LONG_Q8_0 slm_attend_long_q8_0_avx512
#define LONG_SCORES long_scores_wide
#define LONG_VALUES_HEAD long_values_head_wide
#include "attention_long_v8_avx2.h"

static inline void long_scores_wide(const float *query, int64_t query_stride, const int group, const void *rows,
                                    int64_t stride, const int half, int64_t head_dim, v8 *dots);
static inline void long_values_head_wide(float *const *accs, const float *const *weights, const int group,
                                         const void *rows, int64_t stride, const int half, int64_t count,
                                         int64_t head_dim, const char *ahead_keys, const char *ahead_values);

#include "attention_long_body.h"

/* Sixteen floats: eight of row `a` then eight of row `b` (at value index `at` of each). */
static inline __attribute__((always_inline)) __m512 pair_load(const void *rows, const int half, int64_t a, int64_t b) {
    if (half) {
        const uint16_t *h = rows;
        return _mm512_cvtph_ps(_mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)(h + a))),
                                                        _mm_loadu_si128((const __m128i *)(h + b)), 1));
    }
    const float *f = rows;
    return _mm512_castpd_ps(_mm512_insertf64x4(_mm512_castps_pd(_mm512_castps256_ps512(_mm256_loadu_ps(f + a))),
                                               _mm256_castps_pd(_mm256_loadu_ps(f + b)), 1));
}

static inline __m256 high_half(__m512 v) { return _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)); }

/* long_scores: all eight rows in one pass, rows 2p and 2p + 1 in one vector. */
static inline __attribute__((always_inline)) void long_scores_wide(const float *query, int64_t query_stride,
                                                                   const int group, const void *rows, int64_t stride,
                                                                   const int half, int64_t head_dim, v8 *dots) {
    __m512 acc[LONG_GROUP][4];
    for (int g = 0; g < group; g++)
        for (int p = 0; p < 4; p++) acc[g][p] = _mm512_setzero_ps();
    for (int64_t d = 0; d < head_dim; d += 8) {
        __m512 q[LONG_GROUP];
        for (int g = 0; g < group; g++)
            q[g] = _mm512_castpd_ps(_mm512_broadcast_f64x4(_mm256_castps_pd(_mm256_loadu_ps(query + g * query_stride + d))));
        for (int p = 0; p < 4; p++) {
            const __m512 k = pair_load(rows, half, 2 * p * stride + d, (2 * p + 1) * stride + d);
            for (int g = 0; g < group; g++) acc[g][p] = _mm512_fmadd_ps(k, q[g], acc[g][p]);
        }
    }
    for (int g = 0; g < group; g++) {
        v8 sums[8];
        for (int p = 0; p < 4; p++) {
            sums[2 * p] = _mm512_castps512_ps256(acc[g][p]);
            sums[2 * p + 1] = high_half(acc[g][p]);
        }
        dots[g] = v8_sum8(sums);
    }
}

/* long_values sixteen dimensions per vector, `vectors` of them from `offset`. */
static inline __attribute__((always_inline)) void long_values_wide(float *const *accs, const float *const *weights,
                                                                   const int group, const void *rows, int64_t stride,
                                                                   const int half, int64_t count, int64_t offset,
                                                                   const int vectors, const char *ahead_keys,
                                                                   const char *ahead_values) {
    __m512 sums[LONG_GROUP][8];
    for (int g = 0; g < group; g++)
        for (int c = 0; c < vectors; c++) sums[g][c] = _mm512_loadu_ps(accs[g] + offset + 16 * c);
    for (int64_t j = 0; j < count; j++) {
        __m512 w[LONG_GROUP];
        for (int g = 0; g < group; g++) w[g] = _mm512_set1_ps(weights[g][j]);
        if (ahead_keys) {
            for (int line = 0; line < 2 * 16 * vectors; line += 64) {
                __builtin_prefetch(ahead_keys + 2 * (j * stride + offset) + line, 0, 2);
                __builtin_prefetch(ahead_values + 2 * (j * stride + offset) + line, 0, 2);
            }
        }
        for (int c = 0; c < vectors; c++) {
            const int64_t at = j * stride + offset + 16 * c;
            const __m512 v = half ? _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)((const uint16_t *)rows + at)))
                                  : _mm512_loadu_ps((const float *)rows + at);
            for (int g = 0; g < group; g++) sums[g][c] = _mm512_fmadd_ps(v, w[g], sums[g][c]);
        }
    }
    for (int g = 0; g < group; g++)
        for (int c = 0; c < vectors; c++) _mm512_storeu_ps(accs[g] + offset + 16 * c, sums[g][c]);
}

/* long_values_head: 128 dimensions a pass for one or two heads, 64 for three or four, then
 * sixteen at a time, and a last eight in the eight-lane form. */
static inline __attribute__((always_inline)) void long_values_head_wide(float *const *accs,
                                                                        const float *const *weights, const int group,
                                                                        const void *rows, int64_t stride, const int half,
                                                                        int64_t count, int64_t head_dim,
                                                                        const char *ahead_keys, const char *ahead_values) {
    const int vectors = group <= 2 && head_dim >= 128 ? 8 : 4;
    int64_t d = 0;
    for (; d + 16 * vectors <= head_dim; d += 16 * vectors)
        long_values_wide(accs, weights, group, rows, stride, half, count, d, vectors, ahead_keys, ahead_values);
    for (; d + 16 <= head_dim; d += 16)
        long_values_wide(accs, weights, group, rows, stride, half, count, d, 1, ahead_keys, ahead_values);
    for (; d < head_dim; d += 8)
        long_values(accs, weights, group, rows, stride, half, count, d, 1, ahead_keys, ahead_values);
}

SLM_TARGET_END

#endif
