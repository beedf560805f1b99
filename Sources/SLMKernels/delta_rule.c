/* The gated delta rule (Qwen3.5's linear attention) for one head over a run of positions:
 * the portable definition and the dispatch to the AVX2 and NEON versions, which match it
 * exactly (the same eight-lane partial sums, fused multiply-adds and reduction order). */
#include <math.h>
#include "blocks.h"

float slm_delta_dot_portable(const float *a, const float *b, int64_t n) {
    float lanes[8] = {0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int l = 0; l < 8; l++) lanes[l] = fmaf(a[i + l], b[i + l], lanes[l]);
    /* the AVX2 reduction's order: halves, then pairs, then the last two */
    float quarter[4];
    for (int l = 0; l < 4; l++) quarter[l] = lanes[l] + lanes[l + 4];
    float sum = (quarter[0] + quarter[2]) + (quarter[1] + quarter[3]);
    for (; i < n; i++) sum = fmaf(a[i], b[i], sum);
    return sum;
}

void slm_delta_rule_portable(float *state, int64_t size, int64_t rows, const float *query, const float *key,
                             const float *value, int64_t stride, const float *decay, const float *beta,
                             int64_t gate_stride, float scale, float *out, int64_t out_stride) {
    for (int64_t t = 0; t < rows; t++) {
        const float *q = query + t * stride, *k = key + t * stride, *v = value + t * stride;
        const float e = decay[t * gate_stride], b = beta[t * gate_stride];
        float *o = out + t * out_stride;
        /* row j of the state is column j of the matrix S: delta_j = (v_j - S^T k) * beta */
        for (int64_t j = 0; j < size; j++) {
            float *row = state + j * size;
            for (int64_t i = 0; i < size; i++) row[i] *= e;
            const float delta = (v[j] - slm_delta_dot_portable(row, k, size)) * b;
            for (int64_t i = 0; i < size; i++) row[i] = fmaf(k[i], delta, row[i]);
            o[j] = slm_delta_dot_portable(row, q, size) * scale;
        }
    }
}

void slm_delta_rule(float *state, int64_t size, int64_t rows, const float *query, const float *key,
                    const float *value, int64_t stride, const float *decay, const float *beta, int64_t gate_stride,
                    float scale, float *out, int64_t out_stride) {
    slm_delta_rule_on_path(slm_active_path(), state, size, rows, query, key, value, stride, decay, beta, gate_stride,
                           scale, out, out_stride);
}

void slm_delta_rule_on_path(int path, float *state, int64_t size, int64_t rows, const float *query, const float *key,
                            const float *value, int64_t stride, const float *decay, const float *beta,
                            int64_t gate_stride, float scale, float *out, int64_t out_stride) {
    if (!slm_path_available(path)) path = SLM_PATH_SCALAR;
    if ((path == SLM_PATH_AVX2 || path == SLM_PATH_AVX512_VNNI) && size % 8 == 0) {
        slm_delta_rule_avx2(state, size, rows, query, key, value, stride, decay, beta, gate_stride, scale, out,
                            out_stride);
        return;
    }
    if ((path == SLM_PATH_NEON || path == SLM_PATH_NEON_DOTPROD) && size % 8 == 0) {
        slm_delta_rule_neon(state, size, rows, query, key, value, stride, decay, beta, gate_stride, scale, out,
                            out_stride);
        return;
    }
    slm_delta_rule_portable(state, size, rows, query, key, value, stride, decay, beta, gate_stride, scale, out,
                            out_stride);
}
