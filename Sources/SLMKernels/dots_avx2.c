/* x86-64 AVX2/FMA/F16C dot products. Compiled for the baseline ISA with a target
 * attribute on each function, so one binary runs everywhere and this path is only
 * taken after the CPU says it has AVX2, FMA and F16C. */
#include <math.h>
#include "blocks.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

SLM_TARGET_BEGIN("avx2,fma,f16c")

#include "avx2_blocks.h"

/* How many blocks ahead the one-row K-quant dots prefetch their weights. */
enum { PREFETCH_BLOCKS = 8 };

/* Pairwise int16 products of unsigned and signed bytes, weighted by int16 factors and
 * summed into 8 int32 lanes. */
static inline __m256i dot_unsigned_weighted(__m256i u, __m256i s, __m256i weights16) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), weights16);
}

/* Same for two signed vectors: move the sign of x onto y so maddubs sees |x|. */
static inline __m256i dot_signed_weighted(__m256i x, __m256i y, __m256i weights16) {
    return dot_unsigned_weighted(_mm256_sign_epi8(x, x), _mm256_sign_epi8(y, x), weights16);
}

static inline __m256i ones16(void) { return _mm256_set1_epi16(1); }

/* int16 weights: a for the first 16 bytes of a 32-byte product, b for the second. */
static inline __m256i split_weights(int a, int b) {
    return _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_set1_epi16((short)a)),
                                   _mm_set1_epi16((short)b), 1);
}

static float dot_f32(int64_t n, const void *w, const void *a) {
    const float *x = w, *y = a;
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 8), _mm256_loadu_ps(y + i + 8), acc1);
    }
    float sum = horizontal_sum(_mm256_add_ps(acc0, acc1));
    for (; i < n; i++) sum += x[i] * y[i];
    return sum;
}

static float dot_f16(int64_t n, const void *w, const void *a) {
    const uint16_t *x = w, *y = a;
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 x0 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i)));
        __m256 y0 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(y + i)));
        __m256 x1 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i + 8)));
        __m256 y1 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(y + i + 8)));
        acc0 = _mm256_fmadd_ps(x0, y0, acc0);
        acc1 = _mm256_fmadd_ps(x1, y1, acc1);
    }
    float sum = horizontal_sum(_mm256_add_ps(acc0, acc1));
    for (; i < n; i++) sum += half_to_float(x[i]) * half_to_float(y[i]);
    return sum;
}

static inline __m256 load_bf16(const uint16_t *p) {
    __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p));
    return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
}

static float dot_bf16(int64_t n, const void *w, const void *a) {
    const uint16_t *x = w, *y = a;
    __m256 acc = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) acc = _mm256_fmadd_ps(load_bf16(x + i), load_bf16(y + i), acc);
    float sum = horizontal_sum(acc);
    for (; i < n; i++) sum += slm_bf16_to_fp32(x[i]) * slm_bf16_to_fp32(y[i]);
    return sum;
}

static float dot_q4_0(int64_t n, const void *w, const void *a) {
    const block_q4_0 *x = w;
    const block_q8_0 *y = a;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / SLM_QK; i++) {
        __m256i qx = decode_q4_0(&x[i]);
        __m256i qy = _mm256_loadu_si256((const __m256i *)y[i].qs);
        __m256 d = _mm256_set1_ps(half_to_float(x[i].d) * half_to_float(y[i].d));
        acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(dot_signed_weighted(qx, qy, ones16())), acc);
    }
    return horizontal_sum(acc);
}

static float dot_q4_1(int64_t n, const void *w, const void *a) {
    const block_q4_1 *x = w;
    const block_q8_1 *y = a;
    __m256 acc = _mm256_setzero_ps();
    float mins = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK; i++) {
        __m256i qx = unpack_nibbles(x[i].qs);
        __m256i qy = _mm256_loadu_si256((const __m256i *)y[i].qs);
        __m256 d = _mm256_set1_ps(half_to_float(x[i].d) * half_to_float(y[i].d));
        acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(dot_unsigned_weighted(qx, qy, ones16())), acc);
        mins += half_to_float(x[i].m) * half_to_float(y[i].s);
    }
    return horizontal_sum(acc) + mins;
}

static float dot_q5_0(int64_t n, const void *w, const void *a) {
    const block_q5_0 *x = w;
    const block_q8_0 *y = a;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / SLM_QK; i++) {
        __m256i qx = decode_q5_0(&x[i]);
        __m256i qy = _mm256_loadu_si256((const __m256i *)y[i].qs);
        __m256 d = _mm256_set1_ps(half_to_float(x[i].d) * half_to_float(y[i].d));
        acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(dot_signed_weighted(qx, qy, ones16())), acc);
    }
    return horizontal_sum(acc);
}

/* Four activation rows against one weight row: each block is decoded once. Every
 * output gets exactly the operations dot_q5_0 / dot_q8_0 would give it. */
static inline void accumulate4_q8_0(__m256i qx, float dx, const block_q8_0 *const y[4], int64_t i, __m256 acc[4]) {
    __m256i ax = _mm256_sign_epi8(qx, qx);
    for (int t = 0; t < 4; t++) {
        __m256i sy = _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *)y[t][i].qs), qx);
        __m256 d = _mm256_set1_ps(dx * half_to_float(y[t][i].d));
        acc[t] = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(dot_unsigned_weighted(ax, sy, ones16())), acc[t]);
    }
}

static void dot4_q5_0(int64_t n, const void *w, const void *const a[4], float out[4]) {
    const block_q5_0 *x = w;
    const block_q8_0 *const y[4] = {a[0], a[1], a[2], a[3]};
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    for (int64_t i = 0; i < n / SLM_QK; i++) {
        accumulate4_q8_0(decode_q5_0(&x[i]), half_to_float(x[i].d), y, i, acc);
    }
    for (int t = 0; t < 4; t++) out[t] = horizontal_sum(acc[t]);
}

static void dot4_q8_0(int64_t n, const void *w, const void *const a[4], float out[4]) {
    const block_q8_0 *x = w;
    const block_q8_0 *const y[4] = {a[0], a[1], a[2], a[3]};
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    for (int64_t i = 0; i < n / SLM_QK; i++)
        accumulate4_q8_0(_mm256_loadu_si256((const __m256i *)x[i].qs), half_to_float(x[i].d), y, i, acc);
    for (int t = 0; t < 4; t++) out[t] = horizontal_sum(acc[t]);
}

static float dot_q5_1(int64_t n, const void *w, const void *a) {
    const block_q5_1 *x = w;
    const block_q8_1 *y = a;
    __m256 acc = _mm256_setzero_ps();
    float mins = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK; i++) {
        __m256i high = _mm256_and_si256(expand_bits(x[i].qh), _mm256_set1_epi8(0x10));
        __m256i qx = _mm256_or_si256(unpack_nibbles(x[i].qs), high);
        __m256i qy = _mm256_loadu_si256((const __m256i *)y[i].qs);
        __m256 d = _mm256_set1_ps(half_to_float(x[i].d) * half_to_float(y[i].d));
        acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(dot_unsigned_weighted(qx, qy, ones16())), acc);
        mins += half_to_float(x[i].m) * half_to_float(y[i].s);
    }
    return horizontal_sum(acc) + mins;
}

static float dot_q8_0(int64_t n, const void *w, const void *a) {
    const block_q8_0 *x = w;
    const block_q8_0 *y = a;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / SLM_QK; i++) {
        __m256i qx = _mm256_loadu_si256((const __m256i *)x[i].qs);
        __m256i qy = _mm256_loadu_si256((const __m256i *)y[i].qs);
        __m256 d = _mm256_set1_ps(half_to_float(x[i].d) * half_to_float(y[i].d));
        acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(dot_signed_weighted(qx, qy, ones16())), acc);
    }
    return horizontal_sum(acc);
}

static inline __m256i iq4_level_table(void) {
    __m128i levels = _mm_loadu_si128((const __m128i *)slm_iq4_levels);
    return _mm256_inserti128_si256(_mm256_castsi128_si256(levels), levels, 1);
}

static float dot_iq4_nl(int64_t n, const void *w, const void *a) {
    const block_iq4_nl *x = w;
    const block_q8_0 *y = a;
    const __m256i levels = iq4_level_table();
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / SLM_QK; i++) {
        __m256i qx = _mm256_shuffle_epi8(levels, unpack_nibbles(x[i].qs));
        __m256i qy = _mm256_loadu_si256((const __m256i *)y[i].qs);
        __m256 d = _mm256_set1_ps(half_to_float(x[i].d) * half_to_float(y[i].d));
        acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(dot_signed_weighted(qx, qy, ones16())), acc);
    }
    return horizontal_sum(acc);
}

static float dot_q2_K(int64_t n, const void *w, const void *a) {
    const block_q2_K *x = w;
    const block_q8_K *y = a;
    const __m256i mask2 = _mm256_set1_epi8(3);
    __m256 acc = _mm256_setzero_ps();
    float mins = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        int min_sum = 0;
        for (int g = 0; g < 16; g++) min_sum += y[i].bsums[g] * (x[i].scales[g] >> 4);
        __m256i sumi = _mm256_setzero_si256();
        const int8_t *q8 = y[i].qs;
        int group = 0;
        for (int half = 0; half < 2; half++) {
            __m256i q2 = _mm256_loadu_si256((const __m256i *)(x[i].qs + 32 * half));
            for (int j = 0; j < 4; j++, group += 2, q8 += 32) {
                __m256i qx = _mm256_and_si256(_mm256_srli_epi16(q2, 2 * j), mask2);
                __m256i qy = _mm256_loadu_si256((const __m256i *)q8);
                __m256i scales = split_weights(x[i].scales[group] & 0xF, x[i].scales[group + 1] & 0xF);
                sumi = _mm256_add_epi32(sumi, dot_unsigned_weighted(qx, qy, scales));
            }
        }
        __m256 d = _mm256_set1_ps(y[i].d * half_to_float(x[i].d));
        acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(sumi), acc);
        mins += y[i].d * half_to_float(x[i].dmin) * (float)min_sum;
    }
    return horizontal_sum(acc) - mins;
}

static float dot_q3_K(int64_t n, const void *w, const void *a) {
    const block_q3_K *x = w;
    const block_q8_K *y = a;
    const __m256i mask2 = _mm256_set1_epi8(3), one = _mm256_set1_epi8(1), four = _mm256_set1_epi8(4);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        int8_t scales[16];
        slm_unpack_scales_q3_K(x[i].scales, scales);
        __m256i hmask = _mm256_loadu_si256((const __m256i *)x[i].hmask);
        __m256i sumi = _mm256_setzero_si256();
        const int8_t *q8 = y[i].qs;
        int group = 0;
        for (int half = 0; half < 2; half++) {
            __m256i q3 = _mm256_loadu_si256((const __m256i *)(x[i].qs + 32 * half));
            for (int j = 0; j < 4; j++, group += 2, q8 += 32) {
                __m256i low = _mm256_and_si256(_mm256_srli_epi16(q3, 2 * j), mask2);
                __m256i high = _mm256_and_si256(_mm256_srli_epi16(hmask, 4 * half + j), one);
                /* value = low - 4 unless the high bit is set */
                __m256i qx = _mm256_sub_epi8(_mm256_or_si256(low, _mm256_slli_epi16(high, 2)), four);
                __m256i qy = _mm256_loadu_si256((const __m256i *)q8);
                sumi = _mm256_add_epi32(sumi, dot_signed_weighted(qx, qy,
                                               split_weights(scales[group], scales[group + 1])));
            }
        }
        __m256 d = _mm256_set1_ps(y[i].d * half_to_float(x[i].d));
        acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(sumi), acc);
    }
    return horizontal_sum(acc);
}


static inline int horizontal_sum_i32(__m256i v) {
    __m128i sum = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, 0x4E));
    sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, 0xB1));
    return _mm_cvtsi128_si32(sum);
}

/* A Q4_K/Q5_K super-block's eight 6-bit scales as int16 lanes 0-7 of both halves (for
 * k4_scale to pick from), unpacked as slm_unpack_scale_min_k4 does but four bytes at a time;
 * and its minimums times the activation's block sums, summed: slm_k4_min_sum's integer, by
 * one madd (each minimum twice, against the two 16-value sums of its 32 values). */
static inline __m256i k4_scales(const uint8_t packed[12], const int16_t bsums[16], int *min_sum) {
    uint32_t a, b, c;
    memcpy(&a, packed, 4);
    memcpy(&b, packed + 4, 4);
    memcpy(&c, packed + 8, 4);
    const uint32_t six = 0x3F3F3F3F, four = 0x0F0F0F0F, two = 0x03030303;
    const uint32_t scales_low = a & six, mins_low = b & six;
    const uint32_t scales_high = (c & four) | ((a >> 6) & two) << 4, mins_high = ((c >> 4) & four) | ((b >> 6) & two) << 4;
    const __m128i bytes = _mm_setr_epi32((int)scales_low, (int)scales_high, (int)mins_low, (int)mins_high);
    const __m256i mins = _mm256_cvtepu8_epi16(_mm_unpackhi_epi8(bytes, bytes));
    *min_sum = horizontal_sum_i32(_mm256_madd_epi16(mins, _mm256_loadu_si256((const __m256i *)bsums)));
    const __m256i scales = _mm256_cvtepu8_epi16(bytes);
    return _mm256_permute2x128_si256(scales, scales, 0x00);
}

/* Scale j (0-7) of k4_scales' vector in every int16 lane: bytes 2j and 2j + 1 picked. */
static inline __m256i k4_scale(__m256i scales, int j) {
    return _mm256_shuffle_epi8(scales, _mm256_set1_epi16((short)(0x0202 * j + 0x0100)));
}

/* Same arithmetic as the scalar path: an exact integer sum per super-block, then one fused
 * multiply-add per block, minimums apart. (The scales reach the products by byte shuffles of
 * one vector: broadcasting each from a general register cost a quarter of the kernel.) */
static float dot_q4_K(int64_t n, const void *w, const void *a) {
    const block_q4_K *x = w;
    const block_q8_K *y = a;
    const __m256i mask4 = _mm256_set1_epi8(0x0F);
    float acc = 0.0f, acc_min = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        prefetch_lines(x + i + PREFETCH_BLOCKS, sizeof *x);
        int min_sum;
        const __m256i scales = k4_scales(x[i].scales, y[i].bsums, &min_sum);
        __m256i sumi = _mm256_setzero_si256();
        for (int j = 0; j < 4; j++) {
            __m256i q4 = _mm256_loadu_si256((const __m256i *)(x[i].qs + 32 * j));
            __m256i low = _mm256_and_si256(q4, mask4);
            __m256i high = _mm256_and_si256(_mm256_srli_epi16(q4, 4), mask4);
            __m256i y0 = _mm256_loadu_si256((const __m256i *)(y[i].qs + 64 * j));
            __m256i y1 = _mm256_loadu_si256((const __m256i *)(y[i].qs + 64 * j + 32));
            sumi = _mm256_add_epi32(sumi, dot_unsigned_weighted(low, y0, k4_scale(scales, 2 * j)));
            sumi = _mm256_add_epi32(sumi, dot_unsigned_weighted(high, y1, k4_scale(scales, 2 * j + 1)));
        }
        acc = fmaf((float)horizontal_sum_i32(sumi), half_to_float(x[i].d) * y[i].d, acc);
        acc_min = fmaf((float)min_sum, half_to_float(x[i].dmin) * y[i].d, acc_min);
    }
    return acc - acc_min;
}

/* dot_q4_K against four activation rows, each weight block decoded once: integer sums are
 * exact and every float step is dot_q4_K's, so each output equals its dot_q4_K. */
static void dot4_q4_K(int64_t n, const void *w, const void *const a[4], float out[4]) {
    const block_q4_K *x = w;
    const block_q8_K *y[4] = {a[0], a[1], a[2], a[3]};
    const __m256i mask4 = _mm256_set1_epi8(0x0F);
    float acc[4] = {0}, acc_min[4] = {0};
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        uint8_t scales[8], mins[8];
        slm_unpack_scale_min_k4(x[i].scales, scales, mins);
        __m256i sumi[4] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256()};
        for (int j = 0; j < 4; j++) {
            __m256i q4 = _mm256_loadu_si256((const __m256i *)(x[i].qs + 32 * j));
            __m256i low = _mm256_and_si256(q4, mask4);
            __m256i high = _mm256_and_si256(_mm256_srli_epi16(q4, 4), mask4);
            __m256i s_low = _mm256_set1_epi16(scales[2 * j]), s_high = _mm256_set1_epi16(scales[2 * j + 1]);
            for (int t = 0; t < 4; t++) {
                __m256i y0 = _mm256_loadu_si256((const __m256i *)(y[t][i].qs + 64 * j));
                __m256i y1 = _mm256_loadu_si256((const __m256i *)(y[t][i].qs + 64 * j + 32));
                sumi[t] = _mm256_add_epi32(sumi[t], dot_unsigned_weighted(low, y0, s_low));
                sumi[t] = _mm256_add_epi32(sumi[t], dot_unsigned_weighted(high, y1, s_high));
            }
        }
        for (int t = 0; t < 4; t++) {
            acc[t] = fmaf((float)horizontal_sum_i32(sumi[t]), half_to_float(x[i].d) * y[t][i].d, acc[t]);
            acc_min[t] = fmaf((float)slm_k4_min_sum(mins, y[t][i].bsums), half_to_float(x[i].dmin) * y[t][i].d, acc_min[t]);
        }
    }
    for (int t = 0; t < 4; t++) out[t] = acc[t] - acc_min[t];
}

/* Batched rows of a repacked Q4_K matrix (always four at a time): one fused multiply-add
 * per 64 values. */
static void dot4_q4_K_grouped(int64_t n, const void *w, const void *const a[4], float out[4]) {
    const block_q4_K *x = w;
    const block_q8_K *y[4] = {a[0], a[1], a[2], a[3]};
    const __m256i mask4 = _mm256_set1_epi8(0x0F);
    float acc[4] = {0}, acc_min[4] = {0};
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        uint8_t scales[8], mins[8];
        slm_unpack_scale_min_k4(x[i].scales, scales, mins);
        const float dx = half_to_float(x[i].d), dminx = half_to_float(x[i].dmin);
        for (int j = 0; j < 4; j++) {
            __m256i q4 = _mm256_loadu_si256((const __m256i *)(x[i].qs + 32 * j));
            __m256i low = _mm256_and_si256(q4, mask4);
            __m256i high = _mm256_and_si256(_mm256_srli_epi16(q4, 4), mask4);
            __m256i s_low = _mm256_set1_epi16(scales[2 * j]), s_high = _mm256_set1_epi16(scales[2 * j + 1]);
            for (int t = 0; t < 4; t++) {
                const block_q8_K *yt = &y[t][i];
                __m256i y0 = _mm256_loadu_si256((const __m256i *)(yt->qs + 64 * j));
                __m256i y1 = _mm256_loadu_si256((const __m256i *)(yt->qs + 64 * j + 32));
                __m256i sumi = _mm256_add_epi32(dot_unsigned_weighted(low, y0, s_low), dot_unsigned_weighted(high, y1, s_high));
                const int16_t *bs = yt->bsums + 4 * j;
                int min_sum = mins[2 * j] * (bs[0] + bs[1]) + mins[2 * j + 1] * (bs[2] + bs[3]);
                acc[t] = fmaf((float)horizontal_sum_i32(sumi), dx * yt->d, acc[t]);
                acc_min[t] = fmaf((float)min_sum, dminx * yt->d, acc_min[t]);
            }
        }
    }
    for (int t = 0; t < 4; t++) out[t] = acc[t] - acc_min[t];
}

static float dot_q5_K(int64_t n, const void *w, const void *a) {
    const block_q5_K *x = w;
    const block_q8_K *y = a;
    const __m256i mask4 = _mm256_set1_epi8(0x0F), one = _mm256_set1_epi8(1);
    __m256 acc = _mm256_setzero_ps();
    float mins_total = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        prefetch_lines(x + i + PREFETCH_BLOCKS, sizeof *x);
        int min_sum;
        const __m256i scales = k4_scales(x[i].scales, y[i].bsums, &min_sum);
        __m256i qh = _mm256_loadu_si256((const __m256i *)x[i].qh);
        __m256i sumi = _mm256_setzero_si256();
        for (int j = 0; j < 4; j++) {
            __m256i q5 = _mm256_loadu_si256((const __m256i *)(x[i].qs + 32 * j));
            __m256i h0 = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * j), one), 4);
            __m256i h1 = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * j + 1), one), 4);
            __m256i low = _mm256_or_si256(_mm256_and_si256(q5, mask4), h0);
            __m256i high = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(q5, 4), mask4), h1);
            __m256i y0 = _mm256_loadu_si256((const __m256i *)(y[i].qs + 64 * j));
            __m256i y1 = _mm256_loadu_si256((const __m256i *)(y[i].qs + 64 * j + 32));
            sumi = _mm256_add_epi32(sumi, dot_unsigned_weighted(low, y0, k4_scale(scales, 2 * j)));
            sumi = _mm256_add_epi32(sumi, dot_unsigned_weighted(high, y1, k4_scale(scales, 2 * j + 1)));
        }
        __m256 d = _mm256_set1_ps(half_to_float(x[i].d) * y[i].d);
        acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(sumi), acc);
        mins_total += half_to_float(x[i].dmin) * y[i].d * (float)min_sum;
    }
    return horizontal_sum(acc) - mins_total;
}

/* One Q6_K block against Q8_K activations in eight int32 lanes, as the reference lays
 * them out: unsigned 6-bit values times activations, scaled per 16, minus
 * 32 * (block sums x scales) lane by lane. */
/* A Q6_K block decoded for the products: its 256 six-bit values as eight vectors of 32
 * unsigned bytes (values 32k .. 32k + 31), each with its two sub-blocks' scales. */
typedef struct {
    __m256i quarter[8];
    __m256i weights[8];
    __m256i scales16;
} q6_K_decoded;

static inline q6_K_decoded q6_K_decode(const block_q6_K *x) {
    const __m256i mask4 = _mm256_set1_epi8(0x0F), mask2 = _mm256_set1_epi8(3);
    const uint8_t *ql = x->ql, *qh = x->qh;
    const int8_t *sc = x->scales;
    q6_K_decoded b;
    b.scales16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)sc));
    /* scales 0-7 (then 8-15) in both halves; weights k takes scale 2k in its first half and
     * 2k + 1 in its second by one byte shuffle (not two broadcasts from general registers) */
    const __m256i eights[2] = {_mm256_permute4x64_epi64(b.scales16, 0x44), _mm256_permute4x64_epi64(b.scales16, 0xEE)};
    for (int half = 0; half < 2; half++) {
        __m256i l0 = _mm256_loadu_si256((const __m256i *)(ql + 64 * half));
        __m256i l1 = _mm256_loadu_si256((const __m256i *)(ql + 64 * half + 32));
        __m256i hb = _mm256_loadu_si256((const __m256i *)(qh + 32 * half));
        b.quarter[4 * half + 0] = _mm256_or_si256(_mm256_and_si256(l0, mask4), _mm256_slli_epi16(_mm256_and_si256(hb, mask2), 4));
        b.quarter[4 * half + 1] = _mm256_or_si256(_mm256_and_si256(l1, mask4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 2), mask2), 4));
        b.quarter[4 * half + 2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), mask4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 4), mask2), 4));
        b.quarter[4 * half + 3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), mask4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 6), mask2), 4));
        for (int k = 0; k < 4; k++) {
            const __m256i pick = _mm256_setr_epi16(
                (short)(0x0404 * k + 0x0100), (short)(0x0404 * k + 0x0100), (short)(0x0404 * k + 0x0100),
                (short)(0x0404 * k + 0x0100), (short)(0x0404 * k + 0x0100), (short)(0x0404 * k + 0x0100),
                (short)(0x0404 * k + 0x0100), (short)(0x0404 * k + 0x0100), (short)(0x0404 * k + 0x0302),
                (short)(0x0404 * k + 0x0302), (short)(0x0404 * k + 0x0302), (short)(0x0404 * k + 0x0302),
                (short)(0x0404 * k + 0x0302), (short)(0x0404 * k + 0x0302), (short)(0x0404 * k + 0x0302),
                (short)(0x0404 * k + 0x0302));
            b.weights[4 * half + k] = _mm256_shuffle_epi8(eights[half], pick);
        }
    }
    return b;
}

/* The block's exact integer lanes against one activation block: the products with the
 * unsigned values, less 32 times the scaled block sums (the values' offset). */
static inline __m256i q6_K_lanes(const q6_K_decoded *b, const block_q8_K *y) {
    __m256i bias = _mm256_slli_epi32(_mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)y->bsums), b->scales16), 5);
    __m256i sumi = _mm256_setzero_si256();
    for (int k = 0; k < 8; k++) {
        __m256i qy = _mm256_loadu_si256((const __m256i *)(y->qs + 32 * k));
        sumi = _mm256_add_epi32(sumi, dot_unsigned_weighted(b->quarter[k], qy, b->weights[k]));
    }
    return _mm256_sub_epi32(sumi, bias);
}

static float dot_q6_K(int64_t n, const void *w, const void *a) {
    const block_q6_K *x = w;
    const block_q8_K *y = a;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        prefetch_lines(x + i + PREFETCH_BLOCKS, sizeof *x);
        const float d = y[i].d * half_to_float(x[i].d);
        const q6_K_decoded b = q6_K_decode(&x[i]);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(q6_K_lanes(&b, &y[i])), acc);
    }
    return horizontal_sum(acc);
}

/* dot_q6_K against four activation rows, each weight block decoded once (each output
 * equals its dot_q6_K: exact integer lanes, then dot_q6_K's float steps). */
static void dot4_q6_K(int64_t n, const void *w, const void *const a[4], float out[4]) {
    const block_q6_K *x = w;
    const block_q8_K *y[4] = {a[0], a[1], a[2], a[3]};
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        const q6_K_decoded b = q6_K_decode(&x[i]);
        for (int t = 0; t < 4; t++) {
            const float d = y[t][i].d * half_to_float(x[i].d);
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(q6_K_lanes(&b, &y[t][i])), acc[t]);
        }
    }
    for (int t = 0; t < 4; t++) out[t] = horizontal_sum(acc[t]);
}

static void dot4_q6_K_tiled(int64_t n, const void *w, const void *const a[4], float out[4]) {
    const block_q6_K *x = w;
    const block_q8_K *y[4] = {a[0], a[1], a[2], a[3]};
    float acc[4] = {0};
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        const q6_K_decoded b = q6_K_decode(&x[i]);
        const float dx = half_to_float(x[i].d);
        for (int t = 0; t < 4; t++) {
            int s1 = horizontal_sum_i32(q6_K_lanes(&b, &y[t][i]));
            acc[t] = fmaf(dx * (float)s1, y[t][i].d, acc[t]);
        }
    }
    for (int t = 0; t < 4; t++) out[t] = acc[t];
}

/* The tiled batch arithmetic (see dots_scalar.c): exact block sums, then d*s1 and a
 * fused multiply-add with the activation scale. */
static float dot_q6_K_tiled(int64_t n, const void *w, const void *a) {
    const block_q6_K *x = w;
    const block_q8_K *y = a;
    float out = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        const q6_K_decoded b = q6_K_decode(&x[i]);
        int s1 = horizontal_sum_i32(q6_K_lanes(&b, &y[i]));
        out = fmaf(half_to_float(x[i].d) * (float)s1, y[i].d, out);
    }
    return out;
}

/* A Q5_K block's 256 five-bit values as eight vectors of 32 unsigned bytes (values 32k ..
 * 32k + 31: the low and high nibbles of each 32 quant bytes with their fifth bits), and
 * each vector's sub-block scale. */
/* A Q5_K block decoded for the products: its values 0..31 as eight vectors of 32 bytes,
 * each sub-block's scale as int16 lanes, and its minimums, each twice, as int16 lanes
 * against the activation's sixteen partial sums. */
typedef struct {
    __m256i values[8];
    __m256i scales[8];
    __m256i mins;
} q5_K_decoded;

static inline q5_K_decoded q5_K_decode(const block_q5_K *x) {
    q5_K_decoded b;
    uint8_t scales[8], mins[8];
    slm_unpack_scale_min_k4(x->scales, scales, mins);
    const __m256i mask4 = _mm256_set1_epi8(0x0F), one = _mm256_set1_epi8(1);
    const __m256i qh = _mm256_loadu_si256((const __m256i *)x->qh);
    for (int j = 0; j < 4; j++) {
        const __m256i q5 = _mm256_loadu_si256((const __m256i *)(x->qs + 32 * j));
        const __m256i h0 = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * j), one), 4);
        const __m256i h1 = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * j + 1), one), 4);
        b.values[2 * j] = _mm256_or_si256(_mm256_and_si256(q5, mask4), h0);
        b.values[2 * j + 1] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(q5, 4), mask4), h1);
    }
    for (int k = 0; k < 8; k++) b.scales[k] = _mm256_set1_epi16(scales[k]);
    const __m128i packed_mins = _mm_loadl_epi64((const __m128i *)mins);
    b.mins = _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(packed_mins, packed_mins));
    return b;
}

/* The block's exact integer sums against one activation block: s1 of scale x value x
 * activation, s2 of minimum x sub-block activation sum (slm_k4_min_sum), both reduced
 * together. */
static inline void q5_K_block_sums(const q5_K_decoded *b, const block_q8_K *y, int *s1, int *s2) {
    __m256i products[8];
    for (int k = 0; k < 8; k++)
        products[k] = dot_unsigned_weighted(b->values[k], _mm256_loadu_si256((const __m256i *)(y->qs + 32 * k)), b->scales[k]);
    /* added as a tree, so the sum's chain is three additions long */
    for (int width = 4; width >= 1; width /= 2)
        for (int k = 0; k < width; k++) products[k] = _mm256_add_epi32(products[k], products[k + width]);
    const __m256i sumi = products[0];
    const __m256i min_lanes = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)y->bsums), b->mins);
    /* [s1 s1 s2 s2 | s1 s1 s2 s2] pairs, the halves added, then the pairs */
    const __m256i pairs = _mm256_hadd_epi32(sumi, min_lanes);
    __m128i both = _mm_add_epi32(_mm256_castsi256_si128(pairs), _mm256_extracti128_si256(pairs, 1));
    both = _mm_hadd_epi32(both, both);
    *s1 = _mm_cvtsi128_si32(both);
    *s2 = _mm_extract_epi32(both, 1);
}

/* The tiled batch arithmetic of Q5_K (see dots_scalar.c): exact block sums s1 and s2, then
 * res = fma(-dmin, s2, d * s1) and a fused multiply-add with the activation scale. */
static float dot_q5_K_tiled(int64_t n, const void *w, const void *a) {
    const block_q5_K *x = w;
    const block_q8_K *y = a;
    float out = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        const q5_K_decoded b = q5_K_decode(&x[i]);
        int s1, s2;
        q5_K_block_sums(&b, &y[i], &s1, &s2);
        const float res = fmaf(-half_to_float(x[i].dmin), (float)s2, half_to_float(x[i].d) * (float)s1);
        out = fmaf(res, y[i].d, out);
    }
    return out;
}

/* dot_q5_K_tiled against four activation rows, each weight block decoded once. */
static void dot4_q5_K_tiled(int64_t n, const void *w, const void *const a[4], float out[4]) {
    const block_q5_K *x = w;
    const block_q8_K *y[4] = {a[0], a[1], a[2], a[3]};
    float acc[4] = {0};
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        const q5_K_decoded b = q5_K_decode(&x[i]);
        const float dx = half_to_float(x[i].d), dminx = half_to_float(x[i].dmin);
        for (int t = 0; t < 4; t++) {
            int s1, s2;
            q5_K_block_sums(&b, &y[t][i], &s1, &s2);
            acc[t] = fmaf(fmaf(-dminx, (float)s2, dx * (float)s1), y[t][i].d, acc[t]);
        }
    }
    for (int t = 0; t < 4; t++) out[t] = acc[t];
}

/* An IQ4_XS block against the blocks of T activation rows (each weight group looked up in
 * the levels once): each row's exact scale * level * activation sums in eight lanes. */
static inline __attribute__((always_inline)) void iq4_xs_block_lanes(int T, const block_iq4_xs *x, __m256i levels,
                                                                     const block_q8_K *const y[], __m256i sumi[]) {
    for (int t = 0; t < T; t++) sumi[t] = _mm256_setzero_si256();
    for (int group = 0; group < 8; group++) {
        const __m256i qx = _mm256_shuffle_epi8(levels, unpack_nibbles(x->qs + 16 * group));
        const __m256i scale = _mm256_set1_epi16((short)slm_iq4_xs_scale(x, group));
        for (int t = 0; t < T; t++) {
            const __m256i qy = _mm256_loadu_si256((const __m256i *)(y[t]->qs + 32 * group));
            sumi[t] = _mm256_add_epi32(sumi[t], dot_signed_weighted(qx, qy, scale));
        }
    }
}

static float dot_iq4_xs(int64_t n, const void *w, const void *a) {
    const block_iq4_xs *x = w;
    const __m256i levels = iq4_level_table();
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        prefetch_lines(x + i + PREFETCH_BLOCKS, sizeof *x);
        const block_q8_K *y[1] = {(const block_q8_K *)a + i};
        __m256i sumi[1];
        iq4_xs_block_lanes(1, &x[i], levels, y, sumi);
        __m256 d = _mm256_set1_ps(half_to_float(x[i].d) * y[0]->d);
        acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(sumi[0]), acc);
    }
    return horizontal_sum(acc);
}

/* dot_iq4_xs against four activation rows: the integer sums are exact and every float
 * step is dot_iq4_xs's, so each output equals its dot_iq4_xs (a prompt's rows four at a
 * time, as the reference's one-row kernel gives them). */
static void dot4_iq4_xs(int64_t n, const void *w, const void *const a[4], float out[4]) {
    const block_iq4_xs *x = w;
    const __m256i levels = iq4_level_table();
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        const block_q8_K *y[4];
        for (int t = 0; t < 4; t++) y[t] = (const block_q8_K *)a[t] + i;
        __m256i sumi[4];
        iq4_xs_block_lanes(4, &x[i], levels, y, sumi);
        const float dx = half_to_float(x[i].d);
        for (int t = 0; t < 4; t++) acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(dx * y[t]->d), _mm256_cvtepi32_ps(sumi[t]), acc[t]);
    }
    for (int t = 0; t < 4; t++) out[t] = horizontal_sum(acc[t]);
}

/* The tiled batch arithmetic of IQ4_XS (see dots_scalar.c): a block's exact sum, times
 * the row scale, then a fused multiply-add with the activation scale. */
static float dot_iq4_xs_tiled(int64_t n, const void *w, const void *a) {
    const block_iq4_xs *x = w;
    const __m256i levels = iq4_level_table();
    float out = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        const block_q8_K *y[1] = {(const block_q8_K *)a + i};
        __m256i sumi[1];
        iq4_xs_block_lanes(1, &x[i], levels, y, sumi);
        out = fmaf(half_to_float(x[i].d) * (float)horizontal_sum_i32(sumi[0]), y[0]->d, out);
    }
    return out;
}

/* dot_iq4_xs_tiled against four activation rows, each weight group looked up once. */
static void dot4_iq4_xs_tiled(int64_t n, const void *w, const void *const a[4], float out[4]) {
    const block_iq4_xs *x = w;
    const __m256i levels = iq4_level_table();
    for (int t = 0; t < 4; t++) out[t] = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        const block_q8_K *y[4];
        for (int t = 0; t < 4; t++) y[t] = (const block_q8_K *)a[t] + i;
        __m256i sumi[4];
        iq4_xs_block_lanes(4, &x[i], levels, y, sumi);
        const float dx = half_to_float(x[i].d);
        for (int t = 0; t < 4; t++) out[t] = fmaf(dx * (float)horizontal_sum_i32(sumi[t]), y[t]->d, out[t]);
    }
}

/* Four weight rows against one activation row: the steps of dot_q4_0 / dot_q8_0 for each
 * row, four sums side by side so their dependent chains overlap. */
static inline __attribute__((always_inline)) void dot_rows4(int type, int64_t n, const void *const w[4], const void *a,
                                                            float out[4]) {
    const block_q8_0 *y = a;
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    for (int64_t i = 0; i < n / SLM_QK; i++) {
        const __m256i qy = _mm256_loadu_si256((const __m256i *)y[i].qs);
        const float dy = half_to_float(y[i].d);
        for (int r = 0; r < 4; r++) {
            __m256i qx;
            float dx;
            if (type == SLM_TYPE_Q4_0) {
                const block_q4_0 *x = (const block_q4_0 *)w[r] + i;
                qx = decode_q4_0(x);
                dx = half_to_float(x->d);
            } else {
                const block_q8_0 *x = (const block_q8_0 *)w[r] + i;
                qx = _mm256_loadu_si256((const __m256i *)x->qs);
                dx = half_to_float(x->d);
            }
            const __m256 d = _mm256_set1_ps(dx * dy);
            acc[r] = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(dot_signed_weighted(qx, qy, ones16())), acc[r]);
        }
    }
    for (int r = 0; r < 4; r++) out[r] = horizontal_sum(acc[r]);
}

static void dot_rows4_q4_0(int64_t n, const void *const w[4], const void *a, float out[4]) {
    dot_rows4(SLM_TYPE_Q4_0, n, w, a, out);
}

static void dot_rows4_q8_0(int64_t n, const void *const w[4], const void *a, float out[4]) {
    dot_rows4(SLM_TYPE_Q8_0, n, w, a, out);
}

SLM_TARGET_END

void slm_avx2_dot_rows4s(slm_rows4_fn table[SLM_TYPE_TABLE_SIZE]) {
    table[SLM_TYPE_Q4_0] = dot_rows4_q4_0;
    table[SLM_TYPE_Q8_0] = dot_rows4_q8_0;
}

void slm_avx2_grouped_dot4s(slm_dot4_fn table[SLM_TYPE_TABLE_SIZE]) { table[SLM_TYPE_Q4_K] = dot4_q4_K_grouped; }

void slm_avx2_tiled_dot4s(slm_dot4_fn table[SLM_TYPE_TABLE_SIZE]) {
    table[SLM_TYPE_Q5_K] = dot4_q5_K_tiled;
    table[SLM_TYPE_Q6_K] = dot4_q6_K_tiled;
    table[SLM_TYPE_IQ4_XS] = dot4_iq4_xs_tiled;
}

void slm_avx2_dot4s(slm_dot4_fn table[SLM_TYPE_TABLE_SIZE]) {
    table[SLM_TYPE_Q4_K] = dot4_q4_K;
    table[SLM_TYPE_Q6_K] = dot4_q6_K;
    table[SLM_TYPE_Q5_0] = dot4_q5_0;
    table[SLM_TYPE_Q8_0] = dot4_q8_0;
    table[SLM_TYPE_IQ4_XS] = dot4_iq4_xs;
}

void slm_avx2_tiled_dots(slm_dot_fn table[SLM_TYPE_TABLE_SIZE]) {
    table[SLM_TYPE_Q5_K] = dot_q5_K_tiled;
    table[SLM_TYPE_Q6_K] = dot_q6_K_tiled;
    table[SLM_TYPE_IQ4_XS] = dot_iq4_xs_tiled;
}

void slm_avx2_dots(slm_dot_fn table[SLM_TYPE_TABLE_SIZE]) {
    table[SLM_TYPE_F32] = dot_f32;
    table[SLM_TYPE_F16] = dot_f16;
    table[SLM_TYPE_BF16] = dot_bf16;
    table[SLM_TYPE_Q4_0] = dot_q4_0;
    table[SLM_TYPE_Q4_1] = dot_q4_1;
    table[SLM_TYPE_Q5_0] = dot_q5_0;
    table[SLM_TYPE_Q5_1] = dot_q5_1;
    table[SLM_TYPE_Q8_0] = dot_q8_0;
    table[SLM_TYPE_IQ4_NL] = dot_iq4_nl;
    table[SLM_TYPE_Q2_K] = dot_q2_K;
    table[SLM_TYPE_Q3_K] = dot_q3_K;
    table[SLM_TYPE_Q4_K] = dot_q4_K;
    table[SLM_TYPE_Q5_K] = dot_q5_K;
    table[SLM_TYPE_Q6_K] = dot_q6_K;
    table[SLM_TYPE_IQ4_XS] = dot_iq4_xs;
}

#else
void slm_avx2_dots(slm_dot_fn table[SLM_TYPE_TABLE_SIZE]) { (void)table; }
void slm_avx2_dot_rows4s(slm_rows4_fn table[SLM_TYPE_TABLE_SIZE]) { (void)table; }
void slm_avx2_dot4s(slm_dot4_fn table[SLM_TYPE_TABLE_SIZE]) { (void)table; }
void slm_avx2_grouped_dot4s(slm_dot4_fn table[SLM_TYPE_TABLE_SIZE]) { (void)table; }
void slm_avx2_tiled_dot4s(slm_dot4_fn table[SLM_TYPE_TABLE_SIZE]) { (void)table; }
void slm_avx2_tiled_dots(slm_dot_fn table[SLM_TYPE_TABLE_SIZE]) { (void)table; }
#endif
