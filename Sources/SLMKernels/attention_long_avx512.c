/* AVX-512 version of slm_attend_long: the AVX2 body (eight lanes per v8, the same numbers)
 * with its hot loops in 512-bit vectors. Scores hold two positions per vector (each
 * position's eight partial sums in its own half, split apart for the same final tree), so
 * eight positions of up to four heads take one pass; value sums hold sixteen dimensions per
 * vector, so a head of 64 takes one pass over the positions for four heads; the softmax
 * weights take sixteen positions per vector. Over a Q8_0 cache the integer scores are VNNI
 * dot products of four rows per vector for up to eight heads at once, and the values are
 * converted sixteen at a time as the value sums read them. Every lane takes the steps it takes in eight lanes, so
 * results are bit-identical to the AVX2 version and to the portable definition. */
#include <math.h>
#include "blocks.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

SLM_TARGET_BEGIN("avx2,fma,f16c,avx512f,avx512vl,avx512bw,avx512vnni")

#define ATTEND_LONG slm_attend_long_avx512
#define ATTEND_LONG_Q8_0 slm_attend_long_q8_0_avx512
#define LONG_SCORES long_scores_wide
#define LONG_VALUES_HEAD long_values_head_wide
#define LONG_SCORES_Q8_0 long_scores_q8_0_wide
#define SCORE_GROUP 8
#define LONG_TILE_MAX long_tile_max_wide
#define LONG_WEIGHTS long_weights_wide
#include "attention_long_v8_avx2.h"

static inline float long_tile_max_wide(const float *row, int64_t blocks);
static inline float long_weights_wide(float *row, int64_t blocks, float maximum);
static inline void long_scores_wide(const float *query, int64_t query_stride, const int group, const void *rows,
                                    int64_t stride, const int half, int64_t head_dim, v8 *dots);
static inline void long_scores_q8_0_wide(slm_long_query_q8_0 query, const int group, const char *rows,
                                         int64_t row_bytes, int64_t head_dim, v8 *dots);
struct long_value_rows;
static inline void long_values_head_wide(float *const *accs, const float *const *weights, const int group,
                                         struct long_value_rows rows, const int q8, int64_t count, int64_t head_dim,
                                         const char *ahead_keys, const char *ahead_values);

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

/* long_exp on sixteen values, step for step. */
static inline __m512 long_exp_wide(__m512 x) {
    const __m512 shifter = _mm512_set1_ps(0x1.8p23f);
    const __m512 n = _mm512_sub_ps(_mm512_fmadd_ps(x, _mm512_set1_ps(0x1.715476p+0f), shifter), shifter);
    __m512 r = _mm512_fmadd_ps(n, _mm512_set1_ps(-0x1.62e43p-1f), x);
    r = _mm512_fmadd_ps(n, _mm512_set1_ps(0x1.05c61p-29f), r);
    __m512 p = _mm512_fmadd_ps(_mm512_set1_ps(0x1.a01a02p-13f), r, _mm512_set1_ps(0x1.6c16c2p-10f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0x1.111112p-7f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0x1.555556p-5f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0x1.555556p-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0x1.0p-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    const __m512i exponent = _mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127));
    const __m512 power = _mm512_castsi512_ps(_mm512_slli_epi32(exponent, 23));
    return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(x, _mm512_set1_ps(-87.0f), _CMP_GE_OQ), _mm512_mul_ps(p, power));
}

/* long_tile_max two blocks per vector (the largest value does not depend on the order). */
static inline float long_tile_max_wide(const float *row, int64_t blocks) {
    __m512 wide = _mm512_set1_ps(-INFINITY);
    int64_t block = 0;
    for (; block + 2 <= blocks; block += 2) wide = _mm512_max_ps(_mm512_loadu_ps(row + 8 * block), wide);
    v8 tile_max = _mm256_max_ps(_mm512_castps512_ps256(wide), high_half(wide));
    if (block < blocks) tile_max = v8_max_number(v8_load(row + 8 * block), tile_max);
    return v8_max_lanes(tile_max);
}

/* long_weights with the exponentials two blocks per vector; the sum block by block as there. */
static inline float long_weights_wide(float *row, int64_t blocks, float maximum) {
    const __m512 m = _mm512_set1_ps(maximum);
    v8 partial = v8_zero();
    int64_t block = 0;
    for (; block + 2 <= blocks; block += 2) {
        const __m512 w = long_exp_wide(_mm512_sub_ps(_mm512_loadu_ps(row + 8 * block), m));
        _mm512_storeu_ps(row + 8 * block, w);
        partial = v8_add(v8_add(partial, _mm512_castps512_ps256(w)), high_half(w));
    }
    if (block < blocks) {
        const v8 w = long_exp(v8_sub(v8_load(row + 8 * block), _mm512_castps512_ps256(m)));
        v8_store(row + 8 * block, w);
        partial = v8_add(partial, w);
    }
    return v8_sum_lanes(partial);
}

/* Sixteen bytes at `at` of each of four rows, row i in 128-bit lane i, plus 128 each (as
 * unsigned bytes). */
static inline __attribute__((always_inline)) __m512i four_rows(const char *rows, int64_t row_bytes, int64_t at) {
    __m512i v = _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)(rows + at)));
    v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(rows + row_bytes + at)), 1);
    v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(rows + 2 * row_bytes + at)), 2);
    v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(rows + 3 * row_bytes + at)), 3);
    return _mm512_xor_si512(v, _mm512_set1_epi8((char)0x80));
}

/* One head's products with a block of rows 0-3 (`low`, `high`: the first and last sixteen
 * values) or 4-7, row i's in the four 32-bit lanes of 128-bit lane i. vpdpbusd multiplies
 * unsigned bytes by signed ones: the keys plus 128 by the query, so each lane starts at
 * minus 32 times the query block's sum (four lanes make a row's 128 times it). */
static inline __attribute__((always_inline)) __m512 head_products(__m512i start, __m512i query_low,
                                                                  __m512i query_high, __m512i low, __m512i high) {
    return _mm512_castsi512_ps(_mm512_dpbusd_epi32(_mm512_dpbusd_epi32(start, low, query_low), high, query_high));
}

/* A head's block sums of rows 0-7 from its products with rows 0-3 (`a`) and 4-7 (`c`): per
 * 128-bit lane i, the half sums [row i, row i, row 4 + i, row 4 + i]. */
static inline __attribute__((always_inline)) __m512 half_sums(__m512 a, __m512 c) {
    return _mm512_castsi512_ps(_mm512_add_epi32(_mm512_castps_si512(_mm512_shuffle_ps(a, c, 0x88)),
                                                _mm512_castps_si512(_mm512_shuffle_ps(a, c, 0xDD))));
}

/* long_scores_q8_0 by VNNI, two heads sharing each vector of sums. A block of rows 0-3 (and
 * one of rows 4-7) fills a vector, row i in 128-bit lane i: the first sixteen values in one
 * vector, the other sixteen in another, read once for every head. Two rounds of shuffles and
 * adds total each row's lanes for a pair of heads at once: lane 4i holds the first head's
 * sum with row i, 4i + 1 with row 4 + i, 4i + 2 and 4i + 3 the second head's; the keys' and
 * queries' scales are placed to match. A lone last head pairs with itself. All sums are exact
 * integers, so every number is long_dot_q8_0's. */
static inline __attribute__((always_inline)) void long_scores_q8_0_wide(slm_long_query_q8_0 query, const int group,
                                                                        const char *rows, int64_t row_bytes,
                                                                        int64_t head_dim, v8 *dots) {
    const int64_t blocks = head_dim / SLM_QK;
    const __m512i to_lanes = _mm512_setr_epi32(0, 4, 0, 4, 1, 5, 1, 5, 2, 6, 2, 6, 3, 7, 3, 7);
    __m512 acc[(SCORE_GROUP + 1) / 2];
    for (int pair = 0; pair < (group + 1) / 2; pair++) acc[pair] = _mm512_setzero_ps();
    for (int64_t b = 0; b < blocks; b++) {
        const char *block = rows + b * (int64_t)sizeof(block_q8_0);
        const int64_t qs = offsetof(block_q8_0, qs);
        __m512i low[2], high[2];
        for (int p = 0; p < 2; p++) {
            low[p] = four_rows(block + 4 * p * row_bytes, row_bytes, qs);
            high[p] = four_rows(block + 4 * p * row_bytes, row_bytes, qs + 16);
        }
        uint16_t halves[8];
        for (int i = 0; i < 8; i++) memcpy(&halves[i], block + i * row_bytes, sizeof halves[i]);
        const __m512 key_scales = _mm512_permutexvar_ps(
            to_lanes, _mm512_castps256_ps512(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)halves))));
        /* unrolled, so the sums stay in registers (clang keeps a loop of four pairs otherwise) */
#pragma clang loop unroll(full)
        for (int pair = 0; pair < (group + 1) / 2; pair++) {
            __m512 sums[2];
            float scales[2];
            for (int k = 0; k < 2 && 2 * pair + k < group; k++) {
                const int64_t at = (2 * pair + k) * blocks + b;
                const __m512i start = _mm512_set1_epi32(-32 * query.sums[at]);
                const __m512i query_low = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)query.blocks[at].qs));
                const __m512i query_high =
                    _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(query.blocks[at].qs + 16)));
                sums[k] = half_sums(head_products(start, query_low, query_high, low[0], high[0]),
                                    head_products(start, query_low, query_high, low[1], high[1]));
                scales[k] = query.scales[at];
            }
            if (2 * pair + 1 == group) {
                sums[1] = sums[0];
                scales[1] = scales[0];
            }
            const __m512i totals = _mm512_add_epi32(_mm512_castps_si512(_mm512_shuffle_ps(sums[0], sums[1], 0x88)),
                                                    _mm512_castps_si512(_mm512_shuffle_ps(sums[0], sums[1], 0xDD)));
            const __m512 scale = _mm512_mask_mul_ps(_mm512_mul_ps(key_scales, _mm512_set1_ps(scales[0])), 0xCCCC,
                                                    key_scales, _mm512_set1_ps(scales[1]));
            acc[pair] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(totals), scale, acc[pair]);
        }
    }
    const __m512i first = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m512i second = _mm512_setr_epi32(2, 6, 10, 14, 3, 7, 11, 15, 0, 0, 0, 0, 0, 0, 0, 0);
    for (int g = 0; g < group; g++)
        dots[g] = _mm512_castps512_ps256(_mm512_permutexvar_ps(g % 2 ? second : first, acc[g / 2]));
}

/* long_values sixteen dimensions per vector, `vectors` of them from `offset`: F16 rows
 * converted sixteen at a time, Q8_0 rows half a block at a time (d * q, exact as in eight
 * lanes). */
static inline __attribute__((always_inline)) void long_values_wide(float *const *accs, const float *const *weights,
                                                                   const int group, long_value_rows rows, const int q8,
                                                                   int64_t count, int64_t offset, const int vectors,
                                                                   const char *ahead_keys, const char *ahead_values) {
    __m512 sums[LONG_GROUP][8];
    for (int g = 0; g < group; g++)
        for (int c = 0; c < vectors; c++) sums[g][c] = _mm512_loadu_ps(accs[g] + offset + 16 * c);
    for (int64_t j = 0; j < count; j++) {
        __m512 w[LONG_GROUP];
        for (int g = 0; g < group; g++) w[g] = _mm512_set1_ps(weights[g][j]);
        if (ahead_keys) long_ask_ahead_at(ahead_keys, ahead_values, rows, q8, j, offset, 32 * vectors);
        for (int c = 0; c < vectors; c++) {
            const int64_t d = offset + 16 * c;
            __m512 v;
            if (q8) {
                const block_q8_0 *row = (const block_q8_0 *)(rows.rows + j * rows.stride);
                const __m512i q = _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(row[d / SLM_QK].qs + d % SLM_QK)));
                v = _mm512_mul_ps(_mm512_cvtepi32_ps(q), _mm512_set1_ps(rows.scales[j * rows.blocks + d / SLM_QK]));
            } else {
                v = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)((const uint16_t *)rows.rows + j * rows.stride + d)));
            }
            for (int g = 0; g < group; g++) sums[g][c] = _mm512_fmadd_ps(v, w[g], sums[g][c]);
        }
    }
    for (int g = 0; g < group; g++)
        for (int c = 0; c < vectors; c++) _mm512_storeu_ps(accs[g] + offset + 16 * c, sums[g][c]);
}

/* long_values_head: 128 dimensions a pass for one or two heads, 64 for three or four, then
 * sixteen at a time, and a last eight (F16 heads only) in the eight-lane form. */
static inline __attribute__((always_inline)) void long_values_head_wide(float *const *accs,
                                                                        const float *const *weights, const int group,
                                                                        long_value_rows rows, const int q8,
                                                                        int64_t count, int64_t head_dim,
                                                                        const char *ahead_keys, const char *ahead_values) {
    const int vectors = group <= 2 && head_dim >= 128 ? 8 : 4;
    int64_t d = 0;
    for (; d + 16 * vectors <= head_dim; d += 16 * vectors)
        long_values_wide(accs, weights, group, rows, q8, count, d, vectors, q8 && d > 0 ? NULL : ahead_keys,
                         ahead_values);
    for (; d + 16 <= head_dim; d += 16)
        long_values_wide(accs, weights, group, rows, q8, count, d, 1, q8 && d > 0 ? NULL : ahead_keys, ahead_values);
    for (; d < head_dim; d += 8)
        long_values(accs, weights, group, rows, q8, count, d, 1, q8 && d > 0 ? NULL : ahead_keys, ahead_values);
}

SLM_TARGET_END

#endif
