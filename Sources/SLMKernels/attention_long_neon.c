/* arm64 NEON version of slm_attend_long: eight lanes as two four-lane vectors (see
 * attention_long_body.h). */
#include <math.h>
#include "blocks.h"

#if defined(__aarch64__)
#include <arm_neon.h>

#define ATTEND_LONG slm_attend_long_neon
#define ATTEND_LONG_Q8_0 slm_attend_long_q8_0_neon
typedef struct { float32x4_t low, high; } v8;
static inline v8 v8_pair(float32x4_t low, float32x4_t high) { v8 v = {low, high}; return v; }
static inline v8 v8_zero(void) { return v8_pair(vdupq_n_f32(0), vdupq_n_f32(0)); }
static inline v8 v8_load(const float *p) { return v8_pair(vld1q_f32(p), vld1q_f32(p + 4)); }
static inline void v8_store(float *p, v8 v) { vst1q_f32(p, v.low); vst1q_f32(p + 4, v.high); }
static inline v8 v8_set1(float x) { return v8_pair(vdupq_n_f32(x), vdupq_n_f32(x)); }
static inline v8 v8_fma(v8 a, v8 b, v8 c) { return v8_pair(vfmaq_f32(c.low, a.low, b.low), vfmaq_f32(c.high, a.high, b.high)); }
static inline v8 v8_mul(v8 a, v8 b) { return v8_pair(vmulq_f32(a.low, b.low), vmulq_f32(a.high, b.high)); }
static inline v8 v8_add(v8 a, v8 b) { return v8_pair(vaddq_f32(a.low, b.low), vaddq_f32(a.high, b.high)); }
static inline v8 v8_sub(v8 a, v8 b) { return v8_pair(vsubq_f32(a.low, b.low), vsubq_f32(a.high, b.high)); }
/* fmaxnm ignores a NaN operand as fmaxf does */
static inline v8 v8_max_number(v8 a, v8 b) { return v8_pair(vmaxnmq_f32(a.low, b.low), vmaxnmq_f32(a.high, b.high)); }
static inline v8 v8_from_half(const uint16_t *p) {
    return v8_pair(vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p))), vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p + 4))));
}
static inline float float_from_half(uint16_t h) {
    return vgetq_lane_f32(vcvt_f32_f16(vreinterpret_f16_u16(vdup_n_u16(h))), 0);
}
static inline v8 v8_from_q8(const int8_t *p, float d) {
    const int16x8_t wide = vmovl_s8(vld1_s8(p));
    return v8_pair(vmulq_n_f32(vcvtq_f32_s32(vmovl_s16(vget_low_s16(wide))), d),
                   vmulq_n_f32(vcvtq_f32_s32(vmovl_s16(vget_high_s16(wide))), d));
}
static inline float v8_max_lanes(v8 v) { return vmaxvq_f32(vmaxq_f32(v.low, v.high)); }
/* pairwise adds: ((p0 + p1) + (p2 + p3)) and ((p4 + p5) + (p6 + p7)), then their sum */
static inline float v8_sum_lanes(v8 v) {
    const float32x4_t pairs = vpaddq_f32(v.low, v.high);
    const float32x4_t fours = vpaddq_f32(pairs, pairs);
    return vgetq_lane_f32(fours, 0) + vgetq_lane_f32(fours, 1);
}
/* Each row's 32 products widened to 16 bits and added pairwise into four 32-bit sums, four
 * rows' sums added pairwise to their totals: exact integers, then floats. */
static inline int32x4_t q8_row_sums(const int8_t *key, int8x16_t query_low, int8x16_t query_high) {
    const int8x16_t low = vld1q_s8(key), high = vld1q_s8(key + 16);
    int32x4_t sums = vpaddlq_s16(vmull_s8(vget_low_s8(low), vget_low_s8(query_low)));
    sums = vpadalq_s16(sums, vmull_high_s8(low, query_low));
    sums = vpadalq_s16(sums, vmull_s8(vget_low_s8(high), vget_low_s8(query_high)));
    return vpadalq_s16(sums, vmull_high_s8(high, query_high));
}
static inline float32x4_t q8_sums_four(const int8_t *keys, int64_t row_bytes, int8x16_t query_low,
                                       int8x16_t query_high) {
    int32x4_t s[4];
    for (int i = 0; i < 4; i++) s[i] = q8_row_sums(keys + i * row_bytes, query_low, query_high);
    return vcvtq_f32_s32(vpaddq_s32(vpaddq_s32(s[0], s[1]), vpaddq_s32(s[2], s[3])));
}
static inline v8 v8_q8_sums(const int8_t *keys, int64_t row_bytes, const int8_t *query) {
    const int8x16_t low = vld1q_s8(query), high = vld1q_s8(query + 16);
    return v8_pair(q8_sums_four(keys, row_bytes, low, high), q8_sums_four(keys + 4 * row_bytes, row_bytes, low, high));
}
/* Pairwise adds: a vector's eight lanes to its four pairs, two vectors' pairs to their
 * halves, four vectors' halves to their sums: slm_long_sum8's tree. */
static inline float32x4_t sum8_four(const v8 acc[4]) {
    float32x4_t pairs[4];
    for (int i = 0; i < 4; i++) pairs[i] = vpaddq_f32(acc[i].low, acc[i].high);
    return vpaddq_f32(vpaddq_f32(pairs[0], pairs[1]), vpaddq_f32(pairs[2], pairs[3]));
}
static inline v8 v8_sum8(const v8 acc[8]) { return v8_pair(sum8_four(acc), sum8_four(acc + 4)); }
static inline float32x4_t power2_four(float32x4_t n) {
    return vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(vcvtq_s32_f32(n), vdupq_n_s32(127)), 23));
}
static inline v8 v8_power2(v8 n) { return v8_pair(power2_four(n.low), power2_four(n.high)); }
static inline float32x4_t keep_four(float32x4_t a, float32x4_t x, float limit) {
    return vreinterpretq_f32_u32(vandq_u32(vreinterpretq_u32_f32(a), vcgeq_f32(x, vdupq_n_f32(limit))));
}
static inline v8 v8_keep_at_least(v8 a, v8 x, float limit) {
    return v8_pair(keep_four(a.low, x.low, limit), keep_four(a.high, x.high, limit));
}
static inline v8 v8_hide_from(v8 a, int64_t count) {
    const int32_t limit = (int32_t)(count < 8 ? count : 8);
    const int32x4_t low_lanes = {0, 1, 2, 3}, high_lanes = {4, 5, 6, 7};
    const float32x4_t hidden = vdupq_n_f32(-INFINITY);
    return v8_pair(vbslq_f32(vcgeq_s32(low_lanes, vdupq_n_s32(limit)), hidden, a.low),
                   vbslq_f32(vcgeq_s32(high_lanes, vdupq_n_s32(limit)), hidden, a.high));
}

#include "attention_long_body.h"

#endif
