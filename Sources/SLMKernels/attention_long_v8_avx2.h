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
static inline float float_from_half(uint16_t h) { return _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(h))); }
static inline v8 v8_from_q8(const int8_t *p, float d) {
    return _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)p))), _mm256_set1_ps(d));
}
static inline float v8_max_lanes(v8 v) {
    const __m128 four = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    const __m128 two = _mm_max_ps(four, _mm_movehl_ps(four, four));
    return _mm_cvtss_f32(_mm_max_ss(two, _mm_movehdup_ps(two)));
}
/* two horizontal adds give each half ((p0 + p1) + (p2 + p3)) and ((p4 + p5) + (p6 + p7)) */
static inline float v8_sum_lanes(v8 v) {
    const __m256 pairs = _mm256_hadd_ps(v, v);
    const __m256 fours = _mm256_hadd_ps(pairs, pairs);
    return _mm_cvtss_f32(_mm_add_ss(_mm256_castps256_ps128(fours), _mm256_extractf128_ps(fours, 1)));
}
/* Each row's 32 products in eight 32-bit sums (maddubs takes an unsigned operand: the key's
 * magnitude, with its sign moved onto the query), four rows' sums to one vector's halves by
 * two rounds of horizontal adds, the halves added: exact integers, then floats. */
static inline __m256i q8_row_sums(const int8_t *key, __m256i query) {
    const __m256i k = _mm256_loadu_si256((const __m256i *)key);
    const __m256i pairs = _mm256_maddubs_epi16(_mm256_sign_epi8(k, k), _mm256_sign_epi8(query, k));
    return _mm256_madd_epi16(pairs, _mm256_set1_epi16(1));
}
static inline v8 v8_q8_sums(const int8_t *keys, int64_t row_bytes, const int8_t *query) {
    const __m256i q = _mm256_loadu_si256((const __m256i *)query);
    __m256i s[8];
    for (int i = 0; i < 8; i++) s[i] = q8_row_sums(keys + i * row_bytes, q);
    const __m256i low = _mm256_hadd_epi32(_mm256_hadd_epi32(s[0], s[1]), _mm256_hadd_epi32(s[2], s[3]));
    const __m256i high = _mm256_hadd_epi32(_mm256_hadd_epi32(s[4], s[5]), _mm256_hadd_epi32(s[6], s[7]));
    return _mm256_cvtepi32_ps(_mm256_add_epi32(_mm256_permute2x128_si256(low, high, 0x20),
                                               _mm256_permute2x128_si256(low, high, 0x31)));
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
