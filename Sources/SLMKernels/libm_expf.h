#ifndef SLM_LIBM_EXPF_H
#define SLM_LIBM_EXPF_H
/* e^x in single precision exactly as glibc's expf computes it on x86-64 with FMA (glibc
 * 2.28 on): the reference calls that expf for every softmax weight and SiLU, so computing
 * the same numbers keeps the kernels bit-identical to it, while a function the compiler sees
 * can run inline and, in the SIMD versions (libm_expf_avx2.h, libm_expf_avx512.h), on eight
 * or sixteen values at once instead of one call a value.
 *
 * The method, in double precision: k = round(x * 32 / ln 2) by adding 1.5 * 2^52, r = x * 32
 * / ln 2 - k (one fused step), 2^(k / 32) from a table of 2^(i / 32) (i = k mod 32) with
 * k / 32's whole part added to the exponent bits, 2^(r / 32) by a cubic in fused steps,
 * the product rounded to single precision once. Beyond |x| >= 88 the edge cases follow the
 * library's branches (infinity above log(2^128), 2^-149 or 0 below log(2^-149) and
 * log(2^-150), NaN quieted). */
#include <math.h>
#include <stdint.h>
#include <string.h>

/* 2^(i / 32) rounded to double, minus i << 47 in the bits: adding k << 47 (k = 32 m + i)
 * then yields 2^(m + i / 32). */
static const uint64_t slm_expf_table[32] = {
    0x3ff0000000000000, 0x3fefd9b0d3158574, 0x3fefb5586cf9890f, 0x3fef9301d0125b51, 0x3fef72b83c7d517b,
    0x3fef54873168b9aa, 0x3fef387a6e756238, 0x3fef1e9df51fdee1, 0x3fef06fe0a31b715, 0x3feef1a7373aa9cb,
    0x3feedea64c123422, 0x3feece086061892d, 0x3feebfdad5362a27, 0x3feeb42b569d4f82, 0x3feeab07dd485429,
    0x3feea47eb03a5585, 0x3feea09e667f3bcd, 0x3fee9f75e8ec5f74, 0x3feea11473eb0187, 0x3feea589994cce13,
    0x3feeace5422aa0db, 0x3feeb737b0cdc5e5, 0x3feec49182a3f090, 0x3feed503b23e255d, 0x3feee89f995ad3ad,
    0x3feeff76f2fb5e47, 0x3fef199bdd85529c, 0x3fef3720dcef9069, 0x3fef5818dcfba487, 0x3fef7c97337b9b5f,
    0x3fefa4afa2a490da, 0x3fefd0765b6e4540,
};

#define SLM_EXPF_INV_LN2_32 0x1.71547652b82fep+5   /* 32 / ln 2 */
#define SLM_EXPF_SHIFT 0x1.8p52                    /* rounds to a whole number in the low bits */
#define SLM_EXPF_C0 0x1.c6af84b912394p-20           /* the cubic's coefficients, scaled for r / 32 */
#define SLM_EXPF_C1 0x1.ebfce50fac4f3p-13
#define SLM_EXPF_C2 0x1.62e42ff0c52d6p-6
#define SLM_EXPF_OVERFLOW 0x1.62e42ep6f             /* above: infinity */
#define SLM_EXPF_UNDERFLOW -0x1.9fe368p6f           /* below: 0 */
#define SLM_EXPF_MAY_UNDERFLOW -0x1.9d1d9ep6f       /* below (and not under the last): 2^-149 */

/* The library's value for |x| >= 88, NaN and infinities (`bits`: x's bits); `*done` is 0
 * where it takes the main method there too (88 <= x <= log(2^128), log(2^-149) <= x <= -88). */
static inline float slm_expf_edge(float x, uint32_t bits, int *done) {
    *done = 1;
    if (bits == 0xff800000u) return 0.0f;
    if (((bits >> 20) & 0x7ff) > 0x7f7) return x + x;
    if (x > SLM_EXPF_OVERFLOW) return INFINITY;
    if (x < SLM_EXPF_UNDERFLOW) return 0.0f;
    if (x < SLM_EXPF_MAY_UNDERFLOW) return 0x1p-149f;
    *done = 0;
    return 0.0f;
}

/* e^x, bit for bit glibc's expf (see above). */
static inline float slm_expf(float x) {
    uint32_t bits;
    memcpy(&bits, &x, sizeof bits);
    if (((bits >> 20) & 0x7ff) > 0x42a) {
        int done;
        const float edge = slm_expf_edge(x, bits, &done);
        if (done) return edge;
    }
    const double xd = (double)x;
    const double shifted = fma(SLM_EXPF_INV_LN2_32, xd, SLM_EXPF_SHIFT);
    uint64_t k;
    memcpy(&k, &shifted, sizeof k);
    const double kd = shifted - SLM_EXPF_SHIFT;
    const double r = fma(SLM_EXPF_INV_LN2_32, xd, -kd);
    const uint64_t scale_bits = slm_expf_table[k % 32] + (k << 47);
    double scale;
    memcpy(&scale, &scale_bits, sizeof scale);
    const double z = fma(SLM_EXPF_C0, r, SLM_EXPF_C1);
    const double r2 = r * r;
    const double y = fma(z, r2, fma(r, SLM_EXPF_C2, 1.0));
    return (float)(y * scale);
}

#endif
