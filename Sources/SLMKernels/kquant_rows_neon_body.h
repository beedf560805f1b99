/* The arm64 K-quant batch kernels (see kquant_rows_neon.c), included twice: KQ_NAME(x)
 * names each copy's functions and KQ_LANE_DOT(acc, w, a, lane) adds to each int32 lane i
 * of acc the dot product of w's bytes 4i..4i+3 with a's bytes 4*lane..4*lane+3 (sdot by
 * element with dotprod, widening multiplies without). */

/* Rows 4h..4h+3's sums over 4 * chunks activation values (chunks a multiple of 4). */
static inline int32x4_t KQ_NAME(row_sums)(const uint8_t weights[][KQ_MAX_ROWS * 4], int chunks, int h, const int8_t *y) {
    int32x4_t sum = vdupq_n_s32(0);
    for (int k = 0; k < chunks; k += 4) {
        const int8x16_t a = vld1q_s8(y + 4 * k);
        sum = KQ_LANE_DOT(sum, vld1q_s8((const int8_t *)weights[k] + 16 * h), a, 0);
        sum = KQ_LANE_DOT(sum, vld1q_s8((const int8_t *)weights[k + 1] + 16 * h), a, 1);
        sum = KQ_LANE_DOT(sum, vld1q_s8((const int8_t *)weights[k + 2] + 16 * h), a, 2);
        sum = KQ_LANE_DOT(sum, vld1q_s8((const int8_t *)weights[k + 3] + 16 * h), a, 3);
    }
    return sum;
}

static void KQ_NAME(rows8_q4_K_grouped)(int64_t n, const uint8_t *w, size_t row_bytes, const uint8_t *activations,
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
                        const int32x4_t sums = vaddq_s32(vmulq_s32(KQ_NAME(row_sums)(x->weights[2 * j], 8, h, q8), vld1q_s32(x->scales[2 * j] + 4 * h)),
                                                         vmulq_s32(KQ_NAME(row_sums)(x->weights[2 * j + 1], 8, h, q8 + 32),
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

static void KQ_NAME(rows8_q6_K_tiled)(int64_t n, const uint8_t *w, size_t row_bytes, const uint8_t *activations,
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
                        sums = vaddq_s32(sums, vmulq_s32(KQ_NAME(row_sums)(x->weights[k], 4, h, q8), vld1q_s32(x->scales[2 * k] + 4 * h)));
                        sums = vaddq_s32(sums, vmulq_s32(KQ_NAME(row_sums)(x->weights[k] + 4, 4, h, q8 + 16),
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

