/* slm_expf on sixteen floats with AVX-512 (each value widened to double and taken through
 * the same steps, so every lane equals slm_expf; the table is looked up by two-register
 * permutes instead of a gather). Included inside an AVX-512F target region after
 * libm_expf.h. */

/* The main method on eight values already in double precision. */
static inline __m512d slm_expf_main_avx512(__m512d x) {
    const __m512d inverse = _mm512_set1_pd(SLM_EXPF_INV_LN2_32), shift = _mm512_set1_pd(SLM_EXPF_SHIFT);
    const __m512d shifted = _mm512_fmadd_pd(inverse, x, shift);
    const __m512i k = _mm512_castpd_si512(shifted);
    const __m512d r = _mm512_fmsub_pd(inverse, x, _mm512_sub_pd(shifted, shift));
    const __m512i *table = (const __m512i *)slm_expf_table;
    const __m512i first = _mm512_permutex2var_epi64(_mm512_loadu_si512(table), k, _mm512_loadu_si512(table + 1));
    const __m512i second = _mm512_permutex2var_epi64(_mm512_loadu_si512(table + 2), k, _mm512_loadu_si512(table + 3));
    const __m512i entry = _mm512_mask_blend_epi64(_mm512_test_epi64_mask(k, _mm512_set1_epi64(16)), first, second);
    const __m512d scale = _mm512_castsi512_pd(_mm512_add_epi64(entry, _mm512_slli_epi64(k, 47)));
    const __m512d z = _mm512_fmadd_pd(_mm512_set1_pd(SLM_EXPF_C0), r, _mm512_set1_pd(SLM_EXPF_C1));
    const __m512d y = _mm512_fmadd_pd(z, _mm512_mul_pd(r, r),
                                      _mm512_fmadd_pd(r, _mm512_set1_pd(SLM_EXPF_C2), _mm512_set1_pd(1.0)));
    return _mm512_mul_pd(y, scale);
}

/* slm_expf of each lane. */
static inline __m512 slm_expf_avx512(__m512 x) {
    const __m256 low = _mm512_cvtpd_ps(slm_expf_main_avx512(_mm512_cvtps_pd(_mm512_castps512_ps256(x))));
    const __m256 high = _mm512_cvtpd_ps(slm_expf_main_avx512(
        _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(x), 1)))));
    __m512 y = _mm512_castpd_ps(_mm512_insertf64x4(_mm512_castps_pd(_mm512_castps256_ps512(low)),
                                                   _mm256_castps_pd(high), 1));
    /* the edges, later ones overriding: -infinity is below the underflow bound */
    y = _mm512_mask_mov_ps(y, _mm512_cmp_ps_mask(x, _mm512_set1_ps(SLM_EXPF_OVERFLOW), _CMP_GT_OQ),
                           _mm512_set1_ps(INFINITY));
    y = _mm512_mask_mov_ps(y, _mm512_cmp_ps_mask(x, _mm512_set1_ps(SLM_EXPF_MAY_UNDERFLOW), _CMP_LT_OQ),
                           _mm512_set1_ps(0x1p-149f));
    y = _mm512_mask_mov_ps(y, _mm512_cmp_ps_mask(x, _mm512_set1_ps(SLM_EXPF_UNDERFLOW), _CMP_LT_OQ),
                           _mm512_setzero_ps());
    return _mm512_mask_mov_ps(y, _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q), _mm512_add_ps(x, x));
}
