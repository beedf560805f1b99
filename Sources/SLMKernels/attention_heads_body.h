/* The body of slm_attend_f16_heads' SIMD versions, included by attention_avx2.c (eight
 * lanes) and attention_avx512.c (sixteen) after they define:
 *   LANES, vf, vf_load, vf_store, vf_zero, vf_set1, vf_mul, vf_fma (a * b + c),
 *   vf_round_half (to half precision and back), vf_from_half (LANES halves as floats),
 *   heads_dot (a converted key row against a half-rounded query, in the reference's order)
 *   and ATTEND_HEADS (the function's name).
 * `heads` query heads share one key/value head (grouped-query attention): each key and value
 * row is loaded and converted once for all of them, and each head takes exactly the steps of
 * slm_attend_f16_portable, element by element, so its output is bit-identical. Returns -1
 * when the shape does not fit (the caller then takes another version). */
int ATTEND_HEADS(const float *queries, int64_t query_stride, int64_t heads, const uint16_t *keys,
                 const uint16_t *values, int64_t row_stride, int64_t head_dim, int64_t first, int64_t last,
                 float scale, float softcap, float *out, int64_t out_stride) {
    enum { MAX_HEADS = 16, MAX_DIM = 256 };
    if (heads > MAX_HEADS || head_dim > MAX_DIM || head_dim % 32 != 0) return -1;
    float query_half[MAX_HEADS][MAX_DIM], accumulator[MAX_HEADS][MAX_DIM], row[MAX_DIM];
    float running_max[MAX_HEADS], running_sum[MAX_HEADS], weights[MAX_HEADS], old_scales[MAX_HEADS];
    for (int64_t h = 0; h < heads; h++) {
        for (int64_t i = 0; i < head_dim; i += LANES) {
            vf_store(query_half[h] + i, vf_round_half(vf_load(queries + h * query_stride + i)));
            vf_store(accumulator[h] + i, vf_zero());
        }
        running_max[h] = -INFINITY;
        running_sum[h] = 0.0f;
    }
    for (int64_t t = first; t < last; t++) {
        const uint16_t *key = keys + t * row_stride;
        if (t + SLM_ATTEND_PREFETCH < last) {
            slm_prefetch_span(key + SLM_ATTEND_PREFETCH * row_stride, head_dim * 2);
            slm_prefetch_span(values + (t + SLM_ATTEND_PREFETCH) * row_stride, head_dim * 2);
        }
        for (int64_t i = 0; i < head_dim; i += LANES) vf_store(row + i, vf_from_half(key + i));
        for (int64_t h = 0; h < heads; h++) {
            float score = heads_dot(row, query_half[h], head_dim) * scale;
            if (softcap > 0.0f) score = softcap * tanhf(score / softcap);
            if (slm_softmax_step(score, &running_max[h], &old_scales[h], &weights[h])) {
                const vf factor = vf_set1(old_scales[h]);
                for (int64_t i = 0; i < head_dim; i += LANES)
                    vf_store(accumulator[h] + i, vf_round_half(vf_mul(vf_load(accumulator[h] + i), factor)));
            }
        }
        const uint16_t *value = values + t * row_stride;
        for (int64_t i = 0; i < head_dim; i += LANES) {
            const vf v = vf_from_half(value + i);
            for (int64_t h = 0; h < heads; h++)
                vf_store(accumulator[h] + i, vf_round_half(vf_fma(v, vf_set1(weights[h]), vf_load(accumulator[h] + i))));
        }
        for (int64_t h = 0; h < heads; h++) running_sum[h] = fmaf(running_sum[h], old_scales[h], weights[h]);
    }
    for (int64_t h = 0; h < heads; h++) {
        const float inverse = running_sum[h] > 0.0f ? 1.0f / running_sum[h] : 0.0f;
        for (int64_t i = 0; i < head_dim; i++) out[h * out_stride + i] = accumulator[h][i] * inverse;
    }
    return 0;
}
