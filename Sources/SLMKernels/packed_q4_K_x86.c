/* The packed Q4_K group kernel (packed_q4_K_body.h) for AVX2 (maddubs, then madd against
 * ones, for each lane's four products) and AVX-512 VNNI (dpbusd, the same integers). */
#include "blocks.h"
#include "packed_q4_K.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

/* How far ahead of the super-block in use its group's bytes are asked for. */
enum { PREFETCH_BYTES = 8 * PACKED_Q4_K_BYTES };

SLM_TARGET_BEGIN("avx2,fma,f16c")
#define Q4_K_GROUP_FN group_avx2
#define Q4_K_DOT(acc, w, y) _mm256_add_epi32((acc), _mm256_madd_epi16(_mm256_maddubs_epi16((w), (y)), _mm256_set1_epi16(1)))
#include "packed_q4_K_body.h"
#undef Q4_K_GROUP_FN
#undef Q4_K_DOT
SLM_TARGET_END

SLM_TARGET_BEGIN("avx2,fma,f16c,avx512f,avx512vl,avx512bw,avx512vnni")
#define lane_byte lane_byte_vnni
#define Q4_K_GROUP_FN group_avx512vnni
#define Q4_K_DOT(acc, w, y) _mm256_dpbusd_epi32((acc), (w), (y))
#include "packed_q4_K_body.h"
#undef Q4_K_GROUP_FN
#undef Q4_K_DOT
#undef lane_byte
SLM_TARGET_END

slm_q4_K_group_fn slm_avx2_packed_q4_K_group(void) { return group_avx2; }
slm_q4_K_group_fn slm_avx512vnni_packed_q4_K_group(void) { return group_avx512vnni; }

#else
slm_q4_K_group_fn slm_avx2_packed_q4_K_group(void) { return NULL; }
slm_q4_K_group_fn slm_avx512vnni_packed_q4_K_group(void) { return NULL; }
#endif
