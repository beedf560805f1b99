/* Q4_0, Q5_0 and Q8_0 batches for AVX2 CPUs, in 16-bit products. Every output gets exactly
 * the integer lane sums of dot_q4_0 / dot_q5_0 / dot_q8_0 (lane k of a block: values
 * 4k..4k+3 times the activation's), one product of the two scales, a fused multiply-add per
 * block in block order, and the eight lanes added at the end in the same order, so it is
 * bit-identical to the one-row dot.
 *
 * The one-row dot forms each lane with sign, maddubs and madd on bytes. Here both sides are
 * widened to 16 bits once (the weights per pass, the activations per chunk of rows) and a
 * lane is two madds and an add: with the values of lane k split as 4k,4k+1 | 4k+2,4k+3 over
 * two vectors, each madd sums one pair and the add the two pairs, the same exact integer.
 * That drops the sign step the AVX2 multiply pipes also run (Q8_0, 1024x4096 against 128
 * rows, one thread on an AVX2 EPYC: 28 -> 39 GMAC/s).
 *
 * Weight rows go four at a time against one activation row per pass (four accumulators, so
 * nothing spills); their widened blocks are made SPAN at a time so they stay in the
 * first-level cache, each span's partial lanes kept for the next (the same per-lane order of
 * fused multiply-adds). Activations are widened CHUNK rows at a time into the thread's
 * scratch. Weights come as plain rows or as packed Q5_0 and Q8_0 groups of eight
 * (packed_rows.c). */
#include "blocks.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

SLM_TARGET_BEGIN("avx2,fma,f16c")

#include "avx2_blocks.h"

enum { QUAD = 4, SPAN = 64, CHUNK = 128, GROUP = SLM_PACKED_GROUP };

/* A block widened to 16 bits: lane k of `first` holds values 4k and 4k+1, of `second`
 * values 4k+2 and 4k+3. */
typedef struct {
    __m256i first, second;
} wide_block;

static inline wide_block widen(__m256i bytes) {
    /* within each half: values 0,1,4,5,8,9,12,13 then 2,3,6,7,10,11,14,15 */
    const __m256i pairs = _mm256_setr_epi8(0, 1, 4, 5, 8, 9, 12, 13, 2, 3, 6, 7, 10, 11, 14, 15,
                                           0, 1, 4, 5, 8, 9, 12, 13, 2, 3, 6, 7, 10, 11, 14, 15);
    const __m256i ordered = _mm256_permute4x64_epi64(_mm256_shuffle_epi8(bytes, pairs), 0xD8);
    return (wide_block){_mm256_cvtepi8_epi16(_mm256_castsi256_si128(ordered)),
                        _mm256_cvtepi8_epi16(_mm256_extracti128_si256(ordered, 1))};
}

/* Where four weight rows are: plain rows `row_bytes` apart, or rows first..first+3 of a
 * packed group (n_blocks blocks a row). */
typedef struct {
    int type, packed, first;
    const uint8_t *base;
    size_t row_bytes;
    int64_t n_blocks;
} quad_source;

/* Row q's block i as 32 signed bytes, and its scale. */
static inline __m256i row_block(const quad_source *s, int q, int64_t i, float *scale) {
    if (!s->packed) {
        const uint8_t *row = s->base + q * s->row_bytes;
        if (s->type == SLM_TYPE_Q8_0) {
            const block_q8_0 *x = (const block_q8_0 *)row + i;
            *scale = half_to_float(x->d);
            return _mm256_loadu_si256((const __m256i *)x->qs);
        }
        if (s->type == SLM_TYPE_Q5_0) {
            const block_q5_0 *x = (const block_q5_0 *)row + i;
            *scale = half_to_float(x->d);
            return decode_q5_0(x);
        }
        const block_q4_0 *x = (const block_q4_0 *)row + i;
        *scale = half_to_float(x->d);
        return decode_q4_0(x);
    }
    /* packed Q5_0 or Q8_0 (packed Q4_0 groups have kernels of their own): the scales, Q5_0's
     * bit masks, then the quants (layout in packed_rows.c) */
    const int r = s->first + q;
    const int64_t nb = s->n_blocks;
    slm_half d;
    memcpy(&d, s->base + 2 * (GROUP * i + r), 2);
    *scale = half_to_float(d);
    if (s->type == SLM_TYPE_Q8_0) {
        const uint8_t *quants = s->base + 2 * GROUP * nb + i * GROUP * SLM_QK + SLM_QK * r;
        return _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)quants), _mm256_set1_epi8((char)0x80));
    }
    const uint8_t *masks = s->base + 2 * GROUP * nb;
    const uint8_t *quants = masks + (s->type == SLM_TYPE_Q5_0 ? 4 * 8 * nb : 0) + i * GROUP * SLM_QK / 2 + SLM_QK / 2 * r;
    uint64_t low, high;
    memcpy(&low, masks + 32 * i + 8 * (2 * (r / 4)), 8);
    memcpy(&high, masks + 32 * i + 8 * (2 * (r / 4) + 1), 8);
    block_q5_0 x;
    const uint32_t qh = (uint32_t)((low >> (16 * (r % 4))) & 0xFFFF) | (uint32_t)((high >> (16 * (r % 4))) & 0xFFFF) << 16;
    memcpy(x.qh, &qh, 4);
    memcpy(x.qs, quants, SLM_QK / 2);
    return decode_q5_0(&x);
}

/* Blocks of the four rows widened, each row's scale in every lane. */
typedef struct {
    wide_block row[QUAD];
    __m256 scale[QUAD];
} wide_quad;

/* Blocks [from, from + span) of the four rows. */
static inline __attribute__((always_inline)) void widen_quad(const quad_source *s, int64_t from, int64_t span,
                                                             wide_quad *blocks) {
    for (int64_t i = 0; i < span; i++)
        for (int q = 0; q < QUAD; q++) {
            float scale;
            blocks[i].row[q] = widen(row_block(s, q, from + i, &scale));
            blocks[i].scale[q] = _mm256_set1_ps(scale);
        }
}

/* Four rows' partial lanes over one span against one activation row (its widened blocks and
 * scales from the span's first). The product of the scales is one multiply of two
 * broadcasts (the same rounding as the dot's scalar product), which keeps the scales off
 * the shuffle pipes. */
static inline __attribute__((always_inline)) void span_pass(const wide_quad *blocks, const wide_block *y,
                                                            const float *dy, int64_t span, __m256 acc[QUAD]) {
    __m256 a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    for (int64_t i = 0; i < span; i++) {
        const __m256 d = _mm256_broadcast_ss(dy + i);
        const __m256i first = y[i].first, second = y[i].second;
#define SLM_LANES(q) _mm256_cvtepi32_ps(_mm256_add_epi32(_mm256_madd_epi16(blocks[i].row[q].first, first), \
                                                         _mm256_madd_epi16(blocks[i].row[q].second, second)))
        a0 = _mm256_fmadd_ps(_mm256_mul_ps(blocks[i].scale[0], d), SLM_LANES(0), a0);
        a1 = _mm256_fmadd_ps(_mm256_mul_ps(blocks[i].scale[1], d), SLM_LANES(1), a1);
        a2 = _mm256_fmadd_ps(_mm256_mul_ps(blocks[i].scale[2], d), SLM_LANES(2), a2);
        a3 = _mm256_fmadd_ps(_mm256_mul_ps(blocks[i].scale[3], d), SLM_LANES(3), a3);
#undef SLM_LANES
    }
    acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
}

/* Asks for the bytes of blocks [from, from + span) of the four rows (of the whole group when
 * packed) ahead of their widening: the weights come from memory once per chunk of
 * activation rows, and without this a pass waited on them (a fifth of a Llama-3.2-1B-shape
 * Q8_0 prompt's time). */
static inline void prefetch_span(const quad_source *s, int64_t from, int64_t span) {
    const int block_bytes = slm_block_bytes(s->type);
    if (!s->packed) {
        for (int q = 0; q < QUAD; q++)
            prefetch_lines(s->base + q * s->row_bytes + from * block_bytes, (int)(span * block_bytes));
        return;
    }
    const int64_t nb = s->n_blocks;
    const int quant_bytes = s->type == SLM_TYPE_Q8_0 ? GROUP * SLM_QK : GROUP * SLM_QK / 2;
    const uint8_t *quants = s->base + 2 * GROUP * nb + (s->type == SLM_TYPE_Q5_0 ? 4 * 8 * nb : 0);
    prefetch_lines(s->base + 2 * GROUP * from, (int)(2 * GROUP * span));
    if (s->type == SLM_TYPE_Q5_0) prefetch_lines(s->base + 2 * GROUP * nb + 32 * from, (int)(32 * span));
    prefetch_lines(quants + from * quant_bytes, (int)(span * quant_bytes));
}

/* Four rows against `count` widened activation rows (n_blocks blocks and scales each); the
 * rows of `next` (if any) are asked for meanwhile. */
static void quad_rows(const quad_source *s, const quad_source *next, const wide_block *wide, const float *dy,
                      int64_t count, float *out, int64_t out_stride) {
    const int64_t nb = s->n_blocks;
    wide_quad blocks[SPAN];
    __m256 partial[CHUNK][QUAD];
    /* (a row of no blocks still gets its sum, zero, as from the one-row dot) */
    for (int64_t from = 0; from == 0 || from < nb; from += SPAN) {
        const int64_t span = nb - from < SPAN ? nb - from : SPAN;
        widen_quad(s, from, span, blocks);
        if (from + span < nb) prefetch_span(s, from + span, nb - from - span < SPAN ? nb - from - span : SPAN);
        else if (next && !(next->packed && next->first)) prefetch_span(next, 0, nb < SPAN ? nb : SPAN);
        for (int64_t t = 0; t < count; t++) {
            __m256 acc[QUAD];
            for (int q = 0; q < QUAD; q++) acc[q] = from == 0 ? _mm256_setzero_ps() : partial[t][q];
            span_pass(blocks, wide + t * nb + from, dy + t * nb + from, span, acc);
            for (int q = 0; q < QUAD; q++) {
                if (from + span < nb) partial[t][q] = acc[q];
                else out[t * out_stride + q] = horizontal_sum(acc[q]);
            }
        }
    }
}

/* The activation rows' blocks widened, and their scales as floats. */
static void widen_activations(const uint8_t *activations, size_t activation_bytes, int64_t count, int64_t nb,
                              wide_block *wide, float *dy) {
    for (int64_t t = 0; t < count; t++) {
        const block_q8_0 *y = (const block_q8_0 *)(activations + t * activation_bytes);
        for (int64_t i = 0; i < nb; i++) {
            wide[t * nb + i] = widen(_mm256_loadu_si256((const __m256i *)y[i].qs));
            dy[t * nb + i] = half_to_float(y[i].d);
        }
    }
}

static inline quad_source quad_at(int type, int packed, const uint8_t *weights, size_t row_bytes, int64_t nb,
                                  int64_t r) {
    return (quad_source){type, packed, packed ? (int)(r % GROUP) : 0, weights + (packed ? r - r % GROUP : r) * row_bytes,
                         row_bytes, nb};
}

static void quads(int type, int packed, int64_t rows, int64_t cols, const uint8_t *weights, size_t row_bytes,
                  const uint8_t *activations, size_t activation_bytes, int64_t count, float *out, int64_t out_stride) {
    const int64_t nb = cols / SLM_QK;
    const size_t wide_bytes = (size_t)(CHUNK * nb) * sizeof(wide_block);
    wide_block *wide = slm_thread_scratch(wide_bytes + (size_t)(CHUNK * nb) * sizeof(float));
    float *dy = (float *)((uint8_t *)wide + wide_bytes);
    for (int64_t t0 = 0; t0 < count; t0 += CHUNK) {
        const int64_t n = count - t0 < CHUNK ? count - t0 : CHUNK;
        widen_activations(activations + t0 * activation_bytes, activation_bytes, n, nb, wide, dy);
        for (int64_t r = 0; r + QUAD <= rows; r += QUAD) {
            const quad_source source = quad_at(type, packed, weights, row_bytes, nb, r);
            const quad_source next = quad_at(type, packed, weights, row_bytes, nb, r + QUAD);
            quad_rows(&source, r + 2 * QUAD <= rows ? &next : NULL, wide, dy, n, out + t0 * out_stride + r, out_stride);
        }
    }
}

SLM_TARGET_END

slm_quads_fn slm_avx2_quads(int weight_type) {
    if (weight_type == SLM_TYPE_Q4_0 || weight_type == SLM_TYPE_Q5_0 || weight_type == SLM_TYPE_Q8_0) return quads;
    return NULL;
}

#else
slm_quads_fn slm_avx2_quads(int weight_type) {
    (void)weight_type;
    return NULL;
}
#endif
