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
    if (path == SLM_PATH_AVX512_VNNI &&
        slm_attend_long_avx512(queries, query_stride, heads, keys, values, row_stride, head_dim, first, last, scale,
                               softcap, out, out_stride) == 0)
        return;
    if (path == SLM_PATH_AVX2 &&
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

void slm_attend_long_q8_0(const float *queries, int64_t query_stride, int64_t heads, const void *keys,
                          const void *values, size_t row_bytes, int64_t head_dim, int64_t first, int64_t last,
                          float scale, float softcap, float *out, int64_t out_stride) {
    slm_attend_long_q8_0_on_path(slm_active_path(), queries, query_stride, heads, keys, values, row_bytes, head_dim,
                                 first, last, scale, softcap, out, out_stride);
}

void slm_attend_long_q8_0_on_path(int path, const float *queries, int64_t query_stride, int64_t heads,
                                  const void *keys, const void *values, size_t row_bytes, int64_t head_dim,
                                  int64_t first, int64_t last, float scale, float softcap, float *out,
                                  int64_t out_stride) {
    if (!slm_path_available(path)) path = SLM_PATH_SCALAR;
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (path == SLM_PATH_AVX512_VNNI &&
        slm_attend_long_q8_0_avx512(queries, query_stride, heads, keys, values, row_bytes, head_dim, first, last,
                                    scale, softcap, out, out_stride) == 0)
        return;
    if (path == SLM_PATH_AVX2 &&
        slm_attend_long_q8_0_avx2(queries, query_stride, heads, keys, values, row_bytes, head_dim, first, last, scale,
                                  softcap, out, out_stride) == 0)
        return;
#elif defined(__aarch64__)
    if ((path == SLM_PATH_NEON || path == SLM_PATH_NEON_DOTPROD) &&
        slm_attend_long_q8_0_neon(queries, query_stride, heads, keys, values, row_bytes, head_dim, first, last, scale,
                                  softcap, out, out_stride) == 0)
        return;
#endif
    slm_attend_long_q8_0_portable(queries, query_stride, heads, keys, values, row_bytes, head_dim, first, last, scale,
                                  softcap, out, out_stride);
}

/* Cached row t as floats: F16 values, or Q8_0 blocks (q8 != 0) whose values are d * q. */
static void long_row(const char *rows, int64_t row_bytes, int q8, int64_t t, int64_t head_dim, float *dest) {
    if (q8) {
        const block_q8_0 *blocks = (const block_q8_0 *)(rows + t * row_bytes);
        for (int64_t d = 0; d < head_dim; d++)
            dest[d] = (float)blocks[d / SLM_QK].qs[d % SLM_QK] * slm_fp16_to_fp32(blocks[d / SLM_QK].d);
    } else {
        const uint16_t *row = (const uint16_t *)(rows + t * row_bytes);
        for (int64_t d = 0; d < head_dim; d++) dest[d] = slm_fp16_to_fp32(row[d]);
    }
}

/* A Q8_0 key against a Q8_0 query: each block's exact integer sum of products, times the
 * key's scale times the query's, added in block order by fused multiply-adds. */
static float long_dot_q8_0(const block_q8_0 *key, const block_q8_0 *query, int64_t head_dim) {
    float dot = 0.0f;
    for (int64_t b = 0; b < head_dim / SLM_QK; b++) {
        int32_t sum = 0;
        for (int j = 0; j < SLM_QK; j++) sum += key[b].qs[j] * query[b].qs[j];
        dot = fmaf((float)sum, slm_fp16_to_fp32(key[b].d) * slm_fp16_to_fp32(query[b].d), dot);
    }
    return dot;
}

/* q . k in eight partial sums (dimension d in sum d % 8), added by slm_long_sum8's tree. */
static float long_dot(const float *key, const float *query, int64_t head_dim) {
    float partial[8] = {0};
    for (int64_t d = 0; d < head_dim; d += 8)
        for (int k = 0; k < 8; k++) partial[k] = fmaf(key[d + k], query[d + k], partial[k]);
    return slm_long_sum8(partial);
}

static void attend_long_portable(const float *queries, int64_t query_stride, int64_t heads, const char *keys,
                                 const char *values, int64_t row_bytes, int q8, int64_t head_dim, int64_t first,
                                 int64_t last, float scale, float softcap, float *out, int64_t out_stride) {
    float *row = slm_thread_scratch((size_t)head_dim * sizeof(float) + (size_t)head_dim / SLM_QK * sizeof(block_q8_0));
    block_q8_0 *query_q8 = (block_q8_0 *)(row + head_dim);
    for (int64_t h = 0; h < heads; h++) {
        const float *query = queries + h * query_stride;
        if (q8) slm_quantize_row_portable(SLM_TYPE_Q8_0, query, query_q8, head_dim);
        float *acc = out + h * out_stride;
        for (int64_t d = 0; d < head_dim; d++) acc[d] = 0.0f;
        float running_max = -INFINITY, running_sum = 0.0f;
        for (int64_t start = first; start < last; start += SLM_LONG_TILE) {
            const int64_t count = last - start < SLM_LONG_TILE ? last - start : SLM_LONG_TILE;
            float weights[SLM_LONG_TILE];
            float tile_max = -INFINITY;
            for (int64_t j = 0; j < count; j++) {
                float score;
                if (q8) {
                    score = long_dot_q8_0((const block_q8_0 *)(keys + (start + j) * row_bytes), query_q8, head_dim);
                } else {
                    long_row(keys, row_bytes, q8, start + j, head_dim, row);
                    score = long_dot(row, query, head_dim);
                }
                score *= scale;
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
                long_row(values, row_bytes, q8, start + j, head_dim, row);
                for (int64_t d = 0; d < head_dim; d++) acc[d] = fmaf(row[d], weights[j], acc[d]);
            }
        }
        const float inverse = running_sum > 0.0f ? 1.0f / running_sum : 0.0f;
        for (int64_t d = 0; d < head_dim; d++) acc[d] *= inverse;
    }
}

void slm_attend_long_portable(const float *queries, int64_t query_stride, int64_t heads, const uint16_t *keys,
                              const uint16_t *values, int64_t row_stride, int64_t head_dim, int64_t first,
                              int64_t last, float scale, float softcap, float *out, int64_t out_stride) {
    attend_long_portable(queries, query_stride, heads, (const char *)keys, (const char *)values, row_stride * 2, 0,
                         head_dim, first, last, scale, softcap, out, out_stride);
}

void slm_attend_long_q8_0_portable(const float *queries, int64_t query_stride, int64_t heads, const void *keys,
                                   const void *values, size_t row_bytes, int64_t head_dim, int64_t first,
                                   int64_t last, float scale, float softcap, float *out, int64_t out_stride) {
    attend_long_portable(queries, query_stride, heads, keys, values, (int64_t)row_bytes, 1, head_dim, first, last,
                         scale, softcap, out, out_stride);
}
