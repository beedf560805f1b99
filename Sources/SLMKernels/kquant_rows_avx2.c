/* K-quant batches for AVX2 CPUs, eight weight rows at a time: with the rows rearranged
 * (kquant_rearrange.h) a 256-bit vector holds four values of each of eight rows, and
 * maddubs against four broadcast activation bytes adds to every row at once; lane r is
 * row r throughout. Each row takes the float steps of the kernel it stands in for
 * (grouped Q4_K, tiled Q5_K, Q6_K and IQ4_XS), with exact integer sums, so outputs are identical. */
#include "blocks.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

SLM_TARGET_BEGIN("avx2,fma,f16c")

#include "avx2_blocks.h"
#include "kquant_rearrange.h"

/* Eight rows' int16 sums over 4 * chunks activation values; callers keep them below 2^15. */
static inline __m256i row_sums16(const uint8_t weights[][KQ_MAX_ROWS * 4], int chunks, const uint8_t *y) {
    __m256i sum = _mm256_setzero_si256();
    for (int k = 0; k < chunks; k++)
        sum = _mm256_add_epi16(sum, _mm256_maddubs_epi16(_mm256_loadu_si256((const __m256i *)weights[k]),
                                                         _mm256_set1_epi32((int)slm_load_u32(y + 4 * k))));
    return sum;
}

static inline __m256i widen(__m256i sums16) { return _mm256_madd_epi16(sums16, _mm256_set1_epi16(1)); }

static inline __m256i load8(const int32_t values[KQ_MAX_ROWS]) { return _mm256_loadu_si256((const __m256i *)values); }

/* Eight chunks of a sub-block's 4-bit values times bytes for four activation rows, each
 * weight chunk loaded once: int16 sums below 8 * 2 * 15 * 127 < 2^15, then multiplied by
 * the sub-block's scale (in both halves of the row's lane) as they are widened. */
static inline void scaled_sub_block(const uint8_t weights[][KQ_MAX_ROWS * 4], const block_q8_K *const y[4], int at,
                                    __m256i scale, __m256i sums[4]) {
    const __m256i scale16 = _mm256_or_si256(scale, _mm256_slli_epi32(scale, 16));
    __m256i part[4];
    for (int t = 0; t < 4; t++) part[t] = _mm256_setzero_si256();
    for (int k = 0; k < 8; k++) {
        const __m256i chunk = _mm256_loadu_si256((const __m256i *)weights[k]);
        for (int t = 0; t < 4; t++)
            part[t] = _mm256_add_epi16(part[t], _mm256_maddubs_epi16(
                chunk, _mm256_set1_epi32((int)slm_load_u32((const uint8_t *)y[t]->qs + at + 4 * k))));
    }
    for (int t = 0; t < 4; t++) sums[t] = _mm256_add_epi32(sums[t], _mm256_madd_epi16(part[t], scale16));
}

static void rows8_q4_K_grouped(int64_t n, const uint8_t *w, size_t row_bytes, const uint8_t *activations,
                               size_t activation_bytes, int64_t count, float *out, int64_t out_stride) {
    const int64_t blocks = n / SLM_QK_K;
    q4_K_rows *packed = slm_thread_scratch((size_t)blocks * sizeof *packed);
    rearrange_q4_K(w, row_bytes, blocks, 8, packed);
    for (int64_t t0 = 0; t0 + 4 <= count; t0 += 4) {
        __m256 acc[4], acc_min[4];
        for (int t = 0; t < 4; t++) acc[t] = acc_min[t] = _mm256_setzero_ps();
        for (int64_t i = 0; i < blocks; i++) {
            const q4_K_rows *x = &packed[i];
            const __m256 dx = _mm256_loadu_ps(x->d), dminx = _mm256_loadu_ps(x->dmin);
            const block_q8_K *y[4];
            __m256 d[4], dmin[4];
            for (int t = 0; t < 4; t++) {
                y[t] = (const block_q8_K *)(activations + (t0 + t) * activation_bytes) + i;
                const __m256 dy = _mm256_set1_ps(y[t]->d);
                d[t] = _mm256_mul_ps(dx, dy);
                dmin[t] = _mm256_mul_ps(dminx, dy);
            }
            for (int j = 0; j < 4; j++) {
                __m256i sums[4];
                for (int t = 0; t < 4; t++) sums[t] = _mm256_setzero_si256();
                scaled_sub_block(x->weights[2 * j], y, 64 * j, load8(x->scales[2 * j]), sums);
                scaled_sub_block(x->weights[2 * j + 1], y, 64 * j + 32, load8(x->scales[2 * j + 1]), sums);
                const __m256i min_pair = load8(x->min_pairs[j]);
                for (int t = 0; t < 4; t++) {
                    const __m256i mins = _mm256_madd_epi16(min_pair, _mm256_set1_epi32((int)kq_min_pair(y[t], j)));
                    acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sums[t]), d[t], acc[t]);
                    acc_min[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(mins), dmin[t], acc_min[t]);
                }
            }
        }
        for (int t = 0; t < 4; t++) _mm256_storeu_ps(out + (t0 + t) * out_stride, _mm256_sub_ps(acc[t], acc_min[t]));
    }
}

/* 6-bit values times bytes: two chunks stay below 2 * 2 * 63 * 127 < 2^15, so each
 * 16-value group is two int16 sums widened and added. */
static inline __m256i group_sums(const uint8_t weights[][KQ_MAX_ROWS * 4], const uint8_t *y) {
    return _mm256_add_epi32(widen(row_sums16(weights, 2, y)), widen(row_sums16(weights + 2, 2, y + 8)));
}

static void rows8_q6_K_tiled(int64_t n, const uint8_t *w, size_t row_bytes, const uint8_t *activations,
                             size_t activation_bytes, int64_t count, float *out, int64_t out_stride) {
    const int64_t blocks = n / SLM_QK_K;
    q6_K_rows *packed = slm_thread_scratch((size_t)blocks * sizeof *packed);
    rearrange_q6_K(w, row_bytes, blocks, 8, packed);
    for (int64_t t0 = 0; t0 + 4 <= count; t0 += 4) {
        __m256 acc[4];
        for (int t = 0; t < 4; t++) acc[t] = _mm256_setzero_ps();
        for (int64_t i = 0; i < blocks; i++) {
            const q6_K_rows *x = &packed[i];
            const __m256 dx = _mm256_loadu_ps(x->d);
            for (int t = 0; t < 4; t++) {
                const block_q8_K *y = (const block_q8_K *)(activations + (t0 + t) * activation_bytes) + i;
                __m256i sums = _mm256_setzero_si256(), bias = _mm256_setzero_si256();
                for (int k = 0; k < 8; k++) {
                    const uint8_t *q8 = (const uint8_t *)y->qs + 32 * k;
                    sums = _mm256_add_epi32(sums, _mm256_add_epi32(
                        _mm256_mullo_epi32(group_sums(x->weights[k], q8), load8(x->scales[2 * k])),
                        _mm256_mullo_epi32(group_sums(x->weights[k] + 4, q8 + 16), load8(x->scales[2 * k + 1]))));
                    bias = _mm256_add_epi32(bias, _mm256_madd_epi16(load8(x->scale_pairs[k]), _mm256_set1_epi32((int)kq_bsum_pair(y, k))));
                }
                const __m256i s1 = _mm256_sub_epi32(sums, _mm256_slli_epi32(bias, 5));
                acc[t] = _mm256_fmadd_ps(_mm256_mul_ps(dx, _mm256_cvtepi32_ps(s1)), _mm256_set1_ps(y->d), acc[t]);
            }
        }
        for (int t = 0; t < 4; t++) _mm256_storeu_ps(out + (t0 + t) * out_stride, acc[t]);
    }
}

/* Q5_K in the tiled arithmetic: per super-block the exact sums s1 (values times scales) and
 * s2 (minimums times activation sums), res = d * s1 - dmin * s2 (fused), then a fused
 * multiply-add with the activation scale. Each chunk of weights is loaded once for the four
 * activation rows; 5-bit values times bytes over four chunks stay below 4 * 2 * 31 * 128 <
 * 2^15, and each such int16 sum is multiplied by its scale (in both halves of the row's
 * lane) as it is widened. */
static void rows8_q5_K_tiled(int64_t n, const uint8_t *w, size_t row_bytes, const uint8_t *activations,
                             size_t activation_bytes, int64_t count, float *out, int64_t out_stride) {
    const int64_t blocks = n / SLM_QK_K;
    q4_K_rows *packed = slm_thread_scratch((size_t)blocks * sizeof *packed);
    rearrange_q5_K(w, row_bytes, blocks, packed);
    for (int64_t t0 = 0; t0 + 4 <= count; t0 += 4) {
        __m256 acc[4];
        for (int t = 0; t < 4; t++) acc[t] = _mm256_setzero_ps();
        for (int64_t i = 0; i < blocks; i++) {
            const q4_K_rows *x = &packed[i];
            const block_q8_K *y[4];
            __m256i s1[4], s2[4];
            for (int t = 0; t < 4; t++) {
                y[t] = (const block_q8_K *)(activations + (t0 + t) * activation_bytes) + i;
                s1[t] = s2[t] = _mm256_setzero_si256();
            }
            for (int sb = 0; sb < 8; sb++) {
                const __m256i scale = load8(x->scales[sb]);
                const __m256i scale16 = _mm256_or_si256(scale, _mm256_slli_epi32(scale, 16));
                for (int half = 0; half < 2; half++) {
                    __m256i part[4];
                    for (int t = 0; t < 4; t++) part[t] = _mm256_setzero_si256();
                    for (int k = 0; k < 4; k++) {
                        const __m256i weights = _mm256_loadu_si256((const __m256i *)x->weights[sb][4 * half + k]);
                        const int at = 32 * sb + 16 * half + 4 * k;
                        for (int t = 0; t < 4; t++)
                            part[t] = _mm256_add_epi16(part[t], _mm256_maddubs_epi16(
                                weights, _mm256_set1_epi32((int)slm_load_u32((const uint8_t *)y[t]->qs + at))));
                    }
                    for (int t = 0; t < 4; t++) s1[t] = _mm256_add_epi32(s1[t], _mm256_madd_epi16(part[t], scale16));
                }
            }
            for (int j = 0; j < 4; j++) {
                const __m256i min_pair = load8(x->min_pairs[j]);
                for (int t = 0; t < 4; t++)
                    s2[t] = _mm256_add_epi32(s2[t], _mm256_madd_epi16(min_pair, _mm256_set1_epi32((int)kq_min_pair(y[t], j))));
            }
            const __m256 dx = _mm256_loadu_ps(x->d), dminx = _mm256_loadu_ps(x->dmin);
            for (int t = 0; t < 4; t++) {
                const __m256 res = _mm256_fnmadd_ps(dminx, _mm256_cvtepi32_ps(s2[t]), _mm256_mul_ps(dx, _mm256_cvtepi32_ps(s1[t])));
                acc[t] = _mm256_fmadd_ps(res, _mm256_set1_ps(y[t]->d), acc[t]);
            }
        }
        for (int t = 0; t < 4; t++) _mm256_storeu_ps(out + (t0 + t) * out_stride, acc[t]);
    }
}

/* IQ4_XS in the tiled arithmetic (as tiled Q6_K): per super-block the exact sum of scale *
 * level * activation, one product with the row scale, a fused multiply-add with the
 * activation scale. Levels are signed, so maddubs takes their magnitudes against the
 * activations with the levels' signs; a pair of such products (at most 2 * 127 * 128) fills
 * an int16, so each chunk is widened at once, times the group's scale. */
static void rows8_iq4_xs_tiled(int64_t n, const uint8_t *w, size_t row_bytes, const uint8_t *activations,
                               size_t activation_bytes, int64_t count, float *out, int64_t out_stride) {
    const int64_t blocks = n / SLM_QK_K;
    iq4_xs_rows *packed = slm_thread_scratch((size_t)blocks * sizeof *packed);
    rearrange_iq4_xs(w, row_bytes, blocks, packed);
    for (int64_t t0 = 0; t0 + 4 <= count; t0 += 4) {
        __m256 acc[4];
        for (int t = 0; t < 4; t++) acc[t] = _mm256_setzero_ps();
        for (int64_t i = 0; i < blocks; i++) {
            const iq4_xs_rows *x = &packed[i];
            const block_q8_K *y[4];
            __m256i sums[4];
            for (int t = 0; t < 4; t++) {
                y[t] = (const block_q8_K *)(activations + (t0 + t) * activation_bytes) + i;
                sums[t] = _mm256_setzero_si256();
            }
            for (int g = 0; g < 8; g++) {
                const __m256i scale_pair = load8(x->scale_pairs[g]);
                for (int k = 0; k < 8; k++) {
                    const __m256i levels = _mm256_loadu_si256((const __m256i *)x->weights[g][k]);
                    const __m256i magnitude = _mm256_sign_epi8(levels, levels);
                    const int at = 32 * g + 4 * k;
                    for (int t = 0; t < 4; t++) {
                        const __m256i bytes = _mm256_set1_epi32((int)slm_load_u32((const uint8_t *)y[t]->qs + at));
                        sums[t] = _mm256_add_epi32(sums[t], _mm256_madd_epi16(
                            _mm256_maddubs_epi16(magnitude, _mm256_sign_epi8(bytes, levels)), scale_pair));
                    }
                }
            }
            const __m256 dx = _mm256_loadu_ps(x->d);
            for (int t = 0; t < 4; t++)
                acc[t] = _mm256_fmadd_ps(_mm256_mul_ps(dx, _mm256_cvtepi32_ps(sums[t])), _mm256_set1_ps(y[t]->d), acc[t]);
        }
        for (int t = 0; t < 4; t++) _mm256_storeu_ps(out + (t0 + t) * out_stride, acc[t]);
    }
}

SLM_TARGET_END

slm_rows_fn slm_avx2_tiled_iq4_xs(void) { return rows8_iq4_xs_tiled; }

slm_rows_fn slm_avx2_tiled_q5_K(void) { return rows8_q5_K_tiled; }

slm_rows_fn slm_avx2_repacked_q4_K(void) { return rows8_q4_K_grouped; }

slm_rows_fn slm_avx2_tiled_q6_K(void) { return rows8_q6_K_tiled; }

#else
slm_rows_fn slm_avx2_tiled_iq4_xs(void) { return NULL; }
slm_rows_fn slm_avx2_tiled_q5_K(void) { return NULL; }
slm_rows_fn slm_avx2_repacked_q4_K(void) { return NULL; }
slm_rows_fn slm_avx2_tiled_q6_K(void) { return NULL; }
#endif
