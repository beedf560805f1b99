/* Q5_0 and Q8_0 matrices rearranged once at load ("packed") into groups of eight rows, so
 * one pass over memory feeds eight rows and their scales convert in one step; Q4_0 and Q4_K
 * groups have layouts of their own (packed_q4_0.h, packed_q4_K.h). A group of nb blocks per
 * row holds, in order: the scales (eight halves per block, the eight rows side by side),
 * Q5_0's fifth bits (four 64-bit masks per block: values 0-15 of rows 0-3, values 16-31 of
 * rows 0-3, the same for rows 4-7, one bit per byte of the 512-bit vectors the kernel
 * builds), then the quants (per block, the eight rows' bytes one row after another). Quants
 * come last and in whole cache lines, so where a group starts on a line the kernel's 64-byte
 * loads never straddle two. Q8_0 quants are stored plus 128 (as unsigned bytes), Q5_0
 * nibbles as they are; the products subtract the activation's block sums times 128 or 16,
 * so every integer sum is exact.
 *
 * Every output equals what the AVX2 one-row dot product gives for the same row (dot_q5_0 /
 * dot_q8_0: eight lanes, each a fused multiply-add per block in block order, then the same
 * horizontal sum), on every path. Rows past the last full group stay in their plain format
 * at their usual place; a group starts where its first row did and takes the bytes its rows
 * took. */
#include <math.h>
#include <string.h>
#include "dispatch.h"
#include "packed_q4_0.h"
#include "packed_q4_K.h"

enum { GROUP = SLM_PACKED_GROUP };
/* Activation rows from which AVX2 batches take the 16-bit product kernel. */
enum { WIDE_BATCH = 16 };

static int packable(int type) {
    return type == SLM_TYPE_Q4_0 || type == SLM_TYPE_Q5_0 || type == SLM_TYPE_Q8_0 || type == SLM_TYPE_Q4_K;
}

/* Where a group's parts start, and the bytes of one block's quants (eight rows). */
typedef struct {
    uint8_t *scales, *masks, *quants;
    int64_t quant_bytes;
} group_parts;

static group_parts parts_of(int type, const void *group, int64_t nb) {
    uint8_t *base = (uint8_t *)group;
    group_parts parts = {base, base + 2 * GROUP * nb, base + 2 * GROUP * nb, GROUP * SLM_QK / 2};
    if (type == SLM_TYPE_Q5_0) parts.quants += 4 * 8 * nb;
    if (type == SLM_TYPE_Q8_0) parts.quant_bytes = GROUP * SLM_QK;
    return parts;
}

/* The fifth bit of value j (0..31) of row r in block i of a packed Q5_0 group. */
static inline int q5_high_bit(const group_parts *parts, int64_t i, int r, int j) {
    uint64_t mask;
    memcpy(&mask, parts->masks + 32 * i + 8 * (2 * (r / 4) + (j >= 16)), 8);
    return (int)(mask >> (16 * (r % 4) + (j & 15))) & 1;
}

int slm_packs_type(int weight_type) {
    if (!packable(weight_type)) return 0;
    const int path = slm_active_path();
    return path == SLM_PATH_AVX2 || path == SLM_PATH_AVX512_VNNI;
}

int slm_pack_rows(int weight_type, int64_t rows, int64_t cols, const void *src, void *dst) {
    if (!packable(weight_type)) return -1;
    if (rows % GROUP != 0 || cols % slm_block_size(weight_type) != 0) return -1;
    if (weight_type == SLM_TYPE_Q4_K) {
        const size_t row_bytes = (size_t)(cols / SLM_QK_K) * sizeof(block_q4_K);
        for (int64_t g = 0; g < rows / GROUP; g++)
            slm_pack_q4_K_group(cols / SLM_QK_K, (const uint8_t *)src + g * GROUP * row_bytes, row_bytes,
                                (uint8_t *)dst + g * GROUP * row_bytes);
        return 0;
    }
    const int64_t nb = cols / SLM_QK;
    const int64_t row_bytes = nb * slm_block_bytes(weight_type);
    if (weight_type == SLM_TYPE_Q4_0) {
        for (int64_t g = 0; g < rows / GROUP; g++)
            slm_pack_q4_0_group(nb, (const uint8_t *)src + g * GROUP * row_bytes, (size_t)row_bytes,
                                (uint8_t *)dst + g * GROUP * row_bytes);
        return 0;
    }
    for (int64_t g = 0; g < rows / GROUP; g++) {
        const group_parts parts = parts_of(weight_type, (uint8_t *)dst + g * GROUP * row_bytes, nb);
        if (weight_type == SLM_TYPE_Q5_0) memset(parts.masks, 0, 32 * nb);
        for (int64_t i = 0; i < nb; i++) {
            uint8_t *quants = parts.quants + i * parts.quant_bytes;
            for (int r = 0; r < GROUP; r++) {
                const uint8_t *row = (const uint8_t *)src + (g * GROUP + r) * row_bytes;
                if (weight_type == SLM_TYPE_Q8_0) {
                    const block_q8_0 *x = (const block_q8_0 *)row + i;
                    memcpy(parts.scales + 2 * (GROUP * i + r), &x->d, 2);
                    for (int j = 0; j < SLM_QK; j++) quants[SLM_QK * r + j] = (uint8_t)(x->qs[j] ^ 0x80);
                } else {
                    const block_q5_0 *x = (const block_q5_0 *)row + i;
                    memcpy(parts.scales + 2 * (GROUP * i + r), &x->d, 2);
                    memcpy(quants + SLM_QK / 2 * r, x->qs, SLM_QK / 2);
                    const uint32_t qh = slm_load_u32(x->qh);
                    for (int half = 0; half < 2; half++) {
                        uint8_t *at = parts.masks + 32 * i + 8 * (2 * (r / 4) + half);
                        uint64_t mask;
                        memcpy(&mask, at, 8);
                        mask |= (uint64_t)((qh >> (16 * half)) & 0xFFFF) << (16 * (r % 4));
                        memcpy(at, &mask, 8);
                    }
                }
            }
        }
    }
    return 0;
}

/* The quant j (0..31) of row r in block i, as the signed value it stands for. */
static inline int packed_quant(int type, const group_parts *parts, int64_t i, int r, int j) {
    const uint8_t *quants = parts->quants + i * parts->quant_bytes;
    if (type == SLM_TYPE_Q8_0) return (int)quants[SLM_QK * r + j] - 128;
    const uint8_t byte = quants[SLM_QK / 2 * r + (j & 15)];
    const int nibble = j < 16 ? byte & 0x0F : byte >> 4;
    return (nibble | q5_high_bit(parts, i, r, j) << 4) - 16;
}

static inline float packed_scale(const group_parts *parts, int64_t i, int r) {
    uint16_t d;
    memcpy(&d, parts->scales + 2 * (GROUP * i + r), 2);
    return slm_fp16_to_fp32(d);
}

int slm_packed_dequantize_row(int weight_type, int64_t cols, const void *group, int64_t row_in_group, float *out) {
    if (!packable(weight_type)) return -1;
    if (weight_type == SLM_TYPE_Q4_K) {
        for (int64_t i = 0; i < cols / SLM_QK_K; i++) {
            block_q4_K block;
            slm_packed_q4_K_block(group, i, (int)row_in_group, &block);
            slm_dequantize_row(SLM_TYPE_Q4_K, &block, out + i * SLM_QK_K, SLM_QK_K);
        }
        return 0;
    }
    const int64_t nb = cols / SLM_QK;
    if (weight_type == SLM_TYPE_Q4_0) {
        for (int64_t i = 0; i < nb; i++) {
            block_q4_0 block;
            slm_packed_q4_0_block(group, nb, i, (int)row_in_group, &block);
            slm_dequantize_row(SLM_TYPE_Q4_0, &block, out + i * SLM_QK, SLM_QK);
        }
        return 0;
    }
    const group_parts parts = parts_of(weight_type, group, nb);
    for (int64_t i = 0; i < nb; i++) {
        const float d = packed_scale(&parts, i, (int)row_in_group);
        for (int j = 0; j < SLM_QK; j++)
            out[i * SLM_QK + j] = (float)packed_quant(weight_type, &parts, i, (int)row_in_group, j) * d;
    }
    return 0;
}

/* The eight-lane arithmetic of the AVX2 dot, one lane at a time. */
static void group_portable(int type, int64_t nb, const uint8_t *group, const block_q8_0 *y, float out[GROUP]) {
    const group_parts parts = parts_of(type, group, nb);
    for (int r = 0; r < GROUP; r++) {
        float lanes[8] = {0};
        for (int64_t i = 0; i < nb; i++) {
            const float d = packed_scale(&parts, i, r) * slm_fp16_to_fp32(y[i].d);
            for (int k = 0; k < 8; k++) {
                int sum = 0;
                for (int j = 4 * k; j < 4 * k + 4; j++) sum += packed_quant(type, &parts, i, r, j) * y[i].qs[j];
                lanes[k] = fmaf(d, (float)sum, lanes[k]);
            }
        }
        out[r] = ((lanes[0] + lanes[4]) + (lanes[2] + lanes[6])) + ((lanes[1] + lanes[5]) + (lanes[3] + lanes[7]));
    }
}

void slm_matmat_packed_on_path(int path, int weight_type, int64_t rows, int64_t cols, const void *weights,
                               size_t row_bytes, const void *activations, size_t activation_bytes, int64_t count,
                               float *out, int64_t out_stride, int64_t batch_rows, int64_t matrix_rows) {
    if (weight_type == SLM_TYPE_Q4_K) {
        slm_matmat_packed_q4_K(path, rows, cols, weights, row_bytes, activations, activation_bytes, count, out,
                               out_stride, batch_rows, matrix_rows);
        return;
    }
    if (weight_type == SLM_TYPE_Q4_0) {
        slm_matmat_packed_q4_0(path, rows, cols, weights, row_bytes, activations, activation_bytes, count, out,
                               out_stride, batch_rows, matrix_rows);
        return;
    }
    const int64_t nb = cols / SLM_QK;
    const int64_t full = rows - rows % GROUP;
    slm_group_fn fast = NULL;
    if (slm_path_available(path) && path == SLM_PATH_AVX512_VNNI) fast = slm_avx512vnni_packed_group(weight_type);
    if (slm_path_available(path) && path == SLM_PATH_AVX2) fast = slm_avx2_packed_group(weight_type);
    const slm_quads_fn quads = path == SLM_PATH_AVX2 && count >= WIDE_BATCH ? slm_avx2_quads(weight_type) : NULL;
    if (quads) {
        /* AVX2 batches: the 16-bit product kernel takes the groups' rows four at a time,
         * faster than the packed kernels here (16 registers hold the accumulators of too
         * few activation rows). The same numbers. */
        quads(weight_type, 1, full, cols, weights, row_bytes, activations, activation_bytes, count, out, out_stride);
    }
    /* batches on AVX-512 too: four activation rows per pass over a group beat unpacking the
     * groups for the plain tile kernels (measured on prompts of 16 to 512 tokens) */
    for (int64_t r = quads ? full : 0; r < full; r += GROUP) {
        const uint8_t *group = (const uint8_t *)weights + r * row_bytes;
        /* up to four activation rows per pass over the group */
        for (int64_t t = 0; t < count; t += SLM_GROUP_ACTIVATIONS) {
            const int n = (int)(count - t < SLM_GROUP_ACTIVATIONS ? count - t : SLM_GROUP_ACTIVATIONS);
            const uint8_t *activation = (const uint8_t *)activations + t * activation_bytes;
            float results[SLM_GROUP_ACTIVATIONS * GROUP];
            if (fast) {
                fast(nb, group, activation, activation_bytes, n, results);
            } else {
                for (int k = 0; k < n; k++)
                    group_portable(weight_type, nb, group, (const block_q8_0 *)(activation + k * activation_bytes),
                                   results + k * GROUP);
            }
            for (int k = 0; k < n; k++)
                for (int q = 0; q < GROUP; q++) out[(t + k) * out_stride + r + q] = results[k * GROUP + q];
        }
    }
    if (full < rows) {
        /* the rows after the last group are in their plain format */
        slm_matmat_on_path(path, weight_type, rows - full, cols, (const uint8_t *)weights + full * row_bytes, row_bytes,
                           activations, activation_bytes, count, out + full, out_stride, 1, rows);
    }
}

void slm_matmat_packed(int weight_type, int64_t rows, int64_t cols, const void *weights, size_t row_bytes,
                       const void *activations, size_t activation_bytes, int64_t count, float *out,
                       int64_t out_stride, int64_t batch_rows, int64_t matrix_rows) {
    slm_matmat_packed_on_path(slm_active_path(), weight_type, rows, cols, weights, row_bytes, activations,
                              activation_bytes, count, out, out_stride, batch_rows, matrix_rows);
}
