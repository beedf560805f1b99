/* The packed Q4_K group kernel (packed_q4_K.h), included by the AVX2 and AVX-512 VNNI files
 * inside their target regions. They define, before including it:
 *   Q4_K_GROUP_FN   the function's name
 *   Q4_K_DOT(acc, w, y)   acc plus, in each int32 lane, the sum of the lane's four products
 *                   of unsigned bytes w and signed bytes y (exact: at most 4 * 15 * 128)
 *
 * Lane r is row r throughout. Per super-block, each sub-block's products are summed in the
 * lanes (below 2^16), multiplied by the rows' 6-bit scales and added: the exact integer of
 * dot_q4_K; the minimums likewise against the activation's sums; then dot_q4_K's two fused
 * multiply-adds, for eight rows at once. */

/* Byte k (0-3) of each 32-bit lane. */
static inline __m256i lane_byte(__m256i v, int k) {
    return _mm256_and_si256(_mm256_srli_epi32(v, 8 * k), _mm256_set1_epi32(0xFF));
}

static void Q4_K_GROUP_FN(int64_t nb, const uint8_t *group, const void *activation, float out[8]) {
    const block_q8_K *y = activation;
    const __m256i mask4 = _mm256_set1_epi8(0x0F);
    const __m256i six = _mm256_set1_epi8(0x3F), four = _mm256_set1_epi8(0x0F), two = _mm256_set1_epi8(0x03);
    __m256 acc = _mm256_setzero_ps(), acc_min = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const uint8_t *block = group + i * PACKED_Q4_K_BYTES;
        for (int line = 0; line < PACKED_Q4_K_BYTES; line += 64)
            _mm_prefetch((const char *)block + PREFETCH_BYTES + line, _MM_HINT_T1);
        /* the rows' scales and minimums, unpacked as slm_unpack_scale_min_k4 does, four per lane */
        const __m256i a = _mm256_loadu_si256((const __m256i *)(block + PACKED_Q4_K_SCALES));
        const __m256i b = _mm256_loadu_si256((const __m256i *)(block + PACKED_Q4_K_SCALES + 32));
        const __m256i c = _mm256_loadu_si256((const __m256i *)(block + PACKED_Q4_K_SCALES + 64));
        const __m256i scales[2] = {_mm256_and_si256(a, six),
                                   _mm256_or_si256(_mm256_and_si256(c, four),
                                                   _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(a, 6), two), 4))};
        const __m256i mins[2] = {_mm256_and_si256(b, six),
                                 _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi32(c, 4), four),
                                                 _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(b, 6), two), 4))};
        const uint8_t *quants = block + PACKED_Q4_K_QUANTS;
        __m256i sum = _mm256_setzero_si256(), min_sum = _mm256_setzero_si256();
        for (int j = 0; j < 4; j++) {
            __m256i low = _mm256_setzero_si256(), high = _mm256_setzero_si256();
            const uint8_t *q8 = (const uint8_t *)y[i].qs + 64 * j;
            for (int chunk = 0; chunk < 8; chunk++) {
                const __m256i q4 = _mm256_loadu_si256((const __m256i *)(quants + 32 * (8 * j + chunk)));
                low = Q4_K_DOT(low, _mm256_and_si256(q4, mask4), _mm256_set1_epi32((int)slm_load_u32(q8 + 4 * chunk)));
                high = Q4_K_DOT(high, _mm256_and_si256(_mm256_srli_epi16(q4, 4), mask4),
                                _mm256_set1_epi32((int)slm_load_u32(q8 + 32 + 4 * chunk)));
            }
            /* sub-blocks 2j and 2j + 1: scale bytes 2j, 2j + 1 of the twelve's first eight */
            sum = _mm256_add_epi32(sum, _mm256_mullo_epi32(low, lane_byte(scales[j / 2], (2 * j) % 4)));
            sum = _mm256_add_epi32(sum, _mm256_mullo_epi32(high, lane_byte(scales[j / 2], (2 * j + 1) % 4)));
        }
        for (int k = 0; k < 8; k++) {
            const int pair = y[i].bsums[2 * k] + y[i].bsums[2 * k + 1];
            min_sum = _mm256_add_epi32(min_sum, _mm256_mullo_epi32(lane_byte(mins[k / 4], k % 4), _mm256_set1_epi32(pair)));
        }
        const __m256 dy = _mm256_set1_ps(y[i].d);
        const __m256 d = _mm256_mul_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)block)), dy);
        const __m256 dmin = _mm256_mul_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(block + PACKED_Q4_K_DMIN))), dy);
        acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sum), d, acc);
        acc_min = _mm256_fmadd_ps(_mm256_cvtepi32_ps(min_sum), dmin, acc_min);
    }
    _mm256_storeu_ps(out, _mm256_sub_ps(acc, acc_min));
}
