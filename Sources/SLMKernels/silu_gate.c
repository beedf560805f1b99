/* The SiLU gate, gate[i] = gate[i] / (1 + e^-gate[i]) * up[i], eight values at a time with
 * AVX2 and sixteen with AVX-512: the exponential is slm_expf's (the reference's libm expf,
 * bit for bit) and the division and product are single IEEE steps as in the portable
 * definition, so results are identical to it. Before, each value paid a call into libm:
 * with the softmax's calls, a tenth of a 512-token prompt's time. */
#include "blocks.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

SLM_TARGET_BEGIN("avx2,fma")

#include "libm_expf_avx2.h"

int64_t slm_silu_gate_avx2(float *gate, const float *up, int64_t n) {
    const __m256 one = _mm256_set1_ps(1.0f), sign = _mm256_set1_ps(-0.0f);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 x = _mm256_loadu_ps(gate + i);
        const __m256 silu = _mm256_div_ps(x, _mm256_add_ps(one, slm_expf_avx2(_mm256_xor_ps(x, sign))));
        _mm256_storeu_ps(gate + i, _mm256_mul_ps(silu, _mm256_loadu_ps(up + i)));
    }
    return i;
}

SLM_TARGET_END

SLM_TARGET_BEGIN("avx2,fma,avx512f")

#include "libm_expf_avx512.h"

int64_t slm_silu_gate_avx512(float *gate, const float *up, int64_t n) {
    const __m512 one = _mm512_set1_ps(1.0f);
    const __m512i sign = _mm512_set1_epi32((int)0x80000000u);
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512 x = _mm512_loadu_ps(gate + i);
        const __m512 negated = _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(x), sign));
        const __m512 silu = _mm512_div_ps(x, _mm512_add_ps(one, slm_expf_avx512(negated)));
        _mm512_storeu_ps(gate + i, _mm512_mul_ps(silu, _mm512_loadu_ps(up + i)));
    }
    return i;
}

SLM_TARGET_END

#else
int64_t slm_silu_gate_avx2(float *gate, const float *up, int64_t n) {
    (void)gate; (void)up; (void)n;
    return 0;
}
int64_t slm_silu_gate_avx512(float *gate, const float *up, int64_t n) {
    (void)gate; (void)up; (void)n;
    return 0;
}
#endif
