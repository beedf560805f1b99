/* Q4_0 matrices packed once at load (layout in packed_q4_0.h), and products over them.
 *
 * A generated token reads each group once with eight lanes per row kept apart, as the AVX2
 * one-row dot keeps them, so its outputs are bit-identical to dot_q4_0's. A batch of four
 * rows or more over a matrix of whole groups takes the reference's repacked arithmetic
 * (one integer sum per row and block), where each row's sums never leave its lane. Both
 * start each integer sum from minus 8 times the activation bytes it meets (computed once a
 * call), so the unsigned nibbles give the signed values' exact sums. */
#include <math.h>
#include <string.h>
#include "dispatch.h"
#include "packed_q4_0.h"

enum { GROUP = PACKED_Q4_0_ROWS, ACTIVATIONS = PACKED_Q4_0_ACTIVATIONS };

static const uint8_t *quants_of(const uint8_t *group, int64_t nb, int64_t i) {
    return group + 2 * GROUP * nb + PACKED_Q4_0_QUANTS * i;
}

void slm_pack_q4_0_group(int64_t nb, const uint8_t *src, size_t row_bytes, uint8_t *dst) {
    for (int64_t i = 0; i < nb; i++) {
        uint8_t *quants = (uint8_t *)quants_of(dst, nb, i);
        for (int r = 0; r < GROUP; r++) {
            const block_q4_0 *x = (const block_q4_0 *)(src + r * row_bytes) + i;
            memcpy(dst + 2 * (GROUP * i + r), &x->d, 2);
            for (int c = 0; c < 4; c++) memcpy(quants + 32 * c + 4 * r, x->qs + 4 * c, 4);
        }
    }
}

void slm_packed_q4_0_block(const uint8_t *group, int64_t nb, int64_t i, int r, block_q4_0 *out) {
    const uint8_t *quants = quants_of(group, nb, i);
    memcpy(&out->d, group + 2 * (GROUP * i + r), 2);
    for (int c = 0; c < 4; c++) memcpy(out->qs + 4 * c, quants + 32 * c + 4 * r, 4);
}

/* Value j (0-31) of row r's block i, unsigned (0-15), and the row's scale there. */
static int nibble_at(const uint8_t *group, int64_t nb, int64_t i, int r, int j) {
    const uint8_t byte = quants_of(group, nb, i)[32 * ((j & 15) / 4) + 4 * r + j % 4];
    return j < 16 ? byte & 0x0F : byte >> 4;
}

static float scale_at(const uint8_t *group, int64_t i, int r) {
    uint16_t d;
    memcpy(&d, group + 2 * (GROUP * i + r), 2);
    return slm_fp16_to_fp32(d);
}

/* The lanes kernel's arithmetic, one row and lane at a time. */
static void lanes_portable(int64_t nb, const uint8_t *group, const block_q8_0 *y, const int32_t *offsets,
                           float out[GROUP]) {
    for (int r = 0; r < GROUP; r++) {
        float lanes[8] = {0};
        for (int64_t i = 0; i < nb; i++) {
            const float d = scale_at(group, i, r) * slm_fp16_to_fp32(y[i].d);
            for (int k = 0; k < 8; k++) {
                int sum = offsets[8 * i + k];
                for (int j = 4 * k; j < 4 * k + 4; j++) sum += nibble_at(group, nb, i, r, j) * y[i].qs[j];
                lanes[k] = fmaf(d, (float)sum, lanes[k]);
            }
        }
        out[r] = ((lanes[0] + lanes[4]) + (lanes[2] + lanes[6])) + ((lanes[1] + lanes[5]) + (lanes[3] + lanes[7]));
    }
}

void slm_packed_block_sums_portable(int64_t cols, const void *group, const void *activation, float out[GROUP]) {
    const int64_t nb = cols / SLM_QK;
    const block_q8_0 *y = activation;
    for (int r = 0; r < GROUP; r++) {
        float acc = 0;
        for (int64_t i = 0; i < nb; i++) {
            int sum = 0;
            for (int j = 0; j < SLM_QK; j++) sum += (nibble_at(group, nb, i, r, j) - 8) * y[i].qs[j];
            acc = fmaf((float)sum, scale_at(group, i, r) * slm_fp16_to_fp32(y[i].d), acc);
        }
        out[r] = acc;
    }
}

/* Minus 8 times the sums of each activation row's blocks (per_lane 0: one a block) or of
 * their four-byte words (per_lane 1: eight a block), in per-thread scratch. */
static const int32_t *activation_offsets(const uint8_t *activations, size_t activation_bytes, int64_t count,
                                         int64_t nb, int per_lane) {
    const int per_block = per_lane ? 8 : 1;
    int32_t *offsets = slm_thread_scratch_slot(1, (size_t)(count * nb * per_block) * sizeof(int32_t));
    for (int64_t t = 0; t < count; t++) {
        const block_q8_0 *y = (const block_q8_0 *)(activations + t * activation_bytes);
        for (int64_t i = 0; i < nb; i++) {
            /* (straight-line sums the compiler vectorizes: this runs for every product) */
            const int8_t *q = y[i].qs;
            int32_t *at = offsets + (t * nb + i) * per_block;
            if (per_lane) {
                for (int k = 0; k < 8; k++) at[k] = -8 * (q[4 * k] + q[4 * k + 1] + q[4 * k + 2] + q[4 * k + 3]);
            } else {
                int32_t sum = 0;
                for (int j = 0; j < SLM_QK; j++) sum += q[j];
                at[0] = -8 * sum;
            }
        }
    }
    return offsets;
}

/* The path's kernels; NULL (sums) or the portable form (lanes) where it has none. */
static slm_q4_0_sums_fn sums_kernel(int path) {
    if (!slm_path_available(path)) return NULL;
    if (path == SLM_PATH_AVX512_VNNI) return slm_avx512vnni_packed_q4_0_sums();
    if (path == SLM_PATH_AVX2) return slm_avx2_packed_q4_0_sums();
    return NULL;
}

static slm_q4_0_lanes_fn lanes_kernel(int path) {
    slm_q4_0_lanes_fn kernel = NULL;
    if (slm_path_available(path) && path == SLM_PATH_AVX512_VNNI) kernel = slm_avx512vnni_packed_q4_0_lanes();
    if (slm_path_available(path) && path == SLM_PATH_AVX2) kernel = slm_avx2_packed_q4_0_lanes();
    return kernel ? kernel : lanes_portable;
}

static void repacked_batch(int path, int64_t full, int64_t cols, const uint8_t *weights, size_t row_bytes,
                           const uint8_t *activations, size_t activation_bytes, int64_t count, float *out,
                           int64_t out_stride) {
    const int64_t nb = cols / SLM_QK;
    const slm_q4_0_sums_fn fast = sums_kernel(path);
    const int32_t *offsets = activation_offsets(activations, activation_bytes, count, nb, 0);
    const size_t group_bytes = GROUP * row_bytes;
    for (int64_t r = 0; r < full; r += 2 * GROUP) {
        const int groups = full - r >= 2 * GROUP ? 2 : 1;
        const uint8_t *group = weights + r * row_bytes;
        for (int64_t t = 0; t < count; t += ACTIVATIONS) {
            const int n = (int)(count - t < ACTIVATIONS ? count - t : ACTIVATIONS);
            const uint8_t *activation = activations + t * activation_bytes;
            float results[ACTIVATIONS * 2 * GROUP];
            if (fast) {
                fast(nb, group, group_bytes, groups, activation, activation_bytes, offsets + t * nb, n, results);
            } else {
                for (int g = 0; g < groups; g++)
                    for (int k = 0; k < n; k++)
                        slm_packed_block_sums_portable(cols, group + g * group_bytes, activation + k * activation_bytes,
                                                       results + 2 * GROUP * k + GROUP * g);
            }
            for (int k = 0; k < n; k++)
                for (int q = 0; q < groups * GROUP; q++) out[(t + k) * out_stride + r + q] = results[2 * GROUP * k + q];
        }
    }
}

static void dot_lanes(int path, int64_t full, int64_t cols, const uint8_t *weights, size_t row_bytes,
                      const uint8_t *activations, size_t activation_bytes, int64_t count, float *out,
                      int64_t out_stride) {
    const int64_t nb = cols / SLM_QK;
    const slm_q4_0_lanes_fn kernel = lanes_kernel(path);
    const int32_t *offsets = activation_offsets(activations, activation_bytes, count, nb, 1);
    /* a group (a few KB) stays in the first-level cache from one activation row to the next */
    for (int64_t r = 0; r < full; r += GROUP) {
        for (int64_t t = 0; t < count; t++) {
            float results[GROUP];
            kernel(nb, weights + r * row_bytes, (const block_q8_0 *)(activations + t * activation_bytes),
                   offsets + t * nb * 8, results);
            for (int q = 0; q < GROUP; q++) out[t * out_stride + r + q] = results[q];
        }
    }
}

void slm_matmat_packed_q4_0(int path, int64_t rows, int64_t cols, const uint8_t *weights, size_t row_bytes,
                            const uint8_t *activations, size_t activation_bytes, int64_t count, float *out,
                            int64_t out_stride, int64_t batch_rows, int64_t matrix_rows) {
    const int64_t full = rows - rows % GROUP;
    if (batch_rows >= 4 && matrix_rows % GROUP == 0) {
        /* the reference repacks such a matrix; every row of the batch takes its arithmetic */
        repacked_batch(path, full, cols, weights, row_bytes, activations, activation_bytes, count, out, out_stride);
    } else {
        dot_lanes(path, full, cols, weights, row_bytes, activations, activation_bytes, count, out, out_stride);
    }
    if (full < rows) {
        /* the rows after the last group are in their plain format */
        slm_matmat_on_path(path, SLM_TYPE_Q4_0, rows - full, cols, weights + full * row_bytes, row_bytes,
                           activations, activation_bytes, count, out + full, out_stride, 1, rows);
    }
}
