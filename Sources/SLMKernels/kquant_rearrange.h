/* The AVX2 rearrangement of K-quant rows into the layout of kquant_rows.h, shared by the
 * AVX2 (eight rows) and AVX-512 (sixteen rows) kernels. Included inside each file's
 * target region. */
#ifndef SLM_KQUANT_REARRANGE_H
#define SLM_KQUANT_REARRANGE_H

#include "kquant_rows.h"

/* Lane r of column k is element k of rows[r]: an 8×8 transpose of 32-bit values. */
static inline void kq_transpose8(__m256i rows[8]) {
    __m256i a[8], b[8];
    for (int i = 0; i < 4; i++) {
        a[2 * i] = _mm256_unpacklo_epi32(rows[2 * i], rows[2 * i + 1]);
        a[2 * i + 1] = _mm256_unpackhi_epi32(rows[2 * i], rows[2 * i + 1]);
    }
    for (int i = 0; i < 2; i++) {
        b[4 * i + 0] = _mm256_unpacklo_epi64(a[4 * i + 0], a[4 * i + 2]);
        b[4 * i + 1] = _mm256_unpackhi_epi64(a[4 * i + 0], a[4 * i + 2]);
        b[4 * i + 2] = _mm256_unpacklo_epi64(a[4 * i + 1], a[4 * i + 3]);
        b[4 * i + 3] = _mm256_unpackhi_epi64(a[4 * i + 1], a[4 * i + 3]);
    }
    for (int i = 0; i < 4; i++) {
        rows[i] = _mm256_permute2x128_si256(b[i], b[i + 4], 0x20);
        rows[i + 4] = _mm256_permute2x128_si256(b[i], b[i + 4], 0x31);
    }
}

/* 32 values of each of eight rows (rows 8*group ...) into the eight chunks of a part. */
static inline void kq_place8(__m256i values[8], uint8_t chunks[8][KQ_MAX_ROWS * 4], int group) {
    kq_transpose8(values);
    for (int k = 0; k < 8; k++) _mm256_storeu_si256((__m256i *)(chunks[k] + 32 * group), values[k]);
}

/* Row r's scales, minimums and super-block scales of a Q4_K or Q5_K block (the two share
 * that head). */
static inline void kq_head_q4_K(const uint8_t scales[12], slm_half d, slm_half dmin, int r, q4_K_rows *out) {
    uint8_t sc[8], mn[8];
    slm_unpack_scale_min_k4(scales, sc, mn);
    for (int sb = 0; sb < 8; sb++) out->scales[sb][r] = sc[sb];
    for (int j = 0; j < 4; j++) out->min_pairs[j][r] = (int32_t)kq_pack16(mn[2 * j], mn[2 * j + 1]);
    out->d[r] = half_to_float(d);
    out->dmin[r] = half_to_float(dmin);
}

static void rearrange_q4_K(const uint8_t *w, size_t row_bytes, int64_t blocks, int rows, q4_K_rows *out) {
    const __m256i mask4 = _mm256_set1_epi8(0x0F);
    for (int64_t i = 0; i < blocks; i++) {
        for (int group = 0; group < rows / 8; group++) {
            __m256i low[4][8], high[4][8];
            for (int k = 0; k < 8; k++) {
                const int r = 8 * group + k;
                const block_q4_K *x = (const block_q4_K *)(w + r * row_bytes) + i;
                kq_head_q4_K(x->scales, x->d, x->dmin, r, &out[i]);
                for (int j = 0; j < 4; j++) {
                    __m256i q4 = _mm256_loadu_si256((const __m256i *)(x->qs + 32 * j));
                    low[j][k] = _mm256_and_si256(q4, mask4);
                    high[j][k] = _mm256_and_si256(_mm256_srli_epi16(q4, 4), mask4);
                }
            }
            for (int j = 0; j < 4; j++) {
                kq_place8(low[j], out[i].weights[2 * j], group);
                kq_place8(high[j], out[i].weights[2 * j + 1], group);
            }
        }
    }
}

/* Eight Q5_K rows: as Q4_K's, each value with its fifth bit from qh (bit 2j for the low
 * nibbles of the j-th 64 values, bit 2j + 1 for the high ones) as 16. */
static void rearrange_q5_K(const uint8_t *w, size_t row_bytes, int64_t blocks, q4_K_rows *out) {
    const __m256i mask4 = _mm256_set1_epi8(0x0F), one = _mm256_set1_epi8(1);
    for (int64_t i = 0; i < blocks; i++) {
        __m256i low[4][8], high[4][8];
        for (int r = 0; r < 8; r++) {
            const block_q5_K *x = (const block_q5_K *)(w + r * row_bytes) + i;
            kq_head_q4_K(x->scales, x->d, x->dmin, r, &out[i]);
            const __m256i fifth = _mm256_loadu_si256((const __m256i *)x->qh);
            for (int j = 0; j < 4; j++) {
                const __m256i q4 = _mm256_loadu_si256((const __m256i *)(x->qs + 32 * j));
                const __m256i low_top = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(fifth, 2 * j), one), 4);
                const __m256i high_top = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(fifth, 2 * j + 1), one), 4);
                low[j][r] = _mm256_or_si256(_mm256_and_si256(q4, mask4), low_top);
                high[j][r] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(q4, 4), mask4), high_top);
            }
        }
        for (int j = 0; j < 4; j++) {
            kq_place8(low[j], out[i].weights[2 * j], 0);
            kq_place8(high[j], out[i].weights[2 * j + 1], 0);
        }
    }
}

/* Eight IQ4_XS rows with each value looked up as its signed level (the AVX2 kernel moves
 * the signs onto the activations). A row's 32-byte run m holds groups 2m and 2m + 1: their
 * low nibbles are values 0-15, the high ones 16-31. */
static void rearrange_iq4_xs(const uint8_t *w, size_t row_bytes, int64_t blocks, iq4_xs_rows *out) {
    const __m256i mask4 = _mm256_set1_epi8(0x0F);
    const __m256i levels = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)slm_iq4_levels));
    for (int64_t i = 0; i < blocks; i++) {
        const block_iq4_xs *x[8];
        for (int r = 0; r < 8; r++) {
            x[r] = (const block_iq4_xs *)(w + r * row_bytes) + i;
            for (int g = 0; g < 8; g++) {
                const int scale = slm_iq4_xs_scale(x[r], g);
                out[i].scales[g][r] = scale;
                out[i].scale_pairs[g][r] = (int32_t)kq_pack16(scale, scale);
            }
            out[i].d[r] = half_to_float(x[r]->d);
        }
        for (int m = 0; m < 4; m++) {
            __m256i low[8], high[8];
            for (int r = 0; r < 8; r++) {
                const __m256i q4 = _mm256_loadu_si256((const __m256i *)(x[r]->qs + 32 * m));
                low[r] = _mm256_shuffle_epi8(levels, _mm256_and_si256(q4, mask4));
                high[r] = _mm256_shuffle_epi8(levels, _mm256_and_si256(_mm256_srli_epi16(q4, 4), mask4));
            }
            kq_transpose8(low);
            kq_transpose8(high);
            for (int k = 0; k < 4; k++) {
                _mm256_storeu_si256((__m256i *)out[i].weights[2 * m][k], low[k]);
                _mm256_storeu_si256((__m256i *)out[i].weights[2 * m + 1][k], low[k + 4]);
                _mm256_storeu_si256((__m256i *)out[i].weights[2 * m][k + 4], high[k]);
                _mm256_storeu_si256((__m256i *)out[i].weights[2 * m + 1][k + 4], high[k + 4]);
            }
        }
    }
}

static void rearrange_q6_K(const uint8_t *w, size_t row_bytes, int64_t blocks, int rows, q6_K_rows *out) {
    const __m256i mask4 = _mm256_set1_epi8(0x0F), mask2 = _mm256_set1_epi8(3);
    for (int64_t i = 0; i < blocks; i++) {
        for (int group = 0; group < rows / 8; group++) {
            __m256i quarters[8][8];
            for (int k = 0; k < 8; k++) {
                const int r = 8 * group + k;
                const block_q6_K *x = (const block_q6_K *)(w + r * row_bytes) + i;
                for (int g = 0; g < 16; g++) out[i].scales[g][r] = x->scales[g];
                for (int q = 0; q < 8; q++) out[i].scale_pairs[q][r] = (int32_t)kq_pack16(x->scales[2 * q], x->scales[2 * q + 1]);
                out[i].d[r] = half_to_float(x->d);
                for (int half = 0; half < 2; half++) {
                    const __m256i l0 = _mm256_loadu_si256((const __m256i *)(x->ql + 64 * half));
                    const __m256i l1 = _mm256_loadu_si256((const __m256i *)(x->ql + 64 * half + 32));
                    const __m256i hb = _mm256_loadu_si256((const __m256i *)(x->qh + 32 * half));
                    for (int part = 0; part < 4; part++) {
                        const __m256i low = part % 2 == 0 ? l0 : l1;
                        const __m256i nibbles = _mm256_and_si256(part < 2 ? low : _mm256_srli_epi16(low, 4), mask4);
                        const __m256i top = _mm256_and_si256(_mm256_srli_epi16(hb, 2 * part), mask2);
                        quarters[4 * half + part][k] = _mm256_or_si256(nibbles, _mm256_slli_epi16(top, 4));
                    }
                }
            }
            for (int q = 0; q < 8; q++) kq_place8(quarters[q], out[i].weights[q], group);
        }
    }
}

#endif
