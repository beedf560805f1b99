/* arm64 NEON version of the gated delta rule: eight lanes as two four-float vectors, fused
 * multiply-adds and the portable version's reduction order, so the results are identical
 * to it. */
#include "blocks.h"

#if defined(__aarch64__)
#include <arm_neon.h>

static inline float reduce(float32x4_t low, float32x4_t high) {
    const float32x4_t quarter = vaddq_f32(low, high);
    /* (q0 + q2) and (q1 + q3), then their sum */
    const float32x2_t pairs = vadd_f32(vget_low_f32(quarter), vget_high_f32(quarter));
    return vget_lane_f32(pairs, 0) + vget_lane_f32(pairs, 1);
}

void slm_delta_rule_neon(float *state, int64_t size, int64_t rows, const float *query, const float *key,
                         const float *value, int64_t stride, const float *decay, const float *beta,
                         int64_t gate_stride, float scale, float *out, int64_t out_stride) {
    for (int64_t t = 0; t < rows; t++) {
        const float *q = query + t * stride, *k = key + t * stride, *v = value + t * stride;
        const float32x4_t e = vdupq_n_f32(decay[t * gate_stride]);
        const float b = beta[t * gate_stride];
        float *o = out + t * out_stride;
        for (int64_t j = 0; j < size; j++) {
            float *row = state + j * size;
            float32x4_t low = vdupq_n_f32(0), high = vdupq_n_f32(0);
            for (int64_t i = 0; i < size; i += 8) {
                const float32x4_t a = vmulq_f32(vld1q_f32(row + i), e), c = vmulq_f32(vld1q_f32(row + i + 4), e);
                vst1q_f32(row + i, a);
                vst1q_f32(row + i + 4, c);
                low = vfmaq_f32(low, a, vld1q_f32(k + i));
                high = vfmaq_f32(high, c, vld1q_f32(k + i + 4));
            }
            const float32x4_t delta = vdupq_n_f32((v[j] - reduce(low, high)) * b);
            low = vdupq_n_f32(0);
            high = vdupq_n_f32(0);
            for (int64_t i = 0; i < size; i += 8) {
                const float32x4_t a = vfmaq_f32(vld1q_f32(row + i), vld1q_f32(k + i), delta);
                const float32x4_t c = vfmaq_f32(vld1q_f32(row + i + 4), vld1q_f32(k + i + 4), delta);
                vst1q_f32(row + i, a);
                vst1q_f32(row + i + 4, c);
                low = vfmaq_f32(low, a, vld1q_f32(q + i));
                high = vfmaq_f32(high, c, vld1q_f32(q + i + 4));
            }
            o[j] = reduce(low, high) * scale;
        }
    }
}

#else
void slm_delta_rule_neon(float *state, int64_t size, int64_t rows, const float *query, const float *key,
                         const float *value, int64_t stride, const float *decay, const float *beta,
                         int64_t gate_stride, float scale, float *out, int64_t out_stride) {
    slm_delta_rule_portable(state, size, rows, query, key, value, stride, decay, beta, gate_stride, scale, out,
                            out_stride);
}
#endif
