/* K-quant batches for arm64 CPUs with the dotprod extension (a Raspberry Pi 5), eight
 * weight rows at a time: the rows rearranged as in kquant_rows.h, each 128-bit vector
 * holds four values of four rows, and one sdot against four broadcast activation bytes
 * (a lane of the activation vector) adds to four rows at once. Each row takes the float
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

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("dotprod"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("arch=armv8.2-a+dotprod")
#endif

/* Rows 4h..4h+3's sums over 4 * chunks activation values (chunks a multiple of 4). */
static inline int32x4_t row_sums(const uint8_t weights[][KQ_MAX_ROWS * 4], int chunks, int h, const int8_t *y) {
    int32x4_t sum = vdupq_n_s32(0);
    for (int k = 0; k < chunks; k += 4) {
        const int8x16_t a = vld1q_s8(y + 4 * k);
        sum = vdotq_laneq_s32(sum, vld1q_s8((const int8_t *)weights[k] + 16 * h), a, 0);
        sum = vdotq_laneq_s32(sum, vld1q_s8((const int8_t *)weights[k + 1] + 16 * h), a, 1);
        sum = vdotq_laneq_s32(sum, vld1q_s8((const int8_t *)weights[k + 2] + 16 * h), a, 2);
        sum = vdotq_laneq_s32(sum, vld1q_s8((const int8_t *)weights[k + 3] + 16 * h), a, 3);
    }
    return sum;
}

/* int16 halves of each lane, as signed values. */
static inline int32x4_t low_halves(int32x4_t pairs) { return vshrq_n_s32(vshlq_n_s32(pairs, 16), 16); }
static inline int32x4_t high_halves(int32x4_t pairs) { return vshrq_n_s32(pairs, 16); }

static void rows8_q4_K_grouped(int64_t n, const uint8_t *w, size_t row_bytes, const uint8_t *activations,
                               size_t activation_bytes, int64_t count, float *out, int64_t out_stride) {
    const int64_t blocks = n / SLM_QK_K;
    q4_K_rows *packed = slm_thread_scratch((size_t)blocks * sizeof *packed);
    rearrange_q4_K(w, row_bytes, blocks, 8, packed);
    for (int64_t t0 = 0; t0 + 4 <= count; t0 += 4) {
        float32x4_t acc[4][2], acc_min[4][2];
        for (int t = 0; t < 4; t++)
            for (int h = 0; h < 2; h++) acc[t][h] = acc_min[t][h] = vdupq_n_f32(0);
        for (int64_t i = 0; i < blocks; i++) {
            const q4_K_rows *x = &packed[i];
            for (int t = 0; t < 4; t++) {
                const block_q8_K *y = (const block_q8_K *)(activations + (t0 + t) * activation_bytes) + i;
                for (int h = 0; h < 2; h++) {
                    const float32x4_t d = vmulq_n_f32(vld1q_f32(x->d + 4 * h), y->d);
                    const float32x4_t dmin = vmulq_n_f32(vld1q_f32(x->dmin + 4 * h), y->d);
                    for (int j = 0; j < 4; j++) {
                        const int8_t *q8 = y->qs + 64 * j;
                        const int32x4_t sums = vaddq_s32(vmulq_s32(row_sums(x->weights[2 * j], 8, h, q8), vld1q_s32(x->scales[2 * j] + 4 * h)),
                                                         vmulq_s32(row_sums(x->weights[2 * j + 1], 8, h, q8 + 32),
                                                                   vld1q_s32(x->scales[2 * j + 1] + 4 * h)));
                        const int16_t *bs = y->bsums + 4 * j;
                        const int32x4_t pairs = vld1q_s32(x->min_pairs[j] + 4 * h);
                        const int32x4_t mins = vaddq_s32(vmulq_n_s32(low_halves(pairs), bs[0] + bs[1]),
                                                         vmulq_n_s32(high_halves(pairs), bs[2] + bs[3]));
                        acc[t][h] = vfmaq_f32(acc[t][h], vcvtq_f32_s32(sums), d);
                        acc_min[t][h] = vfmaq_f32(acc_min[t][h], vcvtq_f32_s32(mins), dmin);
                    }
                }
            }
        }
        for (int t = 0; t < 4; t++)
            for (int h = 0; h < 2; h++) vst1q_f32(out + (t0 + t) * out_stride + 4 * h, vsubq_f32(acc[t][h], acc_min[t][h]));
    }
}

static void rows8_q6_K_tiled(int64_t n, const uint8_t *w, size_t row_bytes, const uint8_t *activations,
                             size_t activation_bytes, int64_t count, float *out, int64_t out_stride) {
    const int64_t blocks = n / SLM_QK_K;
    q6_K_rows *packed = slm_thread_scratch((size_t)blocks * sizeof *packed);
    rearrange_q6_K(w, row_bytes, blocks, 8, packed);
    for (int64_t t0 = 0; t0 + 4 <= count; t0 += 4) {
        float32x4_t acc[4][2];
        for (int t = 0; t < 4; t++) acc[t][0] = acc[t][1] = vdupq_n_f32(0);
        for (int64_t i = 0; i < blocks; i++) {
            const q6_K_rows *x = &packed[i];
            for (int t = 0; t < 4; t++) {
                const block_q8_K *y = (const block_q8_K *)(activations + (t0 + t) * activation_bytes) + i;
                for (int h = 0; h < 2; h++) {
                    int32x4_t sums = vdupq_n_s32(0), bias = vdupq_n_s32(0);
                    for (int k = 0; k < 8; k++) {
                        const int8_t *q8 = y->qs + 32 * k;
                        sums = vaddq_s32(sums, vmulq_s32(row_sums(x->weights[k], 4, h, q8), vld1q_s32(x->scales[2 * k] + 4 * h)));
                        sums = vaddq_s32(sums, vmulq_s32(row_sums(x->weights[k] + 4, 4, h, q8 + 16),
                                                         vld1q_s32(x->scales[2 * k + 1] + 4 * h)));
                        const int32x4_t pairs = vld1q_s32(x->scale_pairs[k] + 4 * h);
                        bias = vaddq_s32(bias, vaddq_s32(vmulq_n_s32(low_halves(pairs), y->bsums[2 * k]),
                                                         vmulq_n_s32(high_halves(pairs), y->bsums[2 * k + 1])));
                    }
                    const int32x4_t s1 = vsubq_s32(sums, vshlq_n_s32(bias, 5));
                    const float32x4_t res = vmulq_f32(vld1q_f32(x->d + 4 * h), vcvtq_f32_s32(s1));
                    acc[t][h] = vfmaq_n_f32(acc[t][h], res, y->d);
                }
            }
        }
        for (int t = 0; t < 4; t++)
            for (int h = 0; h < 2; h++) vst1q_f32(out + (t0 + t) * out_stride + 4 * h, acc[t][h]);
    }
}

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

slm_rows_fn slm_neon_dotprod_repacked_q4_K(void) { return rows8_q4_K_grouped; }

slm_rows_fn slm_neon_dotprod_tiled_q6_K(void) { return rows8_q6_K_tiled; }

#else
slm_rows_fn slm_neon_dotprod_repacked_q4_K(void) { return NULL; }
slm_rows_fn slm_neon_dotprod_tiled_q6_K(void) { return NULL; }
#endif
