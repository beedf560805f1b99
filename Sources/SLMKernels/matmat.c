/* Runs a batch product as dispatch.c planned it: rearranged weight rows sixteen or eight
 * at a time, then four-row tiles or all rows in fours at once (or, for fewer than four
 * activation rows, four weight rows per pass), then one weight row at a time (against four
 * activation rows at once where a kernel allows). Every output is exactly what the one-row
 * kernel the plan names for its activation row gives. */
#include <math.h>
#include "dispatch.h"

void slm_matmat_on_path(int path, int weight_type, int64_t rows, int64_t cols, const void *weights,
                        size_t row_bytes, const void *activations, size_t activation_bytes, int64_t count,
                        float *out, int64_t out_stride, int64_t batch_rows, int64_t matrix_rows) {
    const slm_matmat_plan plan = slm_plan_matmat(path, weight_type, count, batch_rows, matrix_rows);
    const uint8_t *row = weights;
    int64_t r = 0;
    for (int width = 16; plan.covered >= 4 && width >= 8; width /= 2) {
        slm_rows_fn kernel = width == 16 ? plan.rows16 : plan.rows8;
        for (; kernel && r + width <= rows; r += width, row += width * row_bytes) {
            kernel(cols, row, row_bytes, activations, activation_bytes, plan.covered, out + r, out_stride);
            const uint8_t *activation = (const uint8_t *)activations + plan.covered * activation_bytes;
            for (int64_t t = plan.covered; t < count; t++, activation += activation_bytes) {
                slm_dot_fn f = t < plan.first_count ? plan.first_rows : plan.last_rows;
                for (int q = 0; q < width; q++) out[t * out_stride + r + q] = f(cols, row + q * row_bytes, activation);
            }
        }
    }
    if (plan.quads && count >= 4) {
        const int64_t quads = (rows - r) - (rows - r) % 4;
        plan.quads(weight_type, 0, quads, cols, row, row_bytes, activations, activation_bytes, count, out + r, out_stride);
        r += quads, row += quads * row_bytes;
    }
    if (plan.tile && count >= 4) {
        for (; r + 4 <= rows; r += 4, row += 4 * row_bytes) {
            const void *quad[4] = {row, row + row_bytes, row + 2 * row_bytes, row + 3 * row_bytes};
            plan.tile(cols, quad, activations, activation_bytes, count, out + r, out_stride);
            int64_t t = count - count % 4;
            const uint8_t *activation = (const uint8_t *)activations + t * activation_bytes;
            for (; t < count; t++, activation += activation_bytes)
                for (int q = 0; q < 4; q++) out[t * out_stride + r + q] = plan.dot(cols, quad[q], activation);
        }
    }
    if (plan.dot_rows4 && count < 4) {
        /* a generated token (or a few): four weight rows per pass, each still its own sum */
        for (; r + 4 <= rows; r += 4, row += 4 * row_bytes) {
            const void *quad[4] = {row, row + row_bytes, row + 2 * row_bytes, row + 3 * row_bytes};
            const uint8_t *activation = activations;
            for (int64_t t = 0; t < count; t++, activation += activation_bytes) {
                float results[4];
                plan.dot_rows4(cols, quad, activation, results);
                for (int q = 0; q < 4; q++) out[t * out_stride + r + q] = results[q];
            }
        }
    }
    for (; r < rows; r++, row += row_bytes) {
        const uint8_t *activation = activations;
        int64_t t = 0;
        if (plan.dot4) {
            for (; t + 4 <= plan.dot4_limit; t += 4, activation += 4 * activation_bytes) {
                const void *group[4] = {activation, activation + activation_bytes, activation + 2 * activation_bytes,
                                        activation + 3 * activation_bytes};
                float results[4];
                plan.dot4(cols, row, group, results);
                for (int k = 0; k < 4; k++) out[(t + k) * out_stride + r] = results[k];
            }
        }
        for (; t < count; t++, activation += activation_bytes) {
            slm_dot_fn f = t < plan.first_count ? plan.first_rows : plan.last_rows;
            out[t * out_stride + r] = f ? f(cols, row, activation) : NAN;
        }
    }
}
