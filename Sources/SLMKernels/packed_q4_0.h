/* The packed Q4_0 group: eight rows of nb blocks in the 8 * 18 * nb bytes they took, laid
 * out for kernels whose lane r is row r:
 *   bytes 0 .. 16 nb - 1   the scales, block by block, the eight rows' halves side by side
 *   then 128 bytes a block the nibbles: for four-byte chunk c (0-3), 32 bytes holding
 *                          qs[4c .. 4c + 3] of rows 0-7 in turn.
 * A chunk's low nibbles are values 4c .. 4c + 3 of the block, its high nibbles values
 * 16 + 4c .. 16 + 4c + 3: lanes c and 4 + c of the AVX2 one-row dot. So one 256-bit load
 * gives all eight rows the same four values, one broadcast activation word meets them all,
 * and no horizontal step is needed: a row's sums stay in its lane. */
#ifndef SLM_PACKED_Q4_0_H
#define SLM_PACKED_Q4_0_H

#include "blocks.h"

enum {
    PACKED_Q4_0_ROWS = 8,
    PACKED_Q4_0_QUANTS = 128, /* nibble bytes of one block of the group */
};

/* A group of eight plain rows of `nb` blocks (`row_bytes` apart) into `dst`. */
void slm_pack_q4_0_group(int64_t nb, const uint8_t *src, size_t row_bytes, uint8_t *dst);
/* Row r's block i of a packed group of nb blocks, as the plain block it was. */
void slm_packed_q4_0_block(const uint8_t *group, int64_t nb, int64_t i, int r, block_q4_0 *out);
/* slm_matmat_packed_on_path for a Q4_0 matrix. */
void slm_matmat_packed_q4_0(int path, int64_t rows, int64_t cols, const uint8_t *weights, size_t row_bytes,
                            const uint8_t *activations, size_t activation_bytes, int64_t count, float *out,
                            int64_t out_stride, int64_t batch_rows, int64_t matrix_rows);

/* A group against one Q8_0 activation row in the AVX2 one-row dot's arithmetic: out[r] for
 * row r, bit-identical to dot_q4_0. offsets[8 i + k] is minus 8 times the sum of the
 * activation's bytes 4k .. 4k + 3 of block i (the nibbles are taken unsigned). */
typedef void (*slm_q4_0_lanes_fn)(int64_t nb, const uint8_t *group, const block_q8_0 *activation,
                                  const int32_t *offsets, float out[8]);
/* `groups` (1 or 2) groups, `group_bytes` apart, against `count` (1-4) Q8_0 activation rows
 * in the reference's repacked arithmetic (llama.cpp's q4_0_8x8 kernels on x86, which it uses
 * for every Q4_0 matrix of a multiple of eight rows): per block, each row's 32 products
 * summed as integers, then one fused multiply-add of that sum times the product of the two
 * scales, block after block. offsets[t * nb + i] is minus 8 times the sum of activation t's
 * block i. out[t * 16 + 8 g + r] for activation t, group g, row r. */
enum { PACKED_Q4_0_ACTIVATIONS = 4 };
typedef void (*slm_q4_0_sums_fn)(int64_t nb, const uint8_t *group, size_t group_bytes, int groups,
                                 const uint8_t *activations, size_t activation_bytes, const int32_t *offsets,
                                 int count, float *out);
/* The kernels of a path; NULL where the build or the path has none. */
slm_q4_0_lanes_fn slm_avx2_packed_q4_0_lanes(void);
slm_q4_0_lanes_fn slm_avx512vnni_packed_q4_0_lanes(void);
slm_q4_0_sums_fn slm_avx2_packed_q4_0_sums(void);
slm_q4_0_sums_fn slm_avx512vnni_packed_q4_0_sums(void);

#endif
