/* Four weight rows against groups of four activation rows for Q5_0 and Q8_0 on CPUs with
 * AVX-512 VL and VNNI. The vectors stay 256 bits wide, so every output is summed block by block in
 * the same lanes and order as the AVX2 kernels (bit-identical); what AVX-512 adds is 32
 * vector registers, room for the 16 accumulators of a 4×4 tile, and dpbusd, which sums byte
 * products straight into int32 lanes (no pair reaches the int16 limit of the AVX2 route). */
#include "blocks.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c,avx512f,avx512vl,avx512bw,avx512vnni"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c,avx512f,avx512vl,avx512bw,avx512vnni")
#endif

#include "avx2_blocks.h"

static inline __m128 scales4(slm_half a, slm_half b, slm_half c, slm_half d) {
    return _mm_cvtph_ps(_mm_setr_epi16((short)a, (short)b, (short)c, (short)d, 0, 0, 0, 0));
}

/* Four weight blocks ready for the products: the values and their magnitudes (dpbusd
 * multiplies unsigned by signed bytes, so the weights' signs move onto the activations). */
typedef struct {
    __m256i value[4];
    __m256i magnitude[4];
} decoded_blocks;

/* Weight rows are decoded once per call into at most this many blocks on the stack (32 KB),
 * then reused for every group of four activation rows. */
enum { DECODED_BLOCKS = 128 };

/* Lane r of d4 is dx[r] * dy: the single float product the one-row kernels form. */
static inline void accumulate4x4(const decoded_blocks *w, __m128 dx, const block_q8_0 *const y[4], int64_t i,
                                 __m256 acc[4][4]) {
    for (int t = 0; t < 4; t++) {
        __m256i qy = _mm256_loadu_si256((const __m256i *)y[t][i].qs);
        __m128 d4 = _mm_mul_ps(dx, _mm_set1_ps(half_to_float(y[t][i].d)));
        __m256 d8 = _mm256_set_m128(d4, d4);
        __m256 d[4] = {_mm256_shuffle_ps(d8, d8, 0x00), _mm256_shuffle_ps(d8, d8, 0x55),
                       _mm256_shuffle_ps(d8, d8, 0xAA), _mm256_shuffle_ps(d8, d8, 0xFF)};
        for (int r = 0; r < 4; r++) {
            __m256i sum = _mm256_dpbusd_epi32(_mm256_setzero_si256(), w->magnitude[r], _mm256_sign_epi8(qy, w->value[r]));
            acc[t][r] = _mm256_fmadd_ps(d[r], _mm256_cvtepi32_ps(sum), acc[t][r]);
        }
    }
}

/* Every group of four activation rows against the decoded weight blocks. */
static void multiply_decoded(int64_t blocks, const decoded_blocks *w, const __m128 *scales, const uint8_t *activations,
                             size_t activation_bytes, int64_t count, float *out, int64_t out_stride) {
    for (int64_t t0 = 0; t0 + 4 <= count; t0 += 4) {
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
    w->magnitude[r] = _mm256_sign_epi8(value, value);
}

/* Decodes blocks [first, first + blocks) of the four rows; `decode` is a constant after
 * inlining. */
static inline __attribute__((always_inline)) void decode_rows(int type, const void *const rows[4], int64_t first,
                                                              int64_t blocks, decoded_blocks *w, __m128 *scales) {
    for (int64_t i = 0; i < blocks; i++) {
        if (type == SLM_TYPE_Q5_0) {
            const block_q5_0 *x[4] = {rows[0], rows[1], rows[2], rows[3]};
            for (int r = 0; r < 4; r++) set_block(&w[i], r, decode_q5_0(&x[r][first + i]));
            scales[i] = scales4(x[0][first + i].d, x[1][first + i].d, x[2][first + i].d, x[3][first + i].d);
        } else {
            const block_q8_0 *x[4] = {rows[0], rows[1], rows[2], rows[3]};
            for (int r = 0; r < 4; r++) set_block(&w[i], r, _mm256_loadu_si256((const __m256i *)x[r][first + i].qs));
            scales[i] = scales4(x[0][first + i].d, x[1][first + i].d, x[2][first + i].d, x[3][first + i].d);
        }
    }
}

/* Rows too long to decode at once go block by block through the same sums. */
static inline __attribute__((always_inline)) void tile_rows(int type, int64_t n, const void *const w[4],
                                                            const uint8_t *activations, size_t activation_bytes,
                                                            int64_t count, float *out, int64_t out_stride) {
    const int64_t blocks = n / SLM_QK;
    if (blocks <= DECODED_BLOCKS) {
        decoded_blocks decoded[DECODED_BLOCKS];
        __m128 scales[DECODED_BLOCKS];
        decode_rows(type, w, 0, blocks, decoded, scales);
        multiply_decoded(blocks, decoded, scales, activations, activation_bytes, count, out, out_stride);
        return;
    }
    for (int64_t t0 = 0; t0 + 4 <= count; t0 += 4) {
        const block_q8_0 *y[4];
        for (int t = 0; t < 4; t++) y[t] = (const block_q8_0 *)(activations + (t0 + t) * activation_bytes);
        __m256 acc[4][4];
        for (int t = 0; t < 4; t++)
            for (int r = 0; r < 4; r++) acc[t][r] = _mm256_setzero_ps();
        for (int64_t i = 0; i < blocks; i++) {
            decoded_blocks one;
            __m128 scale;
            decode_rows(type, w, i, 1, &one, &scale);
            accumulate4x4(&one, scale, y, i, acc);
        }
        for (int t = 0; t < 4; t++)
            for (int r = 0; r < 4; r++) out[(t0 + t) * out_stride + r] = horizontal_sum(acc[t][r]);
    }
}

static void tile_q5_0(int64_t n, const void *const w[4], const uint8_t *activations, size_t activation_bytes,
                      int64_t count, float *out, int64_t out_stride) {
    tile_rows(SLM_TYPE_Q5_0, n, w, activations, activation_bytes, count, out, out_stride);
}

static void tile_q8_0(int64_t n, const void *const w[4], const uint8_t *activations, size_t activation_bytes,
                      int64_t count, float *out, int64_t out_stride) {
    tile_rows(SLM_TYPE_Q8_0, n, w, activations, activation_bytes, count, out, out_stride);
}

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

void slm_avx512vnni_tiles(slm_tile_fn table[SLM_TYPE_TABLE_SIZE]) {
    table[SLM_TYPE_Q5_0] = tile_q5_0;
    table[SLM_TYPE_Q8_0] = tile_q8_0;
}

#else
void slm_avx512vnni_tiles(slm_tile_fn table[SLM_TYPE_TABLE_SIZE]) { (void)table; }
#endif
