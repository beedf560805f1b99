/* Four weight rows against four activation rows for Q5_0 and Q8_0 on CPUs with AVX-512
 * VL and VNNI. The vectors stay 256 bits wide, so every output is summed block by block in
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

/* Lane r of d4 is dx[r] * dy: the single float product the one-row kernels form. */
static inline void accumulate4x4(const __m256i qx[4], __m128 dx, const block_q8_0 *const y[4], int64_t i,
                                 __m256 acc[4][4]) {
    __m256i ax[4];
    for (int r = 0; r < 4; r++) ax[r] = _mm256_sign_epi8(qx[r], qx[r]);
    for (int t = 0; t < 4; t++) {
        __m256i qy = _mm256_loadu_si256((const __m256i *)y[t][i].qs);
        __m128 d4 = _mm_mul_ps(dx, _mm_set1_ps(half_to_float(y[t][i].d)));
        __m256 d8 = _mm256_set_m128(d4, d4);
        __m256 d[4] = {_mm256_shuffle_ps(d8, d8, 0x00), _mm256_shuffle_ps(d8, d8, 0x55),
                       _mm256_shuffle_ps(d8, d8, 0xAA), _mm256_shuffle_ps(d8, d8, 0xFF)};
        for (int r = 0; r < 4; r++) {
            __m256i sum = _mm256_dpbusd_epi32(_mm256_setzero_si256(), ax[r], _mm256_sign_epi8(qy, qx[r]));
            acc[t][r] = _mm256_fmadd_ps(d[r], _mm256_cvtepi32_ps(sum), acc[t][r]);
        }
    }
}

static inline void finish4x4(__m256 acc[4][4], float out[16]) {
    for (int t = 0; t < 4; t++)
        for (int r = 0; r < 4; r++) out[t * 4 + r] = horizontal_sum(acc[t][r]);
}

static void tile_q5_0(int64_t n, const void *const w[4], const void *const a[4], float out[16]) {
    const block_q5_0 *const x[4] = {w[0], w[1], w[2], w[3]};
    const block_q8_0 *const y[4] = {a[0], a[1], a[2], a[3]};
    __m256 acc[4][4];
    for (int t = 0; t < 4; t++)
        for (int r = 0; r < 4; r++) acc[t][r] = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / SLM_QK; i++) {
        const __m256i qx[4] = {decode_q5_0(&x[0][i]), decode_q5_0(&x[1][i]), decode_q5_0(&x[2][i]), decode_q5_0(&x[3][i])};
        accumulate4x4(qx, scales4(x[0][i].d, x[1][i].d, x[2][i].d, x[3][i].d), y, i, acc);
    }
    finish4x4(acc, out);
}

static void tile_q8_0(int64_t n, const void *const w[4], const void *const a[4], float out[16]) {
    const block_q8_0 *const x[4] = {w[0], w[1], w[2], w[3]};
    const block_q8_0 *const y[4] = {a[0], a[1], a[2], a[3]};
    __m256 acc[4][4];
    for (int t = 0; t < 4; t++)
        for (int r = 0; r < 4; r++) acc[t][r] = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / SLM_QK; i++) {
        const __m256i qx[4] = {_mm256_loadu_si256((const __m256i *)x[0][i].qs), _mm256_loadu_si256((const __m256i *)x[1][i].qs),
                               _mm256_loadu_si256((const __m256i *)x[2][i].qs), _mm256_loadu_si256((const __m256i *)x[3][i].qs)};
        accumulate4x4(qx, scales4(x[0][i].d, x[1][i].d, x[2][i].d, x[3][i].d), y, i, acc);
    }
    finish4x4(acc, out);
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
