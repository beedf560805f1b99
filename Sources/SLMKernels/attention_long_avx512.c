/* AVX-512 version of slm_attend_long: the AVX2 body (eight lanes per v8, the same numbers)
 * with its hot loops in 512-bit vectors. Scores hold two positions per vector (each
 * position's eight partial sums in its own half, split apart for the same final tree), so
 * eight positions of up to four heads take one pass; value sums hold sixteen dimensions per
 * vector, so a head of 64 takes one pass over the positions for four heads; the softmax
 * weights take sixteen positions per vector. Over a Q8_0 cache the integer scores are VNNI
 * dot products of four rows per vector for up to eight heads at once, and the values are
 * converted sixteen at a time. Every lane takes the steps it takes in eight lanes, so
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
#define LONG_CONVERT long_convert_wide
#define SCORE_GROUP 8
#define LONG_TILE_MAX long_tile_max_wide
#define LONG_WEIGHTS long_weights_wide
#include "attention_long_v8_avx2.h"

static inline float long_tile_max_wide(const float *row, int64_t blocks);
static inline float long_weights_wide(float *row, int64_t blocks, float maximum);
static inline void long_convert_wide(const char *rows, int64_t row_bytes, const int q8, int64_t head_dim,
                                     int64_t count, float *tile);
static inline void long_scores_wide(const float *query, int64_t query_stride, const int group, const void *rows,
                                    int64_t stride, const int half, int64_t head_dim, v8 *dots);
static inline void long_scores_q8_0_wide(const block_q8_0 *queries, const int group, const char *rows,
                                         int64_t row_bytes, int64_t head_dim, v8 *dots);
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

/* long_convert sixteen values per vector: a Q8_0 block's halves widened, converted and
 * scaled (d * q, exact as in eight lanes); F16 rows in eight lanes. */
static inline __attribute__((always_inline)) void long_convert_wide(const char *rows, int64_t row_bytes, const int q8,
                                                                    int64_t head_dim, int64_t count, float *tile) {
    if (!q8) {
        long_convert(rows, row_bytes, q8, head_dim, count, tile);
        return;
    }
    for (int64_t j = 0; j < count; j++) {
        const block_q8_0 *blocks = (const block_q8_0 *)(rows + j * row_bytes);
        float *dest = tile + j * head_dim;
        for (int64_t b = 0; b < head_dim / SLM_QK; b++) {
            const __m512 d = _mm512_set1_ps(slm_fp16_to_fp32(blocks[b].d));
            for (int i = 0; i < SLM_QK; i += 16) {
                const __m512i q = _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(blocks[b].qs + i)));
                _mm512_storeu_ps(dest + b * SLM_QK + i, _mm512_mul_ps(_mm512_cvtepi32_ps(q), d));
            }
        }
    }
}

/* Sixteen bytes at `at` of each of four rows, row i in 128-bit lane i. */
static inline __attribute__((always_inline)) __m512i four_rows(const char *rows, int64_t row_bytes, int64_t at) {
    __m512i v = _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)(rows + at)));
    v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(rows + row_bytes + at)), 1);
    v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(rows + 2 * row_bytes + at)), 2);
    return _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(rows + 3 * row_bytes + at)), 3);
}

/* long_scores_q8_0 by VNNI. A block of rows 0-3 (and one of rows 4-7) fills a vector, row i
 * in 128-bit lane i: the first sixteen values in one vector, the other sixteen in another.
 * vpdpbusd multiplies unsigned bytes by signed ones, so the query's bytes are taken plus 128
 * and every sum starts from minus 128 times the key's bytes it meets (computed once for all
 * the heads); each lane then holds four products' sum, exact, and two rounds of shuffles and
 * adds total a row's lanes. Row i's block sum lands in lane 4i and row 4 + i's in lane
 * 4i + 2, where the keys' scales are placed; the other lanes' numbers are never used. */
static inline __attribute__((always_inline)) void long_scores_q8_0_wide(const block_q8_0 *queries, const int group,
                                                                        const char *rows, int64_t row_bytes,
                                                                        int64_t head_dim, v8 *dots) {
    const int64_t blocks = head_dim / SLM_QK;
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    const __m512i to_lanes = _mm512_setr_epi32(0, 0, 4, 4, 1, 1, 5, 5, 2, 2, 6, 6, 3, 3, 7, 7);
    __m512 acc[SCORE_GROUP];
    for (int g = 0; g < group; g++) acc[g] = _mm512_setzero_ps();
    for (int64_t b = 0; b < blocks; b++) {
        const char *block = rows + b * (int64_t)sizeof(block_q8_0);
        const int64_t qs = offsetof(block_q8_0, qs);
        __m512i low[2], high[2], start[2];
        for (int p = 0; p < 2; p++) {
            low[p] = four_rows(block + 4 * p * row_bytes, row_bytes, qs);
            high[p] = four_rows(block + 4 * p * row_bytes, row_bytes, qs + 16);
            start[p] = _mm512_sub_epi32(_mm512_setzero_si512(),
                                        _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(_mm512_setzero_si512(), flip, low[p]),
                                                            flip, high[p]));
        }
        uint16_t halves[8];
        for (int i = 0; i < 8; i++) memcpy(&halves[i], block + i * row_bytes, sizeof halves[i]);
        const __m512 key_scales = _mm512_permutexvar_ps(
            to_lanes, _mm512_castps256_ps512(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)halves))));
        for (int g = 0; g < group; g++) {
            const block_q8_0 *query = queries + g * blocks + b;
            const __m512i query_low = _mm512_xor_si512(
                _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)query->qs)), flip);
            const __m512i query_high = _mm512_xor_si512(
                _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(query->qs + 16))), flip);
            const __m512 a = _mm512_castsi512_ps(
                _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(start[0], query_low, low[0]), query_high, high[0]));
            const __m512 c = _mm512_castsi512_ps(
                _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(start[1], query_low, low[1]), query_high, high[1]));
            const __m512i pairs = _mm512_add_epi32(_mm512_castps_si512(_mm512_shuffle_ps(a, c, 0x88)),
                                                   _mm512_castps_si512(_mm512_shuffle_ps(a, c, 0xDD)));
            const __m512i sums = _mm512_add_epi32(pairs, _mm512_shuffle_epi32(pairs, (_MM_PERM_ENUM)0xB1));
            acc[g] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sums),
                                     _mm512_mul_ps(key_scales, _mm512_set1_ps(slm_fp16_to_fp32(query->d))), acc[g]);
        }
    }
    const __m512i in_order = _mm512_setr_epi32(0, 4, 8, 12, 2, 6, 10, 14, 0, 0, 0, 0, 0, 0, 0, 0);
    for (int g = 0; g < group; g++) dots[g] = _mm512_castps512_ps256(_mm512_permutexvar_ps(in_order, acc[g]));
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
