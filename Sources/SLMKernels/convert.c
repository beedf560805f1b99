/* Dequantization and activation quantization. Portable C, no SIMD: these run once per
 * row, not in the inner loop. The arithmetic order follows gguf-py's numpy
 * dequantization, so results match it bit for bit. */
#include <math.h>
#include "blocks.h"

const int8_t slm_iq4_levels[16] = {-127, -104, -83, -65, -49, -35, -22, -10,
                                   1,    13,   25,  38,  53,  69,  89,  113};

#define H(x) slm_fp16_to_fp32(x)

// MARK: - Dequantization

static void dequantize_q4_0(const block_q4_0 *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, y += SLM_QK) {
        float d = H(x[i].d);
        for (int j = 0; j < SLM_QK / 2; j++) {
            y[j] = d * (float)((x[i].qs[j] & 0xF) - 8);
            y[j + 16] = d * (float)((x[i].qs[j] >> 4) - 8);
        }
    }
}

static void dequantize_q4_1(const block_q4_1 *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, y += SLM_QK) {
        float d = H(x[i].d), m = H(x[i].m);
        for (int j = 0; j < SLM_QK / 2; j++) {
            y[j] = d * (float)(x[i].qs[j] & 0xF) + m;
            y[j + 16] = d * (float)(x[i].qs[j] >> 4) + m;
        }
    }
}

static void dequantize_q5_0(const block_q5_0 *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, y += SLM_QK) {
        float d = H(x[i].d);
        uint32_t qh = slm_load_u32(x[i].qh);
        for (int j = 0; j < SLM_QK / 2; j++) {
            int high0 = ((qh >> j) << 4) & 0x10;
            int high1 = (qh >> (j + 12)) & 0x10;
            y[j] = d * (float)(((x[i].qs[j] & 0xF) | high0) - 16);
            y[j + 16] = d * (float)(((x[i].qs[j] >> 4) | high1) - 16);
        }
    }
}

static void dequantize_q5_1(const block_q5_1 *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, y += SLM_QK) {
        float d = H(x[i].d), m = H(x[i].m);
        uint32_t qh = slm_load_u32(x[i].qh);
        for (int j = 0; j < SLM_QK / 2; j++) {
            int high0 = ((qh >> j) << 4) & 0x10;
            int high1 = (qh >> (j + 12)) & 0x10;
            y[j] = d * (float)((x[i].qs[j] & 0xF) | high0) + m;
            y[j + 16] = d * (float)((x[i].qs[j] >> 4) | high1) + m;
        }
    }
}

static void dequantize_q8_0(const block_q8_0 *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, y += SLM_QK) {
        float d = H(x[i].d);
        for (int j = 0; j < SLM_QK; j++) y[j] = d * (float)x[i].qs[j];
    }
}

static void dequantize_q8_1(const block_q8_1 *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, y += SLM_QK) {
        float d = H(x[i].d);
        for (int j = 0; j < SLM_QK; j++) y[j] = d * (float)x[i].qs[j];
    }
}

static void dequantize_iq4_nl(const block_iq4_nl *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, y += SLM_QK) {
        float d = H(x[i].d);
        for (int j = 0; j < SLM_QK / 2; j++) {
            y[j] = d * (float)slm_iq4_levels[x[i].qs[j] & 0xF];
            y[j + 16] = d * (float)slm_iq4_levels[x[i].qs[j] >> 4];
        }
    }
}

static void dequantize_q2_K(const block_q2_K *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++) {
        float d = H(x[i].d), dmin = H(x[i].dmin);
        const uint8_t *q = x[i].qs;
        int group = 0;
        for (int half = 0; half < 2; half++, q += 32) {
            for (int shift = 0; shift < 8; shift += 2) {
                for (int part = 0; part < 2; part++, group++) {
                    uint8_t sc = x[i].scales[group];
                    float dl = d * (float)(sc & 0xF), ml = dmin * (float)(sc >> 4);
                    for (int l = 0; l < 16; l++)
                        *y++ = dl * (float)((q[l + 16 * part] >> shift) & 3) - ml;
                }
            }
        }
    }
}

static void dequantize_q3_K(const block_q3_K *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++) {
        float d = H(x[i].d);
        int8_t scales[16];
        slm_unpack_scales_q3_K(x[i].scales, scales);
        const uint8_t *q = x[i].qs;
        int group = 0;
        uint8_t mask = 1;
        for (int half = 0; half < 2; half++, q += 32) {
            for (int shift = 0; shift < 8; shift += 2, mask <<= 1) {
                for (int part = 0; part < 2; part++, group++) {
                    float dl = d * (float)scales[group];
                    for (int l = 16 * part; l < 16 * part + 16; l++) {
                        int value = ((q[l] >> shift) & 3) - ((x[i].hmask[l] & mask) ? 0 : 4);
                        *y++ = dl * (float)value;
                    }
                }
            }
        }
    }
}

static void dequantize_q4_K(const block_q4_K *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++) {
        float d = H(x[i].d), dmin = H(x[i].dmin);
        uint8_t scales[8], mins[8];
        slm_unpack_scale_min_k4(x[i].scales, scales, mins);
        const uint8_t *q = x[i].qs;
        for (int j = 0; j < 4; j++, q += 32) {
            float d1 = d * (float)scales[2 * j], m1 = dmin * (float)mins[2 * j];
            float d2 = d * (float)scales[2 * j + 1], m2 = dmin * (float)mins[2 * j + 1];
            for (int l = 0; l < 32; l++) *y++ = d1 * (float)(q[l] & 0xF) - m1;
            for (int l = 0; l < 32; l++) *y++ = d2 * (float)(q[l] >> 4) - m2;
        }
    }
}

static void dequantize_q5_K(const block_q5_K *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++) {
        float d = H(x[i].d), dmin = H(x[i].dmin);
        uint8_t scales[8], mins[8];
        slm_unpack_scale_min_k4(x[i].scales, scales, mins);
        const uint8_t *ql = x[i].qs;
        uint8_t bit_low = 1, bit_high = 2;
        for (int j = 0; j < 4; j++, ql += 32, bit_low <<= 2, bit_high <<= 2) {
            float d1 = d * (float)scales[2 * j], m1 = dmin * (float)mins[2 * j];
            float d2 = d * (float)scales[2 * j + 1], m2 = dmin * (float)mins[2 * j + 1];
            for (int l = 0; l < 32; l++)
                *y++ = d1 * (float)((ql[l] & 0xF) + ((x[i].qh[l] & bit_low) ? 16 : 0)) - m1;
            for (int l = 0; l < 32; l++)
                *y++ = d2 * (float)((ql[l] >> 4) + ((x[i].qh[l] & bit_high) ? 16 : 0)) - m2;
        }
    }
}

static void dequantize_q6_K(const block_q6_K *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++) {
        float d = H(x[i].d);
        const uint8_t *ql = x[i].ql, *qh = x[i].qh;
        const int8_t *sc = x[i].scales;
        for (int half = 0; half < 2; half++, y += 128, ql += 64, qh += 32, sc += 8) {
            for (int l = 0; l < 32; l++) {
                int is = l / 16;
                int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                y[l] = d * (float)sc[is] * (float)q1;
                y[l + 32] = d * (float)sc[is + 2] * (float)q2;
                y[l + 64] = d * (float)sc[is + 4] * (float)q3;
                y[l + 96] = d * (float)sc[is + 6] * (float)q4;
            }
        }
    }
}

static void dequantize_q8_K(const block_q8_K *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, y += SLM_QK_K)
        for (int j = 0; j < SLM_QK_K; j++) y[j] = x[i].d * (float)x[i].qs[j];
}

static void dequantize_iq4_xs(const block_iq4_xs *x, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++) {
        float d = H(x[i].d);
        const uint8_t *qs = x[i].qs;
        for (int group = 0; group < SLM_QK_K / 32; group++, y += 32, qs += 16) {
            float dl = d * (float)slm_iq4_xs_scale(&x[i], group);
            for (int j = 0; j < 16; j++) {
                y[j] = dl * (float)slm_iq4_levels[qs[j] & 0xF];
                y[j + 16] = dl * (float)slm_iq4_levels[qs[j] >> 4];
            }
        }
    }
}

int slm_dequantize_row(int type, const void *src, float *dst, int64_t n) {
    int64_t block = slm_block_size(type);
    if (block == 0 || n % block != 0) return -1;
    int64_t nb = n / block;
    switch (type) {
    case SLM_TYPE_F32: memcpy(dst, src, (size_t)n * sizeof(float)); return 0;
    case SLM_TYPE_F16: {
        const uint16_t *h = src;
        for (int64_t i = 0; i < n; i++) dst[i] = slm_fp16_to_fp32(h[i]);
        return 0;
    }
    case SLM_TYPE_BF16: {
        const uint16_t *h = src;
        for (int64_t i = 0; i < n; i++) dst[i] = slm_bf16_to_fp32(h[i]);
        return 0;
    }
    case SLM_TYPE_Q4_0: dequantize_q4_0(src, dst, nb); return 0;
    case SLM_TYPE_Q4_1: dequantize_q4_1(src, dst, nb); return 0;
    case SLM_TYPE_Q5_0: dequantize_q5_0(src, dst, nb); return 0;
    case SLM_TYPE_Q5_1: dequantize_q5_1(src, dst, nb); return 0;
    case SLM_TYPE_Q8_0: dequantize_q8_0(src, dst, nb); return 0;
    case SLM_TYPE_Q8_1: dequantize_q8_1(src, dst, nb); return 0;
    case SLM_TYPE_IQ4_NL: dequantize_iq4_nl(src, dst, nb); return 0;
    case SLM_TYPE_Q2_K: dequantize_q2_K(src, dst, nb); return 0;
    case SLM_TYPE_Q3_K: dequantize_q3_K(src, dst, nb); return 0;
    case SLM_TYPE_Q4_K: dequantize_q4_K(src, dst, nb); return 0;
    case SLM_TYPE_Q5_K: dequantize_q5_K(src, dst, nb); return 0;
    case SLM_TYPE_Q6_K: dequantize_q6_K(src, dst, nb); return 0;
    case SLM_TYPE_Q8_K: dequantize_q8_K(src, dst, nb); return 0;
    case SLM_TYPE_IQ4_XS: dequantize_iq4_xs(src, dst, nb); return 0;
    default: return -1;
    }
}

// MARK: - Activation quantization

static float max_magnitude(const float *x, int count) {
    float amax = 0.0f;
    for (int j = 0; j < count; j++) amax = fmaxf(amax, fabsf(x[j]));
    return amax;
}

static void quantize_q8_0(const float *x, block_q8_0 *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, x += SLM_QK) {
        float amax = max_magnitude(x, SLM_QK);
        float d = amax / 127.0f;
        float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        y[i].d = slm_fp32_to_fp16(d);
        for (int j = 0; j < SLM_QK; j++) y[i].qs[j] = (int8_t)nearbyintf(x[j] * id);
    }
}

static void quantize_q8_1(const float *x, block_q8_1 *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, x += SLM_QK) {
        float d = max_magnitude(x, SLM_QK) / 127.0f;
        float id = d != 0.0f ? 1.0f / d : 0.0f;
        int sum = 0;
        for (int j = 0; j < SLM_QK; j++) {
            y[i].qs[j] = (int8_t)roundf(x[j] * id);
            sum += y[i].qs[j];
        }
        y[i].d = slm_fp32_to_fp16(d);
        y[i].s = slm_fp32_to_fp16((float)sum * d);
    }
}

static void quantize_q8_K(const float *x, block_q8_K *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, x += SLM_QK_K) {
        /* scale by the signed extreme so it maps to exactly -127 */
        float amax = 0.0f, extreme = 0.0f;
        for (int j = 0; j < SLM_QK_K; j++) {
            if (fabsf(x[j]) > amax) {
                amax = fabsf(x[j]);
                extreme = x[j];
            }
        }
        if (amax == 0.0f) {
            memset(&y[i], 0, sizeof y[i]);
            continue;
        }
        float iscale = -127.0f / extreme;
        for (int j = 0; j < SLM_QK_K; j++) {
            int v = (int)nearbyintf(iscale * x[j]);
            y[i].qs[j] = (int8_t)(v > 127 ? 127 : v);
        }
        for (int g = 0; g < SLM_QK_K / 16; g++) {
            int sum = 0;
            for (int l = 0; l < 16; l++) sum += y[i].qs[16 * g + l];
            y[i].bsums[g] = (int16_t)sum;
        }
        y[i].d = 1.0f / iscale;
    }
}

int slm_quantize_row(int type, const float *src, void *dst, int64_t n) {
    int64_t block = slm_block_size(type);
    if (block == 0 || n % block != 0) return -1;
    int path = slm_active_path();
    if (path == SLM_PATH_AVX2 || path == SLM_PATH_AVX512_VNNI) {
        if (type == SLM_TYPE_Q8_0) {
            slm_quantize_q8_0_avx2(src, dst, n / block);
            return 0;
        }
        if (type == SLM_TYPE_Q8_K) {
            slm_quantize_q8_K_avx2(src, dst, n / block);
            return 0;
        }
        if (type == SLM_TYPE_F16) {
            slm_quantize_f16_avx2(src, dst, n);
            return 0;
        }
    }
    return slm_quantize_row_portable(type, src, dst, n);
}

int slm_quantize_row_portable(int type, const float *src, void *dst, int64_t n) {
    int64_t block = slm_block_size(type);
    if (block == 0 || n % block != 0) return -1;
    switch (type) {
    case SLM_TYPE_F32: memcpy(dst, src, (size_t)n * sizeof(float)); return 0;
    case SLM_TYPE_F16: {
        uint16_t *h = dst;
        for (int64_t i = 0; i < n; i++) h[i] = slm_fp32_to_fp16(src[i]);
        return 0;
    }
    case SLM_TYPE_BF16: {
        uint16_t *h = dst;
        for (int64_t i = 0; i < n; i++) h[i] = slm_fp32_to_bf16(src[i]);
        return 0;
    }
    case SLM_TYPE_Q8_0: quantize_q8_0(src, dst, n / block); return 0;
    case SLM_TYPE_Q8_1: quantize_q8_1(src, dst, n / block); return 0;
    case SLM_TYPE_Q8_K: quantize_q8_K(src, dst, n / block); return 0;
    default: return -1;
    }
}
