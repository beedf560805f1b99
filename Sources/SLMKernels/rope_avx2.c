/* AVX2/FMA rotary embedding for the neox layout (pairs i and i + rotary_dims/2, so eight
 * pairs load as two plain vectors): the same fused multiply-adds as the portable version. */
#include "blocks.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

SLM_TARGET_BEGIN("avx2,fma")

int slm_rope_apply_neox_avx2(float *head, int64_t rotary_dims, const float *table) {
    const int64_t half = rotary_dims / 2;
    if (half % 8 != 0) return -1;
    const __m256 sign = _mm256_set1_ps(-0.0f);
    for (int64_t i = 0; i < half; i += 8) {
        const __m256 c = _mm256_loadu_ps(table + i), s = _mm256_loadu_ps(table + half + i);
        const __m256 x0 = _mm256_loadu_ps(head + i), x1 = _mm256_loadu_ps(head + half + i);
        _mm256_storeu_ps(head + i, _mm256_fmadd_ps(x0, c, _mm256_xor_ps(_mm256_mul_ps(x1, s), sign)));
        _mm256_storeu_ps(head + half + i, _mm256_fmadd_ps(x0, s, _mm256_mul_ps(x1, c)));
    }
    return 0;
}

SLM_TARGET_END

#else
int slm_rope_apply_neox_avx2(float *head, int64_t rotary_dims, const float *table) {
    (void)head; (void)rotary_dims; (void)table;
    return -1;
}
#endif
