/* One query head against a Q8_0 key/value cache, in the arithmetic of llama.cpp's CPU
 * flash attention for a quantized cache (its `-ctk q8_0 -ctv q8_0`): the query is
 * converted to Q8_0 and dotted with each key by the Q8_0 dot product, the softmax runs
 * online, and each value row is dequantized to floats and added into a single-precision
 * accumulator with a fused multiply-add. */
#include <math.h>
#include "dispatch.h"

enum { MAX_HEAD = 1024, MAX_GROUP = 8 };

/* row[i] = d * q[i]: one Q8_0 row of n values as floats, as the reference dequantizes it. */
static void dequantize_row_portable(const block_q8_0 *row, int64_t n, float *out) {
    for (int64_t b = 0; b < n / SLM_QK; b++) {
        const float d = slm_fp16_to_fp32(row[b].d);
        for (int j = 0; j < SLM_QK; j++) out[b * SLM_QK + j] = (float)row[b].qs[j] * d;
    }
}

/* acc[i] = fma(value[i], weight, acc[i]). */
static void accumulate_portable(float *acc, const float *value, int64_t n, float weight) {
    for (int64_t i = 0; i < n; i++) acc[i] = fmaf(value[i], weight, acc[i]);
}

static void scale_portable(float *acc, int64_t n, float factor) {
    for (int64_t i = 0; i < n; i++) acc[i] *= factor;
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
SLM_TARGET_BEGIN("avx2,fma,f16c")
static void dequantize_row_avx2(const block_q8_0 *row, int64_t n, float *out) {
    for (int64_t b = 0; b < n / SLM_QK; b++) {
        const __m256 d = _mm256_set1_ps(_cvtsh_ss(row[b].d));
        for (int j = 0; j < SLM_QK; j += 8) {
            const __m128i bytes = _mm_loadl_epi64((const __m128i *)(row[b].qs + j));
            _mm256_storeu_ps(out + b * SLM_QK + j, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(bytes)), d));
        }
    }
}

static void accumulate_avx2(float *acc, const float *value, int64_t n, float weight) {
    const __m256 w = _mm256_set1_ps(weight);
    for (int64_t i = 0; i < n; i += 8)
        _mm256_storeu_ps(acc + i, _mm256_fmadd_ps(_mm256_loadu_ps(value + i), w, _mm256_loadu_ps(acc + i)));
}

static void scale_avx2(float *acc, int64_t n, float factor) {
    const __m256 f = _mm256_set1_ps(factor);
    for (int64_t i = 0; i < n; i += 8) _mm256_storeu_ps(acc + i, _mm256_mul_ps(_mm256_loadu_ps(acc + i), f));
}
SLM_TARGET_END
#endif

/* Up to MAX_GROUP heads at a time: each cached row is read (and each value row
 * dequantized) once for all of them; every head takes the one-head steps. */
static void attend_group(int path, int vector, const float *queries, int64_t query_stride, int64_t heads,
                         const void *keys, const void *values, size_t row_bytes, int64_t head_dim, int64_t first,
                         int64_t last, float scale, float softcap, float *out, int64_t out_stride) {
    (void)vector;
    block_q8_0 query_q8[MAX_GROUP][MAX_HEAD / SLM_QK];
    float accumulator[MAX_GROUP][MAX_HEAD], value_row[MAX_HEAD];
    float running_max[MAX_GROUP], running_sum[MAX_GROUP], weights[MAX_GROUP], old_scales[MAX_GROUP];
    for (int64_t h = 0; h < heads; h++) {
        slm_quantize_row(SLM_TYPE_Q8_0, queries + h * query_stride, query_q8[h], head_dim);
        for (int64_t i = 0; i < head_dim; i++) accumulator[h][i] = 0.0f;
        running_max[h] = -INFINITY;
        running_sum[h] = 0.0f;
    }
    /* the reference folds the soft cap into the scale: s = cap * tanh(dot * scale / cap) */
    const float dot_scale = softcap > 0.0f ? scale / softcap : scale;
    const int64_t head_bytes = head_dim / SLM_QK * (int64_t)sizeof(block_q8_0);
    for (int64_t t = first; t < last; t++) {
        const block_q8_0 *key = (const block_q8_0 *)((const uint8_t *)keys + t * row_bytes);
        if (t + SLM_ATTEND_PREFETCH < last) {
            slm_prefetch_span((const uint8_t *)key + SLM_ATTEND_PREFETCH * row_bytes, head_bytes);
            slm_prefetch_span((const uint8_t *)values + (t + SLM_ATTEND_PREFETCH) * row_bytes, head_bytes);
        }
        for (int64_t h = 0; h < heads; h++) {
            float score = slm_vec_dot_on_path(path, SLM_TYPE_Q8_0, head_dim, key, query_q8[h]) * dot_scale;
            if (softcap > 0.0f) score = softcap * tanhf(score);
            if (slm_softmax_step(score, &running_max[h], &old_scales[h], &weights[h])) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
                if (vector) scale_avx2(accumulator[h], head_dim, old_scales[h]);
                else
#endif
                    scale_portable(accumulator[h], head_dim, old_scales[h]);
            }
        }
        const block_q8_0 *value = (const block_q8_0 *)((const uint8_t *)values + t * row_bytes);
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
        if (vector) dequantize_row_avx2(value, head_dim, value_row);
        else
#endif
            dequantize_row_portable(value, head_dim, value_row);
        for (int64_t h = 0; h < heads; h++) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
            if (vector) accumulate_avx2(accumulator[h], value_row, head_dim, weights[h]);
            else
#endif
                accumulate_portable(accumulator[h], value_row, head_dim, weights[h]);
            running_sum[h] = fmaf(running_sum[h], old_scales[h], weights[h]);
        }
    }
    for (int64_t h = 0; h < heads; h++) {
        const float inverse = running_sum[h] > 0.0f ? 1.0f / running_sum[h] : 0.0f;
        for (int64_t i = 0; i < head_dim; i++) out[h * out_stride + i] = accumulator[h][i] * inverse;
    }
}

void slm_attend_q8_0_on_path(int path, const float *queries, int64_t query_stride, int64_t heads, const void *keys,
                             const void *values, size_t row_bytes, int64_t head_dim, int64_t first, int64_t last,
                             float scale, float softcap, float *out, int64_t out_stride) {
    if (head_dim % SLM_QK != 0 || head_dim > MAX_HEAD) {
        for (int64_t h = 0; h < heads; h++)
            for (int64_t i = 0; i < head_dim; i++) out[h * out_stride + i] = NAN;
        return;
    }
    int vector = 0;
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    vector = (path == SLM_PATH_AVX2 || path == SLM_PATH_AVX512_VNNI) && slm_path_available(path);
#endif
    for (int64_t h = 0; h < heads; h += MAX_GROUP) {
        const int64_t count = heads - h < MAX_GROUP ? heads - h : MAX_GROUP;
        attend_group(path, vector, queries + h * query_stride, query_stride, count, keys, values, row_bytes, head_dim,
                     first, last, scale, softcap, out + h * out_stride, out_stride);
    }
}

void slm_attend_q8_0(const float *queries, int64_t query_stride, int64_t heads, const void *keys, const void *values,
                     size_t row_bytes, int64_t head_dim, int64_t first, int64_t last, float scale, float softcap,
                     float *out, int64_t out_stride) {
    slm_attend_q8_0_on_path(slm_active_path(), queries, query_stride, heads, keys, values, row_bytes, head_dim, first,
                            last, scale, softcap, out, out_stride);
}
