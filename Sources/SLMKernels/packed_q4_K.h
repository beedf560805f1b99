/* The packed Q4_K group: eight rows' super-block i together in 1,152 bytes (eight plain
 * blocks' worth, so a group takes the bytes its rows took), laid out for kernels whose lane
 * r is row r:
 *   bytes    0-15   the eight rows' d (halves)
 *   bytes   16-31   their dmin
 *   bytes   32-127  their packed 6-bit scales and minimums as three runs of eight 32-bit
 *                   words: bytes 0-3 of each row's twelve, then bytes 4-7, then 8-11
 *   bytes 128-1151  the nibbles: for 64-value part j (0-3) and four-byte chunk c (0-7),
 *                   32 bytes holding qs[32j + 4c .. 32j + 4c + 3] of rows 0-7 in turn.
 * A chunk's low nibbles are values 64j + 4c .. +3 (sub-block 2j), its high nibbles values
 * 64j + 32 + 4c .. +3 (sub-block 2j + 1), so one 256-bit load gives every row the same
 * four values and one broadcast activation word meets all eight. */
#ifndef SLM_PACKED_Q4_K_H
#define SLM_PACKED_Q4_K_H

#include "blocks.h"

enum {
    PACKED_Q4_K_ROWS = 8,
    PACKED_Q4_K_BYTES = 8 * 144,  /* one super-block of the group */
    PACKED_Q4_K_DMIN = 16,
    PACKED_Q4_K_SCALES = 32,
    PACKED_Q4_K_QUANTS = 128,
};

/* A group of eight plain rows of `nb` super-blocks (`row_bytes` apart) into `dst`. */
void slm_pack_q4_K_group(int64_t nb, const uint8_t *src, size_t row_bytes, uint8_t *dst);
/* Row r's super-block i of a packed group, as the plain block it was. */
void slm_packed_q4_K_block(const uint8_t *group, int64_t i, int r, block_q4_K *out);
/* slm_matmat_packed_on_path for a Q4_K matrix. */
void slm_matmat_packed_q4_K(int path, int64_t rows, int64_t cols, const uint8_t *weights, size_t row_bytes,
                            const uint8_t *activations, size_t activation_bytes, int64_t count, float *out,
                            int64_t out_stride, int64_t batch_rows, int64_t matrix_rows);

#endif
