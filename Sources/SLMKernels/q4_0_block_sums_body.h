/* The body of the Q4_0 block-sums kernels (slm_block_sums_fn), included by
 * packed_rows_avx2.c and packed_rows_avx512.c inside their target regions after they define
 * BLOCK_SUMS_Q4_0 (the function's name), Q4_0_PAIR_SUMS(lo, hi, first, second) (eight 32-bit
 * lanes: lane k the sum over bytes 4k..4k+3 of lo * first + hi * second, unsigned nibbles
 * times signed activation bytes), GROUP and PREFETCH. Every integer is exact, so every
 * version gives the same sums and, with the same scale steps, the same floats. */

/* Q4_0 in the reference's repacked arithmetic (see slm_block_sums_fn): a block's low and
 * high nibbles of a row pair times the activation's two halves, four 32-bit sums a row
 * (Q4_0_PAIR_SUMS, defined by the including file: each lane the exact sum of its four
 * bytes' products); three rounds of horizontal adds leave one integer a row, in the order
 * 0 2 4 6 1 3 5 7, which the scales follow and the end undoes. */
static inline __attribute__((always_inline)) void q4_0_block_sums_pass(
    int64_t nb, const uint8_t *group, const uint8_t *activations, size_t activation_bytes, const int32_t *offsets,
    const int COUNT, float *out) {
    const uint8_t *scale_part = group, *quant_part = group + 2 * GROUP * nb;
    enum { QUANT_BYTES = GROUP * SLM_QK / 2 };
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    const __m256i spread = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7), gather = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    __m256 acc[SLM_GROUP_ACTIVATIONS];
    for (int t = 0; t < COUNT; t++) acc[t] = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const uint8_t *quants = quant_part + i * QUANT_BYTES;
        prefetch_lines(quants + PREFETCH, QUANT_BYTES);
        prefetch_lines(scale_part + 2 * GROUP * i + PREFETCH / 8, 1);
        const __m256 row_scales = _mm256_permutevar8x32_ps(
            _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(scale_part + 2 * GROUP * i))), spread);
        __m256i lo[GROUP / 2], hi[GROUP / 2];
        for (int p = 0; p < GROUP / 2; p++) {
            const __m256i packed = _mm256_loadu_si256((const __m256i *)(quants + 32 * p));
            lo[p] = _mm256_and_si256(packed, nibble);
            hi[p] = _mm256_and_si256(_mm256_srli_epi16(packed, 4), nibble);
        }
        for (int t = 0; t < COUNT; t++) {
            const block_q8_0 *y = (const block_q8_0 *)(activations + t * activation_bytes) + i;
            const __m256i first = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)y->qs));
            const __m256i second = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(y->qs + 16)));
            __m256i pair[GROUP / 2];
            for (int p = 0; p < GROUP / 2; p++)
                pair[p] = Q4_0_PAIR_SUMS(lo[p], hi[p], first, second);
            const __m256i sums = _mm256_hadd_epi32(_mm256_hadd_epi32(pair[0], pair[1]), _mm256_hadd_epi32(pair[2], pair[3]));
            const __m256i exact = _mm256_sub_epi32(sums, _mm256_set1_epi32(offsets[t * nb + i]));
            const __m256 scale = _mm256_mul_ps(row_scales, _mm256_set1_ps(half_to_float(y->d)));
            acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(exact), scale, acc[t]);
        }
    }
    for (int t = 0; t < COUNT; t++) _mm256_storeu_ps(out + t * GROUP, _mm256_permutevar8x32_ps(acc[t], gather));
}

static void BLOCK_SUMS_Q4_0(int64_t nb, const uint8_t *group, const void *activations, size_t activation_bytes,
                            const int32_t *offsets, int count, float *out) {
    const uint8_t *a = activations;
    switch (count) {
    case 1: q4_0_block_sums_pass(nb, group, a, activation_bytes, offsets, 1, out); break;
    case 2: q4_0_block_sums_pass(nb, group, a, activation_bytes, offsets, 2, out); break;
    case 3: q4_0_block_sums_pass(nb, group, a, activation_bytes, offsets, 3, out); break;
    default: q4_0_block_sums_pass(nb, group, a, activation_bytes, offsets, 4, out); break;
    }
}
