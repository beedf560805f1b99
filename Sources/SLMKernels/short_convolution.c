/* LFM2's depthwise causal convolution over the last `taps` inputs of each channel, gated:
 * the portable definition and the dispatch to the AVX2 version, which matches it exactly
 * (each channel's sum takes the same fused multiply-adds in the same order). */
#include <math.h>
#include "blocks.h"

/* Channels [first, width) of the convolution. */
static void convolve_channels(const float *window, int64_t width, const float *filter, int64_t taps,
                              const float *gates, float *out, int64_t first) {
    for (int64_t c = first; c < width; c++) {
        /* the reference's compiler fuses its a*b + sum; fmaf gives the same rounding */
        float sum = 0.0f;
        for (int64_t k = 0; k < taps; k++) sum = fmaf(window[k * width + c], filter[c * taps + k], sum);
        out[c] = gates ? gates[c] * sum : sum;
    }
}

void slm_short_convolution_portable(const float *window, int64_t width, const float *filter, int64_t taps,
                                    const float *gates, float *out) {
    convolve_channels(window, width, filter, taps, gates, out, 0);
}

void slm_short_convolution(const float *window, int64_t width, const float *filter, int64_t taps,
                           const float *gates, float *out) {
    int path = slm_active_path();
    int64_t done = 0;
    if (path == SLM_PATH_AVX2 || path == SLM_PATH_AVX512_VNNI)
        done = slm_short_convolution_avx2(window, width, filter, taps, gates, out);
    convolve_channels(window, width, filter, taps, gates, out, done);
}
