/* Batch kernels for CPUs with AVX-512 (F, VL, BW) and VNNI.
 *
 * Q4_0, Q5_0 and Q8_0: four weight rows are decoded once per call and reused for every group of
 * activation rows: eight at a time in 512-bit vectors (two activation rows' eight lanes
 * side by side), a last four in 256-bit ones. Every lane takes the steps of the AVX2
 * one-row kernels (a block's int32 lane sums, one product of the two scales, a fused
 * multiply-add per block, the eight lanes added at the end), so every output is
 * bit-identical to them; dpbusd sums the byte products straight into the int32 lanes.
 *
 * Repacked Q4_K and tiled Q5_K, Q6_K and IQ4_XS: sixteen weight rows, rearranged so that one lane holds one
 * row (see below). */
#include "blocks.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

SLM_TARGET_BEGIN("avx2,fma,f16c,avx512f,avx512vl,avx512bw,avx512vnni")

#include "avx2_blocks.h"
#include "kquant_rearrange_avx512.h"

static inline __m128 scales4(slm_half a, slm_half b, slm_half c, slm_half d) {
    return _mm_cvtph_ps(_mm_setr_epi16((short)a, (short)b, (short)c, (short)d, 0, 0, 0, 0));
}

/* Four weight blocks ready for the products. dpbusd multiplies unsigned by signed bytes,
 * so the activations are offset by 128 (a byte flip) and each lane of a sum starts from
 * -128 times the sum of its four weights: what is left is exactly the signed sum. */
typedef struct {
    __m256i value[4];
    __m256i offset[4];       /* -128 * (sum of each lane's four weights) */
} decoded_blocks;

static inline __m256i unsigned_bytes(__m256i signed_bytes) { return _mm256_xor_si256(signed_bytes, _mm256_set1_epi8((char)0x80)); }

/* Lane r of d4 is dx[r] * dy: the single float product the one-row kernels form. */
static inline void accumulate4x4(const decoded_blocks *w, __m128 dx, const block_q8_0 *const y[4], int64_t i,
                                 __m256 acc[4][4]) {
    for (int t = 0; t < 4; t++) {
        __m256i qy = unsigned_bytes(_mm256_loadu_si256((const __m256i *)y[t][i].qs));
        __m128 d4 = _mm_mul_ps(dx, _mm_set1_ps(half_to_float(y[t][i].d)));
        __m256 d8 = _mm256_set_m128(d4, d4);
        __m256 d[4] = {_mm256_shuffle_ps(d8, d8, 0x00), _mm256_shuffle_ps(d8, d8, 0x55),
                       _mm256_shuffle_ps(d8, d8, 0xAA), _mm256_shuffle_ps(d8, d8, 0xFF)};
        for (int r = 0; r < 4; r++) {
            __m256i sum = _mm256_dpbusd_epi32(w->offset[r], qy, w->value[r]);
            acc[t][r] = _mm256_fmadd_ps(d[r], _mm256_cvtepi32_ps(sum), acc[t][r]);
        }
    }
}

/* Eight activation rows against the four decoded weight rows in 512-bit vectors: each
 * holds two activation rows' eight lanes side by side, and every lane takes the same
 * steps as in the 256-bit kernel (so outputs stay bit-identical). */
static void multiply_decoded8(int64_t blocks, const decoded_blocks *w, const __m128 *scales, const uint8_t *activations,
                              size_t activation_bytes, int64_t t0, float *out, int64_t out_stride) {
    const block_q8_0 *y[8];
    for (int t = 0; t < 8; t++) y[t] = (const block_q8_0 *)(activations + (t0 + t) * activation_bytes);
    /* lanes 0-7 take the first value, lanes 8-15 the second */
    const __m512i halves = _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
    __m512 acc[4][4];  /* [pair of activation rows][weight row] */
    for (int p = 0; p < 4; p++)
        for (int r = 0; r < 4; r++) acc[p][r] = _mm512_setzero_ps();
    for (int64_t i = 0; i < blocks; i++) {
        __m512i value[4], offset[4];
        __m512 dx[4];
        for (int r = 0; r < 4; r++) {
            value[r] = _mm512_broadcast_i64x4(w[i].value[r]);
            offset[r] = _mm512_broadcast_i64x4(w[i].offset[r]);
            dx[r] = _mm512_set1_ps(scales[i][r]);
        }
        for (int p = 0; p < 4; p++) {
            const block_q8_0 *a = &y[2 * p][i], *b = &y[2 * p + 1][i];
            const __m512i qy = _mm512_inserti64x4(_mm512_castsi256_si512(unsigned_bytes(_mm256_loadu_si256((const __m256i *)a->qs))),
                                                  unsigned_bytes(_mm256_loadu_si256((const __m256i *)b->qs)), 1);
            const __m128 dy2 = _mm_cvtph_ps(_mm_cvtsi32_si128((int)((uint32_t)a->d | ((uint32_t)b->d << 16))));
            const __m512 dy = _mm512_permutexvar_ps(halves, _mm512_castps128_ps512(dy2));
            for (int r = 0; r < 4; r++) {
                const __m512i sum = _mm512_dpbusd_epi32(offset[r], qy, value[r]);
                acc[p][r] = _mm512_fmadd_ps(_mm512_mul_ps(dx[r], dy), _mm512_cvtepi32_ps(sum), acc[p][r]);
            }
        }
    }
    for (int p = 0; p < 4; p++)
        for (int r = 0; r < 4; r++) {
            out[(t0 + 2 * p) * out_stride + r] = horizontal_sum(_mm512_castps512_ps256(acc[p][r]));
            out[(t0 + 2 * p + 1) * out_stride + r] = horizontal_sum(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(acc[p][r]), 1)));
        }
}

/* Every group of four activation rows against the decoded weight blocks, eight at a time
 * while there are eight. */
static void multiply_decoded(int64_t blocks, const decoded_blocks *w, const __m128 *scales, const uint8_t *activations,
                             size_t activation_bytes, int64_t count, float *out, int64_t out_stride) {
    int64_t t0 = 0;
    for (; t0 + 8 <= count; t0 += 8) multiply_decoded8(blocks, w, scales, activations, activation_bytes, t0, out, out_stride);
    for (; t0 + 4 <= count; t0 += 4) {
        const block_q8_0 *y[4];
        for (int t = 0; t < 4; t++) y[t] = (const block_q8_0 *)(activations + (t0 + t) * activation_bytes);
        __m256 acc[4][4];
        for (int t = 0; t < 4; t++)
            for (int r = 0; r < 4; r++) acc[t][r] = _mm256_setzero_ps();
        for (int64_t i = 0; i < blocks; i++) accumulate4x4(&w[i], scales[i], y, i, acc);
        for (int t = 0; t < 4; t++)
            for (int r = 0; r < 4; r++) out[(t0 + t) * out_stride + r] = horizontal_sum(acc[t][r]);
    }
}

static inline void set_block(decoded_blocks *w, int r, __m256i value) {
    w->value[r] = value;
    const __m256i lane_sums = _mm256_dpbusd_epi32(_mm256_setzero_si256(), _mm256_set1_epi8(1), value);
    w->offset[r] = _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_slli_epi32(lane_sums, 7));
}

/* Decodes the four rows' blocks; `type` is a constant after inlining. */
static inline __attribute__((always_inline)) void decode_rows(int type, const void *const rows[4], int64_t blocks,
                                                              decoded_blocks *w, __m128 *scales) {
    for (int64_t i = 0; i < blocks; i++) {
        if (type == SLM_TYPE_Q4_0) {
            const block_q4_0 *x[4] = {rows[0], rows[1], rows[2], rows[3]};
            for (int r = 0; r < 4; r++) set_block(&w[i], r, decode_q4_0(&x[r][i]));
            scales[i] = scales4(x[0][i].d, x[1][i].d, x[2][i].d, x[3][i].d);
        } else if (type == SLM_TYPE_Q5_0) {
            const block_q5_0 *x[4] = {rows[0], rows[1], rows[2], rows[3]};
            for (int r = 0; r < 4; r++) set_block(&w[i], r, decode_q5_0(&x[r][i]));
            scales[i] = scales4(x[0][i].d, x[1][i].d, x[2][i].d, x[3][i].d);
        } else {
            const block_q8_0 *x[4] = {rows[0], rows[1], rows[2], rows[3]};
            for (int r = 0; r < 4; r++) set_block(&w[i], r, _mm256_loadu_si256((const __m256i *)x[r][i].qs));
            scales[i] = scales4(x[0][i].d, x[1][i].d, x[2][i].d, x[3][i].d);
        }
    }
}

/* The four rows are decoded once, then every group of activation rows runs against them.
 * Rows of up to STACK_BLOCKS blocks are decoded on the stack: measured here, that is about
 * 10% faster for the whole prompt than the thread's scratch, which longer rows use. */
enum { STACK_BLOCKS = 128 };

static inline __attribute__((always_inline)) void tile_rows(int type, int64_t n, const void *const w[4],
                                                            const uint8_t *activations, size_t activation_bytes,
                                                            int64_t count, float *out, int64_t out_stride) {
    const int64_t blocks = n / SLM_QK;
    decoded_blocks stack[STACK_BLOCKS];
    __m128 stack_scales[STACK_BLOCKS];
    const int small = blocks <= STACK_BLOCKS;
    decoded_blocks *decoded = small ? stack : slm_thread_scratch((size_t)blocks * (sizeof(decoded_blocks) + sizeof(__m128)));
    __m128 *scales = small ? stack_scales : (__m128 *)(decoded + blocks);
    decode_rows(type, w, blocks, decoded, scales);
    multiply_decoded(blocks, decoded, scales, activations, activation_bytes, count, out, out_stride);
}

static void tile_q4_0(int64_t n, const void *const w[4], const uint8_t *activations, size_t activation_bytes,
                      int64_t count, float *out, int64_t out_stride) {
    tile_rows(SLM_TYPE_Q4_0, n, w, activations, activation_bytes, count, out, out_stride);
}

static void tile_q5_0(int64_t n, const void *const w[4], const uint8_t *activations, size_t activation_bytes,
                      int64_t count, float *out, int64_t out_stride) {
    tile_rows(SLM_TYPE_Q5_0, n, w, activations, activation_bytes, count, out, out_stride);
}

static void tile_q8_0(int64_t n, const void *const w[4], const uint8_t *activations, size_t activation_bytes,
                      int64_t count, float *out, int64_t out_stride) {
    tile_rows(SLM_TYPE_Q8_0, n, w, activations, activation_bytes, count, out, out_stride);
}

/* ---- K-quant batches, sixteen weight rows at a time ----
 * With the rows rearranged (kquant_rows.h), a 512-bit vector holds four consecutive
 * weights of each of sixteen rows; one dpbusd against four activation bytes (broadcast)
 * then adds to every row's sum at once, with no horizontal sums. Lane r is row r
 * throughout, and each row takes the float steps of the kernel it stands in for. */

/* Four activation bytes (chunk k from y) broadcast to every lane. */
static inline __m512i broadcast_chunk(const uint8_t *y, int k) { return _mm512_set1_epi32((int)slm_load_u32(y + 4 * k)); }

/* Sums over one 32-value sub-block of four activation rows (at offset `at` of each): values
 * 0-15 into first[t], 16-31 into second[t]. Each weight vector is loaded once for the four
 * rows, whose eight sums are independent chains. */
static inline void sub_block_halves(const uint8_t weights[8][KQ_MAX_ROWS * 4], const uint8_t *const y[4], int at,
                                    __m512i first[4], __m512i second[4]) {
    for (int t = 0; t < 4; t++) first[t] = second[t] = _mm512_setzero_si512();
    for (int k = 0; k < 4; k++) {
        const __m512i low = _mm512_loadu_si512(weights[k]), high = _mm512_loadu_si512(weights[k + 4]);
        for (int t = 0; t < 4; t++) {
            first[t] = _mm512_dpbusd_epi32(first[t], low, broadcast_chunk(y[t] + at, k));
            second[t] = _mm512_dpbusd_epi32(second[t], high, broadcast_chunk(y[t] + at + 16, k));
        }
    }
}

/* The same sums in the 16-bit halves of each row's lane: values 0-15 low, 16-31 high. */
static inline void sub_block_words(const uint8_t weights[8][KQ_MAX_ROWS * 4], const uint8_t *const y[4], int at,
                                   __m512i words[4]) {
    __m512i first[4], second[4];
    sub_block_halves(weights, y, at, first, second);
    for (int t = 0; t < 4; t++) words[t] = _mm512_mask_blend_epi16(0xAAAAAAAA, first[t], _mm512_slli_epi32(second[t], 16));
}

/* kq_min_pair of the block's four 64-value parts at once: neighbouring 16-value sums
 * added, then packed two to a 32-bit value (the sums are far inside 16 bits). */
static inline void block_min_pairs(const block_q8_K *y, uint32_t pairs[4]) {
    const __m256i sums32 = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)y->bsums), _mm256_set1_epi16(1));
    const __m128i sums16 = _mm_packs_epi32(_mm256_castsi256_si128(sums32), _mm256_extracti128_si256(sums32, 1));
    _mm_storeu_si128((__m128i *)pairs, sums16);
}

/* kq_bsum_pair(y, k) broadcast to every lane: the two 16-value sums are adjacent int16s,
 * so one 32-bit load is the pair. */
static inline __m512i bsum_pair(const block_q8_K *y, int k) {
    return _mm512_set1_epi32((int)slm_load_u32((const uint8_t *)(y->bsums + 2 * k)));
}

/* Repacked Q4_K (the grouped arithmetic): one fused multiply-add per 64 values, minimums
 * apart. Four activation rows go through each super-block together. */
static void rows16_q4_K_grouped(int64_t n, const uint8_t *w, size_t row_bytes, const uint8_t *activations,
                                size_t activation_bytes, int64_t count, float *out, int64_t out_stride) {
    const int64_t blocks = n / SLM_QK_K;
    q4_K_rows *packed = slm_thread_scratch((size_t)blocks * sizeof *packed);
    rearrange16_q4_K(w, row_bytes, blocks, packed);
    for (int64_t t0 = 0; t0 + 4 <= count; t0 += 4) {
        __m512 acc[4], acc_min[4];
        for (int t = 0; t < 4; t++) acc[t] = acc_min[t] = _mm512_setzero_ps();
        for (int64_t i = 0; i < blocks; i++) {
            const q4_K_rows *x = &packed[i];
            const block_q8_K *y[4];
            const uint8_t *q8[4];
            for (int t = 0; t < 4; t++) {
                y[t] = (const block_q8_K *)(activations + (t0 + t) * activation_bytes) + i;
                q8[t] = (const uint8_t *)y[t]->qs;
            }
            const __m512 dx = _mm512_loadu_ps(x->d), dminx = _mm512_loadu_ps(x->dmin);
            __m512 d[4], dmin[4];
            uint32_t min_pairs[4][4];
            for (int t = 0; t < 4; t++) {
                const __m512 dy = _mm512_set1_ps(y[t]->d);
                d[t] = _mm512_mul_ps(dx, dy);
                dmin[t] = _mm512_mul_ps(dminx, dy);
                block_min_pairs(y[t], min_pairs[t]);
            }
            for (int j = 0; j < 4; j++) {
                /* the sum of each sub-block times its scale, exactly: the two halves' sums
                 * (at most 16 * 15 * 128 = 30720 each) fit 16 bits, so dpwssd multiplies
                 * and adds them in one step where a 32-bit multiply was slow */
                __m512i sums[4];
                for (int t = 0; t < 4; t++) sums[t] = _mm512_setzero_si512();
                for (int half = 0; half < 2; half++) {
                    const int sb = 2 * j + half;
                    const __m512i scale = _mm512_loadu_si512(x->scales[sb]);
                    const __m512i scale_pair = _mm512_or_si512(scale, _mm512_slli_epi32(scale, 16));
                    __m512i words[4];
                    sub_block_words(x->weights[sb], q8, 32 * sb, words);
                    for (int t = 0; t < 4; t++) sums[t] = _mm512_dpwssd_epi32(sums[t], words[t], scale_pair);
                }
                const __m512i min_pair = _mm512_loadu_si512(x->min_pairs[j]);
                for (int t = 0; t < 4; t++) {
                    const __m512i mins = _mm512_madd_epi16(min_pair, _mm512_set1_epi32((int)min_pairs[t][j]));
                    acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sums[t]), d[t], acc[t]);
                    acc_min[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(mins), dmin[t], acc_min[t]);
                }
            }
        }
        for (int t = 0; t < 4; t++) _mm512_storeu_ps(out + (t0 + t) * out_stride, _mm512_sub_ps(acc[t], acc_min[t]));
    }
}

/* Q5_K in the tiled arithmetic: per super-block the exact integer sums s1 (values times
 * scales) and s2 (minimums times activation sums), then res = d * s1 - dmin * s2 (fused)
 * and a fused multiply-add with the activation scale. The rows are rearranged as Q4_K's,
 * with values 0-31; a sub-block's sums (up to 32 * 31 * 128) need 32 bits, so each is
 * multiplied by its scale in 32 bits. Four activation rows go through each super-block
 * together. */
static void rows16_q5_K_tiled(int64_t n, const uint8_t *w, size_t row_bytes, const uint8_t *activations,
                              size_t activation_bytes, int64_t count, float *out, int64_t out_stride) {
    const int64_t blocks = n / SLM_QK_K;
    q4_K_rows *packed = slm_thread_scratch((size_t)blocks * sizeof *packed);
    rearrange16_q5_K(w, row_bytes, blocks, packed);
    for (int64_t t0 = 0; t0 + 4 <= count; t0 += 4) {
        __m512 acc[4];
        for (int t = 0; t < 4; t++) acc[t] = _mm512_setzero_ps();
        for (int64_t i = 0; i < blocks; i++) {
            const q4_K_rows *x = &packed[i];
            const block_q8_K *y[4];
            const uint8_t *q8[4];
            uint32_t min_pairs[4][4];
            __m512i s1[4], s2[4];
            for (int t = 0; t < 4; t++) {
                y[t] = (const block_q8_K *)(activations + (t0 + t) * activation_bytes) + i;
                q8[t] = (const uint8_t *)y[t]->qs;
                block_min_pairs(y[t], min_pairs[t]);
                s1[t] = s2[t] = _mm512_setzero_si512();
            }
            for (int sb = 0; sb < 8; sb++) {
                __m512i first[4], second[4];
                sub_block_halves(x->weights[sb], q8, 32 * sb, first, second);
                const __m512i scale = _mm512_loadu_si512(x->scales[sb]);
                for (int t = 0; t < 4; t++) s1[t] = _mm512_add_epi32(s1[t], _mm512_mullo_epi32(_mm512_add_epi32(first[t], second[t]), scale));
            }
            for (int j = 0; j < 4; j++) {
                const __m512i min_pair = _mm512_loadu_si512(x->min_pairs[j]);
                for (int t = 0; t < 4; t++) s2[t] = _mm512_add_epi32(s2[t], _mm512_madd_epi16(min_pair, _mm512_set1_epi32((int)min_pairs[t][j])));
            }
            const __m512 dx = _mm512_loadu_ps(x->d), dminx = _mm512_loadu_ps(x->dmin);
            for (int t = 0; t < 4; t++) {
                const __m512 res = _mm512_fnmadd_ps(dminx, _mm512_cvtepi32_ps(s2[t]), _mm512_mul_ps(dx, _mm512_cvtepi32_ps(s1[t])));
                acc[t] = _mm512_fmadd_ps(res, _mm512_set1_ps(y[t]->d), acc[t]);
            }
        }
        for (int t = 0; t < 4; t++) _mm512_storeu_ps(out + (t0 + t) * out_stride, acc[t]);
    }
}

/* IQ4_XS in the tiled arithmetic (see dots_scalar.c): per super-block the exact sum of
 * scale * level * activation, then as Q6_K. The weights are stored plus 128, so each
 * group's product is less 128 times its activations' sum (two of q8_K's 16-value sums,
 * which sit side by side as one 32-bit value). Four activation rows per pass. */
static void rows16_iq4_xs_tiled(int64_t n, const uint8_t *w, size_t row_bytes, const uint8_t *activations,
                                size_t activation_bytes, int64_t count, float *out, int64_t out_stride) {
    const int64_t blocks = n / SLM_QK_K;
    iq4_xs_rows *packed = slm_thread_scratch((size_t)blocks * sizeof *packed);
    rearrange16_iq4_xs(w, row_bytes, blocks, packed);
    for (int64_t t0 = 0; t0 + 4 <= count; t0 += 4) {
        __m512 acc[4];
        for (int t = 0; t < 4; t++) acc[t] = _mm512_setzero_ps();
        for (int64_t i = 0; i < blocks; i++) {
            const iq4_xs_rows *x = &packed[i];
            const block_q8_K *y[4];
            const uint8_t *q8[4];
            __m512i sums[4], bias[4];
            for (int t = 0; t < 4; t++) {
                y[t] = (const block_q8_K *)(activations + (t0 + t) * activation_bytes) + i;
                q8[t] = (const uint8_t *)y[t]->qs;
                sums[t] = bias[t] = _mm512_setzero_si512();
            }
            for (int g = 0; g < 8; g++) {
                __m512i first[4], second[4];
                sub_block_halves(x->weights[g], q8, 32 * g, first, second);
                const __m512i scale = _mm512_loadu_si512(x->scales[g]), scale_pair = _mm512_loadu_si512(x->scale_pairs[g]);
                for (int t = 0; t < 4; t++) {
                    sums[t] = _mm512_add_epi32(sums[t], _mm512_mullo_epi32(_mm512_add_epi32(first[t], second[t]), scale));
                    bias[t] = _mm512_add_epi32(bias[t], _mm512_madd_epi16(scale_pair, bsum_pair(y[t], g)));
                }
            }
            const __m512 dx = _mm512_loadu_ps(x->d);
            for (int t = 0; t < 4; t++) {
                const __m512i s1 = _mm512_sub_epi32(sums[t], _mm512_slli_epi32(bias[t], 7));
                acc[t] = _mm512_fmadd_ps(_mm512_mul_ps(dx, _mm512_cvtepi32_ps(s1)), _mm512_set1_ps(y[t]->d), acc[t]);
            }
        }
        for (int t = 0; t < 4; t++) _mm512_storeu_ps(out + (t0 + t) * out_stride, acc[t]);
    }
}

/* Q6_K in the tiled arithmetic: per super-block the exact integer sum of (q - 32) * y *
 * scale, then one product with the row scale and a fused multiply-add with the
 * activation scale. Four activation rows go through each super-block together. */
static void rows16_q6_K_tiled(int64_t n, const uint8_t *w, size_t row_bytes, const uint8_t *activations,
                              size_t activation_bytes, int64_t count, float *out, int64_t out_stride) {
    const int64_t blocks = n / SLM_QK_K;
    q6_K_rows *packed = slm_thread_scratch((size_t)blocks * sizeof *packed);
    rearrange16_q6_K(w, row_bytes, blocks, packed);
    for (int64_t t0 = 0; t0 + 4 <= count; t0 += 4) {
        __m512 acc[4];
        for (int t = 0; t < 4; t++) acc[t] = _mm512_setzero_ps();
        for (int64_t i = 0; i < blocks; i++) {
            const q6_K_rows *x = &packed[i];
            const block_q8_K *y[4];
            const uint8_t *q8[4];
            __m512i sums[4], bias[4];
            for (int t = 0; t < 4; t++) {
                y[t] = (const block_q8_K *)(activations + (t0 + t) * activation_bytes) + i;
                q8[t] = (const uint8_t *)y[t]->qs;
                sums[t] = bias[t] = _mm512_setzero_si512();
            }
            for (int k = 0; k < 8; k++) {
                /* two 16-value groups per 32-value quarter, each with its own scale */
                __m512i first[4], second[4];
                sub_block_halves(x->weights[k], q8, 32 * k, first, second);
                const __m512i scale_first = _mm512_loadu_si512(x->scales[2 * k]);
                const __m512i scale_second = _mm512_loadu_si512(x->scales[2 * k + 1]);
                const __m512i scale_pair = _mm512_loadu_si512(x->scale_pairs[k]);
                for (int t = 0; t < 4; t++) {
                    sums[t] = _mm512_add_epi32(sums[t], _mm512_add_epi32(_mm512_mullo_epi32(first[t], scale_first),
                                                                         _mm512_mullo_epi32(second[t], scale_second)));
                    bias[t] = _mm512_add_epi32(bias[t], _mm512_madd_epi16(scale_pair, bsum_pair(y[t], k)));
                }
            }
            const __m512 dx = _mm512_loadu_ps(x->d);
            for (int t = 0; t < 4; t++) {
                const __m512i s1 = _mm512_sub_epi32(sums[t], _mm512_slli_epi32(bias[t], 5));
                acc[t] = _mm512_fmadd_ps(_mm512_mul_ps(dx, _mm512_cvtepi32_ps(s1)), _mm512_set1_ps(y[t]->d), acc[t]);
            }
        }
        for (int t = 0; t < 4; t++) _mm512_storeu_ps(out + (t0 + t) * out_stride, acc[t]);
    }
}

SLM_TARGET_END

void slm_avx512vnni_tiles(slm_tile_fn table[SLM_TYPE_TABLE_SIZE]) {
    table[SLM_TYPE_Q4_0] = tile_q4_0;
    table[SLM_TYPE_Q5_0] = tile_q5_0;
    table[SLM_TYPE_Q8_0] = tile_q8_0;
}

slm_rows_fn slm_avx512vnni_repacked_q4_K(void) { return rows16_q4_K_grouped; }

slm_rows_fn slm_avx512vnni_tiled_q6_K(void) { return rows16_q6_K_tiled; }

slm_rows_fn slm_avx512vnni_tiled_q5_K(void) { return rows16_q5_K_tiled; }

slm_rows_fn slm_avx512vnni_tiled_iq4_xs(void) { return rows16_iq4_xs_tiled; }

#else
void slm_avx512vnni_tiles(slm_tile_fn table[SLM_TYPE_TABLE_SIZE]) { (void)table; }
slm_rows_fn slm_avx512vnni_repacked_q4_K(void) { return NULL; }
slm_rows_fn slm_avx512vnni_tiled_q6_K(void) { return NULL; }
slm_rows_fn slm_avx512vnni_tiled_q5_K(void) { return NULL; }
slm_rows_fn slm_avx512vnni_tiled_iq4_xs(void) { return NULL; }
#endif
