/* Scalar dot products: the definition of correct that the SIMD paths are tested against.
 * Integer sums per block, then one float scale per block, as the reference does. */
#include <math.h>
#include "blocks.h"

#define H(x) slm_fp16_to_fp32(x)

static float dot_f32(int64_t n, const void *w, const void *a) {
    const float *x = w, *y = a;
    double sum = 0.0;
    for (int64_t i = 0; i < n; i++) sum += (double)(x[i] * y[i]);
    return (float)sum;
}

static float dot_f16(int64_t n, const void *w, const void *a) {
    const uint16_t *x = w, *y = a;
    double sum = 0.0;
    for (int64_t i = 0; i < n; i++) sum += (double)(H(x[i]) * H(y[i]));
    return (float)sum;
}

static float dot_bf16(int64_t n, const void *w, const void *a) {
    const uint16_t *x = w, *y = a;
    double sum = 0.0;
    for (int64_t i = 0; i < n; i++) sum += (double)(slm_bf16_to_fp32(x[i]) * slm_bf16_to_fp32(y[i]));
    return (float)sum;
}

static float dot_q4_0(int64_t n, const void *w, const void *a) {
    const block_q4_0 *x = w;
    const block_q8_0 *y = a;
    float sum = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK; i++) {
        int sumi = 0;
        for (int j = 0; j < SLM_QK / 2; j++) {
            sumi += ((x[i].qs[j] & 0xF) - 8) * y[i].qs[j];
            sumi += ((x[i].qs[j] >> 4) - 8) * y[i].qs[j + 16];
        }
        sum += (float)sumi * H(x[i].d) * H(y[i].d);
    }
    return sum;
}

static float dot_q4_1(int64_t n, const void *w, const void *a) {
    const block_q4_1 *x = w;
    const block_q8_1 *y = a;
    float sum = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK; i++) {
        int sumi = 0;
        for (int j = 0; j < SLM_QK / 2; j++) {
            sumi += (x[i].qs[j] & 0xF) * y[i].qs[j];
            sumi += (x[i].qs[j] >> 4) * y[i].qs[j + 16];
        }
        sum += (H(x[i].d) * H(y[i].d)) * (float)sumi + H(x[i].m) * H(y[i].s);
    }
    return sum;
}

static float dot_q5_0(int64_t n, const void *w, const void *a) {
    const block_q5_0 *x = w;
    const block_q8_0 *y = a;
    float sum = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK; i++) {
        uint32_t qh = slm_load_u32(x[i].qh);
        int sumi = 0;
        for (int j = 0; j < SLM_QK / 2; j++) {
            int high0 = ((qh >> j) << 4) & 0x10;
            int high1 = (qh >> (j + 12)) & 0x10;
            sumi += (((x[i].qs[j] & 0xF) | high0) - 16) * y[i].qs[j];
            sumi += (((x[i].qs[j] >> 4) | high1) - 16) * y[i].qs[j + 16];
        }
        sum += (float)sumi * H(x[i].d) * H(y[i].d);
    }
    return sum;
}

static float dot_q5_1(int64_t n, const void *w, const void *a) {
    const block_q5_1 *x = w;
    const block_q8_1 *y = a;
    float sum = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK; i++) {
        uint32_t qh = slm_load_u32(x[i].qh);
        int sumi = 0;
        for (int j = 0; j < SLM_QK / 2; j++) {
            int high0 = ((qh >> j) << 4) & 0x10;
            int high1 = (qh >> (j + 12)) & 0x10;
            sumi += ((x[i].qs[j] & 0xF) | high0) * y[i].qs[j];
            sumi += ((x[i].qs[j] >> 4) | high1) * y[i].qs[j + 16];
        }
        sum += (H(x[i].d) * H(y[i].d)) * (float)sumi + H(x[i].m) * H(y[i].s);
    }
    return sum;
}

static float dot_q8_0(int64_t n, const void *w, const void *a) {
    const block_q8_0 *x = w;
    const block_q8_0 *y = a;
    float sum = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK; i++) {
        int sumi = 0;
        for (int j = 0; j < SLM_QK; j++) sumi += x[i].qs[j] * y[i].qs[j];
        sum += (float)sumi * H(x[i].d) * H(y[i].d);
    }
    return sum;
}

static float dot_iq4_nl(int64_t n, const void *w, const void *a) {
    const block_iq4_nl *x = w;
    const block_q8_0 *y = a;
    float sum = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK; i++) {
        int sumi = 0;
        for (int j = 0; j < SLM_QK / 2; j++) {
            sumi += slm_iq4_levels[x[i].qs[j] & 0xF] * y[i].qs[j];
            sumi += slm_iq4_levels[x[i].qs[j] >> 4] * y[i].qs[j + 16];
        }
        sum += H(x[i].d) * H(y[i].d) * (float)sumi;
    }
    return sum;
}

static float dot_q2_K(int64_t n, const void *w, const void *a) {
    const block_q2_K *x = w;
    const block_q8_K *y = a;
    float sum = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        int min_sum = 0;
        for (int g = 0; g < 16; g++) min_sum += y[i].bsums[g] * (x[i].scales[g] >> 4);
        int sumi = 0, group = 0;
        const int8_t *q8 = y[i].qs;
        for (int half = 0; half < 2; half++) {
            const uint8_t *q2 = x[i].qs + 32 * half;
            for (int shift = 0; shift < 8; shift += 2) {
                for (int part = 0; part < 2; part++, group++, q8 += 16) {
                    int partial = 0;
                    for (int l = 0; l < 16; l++) partial += q8[l] * ((q2[16 * part + l] >> shift) & 3);
                    sumi += (x[i].scales[group] & 0xF) * partial;
                }
            }
        }
        sum += y[i].d * H(x[i].d) * (float)sumi - y[i].d * H(x[i].dmin) * (float)min_sum;
    }
    return sum;
}

static float dot_q3_K(int64_t n, const void *w, const void *a) {
    const block_q3_K *x = w;
    const block_q8_K *y = a;
    float sum = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        int8_t scales[16];
        slm_unpack_scales_q3_K(x[i].scales, scales);
        int sumi = 0, group = 0;
        uint8_t mask = 1;
        const int8_t *q8 = y[i].qs;
        for (int half = 0; half < 2; half++) {
            const uint8_t *q3 = x[i].qs + 32 * half;
            for (int shift = 0; shift < 8; shift += 2, mask <<= 1) {
                for (int part = 0; part < 2; part++, group++, q8 += 16) {
                    int partial = 0;
                    for (int l = 0; l < 16; l++) {
                        int k = 16 * part + l;
                        int value = ((q3[k] >> shift) & 3) - ((x[i].hmask[k] & mask) ? 0 : 4);
                        partial += q8[l] * value;
                    }
                    sumi += scales[group] * partial;
                }
            }
        }
        sum += H(x[i].d) * y[i].d * (float)sumi;
    }
    return sum;
}

/* Each super-block's integer sum is exact; it is scaled with one fused multiply-add per
 * block and the minimums are kept apart until the end. This is also the arithmetic of the
 * reference's repacked Q4_K kernels, so every path gives the same float result. */
/* sum over the block of scale * (4-bit value x activation), exact */
static int q4_K_block_sum(const block_q4_K *x, const int8_t *q8, const uint8_t scales[8]) {
    int sumi = 0;
    const uint8_t *q4 = x->qs;
    for (int j = 0; j < 4; j++, q4 += 32, q8 += 64) {
        int low = 0, high = 0;
        for (int l = 0; l < 32; l++) {
            low += (q4[l] & 0xF) * q8[l];
            high += (q4[l] >> 4) * q8[l + 32];
        }
        sumi += scales[2 * j] * low + scales[2 * j + 1] * high;
    }
    return sumi;
}

/* the same for 5-bit values */
static int q5_K_block_sum(const block_q5_K *x, const int8_t *q8, const uint8_t scales[8]) {
    int sumi = 0;
    const uint8_t *ql = x->qs;
    for (int j = 0; j < 4; j++, ql += 32, q8 += 64) {
        int low = 0, high = 0;
        for (int l = 0; l < 32; l++) {
            low += ((ql[l] & 0xF) | (((x->qh[l] >> (2 * j)) & 1) << 4)) * q8[l];
            high += ((ql[l] >> 4) | (((x->qh[l] >> (2 * j + 1)) & 1) << 4)) * q8[l + 32];
        }
        sumi += scales[2 * j] * low + scales[2 * j + 1] * high;
    }
    return sumi;
}

static float dot_q4_K(int64_t n, const void *w, const void *a) {
    const block_q4_K *x = w;
    const block_q8_K *y = a;
    float acc = 0.0f, acc_min = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        uint8_t scales[8], mins[8];
        slm_unpack_scale_min_k4(x[i].scales, scales, mins);
        acc = fmaf((float)q4_K_block_sum(&x[i], y[i].qs, scales), H(x[i].d) * y[i].d, acc);
        acc_min = fmaf((float)slm_k4_min_sum(mins, y[i].bsums), H(x[i].dmin) * y[i].d, acc_min);
    }
    return acc - acc_min;
}

/* The same products accumulated as the reference's 4-row Q4_K gemm does: one fused
 * multiply-add per 64-value sub-block instead of per super-block. */
static float dot_q4_K_grouped(int64_t n, const void *w, const void *a) {
    const block_q4_K *x = w;
    const block_q8_K *y = a;
    float acc = 0.0f, acc_min = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        uint8_t scales[8], mins[8];
        slm_unpack_scale_min_k4(x[i].scales, scales, mins);
        const float d = H(x[i].d) * y[i].d, dmin = H(x[i].dmin) * y[i].d;
        const uint8_t *q4 = x[i].qs;
        const int8_t *q8 = y[i].qs;
        for (int j = 0; j < 4; j++, q4 += 32, q8 += 64) {
            int low = 0, high = 0;
            for (int l = 0; l < 32; l++) {
                low += (q4[l] & 0xF) * q8[l];
                high += (q4[l] >> 4) * q8[l + 32];
            }
            const int16_t *bs = y[i].bsums + 4 * j;
            int min_sum = mins[2 * j] * (bs[0] + bs[1]) + mins[2 * j + 1] * (bs[2] + bs[3]);
            acc = fmaf((float)(scales[2 * j] * low + scales[2 * j + 1] * high), d, acc);
            acc_min = fmaf((float)min_sum, dmin, acc_min);
        }
    }
    return acc - acc_min;
}

static float dot_q5_K(int64_t n, const void *w, const void *a) {
    const block_q5_K *x = w;
    const block_q8_K *y = a;
    float sum = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        uint8_t scales[8], mins[8];
        slm_unpack_scale_min_k4(x[i].scales, scales, mins);
        int sumi = q5_K_block_sum(&x[i], y[i].qs, scales), min_sum = slm_k4_min_sum(mins, y[i].bsums);
        sum += H(x[i].d) * y[i].d * (float)sumi - H(x[i].dmin) * y[i].d * (float)min_sum;
    }
    return sum;
}

/* sum over the block of scale * (6-bit value - 32) x activation, exact */
static int q6_K_block_sum(const block_q6_K *x, const int8_t *q8) {
    const uint8_t *ql = x->ql, *qh = x->qh;
    const int8_t *sc = x->scales;
    int sumi = 0;
    for (int half = 0; half < 2; half++, ql += 64, qh += 32, sc += 8, q8 += 128) {
        int partial[8] = {0};
        for (int l = 0; l < 32; l++) {
            int is = l / 16;
            partial[is + 0] += (((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32) * q8[l];
            partial[is + 2] += (((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32) * q8[l + 32];
            partial[is + 4] += (((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32) * q8[l + 64];
            partial[is + 6] += (((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32) * q8[l + 96];
        }
        for (int g = 0; g < 8; g++) sumi += sc[g] * partial[g];
    }
    return sumi;
}

static float dot_q6_K(int64_t n, const void *w, const void *a) {
    const block_q6_K *x = w;
    const block_q8_K *y = a;
    float sum = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK_K; i++)
        sum += H(x[i].d) * y[i].d * (float)q6_K_block_sum(&x[i], y[i].qs);
    return sum;
}

/* An IQ4_XS block's exact sum of scale * level * activation. */
static int iq4_xs_block_sum(const block_iq4_xs *x, const int8_t *q8) {
    const uint8_t *qs = x->qs;
    int sumi = 0;
    for (int group = 0; group < 8; group++, qs += 16, q8 += 32) {
        int partial = 0;
        for (int j = 0; j < 16; j++) {
            partial += slm_iq4_levels[qs[j] & 0xF] * q8[j];
            partial += slm_iq4_levels[qs[j] >> 4] * q8[j + 16];
        }
        sumi += slm_iq4_xs_scale(x, group) * partial;
    }
    return sumi;
}

static float dot_iq4_xs(int64_t n, const void *w, const void *a) {
    const block_iq4_xs *x = w;
    const block_q8_K *y = a;
    float sum = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK_K; i++) sum += H(x[i].d) * y[i].d * (float)iq4_xs_block_sum(&x[i], y[i].qs);
    return sum;
}

/* K-quant products as the reference's tiled batch kernel computes them: per super-block
 * an exact integer sum s1 (and minimum sum s2), then res = d*s1 - dmin*s2 (fused) and
 * out = fma(res, d_activation, out). */
static float dot_q6_K_tiled(int64_t n, const void *w, const void *a) {
    const block_q6_K *x = w;
    const block_q8_K *y = a;
    float out = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK_K; i++)
        out = fmaf(H(x[i].d) * (float)q6_K_block_sum(&x[i], y[i].qs), y[i].d, out);
    return out;
}

/* IQ4_XS batches in the same steps as tiled Q6_K. */
static float dot_iq4_xs_tiled(int64_t n, const void *w, const void *a) {
    const block_iq4_xs *x = w;
    const block_q8_K *y = a;
    float out = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK_K; i++)
        out = fmaf(H(x[i].d) * (float)iq4_xs_block_sum(&x[i], y[i].qs), y[i].d, out);
    return out;
}

static float tiled_with_minimum(float out, float d, float dmin, int s1, int s2, float d_activation) {
    float res = fmaf(-dmin, (float)s2, d * (float)s1);
    return fmaf(res, d_activation, out);
}

static float dot_q4_K_tiled(int64_t n, const void *w, const void *a) {
    const block_q4_K *x = w;
    const block_q8_K *y = a;
    float out = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        uint8_t scales[8], mins[8];
        slm_unpack_scale_min_k4(x[i].scales, scales, mins);
        out = tiled_with_minimum(out, H(x[i].d), H(x[i].dmin), q4_K_block_sum(&x[i], y[i].qs, scales),
                                 slm_k4_min_sum(mins, y[i].bsums), y[i].d);
    }
    return out;
}

static float dot_q5_K_tiled(int64_t n, const void *w, const void *a) {
    const block_q5_K *x = w;
    const block_q8_K *y = a;
    float out = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        uint8_t scales[8], mins[8];
        slm_unpack_scale_min_k4(x[i].scales, scales, mins);
        out = tiled_with_minimum(out, H(x[i].d), H(x[i].dmin), q5_K_block_sum(&x[i], y[i].qs, scales),
                                 slm_k4_min_sum(mins, y[i].bsums), y[i].d);
    }
    return out;
}

void slm_scalar_grouped_dots(slm_dot_fn table[SLM_TYPE_TABLE_SIZE]) {
    table[SLM_TYPE_Q4_K] = dot_q4_K_grouped;
}

void slm_scalar_tiled_dots(slm_dot_fn table[SLM_TYPE_TABLE_SIZE]) {
    table[SLM_TYPE_Q4_K] = dot_q4_K_tiled;
    table[SLM_TYPE_Q5_K] = dot_q5_K_tiled;
    table[SLM_TYPE_Q6_K] = dot_q6_K_tiled;
    table[SLM_TYPE_IQ4_XS] = dot_iq4_xs_tiled;
}

void slm_scalar_dots(slm_dot_fn table[SLM_TYPE_TABLE_SIZE]) {
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
