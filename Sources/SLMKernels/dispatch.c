/* Chooses kernels: the path once per process (the best the CPU supports, unless
 * SLM_KERNELS names another), one table of kernel traits per path and type filled once,
 * and for each batch product a plan of which kernels take which rows. Running the plan is
 * matmat.c's; a dot product is one indirect call. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "dispatch.h"

#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif
#elif defined(__aarch64__) && defined(__APPLE__)
#include <sys/sysctl.h>
#endif

static slm_kernel_traits traits[SLM_PATH_COUNT][SLM_TYPE_TABLE_SIZE];
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

/* Puts what a path's filler function lists (a table of one kernel kind by type) into one
 * field of that path's traits, over what is there: types it leaves out keep theirs. */
#define SLM_FILL(path, field, kind, filler)                                                      \
    do {                                                                                       \
        kind listed[SLM_TYPE_TABLE_SIZE] = {0};                                                \
        filler(listed);                                                                        \
        for (int type = 0; type < SLM_TYPE_TABLE_SIZE; type++)                                 \
            if (listed[type]) traits[path][type].field = listed[type];                         \
    } while (0)

static void setup(void) {
    SLM_FILL(SLM_PATH_SCALAR, dot, slm_dot_fn, slm_scalar_dots);
    /* the grouped and tiled arithmetic is the same on every path (integer sums are exact,
     * so the float steps are what must agree); paths with faster versions replace them */
    for (int path = 0; path < SLM_PATH_COUNT; path++) {
        SLM_FILL(path, grouped, slm_dot_fn, slm_scalar_grouped_dots);
        SLM_FILL(path, tiled, slm_dot_fn, slm_scalar_tiled_dots);
    }
    availability[SLM_PATH_SCALAR] = 1;
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    __builtin_cpu_init();
    availability[SLM_PATH_AVX2] = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                                  __builtin_cpu_supports("f16c");
    SLM_FILL(SLM_PATH_AVX2, dot, slm_dot_fn, slm_avx2_dots);
    SLM_FILL(SLM_PATH_AVX2, tiled, slm_dot_fn, slm_avx2_tiled_dots);
    SLM_FILL(SLM_PATH_AVX2, dot4, slm_dot4_fn, slm_avx2_dot4s);
    SLM_FILL(SLM_PATH_AVX2, grouped_dot4, slm_dot4_fn, slm_avx2_grouped_dot4s);
    SLM_FILL(SLM_PATH_AVX2, tiled_dot4, slm_dot4_fn, slm_avx2_tiled_dot4s);
    for (int type = 0; type < SLM_TYPE_TABLE_SIZE; type++) traits[SLM_PATH_AVX2][type].quads = slm_avx2_quads(type);
    SLM_FILL(SLM_PATH_AVX2, dot_rows4, slm_rows4_fn, slm_avx2_dot_rows4s);
    traits[SLM_PATH_AVX2][SLM_TYPE_Q4_K].rows8 = slm_avx2_repacked_q4_K();
    traits[SLM_PATH_AVX2][SLM_TYPE_Q6_K].rows8 = slm_avx2_tiled_q6_K();
    traits[SLM_PATH_AVX2][SLM_TYPE_Q5_K].rows8 = slm_avx2_tiled_q5_K();
    traits[SLM_PATH_AVX2][SLM_TYPE_IQ4_XS].rows8 = slm_avx2_tiled_iq4_xs();
    /* everything AVX2 has, plus its own tiles and sixteen-row kernels */
    availability[SLM_PATH_AVX512_VNNI] = availability[SLM_PATH_AVX2] && __builtin_cpu_supports("avx512f") &&
                                         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") &&
                                         __builtin_cpu_supports("avx512vnni");
    memcpy(traits[SLM_PATH_AVX512_VNNI], traits[SLM_PATH_AVX2], sizeof traits[0]);
    /* its own VNNI tiles instead of AVX2's 16-bit products */
    for (int type = 0; type < SLM_TYPE_TABLE_SIZE; type++) traits[SLM_PATH_AVX512_VNNI][type].quads = NULL;
    SLM_FILL(SLM_PATH_AVX512_VNNI, tile, slm_tile_fn, slm_avx512vnni_tiles);
    traits[SLM_PATH_AVX512_VNNI][SLM_TYPE_Q4_K].rows16 = slm_avx512vnni_repacked_q4_K();
    traits[SLM_PATH_AVX512_VNNI][SLM_TYPE_Q6_K].rows16 = slm_avx512vnni_tiled_q6_K();
    traits[SLM_PATH_AVX512_VNNI][SLM_TYPE_Q5_K].rows16 = slm_avx512vnni_tiled_q5_K();
    traits[SLM_PATH_AVX512_VNNI][SLM_TYPE_IQ4_XS].rows16 = slm_avx512vnni_tiled_iq4_xs();
#endif
#if defined(__aarch64__)
    availability[SLM_PATH_NEON] = 1;
    availability[SLM_PATH_NEON_DOTPROD] = cpu_has_dotprod();
    SLM_FILL(SLM_PATH_NEON, dot, slm_dot_fn, slm_neon_dots);
    SLM_FILL(SLM_PATH_NEON_DOTPROD, dot, slm_dot_fn, slm_neon_dotprod_dots);
    SLM_FILL(SLM_PATH_NEON, tiled, slm_dot_fn, slm_neon_tiled_dots);
    SLM_FILL(SLM_PATH_NEON_DOTPROD, tiled, slm_dot_fn, slm_neon_dotprod_tiled_dots);
    SLM_FILL(SLM_PATH_NEON, tile, slm_tile_fn, slm_neon_tiles);
    SLM_FILL(SLM_PATH_NEON_DOTPROD, tile, slm_tile_fn, slm_neon_dotprod_tiles);
    traits[SLM_PATH_NEON][SLM_TYPE_Q4_K].rows8 = slm_neon_repacked_q4_K();
    traits[SLM_PATH_NEON][SLM_TYPE_Q6_K].rows8 = slm_neon_tiled_q6_K();
    traits[SLM_PATH_NEON_DOTPROD][SLM_TYPE_Q4_K].rows8 = slm_neon_dotprod_repacked_q4_K();
    traits[SLM_PATH_NEON_DOTPROD][SLM_TYPE_Q6_K].rows8 = slm_neon_dotprod_tiled_q6_K();
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
    return traits[path][type].dot;
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

slm_matmat_plan slm_plan_matmat(int path, int weight_type, int64_t count, int64_t batch_rows, int64_t matrix_rows) {
    if (!slm_path_available(path)) path = SLM_PATH_SCALAR;
    slm_matmat_plan plan = {0};
    plan.first_count = count;
    plan.dot4_limit = count;
    if (weight_type < 0 || weight_type >= SLM_TYPE_TABLE_SIZE) return plan;
    const slm_kernel_traits *t = &traits[path][weight_type];
    plan.dot = plan.first_rows = plan.last_rows = t->dot;
    /* The reference repacks Q4_K matrices whose row count is a multiple of 8 (on x86),
     * then handles batch rows in groups of four; other K-quant batches of eight or more
     * rows go through its tiled kernel. A batch of generated tokens (batch_rows below 4:
     * a token and the drafts checked with it) takes every row through the one-row kernel,
     * so each row is exactly what it would be if evaluated alone. */
    int repacked = weight_type == SLM_TYPE_Q4_K && matrix_rows % 8 == 0 && batch_rows >= 4;
    if (repacked) {
        plan.first_rows = t->grouped;
        plan.first_count = count - count % 4;
    } else if (t->tiled && batch_rows >= 8) {
        plan.first_rows = plan.last_rows = t->tiled;
    }
    /* four activation rows that use the same kernel share one weight decode; with a
     * repacked matrix only the grouped rows may go four at a time */
    int plain = plan.first_rows == plan.dot && plan.last_rows == plan.dot;
    if (plain) plan.dot4 = t->dot4;
    else if (repacked) plan.dot4 = t->grouped_dot4;
    else if (plan.first_rows == plan.last_rows) plan.dot4 = t->tiled_dot4;
    if (repacked) plan.dot4_limit = plan.first_count;
    /* four weight rows against the activation rows, where the path has a tile kernel */
    if (plain) {
        plan.tile = t->tile;
        plan.quads = t->quads;
        plan.dot_rows4 = t->dot_rows4;
    }
    /* repacked Q4_K and tiled Q5_K, Q6_K and IQ4_XS: sixteen or eight rearranged weight rows
     * at a time, for the activation rows those kernels cover */
    if (repacked) {
        plan.rows16 = t->rows16;
        plan.rows8 = t->rows8;
        plan.covered = plan.first_count;
    } else if ((weight_type == SLM_TYPE_Q5_K || weight_type == SLM_TYPE_Q6_K || weight_type == SLM_TYPE_IQ4_XS) &&
               plan.first_rows && plan.first_rows == t->tiled) {
        plan.rows16 = t->rows16;
        plan.rows8 = t->rows8;
        plan.covered = count - count % 4;
    }
    return plan;
}
