/* AVX2 conversion of activation rows to Q8_0, Q8_K and F16: the same steps as the portable
 * versions in convert.c on every value (maximum magnitude, one product, rounding to
 * nearest even), eight values at a time, so the bytes are identical. */
#include <math.h>
#include "blocks.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

SLM_TARGET_BEGIN("avx2,fma,f16c")

static inline __m256 magnitude(__m256 v) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), v); }

static inline float horizontal_max(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

static inline __m256i rounded(__m256 v, __m256 scale) {
    return _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v, scale), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

/* Four vectors of int32 (each within int8 range) -> 32 bytes in order. */
static inline __m256i pack_bytes(__m256i a, __m256i b, __m256i c, __m256i d) {
    __m256i bytes = _mm256_packs_epi16(_mm256_packs_epi32(a, b), _mm256_packs_epi32(c, d));
    return _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

void slm_quantize_q8_0_avx2(const float *x, void *out, int64_t nb) {
    block_q8_0 *y = out;
    for (int64_t i = 0; i < nb; i++, x += SLM_QK) {
        __m256 v[4];
        for (int k = 0; k < 4; k++) v[k] = _mm256_loadu_ps(x + 8 * k);
        const float amax = horizontal_max(_mm256_max_ps(_mm256_max_ps(magnitude(v[0]), magnitude(v[1])),
                                                        _mm256_max_ps(magnitude(v[2]), magnitude(v[3]))));
        const float d = amax / 127.0f;
        const __m256 id = _mm256_set1_ps(amax != 0.0f ? 127.0f / amax : 0.0f);
        y[i].d = slm_fp32_to_fp16(d);
        _mm256_storeu_si256((__m256i *)y[i].qs,
                            pack_bytes(rounded(v[0], id), rounded(v[1], id), rounded(v[2], id), rounded(v[3], id)));
    }
}

static inline int horizontal_sum_i32(__m256i v) {
    __m128i sum = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, 0x4E));
    sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, 0xB1));
    return _mm_cvtsi128_si32(sum);
}

void slm_quantize_q8_K_avx2(const float *x, void *out, int64_t nb) {
    block_q8_K *y = out;
    for (int64_t i = 0; i < nb; i++, x += SLM_QK_K) {
        __m256 largest = _mm256_setzero_ps();
        for (int k = 0; k < SLM_QK_K / 8; k++) largest = _mm256_max_ps(largest, magnitude(_mm256_loadu_ps(x + 8 * k)));
        const float amax = horizontal_max(largest);
        if (amax == 0.0f) {
            memset(&y[i], 0, sizeof y[i]);
            continue;
        }
        /* the first value of that magnitude, with its sign */
        float extreme = 0.0f;
        const __m256 target = _mm256_set1_ps(amax);
        for (int k = 0; k < SLM_QK_K / 8; k++) {
            int hits = _mm256_movemask_ps(_mm256_cmp_ps(magnitude(_mm256_loadu_ps(x + 8 * k)), target, _CMP_EQ_OQ));
            if (hits) {
                extreme = x[8 * k + __builtin_ctz((unsigned)hits)];
                break;
            }
        }
        const float iscale = -127.0f / extreme;
        const __m256 scale = _mm256_set1_ps(iscale);
        const __m256i limit = _mm256_set1_epi32(127);
        for (int g = 0; g < SLM_QK_K / 32; g++) {
            __m256i q[4];
            for (int k = 0; k < 4; k++) q[k] = _mm256_min_epi32(rounded(_mm256_loadu_ps(x + 32 * g + 8 * k), scale), limit);
            _mm256_storeu_si256((__m256i *)(y[i].qs + 32 * g), pack_bytes(q[0], q[1], q[2], q[3]));
            y[i].bsums[2 * g] = (int16_t)horizontal_sum_i32(_mm256_add_epi32(q[0], q[1]));
            y[i].bsums[2 * g + 1] = (int16_t)horizontal_sum_i32(_mm256_add_epi32(q[2], q[3]));
        }
        y[i].d = 1.0f / iscale;
    }
}

void slm_quantize_f16_avx2(const float *x, uint16_t *out, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128((__m128i *)(out + i), _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
    for (; i < n; i++) out[i] = slm_fp32_to_fp16(x[i]);
}

SLM_TARGET_END

#else
void slm_quantize_q8_0_avx2(const float *x, void *out, int64_t nb) { (void)x; (void)out; (void)nb; }
void slm_quantize_q8_K_avx2(const float *x, void *out, int64_t nb) { (void)x; (void)out; (void)nb; }
void slm_quantize_f16_avx2(const float *x, uint16_t *out, int64_t n) {
    for (int64_t i = 0; i < n; i++) out[i] = slm_fp32_to_fp16(x[i]);
}
#endif
