/* The formats themselves: half and bfloat16 conversion, block sizes, which activation
 * format each weight type multiplies with. A leaf: it calls nothing else of the kernels,
 * so the dot products, conversions and dispatch can all use it without a circle. */
#include "blocks.h"

static inline uint32_t float_bits(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static inline float bits_float(uint32_t u) {
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

float slm_fp16_to_fp32(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t exponent = (h >> 10) & 0x1F;
    uint32_t mantissa = h & 0x3FF;
    if (exponent == 0) {
        /* zero or subnormal: mantissa * 2^-24 is exact in float */
        float magnitude = (float)mantissa * 0x1p-24f;
        return sign ? -magnitude : magnitude;
    }
    if (exponent == 31) return bits_float(sign | 0x7F800000u | (mantissa << 13));
    return bits_float(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

uint16_t slm_fp32_to_fp16(float f) {
    uint32_t x = float_bits(f);
    uint16_t sign = (uint16_t)((x >> 16) & 0x8000);
    uint32_t exponent = (x >> 23) & 0xFF;
    uint32_t mantissa = x & 0x7FFFFF;
    if (exponent == 0xFF) return sign | 0x7C00 | (mantissa ? 0x200 : 0);
    int32_t e = (int32_t)exponent - 127 + 15;
    if (e >= 31) return sign | 0x7C00;
    if (e <= 0) {
        if (e < -10) return sign;
        mantissa |= 0x800000;
        uint32_t shift = (uint32_t)(14 - e);
        uint32_t half = mantissa >> shift;
        uint32_t rest = mantissa & ((1u << shift) - 1);
        uint32_t midpoint = 1u << (shift - 1);
        if (rest > midpoint || (rest == midpoint && (half & 1))) half++;
        return (uint16_t)(sign | half);
    }
    uint32_t half = ((uint32_t)e << 10) | (mantissa >> 13);
    uint32_t rest = mantissa & 0x1FFF;
    /* a carry out of the mantissa correctly bumps the exponent, up to infinity */
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1))) half++;
    return (uint16_t)(sign | half);
}

float slm_bf16_to_fp32(uint16_t h) { return bits_float((uint32_t)h << 16); }

uint16_t slm_fp32_to_bf16(float f) {
    uint32_t u = float_bits(f);
    if ((u & 0x7FFFFFFF) > 0x7F800000) return (uint16_t)((u >> 16) | 64); /* quiet NaN */
    return (uint16_t)((u + (0x7FFF + ((u >> 16) & 1))) >> 16);
}

int64_t slm_block_size(int type) {
    switch (type) {
    case SLM_TYPE_F32: case SLM_TYPE_F16: case SLM_TYPE_BF16: return 1;
    case SLM_TYPE_Q4_0: case SLM_TYPE_Q4_1: case SLM_TYPE_Q5_0: case SLM_TYPE_Q5_1:
    case SLM_TYPE_Q8_0: case SLM_TYPE_Q8_1: case SLM_TYPE_IQ4_NL: return SLM_QK;
    case SLM_TYPE_Q2_K: case SLM_TYPE_Q3_K: case SLM_TYPE_Q4_K: case SLM_TYPE_Q5_K:
    case SLM_TYPE_Q6_K: case SLM_TYPE_Q8_K: case SLM_TYPE_IQ4_XS: return SLM_QK_K;
    default: return 0;
    }
}

int64_t slm_block_bytes(int type) {
    switch (type) {
    case SLM_TYPE_F32: return 4;
    case SLM_TYPE_F16: case SLM_TYPE_BF16: return 2;
    case SLM_TYPE_Q4_0: return sizeof(block_q4_0);
    case SLM_TYPE_Q4_1: return sizeof(block_q4_1);
    case SLM_TYPE_Q5_0: return sizeof(block_q5_0);
    case SLM_TYPE_Q5_1: return sizeof(block_q5_1);
    case SLM_TYPE_Q8_0: return sizeof(block_q8_0);
    case SLM_TYPE_Q8_1: return sizeof(block_q8_1);
    case SLM_TYPE_IQ4_NL: return sizeof(block_iq4_nl);
    case SLM_TYPE_Q2_K: return sizeof(block_q2_K);
    case SLM_TYPE_Q3_K: return sizeof(block_q3_K);
    case SLM_TYPE_Q4_K: return sizeof(block_q4_K);
    case SLM_TYPE_Q5_K: return sizeof(block_q5_K);
    case SLM_TYPE_Q6_K: return sizeof(block_q6_K);
    case SLM_TYPE_Q8_K: return sizeof(block_q8_K);
    case SLM_TYPE_IQ4_XS: return sizeof(block_iq4_xs);
    default: return 0;
    }
}

int slm_activation_type(int weight_type) {
    switch (weight_type) {
    case SLM_TYPE_F32: case SLM_TYPE_F16: case SLM_TYPE_BF16: return weight_type;
    case SLM_TYPE_Q4_0: case SLM_TYPE_Q5_0: case SLM_TYPE_Q8_0: case SLM_TYPE_IQ4_NL:
        return SLM_TYPE_Q8_0;
    case SLM_TYPE_Q4_1: case SLM_TYPE_Q5_1: return SLM_TYPE_Q8_1;
    case SLM_TYPE_Q2_K: case SLM_TYPE_Q3_K: case SLM_TYPE_Q4_K: case SLM_TYPE_Q5_K:
    case SLM_TYPE_Q6_K: case SLM_TYPE_IQ4_XS: return SLM_TYPE_Q8_K;
    default: return -1;
    }
}
