/* arm64 NEON version of slm_attend_tiled: four lanes per vector (see attention_tiled_body.h). */
#include <math.h>
#include "blocks.h"

#if defined(__aarch64__)
#include <arm_neon.h>

#define LANES 4
#define ATTEND_TILED slm_attend_tiled_neon
typedef float32x4_t vf;
static inline vf vf_zero(void) { return vdupq_n_f32(0); }
static inline vf vf_load(const float *p) { return vld1q_f32(p); }
static inline void vf_store(float *p, vf v) { vst1q_f32(p, v); }
static inline vf vf_set1(float x) { return vdupq_n_f32(x); }
static inline vf vf_bcast(const float *p) { return vld1q_dup_f32(p); }
static inline vf vf_fma(vf a, vf b, vf c) { return vfmaq_f32(c, a, b); }
static inline vf vf_mul(vf a, vf b) { return vmulq_f32(a, b); }
static inline vf vf_add(vf a, vf b) { return vaddq_f32(a, b); }
static inline vf vf_max(vf a, vf b) { return vmaxq_f32(a, b); }
static inline vf vf_from_half(const uint16_t *p) { return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p))); }
static inline vf vf_hide(vf score, const int32_t *first, const int32_t *last, int32_t position) {
    const int32x4_t t = vdupq_n_s32(position);
    const uint32x4_t hidden = vorrq_u32(vcgtq_s32(vld1q_s32(first), t), vcgeq_s32(t, vld1q_s32(last)));
    return vbslq_f32(hidden, vdupq_n_f32(-INFINITY), score);
}

/* lane by lane: slm_expf in double precision has no shorter NEON form worth its code here */
static inline vf vf_weight(vf score, vf maximum) {
    float s[LANES], m[LANES];
    vst1q_f32(s, score);
    vst1q_f32(m, maximum);
    for (int l = 0; l < LANES; l++) s[l] = s[l] == -INFINITY ? 0.0f : slm_expf(s[l] - m[l]);
    return vld1q_f32(s);
}

#include "attention_tiled_body.h"

#endif
