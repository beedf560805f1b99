/* arm64 NEON dot products. Included twice by dots_neon.c: once with NEON_DOT defined as
 * the plain-NEON int8 dot (Raspberry Pi 4) and once as the dotprod instruction (Pi 5).
 * NEON_NAME(x) gives each copy its own function names. */

static inline float NEON_NAME(sum_scaled)(float32x4_t acc) { return vaddvq_f32(acc); }

/* 16 packed bytes -> low nibbles and high nibbles. */
static inline void NEON_NAME(nibbles)(const uint8_t *p, int8x16_t *low, int8x16_t *high) {
    uint8x16_t packed = vld1q_u8(p);
    *low = vreinterpretq_s8_u8(vandq_u8(packed, vdupq_n_u8(0x0F)));
    *high = vreinterpretq_s8_u8(vshrq_n_u8(packed, 4));
}

/* 16 bits -> 16 bytes holding 0x10 where the bit is set (the fifth bit of a Q5 value). */
static inline int8x16_t NEON_NAME(fifth_bits)(uint32_t bits) {
    static const uint8_t select_bytes[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
    uint8x16_t spread = vcombine_u8(vdup_n_u8((uint8_t)(bits & 0xFF)), vdup_n_u8((uint8_t)(bits >> 8)));
    uint8x16_t set = vtstq_u8(spread, vld1q_u8(select_bytes));
    return vreinterpretq_s8_u8(vandq_u8(set, vdupq_n_u8(0x10)));
}

static inline int32_t NEON_NAME(dot16)(int8x16_t x, int8x16_t y) {
    return vaddvq_s32(NEON_DOT(vdupq_n_s32(0), x, y));
}

static float NEON_NAME(dot_f32)(int64_t n, const void *w, const void *a) {
    const float *x = w, *y = a;
    float32x4_t acc0 = vdupq_n_f32(0), acc1 = vdupq_n_f32(0);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        acc0 = vfmaq_f32(acc0, vld1q_f32(x + i), vld1q_f32(y + i));
        acc1 = vfmaq_f32(acc1, vld1q_f32(x + i + 4), vld1q_f32(y + i + 4));
    }
    float sum = vaddvq_f32(vaddq_f32(acc0, acc1));
    for (; i < n; i++) sum += x[i] * y[i];
    return sum;
}

static float NEON_NAME(dot_f16)(int64_t n, const void *w, const void *a) {
    const uint16_t *x = w, *y = a;
    float32x4_t acc0 = vdupq_n_f32(0), acc1 = vdupq_n_f32(0);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        float16x8_t xh = vreinterpretq_f16_u16(vld1q_u16(x + i));
        float16x8_t yh = vreinterpretq_f16_u16(vld1q_u16(y + i));
        acc0 = vfmaq_f32(acc0, vcvt_f32_f16(vget_low_f16(xh)), vcvt_f32_f16(vget_low_f16(yh)));
        acc1 = vfmaq_f32(acc1, vcvt_f32_f16(vget_high_f16(xh)), vcvt_f32_f16(vget_high_f16(yh)));
    }
    float sum = vaddvq_f32(vaddq_f32(acc0, acc1));
    for (; i < n; i++) sum += slm_fp16_to_fp32(x[i]) * slm_fp16_to_fp32(y[i]);
    return sum;
}

static float NEON_NAME(dot_bf16)(int64_t n, const void *w, const void *a) {
    const uint16_t *x = w, *y = a;
    float32x4_t acc = vdupq_n_f32(0);
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        float32x4_t xf = vreinterpretq_f32_u32(vshll_n_u16(vld1_u16(x + i), 16));
        float32x4_t yf = vreinterpretq_f32_u32(vshll_n_u16(vld1_u16(y + i), 16));
        acc = vfmaq_f32(acc, xf, yf);
    }
    float sum = vaddvq_f32(acc);
    for (; i < n; i++) sum += slm_bf16_to_fp32(x[i]) * slm_bf16_to_fp32(y[i]);
    return sum;
}

static float NEON_NAME(dot_q4_0)(int64_t n, const void *w, const void *a) {
    const block_q4_0 *x = w;
    const block_q8_0 *y = a;
    float32x4_t acc = vdupq_n_f32(0);
    for (int64_t i = 0; i < n / SLM_QK; i++) {
        int8x16_t low, high;
        NEON_NAME(nibbles)(x[i].qs, &low, &high);
        low = vsubq_s8(low, vdupq_n_s8(8));
        high = vsubq_s8(high, vdupq_n_s8(8));
        int32x4_t sumi = NEON_DOT(vdupq_n_s32(0), low, vld1q_s8(y[i].qs));
        sumi = NEON_DOT(sumi, high, vld1q_s8(y[i].qs + 16));
        acc = vmlaq_n_f32(acc, vcvtq_f32_s32(sumi), slm_fp16_to_fp32(x[i].d) * slm_fp16_to_fp32(y[i].d));
    }
    return NEON_NAME(sum_scaled)(acc);
}

static float NEON_NAME(dot_q4_1)(int64_t n, const void *w, const void *a) {
    const block_q4_1 *x = w;
    const block_q8_1 *y = a;
    float32x4_t acc = vdupq_n_f32(0);
    float mins = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK; i++) {
        int8x16_t low, high;
        NEON_NAME(nibbles)(x[i].qs, &low, &high);
        int32x4_t sumi = NEON_DOT(vdupq_n_s32(0), low, vld1q_s8(y[i].qs));
        sumi = NEON_DOT(sumi, high, vld1q_s8(y[i].qs + 16));
        acc = vmlaq_n_f32(acc, vcvtq_f32_s32(sumi), slm_fp16_to_fp32(x[i].d) * slm_fp16_to_fp32(y[i].d));
        mins += slm_fp16_to_fp32(x[i].m) * slm_fp16_to_fp32(y[i].s);
    }
    return NEON_NAME(sum_scaled)(acc) + mins;
}

static float NEON_NAME(dot_q5_0)(int64_t n, const void *w, const void *a) {
    const block_q5_0 *x = w;
    const block_q8_0 *y = a;
    float32x4_t acc = vdupq_n_f32(0);
    for (int64_t i = 0; i < n / SLM_QK; i++) {
        uint32_t qh = slm_load_u32(x[i].qh);
        int8x16_t low, high;
        NEON_NAME(nibbles)(x[i].qs, &low, &high);
        low = vsubq_s8(vorrq_s8(low, NEON_NAME(fifth_bits)(qh & 0xFFFF)), vdupq_n_s8(16));
        high = vsubq_s8(vorrq_s8(high, NEON_NAME(fifth_bits)(qh >> 16)), vdupq_n_s8(16));
        int32x4_t sumi = NEON_DOT(vdupq_n_s32(0), low, vld1q_s8(y[i].qs));
        sumi = NEON_DOT(sumi, high, vld1q_s8(y[i].qs + 16));
        acc = vmlaq_n_f32(acc, vcvtq_f32_s32(sumi), slm_fp16_to_fp32(x[i].d) * slm_fp16_to_fp32(y[i].d));
    }
    return NEON_NAME(sum_scaled)(acc);
}

static float NEON_NAME(dot_q5_1)(int64_t n, const void *w, const void *a) {
    const block_q5_1 *x = w;
    const block_q8_1 *y = a;
    float32x4_t acc = vdupq_n_f32(0);
    float mins = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK; i++) {
        uint32_t qh = slm_load_u32(x[i].qh);
        int8x16_t low, high;
        NEON_NAME(nibbles)(x[i].qs, &low, &high);
        low = vorrq_s8(low, NEON_NAME(fifth_bits)(qh & 0xFFFF));
        high = vorrq_s8(high, NEON_NAME(fifth_bits)(qh >> 16));
        int32x4_t sumi = NEON_DOT(vdupq_n_s32(0), low, vld1q_s8(y[i].qs));
        sumi = NEON_DOT(sumi, high, vld1q_s8(y[i].qs + 16));
        acc = vmlaq_n_f32(acc, vcvtq_f32_s32(sumi), slm_fp16_to_fp32(x[i].d) * slm_fp16_to_fp32(y[i].d));
        mins += slm_fp16_to_fp32(x[i].m) * slm_fp16_to_fp32(y[i].s);
    }
    return NEON_NAME(sum_scaled)(acc) + mins;
}

static float NEON_NAME(dot_q8_0)(int64_t n, const void *w, const void *a) {
    const block_q8_0 *x = w;
    const block_q8_0 *y = a;
    float32x4_t acc = vdupq_n_f32(0);
    for (int64_t i = 0; i < n / SLM_QK; i++) {
        int32x4_t sumi = NEON_DOT(vdupq_n_s32(0), vld1q_s8(x[i].qs), vld1q_s8(y[i].qs));
        sumi = NEON_DOT(sumi, vld1q_s8(x[i].qs + 16), vld1q_s8(y[i].qs + 16));
        acc = vmlaq_n_f32(acc, vcvtq_f32_s32(sumi), slm_fp16_to_fp32(x[i].d) * slm_fp16_to_fp32(y[i].d));
    }
    return NEON_NAME(sum_scaled)(acc);
}

static float NEON_NAME(dot_iq4_nl)(int64_t n, const void *w, const void *a) {
    const block_iq4_nl *x = w;
    const block_q8_0 *y = a;
    const int8x16_t levels = vld1q_s8(slm_iq4_levels);
    float32x4_t acc = vdupq_n_f32(0);
    for (int64_t i = 0; i < n / SLM_QK; i++) {
        int8x16_t low, high;
        NEON_NAME(nibbles)(x[i].qs, &low, &high);
        low = vqtbl1q_s8(levels, vreinterpretq_u8_s8(low));
        high = vqtbl1q_s8(levels, vreinterpretq_u8_s8(high));
        int32x4_t sumi = NEON_DOT(vdupq_n_s32(0), low, vld1q_s8(y[i].qs));
        sumi = NEON_DOT(sumi, high, vld1q_s8(y[i].qs + 16));
        acc = vmlaq_n_f32(acc, vcvtq_f32_s32(sumi), slm_fp16_to_fp32(x[i].d) * slm_fp16_to_fp32(y[i].d));
    }
    return NEON_NAME(sum_scaled)(acc);
}

static float NEON_NAME(dot_q2_K)(int64_t n, const void *w, const void *a) {
    const block_q2_K *x = w;
    const block_q8_K *y = a;
    const uint8x16_t mask2 = vdupq_n_u8(3);
    float sum = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        int min_sum = 0;
        for (int g = 0; g < 16; g++) min_sum += y[i].bsums[g] * (x[i].scales[g] >> 4);
        int sumi = 0, group = 0;
        const int8_t *q8 = y[i].qs;
        for (int half = 0; half < 2; half++) {
            uint8x16_t q0 = vld1q_u8(x[i].qs + 32 * half), q1 = vld1q_u8(x[i].qs + 32 * half + 16);
            for (int shift = 0; shift < 8; shift += 2, group += 2, q8 += 32) {
                int8x16_t v0 = vreinterpretq_s8_u8(vandq_u8(vshlq_u8(q0, vdupq_n_s8((int8_t)-shift)), mask2));
                int8x16_t v1 = vreinterpretq_s8_u8(vandq_u8(vshlq_u8(q1, vdupq_n_s8((int8_t)-shift)), mask2));
                sumi += (x[i].scales[group] & 0xF) * NEON_NAME(dot16)(v0, vld1q_s8(q8));
                sumi += (x[i].scales[group + 1] & 0xF) * NEON_NAME(dot16)(v1, vld1q_s8(q8 + 16));
            }
        }
        sum += y[i].d * slm_fp16_to_fp32(x[i].d) * (float)sumi -
               y[i].d * slm_fp16_to_fp32(x[i].dmin) * (float)min_sum;
    }
    return sum;
}

static float NEON_NAME(dot_q3_K)(int64_t n, const void *w, const void *a) {
    const block_q3_K *x = w;
    const block_q8_K *y = a;
    const uint8x16_t mask2 = vdupq_n_u8(3), one = vdupq_n_u8(1);
    float sum = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        int8_t scales[16];
        slm_unpack_scales_q3_K(x[i].scales, scales);
        uint8x16_t h0 = vld1q_u8(x[i].hmask), h1 = vld1q_u8(x[i].hmask + 16);
        int sumi = 0, group = 0;
        const int8_t *q8 = y[i].qs;
        for (int half = 0; half < 2; half++) {
            uint8x16_t q0 = vld1q_u8(x[i].qs + 32 * half), q1 = vld1q_u8(x[i].qs + 32 * half + 16);
            for (int j = 0; j < 4; j++, group += 2, q8 += 32) {
                int8x16_t right2 = vdupq_n_s8((int8_t)(-2 * j)), rightbit = vdupq_n_s8((int8_t)(-(4 * half + j)));
                uint8x16_t l0 = vandq_u8(vshlq_u8(q0, right2), mask2);
                uint8x16_t l1 = vandq_u8(vshlq_u8(q1, right2), mask2);
                uint8x16_t b0 = vshlq_n_u8(vandq_u8(vshlq_u8(h0, rightbit), one), 2);
                uint8x16_t b1 = vshlq_n_u8(vandq_u8(vshlq_u8(h1, rightbit), one), 2);
                int8x16_t v0 = vsubq_s8(vreinterpretq_s8_u8(vorrq_u8(l0, b0)), vdupq_n_s8(4));
                int8x16_t v1 = vsubq_s8(vreinterpretq_s8_u8(vorrq_u8(l1, b1)), vdupq_n_s8(4));
                sumi += scales[group] * NEON_NAME(dot16)(v0, vld1q_s8(q8));
                sumi += scales[group + 1] * NEON_NAME(dot16)(v1, vld1q_s8(q8 + 16));
            }
        }
        sum += slm_fp16_to_fp32(x[i].d) * y[i].d * (float)sumi;
    }
    return sum;
}

static float NEON_NAME(dot_q4_K)(int64_t n, const void *w, const void *a) {
    const block_q4_K *x = w;
    const block_q8_K *y = a;
    float acc = 0.0f, acc_min = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        uint8_t scales[8], mins[8];
        slm_unpack_scale_min_k4(x[i].scales, scales, mins);
        int min_sum = slm_k4_min_sum(mins, y[i].bsums);
        int sumi = 0;
        for (int j = 0; j < 4; j++) {
            const uint8_t *q4 = x[i].qs + 32 * j;
            const int8_t *q8 = y[i].qs + 64 * j;
            int8x16_t l0, h0, l1, h1;
            NEON_NAME(nibbles)(q4, &l0, &h0);
            NEON_NAME(nibbles)(q4 + 16, &l1, &h1);
            int32x4_t low = NEON_DOT(NEON_DOT(vdupq_n_s32(0), l0, vld1q_s8(q8)), l1, vld1q_s8(q8 + 16));
            int32x4_t high = NEON_DOT(NEON_DOT(vdupq_n_s32(0), h0, vld1q_s8(q8 + 32)), h1, vld1q_s8(q8 + 48));
            sumi += scales[2 * j] * vaddvq_s32(low) + scales[2 * j + 1] * vaddvq_s32(high);
        }
        acc = fmaf((float)sumi, slm_fp16_to_fp32(x[i].d) * y[i].d, acc);
        acc_min = fmaf((float)min_sum, slm_fp16_to_fp32(x[i].dmin) * y[i].d, acc_min);
    }
    return acc - acc_min;
}

/* A Q5_K block's exact integer sum of scale x value x activation. */
static inline int NEON_NAME(q5_K_block_sum)(const block_q5_K *x, const int8_t *activations, const uint8_t scales[8]) {
    const uint8x16_t one = vdupq_n_u8(1);
    uint8x16_t qh0 = vld1q_u8(x->qh), qh1 = vld1q_u8(x->qh + 16);
    int sumi = 0;
    for (int j = 0; j < 4; j++) {
        const uint8_t *q5 = x->qs + 32 * j;
        const int8_t *q8 = activations + 64 * j;
        int8x16_t s_low = vdupq_n_s8((int8_t)(-2 * j)), s_high = vdupq_n_s8((int8_t)(-2 * j - 1));
        int8x16_t l0, h0, l1, h1;
        NEON_NAME(nibbles)(q5, &l0, &h0);
        NEON_NAME(nibbles)(q5 + 16, &l1, &h1);
        l0 = vorrq_s8(l0, vreinterpretq_s8_u8(vshlq_n_u8(vandq_u8(vshlq_u8(qh0, s_low), one), 4)));
        l1 = vorrq_s8(l1, vreinterpretq_s8_u8(vshlq_n_u8(vandq_u8(vshlq_u8(qh1, s_low), one), 4)));
        h0 = vorrq_s8(h0, vreinterpretq_s8_u8(vshlq_n_u8(vandq_u8(vshlq_u8(qh0, s_high), one), 4)));
        h1 = vorrq_s8(h1, vreinterpretq_s8_u8(vshlq_n_u8(vandq_u8(vshlq_u8(qh1, s_high), one), 4)));
        int32x4_t low = NEON_DOT(NEON_DOT(vdupq_n_s32(0), l0, vld1q_s8(q8)), l1, vld1q_s8(q8 + 16));
        int32x4_t high = NEON_DOT(NEON_DOT(vdupq_n_s32(0), h0, vld1q_s8(q8 + 32)), h1, vld1q_s8(q8 + 48));
        sumi += scales[2 * j] * vaddvq_s32(low) + scales[2 * j + 1] * vaddvq_s32(high);
    }
    return sumi;
}

static float NEON_NAME(dot_q5_K)(int64_t n, const void *w, const void *a) {
    const block_q5_K *x = w;
    const block_q8_K *y = a;
    float sum = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        uint8_t scales[8], mins[8];
        slm_unpack_scale_min_k4(x[i].scales, scales, mins);
        int min_sum = slm_k4_min_sum(mins, y[i].bsums);
        int sumi = NEON_NAME(q5_K_block_sum)(&x[i], y[i].qs, scales);
        sum += slm_fp16_to_fp32(x[i].d) * y[i].d * (float)sumi -
               slm_fp16_to_fp32(x[i].dmin) * y[i].d * (float)min_sum;
    }
    return sum;
}

/* The reference's tiled batch arithmetic for Q5_K (see dots_scalar.c): exact block sums s1
 * and s2, res = fma(-dmin, s2, d * s1), then a fused multiply-add with the activation's
 * scale. */
static float NEON_NAME(dot_q5_K_tiled)(int64_t n, const void *w, const void *a) {
    const block_q5_K *x = w;
    const block_q8_K *y = a;
    float out = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        uint8_t scales[8], mins[8];
        slm_unpack_scale_min_k4(x[i].scales, scales, mins);
        int s1 = NEON_NAME(q5_K_block_sum)(&x[i], y[i].qs, scales), s2 = slm_k4_min_sum(mins, y[i].bsums);
        float res = fmaf(-slm_fp16_to_fp32(x[i].dmin), (float)s2, slm_fp16_to_fp32(x[i].d) * (float)s1);
        out = fmaf(res, y[i].d, out);
    }
    return out;
}

static float NEON_NAME(dot_q6_K)(int64_t n, const void *w, const void *a) {
    const block_q6_K *x = w;
    const block_q8_K *y = a;
    const uint8x16_t mask4 = vdupq_n_u8(0x0F), mask2 = vdupq_n_u8(3);
    float sum = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK_K; i++) {
        const uint8_t *ql = x[i].ql, *qh = x[i].qh;
        const int8_t *sc = x[i].scales, *q8 = y[i].qs;
        int sumi = 0;
        for (int half = 0; half < 2; half++, ql += 64, qh += 32, sc += 8, q8 += 128) {
            for (int part = 0; part < 2; part++) { /* the two 16-byte halves of each 32 */
                int o = 16 * part;
                uint8x16_t l0 = vld1q_u8(ql + o), l1 = vld1q_u8(ql + 32 + o), hb = vld1q_u8(qh + o);
                uint8x16_t v[4] = {
                    vorrq_u8(vandq_u8(l0, mask4), vshlq_n_u8(vandq_u8(hb, mask2), 4)),
                    vorrq_u8(vandq_u8(l1, mask4), vshlq_n_u8(vandq_u8(vshrq_n_u8(hb, 2), mask2), 4)),
                    vorrq_u8(vshrq_n_u8(l0, 4), vshlq_n_u8(vandq_u8(vshrq_n_u8(hb, 4), mask2), 4)),
                    vorrq_u8(vshrq_n_u8(l1, 4), vshlq_n_u8(vshrq_n_u8(hb, 6), 4)),
                };
                for (int k = 0; k < 4; k++) {
                    int8x16_t q = vsubq_s8(vreinterpretq_s8_u8(v[k]), vdupq_n_s8(32));
                    sumi += sc[2 * k + part] * NEON_NAME(dot16)(q, vld1q_s8(q8 + 32 * k + o));
                }
            }
        }
        sum += slm_fp16_to_fp32(x[i].d) * y[i].d * (float)sumi;
    }
    return sum;
}

/* An IQ4_XS block's exact sum of scale * level * activation. */
static int NEON_NAME(iq4_xs_block_sum)(const block_iq4_xs *x, int8x16_t levels, const int8_t *q8) {
    int sumi = 0;
    for (int group = 0; group < 8; group++, q8 += 32) {
        int8x16_t low, high;
        NEON_NAME(nibbles)(x->qs + 16 * group, &low, &high);
        low = vqtbl1q_s8(levels, vreinterpretq_u8_s8(low));
        high = vqtbl1q_s8(levels, vreinterpretq_u8_s8(high));
        int32x4_t dot = NEON_DOT(NEON_DOT(vdupq_n_s32(0), low, vld1q_s8(q8)), high, vld1q_s8(q8 + 16));
        sumi += slm_iq4_xs_scale(x, group) * vaddvq_s32(dot);
    }
    return sumi;
}

static float NEON_NAME(dot_iq4_xs)(int64_t n, const void *w, const void *a) {
    const block_iq4_xs *x = w;
    const block_q8_K *y = a;
    const int8x16_t levels = vld1q_s8(slm_iq4_levels);
    float sum = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK_K; i++)
        sum += slm_fp16_to_fp32(x[i].d) * y[i].d * (float)NEON_NAME(iq4_xs_block_sum)(&x[i], levels, y[i].qs);
    return sum;
}

/* The tiled batch arithmetic of IQ4_XS (see dots_scalar.c). */
static float NEON_NAME(dot_iq4_xs_tiled)(int64_t n, const void *w, const void *a) {
    const block_iq4_xs *x = w;
    const block_q8_K *y = a;
    const int8x16_t levels = vld1q_s8(slm_iq4_levels);
    float out = 0.0f;
    for (int64_t i = 0; i < n / SLM_QK_K; i++)
        out = fmaf(slm_fp16_to_fp32(x[i].d) * (float)NEON_NAME(iq4_xs_block_sum)(&x[i], levels, y[i].qs), y[i].d, out);
    return out;
}

/* Q4_0, Q5_0 and Q8_0 batches: four weight rows decoded once per call, then every group
 * of four activation rows against them, each output with exactly the steps of dot_q4_0 /
 * dot_q5_0 / dot_q8_0. */
static inline __attribute__((always_inline)) void NEON_NAME(decode_rows)(int type, const void *const rows[4], int64_t i,
                                                                         int8x16_t low[4], int8x16_t high[4], float dx[4]) {
    for (int r = 0; r < 4; r++) {
        if (type == SLM_TYPE_Q4_0) {
            const block_q4_0 *x = (const block_q4_0 *)rows[r] + i;
            NEON_NAME(nibbles)(x->qs, &low[r], &high[r]);
            low[r] = vsubq_s8(low[r], vdupq_n_s8(8));
            high[r] = vsubq_s8(high[r], vdupq_n_s8(8));
            dx[r] = slm_fp16_to_fp32(x->d);
        } else if (type == SLM_TYPE_Q5_0) {
            const block_q5_0 *x = (const block_q5_0 *)rows[r] + i;
            uint32_t qh = slm_load_u32(x->qh);
            NEON_NAME(nibbles)(x->qs, &low[r], &high[r]);
            low[r] = vsubq_s8(vorrq_s8(low[r], NEON_NAME(fifth_bits)(qh & 0xFFFF)), vdupq_n_s8(16));
            high[r] = vsubq_s8(vorrq_s8(high[r], NEON_NAME(fifth_bits)(qh >> 16)), vdupq_n_s8(16));
            dx[r] = slm_fp16_to_fp32(x->d);
        } else {
            const block_q8_0 *x = (const block_q8_0 *)rows[r] + i;
            low[r] = vld1q_s8(x->qs);
            high[r] = vld1q_s8(x->qs + 16);
            dx[r] = slm_fp16_to_fp32(x->d);
        }
    }
}

static inline __attribute__((always_inline)) void NEON_NAME(tile_rows)(int type, int64_t n, const void *const w[4],
                                                                       const uint8_t *activations, size_t activation_bytes,
                                                                       int64_t count, float *out, int64_t out_stride) {
    const int64_t blocks = n / SLM_QK;
    /* up to 128 blocks on the stack (as the x86 tiles), longer rows in the thread's scratch */
    int8x16_t stack_low[128][4], stack_high[128][4];
    float stack_dx[128][4];
    const int small = blocks <= 128;
    int8x16_t (*low)[4] = small ? stack_low : slm_thread_scratch((size_t)blocks * (8 * sizeof(int8x16_t) + 4 * sizeof(float)));
    int8x16_t (*high)[4] = small ? stack_high : low + blocks;
    float (*dx)[4] = small ? stack_dx : (float (*)[4])(high + blocks);
    for (int64_t i = 0; i < blocks; i++) NEON_NAME(decode_rows)(type, w, i, low[i], high[i], dx[i]);
    for (int64_t t0 = 0; t0 + 4 <= count; t0 += 4) {
        float32x4_t acc[4][4];
        for (int t = 0; t < 4; t++)
            for (int r = 0; r < 4; r++) acc[t][r] = vdupq_n_f32(0);
        for (int64_t i = 0; i < blocks; i++) {
            for (int t = 0; t < 4; t++) {
                const block_q8_0 *y = (const block_q8_0 *)(activations + (t0 + t) * activation_bytes) + i;
                const int8x16_t y0 = vld1q_s8(y->qs), y1 = vld1q_s8(y->qs + 16);
                const float dy = slm_fp16_to_fp32(y->d);
                for (int r = 0; r < 4; r++) {
                    int32x4_t sumi = NEON_DOT(vdupq_n_s32(0), low[i][r], y0);
                    sumi = NEON_DOT(sumi, high[i][r], y1);
                    acc[t][r] = vmlaq_n_f32(acc[t][r], vcvtq_f32_s32(sumi), dx[i][r] * dy);
                }
            }
        }
        for (int t = 0; t < 4; t++)
            for (int r = 0; r < 4; r++) out[(t0 + t) * out_stride + r] = NEON_NAME(sum_scaled)(acc[t][r]);
    }
}

static void NEON_NAME(tile_q4_0)(int64_t n, const void *const w[4], const uint8_t *activations, size_t activation_bytes,
                                 int64_t count, float *out, int64_t out_stride) {
    NEON_NAME(tile_rows)(SLM_TYPE_Q4_0, n, w, activations, activation_bytes, count, out, out_stride);
}

static void NEON_NAME(tile_q5_0)(int64_t n, const void *const w[4], const uint8_t *activations, size_t activation_bytes,
                                 int64_t count, float *out, int64_t out_stride) {
    NEON_NAME(tile_rows)(SLM_TYPE_Q5_0, n, w, activations, activation_bytes, count, out, out_stride);
}

static void NEON_NAME(tile_q8_0)(int64_t n, const void *const w[4], const uint8_t *activations, size_t activation_bytes,
                                 int64_t count, float *out, int64_t out_stride) {
    NEON_NAME(tile_rows)(SLM_TYPE_Q8_0, n, w, activations, activation_bytes, count, out, out_stride);
}

static void NEON_NAME(fill_tiles)(slm_tile_fn table[SLM_TYPE_TABLE_SIZE]) {
    table[SLM_TYPE_Q4_0] = NEON_NAME(tile_q4_0);
    table[SLM_TYPE_Q5_0] = NEON_NAME(tile_q5_0);
    table[SLM_TYPE_Q8_0] = NEON_NAME(tile_q8_0);
}

static void NEON_NAME(fill_tiled)(slm_dot_fn table[SLM_TYPE_TABLE_SIZE]) {
    table[SLM_TYPE_Q5_K] = NEON_NAME(dot_q5_K_tiled);
    table[SLM_TYPE_IQ4_XS] = NEON_NAME(dot_iq4_xs_tiled);
}

static void NEON_NAME(fill)(slm_dot_fn table[SLM_TYPE_TABLE_SIZE]) {
    table[SLM_TYPE_F32] = NEON_NAME(dot_f32);
    table[SLM_TYPE_F16] = NEON_NAME(dot_f16);
    table[SLM_TYPE_BF16] = NEON_NAME(dot_bf16);
    table[SLM_TYPE_Q4_0] = NEON_NAME(dot_q4_0);
    table[SLM_TYPE_Q4_1] = NEON_NAME(dot_q4_1);
    table[SLM_TYPE_Q5_0] = NEON_NAME(dot_q5_0);
    table[SLM_TYPE_Q5_1] = NEON_NAME(dot_q5_1);
    table[SLM_TYPE_Q8_0] = NEON_NAME(dot_q8_0);
    table[SLM_TYPE_IQ4_NL] = NEON_NAME(dot_iq4_nl);
    table[SLM_TYPE_Q2_K] = NEON_NAME(dot_q2_K);
    table[SLM_TYPE_Q3_K] = NEON_NAME(dot_q3_K);
    table[SLM_TYPE_Q4_K] = NEON_NAME(dot_q4_K);
    table[SLM_TYPE_Q5_K] = NEON_NAME(dot_q5_K);
    table[SLM_TYPE_Q6_K] = NEON_NAME(dot_q6_K);
    table[SLM_TYPE_IQ4_XS] = NEON_NAME(dot_iq4_xs);
}
