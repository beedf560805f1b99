/* AVX2/FMA/F16C version of slm_attend_long: eight lanes, one vector per v8 (see
 * attention_long_body.h). */
#include <math.h>
#include "blocks.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

SLM_TARGET_BEGIN("avx2,fma,f16c")

#define ATTEND_LONG slm_attend_long_avx2
#define ATTEND_LONG_Q8_0 slm_attend_long_q8_0_avx2
#include "attention_long_v8_avx2.h"

#include "attention_long_body.h"

SLM_TARGET_END

#endif
