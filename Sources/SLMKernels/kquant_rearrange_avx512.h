/* The AVX-512 rearrangement of K-quant rows into the layout of kquant_rows.h, sixteen rows
 * at once: the same bytes kquant_rearrange.h writes, with a quarter of its shuffles (one
 * 16 x 8 transpose of the packed bytes feeds both nibbles) and the scales unpacked in
 * vectors, one lane per row. Included inside dots_avx512vnni.c's target region. */
#ifndef SLM_KQUANT_REARRANGE_AVX512_H
#define SLM_KQUANT_REARRANGE_AVX512_H

#include "kquant_rows.h"

/* Lane r of out[k] is the k-th 32-bit value of the 32 bytes at src[r]: kq_transpose8's
 * network on two sets of eight rows side by side (rows 0-7 in the low halves, 8-15 in
 * the high), then a two-source permute joins the 128-bit pieces. */
static inline void kq_transpose16x8(const uint8_t *const src[16], __m512i out[8]) {
    __m512i z[8], a[8], b[8];
    for (int r = 0; r < 8; r++)
        z[r] = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)src[r])),
                                  _mm256_loadu_si256((const __m256i *)src[r + 8]), 1);
    for (int i = 0; i < 4; i++) {
        a[2 * i] = _mm512_unpacklo_epi32(z[2 * i], z[2 * i + 1]);
        a[2 * i + 1] = _mm512_unpackhi_epi32(z[2 * i], z[2 * i + 1]);
    }
    for (int i = 0; i < 2; i++) {
        b[4 * i + 0] = _mm512_unpacklo_epi64(a[4 * i + 0], a[4 * i + 2]);
        b[4 * i + 1] = _mm512_unpackhi_epi64(a[4 * i + 0], a[4 * i + 2]);
        b[4 * i + 2] = _mm512_unpacklo_epi64(a[4 * i + 1], a[4 * i + 3]);
        b[4 * i + 3] = _mm512_unpackhi_epi64(a[4 * i + 1], a[4 * i + 3]);
    }
    const __m512i low_pieces = _mm512_setr_epi64(0, 1, 8, 9, 4, 5, 12, 13);
    const __m512i high_pieces = _mm512_setr_epi64(2, 3, 10, 11, 6, 7, 14, 15);
    for (int i = 0; i < 4; i++) {
        out[i] = _mm512_permutex2var_epi64(b[i], low_pieces, b[i + 4]);
        out[i + 4] = _mm512_permutex2var_epi64(b[i], high_pieces, b[i + 4]);
    }
}

/* Lane r of out[k] is the k-th 32-bit value of the 16 bytes at src[r]: input a holds rows
 * a, 4 + a, 8 + a and 12 + a in its 128-bit lanes, so a 4 x 4 transpose inside each lane
 * leaves every row in its own position. */
static inline void kq_transpose16x4(const uint8_t *const src[16], __m512i out[4]) {
    __m512i z[4];
    for (int a = 0; a < 4; a++) {
        __m512i v = _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)src[a]));
        v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)src[4 + a]), 1);
        v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)src[8 + a]), 2);
        z[a] = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)src[12 + a]), 3);
    }
    const __m512i t0 = _mm512_unpacklo_epi32(z[0], z[1]), t1 = _mm512_unpackhi_epi32(z[0], z[1]);
    const __m512i t2 = _mm512_unpacklo_epi32(z[2], z[3]), t3 = _mm512_unpackhi_epi32(z[2], z[3]);
    out[0] = _mm512_unpacklo_epi64(t0, t2);
    out[1] = _mm512_unpackhi_epi64(t0, t2);
    out[2] = _mm512_unpacklo_epi64(t1, t3);
    out[3] = _mm512_unpackhi_epi64(t1, t3);
}

/* Byte `byte` of every lane, shifted right by `shift` more bits, masked. */
static inline __m512i kq_lane_bits(__m512i v, int byte, int shift, int mask) {
    return _mm512_and_si512(_mm512_srli_epi32(v, 8 * byte + shift), _mm512_set1_epi32(mask));
}

/* A Q4_K block's 16-byte head (d, dmin, 12 bytes of 6-bit scales and minimums) of sixteen
 * rows, unpacked as slm_unpack_scale_min_k4 does, one lane per row. */
static inline void kq_head16_q4_K(const uint8_t *const blocks[16], q4_K_rows *out) {
    __m512i head[4];  /* d and dmin; scale bytes 0-3; 4-7; 8-11 */
    kq_transpose16x4(blocks, head);
    __m512i scales[8], mins[8];
    for (int j = 0; j < 4; j++) {
        scales[j] = kq_lane_bits(head[1], j, 0, 63);
        mins[j] = kq_lane_bits(head[2], j, 0, 63);
        scales[4 + j] = _mm512_or_si512(kq_lane_bits(head[3], j, 0, 15), _mm512_slli_epi32(kq_lane_bits(head[1], j, 6, 3), 4));
        mins[4 + j] = _mm512_or_si512(kq_lane_bits(head[3], j, 4, 15), _mm512_slli_epi32(kq_lane_bits(head[2], j, 6, 3), 4));
    }
    for (int sb = 0; sb < 8; sb++) _mm512_storeu_si512(out->scales[sb], scales[sb]);
    for (int j = 0; j < 4; j++)
        _mm512_storeu_si512(out->min_pairs[j], _mm512_or_si512(mins[2 * j], _mm512_slli_epi32(mins[2 * j + 1], 16)));
    _mm512_storeu_ps(out->d, _mm512_cvtph_ps(_mm512_cvtepi32_epi16(head[0])));
    _mm512_storeu_ps(out->dmin, _mm512_cvtph_ps(_mm512_cvtepi32_epi16(_mm512_srli_epi32(head[0], 16))));
}

/* Sixteen Q4_K rows: each 64-value part's 32 packed bytes transposed once, then split
 * into the low nibbles (the first sub-block) and the high ones (the second). */
static void rearrange16_q4_K(const uint8_t *w, size_t row_bytes, int64_t blocks, q4_K_rows *out) {
    const __m512i mask4 = _mm512_set1_epi8(0x0F);
    for (int64_t i = 0; i < blocks; i++) {
        const uint8_t *block[16];
        for (int r = 0; r < 16; r++) block[r] = w + r * row_bytes + i * sizeof(block_q4_K);
        kq_head16_q4_K(block, &out[i]);
        for (int j = 0; j < 4; j++) {
            const uint8_t *packed[16];
            for (int r = 0; r < 16; r++) packed[r] = ((const block_q4_K *)block[r])->qs + 32 * j;
            __m512i chunks[8];
            kq_transpose16x8(packed, chunks);
            for (int k = 0; k < 8; k++) {
                _mm512_storeu_si512(out[i].weights[2 * j][k], _mm512_and_si512(chunks[k], mask4));
                _mm512_storeu_si512(out[i].weights[2 * j + 1][k], _mm512_and_si512(_mm512_srli_epi16(chunks[k], 4), mask4));
            }
        }
    }
}

/* Byte `byte` of every lane, sign-extended to the lane. */
static inline __m512i kq_signed_byte(__m512i v, int byte) { return _mm512_srai_epi32(_mm512_slli_epi32(v, 24 - 8 * byte), 24); }

/* Sixteen Q6_K rows: per half block, the two 32-byte runs of low nibbles and the 32 bytes
 * of high bits are transposed once each, and each quarter's 6-bit values are assembled
 * in the vectors (as rearrange_q6_K does row by row). */
static void rearrange16_q6_K(const uint8_t *w, size_t row_bytes, int64_t blocks, q6_K_rows *out) {
    const __m512i mask4 = _mm512_set1_epi8(0x0F), mask2 = _mm512_set1_epi8(3);
    for (int64_t i = 0; i < blocks; i++) {
        const block_q6_K *x[16];
        for (int r = 0; r < 16; r++) x[r] = (const block_q6_K *)(w + r * row_bytes) + i;
        const uint8_t *scale_bytes[16];
        slm_half d[16];
        for (int r = 0; r < 16; r++) {
            scale_bytes[r] = (const uint8_t *)x[r]->scales;
            d[r] = x[r]->d;
        }
        __m512i scales[4];
        kq_transpose16x4(scale_bytes, scales);
        for (int c = 0; c < 4; c++) {
            __m512i s[4];
            for (int b = 0; b < 4; b++) {
                s[b] = kq_signed_byte(scales[c], b);
                _mm512_storeu_si512(out[i].scales[4 * c + b], s[b]);
            }
            for (int p = 0; p < 2; p++)
                _mm512_storeu_si512(out[i].scale_pairs[2 * c + p],
                                    _mm512_or_si512(_mm512_and_si512(s[2 * p], _mm512_set1_epi32(0xFFFF)),
                                                    _mm512_slli_epi32(s[2 * p + 1], 16)));
        }
        _mm512_storeu_ps(out[i].d, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)d)));
        for (int half = 0; half < 2; half++) {
            const uint8_t *first[16], *second[16], *high[16];
            for (int r = 0; r < 16; r++) {
                first[r] = x[r]->ql + 64 * half;
                second[r] = x[r]->ql + 64 * half + 32;
                high[r] = x[r]->qh + 32 * half;
            }
            __m512i low[2][8], top[8];
            kq_transpose16x8(first, low[0]);
            kq_transpose16x8(second, low[1]);
            kq_transpose16x8(high, top);
            for (int part = 0; part < 4; part++)
                for (int k = 0; k < 8; k++) {
                    const __m512i bits = low[part % 2][k];
                    const __m512i nibbles = _mm512_and_si512(part < 2 ? bits : _mm512_srli_epi16(bits, 4), mask4);
                    const __m512i upper = _mm512_and_si512(_mm512_srli_epi16(top[k], 2 * part), mask2);
                    _mm512_storeu_si512(out[i].weights[4 * half + part][k], _mm512_or_si512(nibbles, _mm512_slli_epi16(upper, 4)));
                }
        }
    }
}

/* Sixteen Q5_K rows: as Q4_K, with each value's fifth bit from qh (bit 2j for the first
 * sub-block of part j, bit 2j + 1 for the second), transposed once per block. */
static void rearrange16_q5_K(const uint8_t *w, size_t row_bytes, int64_t blocks, q4_K_rows *out) {
    const __m512i mask4 = _mm512_set1_epi8(0x0F), one = _mm512_set1_epi8(1);
    for (int64_t i = 0; i < blocks; i++) {
        const uint8_t *block[16], *high_bits[16];
        for (int r = 0; r < 16; r++) {
            block[r] = w + r * row_bytes + i * sizeof(block_q5_K);
            high_bits[r] = ((const block_q5_K *)block[r])->qh;
        }
        kq_head16_q4_K(block, &out[i]);
        __m512i fifth[8];
        kq_transpose16x8(high_bits, fifth);
        for (int j = 0; j < 4; j++) {
            const uint8_t *packed[16];
            for (int r = 0; r < 16; r++) packed[r] = ((const block_q5_K *)block[r])->qs + 32 * j;
            __m512i chunks[8];
            kq_transpose16x8(packed, chunks);
            for (int k = 0; k < 8; k++) {
                const __m512i low_top = _mm512_slli_epi16(_mm512_and_si512(_mm512_srli_epi16(fifth[k], 2 * j), one), 4);
                const __m512i high_top = _mm512_slli_epi16(_mm512_and_si512(_mm512_srli_epi16(fifth[k], 2 * j + 1), one), 4);
                _mm512_storeu_si512(out[i].weights[2 * j][k], _mm512_or_si512(_mm512_and_si512(chunks[k], mask4), low_top));
                _mm512_storeu_si512(out[i].weights[2 * j + 1][k],
                                    _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(chunks[k], 4), mask4), high_top));
            }
        }
    }
}

/* Sixteen IQ4_XS rows, each value looked up in the levels and stored plus 128 (so that
 * dpbusd can take the weights as its unsigned bytes; the kernel takes 128 times the
 * activation sums back off). Each 32-byte run of packed values is two groups: its first
 * 16 bytes the low and high nibbles of group 2m, its last 16 those of group 2m + 1. */
static void rearrange16_iq4_xs(const uint8_t *w, size_t row_bytes, int64_t blocks, iq4_xs_rows *out) {
    const __m512i mask4 = _mm512_set1_epi8(0x0F);
    const __m512i levels = _mm512_broadcast_i32x4(
        _mm_xor_si128(_mm_loadu_si128((const __m128i *)slm_iq4_levels), _mm_set1_epi8((char)0x80)));
    for (int64_t i = 0; i < blocks; i++) {
        const uint8_t *block[16];
        for (int r = 0; r < 16; r++) block[r] = w + r * row_bytes + i * sizeof(block_iq4_xs);
        __m512i head[4];  /* d and the scales' high bits; their low nibbles; (values) */
        kq_transpose16x4(block, head);
        for (int g = 0; g < 8; g++) {
            const __m512i scale = _mm512_sub_epi32(
                _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi32(head[1], 4 * g), _mm512_set1_epi32(15)),
                                _mm512_slli_epi32(_mm512_and_si512(_mm512_srli_epi32(head[0], 16 + 2 * g), _mm512_set1_epi32(3)), 4)),
                _mm512_set1_epi32(32));
            _mm512_storeu_si512(out[i].scales[g], scale);
            _mm512_storeu_si512(out[i].scale_pairs[g],
                                _mm512_or_si512(_mm512_and_si512(scale, _mm512_set1_epi32(0xFFFF)), _mm512_slli_epi32(scale, 16)));
        }
        _mm512_storeu_ps(out[i].d, _mm512_cvtph_ps(_mm512_cvtepi32_epi16(head[0])));
        for (int m = 0; m < 4; m++) {
            const uint8_t *packed[16];
            for (int r = 0; r < 16; r++) packed[r] = ((const block_iq4_xs *)block[r])->qs + 32 * m;
            __m512i chunks[8];
            kq_transpose16x8(packed, chunks);
            for (int c = 0; c < 8; c++) {
                const int group = 2 * m + c / 4, k = c % 4;
                _mm512_storeu_si512(out[i].weights[group][k], _mm512_shuffle_epi8(levels, _mm512_and_si512(chunks[c], mask4)));
                _mm512_storeu_si512(out[i].weights[group][k + 4],
                                    _mm512_shuffle_epi8(levels, _mm512_and_si512(_mm512_srli_epi16(chunks[c], 4), mask4)));
            }
        }
    }
}

#endif
