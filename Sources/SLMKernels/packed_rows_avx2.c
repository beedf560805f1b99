/* AVX2 kernels for packed Q8_0 and Q5_0 groups (layout in packed_rows.c): eight weight rows
 * against up to four activation rows, the group's blocks read in memory order.
 *
 * Each row keeps the AVX2 one-row dot's eight lanes (lane k sums values 4k..4k+3 of a
 * block). Q8_0 gives each row a vector of its own; Q5_0 puts two rows in a vector,
 * their lanes 0-3 (low nibbles, next to each other in the packed bytes) in one accumulator
 * and lanes 4-7 (high nibbles) in another. Every lane gets the same exact integer sum, the
 * same product of scales and the same fused multiply-add per block, and the lanes are
 * added in the one-row dot's order at the end, so every output is bit-identical to it.
 *
 * Q5_0 values (0..31, the fifth bit added) are unsigned, so maddubs takes them as they are
 * and each lane then gives back 16 times the sum of its four activation bytes, computed once
 * per block for all eight rows: exact, as the signed-value sum is.
 * Q8_0 values, stored plus 128, are moved back to signed bytes and their signs onto the
 * activations, as the one-row dot does.
 *
 * With more activation rows than the sixteen registers hold accumulators for, a group is
 * taken in passes over fewer rows each (the group, at most 8 rows of a few KB, stays in
 * the first-level cache between passes). */
#include <string.h>
#include "blocks.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

SLM_TARGET_BEGIN("avx2,fma,f16c")

#include "avx2_blocks.h"

/* PREFETCH: bytes ahead of the quants being read that are asked for (the scales and masks
 * in proportion). */
enum { GROUP = SLM_PACKED_GROUP, PREFETCH = 4096 };

/* The eight rows' scales of a block times the activation's: lane r for row r. */
static inline __m256 group_scales(const uint8_t *scales, const block_q8_0 *y) {
    const __m256 dx = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)scales));
    return _mm256_mul_ps(dx, _mm256_set1_ps(half_to_float(y->d)));
}

/* Sums of 32 signed bytes four by four, into eight int32 lanes. */
static inline __m256i sums_by_four(__m256i bytes) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_set1_epi8(1), bytes), _mm256_set1_epi16(1));
}

/* Q8_0: rows [first, first + ROWS) of the group, each with its own accumulator per
 * activation row. */
static inline __attribute__((always_inline)) void q8_0_pass(int64_t nb, const uint8_t *group, int first, const int ROWS,
                                                             const uint8_t *activations, size_t activation_bytes,
                                                             const int COUNT, float *out) {
    const uint8_t *scale_part = group, *quant_part = group + 2 * GROUP * nb;
    const __m256i flip = _mm256_set1_epi8((char)0x80), ones = _mm256_set1_epi16(1);
    __m256 acc[SLM_GROUP_ACTIVATIONS][GROUP];
    for (int t = 0; t < COUNT; t++)
        for (int r = 0; r < ROWS; r++) acc[t][r] = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const uint8_t *quants = quant_part + i * GROUP * SLM_QK;
        prefetch_lines(quants + PREFETCH, GROUP * SLM_QK);
        prefetch_lines(scale_part + 2 * GROUP * i + PREFETCH / 16, 1);
        __m256i value[GROUP], magnitude[GROUP];
        for (int r = 0; r < ROWS; r++) {
            value[r] = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(quants + SLM_QK * (first + r))), flip);
            magnitude[r] = _mm256_sign_epi8(value[r], value[r]);
        }
        for (int t = 0; t < COUNT; t++) {
            const block_q8_0 *y = (const block_q8_0 *)(activations + t * activation_bytes) + i;
            const __m256 scales = group_scales(scale_part + 2 * GROUP * i, y);
            const __m256i qy = _mm256_loadu_si256((const __m256i *)y->qs);
            for (int r = 0; r < ROWS; r++) {
                const __m256i sums =
                    _mm256_madd_epi16(_mm256_maddubs_epi16(magnitude[r], _mm256_sign_epi8(qy, value[r])), ones);
                const __m256 scale = _mm256_permutevar8x32_ps(scales, _mm256_set1_epi32(first + r));
                acc[t][r] = _mm256_fmadd_ps(scale, _mm256_cvtepi32_ps(sums), acc[t][r]);
            }
        }
    }
    for (int t = 0; t < COUNT; t++)
        for (int r = 0; r < ROWS; r++) out[t * GROUP + first + r] = horizontal_sum(acc[t][r]);
}

/* Q5_0: row pairs [first, first + PAIRS) of the group (pair p is rows 2p and 2p+1, whose 16
 * packed bytes a block lie side by side); the masks (32 bytes a block) lie between the
 * scales and the quants. */
static inline __attribute__((always_inline)) void q5_0_pass(int64_t nb, const uint8_t *group, int first,
                                                             const int PAIRS, const uint8_t *activations,
                                                             size_t activation_bytes, const int COUNT, float *out) {
    const uint8_t *scale_part = group, *mask_part = group + 2 * GROUP * nb;
    const uint8_t *quant_part = mask_part + 32 * nb;
    enum { QUANT_BYTES = GROUP * SLM_QK / 2 };
    const __m256i nibble = _mm256_set1_epi8(0x0F), sixteen = _mm256_set1_epi8(0x10), ones = _mm256_set1_epi16(1);
    /* low[t][p]: rows 2p and 2p+1, lanes 0-3 of each, for activation t; high[t][p]: lanes 4-7 */
    __m256 low[SLM_GROUP_ACTIVATIONS][GROUP / 2], high[SLM_GROUP_ACTIVATIONS][GROUP / 2];
    for (int t = 0; t < COUNT; t++)
        for (int p = 0; p < PAIRS; p++) low[t][p] = high[t][p] = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const uint8_t *quants = quant_part + i * QUANT_BYTES;
        prefetch_lines(quants + PREFETCH, QUANT_BYTES);
        prefetch_lines(scale_part + 2 * GROUP * i + PREFETCH / 8, 1);
        prefetch_lines(mask_part + 32 * i + PREFETCH / 4, 1);
        __m256i lo[GROUP / 2], hi[GROUP / 2];
        for (int p = 0; p < PAIRS; p++) {
            const int pair = first + p;
            const __m256i packed = _mm256_loadu_si256((const __m256i *)(quants + 32 * pair));
            lo[p] = _mm256_and_si256(packed, nibble);
            hi[p] = _mm256_and_si256(_mm256_srli_epi16(packed, 4), nibble);
            /* rows 2p, 2p+1 are bits 32(p%2)..32(p%2)+31 of masks 2(p/2) (values 0-15) and
             * 2(p/2)+1 (values 16-31), in the order of lo's and hi's bytes */
            const uint8_t *masks = mask_part + 32 * i + 16 * (pair / 2) + 4 * (pair % 2);
            lo[p] = _mm256_or_si256(lo[p], _mm256_and_si256(expand_bits(masks), sixteen));
            hi[p] = _mm256_or_si256(hi[p], _mm256_and_si256(expand_bits(masks + 8), sixteen));
        }
        for (int t = 0; t < COUNT; t++) {
            const block_q8_0 *y = (const block_q8_0 *)(activations + t * activation_bytes) + i;
            const __m256 scales = group_scales(scale_part + 2 * GROUP * i, y);
            const __m256i first_values = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)y->qs));
            const __m256i second_values = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(y->qs + 16)));
            const __m256i first_offsets = _mm256_sub_epi32(_mm256_setzero_si256(),
                                                           _mm256_slli_epi32(sums_by_four(first_values), 4));
            const __m256i second_offsets = _mm256_sub_epi32(_mm256_setzero_si256(),
                                                            _mm256_slli_epi32(sums_by_four(second_values), 4));
            for (int p = 0; p < PAIRS; p++) {
                const int pair = first + p;
                const __m256 scale = _mm256_permutevar8x32_ps(
                    scales, _mm256_setr_epi32(2 * pair, 2 * pair, 2 * pair, 2 * pair, 2 * pair + 1, 2 * pair + 1,
                                              2 * pair + 1, 2 * pair + 1));
                const __m256i low_sums =
                    _mm256_add_epi32(_mm256_madd_epi16(_mm256_maddubs_epi16(lo[p], first_values), ones), first_offsets);
                const __m256i high_sums = _mm256_add_epi32(
                    _mm256_madd_epi16(_mm256_maddubs_epi16(hi[p], second_values), ones), second_offsets);
                low[t][p] = _mm256_fmadd_ps(scale, _mm256_cvtepi32_ps(low_sums), low[t][p]);
                high[t][p] = _mm256_fmadd_ps(scale, _mm256_cvtepi32_ps(high_sums), high[t][p]);
            }
        }
    }
    for (int t = 0; t < COUNT; t++)
        for (int p = 0; p < PAIRS; p++) {
            const int pair = first + p;
            out[t * GROUP + 2 * pair] = horizontal_sum(_mm256_permute2f128_ps(low[t][p], high[t][p], 0x20));
            out[t * GROUP + 2 * pair + 1] = horizontal_sum(_mm256_permute2f128_ps(low[t][p], high[t][p], 0x31));
        }
}

/* Each count its own copy, with as many rows per pass as leave the accumulators in
 * registers: eight accumulators a pass. */
static void group_q8_0(int64_t nb, const uint8_t *group, const void *activations, size_t activation_bytes, int count,
                       float *out) {
    const uint8_t *a = activations;
    switch (count) {
    case 1: q8_0_pass(nb, group, 0, 8, a, activation_bytes, 1, out); break;
    case 2:
        for (int first = 0; first < GROUP; first += 4) q8_0_pass(nb, group, first, 4, a, activation_bytes, 2, out);
        break;
    case 3:
        for (int first = 0; first < GROUP; first += 2) q8_0_pass(nb, group, first, 2, a, activation_bytes, 3, out);
        break;
    default:
        for (int first = 0; first < GROUP; first += 2) q8_0_pass(nb, group, first, 2, a, activation_bytes, 4, out);
        break;
    }
}

static void group_q5_0(int64_t nb, const uint8_t *group, const void *activations, size_t activation_bytes, int count,
                       float *out) {
    const uint8_t *a = activations;
    switch (count) {
    case 1: q5_0_pass(nb, group, 0, 4, a, activation_bytes, 1, out); break;
    case 2:
        for (int first = 0; first < GROUP / 2; first += 2) q5_0_pass(nb, group, first, 2, a, activation_bytes, 2, out);
        break;
    case 3:
        for (int first = 0; first < GROUP / 2; first++) q5_0_pass(nb, group, first, 1, a, activation_bytes, 3, out);
        break;
    default:
        for (int first = 0; first < GROUP / 2; first++) q5_0_pass(nb, group, first, 1, a, activation_bytes, 4, out);
        break;
    }
}

SLM_TARGET_END

slm_group_fn slm_avx2_packed_group(int weight_type) {
    if (weight_type == SLM_TYPE_Q8_0) return group_q8_0;
    if (weight_type == SLM_TYPE_Q5_0) return group_q5_0;
    return NULL;
}

#else
slm_group_fn slm_avx2_packed_group(int weight_type) {
    (void)weight_type;
    return NULL;
}
#endif
