/* The packed Q4_0 kernels (layout in packed_q4_0.h) for eight rows at a time, included by
 * packed_q4_0_x86.c inside its AVX2 and AVX-512 VNNI target regions. They define, before
 * including it:
 *   Q4_0_LANES_FN, Q4_0_SUMS_PASS, Q4_0_SUMS_GROUP   the functions' names
 *   Q4_0_LANE_SUM(offset, w, y)   offset plus, in each int32 lane, the sum of the lane's four
 *                 products of unsigned bytes w and signed bytes y (exact: at most 4 * 15 * 128)
 *   Q4_0_BLOCK_SUM(offset, lo, hi, words)   offset plus, in each lane, the sum over chunks c
 *                 of lo[c] against words[c] and hi[c] against words[4 + c]: a row's 32
 *                 products
 *   PREFETCH_HINT, PREFETCH_BYTES   how a generated token asks for the weights ahead
 * and the helpers q4_0_scales (a block's eight row scales times the activation's) and
 * q4_0_word (an activation word in every lane). Lane r is row r throughout, so every integer
 * is exact and in its row's lane: the versions give the same numbers. */

/* dot_q4_0's eight lanes, each a fused multiply-add per block, for eight rows: lane k of
 * every row in accumulator k, added at the end in the order of the one-row dot's horizontal
 * sum. */
static void Q4_0_LANES_FN(int64_t nb, const uint8_t *group, const block_q8_0 *y, const int32_t *offsets,
                          float out[8]) {
    const uint8_t *quants = group + 2 * PACKED_Q4_0_ROWS * nb;
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    __m256 acc[8];
    for (int k = 0; k < 8; k++) acc[k] = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const uint8_t *block = quants + PACKED_Q4_0_QUANTS * i;
        for (int line = 0; line < PACKED_Q4_0_QUANTS; line += 64)
            _mm_prefetch((const char *)block + PREFETCH_BYTES + line, PREFETCH_HINT);
        _mm_prefetch((const char *)group + 2 * PACKED_Q4_0_ROWS * i + PREFETCH_BYTES / 8, PREFETCH_HINT);
        const __m256 scale = q4_0_scales(group, i, y + i);
        for (int c = 0; c < 4; c++) {
            const __m256i packed = _mm256_loadu_si256((const __m256i *)(block + 32 * c));
            const __m256i lo = _mm256_and_si256(packed, nibble);
            const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(packed, 4), nibble);
            const __m256i low_sums = Q4_0_LANE_SUM(_mm256_set1_epi32(offsets[8 * i + c]), lo, q4_0_word(y + i, c));
            const __m256i high_sums =
                Q4_0_LANE_SUM(_mm256_set1_epi32(offsets[8 * i + 4 + c]), hi, q4_0_word(y + i, 4 + c));
            acc[c] = _mm256_fmadd_ps(scale, _mm256_cvtepi32_ps(low_sums), acc[c]);
            acc[4 + c] = _mm256_fmadd_ps(scale, _mm256_cvtepi32_ps(high_sums), acc[4 + c]);
        }
    }
    const __m256 even = _mm256_add_ps(_mm256_add_ps(acc[0], acc[4]), _mm256_add_ps(acc[2], acc[6]));
    const __m256 odd = _mm256_add_ps(_mm256_add_ps(acc[1], acc[5]), _mm256_add_ps(acc[3], acc[7]));
    _mm256_storeu_ps(out, _mm256_add_ps(even, odd));
}

/* One group against COUNT activation rows in the repacked arithmetic: the group's nibbles
 * unpacked once a block for all of them. out[t * 16 + r]. */
static inline __attribute__((always_inline)) void Q4_0_SUMS_PASS(int64_t nb, const uint8_t *group,
                                                                 const uint8_t *activations, size_t activation_bytes,
                                                                 const int32_t *offsets, const int COUNT, float *out) {
    const uint8_t *quants = group + 2 * PACKED_Q4_0_ROWS * nb;
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    __m256 acc[PACKED_Q4_0_ACTIVATIONS];
    for (int t = 0; t < COUNT; t++) acc[t] = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const uint8_t *block = quants + PACKED_Q4_0_QUANTS * i;
        __m256i lo[4], hi[4];
        for (int c = 0; c < 4; c++) {
            const __m256i packed = _mm256_loadu_si256((const __m256i *)(block + 32 * c));
            lo[c] = _mm256_and_si256(packed, nibble);
            hi[c] = _mm256_and_si256(_mm256_srli_epi16(packed, 4), nibble);
        }
        const __m256 dx = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(group + 2 * PACKED_Q4_0_ROWS * i)));
        for (int t = 0; t < COUNT; t++) {
            const block_q8_0 *y = (const block_q8_0 *)(activations + t * activation_bytes) + i;
            __m256i words[8];
            for (int k = 0; k < 8; k++) words[k] = q4_0_word(y, k);
            const __m256i sums = Q4_0_BLOCK_SUM(_mm256_set1_epi32(offsets[t * nb + i]), lo, hi, words);
            acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sums), _mm256_mul_ps(dx, _mm256_set1_ps(half_to_float(y->d))),
                                     acc[t]);
        }
    }
    for (int t = 0; t < COUNT; t++) _mm256_storeu_ps(out + 16 * t, acc[t]);
}

/* Each count its own copy, so the loops over activation rows unroll and the accumulators
 * stay in registers. */
static void Q4_0_SUMS_GROUP(int64_t nb, const uint8_t *group, const uint8_t *activations, size_t activation_bytes,
                            const int32_t *offsets, int count, float *out) {
    switch (count) {
    case 1: Q4_0_SUMS_PASS(nb, group, activations, activation_bytes, offsets, 1, out); break;
    case 2: Q4_0_SUMS_PASS(nb, group, activations, activation_bytes, offsets, 2, out); break;
    case 3: Q4_0_SUMS_PASS(nb, group, activations, activation_bytes, offsets, 3, out); break;
    default: Q4_0_SUMS_PASS(nb, group, activations, activation_bytes, offsets, 4, out); break;
    }
}
