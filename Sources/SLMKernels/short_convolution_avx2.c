/* AVX2/FMA version of the gated short convolution: eight channels per vector, each
 * channel's taps gathered from the filter's rows; the same fused multiply-adds in the
 * same order as the portable version, so the results are identical. */
#include "blocks.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

SLM_TARGET_BEGIN("avx2,fma")

int64_t slm_short_convolution_avx2(const float *window, int64_t width, const float *filter, int64_t taps,
                                   const float *gates, float *out) {
    if (taps > 16) return 0;
    /* channel c's tap k sits at c * taps + k: eight channels' k-th taps are a stride-taps gather */
    const __m256i lanes = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32((int)taps));
    int64_t c = 0;
    for (; c + 8 <= width; c += 8) {
        __m256 sum = _mm256_setzero_ps();
        for (int64_t k = 0; k < taps; k++) {
            const __m256 weight = _mm256_i32gather_ps(filter + c * taps + k, lanes, 4);
            sum = _mm256_fmadd_ps(_mm256_loadu_ps(window + k * width + c), weight, sum);
        }
        _mm256_storeu_ps(out + c, gates ? _mm256_mul_ps(_mm256_loadu_ps(gates + c), sum) : sum);
    }
    return c;
}

SLM_TARGET_END

#else
int64_t slm_short_convolution_avx2(const float *window, int64_t width, const float *filter, int64_t taps,
                                   const float *gates, float *out) {
    (void)window; (void)width; (void)filter; (void)taps; (void)gates; (void)out;
    return 0;
}
#endif
