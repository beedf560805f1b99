/* AVX2/F16C version of the GELU gate: each value rounded to half precision, looked up in
 * the reference's table (a gather), widened back, times the up value; values beyond ±10
 * take the same shortcuts as the portable version, so results are identical. */
#include "blocks.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

SLM_TARGET_BEGIN("avx2,fma,f16c")

int64_t slm_gelu_gate_avx2(const uint16_t *table, float *gate, const float *up, int64_t n) {
    const __m256 low = _mm256_set1_ps(-10.0f), high = _mm256_set1_ps(10.0f);
    const __m256i low16 = _mm256_set1_epi32(0xFFFF);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 x = _mm256_loadu_ps(gate + i);
        const __m256i index = _mm256_cvtepu16_epi32(_mm256_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT));
        /* 32-bit gathers at 2-byte steps: the entry is the low half */
        const __m256i entry = _mm256_and_si256(_mm256_i32gather_epi32((const int *)table, index, 2), low16);
        const __m128i packed = _mm_packus_epi32(_mm256_castsi256_si128(entry), _mm256_extracti128_si256(entry, 1));
        __m256 g = _mm256_cvtph_ps(packed);
        g = _mm256_blendv_ps(g, x, _mm256_cmp_ps(x, high, _CMP_GE_OQ));
        g = _mm256_blendv_ps(g, _mm256_setzero_ps(), _mm256_cmp_ps(x, low, _CMP_LE_OQ));
        _mm256_storeu_ps(gate + i, _mm256_mul_ps(g, _mm256_loadu_ps(up + i)));
    }
    return i;
}

SLM_TARGET_END

#else
int64_t slm_gelu_gate_avx2(const uint16_t *table, float *gate, const float *up, int64_t n) {
    (void)table; (void)gate; (void)up; (void)n;
    return 0;
}
#endif
