/* K-quant weight rows rearranged for the batch kernels (x86 and arm64 alike).
 *
 * Per super-block, a "chunk" holds four consecutive values of every row side by side
 * (row r at bytes 4r..4r+3), so one vector load gives lane r row r's four values and one
 * multiply-add against four broadcast activation bytes adds to every row at once. Scales
 * and minimums are laid out the same way, one int32 (or two int16) per row. */
#ifndef SLM_KQUANT_ROWS_H
#define SLM_KQUANT_ROWS_H

#include "blocks.h"

/* Rows per rearranged group at most (AVX-512). */
enum { KQ_MAX_ROWS = 16 };

typedef struct {
    uint8_t weights[8][8][KQ_MAX_ROWS * 4];  /* [32-value sub-block][chunk] */
    int32_t scales[8][KQ_MAX_ROWS];           /* 6-bit scale per sub-block */
    int32_t min_pairs[4][KQ_MAX_ROWS];        /* mins of sub-blocks 2j and 2j+1 as int16 halves */
    float d[KQ_MAX_ROWS], dmin[KQ_MAX_ROWS];
} q4_K_rows;

typedef struct {
    uint8_t weights[8][8][KQ_MAX_ROWS * 4];  /* [32-value quarter][chunk], values 0..63 */
    int32_t scales[16][KQ_MAX_ROWS];          /* signed scale per 16 values */
    int32_t scale_pairs[8][KQ_MAX_ROWS];      /* scales 2k and 2k+1 as int16 halves */
    float d[KQ_MAX_ROWS];
} q6_K_rows;

typedef struct {
    uint8_t weights[8][8][KQ_MAX_ROWS * 4];  /* [32-value group][chunk], level + 128 */
    int32_t scales[8][KQ_MAX_ROWS];           /* signed scale per group */
    int32_t scale_pairs[8][KQ_MAX_ROWS];      /* the same scale in both int16 halves */
    float d[KQ_MAX_ROWS];
} iq4_xs_rows;

static inline uint32_t kq_pack16(int a, int b) { return (uint32_t)(uint16_t)(int16_t)a | ((uint32_t)(uint16_t)(int16_t)b << 16); }

/* An activation block's sums over values 64j..64j+31 and 64j+32..64j+63 as int16 halves. */
static inline uint32_t kq_min_pair(const block_q8_K *y, int j) {
    const int16_t *bs = y->bsums + 4 * j;
    return kq_pack16(bs[0] + bs[1], bs[2] + bs[3]);
}

/* Its sums over 16-value groups 2k and 2k+1 as int16 halves. */
static inline uint32_t kq_bsum_pair(const block_q8_K *y, int k) { return kq_pack16(y->bsums[2 * k], y->bsums[2 * k + 1]); }

#endif
