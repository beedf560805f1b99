/* Chooses the kernel path once per process: the best the CPU supports, unless
 * SLM_KERNELS names another. Tables are filled once; a dot product is one indirect call. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "blocks.h"

#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif
#elif defined(__aarch64__) && defined(__APPLE__)
#include <sys/sysctl.h>
#endif

static slm_dot_fn tables[SLM_PATH_COUNT][SLM_TYPE_TABLE_SIZE];
/* Batched-row arithmetic where it differs; the same on every path (integer sums are
 * exact, so the float steps are what must agree). */
static slm_dot_fn grouped[SLM_PATH_COUNT][SLM_TYPE_TABLE_SIZE];
static slm_dot_fn tiled[SLM_PATH_COUNT][SLM_TYPE_TABLE_SIZE];
static slm_dot4_fn dot4s[SLM_PATH_COUNT][SLM_TYPE_TABLE_SIZE];
static slm_dot4_fn grouped_dot4s[SLM_PATH_COUNT][SLM_TYPE_TABLE_SIZE];
static slm_dot4_fn tiled_dot4s[SLM_PATH_COUNT][SLM_TYPE_TABLE_SIZE];
static slm_tile_fn tiles[SLM_PATH_COUNT][SLM_TYPE_TABLE_SIZE];
static int availability[SLM_PATH_COUNT];
static int active_path = SLM_PATH_SCALAR;
static pthread_once_t setup_once = PTHREAD_ONCE_INIT;

#if defined(__aarch64__)
static int cpu_has_dotprod(void) {
#if defined(__linux__)
    return (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) != 0;
#elif defined(__APPLE__)
    int value = 0;
    size_t size = sizeof value;
    return sysctlbyname("hw.optional.arm.FEAT_DotProd", &value, &size, NULL, 0) == 0 && value;
#else
    return 0;
#endif
}
#endif

static int path_from_name(const char *name) {
    for (int path = 0; path < SLM_PATH_COUNT; path++)
        if (strcmp(name, slm_path_name(path)) == 0) return path;
    return -1;
}

static void setup(void) {
    slm_scalar_dots(tables[SLM_PATH_SCALAR]);
    for (int path = 0; path < SLM_PATH_COUNT; path++) {
        slm_scalar_grouped_dots(grouped[path]);
        slm_scalar_tiled_dots(tiled[path]);
    }
    availability[SLM_PATH_SCALAR] = 1;
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    __builtin_cpu_init();
    availability[SLM_PATH_AVX2] = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                                  __builtin_cpu_supports("f16c");
    slm_avx2_dots(tables[SLM_PATH_AVX2]);
    slm_avx2_tiled_dots(tiled[SLM_PATH_AVX2]);
    slm_avx2_dot4s(dot4s[SLM_PATH_AVX2]);
    slm_avx2_grouped_dot4s(grouped_dot4s[SLM_PATH_AVX2]);
    slm_avx2_tiled_dot4s(tiled_dot4s[SLM_PATH_AVX2]);
    slm_avx2_tiles(tiles[SLM_PATH_AVX2]);
    /* everything AVX2 has, plus the 4×4 tiles */
    availability[SLM_PATH_AVX512_VNNI] = availability[SLM_PATH_AVX2] && __builtin_cpu_supports("avx512f") &&
                                         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") &&
                                         __builtin_cpu_supports("avx512vnni");
    memcpy(tables[SLM_PATH_AVX512_VNNI], tables[SLM_PATH_AVX2], sizeof tables[0]);
    memcpy(tiled[SLM_PATH_AVX512_VNNI], tiled[SLM_PATH_AVX2], sizeof tiled[0]);
    memcpy(dot4s[SLM_PATH_AVX512_VNNI], dot4s[SLM_PATH_AVX2], sizeof dot4s[0]);
    memcpy(grouped_dot4s[SLM_PATH_AVX512_VNNI], grouped_dot4s[SLM_PATH_AVX2], sizeof grouped_dot4s[0]);
    memcpy(tiled_dot4s[SLM_PATH_AVX512_VNNI], tiled_dot4s[SLM_PATH_AVX2], sizeof tiled_dot4s[0]);
    slm_avx512vnni_tiles(tiles[SLM_PATH_AVX512_VNNI]);
#endif
#if defined(__aarch64__)
    availability[SLM_PATH_NEON] = 1;
    availability[SLM_PATH_NEON_DOTPROD] = cpu_has_dotprod();
    slm_neon_dots(tables[SLM_PATH_NEON]);
    slm_neon_dotprod_dots(tables[SLM_PATH_NEON_DOTPROD]);
    slm_neon_tiles(tiles[SLM_PATH_NEON]);
    slm_neon_dotprod_tiles(tiles[SLM_PATH_NEON_DOTPROD]);
#endif
    for (int path = SLM_PATH_COUNT - 1; path >= 0; path--) {
        if (availability[path]) {
            active_path = path;
            break;
        }
    }
    const char *forced = getenv("SLM_KERNELS");
    if (forced != NULL) {
        int path = path_from_name(forced);
        if (path >= 0 && availability[path]) active_path = path;
    }
}

static inline void ensure_setup(void) { pthread_once(&setup_once, setup); }

const char *slm_path_name(int path) {
    switch (path) {
    case SLM_PATH_SCALAR: return "scalar";
    case SLM_PATH_AVX2: return "avx2";
    case SLM_PATH_NEON: return "neon";
    case SLM_PATH_NEON_DOTPROD: return "neon-dotprod";
    case SLM_PATH_AVX512_VNNI: return "avx512-vnni";
    default: return "unknown";
    }
}

int slm_path_available(int path) {
    ensure_setup();
    return path >= 0 && path < SLM_PATH_COUNT && availability[path];
}

int slm_active_path(void) {
    ensure_setup();
    return active_path;
}

int slm_set_active_path(int path) {
    if (!slm_path_available(path)) return -1;
    active_path = path;
    return 0;
}

static slm_dot_fn lookup(int path, int type) {
    if (!slm_path_available(path) || type < 0 || type >= SLM_TYPE_TABLE_SIZE) return NULL;
    return tables[path][type];
}

float slm_vec_dot(int weight_type, int64_t n, const void *weights, const void *activations) {
    slm_dot_fn dot = lookup(slm_active_path(), weight_type);
    return dot ? dot(n, weights, activations) : NAN;
}

float slm_vec_dot_on_path(int path, int weight_type, int64_t n, const void *weights,
                          const void *activations) {
    slm_dot_fn dot = lookup(path, weight_type);
    return dot ? dot(n, weights, activations) : NAN;
}

void slm_matvec(int weight_type, int64_t rows, int64_t cols, const void *weights,
                size_t row_bytes, const void *activations, float *out) {
    slm_dot_fn dot = lookup(slm_active_path(), weight_type);
    const uint8_t *row = weights;
    for (int64_t r = 0; r < rows; r++, row += row_bytes)
        out[r] = dot ? dot(cols, row, activations) : NAN;
}

void slm_matmat(int weight_type, int64_t rows, int64_t cols, const void *weights, size_t row_bytes,
                const void *activations, size_t activation_bytes, int64_t count, float *out,
                int64_t out_stride, int64_t batch_rows, int64_t matrix_rows) {
    slm_matmat_on_path(slm_active_path(), weight_type, rows, cols, weights, row_bytes, activations,
                       activation_bytes, count, out, out_stride, batch_rows, matrix_rows);
}

void slm_matmat_on_path(int path, int weight_type, int64_t rows, int64_t cols, const void *weights,
                        size_t row_bytes, const void *activations, size_t activation_bytes, int64_t count,
                        float *out, int64_t out_stride, int64_t batch_rows, int64_t matrix_rows) {
    if (!slm_path_available(path)) path = SLM_PATH_SCALAR;
    slm_dot_fn dot = lookup(path, weight_type);
    int known = weight_type >= 0 && weight_type < SLM_TYPE_TABLE_SIZE;
    /* The reference repacks Q4_K matrices whose row count is a multiple of 8 (on x86),
     * then handles batch rows in groups of four; other K-quant batches of eight or more
     * rows go through its tiled kernel. */
    int repacked = weight_type == SLM_TYPE_Q4_K && matrix_rows % 8 == 0;
    slm_dot_fn first_rows = dot, last_rows = dot;
    int64_t first_count = count;
    if (repacked) {
        first_rows = grouped[path][weight_type];
        first_count = count - count % 4;
    } else if (known && tiled[path][weight_type] && batch_rows >= 8) {
        first_rows = last_rows = tiled[path][weight_type];
    }
    /* four activation rows that use the same kernel share one weight decode */
    slm_dot4_fn dot4 = NULL;
    if (known && first_rows == dot && last_rows == dot) dot4 = dot4s[path][weight_type];
    else if (repacked) dot4 = grouped_dot4s[path][weight_type];
    else if (known && first_rows == last_rows) dot4 = tiled_dot4s[path][weight_type];
    /* with a repacked matrix only the grouped rows may go four at a time */
    const int64_t dot4_limit = repacked ? first_count : count;
    const uint8_t *row = weights;
    int64_t r = 0;
    /* four weight rows against the activation rows where the path has a tile kernel;
     * leftover rows go on below, one weight row at a time */
    slm_tile_fn tile = known && first_rows == dot && last_rows == dot ? tiles[path][weight_type] : NULL;
    /* repacked Q4_K and tiled Q6_K: sixteen weight rows at a time on the AVX-512 path, then
     * eight at a time on it, the AVX2 and the NEON paths, for the activation rows
     * those kernels cover; the rest as below */
    const int wide = path == SLM_PATH_AVX512_VNNI, x86 = wide || path == SLM_PATH_AVX2;
    const int dotprod = path == SLM_PATH_NEON_DOTPROD, neon = path == SLM_PATH_NEON;
    slm_rows_fn rows16 = NULL, rows8 = NULL;
    int64_t covered = 0;
    if (repacked) {
        rows16 = wide ? slm_avx512vnni_repacked_q4_K() : NULL;
        rows8 = x86 ? slm_avx2_repacked_q4_K()
                : dotprod ? slm_neon_dotprod_repacked_q4_K()
                : neon ? slm_neon_repacked_q4_K() : NULL;
        covered = first_count;
    } else if (weight_type == SLM_TYPE_Q6_K && first_rows && first_rows == tiled[path][weight_type]) {
        rows16 = wide ? slm_avx512vnni_tiled_q6_K() : NULL;
        rows8 = x86 ? slm_avx2_tiled_q6_K() : dotprod ? slm_neon_dotprod_tiled_q6_K() : neon ? slm_neon_tiled_q6_K() : NULL;
        covered = count - count % 4;
    }
    for (int width = 16; covered >= 4 && width >= 8; width /= 2) {
        slm_rows_fn kernel = width == 16 ? rows16 : rows8;
        for (; kernel && r + width <= rows; r += width, row += width * row_bytes) {
            kernel(cols, row, row_bytes, activations, activation_bytes, covered, out + r, out_stride);
            const uint8_t *activation = (const uint8_t *)activations + covered * activation_bytes;
            for (int64_t t = covered; t < count; t++, activation += activation_bytes) {
                slm_dot_fn f = t < first_count ? first_rows : last_rows;
                for (int q = 0; q < width; q++) out[t * out_stride + r + q] = f(cols, row + q * row_bytes, activation);
            }
        }
    }
    if (tile && count >= 4) {
        for (; r + 4 <= rows; r += 4, row += 4 * row_bytes) {
            const void *quad[4] = {row, row + row_bytes, row + 2 * row_bytes, row + 3 * row_bytes};
            tile(cols, quad, activations, activation_bytes, count, out + r, out_stride);
            int64_t t = count - count % 4;
            const uint8_t *activation = (const uint8_t *)activations + t * activation_bytes;
            for (; t < count; t++, activation += activation_bytes)
                for (int q = 0; q < 4; q++) out[t * out_stride + r + q] = dot(cols, quad[q], activation);
        }
    }
    for (; r < rows; r++, row += row_bytes) {
        const uint8_t *activation = activations;
        int64_t t = 0;
        if (dot4) {
            for (; t + 4 <= dot4_limit; t += 4, activation += 4 * activation_bytes) {
                const void *group[4] = {activation, activation + activation_bytes, activation + 2 * activation_bytes,
                                        activation + 3 * activation_bytes};
                float results[4];
                dot4(cols, row, group, results);
                for (int k = 0; k < 4; k++) out[(t + k) * out_stride + r] = results[k];
            }
        }
        for (; t < count; t++, activation += activation_bytes) {
            slm_dot_fn f = t < first_count ? first_rows : last_rows;
            out[t * out_stride + r] = f ? f(cols, row, activation) : NAN;
        }
    }
}
