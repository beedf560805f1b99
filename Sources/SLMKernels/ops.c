/* Vector operations of the forward pass: normalization, activations, RoPE, softmax and
 * attention over a half-precision KV cache. Portable C the compiler vectorizes. */
#include <math.h>
#include <pthread.h>
#include "blocks.h"

void slm_rms_norm(const float *x, const float *weight, float *out, int64_t n, float eps) {
    double sum = 0.0;
    /* float products summed in double, as the reference does */
    for (int64_t i = 0; i < n; i++) sum += (double)(x[i] * x[i]);
    float scale = 1.0f / sqrtf((float)(sum / (double)n) + eps);
    if (weight) {
        for (int64_t i = 0; i < n; i++) out[i] = x[i] * scale * weight[i];
    } else {
        for (int64_t i = 0; i < n; i++) out[i] = x[i] * scale;
    }
}

void slm_add(float *y, const float *x, int64_t n) {
    for (int64_t i = 0; i < n; i++) y[i] += x[i];
}

void slm_scale(float *x, float scale, int64_t n) {
    for (int64_t i = 0; i < n; i++) x[i] *= scale;
}

void slm_mul(const float *a, const float *b, float *out, int64_t n) {
    for (int64_t i = 0; i < n; i++) out[i] = a[i] * b[i];
}

static inline float silu(float x);

void slm_silu(float *x, int64_t n) {
    for (int64_t i = 0; i < n; i++) x[i] = silu(x[i]);
}

void slm_sigmoid_mul(float *x, const float *gate, int64_t n) {
    for (int64_t i = 0; i < n; i++) x[i] *= 1.0f / (1.0f + slm_expf(-gate[i]));
}

static inline float silu(float x) { return x / (1.0f + slm_expf(-x)); }

/* The reference is built with fused multiply-adds wherever its compiler may contract
 * a*b + c; the explicit fmaf calls below reproduce its rounding exactly. */
static inline float gelu_tanh(float x) {
    const float sqrt_2_over_pi = 0.79788456080286535588f;
    return 0.5f * x * (1.0f + tanhf(sqrt_2_over_pi * x * fmaf(0.044715f * x, x, 1.0f)));
}

/* GELU of every half-precision value, rounded to half precision: the reference's table,
 * so results match it exactly; built once. Two spare entries let 32-bit gathers read the
 * last one. */
static uint16_t gelu_table[(1 << 16) + 2];
static pthread_once_t gelu_once = PTHREAD_ONCE_INIT;

static void build_gelu_table(void) {
    for (int bits = 0; bits < (1 << 16); bits++)
        gelu_table[bits] = slm_fp32_to_fp16(gelu_tanh(slm_fp16_to_fp32((uint16_t)bits)));
}

const uint16_t *slm_gelu_table(void) {
    pthread_once(&gelu_once, build_gelu_table);
    return gelu_table;
}

static inline float gelu_from_table(const uint16_t *table, float x) {
    if (x <= -10.0f) return 0.0f;
    if (x >= 10.0f) return x;
    return slm_fp16_to_fp32(table[slm_fp32_to_fp16(x)]);
}

void slm_gated_activation(float *gate, const float *up, int64_t n, int activation) {
    slm_gated_activation_on_path(slm_active_path(), gate, up, n, activation);
}

void slm_gated_activation_on_path(int path, float *gate, const float *up, int64_t n, int activation) {
    if (!slm_path_available(path)) path = SLM_PATH_SCALAR;
    int64_t done = 0;
    if (activation == 1 && (path == SLM_PATH_AVX2 || path == SLM_PATH_AVX512_VNNI))
        done = slm_gelu_gate_avx2(slm_gelu_table(), gate, up, n);
    else if (activation == 0 && path == SLM_PATH_AVX512_VNNI)
        done = slm_silu_gate_avx512(gate, up, n);
    else if (activation == 0 && path == SLM_PATH_AVX2)
        done = slm_silu_gate_avx2(gate, up, n);
    slm_gated_activation_portable(gate + done, up + done, n - done, activation);
}

void slm_gated_activation_portable(float *gate, const float *up, int64_t n, int activation) {
    if (activation == 1) {
        const uint16_t *table = slm_gelu_table();
        for (int64_t i = 0; i < n; i++) gate[i] = gelu_from_table(table, gate[i]) * up[i];
    } else {
        for (int64_t i = 0; i < n; i++) gate[i] = silu(gate[i]) * up[i];
    }
}

void slm_softmax(float *x, int64_t n) {
    float max = -INFINITY;
    for (int64_t i = 0; i < n; i++) max = fmaxf(max, x[i]);
    if (max == -INFINITY) {
        for (int64_t i = 0; i < n; i++) x[i] = 0.0f;
        return;
    }
    double sum = 0.0;
    for (int64_t i = 0; i < n; i++) {
        x[i] = slm_expf(x[i] - max);
        sum += x[i];
    }
    float inverse = (float)(1.0 / sum);
    for (int64_t i = 0; i < n; i++) x[i] *= inverse;
}

void slm_rope_angles(int64_t rotary_dims, int64_t position, float freq_base, const float *freq_factors,
                     float *table) {
    /* the angle advances by a constant factor per pair, as the reference computes it */
    const float theta_scale = powf(freq_base, -2.0f / (float)rotary_dims);
    const int64_t half = rotary_dims / 2;
    float theta = (float)position;
    for (int64_t i = 0; i < half; i++, theta *= theta_scale) {
        float angle = freq_factors ? theta / freq_factors[i] : theta;
        table[i] = cosf(angle);
        table[half + i] = sinf(angle);
    }
}

void slm_rope_apply(float *head, int64_t rotary_dims, const float *table, int neox) {
    int path = slm_active_path();
    if (neox && (path == SLM_PATH_AVX2 || path == SLM_PATH_AVX512_VNNI) && slm_rope_apply_neox_avx2(head, rotary_dims, table) == 0)
        return;
    slm_rope_apply_portable(head, rotary_dims, table, neox);
}

void slm_rope_apply_portable(float *head, int64_t rotary_dims, const float *table, int neox) {
    const int64_t half = rotary_dims / 2;
    for (int64_t i = 0; i < half; i++) {
        const float c = table[i], s = table[half + i];
        const int64_t a = neox ? i : 2 * i;
        const int64_t b = neox ? i + half : 2 * i + 1;
        const float x0 = head[a], x1 = head[b];
        head[a] = fmaf(x0, c, -(x1 * s));
        head[b] = fmaf(x0, s, x1 * c);
    }
}

/* A half-precision dot product summed as the reference's AVX2 kernel does: four
 * accumulators of eight lanes over each 32 values, folded pairwise, then the lanes. */
static float dot_half_reference_order(const uint16_t *x, const uint16_t *y, int64_t n) {
    float lanes[4][8] = {{0}};
    int64_t i = 0;
    for (; i + 32 <= n; i += 32)
        for (int j = 0; j < 4; j++)
            for (int l = 0; l < 8; l++)
                lanes[j][l] = fmaf(slm_fp16_to_fp32(x[i + 8 * j + l]), slm_fp16_to_fp32(y[i + 8 * j + l]), lanes[j][l]);
    for (int l = 0; l < 8; l++) {
        lanes[0][l] += lanes[2][l];
        lanes[1][l] += lanes[3][l];
    }
    for (int l = 0; l < 8; l++) lanes[0][l] += lanes[1][l];
    float t[4];
    for (int l = 0; l < 4; l++) t[l] = lanes[0][l] + lanes[0][l + 4];
    float h0 = t[0] + t[1], h1 = t[2] + t[3];
    double sum = (double)(h0 + h1);
    for (; i < n; i++) sum += (double)(slm_fp16_to_fp32(x[i]) * slm_fp16_to_fp32(y[i]));
    return (float)sum;
}

void slm_attend_f16(const float *query, const uint16_t *keys, const uint16_t *values,
                    int64_t row_stride, int64_t head_dim, int64_t first, int64_t last,
                    float scale, float softcap, float *scratch, float *out) {
    int path = slm_active_path();
    if ((path == SLM_PATH_AVX2 || path == SLM_PATH_AVX512_VNNI) &&
        slm_attend_f16_avx2(query, keys, values, row_stride, head_dim, first, last, scale, softcap, out) == 0)
        return;
    slm_attend_f16_portable(query, keys, values, row_stride, head_dim, first, last, scale, softcap, scratch, out);
}

void slm_attend_f16_heads(const float *queries, int64_t query_stride, int64_t heads, const uint16_t *keys,
                          const uint16_t *values, int64_t row_stride, int64_t head_dim, int64_t first, int64_t last,
                          float scale, float softcap, float *scratch, float *out, int64_t out_stride) {
    slm_attend_f16_heads_on_path(slm_active_path(), queries, query_stride, heads, keys, values, row_stride, head_dim,
                                 first, last, scale, softcap, scratch, out, out_stride);
}

void slm_attend_f16_heads_on_path(int32_t path, const float *queries, int64_t query_stride, int64_t heads,
                                  const uint16_t *keys, const uint16_t *values, int64_t row_stride, int64_t head_dim,
                                  int64_t first, int64_t last, float scale, float softcap, float *scratch, float *out,
                                  int64_t out_stride) {
    if (!slm_path_available(path)) path = SLM_PATH_SCALAR;
    if (path == SLM_PATH_AVX512_VNNI &&
        slm_attend_f16_heads_avx512(queries, query_stride, heads, keys, values, row_stride, head_dim, first, last,
                                    scale, softcap, out, out_stride) == 0)
        return;
    if ((path == SLM_PATH_AVX2 || path == SLM_PATH_AVX512_VNNI) &&
        slm_attend_f16_heads_avx2(queries, query_stride, heads, keys, values, row_stride, head_dim, first, last, scale,
                                  softcap, out, out_stride) == 0)
        return;
    for (int64_t h = 0; h < heads; h++) {
        if ((path == SLM_PATH_AVX2 || path == SLM_PATH_AVX512_VNNI) &&
            slm_attend_f16_avx2(queries + h * query_stride, keys, values, row_stride, head_dim, first, last, scale,
                                softcap, out + h * out_stride) == 0)
            continue;
        slm_attend_f16_portable(queries + h * query_stride, keys, values, row_stride, head_dim, first, last, scale,
                                softcap, scratch, out + h * out_stride);
    }
}

void slm_attend_f16_portable(const float *query, const uint16_t *keys, const uint16_t *values,
                             int64_t row_stride, int64_t head_dim, int64_t first, int64_t last,
                             float scale, float softcap, float *scratch, float *out) {
    /* The numerics of llama.cpp's CPU flash attention over an F16 cache, which its default
     * settings use: the query is rounded to half precision, the softmax runs online, and
     * the weighted sum of values is kept in half precision (scratch holds it). Matching
     * them matters: small models amplify tiny differences through activation rounding. */
    uint16_t query_half[1024];
    int64_t dims = head_dim < 1024 ? head_dim : 1024;
    for (int64_t i = 0; i < dims; i++) query_half[i] = slm_fp32_to_fp16(query[i]);
    float *accumulator = scratch;
    for (int64_t i = 0; i < head_dim; i++) accumulator[i] = 0.0f;
    float running_max = -INFINITY, running_sum = 0.0f;
    for (int64_t t = first; t < last; t++) {
        if (t + SLM_ATTEND_PREFETCH < last) {
            slm_prefetch_span(keys + (t + SLM_ATTEND_PREFETCH) * row_stride, head_dim * 2);
            slm_prefetch_span(values + (t + SLM_ATTEND_PREFETCH) * row_stride, head_dim * 2);
        }
        float score = dot_half_reference_order(keys + t * row_stride, query_half, dims) * scale;
        if (softcap > 0.0f) score = softcap * tanhf(score / softcap);
        float old_scale = 1.0f, weight = 1.0f;
        if (score > running_max) {
            float previous = running_max;
            running_max = score;
            old_scale = slm_expf(previous - running_max);
            for (int64_t i = 0; i < head_dim; i++)
                accumulator[i] = slm_fp16_to_fp32(slm_fp32_to_fp16(accumulator[i] * old_scale));
        } else {
            weight = slm_expf(score - running_max);
        }
        const uint16_t *value = values + t * row_stride;
        for (int64_t i = 0; i < head_dim; i++)
            accumulator[i] = slm_fp16_to_fp32(slm_fp32_to_fp16(fmaf(slm_fp16_to_fp32(value[i]), weight, accumulator[i])));
        running_sum = fmaf(running_sum, old_scale, weight);
    }
    float inverse = running_sum > 0.0f ? 1.0f / running_sum : 0.0f;
    for (int64_t i = 0; i < head_dim; i++) out[i] = accumulator[i] * inverse;
}

void slm_attend_f32(const float *query, const float *keys, const float *values,
                    int64_t row_stride, int64_t head_dim, int64_t first, int64_t last,
                    float scale, float softcap, float *scratch, float *out) {
    int64_t count = last - first;
    for (int64_t t = 0; t < count; t++) {
        const float *key = keys + (first + t) * row_stride;
        float dot = 0.0f;
        for (int64_t i = 0; i < head_dim; i++) dot += query[i] * key[i];
        float score = dot * scale;
        if (softcap > 0.0f) score = softcap * tanhf(score / softcap);
        scratch[t] = score;
    }
    slm_softmax(scratch, count);
    for (int64_t i = 0; i < head_dim; i++) out[i] = 0.0f;
    for (int64_t t = 0; t < count; t++) {
        const float *value = values + (first + t) * row_stride;
        for (int64_t i = 0; i < head_dim; i++) out[i] += scratch[t] * value[i];
    }
}
