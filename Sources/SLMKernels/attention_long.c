/* A generated token's attention over a long context in single precision (slm_attend_long).
 * The reference's one-token arithmetic (slm_attend_f16) rounds its value accumulator to half
 * precision after every position and takes one exponential per position and head, a chain
 * no vector unit can shorten: at 4,096 positions it was half of a token's time. Here each
 * tile of positions is scored for all of a head's positions at once, weighted by one vector
 * exponential, and summed into single-precision accumulators. The portable definition below
 * fixes every rounding step; the SIMD versions (attention_long_body.h) take the same ones. */
#include <math.h>
#include "blocks.h"

float slm_attend_long_exp(float x) { return slm_softmax_exp(x); }

void slm_attend_long(const float *queries, int64_t query_stride, int64_t heads, const uint16_t *keys,
                     const uint16_t *values, int64_t row_stride, int64_t head_dim, int64_t first, int64_t last,
                     float scale, float softcap, float *out, int64_t out_stride) {
    slm_attend_long_on_path(slm_active_path(), queries, query_stride, heads, keys, values, row_stride, head_dim, first,
                            last, scale, softcap, out, out_stride);
}

void slm_attend_long_on_path(int path, const float *queries, int64_t query_stride, int64_t heads,
                             const uint16_t *keys, const uint16_t *values, int64_t row_stride, int64_t head_dim,
                             int64_t first, int64_t last, float scale, float softcap, float *out, int64_t out_stride) {
    if (!slm_path_available(path)) path = SLM_PATH_SCALAR;
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    /* AVX-512 runs the eight-lane version: the numbers are fixed by eight partial sums */
    if ((path == SLM_PATH_AVX2 || path == SLM_PATH_AVX512_VNNI) &&
        slm_attend_long_avx2(queries, query_stride, heads, keys, values, row_stride, head_dim, first, last, scale,
                             softcap, out, out_stride) == 0)
        return;
#elif defined(__aarch64__)
    if ((path == SLM_PATH_NEON || path == SLM_PATH_NEON_DOTPROD) &&
        slm_attend_long_neon(queries, query_stride, heads, keys, values, row_stride, head_dim, first, last, scale,
                             softcap, out, out_stride) == 0)
        return;
#endif
    slm_attend_long_portable(queries, query_stride, heads, keys, values, row_stride, head_dim, first, last, scale,
                             softcap, out, out_stride);
}

/* q . k in eight partial sums (dimension d in sum d % 8), added by slm_long_sum8's tree. */
static float long_dot(const uint16_t *key, const float *query, int64_t head_dim) {
    float partial[8] = {0};
    for (int64_t d = 0; d < head_dim; d += 8)
        for (int k = 0; k < 8; k++) partial[k] = fmaf(slm_fp16_to_fp32(key[d + k]), query[d + k], partial[k]);
    return slm_long_sum8(partial);
}

void slm_attend_long_portable(const float *queries, int64_t query_stride, int64_t heads, const uint16_t *keys,
                              const uint16_t *values, int64_t row_stride, int64_t head_dim, int64_t first,
                              int64_t last, float scale, float softcap, float *out, int64_t out_stride) {
    for (int64_t h = 0; h < heads; h++) {
        const float *query = queries + h * query_stride;
        float *acc = out + h * out_stride;
        for (int64_t d = 0; d < head_dim; d++) acc[d] = 0.0f;
        float running_max = -INFINITY, running_sum = 0.0f;
        for (int64_t start = first; start < last; start += SLM_LONG_TILE) {
            const int64_t count = last - start < SLM_LONG_TILE ? last - start : SLM_LONG_TILE;
            float weights[SLM_LONG_TILE];
            float tile_max = -INFINITY;
            for (int64_t j = 0; j < count; j++) {
                float score = long_dot(keys + (start + j) * row_stride, query, head_dim) * scale;
                if (softcap > 0.0f) score = softcap * tanhf(score / softcap);
                weights[j] = score;
                tile_max = fmaxf(tile_max, score);
            }
            if (tile_max == -INFINITY) continue;
            if (tile_max > running_max) {
                if (running_max != -INFINITY) {
                    const float shrink = slm_softmax_exp(running_max - tile_max);
                    for (int64_t d = 0; d < head_dim; d++) acc[d] *= shrink;
                    running_sum *= shrink;
                }
                running_max = tile_max;
            }
            /* the tile's sum: position j in partial sum j % 8, then the tree */
            float partial[8] = {0};
            for (int64_t j = 0; j < count; j++) {
                weights[j] = slm_softmax_exp(weights[j] - running_max);
                partial[j % 8] += weights[j];
            }
            running_sum += slm_long_sum8(partial);
            for (int64_t j = 0; j < count; j++) {
                const uint16_t *value = values + (start + j) * row_stride;
                for (int64_t d = 0; d < head_dim; d++) acc[d] = fmaf(slm_fp16_to_fp32(value[d]), weights[j], acc[d]);
            }
        }
        const float inverse = running_sum > 0.0f ? 1.0f / running_sum : 0.0f;
        for (int64_t d = 0; d < head_dim; d++) acc[d] *= inverse;
    }
}
