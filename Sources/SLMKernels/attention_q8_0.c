/* One query head against a Q8_0 key/value cache, in the arithmetic of llama.cpp's CPU
 * flash attention for a quantized cache (its `-ctk q8_0 -ctv q8_0`): the query is
 * converted to Q8_0 and dotted with each key by the Q8_0 dot product, the softmax runs
 * online, and each value row is dequantized to floats and added into a single-precision
 * accumulator with a fused multiply-add. */
#include <math.h>
#include "dispatch.h"

enum { MAX_HEAD = 1024 };

/* acc[i] = fma(d * q[i], weight, acc[i]) over one Q8_0 row of n values. */
static void accumulate_row_portable(float *acc, const block_q8_0 *row, int64_t n, float weight) {
    for (int64_t b = 0; b < n / SLM_QK; b++) {
        const float d = slm_fp16_to_fp32(row[b].d);
        for (int j = 0; j < SLM_QK; j++) {
            const float value = (float)row[b].qs[j] * d;
            acc[b * SLM_QK + j] = fmaf(value, weight, acc[b * SLM_QK + j]);
        }
    }
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
SLM_TARGET_BEGIN("avx2,fma,f16c")
static void accumulate_row_avx2(float *acc, const block_q8_0 *row, int64_t n, float weight) {
    const __m256 w = _mm256_set1_ps(weight);
    for (int64_t b = 0; b < n / SLM_QK; b++) {
        const __m256 d = _mm256_set1_ps(_cvtsh_ss(row[b].d));
        for (int j = 0; j < SLM_QK; j += 8) {
            const __m128i bytes = _mm_loadl_epi64((const __m128i *)(row[b].qs + j));
            const __m256 value = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(bytes)), d);
            float *a = acc + b * SLM_QK + j;
            _mm256_storeu_ps(a, _mm256_fmadd_ps(value, w, _mm256_loadu_ps(a)));
        }
    }
}

static void scale_avx2(float *acc, int64_t n, float factor) {
    const __m256 f = _mm256_set1_ps(factor);
    for (int64_t i = 0; i < n; i += 8) _mm256_storeu_ps(acc + i, _mm256_mul_ps(_mm256_loadu_ps(acc + i), f));
}
SLM_TARGET_END
#endif

void slm_attend_q8_0_on_path(int path, const float *query, const void *keys, const void *values, size_t row_bytes,
                             int64_t head_dim, int64_t first, int64_t last, float scale, float softcap,
                             float *out) {
    if (head_dim % SLM_QK != 0 || head_dim > MAX_HEAD) {
        for (int64_t i = 0; i < head_dim; i++) out[i] = NAN;
        return;
    }
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    const int vector = (path == SLM_PATH_AVX2 || path == SLM_PATH_AVX512_VNNI) && slm_path_available(path);
#endif
    block_q8_0 query_q8[MAX_HEAD / SLM_QK];
    float accumulator[MAX_HEAD];
    slm_quantize_row(SLM_TYPE_Q8_0, query, query_q8, head_dim);
    for (int64_t i = 0; i < head_dim; i++) accumulator[i] = 0.0f;
    /* the reference folds the soft cap into the scale: s = cap * tanh(dot * scale / cap) */
    const float dot_scale = softcap > 0.0f ? scale / softcap : scale;
    float running_max = -INFINITY, running_sum = 0.0f;
    for (int64_t t = first; t < last; t++) {
        const block_q8_0 *key = (const block_q8_0 *)((const uint8_t *)keys + t * row_bytes);
        float score = slm_vec_dot_on_path(path, SLM_TYPE_Q8_0, head_dim, key, query_q8) * dot_scale;
        if (softcap > 0.0f) score = softcap * tanhf(score);
        float old_scale = 1.0f, weight = 1.0f;
        if (score > running_max) {
            const float previous = running_max;
            running_max = score;
            old_scale = expf(previous - running_max);
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
            if (vector) scale_avx2(accumulator, head_dim, old_scale);
            else
#endif
                for (int64_t i = 0; i < head_dim; i++) accumulator[i] *= old_scale;
        } else {
            weight = expf(score - running_max);
        }
        const block_q8_0 *value = (const block_q8_0 *)((const uint8_t *)values + t * row_bytes);
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
        if (vector) accumulate_row_avx2(accumulator, value, head_dim, weight);
        else
#endif
            accumulate_row_portable(accumulator, value, head_dim, weight);
        running_sum = fmaf(running_sum, old_scale, weight);
    }
    const float inverse = running_sum > 0.0f ? 1.0f / running_sum : 0.0f;
    for (int64_t i = 0; i < head_dim; i++) out[i] = accumulator[i] * inverse;
}

void slm_attend_q8_0(const float *query, const void *keys, const void *values, size_t row_bytes, int64_t head_dim,
                     int64_t first, int64_t last, float scale, float softcap, float *out) {
    slm_attend_q8_0_on_path(slm_active_path(), query, keys, values, row_bytes, head_dim, first, last, scale, softcap,
                            out);
}
