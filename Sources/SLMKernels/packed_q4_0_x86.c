/* The packed Q4_0 kernels (packed_q4_0_body.h) for AVX2 (maddubs, then madd against ones)
 * and AVX-512 VNNI (dpbusd: the same integers), and on AVX-512 a repacked-arithmetic pass
 * over two groups at once: sixteen rows in the lanes of a 512-bit vector, so a block costs
 * each activation row eight dpbusd for sixteen rows. */
#include "blocks.h"
#include "packed_q4_0.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

SLM_TARGET_BEGIN("avx2,fma,f16c")
#include "avx2_blocks.h"

static inline __m256 q4_0_scales(const uint8_t *group, int64_t i, const block_q8_0 *y) {
    return _mm256_mul_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(group + 2 * PACKED_Q4_0_ROWS * i))),
                         _mm256_set1_ps(half_to_float(y->d)));
}

static inline __m256i q4_0_word(const block_q8_0 *y, int k) {
    return _mm256_set1_epi32((int)slm_load_u32((const uint8_t *)y->qs + 4 * k));
}

/* A row's 32 products as 16-bit sums first: eight maddubs lanes of at most 2 * 15 * 128
 * each add up to at most 30,720, so every step is exact. */
static inline __m256i block_sum_avx2(__m256i offset, const __m256i lo[4], const __m256i hi[4], const __m256i words[8]) {
    const __m256i low = _mm256_add_epi16(
        _mm256_add_epi16(_mm256_maddubs_epi16(lo[0], words[0]), _mm256_maddubs_epi16(lo[1], words[1])),
        _mm256_add_epi16(_mm256_maddubs_epi16(lo[2], words[2]), _mm256_maddubs_epi16(lo[3], words[3])));
    const __m256i high = _mm256_add_epi16(
        _mm256_add_epi16(_mm256_maddubs_epi16(hi[0], words[4]), _mm256_maddubs_epi16(hi[1], words[5])),
        _mm256_add_epi16(_mm256_maddubs_epi16(hi[2], words[6]), _mm256_maddubs_epi16(hi[3], words[7])));
    return _mm256_add_epi32(_mm256_madd_epi16(_mm256_add_epi16(low, high), _mm256_set1_epi16(1)), offset);
}

/* The weights 4 KB ahead asked into L1, as the other AVX2 packed kernels do. */
#define PREFETCH_HINT _MM_HINT_T0
#define PREFETCH_BYTES 4096
#define Q4_0_LANES_FN lanes_avx2
#define Q4_0_SUMS_PASS sums_pass_avx2
#define Q4_0_SUMS_GROUP sums_group_avx2
#define Q4_0_LANE_SUM(offset, w, y)                                                                                  \
    _mm256_add_epi32(_mm256_madd_epi16(_mm256_maddubs_epi16((w), (y)), _mm256_set1_epi16(1)), (offset))
#define Q4_0_BLOCK_SUM block_sum_avx2
#include "packed_q4_0_body.h"
#undef PREFETCH_HINT
#undef PREFETCH_BYTES
#undef Q4_0_LANES_FN
#undef Q4_0_SUMS_PASS
#undef Q4_0_SUMS_GROUP
#undef Q4_0_LANE_SUM
#undef Q4_0_BLOCK_SUM

static void sums_avx2(int64_t nb, const uint8_t *group, size_t group_bytes, int groups, const uint8_t *activations,
                      size_t activation_bytes, const int32_t *offsets, int count, float *out) {
    for (int g = 0; g < groups; g++)
        sums_group_avx2(nb, group + g * group_bytes, activations, activation_bytes, offsets, count, out + 8 * g);
}
SLM_TARGET_END

SLM_TARGET_BEGIN("avx2,fma,f16c,avx512f,avx512vl,avx512bw,avx512vnni")

/* Two chains of four dpbusd, so their latencies overlap. */
static inline __m256i block_sum_vnni(__m256i offset, const __m256i lo[4], const __m256i hi[4], const __m256i words[8]) {
    __m256i low = offset, high = _mm256_setzero_si256();
    for (int c = 0; c < 4; c++) {
        low = _mm256_dpbusd_epi32(low, lo[c], words[c]);
        high = _mm256_dpbusd_epi32(high, hi[c], words[4 + c]);
    }
    return _mm256_add_epi32(low, high);
}

/* The weights 8 KB ahead asked into L2 (T1), as the other AVX-512 packed kernels do. */
#define PREFETCH_HINT _MM_HINT_T1
#define PREFETCH_BYTES 8192
#define Q4_0_LANES_FN lanes_avx512vnni
#define Q4_0_SUMS_PASS sums_pass_avx512vnni
#define Q4_0_SUMS_GROUP sums_group_avx512vnni
#define Q4_0_LANE_SUM(offset, w, y) _mm256_dpbusd_epi32((offset), (w), (y))
#define Q4_0_BLOCK_SUM block_sum_vnni
#include "packed_q4_0_body.h"

/* Two groups (rows 0-15 in the lanes of one vector: the first group's eight in the low half)
 * against COUNT activation rows in the repacked arithmetic. out[t * 16 + r]. */
static inline __attribute__((always_inline)) void sums_pair_pass(int64_t nb, const uint8_t *first, size_t group_bytes,
                                                                 const uint8_t *activations, size_t activation_bytes,
                                                                 const int32_t *offsets, const int COUNT, float *out) {
    const uint8_t *second = first + group_bytes;
    const uint8_t *first_quants = first + 2 * PACKED_Q4_0_ROWS * nb, *second_quants = second + 2 * PACKED_Q4_0_ROWS * nb;
    const __m512i nibble = _mm512_set1_epi8(0x0F);
    __m512 acc[PACKED_Q4_0_ACTIVATIONS];
    for (int t = 0; t < COUNT; t++) acc[t] = _mm512_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        __m512i lo[4], hi[4];
        for (int c = 0; c < 4; c++) {
            const int64_t at = PACKED_Q4_0_QUANTS * i + 32 * c;
            const __m512i packed =
                _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)(first_quants + at))),
                                   _mm256_loadu_si256((const __m256i *)(second_quants + at)), 1);
            lo[c] = _mm512_and_si512(packed, nibble);
            hi[c] = _mm512_and_si512(_mm512_srli_epi16(packed, 4), nibble);
        }
        const int64_t scales = 2 * PACKED_Q4_0_ROWS * i;
        const __m512 dx = _mm512_cvtph_ps(_mm256_inserti128_si256(
            _mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)(first + scales))),
            _mm_loadu_si128((const __m128i *)(second + scales)), 1));
        for (int t = 0; t < COUNT; t++) {
            const block_q8_0 *y = (const block_q8_0 *)(activations + t * activation_bytes) + i;
            __m512i low = _mm512_set1_epi32(offsets[t * nb + i]), high = _mm512_setzero_si512();
            for (int c = 0; c < 4; c++) {
                low = _mm512_dpbusd_epi32(low, lo[c], _mm512_set1_epi32((int)slm_load_u32((const uint8_t *)y->qs + 4 * c)));
                high = _mm512_dpbusd_epi32(high, hi[c],
                                           _mm512_set1_epi32((int)slm_load_u32((const uint8_t *)y->qs + 16 + 4 * c)));
            }
            const __m512 scale = _mm512_mul_ps(dx, _mm512_set1_ps(half_to_float(y->d)));
            acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(low, high)), scale, acc[t]);
        }
    }
    for (int t = 0; t < COUNT; t++) _mm512_storeu_ps(out + 16 * t, acc[t]);
}

static void sums_avx512vnni(int64_t nb, const uint8_t *group, size_t group_bytes, int groups,
                            const uint8_t *activations, size_t activation_bytes, const int32_t *offsets, int count,
                            float *out) {
    if (groups < 2) {
        sums_group_avx512vnni(nb, group, activations, activation_bytes, offsets, count, out);
        return;
    }
    switch (count) {
    case 1: sums_pair_pass(nb, group, group_bytes, activations, activation_bytes, offsets, 1, out); break;
    case 2: sums_pair_pass(nb, group, group_bytes, activations, activation_bytes, offsets, 2, out); break;
    case 3: sums_pair_pass(nb, group, group_bytes, activations, activation_bytes, offsets, 3, out); break;
    default: sums_pair_pass(nb, group, group_bytes, activations, activation_bytes, offsets, 4, out); break;
    }
}
SLM_TARGET_END

slm_q4_0_lanes_fn slm_avx2_packed_q4_0_lanes(void) { return lanes_avx2; }
slm_q4_0_lanes_fn slm_avx512vnni_packed_q4_0_lanes(void) { return lanes_avx512vnni; }
slm_q4_0_sums_fn slm_avx2_packed_q4_0_sums(void) { return sums_avx2; }
slm_q4_0_sums_fn slm_avx512vnni_packed_q4_0_sums(void) { return sums_avx512vnni; }

#else
slm_q4_0_lanes_fn slm_avx2_packed_q4_0_lanes(void) { return NULL; }
slm_q4_0_lanes_fn slm_avx512vnni_packed_q4_0_lanes(void) { return NULL; }
slm_q4_0_sums_fn slm_avx2_packed_q4_0_sums(void) { return NULL; }
slm_q4_0_sums_fn slm_avx512vnni_packed_q4_0_sums(void) { return NULL; }
#endif
