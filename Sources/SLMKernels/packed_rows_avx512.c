/* AVX-512 VNNI kernels for packed Q8_0 and Q5_0 groups (layout in packed_rows.c): eight
 * weight rows against up to four activation rows, two or four weight rows per 512-bit vector.
 *
 * Each row keeps the AVX2 one-row dot's eight lanes (lane k sums values 4k..4k+3 of a
 * block), placed in the vectors in another order: Q8_0 holds two rows' eight lanes side
 * by side; Q5_0 holds four rows' lanes 0-3 (low nibbles) in one vector and their lanes 4-7
 * (high nibbles) in another, adding 16 where a mask bit is set. Every lane gets the same
 * exact integer sum, the same product of scales and the same fused multiply-add per block,
 * and the lanes are added in the AVX2 order at the end, so every output is bit-identical.
 * dpbusd multiplies unsigned weight bytes (Q8_0 stored plus 128, Q5_0 values 0..31) by
 * signed activation bytes, each lane starting from minus 128 (16) times the sum of its four
 * activation bytes. */
#include <string.h>
#include "blocks.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

SLM_TARGET_BEGIN("avx2,fma,f16c,avx512f,avx512vl,avx512bw,avx512vnni")

#include "avx2_blocks.h"

/* The weights 8 KB ahead are asked into L2 (T1), not L1: on a 2-core Zen 4 (EPYC, AVX-512)
 * generation streamed the packed rows 20-40% faster so (`bench -n 64`, alternated: Llama-3.2-1B
 * shape Q4_0 28.3 -> 34-37 t/s, Qwen2.5-0.5B shape Q8_0 35-37 -> 50-56); the AVX2 kernels'
 * prefetch_lines into L1 measured slower with T1 on the same machine and stays. */
enum { GROUP = SLM_PACKED_GROUP, PREFETCH = 8192 };

/* The eight rows' scales of a block times the activation's: lane r for row r. */
static inline __m512 group_scales(const uint8_t *scales, const block_q8_0 *y) {
    const __m256 dx = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)scales));
    return _mm512_castps256_ps512(_mm256_mul_ps(dx, _mm256_set1_ps(half_to_float(y->d))));
}

/* Minus `factor` times the sums of the activation block's values four by four. */
static inline __m256i activation_offsets(const block_q8_0 *y, int factor) {
    const __m256i sums = _mm256_dpbusd_epi32(_mm256_setzero_si256(), _mm256_set1_epi8((char)factor),
                                             _mm256_loadu_si256((const __m256i *)y->qs));
    return _mm256_sub_epi32(_mm256_setzero_si256(), sums);
}

static inline float lanes_sum(__m256 lanes) { return horizontal_sum(lanes); }

/* Q8_0: rows (2p, 2p+1) share a vector; each activation row has its own four
 * accumulators, the weights are loaded once for all of them. */
static inline __attribute__((always_inline)) void group_q8_0_rows(int64_t nb, const uint8_t *group,
                                                                  const uint8_t *activations, size_t activation_bytes,
                                                                  const int count, float *out) {
    const uint8_t *scale_part = group, *quant_part = group + 2 * GROUP * nb;
    /* scale lanes for rows (2p, 2p+1): eight of each */
    const __m512i pairs[4] = {
        _mm512_set_epi32(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0),
        _mm512_set_epi32(3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2),
        _mm512_set_epi32(5, 5, 5, 5, 5, 5, 5, 5, 4, 4, 4, 4, 4, 4, 4, 4),
        _mm512_set_epi32(7, 7, 7, 7, 7, 7, 7, 7, 6, 6, 6, 6, 6, 6, 6, 6),
    };
    __m512 acc[SLM_GROUP_ACTIVATIONS][4];
    for (int t = 0; t < count; t++)
        for (int p = 0; p < 4; p++) acc[t][p] = _mm512_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const uint8_t *quants = quant_part + i * GROUP * SLM_QK;
        for (int line = 0; line < GROUP * SLM_QK; line += 64) _mm_prefetch((const char *)quants + PREFETCH + line, _MM_HINT_T1);
        _mm_prefetch((const char *)scale_part + 2 * GROUP * i + PREFETCH / 16, _MM_HINT_T1);
        __m512i weights[4];
        for (int p = 0; p < 4; p++) weights[p] = _mm512_loadu_si512((const void *)(quants + 64 * p));
        /* the rows' scales placed once a block; each activation row multiplies them by its
         * own (the same products as placing the multiplied scales) */
        const __m512 dx = _mm512_castps256_ps512(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(scale_part + 2 * GROUP * i))));
        __m512 row_scales[4];
        for (int p = 0; p < 4; p++) row_scales[p] = _mm512_permutexvar_ps(pairs[p], dx);
        for (int t = 0; t < count; t++) {
            const block_q8_0 *y = (const block_q8_0 *)(activations + t * activation_bytes) + i;
            const __m512 dy = _mm512_set1_ps(half_to_float(y->d));
            const __m512i values = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)y->qs));
            /* minus 128 times each lane's four activation bytes, made in both halves at once */
            const __m512i offsets = _mm512_sub_epi32(
                _mm512_setzero_si512(), _mm512_dpbusd_epi32(_mm512_setzero_si512(), _mm512_set1_epi8((char)0x80), values));
            for (int p = 0; p < 4; p++) {
                const __m512i sums = _mm512_dpbusd_epi32(offsets, weights[p], values);
                acc[t][p] = _mm512_fmadd_ps(_mm512_mul_ps(row_scales[p], dy), _mm512_cvtepi32_ps(sums), acc[t][p]);
            }
        }
    }
    for (int t = 0; t < count; t++)
        for (int p = 0; p < 4; p++) {
            out[t * GROUP + 2 * p] = lanes_sum(_mm512_castps512_ps256(acc[t][p]));
            out[t * GROUP + 2 * p + 1] =
                lanes_sum(_mm256_castsi256_ps(_mm512_extracti64x4_epi64(_mm512_castps_si512(acc[t][p]), 1)));
        }
}

/* Q5_0 groups: the masks (32 bytes a block) lie between the scales and the quants. The
 * weights' values are unpacked once a block for all the activation rows. */
static inline __attribute__((always_inline)) void group_q5_0_rows(int64_t nb, const uint8_t *group,
                                                                  const uint8_t *activations, size_t activation_bytes,
                                                                  const int count, float *out) {
    const uint8_t *scale_part = group, *mask_part = group + 2 * GROUP * nb;
    const uint8_t *quant_part = mask_part + 32 * nb;
    enum { QUANT_BYTES = GROUP * SLM_QK / 2 };
    /* scale lanes for rows 4h..4h+3: four of each */
    const __m512i quads[2] = {
        _mm512_set_epi32(3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0),
        _mm512_set_epi32(7, 7, 7, 7, 6, 6, 6, 6, 5, 5, 5, 5, 4, 4, 4, 4),
    };
    const __m512i nibble = _mm512_set1_epi8(0x0F), sixteen = _mm512_set1_epi8(0x10);
    /* low[t][h]: rows 4h..4h+3, lanes 0-3 of each, for activation t; high[t][h]: lanes 4-7 */
    __m512 low[SLM_GROUP_ACTIVATIONS][2], high[SLM_GROUP_ACTIVATIONS][2];
    for (int t = 0; t < count; t++)
        for (int h = 0; h < 2; h++) low[t][h] = high[t][h] = _mm512_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const uint8_t *quants = quant_part + i * QUANT_BYTES;
        for (int line = 0; line < QUANT_BYTES; line += 64) _mm_prefetch((const char *)quants + PREFETCH + line, _MM_HINT_T1);
        _mm_prefetch((const char *)scale_part + 2 * GROUP * i + PREFETCH / 8, _MM_HINT_T1);
        _mm_prefetch((const char *)mask_part + 32 * i + PREFETCH / 4, _MM_HINT_T1);
        __m512i lo[2], hi[2];
        for (int h = 0; h < 2; h++) {
            const __m512i packed = _mm512_loadu_si512((const void *)(quants + 64 * h));
            lo[h] = _mm512_and_si512(packed, nibble);
            hi[h] = _mm512_and_si512(_mm512_srli_epi16(packed, 4), nibble);
            uint64_t bits[2];
            memcpy(bits, mask_part + 32 * i + 16 * h, 16);
            lo[h] = _mm512_mask_add_epi8(lo[h], (__mmask64)bits[0], lo[h], sixteen);
            hi[h] = _mm512_mask_add_epi8(hi[h], (__mmask64)bits[1], hi[h], sixteen);
        }
        for (int t = 0; t < count; t++) {
            const block_q8_0 *y = (const block_q8_0 *)(activations + t * activation_bytes) + i;
            const __m512 scales = group_scales(scale_part + 2 * GROUP * i, y);
            const __m512i first = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)y->qs));
            const __m512i second = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(y->qs + 16)));
            const __m256i offsets = activation_offsets(y, 16);
            const __m512i first_offsets = _mm512_broadcast_i32x4(_mm256_castsi256_si128(offsets));
            const __m512i second_offsets = _mm512_broadcast_i32x4(_mm256_extracti128_si256(offsets, 1));
            for (int h = 0; h < 2; h++) {
                const __m512 scale = _mm512_permutexvar_ps(quads[h], scales);
                low[t][h] = _mm512_fmadd_ps(scale, _mm512_cvtepi32_ps(_mm512_dpbusd_epi32(first_offsets, lo[h], first)),
                                            low[t][h]);
                high[t][h] = _mm512_fmadd_ps(
                    scale, _mm512_cvtepi32_ps(_mm512_dpbusd_epi32(second_offsets, hi[h], second)), high[t][h]);
            }
        }
    }
    for (int t = 0; t < count; t++)
        for (int h = 0; h < 2; h++) {
            float lo[16], hi[16];
            _mm512_storeu_ps(lo, low[t][h]);
            _mm512_storeu_ps(hi, high[t][h]);
            for (int q = 0; q < 4; q++)
                out[t * GROUP + 4 * h + q] = lanes_sum(_mm256_set_m128(_mm_loadu_ps(hi + 4 * q), _mm_loadu_ps(lo + 4 * q)));
        }
}

/* Each count its own copy, so the loops over activation rows unroll and the accumulators
 * stay in registers. */
#define GROUP_KERNEL(name, body)                                                                                     \
    static void name(int64_t nb, const uint8_t *group, const void *activations, size_t activation_bytes, int count, \
                     float *out) {                                                                                  \
        const uint8_t *a = activations;                                                                             \
        switch (count) {                                                                                            \
        case 1: body(1); break;                                                                                     \
        case 2: body(2); break;                                                                                     \
        case 3: body(3); break;                                                                                     \
        default: body(4); break;                                                                                    \
        }                                                                                                           \
    }
#define Q8_0_BODY(n) group_q8_0_rows(nb, group, a, activation_bytes, n, out)
#define Q5_0_BODY(n) group_q5_0_rows(nb, group, a, activation_bytes, n, out)
GROUP_KERNEL(group_q8_0, Q8_0_BODY)
GROUP_KERNEL(group_q5_0, Q5_0_BODY)

SLM_TARGET_END

slm_group_fn slm_avx512vnni_packed_group(int weight_type) {
    if (weight_type == SLM_TYPE_Q8_0) return group_q8_0;
    if (weight_type == SLM_TYPE_Q5_0) return group_q5_0;
    return NULL;
}

#else
slm_group_fn slm_avx512vnni_packed_group(int weight_type) {
    (void)weight_type;
    return NULL;
}
#endif
