/* slm_attention_exp (blocks.h) of every lane of a vector: the same operations in the same
 * order, so each lane has the scalar function's bits. Included by the attention bodies
 * (attention_heads_body.h, attention_tiled_body.h) after their file defines vf, vf_zero,
 * vf_set1, vf_add, vf_sub, vf_mul, vf_fma (a * b + c, fused), vf_pow2 (2^n of integral n in
 * -126..127), vf_select_gt (a > b ? x : y, lane by lane; false for NaN) and vf_select_nan
 * (isnan(a) ? x : y). */
static inline vf vf_exp(vf x) {
    const vf magic = vf_set1(12582912.0f);
    const vf n = vf_sub(vf_add(vf_mul(x, vf_set1(1.44269504088896341f)), magic), magic);
    vf r = vf_fma(n, vf_set1(-0.693359375f), x);
    r = vf_fma(n, vf_set1(2.12194440e-4f), r);
    vf p = vf_fma(vf_set1(1.9875691500e-4f), r, vf_set1(1.3981999507e-3f));
    p = vf_fma(p, r, vf_set1(8.3334519073e-3f));
    p = vf_fma(p, r, vf_set1(4.1665795894e-2f));
    p = vf_fma(p, r, vf_set1(1.6666665459e-1f));
    p = vf_fma(p, r, vf_set1(5.0000001201e-1f));
    const vf y = vf_add(vf_fma(p, vf_mul(r, r), r), vf_set1(1.0f));
    vf result = vf_mul(y, vf_pow2(n));
    result = vf_select_gt(x, vf_set1(88.0f), vf_set1(INFINITY), result);
    result = vf_select_gt(vf_set1(-87.0f), x, vf_zero(), result);
    return vf_select_nan(x, x, result);
}
