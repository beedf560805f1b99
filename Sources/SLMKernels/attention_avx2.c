/* AVX2/F16C version of slm_attend_f16: the same operations on each element as the
 * portable version in ops.c (so results are bit-identical), eight lanes at a time. */
#include <math.h>
#include "blocks.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

SLM_TARGET_BEGIN("avx2,fma,f16c")

static inline __m256 round_to_half(__m256 v) {
    return _mm256_cvtph_ps(_mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT));
}

/* The reference's F16 dot ends by adding its four accumulators of eight lanes so. */
static inline float sum_dot_lanes(__m256 acc[4]) {
    acc[0] = _mm256_add_ps(acc[0], acc[2]);
    acc[1] = _mm256_add_ps(acc[1], acc[3]);
    acc[0] = _mm256_add_ps(acc[0], acc[1]);
    __m128 t = _mm_add_ps(_mm256_castps256_ps128(acc[0]), _mm256_extractf128_ps(acc[0], 1));
    t = _mm_hadd_ps(t, t);
    t = _mm_hadd_ps(t, t);
    return _mm_cvtss_f32(t);
}

/* The reference's F16 dot: four accumulators of eight lanes per 32 values. */
static inline float dot_half_avx2(const uint16_t *key, const float *query, int64_t n) {
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    int64_t i = 0;
    for (; i + 32 <= n; i += 32)
        for (int j = 0; j < 4; j++)
            acc[j] = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(key + i + 8 * j))),
                                     _mm256_loadu_ps(query + i + 8 * j), acc[j]);
    double sum = (double)sum_dot_lanes(acc);
    for (; i < n; i++) sum += (double)(_cvtsh_ss(key[i]) * query[i]);
    return (float)sum;
}

int slm_attend_f16_avx2(const float *query, const uint16_t *keys, const uint16_t *values,
                        int64_t row_stride, int64_t head_dim, int64_t first, int64_t last,
                        float scale, float softcap, float *out) {
    if (head_dim > 1024 || head_dim % 8 != 0) return -1;
    float query_half[1024], accumulator[1024];
    for (int64_t i = 0; i < head_dim; i += 8) {
        _mm256_storeu_ps(query_half + i, round_to_half(_mm256_loadu_ps(query + i)));
        _mm256_storeu_ps(accumulator + i, _mm256_setzero_ps());
    }
    float running_max = -INFINITY, running_sum = 0.0f;
    for (int64_t t = first; t < last; t++) {
        if (t + SLM_ATTEND_PREFETCH < last) {
            slm_prefetch_span(keys + (t + SLM_ATTEND_PREFETCH) * row_stride, head_dim * 2);
            slm_prefetch_span(values + (t + SLM_ATTEND_PREFETCH) * row_stride, head_dim * 2);
        }
        float score = dot_half_avx2(keys + t * row_stride, query_half, head_dim) * scale;
        if (softcap > 0.0f) score = softcap * tanhf(score / softcap);
        float old_scale = 1.0f, weight = 1.0f;
        if (score > running_max) {
            float previous = running_max;
            running_max = score;
            old_scale = slm_expf(previous - running_max);
            const __m256 s = _mm256_set1_ps(old_scale);
            for (int64_t i = 0; i < head_dim; i += 8)
                _mm256_storeu_ps(accumulator + i, round_to_half(_mm256_mul_ps(_mm256_loadu_ps(accumulator + i), s)));
        } else {
            weight = slm_expf(score - running_max);
        }
        const uint16_t *value = values + t * row_stride;
        const __m256 w = _mm256_set1_ps(weight);
        for (int64_t i = 0; i < head_dim; i += 8) {
            __m256 v = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(value + i)));
            _mm256_storeu_ps(accumulator + i, round_to_half(_mm256_fmadd_ps(v, w, _mm256_loadu_ps(accumulator + i))));
        }
        running_sum = fmaf(running_sum, old_scale, weight);
    }
    float inverse = running_sum > 0.0f ? 1.0f / running_sum : 0.0f;
    for (int64_t i = 0; i < head_dim; i++) out[i] = accumulator[i] * inverse;
    return 0;
}

/* The grouped form (slm_attend_f16_heads): the body in attention_heads_body.h, eight lanes,
 * the dot in dot_half_avx2's order. */
static inline float heads_dot(const float *row, const float *query, int64_t head_dim) {
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    for (int64_t i = 0; i < head_dim; i += 32)
        for (int j = 0; j < 4; j++)
            acc[j] = _mm256_fmadd_ps(_mm256_loadu_ps(row + i + 8 * j), _mm256_loadu_ps(query + i + 8 * j), acc[j]);
    return sum_dot_lanes(acc);
}

#define LANES 8
#define ATTEND_HEADS slm_attend_f16_heads_avx2
typedef __m256 vf;
static inline vf vf_zero(void) { return _mm256_setzero_ps(); }
static inline vf vf_load(const float *p) { return _mm256_loadu_ps(p); }
static inline void vf_store(float *p, vf v) { _mm256_storeu_ps(p, v); }
static inline vf vf_set1(float x) { return _mm256_set1_ps(x); }
static inline vf vf_mul(vf a, vf b) { return _mm256_mul_ps(a, b); }
static inline vf vf_fma(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }
static inline vf vf_round_half(vf v) { return round_to_half(v); }
static inline vf vf_from_half(const uint16_t *p) { return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p)); }

#include "attention_heads_body.h"

SLM_TARGET_END

#else
int slm_attend_f16_avx2(const float *query, const uint16_t *keys, const uint16_t *values,
                        int64_t row_stride, int64_t head_dim, int64_t first, int64_t last,
                        float scale, float softcap, float *out) {
    (void)query; (void)keys; (void)values; (void)row_stride; (void)head_dim;
    (void)first; (void)last; (void)scale; (void)softcap; (void)out;
    return -1;
}

int slm_attend_f16_heads_avx2(const float *queries, int64_t query_stride, int64_t heads, const uint16_t *keys,
                              const uint16_t *values, int64_t row_stride, int64_t head_dim, int64_t first,
                              int64_t last, float scale, float softcap, float *out, int64_t out_stride) {
    (void)queries; (void)query_stride; (void)heads; (void)keys; (void)values; (void)row_stride; (void)head_dim;
    (void)first; (void)last; (void)scale; (void)softcap; (void)out; (void)out_stride;
    return -1;
}
#endif
