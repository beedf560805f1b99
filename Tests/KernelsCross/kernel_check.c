/* Checks SLMKernels against the committed quant fixtures without Swift, so the arm64
 * NEON paths can be cross-compiled and run under qemu-aarch64 (see .ci/run).
 *
 *   kernel_check FIXTURE_DIR
 *
 * For every type in the fixtures: scalar dequantization equals gguf-py's within 1e-6
 * relative; on every available path the dot product with quantized activations is within
 * 1e-4 (relative to sum |w*a|) of the float dot product of the dequantized rows, and each
 * SIMD path is within 1e-5 of the scalar path. Batch products of the types with batch
 * arithmetic of their own (repacked Q4_K, tiled Q5_K, Q6_K and IQ4_XS) are identical on
 * every path, the others' equal each path's one-row dot products, and tiled attention
 * equals its portable definition. Prints "N passed, N failed". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "slm_kernels.h"

static const struct { const char *name; int type; } TYPES[] = {
    {"F32", SLM_TYPE_F32},   {"F16", SLM_TYPE_F16},     {"BF16", SLM_TYPE_BF16},
    {"Q4_0", SLM_TYPE_Q4_0}, {"Q4_1", SLM_TYPE_Q4_1},   {"Q5_0", SLM_TYPE_Q5_0},
    {"Q5_1", SLM_TYPE_Q5_1}, {"Q8_0", SLM_TYPE_Q8_0},   {"IQ4_NL", SLM_TYPE_IQ4_NL},
    {"Q2_K", SLM_TYPE_Q2_K}, {"Q3_K", SLM_TYPE_Q3_K},   {"Q4_K", SLM_TYPE_Q4_K},
    {"Q5_K", SLM_TYPE_Q5_K}, {"Q6_K", SLM_TYPE_Q6_K},   {"IQ4_XS", SLM_TYPE_IQ4_XS},
};
enum { ELEMENTS = 2048, ROWS = 2, COLS = ELEMENTS / ROWS };

static int passed, failed;

static void check(int ok, const char *what, const char *type, const char *path, double got,
                  double want) {
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAIL %s %s %s: got %.9g want %.9g\n", what, type, path, got, want);
    }
}

static void *read_file(const char *dir, const char *name, long *size) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    *size = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *data = malloc((size_t)*size);
    if (fread(data, 1, (size_t)*size, f) != (size_t)*size) {
        free(data);
        data = NULL;
    }
    fclose(f);
    return data;
}

/* A fixed pseudo-random activation row (xorshift), roughly N(0,1)-sized. */
static void activation_row(float *x, int n, unsigned seed) {
    unsigned s = seed * 2654435761u + 1;
    for (int i = 0; i < n; i++) {
        s ^= s << 13; s ^= s >> 17; s ^= s << 5;
        x[i] = ((float)(s % 20001) / 10000.0f - 1.0f) * 2.0f;
    }
}

/* 16 weight rows (the fixture's two, each varied a little) against 9 activation rows, as a
 * batch. Types with batch arithmetic of their own (repacked Q4_K, tiled Q5_K, Q6_K and
 * IQ4_XS) must give exactly the scalar path's numbers on every path; the others exactly
 * each path's own one-row dot products. */
static void check_batch(const char *name, int type, const unsigned char *raw, size_t row_bytes) {
    enum { WEIGHT_ROWS = 16, BATCH = 9 };
    static unsigned char weights[WEIGHT_ROWS * 4096];
    static unsigned char acts[BATCH * COLS * 4];
    if (row_bytes * WEIGHT_ROWS > sizeof weights) return;
    for (int r = 0; r < WEIGHT_ROWS; r++) {
        memcpy(weights + r * row_bytes, raw + (r % 2) * row_bytes, row_bytes);
        weights[(r + 1) * row_bytes - 1 - r] ^= (unsigned char)r;
    }
    int act_type = slm_activation_type(type);
    size_t act_bytes = (size_t)(COLS / slm_block_size(act_type) * slm_block_bytes(act_type));
    for (int t = 0; t < BATCH; t++) {
        float x[COLS];
        activation_row(x, COLS, (unsigned)(100 + t));
        slm_quantize_row(act_type, x, acts + t * act_bytes, COLS);
    }
    float scalar[BATCH * WEIGHT_ROWS], got[BATCH * WEIGHT_ROWS];
    slm_matmat_on_path(SLM_PATH_SCALAR, type, WEIGHT_ROWS, COLS, weights, row_bytes, acts, act_bytes, BATCH, scalar,
                       WEIGHT_ROWS, BATCH, WEIGHT_ROWS);
    const int own_arithmetic =
        type == SLM_TYPE_Q4_K || type == SLM_TYPE_Q5_K || type == SLM_TYPE_Q6_K || type == SLM_TYPE_IQ4_XS;
    for (int p = 1; p < SLM_PATH_COUNT; p++) {
        if (!slm_path_available(p)) continue;
        slm_matmat_on_path(p, type, WEIGHT_ROWS, COLS, weights, row_bytes, acts, act_bytes, BATCH, got, WEIGHT_ROWS,
                           BATCH, WEIGHT_ROWS);
        int differing = 0;
        for (int t = 0; t < BATCH; t++)
            for (int r = 0; r < WEIGHT_ROWS; r++) {
                float want = own_arithmetic ? scalar[t * WEIGHT_ROWS + r]
                                            : slm_vec_dot_on_path(p, type, COLS, weights + r * row_bytes, acts + t * act_bytes);
                differing += got[t * WEIGHT_ROWS + r] != want;
            }
        check(differing == 0, own_arithmetic ? "batch-vs-scalar" : "batch-vs-dot", name, slm_path_name(p), differing, 0);
    }
}

/* Tiled attention (12 rows of 4 query heads at positions 60..71, one key/value head of
 * 128 dimensions) on every path equals the portable definition exactly. */
static void check_attention(void) {
    enum { ROWS_Q = 12, GROUP = 4, DIM = 128, CACHED = 72 };
    static float queries[ROWS_Q * GROUP * DIM], out[ROWS_Q * GROUP * DIM], want[ROWS_Q * GROUP * DIM];
    static uint16_t keys[CACHED * DIM], values[CACHED * DIM];
    static float workspace[1 << 16];
    activation_row(queries, ROWS_Q * GROUP * DIM, 7);
    float k[CACHED * DIM], v[CACHED * DIM];
    activation_row(k, CACHED * DIM, 8);
    activation_row(v, CACHED * DIM, 9);
    for (int i = 0; i < CACHED * DIM; i++) {
        keys[i] = slm_fp32_to_fp16(k[i]);
        values[i] = slm_fp32_to_fp16(v[i]);
    }
    int64_t positions[ROWS_Q];
    for (int r = 0; r < ROWS_Q; r++) positions[r] = 60 + r;
    if (slm_attend_tiled_workspace(DIM, ROWS_Q, GROUP) > sizeof workspace / sizeof workspace[0]) return;
    slm_attend_tiled_portable(queries, GROUP * DIM, positions, ROWS_Q, GROUP, keys, values, DIM, DIM, 0, 0.09f, 0.0f,
                              workspace, want, GROUP * DIM);
    for (int p = 0; p < SLM_PATH_COUNT; p++) {
        if (!slm_path_available(p)) continue;
        slm_attend_tiled_on_path(p, queries, GROUP * DIM, positions, ROWS_Q, GROUP, keys, values, DIM, DIM, 0, 0.09f, 0.0f,
                                 workspace, out, GROUP * DIM);
        int differing = 0;
        for (int i = 0; i < ROWS_Q * GROUP * DIM; i++) differing += out[i] != want[i];
        check(differing == 0, "attention-vs-portable", "tiled", slm_path_name(p), differing, 0);
    }
}

/* Long-context attention of a generated token (5 query heads, one cached head of 64
 * dimensions in rows of 192, positions 3..300: ten tiles, the last one partial, scores rising
 * so the running maximum moves) on every path equals the portable definition exactly. */
static void check_long_attention(void) {
    enum { HEADS = 5, DIM = 64, STRIDE = 192, CACHED = 300 };
    static float queries[HEADS * DIM], out[HEADS * DIM], want[HEADS * DIM], k[CACHED * STRIDE], v[CACHED * STRIDE];
    static uint16_t keys[CACHED * STRIDE], values[CACHED * STRIDE];
    activation_row(queries, HEADS * DIM, 21);
    activation_row(k, CACHED * STRIDE, 22);
    activation_row(v, CACHED * STRIDE, 23);
    for (int i = 0; i < CACHED * STRIDE; i++) {
        keys[i] = slm_fp32_to_fp16(k[i] + (float)(i / STRIDE) * 0.003f);
        values[i] = slm_fp32_to_fp16(v[i]);
    }
    slm_attend_long_portable(queries, DIM, HEADS, keys, values, STRIDE, DIM, 3, CACHED, 0.125f, 0.0f, want, DIM);
    for (int p = 0; p < SLM_PATH_COUNT; p++) {
        if (!slm_path_available(p)) continue;
        slm_attend_long_on_path(p, queries, DIM, HEADS, keys, values, STRIDE, DIM, 3, CACHED, 0.125f, 0.0f, out, DIM);
        int differing = 0;
        for (int i = 0; i < HEADS * DIM; i++) differing += out[i] != want[i];
        check(differing == 0, "attention-vs-portable", "long", slm_path_name(p), differing, 0);
    }
    /* the same rows as a Q8_0 cache */
    enum { ROW_BYTES = STRIDE / 32 * 34 };
    static uint8_t qkeys[CACHED * ROW_BYTES], qvalues[CACHED * ROW_BYTES];
    for (int t = 0; t < CACHED; t++) {
        slm_quantize_row(SLM_TYPE_Q8_0, k + t * STRIDE, qkeys + t * ROW_BYTES, STRIDE);
        slm_quantize_row(SLM_TYPE_Q8_0, v + t * STRIDE, qvalues + t * ROW_BYTES, STRIDE);
    }
    slm_attend_long_q8_0_portable(queries, DIM, HEADS, qkeys, qvalues, ROW_BYTES, DIM, 3, CACHED, 0.125f, 0.0f, want,
                                  DIM);
    for (int p = 0; p < SLM_PATH_COUNT; p++) {
        if (!slm_path_available(p)) continue;
        slm_attend_long_q8_0_on_path(p, queries, DIM, HEADS, qkeys, qvalues, ROW_BYTES, DIM, 3, CACHED, 0.125f, 0.0f,
                                     out, DIM);
        int differing = 0;
        for (int i = 0; i < HEADS * DIM; i++) differing += out[i] != want[i];
        check(differing == 0, "attention-vs-portable", "long-q8_0", slm_path_name(p), differing, 0);
    }
}

/* The gated delta rule (16 positions of a 128-wide head, then one more) on every path
 * equals the portable definition exactly, state and outputs. */
static void check_delta_rule(void) {
    enum { SIZE = 128, ROWS = 17 };
    static float query[ROWS * SIZE], key[ROWS * SIZE], value[ROWS * SIZE], decay[ROWS], beta[ROWS];
    static float initial[SIZE * SIZE], state[SIZE * SIZE], want_state[SIZE * SIZE];
    static float out[ROWS * SIZE], want[ROWS * SIZE];
    activation_row(query, ROWS * SIZE, 11);
    activation_row(key, ROWS * SIZE, 12);
    activation_row(value, ROWS * SIZE, 13);
    activation_row(initial, SIZE * SIZE, 14);
    for (int t = 0; t < ROWS; t++) {
        decay[t] = 0.9f - 0.01f * (float)t;
        beta[t] = 0.2f + 0.03f * (float)t;
    }
    for (int i = 0; i < ROWS * SIZE; i++) {
        query[i] *= 0.05f;
        key[i] *= 0.05f;
    }
    memcpy(want_state, initial, sizeof initial);
    slm_delta_rule_portable(want_state, SIZE, ROWS, query, key, value, SIZE, decay, beta, 1, 0.088f, want, SIZE);
    for (int p = 0; p < SLM_PATH_COUNT; p++) {
        if (!slm_path_available(p)) continue;
        memcpy(state, initial, sizeof initial);
        slm_delta_rule_on_path(p, state, SIZE, ROWS, query, key, value, SIZE, decay, beta, 1, 0.088f, out, SIZE);
        int differing = 0;
        for (int i = 0; i < ROWS * SIZE; i++) differing += out[i] != want[i];
        for (int i = 0; i < SIZE * SIZE; i++) differing += state[i] != want_state[i];
        check(differing == 0, "delta-rule-vs-portable", "f32", slm_path_name(p), differing, 0);
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: kernel_check FIXTURE_DIR\n");
        return 2;
    }
    const char *dir = argv[1];
    printf("paths:");
    for (int p = 0; p < SLM_PATH_COUNT; p++)
        if (slm_path_available(p)) printf(" %s", slm_path_name(p));
    printf(" (active %s)\n", slm_path_name(slm_active_path()));

    for (size_t t = 0; t < sizeof TYPES / sizeof TYPES[0]; t++) {
        const char *name = TYPES[t].name;
        int type = TYPES[t].type;
        char file[64];
        long raw_size = 0, expected_size = 0;
        snprintf(file, sizeof file, "%s.bin", name);
        unsigned char *raw = read_file(dir, file, &raw_size);
        snprintf(file, sizeof file, "%s.f32", name);
        float *expected = read_file(dir, file, &expected_size);
        if (!raw || !expected || expected_size != ELEMENTS * 4) {
            check(0, "fixture", name, "-", 0, 0);
            continue;
        }
        float dequantized[ELEMENTS];
        int status = slm_dequantize_row(type, raw, dequantized, ELEMENTS);
        check(status == 0, "dequantize-status", name, "scalar", status, 0);
        int worst = 0;
        for (int i = 0; i < ELEMENTS; i++) {
            double tolerance = 1e-6 * fmax(fabs(expected[i]), 1e-30);
            if (!(fabs(dequantized[i] - expected[i]) <= tolerance)) worst++;
        }
        check(worst == 0, "dequantize", name, "scalar", worst, 0);

        size_t row_bytes = (size_t)(raw_size / ROWS);
        int act_type = slm_activation_type(type);
        int64_t act_row_bytes = COLS / slm_block_size(act_type) * slm_block_bytes(act_type);
        for (int row = 0; row < ROWS; row++) {
            float x[COLS], x_back[COLS];
            activation_row(x, COLS, (unsigned)(t * 7 + row));
            unsigned char act[COLS * 4];
            slm_quantize_row(act_type, x, act, COLS);
            slm_dequantize_row(act_type, act, x_back, COLS);
            (void)act_row_bytes;
            double want = 0, scale = 0;
            for (int i = 0; i < COLS; i++) {
                double p = (double)dequantized[row * COLS + i] * (double)x_back[i];
                want += p;
                scale += fabs(p);
            }
            const unsigned char *w = raw + row * row_bytes;
            float scalar = slm_vec_dot_on_path(SLM_PATH_SCALAR, type, COLS, w, act);
            check(fabs(scalar - want) <= 1e-4 * scale, "dot-vs-float", name, "scalar", scalar, want);
            for (int p = 1; p < SLM_PATH_COUNT; p++) {
                if (!slm_path_available(p)) continue;
                float got = slm_vec_dot_on_path(p, type, COLS, w, act);
                check(fabs(got - want) <= 1e-4 * scale, "dot-vs-float", name, slm_path_name(p), got, want);
                check(fabs(got - scalar) <= 1e-5 * scale, "dot-vs-scalar", name, slm_path_name(p), got, scalar);
            }
        }
        if (type == SLM_TYPE_Q4_K || type == SLM_TYPE_Q5_K || type == SLM_TYPE_Q6_K || type == SLM_TYPE_Q4_0 ||
            type == SLM_TYPE_Q5_0 || type == SLM_TYPE_Q8_0 || type == SLM_TYPE_IQ4_XS)
            check_batch(name, type, raw, row_bytes);
        free(raw);
        free(expected);
    }
    check_attention();
    check_long_attention();
    check_delta_rule();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
