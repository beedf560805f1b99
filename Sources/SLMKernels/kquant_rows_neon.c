/* K-quant batches for arm64 CPUs, eight weight rows at a time: the rows rearranged as in
 * kquant_rows.h, each 128-bit vector holds four values of four rows, and one sdot against
 * four broadcast activation bytes (a lane of the activation vector; a Raspberry Pi 5 has
 * the dotprod extension) or a few widening multiplies (a Pi 4) add to four rows at once. Each row takes the float
 * steps of the kernel it stands in for (grouped Q4_K, tiled Q6_K) with exact integer sums,
 * so the outputs equal the scalar kernels'. */
#include "kquant_rows.h"

#if defined(__aarch64__)
#include <arm_neon.h>

/* The rearrangement in plain C (once per call; the products are the hot part). */
static void place(uint8_t chunks[8][KQ_MAX_ROWS * 4], int row, const uint8_t values[32]) {
    for (int v = 0; v < 32; v++) chunks[v / 4][4 * row + v % 4] = values[v];
}

static void rearrange_q4_K(const uint8_t *w, size_t row_bytes, int64_t blocks, int rows, q4_K_rows *out) {
    for (int64_t i = 0; i < blocks; i++)
        for (int r = 0; r < rows; r++) {
            const block_q4_K *x = (const block_q4_K *)(w + r * row_bytes) + i;
            uint8_t sc[8], mn[8];
            slm_unpack_scale_min_k4(x->scales, sc, mn);
            for (int sb = 0; sb < 8; sb++) out[i].scales[sb][r] = sc[sb];
            for (int j = 0; j < 4; j++) out[i].min_pairs[j][r] = (int32_t)kq_pack16(mn[2 * j], mn[2 * j + 1]);
            out[i].d[r] = slm_fp16_to_fp32(x->d);
            out[i].dmin[r] = slm_fp16_to_fp32(x->dmin);
            for (int j = 0; j < 4; j++) {
                uint8_t low[32], high[32];
                for (int m = 0; m < 32; m++) {
                    low[m] = x->qs[32 * j + m] & 0x0F;
                    high[m] = x->qs[32 * j + m] >> 4;
                }
                place(out[i].weights[2 * j], r, low);
                place(out[i].weights[2 * j + 1], r, high);
            }
        }
}

static void rearrange_q6_K(const uint8_t *w, size_t row_bytes, int64_t blocks, int rows, q6_K_rows *out) {
    for (int64_t i = 0; i < blocks; i++)
        for (int r = 0; r < rows; r++) {
            const block_q6_K *x = (const block_q6_K *)(w + r * row_bytes) + i;
            for (int g = 0; g < 16; g++) out[i].scales[g][r] = x->scales[g];
            for (int k = 0; k < 8; k++) out[i].scale_pairs[k][r] = (int32_t)kq_pack16(x->scales[2 * k], x->scales[2 * k + 1]);
            out[i].d[r] = slm_fp16_to_fp32(x->d);
            for (int half = 0; half < 2; half++)
                for (int part = 0; part < 4; part++) {
                    uint8_t values[32];
                    for (int m = 0; m < 32; m++) {
                        const uint8_t low = x->ql[64 * half + 32 * (part % 2) + m];
                        const uint8_t nibble = part < 2 ? low & 0x0F : low >> 4;
                        const uint8_t top = (x->qh[32 * half + m] >> (2 * part)) & 3;
                        values[m] = (uint8_t)(nibble | top << 4);
                    }
                    place(out[i].weights[4 * half + part], r, values);
                }
        }
}

/* int16 halves of each lane, as signed values. */
static inline int32x4_t low_halves(int32x4_t pairs) { return vshrq_n_s32(vshlq_n_s32(pairs, 16), 16); }
static inline int32x4_t high_halves(int32x4_t pairs) { return vshrq_n_s32(pairs, 16); }

/* Without dotprod: four bytes broadcast, widening products, pairwise sums. The weights are
 * below 64 and the activations within ±127, so two products fit int16. */
static inline int32x4_t widening_lane_dot(int32x4_t acc, int8x16_t w, int8x16_t broadcast) {
    const int16x8_t pairs = vpaddq_s16(vmull_s8(vget_low_s8(w), vget_low_s8(broadcast)), vmull_high_s8(w, broadcast));
    return vpadalq_s16(acc, pairs);
}

#define KQ_NAME(x) plain_##x
#define KQ_LANE_DOT(acc, w, a, lane) \
    widening_lane_dot(acc, w, vreinterpretq_s8_s32(vdupq_laneq_s32(vreinterpretq_s32_s8(a), lane)))
#include "kquant_rows_neon_body.h"
#undef KQ_NAME
#undef KQ_LANE_DOT

SLM_DOTPROD_BEGIN
#define KQ_NAME(x) dotprod_##x
#define KQ_LANE_DOT(acc, w, a, lane) vdotq_laneq_s32(acc, w, a, lane)
#include "kquant_rows_neon_body.h"
#undef KQ_NAME
#undef KQ_LANE_DOT
SLM_DOTPROD_END

slm_rows_fn slm_neon_repacked_q4_K(void) { return plain_rows8_q4_K_grouped; }
slm_rows_fn slm_neon_tiled_q6_K(void) { return plain_rows8_q6_K_tiled; }
slm_rows_fn slm_neon_dotprod_repacked_q4_K(void) { return dotprod_rows8_q4_K_grouped; }
slm_rows_fn slm_neon_dotprod_tiled_q6_K(void) { return dotprod_rows8_q6_K_tiled; }

#else
slm_rows_fn slm_neon_repacked_q4_K(void) { return NULL; }
slm_rows_fn slm_neon_tiled_q6_K(void) { return NULL; }
slm_rows_fn slm_neon_dotprod_repacked_q4_K(void) { return NULL; }
slm_rows_fn slm_neon_dotprod_tiled_q6_K(void) { return NULL; }
#endif
