/* slm_expf on eight floats with AVX2 and FMA (each value widened to double and taken through
 * the same steps, so every lane equals slm_expf). Included inside an AVX2/FMA target region
 * after libm_expf.h. */

/* The main method on four values already in double precision. */
static inline __m256d slm_expf_main_avx2(__m256d x) {
    const __m256d inverse = _mm256_set1_pd(SLM_EXPF_INV_LN2_32), shift = _mm256_set1_pd(SLM_EXPF_SHIFT);
    const __m256d shifted = _mm256_fmadd_pd(inverse, x, shift);
    const __m256i k = _mm256_castpd_si256(shifted);
    const __m256d r = _mm256_fmsub_pd(inverse, x, _mm256_sub_pd(shifted, shift));
    const __m256i entry = _mm256_i64gather_epi64((const long long *)slm_expf_table,
                                                 _mm256_and_si256(k, _mm256_set1_epi64x(31)), 8);
    const __m256d scale = _mm256_castsi256_pd(_mm256_add_epi64(entry, _mm256_slli_epi64(k, 47)));
    const __m256d z = _mm256_fmadd_pd(_mm256_set1_pd(SLM_EXPF_C0), r, _mm256_set1_pd(SLM_EXPF_C1));
    const __m256d y = _mm256_fmadd_pd(z, _mm256_mul_pd(r, r),
                                      _mm256_fmadd_pd(r, _mm256_set1_pd(SLM_EXPF_C2), _mm256_set1_pd(1.0)));
    return _mm256_mul_pd(y, scale);
}

/* slm_expf of each lane. */
static inline __m256 slm_expf_avx2(__m256 x) {
    const __m128 low = _mm256_cvtpd_ps(slm_expf_main_avx2(_mm256_cvtps_pd(_mm256_castps256_ps128(x))));
    const __m128 high = _mm256_cvtpd_ps(slm_expf_main_avx2(_mm256_cvtps_pd(_mm256_extractf128_ps(x, 1))));
    __m256 y = _mm256_insertf128_ps(_mm256_castps128_ps256(low), high, 1);
    /* the edges, later ones overriding: -infinity is below the underflow bound */
    y = _mm256_blendv_ps(y, _mm256_set1_ps(INFINITY), _mm256_cmp_ps(x, _mm256_set1_ps(SLM_EXPF_OVERFLOW), _CMP_GT_OQ));
    y = _mm256_blendv_ps(y, _mm256_set1_ps(0x1p-149f),
                         _mm256_cmp_ps(x, _mm256_set1_ps(SLM_EXPF_MAY_UNDERFLOW), _CMP_LT_OQ));
    y = _mm256_blendv_ps(y, _mm256_setzero_ps(), _mm256_cmp_ps(x, _mm256_set1_ps(SLM_EXPF_UNDERFLOW), _CMP_LT_OQ));
    return _mm256_blendv_ps(y, _mm256_add_ps(x, x), _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
}
