/* Attention of a block of queries in llama.cpp's tiled single-precision arithmetic, which
 * it uses for batches of 64 positions or more (shorter batches and single tokens use the
 * half-precision arithmetic of slm_attend_f16). Per query: keys in tiles of 64 cache
 * positions; each score a chain of fused multiply-adds over the head's dimensions; an
 * online softmax per tile whose sum runs in 8-value trees added in double precision;
 * each output value a chain of fused multiply-adds over the tile's positions. The
 * portable definition below and the SIMD versions compute exactly the same numbers. */
#include <math.h>
#include "blocks.h"

void slm_attend_tiled_range(const int64_t *positions, int64_t count, int64_t window, int64_t *lo, int64_t *hi) {
    *lo = INT64_MAX;
    *hi = 0;
    for (int64_t q = 0; q < count; q++) {
        int64_t first = window > 0 && positions[q] - window + 1 > 0 ? positions[q] - window + 1 : 0;
        if (first < *lo) *lo = first;
        if (positions[q] + 1 > *hi) *hi = positions[q] + 1;
    }
    if (*lo > *hi) *lo = *hi;
}

double slm_attend_tiled_sum(const float weights[SLM_ATTENTION_TILE]) {
    double sum = 0.0;
    for (int group = 0; group < SLM_ATTENTION_TILE / 8; group++) {
        const float *p = weights + 8 * group;
        float a[4];
        for (int i = 0; i < 4; i++) a[i] = p[i] + p[i + 4];
        sum += (double)((a[0] + a[2]) + (a[1] + a[3]));
    }
    return sum;
}

size_t slm_attend_tiled_workspace(int64_t head_dim, int64_t count, int64_t group) {
    /* lanes rounded up for the widest version (16) */
    int64_t lanes = (count * group + 15) / 16 * 16;
    return (size_t)(head_dim * lanes + SLM_ATTENTION_TILE * lanes + 2 * SLM_ATTENTION_TILE * head_dim + 4 * lanes);
}

void slm_attend_tiled(const float *queries, int64_t query_stride, const int64_t *positions, int64_t count, int64_t group,
                      const uint16_t *keys, const uint16_t *values, int64_t row_stride, int64_t head_dim,
                      int64_t window, float scale, float softcap, float *workspace, float *out, int64_t out_stride) {
    slm_attend_tiled_on_path(slm_active_path(), queries, query_stride, positions, count, group, keys, values, row_stride,
                             head_dim, window, scale, softcap, workspace, out, out_stride);
}

void slm_attend_tiled_on_path(int path, const float *queries, int64_t query_stride, const int64_t *positions,
                              int64_t count, int64_t group, const uint16_t *keys, const uint16_t *values,
                              int64_t row_stride, int64_t head_dim, int64_t window, float scale, float softcap,
                              float *workspace, float *out, int64_t out_stride) {
    if (!slm_path_available(path)) path = SLM_PATH_SCALAR;
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (path == SLM_PATH_AVX512_VNNI &&
        slm_attend_tiled_avx512(queries, query_stride, positions, count, group, keys, values, row_stride, head_dim,
                                window, scale, softcap, workspace, out, out_stride) == 0)
        return;
    if ((path == SLM_PATH_AVX2 || path == SLM_PATH_AVX512_VNNI) &&
        slm_attend_tiled_avx2(queries, query_stride, positions, count, group, keys, values, row_stride, head_dim,
                              window, scale, softcap, workspace, out, out_stride) == 0)
        return;
#elif defined(__aarch64__)
    if ((path == SLM_PATH_NEON || path == SLM_PATH_NEON_DOTPROD) &&
        slm_attend_tiled_neon(queries, query_stride, positions, count, group, keys, values, row_stride, head_dim,
                              window, scale, softcap, workspace, out, out_stride) == 0)
        return;
#endif
    slm_attend_tiled_portable(queries, query_stride, positions, count, group, keys, values, row_stride, head_dim,
                              window, scale, softcap, workspace, out, out_stride);
}

void slm_attend_tiled_portable(const float *queries, int64_t query_stride, const int64_t *positions, int64_t count, int64_t group,
                               const uint16_t *keys, const uint16_t *values, int64_t row_stride, int64_t head_dim,
                               int64_t window, float scale, float softcap, float *workspace, float *out,
                               int64_t out_stride) {
    (void)workspace;
    int64_t lo, hi;
    slm_attend_tiled_range(positions, count, window, &lo, &hi);
    /* the reference folds the softcap into the scale before the tanh */
    const float score_scale = softcap > 0.0f ? scale / softcap : scale;
    for (int64_t q = 0; q < count * group; q++) {
        const float *query = queries + q / group * query_stride + q % group * head_dim;
        const int64_t last = positions[q / group] + 1;
        const int64_t first = window > 0 && last - window > 0 ? last - window : 0;
        float *acc = out + q / group * out_stride + q % group * head_dim;
        for (int64_t d = 0; d < head_dim; d++) acc[d] = 0.0f;
        float running_max = -INFINITY, running_sum = 0.0f;
        for (int64_t start = lo / SLM_ATTENTION_TILE * SLM_ATTENTION_TILE; start < hi; start += SLM_ATTENTION_TILE) {
            const int64_t a = start > lo ? start : lo;
            const int64_t b = start + SLM_ATTENTION_TILE < hi ? start + SLM_ATTENTION_TILE : hi;
            float weights[SLM_ATTENTION_TILE];
            float tile_max = -INFINITY;
            for (int slot = 0; slot < SLM_ATTENTION_TILE; slot++) weights[slot] = -INFINITY;
            for (int64_t t = a; t < b; t++) {
                if (t < first || t >= last) continue;
                const uint16_t *key = keys + t * row_stride;
                float dot = 0.0f;
                for (int64_t d = 0; d < head_dim; d++) dot = fmaf(slm_fp16_to_fp32(key[d]), query[d], dot);
                float score = dot * score_scale;
                if (softcap > 0.0f) score = softcap * tanhf(score);
                weights[t - start] = score;
                tile_max = fmaxf(tile_max, score);
            }
            if (tile_max == -INFINITY) continue;
            const float new_max = fmaxf(running_max, tile_max);
            if (new_max > running_max) {
                const float shrink = slm_expf(running_max - new_max);
                for (int64_t d = 0; d < head_dim; d++) acc[d] *= shrink;
                running_sum *= shrink;
            }
            running_max = new_max;
            for (int slot = 0; slot < SLM_ATTENTION_TILE; slot++)
                weights[slot] = weights[slot] == -INFINITY ? 0.0f : slm_expf(weights[slot] - running_max);
            running_sum = (float)((double)running_sum + slm_attend_tiled_sum(weights));
            for (int64_t t = a; t < b; t++) {
                const uint16_t *value = values + t * row_stride;
                const float w = weights[t - start];
                for (int64_t d = 0; d < head_dim; d++) acc[d] = fmaf(slm_fp16_to_fp32(value[d]), w, acc[d]);
            }
        }
        const float inverse = running_sum == 0.0f ? 0.0f : 1.0f / running_sum;
        for (int64_t d = 0; d < head_dim; d++) acc[d] *= inverse;
    }
}
