/* Helpers shared by the x86-64 kernel files. Included inside each file's target region
 * (avx2,fma,f16c or wider), so these inline functions are compiled for that target. */
#ifndef SLM_AVX2_BLOCKS_H
#define SLM_AVX2_BLOCKS_H

static inline float half_to_float(slm_half h) { return _cvtsh_ss(h); }

static inline float horizontal_sum(__m256 v) {
    __m128 sum = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    sum = _mm_add_ps(sum, _mm_movehl_ps(sum, sum));
    sum = _mm_add_ss(sum, _mm_movehdup_ps(sum));
    return _mm_cvtss_f32(sum);
}

/* Asks for the cache lines of `bytes` bytes at `p` ahead of use: a generated token's
 * product streams its weights once, and the hardware prefetcher alone left the one-row
 * K-quant and packed AVX2 kernels waiting on memory (one thread over a matrix of 75-150
 * MB on an AVX2 EPYC, two alternated runs: packed Q5_0 3.9 -> 6.8 GB/s, Q4_0 6.2 -> 7.8,
 * Q8_0 7.1 -> 7.9; Q6_K 6.4 -> 8.5, Q4_K 6.3 -> 7.4). A hint: addresses past the end of
 * the weights are not read. */
static inline void prefetch_lines(const void *p, int bytes) {
    for (int line = 0; line < bytes; line += 64) _mm_prefetch((const char *)p + line, _MM_HINT_T0);
}

/* 16 bytes of packed nibbles -> 32 bytes: low nibbles first (elements 0-15), then high.
 * The bytes are loaded into both halves at once and only the upper half shifted: a shift
 * and an insert fewer on the shuffle pipes, which bound the IQ4_XS dot. */
static inline __m256i unpack_nibbles(const uint8_t *p) {
    const __m256i both = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)p));
    return _mm256_and_si256(_mm256_srlv_epi32(both, _mm256_setr_epi32(0, 0, 0, 0, 4, 4, 4, 4)), _mm256_set1_epi8(0x0F));
}

/* 32 bits -> 32 bytes, 0xFF where the bit is set. */
static inline __m256i expand_bits(const uint8_t *p) {
    uint32_t bits = slm_load_u32(p);
    const __m256i spread = _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202,
                                             0x0101010101010101, 0x0000000000000000);
    __m256i bytes = _mm256_shuffle_epi8(_mm256_set1_epi32((int)bits), spread);
    const __m256i select = _mm256_set1_epi64x((long long)0x8040201008040201ULL);
    return _mm256_cmpeq_epi8(_mm256_and_si256(bytes, select), select);
}

/* A Q5_0 block as 32 signed bytes (-16…15). */
static inline __m256i decode_q4_0(const block_q4_0 *x) {
    return _mm256_sub_epi8(unpack_nibbles(x->qs), _mm256_set1_epi8(8));
}

static inline __m256i decode_q5_0(const block_q5_0 *x) {
    __m256i high = _mm256_and_si256(expand_bits(x->qh), _mm256_set1_epi8(0x10));
    return _mm256_sub_epi8(_mm256_or_si256(unpack_nibbles(x->qs), high), _mm256_set1_epi8(16));
}

#endif
