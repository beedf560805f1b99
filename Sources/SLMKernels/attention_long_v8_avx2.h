/* The eight-lane vector operations of attention_long_body.h in AVX2/FMA/F16C, for the AVX2
 * and AVX-512 versions of slm_attend_long (included inside their target regions). */
#ifndef SLM_ATTENTION_LONG_V8_AVX2_H
#define SLM_ATTENTION_LONG_V8_AVX2_H

typedef __m256 v8;
static inline v8 v8_zero(void) { return _mm256_setzero_ps(); }
static inline v8 v8_load(const float *p) { return _mm256_loadu_ps(p); }
static inline void v8_store(float *p, v8 v) { _mm256_storeu_ps(p, v); }
static inline v8 v8_set1(float x) { return _mm256_set1_ps(x); }
static inline v8 v8_fma(v8 a, v8 b, v8 c) { return _mm256_fmadd_ps(a, b, c); }
static inline v8 v8_mul(v8 a, v8 b) { return _mm256_mul_ps(a, b); }
static inline v8 v8_add(v8 a, v8 b) { return _mm256_add_ps(a, b); }
static inline v8 v8_sub(v8 a, v8 b) { return _mm256_sub_ps(a, b); }
/* maxps gives its second operand when either is NaN */
static inline v8 v8_max_number(v8 a, v8 b) { return _mm256_max_ps(a, b); }
static inline v8 v8_from_half(const uint16_t *p) { return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p)); }
static inline v8 v8_from_q8(const int8_t *p, float d) {
    return _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)p))), _mm256_set1_ps(d));
}
/* Two rounds of horizontal adds give each 128-bit half the pairs' sums of four vectors;
 * adding the halves finishes slm_long_sum8's tree. */
static inline v8 v8_sum8(const v8 acc[8]) {
    const __m256 low = _mm256_hadd_ps(_mm256_hadd_ps(acc[0], acc[1]), _mm256_hadd_ps(acc[2], acc[3]));
    const __m256 high = _mm256_hadd_ps(_mm256_hadd_ps(acc[4], acc[5]), _mm256_hadd_ps(acc[6], acc[7]));
    return _mm256_add_ps(_mm256_permute2f128_ps(low, high, 0x20), _mm256_permute2f128_ps(low, high, 0x31));
}
static inline v8 v8_power2(v8 n) {
    const __m256i exponent = _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127));
    return _mm256_castsi256_ps(_mm256_slli_epi32(exponent, 23));
}
static inline v8 v8_keep_at_least(v8 a, v8 x, float limit) {
    return _mm256_and_ps(a, _mm256_cmp_ps(x, _mm256_set1_ps(limit), _CMP_GE_OQ));
}
static inline v8 v8_hide_from(v8 a, int64_t count) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i hidden = _mm256_cmpgt_epi32(lane, _mm256_set1_epi32((int32_t)(count < 8 ? count : 8) - 1));
    return _mm256_blendv_ps(a, _mm256_set1_ps(-INFINITY), _mm256_castsi256_ps(hidden));
}

#endif
