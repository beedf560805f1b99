/* Q4_0, Q5_0 and Q8_0 batches for AVX2 CPUs: four weight rows are decoded once per call, then
 * every pair of activation rows runs against them (eight accumulators, which the sixteen
 * AVX2 registers hold). Every output gets exactly the operations of dot_q4_0 / dot_q5_0 / dot_q8_0:
 * a block's int32 lane sums, one product of the two scales, a fused multiply-add per
 * block, and the eight lanes added at the end. */
#include "blocks.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

SLM_TARGET_BEGIN("avx2,fma,f16c")

#include "avx2_blocks.h"

/* A block of four weight rows: the values and their magnitudes (maddubs multiplies
 * unsigned by signed bytes, so the weights' signs move onto the activations). */
typedef struct {
    __m256i value[4];
    __m256i magnitude[4];
} decoded_quad;

static inline __attribute__((always_inline)) void decode_quad(int type, const void *const rows[4], int64_t i,
                                                              decoded_quad *w, float dx[4]) {
    for (int r = 0; r < 4; r++) {
        __m256i value;
        if (type == SLM_TYPE_Q4_0) {
            const block_q4_0 *x = (const block_q4_0 *)rows[r] + i;
            value = decode_q4_0(x);
            dx[r] = half_to_float(x->d);
        } else if (type == SLM_TYPE_Q5_0) {
            const block_q5_0 *x = (const block_q5_0 *)rows[r] + i;
            value = decode_q5_0(x);
            dx[r] = half_to_float(x->d);
        } else {
            const block_q8_0 *x = (const block_q8_0 *)rows[r] + i;
            value = _mm256_loadu_si256((const __m256i *)x->qs);
            dx[r] = half_to_float(x->d);
        }
        w->value[r] = value;
        w->magnitude[r] = _mm256_sign_epi8(value, value);
    }
}

/* The products of the scales are formed four at a time and read back one by one as
 * broadcasts (the load ports are idle, the arithmetic ones are not): each is the same single
 * product the one-row dot forms. (Three activation rows a pass, twelve accumulators, measured
 * slower.) */
static inline void accumulate4x2(const decoded_quad *w, const float dx[4], const block_q8_0 *const y[2], __m256 acc[2][4]) {
    const __m256i ones = _mm256_set1_epi16(1);
    const __m128 rows = _mm_loadu_ps(dx);
    float d[2][4];
    for (int t = 0; t < 2; t++) _mm_storeu_ps(d[t], _mm_mul_ps(rows, _mm_set1_ps(half_to_float(y[t]->d))));
    for (int t = 0; t < 2; t++) {
        const __m256i qy = _mm256_loadu_si256((const __m256i *)y[t]->qs);
        for (int r = 0; r < 4; r++) {
            const __m256i sums = _mm256_madd_epi16(_mm256_maddubs_epi16(w->magnitude[r], _mm256_sign_epi8(qy, w->value[r])), ones);
            acc[t][r] = _mm256_fmadd_ps(_mm256_broadcast_ss(&d[t][r]), _mm256_cvtepi32_ps(sums), acc[t][r]);
        }
    }
}

static inline void store_pair(__m256 acc[2][4], int64_t t0, float *out, int64_t out_stride) {
    for (int t = 0; t < 2; t++)
        for (int r = 0; r < 4; r++) out[(t0 + t) * out_stride + r] = horizontal_sum(acc[t][r]);
}

/* Rows of up to STACK_BLOCKS blocks are decoded on the stack (faster, as the compiler
 * knows it aliases nothing), longer ones into the thread's scratch. */
enum { STACK_BLOCKS = 128 };

static inline __attribute__((always_inline)) void tile_rows(int type, int64_t n, const void *const w[4],
                                                            const uint8_t *activations, size_t activation_bytes,
                                                            int64_t count, float *out, int64_t out_stride) {
    const int64_t blocks = n / SLM_QK, covered = count - count % 4;
    decoded_quad stack[STACK_BLOCKS];
    float stack_dx[STACK_BLOCKS][4];
    const int small = blocks <= STACK_BLOCKS;
    decoded_quad *decoded = small ? stack : slm_thread_scratch((size_t)blocks * (sizeof(decoded_quad) + 4 * sizeof(float)));
    float (*dx)[4] = small ? stack_dx : (float (*)[4])(decoded + blocks);
    for (int64_t i = 0; i < blocks; i++) decode_quad(type, w, i, &decoded[i], dx[i]);
    for (int64_t t0 = 0; t0 + 2 <= covered; t0 += 2) {
        const block_q8_0 *y0 = (const block_q8_0 *)(activations + t0 * activation_bytes);
        const block_q8_0 *y1 = (const block_q8_0 *)(activations + (t0 + 1) * activation_bytes);
        __m256 acc[2][4];
        for (int t = 0; t < 2; t++)
            for (int r = 0; r < 4; r++) acc[t][r] = _mm256_setzero_ps();
        for (int64_t i = 0; i < blocks; i++) {
            const block_q8_0 *const y[2] = {y0 + i, y1 + i};
            accumulate4x2(&decoded[i], dx[i], y, acc);
        }
        store_pair(acc, t0, out, out_stride);
    }
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

SLM_TARGET_END

void slm_avx2_tiles(slm_tile_fn table[SLM_TYPE_TABLE_SIZE]) {
    table[SLM_TYPE_Q4_0] = tile_q4_0;
    table[SLM_TYPE_Q5_0] = tile_q5_0;
    table[SLM_TYPE_Q8_0] = tile_q8_0;
}

#else
void slm_avx2_tiles(slm_tile_fn table[SLM_TYPE_TABLE_SIZE]) { (void)table; }
#endif
