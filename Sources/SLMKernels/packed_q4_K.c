/* Q4_K matrices packed once at load (layout in packed_q4_K.h), and products over them.
 *
 * A generated token (fewer than four activation rows) reads each group once in a kernel
 * whose lane r is row r: per super-block the exact integer sums of every row, then
 * dot_q4_K's float steps for eight rows in one vector, so every output is bit-identical to
 * the one-row dot on every path. Batches (four activation rows or more) put sixteen rows at
 * a time back in their plain form in scratch memory and run the plain kernels over them,
 * with the call's batch and matrix sizes, so they give exactly what the unpacked matrix
 * gives; the unpacking is a small part of a batch's work. */
#include <string.h>
#include "dispatch.h"
#include "packed_q4_K.h"

enum { GROUP = PACKED_Q4_K_ROWS, UNPACKED_ROWS = 16 };

void slm_pack_q4_K_group(int64_t nb, const uint8_t *src, size_t row_bytes, uint8_t *dst) {
    for (int64_t i = 0; i < nb; i++) {
        uint8_t *out = dst + i * PACKED_Q4_K_BYTES;
        for (int r = 0; r < GROUP; r++) {
            const block_q4_K *x = (const block_q4_K *)(src + r * row_bytes) + i;
            memcpy(out + 2 * r, &x->d, 2);
            memcpy(out + PACKED_Q4_K_DMIN + 2 * r, &x->dmin, 2);
            for (int word = 0; word < 3; word++) memcpy(out + PACKED_Q4_K_SCALES + 32 * word + 4 * r, x->scales + 4 * word, 4);
            for (int chunk = 0; chunk < 32; chunk++)
                memcpy(out + PACKED_Q4_K_QUANTS + 32 * chunk + 4 * r, x->qs + 4 * chunk, 4);
        }
    }
}

void slm_packed_q4_K_block(const uint8_t *group, int64_t i, int r, block_q4_K *out) {
    const uint8_t *in = group + i * PACKED_Q4_K_BYTES;
    memcpy(&out->d, in + 2 * r, 2);
    memcpy(&out->dmin, in + PACKED_Q4_K_DMIN + 2 * r, 2);
    for (int word = 0; word < 3; word++) memcpy(out->scales + 4 * word, in + PACKED_Q4_K_SCALES + 32 * word + 4 * r, 4);
    for (int chunk = 0; chunk < 32; chunk++) memcpy(out->qs + 4 * chunk, in + PACKED_Q4_K_QUANTS + 32 * chunk + 4 * r, 4);
}

/* `count` rows (whole groups) of a packed matrix back in their plain form at `plain`. */
static void unpack_rows(int64_t nb, const uint8_t *packed, size_t row_bytes, int64_t count, uint8_t *plain) {
    for (int64_t g = 0; g < count / GROUP; g++) {
        const uint8_t *group = packed + g * GROUP * row_bytes;
        for (int r = 0; r < GROUP; r++) {
            block_q4_K *row = (block_q4_K *)(plain + (g * GROUP + r) * row_bytes);
            for (int64_t i = 0; i < nb; i++) slm_packed_q4_K_block(group, i, r, &row[i]);
        }
    }
}

static slm_q4_K_group_fn group_kernel(int path) {
    if (!slm_path_available(path)) return NULL;
    if (path == SLM_PATH_AVX512_VNNI) return slm_avx512vnni_packed_q4_K_group();
    if (path == SLM_PATH_AVX2) return slm_avx2_packed_q4_K_group();
    return NULL;
}

void slm_matmat_packed_q4_K(int path, int64_t rows, int64_t cols, const uint8_t *weights, size_t row_bytes,
                            const uint8_t *activations, size_t activation_bytes, int64_t count, float *out,
                            int64_t out_stride, int64_t batch_rows, int64_t matrix_rows) {
    const int64_t nb = cols / SLM_QK_K;
    const int64_t full = rows - rows % GROUP;
    const slm_q4_K_group_fn kernel = count < 4 ? group_kernel(path) : NULL;
    if (kernel) {
        for (int64_t r = 0; r < full; r += GROUP) {
            for (int64_t t = 0; t < count; t++) {
                float results[GROUP];
                kernel(nb, weights + r * row_bytes, activations + t * activation_bytes, results);
                for (int q = 0; q < GROUP; q++) out[t * out_stride + r + q] = results[q];
            }
        }
    } else {
        uint8_t *plain = slm_thread_scratch_slot(1, UNPACKED_ROWS * row_bytes);
        for (int64_t r = 0; r < full; r += UNPACKED_ROWS) {
            const int64_t n = full - r < UNPACKED_ROWS ? full - r : UNPACKED_ROWS;
            unpack_rows(nb, weights + r * row_bytes, row_bytes, n, plain);
            slm_matmat_on_path(path, SLM_TYPE_Q4_K, n, cols, plain, row_bytes, activations, activation_bytes, count,
                               out + r, out_stride, batch_rows, matrix_rows);
        }
    }
    if (full < rows)
        slm_matmat_on_path(path, SLM_TYPE_Q4_K, rows - full, cols, weights + full * row_bytes, row_bytes, activations,
                           activation_bytes, count, out + full, out_stride, batch_rows, matrix_rows);
}
