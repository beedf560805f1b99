/* slm_expf over an array on a chosen path, so tests can hold every SIMD version to the
 * scalar one (libm_expf.h) and the scalar one to the system's expf. */
#include "blocks.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

SLM_TARGET_BEGIN("avx2,fma")
#include "libm_expf_avx2.h"
static int64_t expf_avx2(const float *x, float *out, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, slm_expf_avx2(_mm256_loadu_ps(x + i)));
    return i;
}
SLM_TARGET_END

SLM_TARGET_BEGIN("avx2,fma,avx512f")
#include "libm_expf_avx512.h"
static int64_t expf_avx512(const float *x, float *out, int64_t n) {
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(out + i, slm_expf_avx512(_mm512_loadu_ps(x + i)));
    return i;
}
SLM_TARGET_END
#endif

void slm_expf_on_path(int path, const float *x, float *out, int64_t n) {
    int64_t done = 0;
    if (!slm_path_available(path)) path = SLM_PATH_SCALAR;
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (path == SLM_PATH_AVX512_VNNI) done = expf_avx512(x, out, n);
    if (path == SLM_PATH_AVX2) done = expf_avx2(x, out, n);
#endif
    for (int64_t i = done; i < n; i++) out[i] = slm_expf(x[i]);
}
