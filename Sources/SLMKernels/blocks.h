#ifndef SLM_BLOCKS_H
#define SLM_BLOCKS_H
/* Block layouts of the ggml quant formats, byte for byte as GGUF stores them. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "slm_kernels.h"
#include "libm_expf.h"

#define SLM_QK 32   /* elements per legacy block (Q4_0 … Q8_1, IQ4_NL) */
#define SLM_QK_K 256 /* elements per K-quant super-block (Q2_K … Q8_K, IQ4_XS) */

typedef uint16_t slm_half;

typedef struct { slm_half d; uint8_t qs[SLM_QK / 2]; } block_q4_0;
typedef struct { slm_half d; slm_half m; uint8_t qs[SLM_QK / 2]; } block_q4_1;
typedef struct { slm_half d; uint8_t qh[4]; uint8_t qs[SLM_QK / 2]; } block_q5_0;
typedef struct { slm_half d; slm_half m; uint8_t qh[4]; uint8_t qs[SLM_QK / 2]; } block_q5_1;
typedef struct { slm_half d; int8_t qs[SLM_QK]; } block_q8_0;
/* s = d * sum(qs): lets Q4_1/Q5_1 add their minimum without touching the values. */
typedef struct { slm_half d; slm_half s; int8_t qs[SLM_QK]; } block_q8_1;
typedef struct { slm_half d; uint8_t qs[SLM_QK / 2]; } block_iq4_nl;

typedef struct {
    uint8_t scales[SLM_QK_K / 16]; /* low nibble scale, high nibble min, per 16 */
    uint8_t qs[SLM_QK_K / 4];
    slm_half d;
    slm_half dmin;
} block_q2_K;
typedef struct {
    uint8_t hmask[SLM_QK_K / 8];
    uint8_t qs[SLM_QK_K / 4];
    uint8_t scales[12]; /* 16 six-bit scales */
    slm_half d;
} block_q3_K;
typedef struct {
    slm_half d;
    slm_half dmin;
    uint8_t scales[12]; /* 8 six-bit scales and 8 six-bit mins */
    uint8_t qs[SLM_QK_K / 2];
} block_q4_K;
typedef struct {
    slm_half d;
    slm_half dmin;
    uint8_t scales[12];
    uint8_t qh[SLM_QK_K / 8];
    uint8_t qs[SLM_QK_K / 2];
} block_q5_K;
typedef struct {
    uint8_t ql[SLM_QK_K / 2];
    uint8_t qh[SLM_QK_K / 4];
    int8_t scales[SLM_QK_K / 16];
    slm_half d;
} block_q6_K;
/* The activation format for K-quants: float scale and sums of each 16 values. */
typedef struct {
    float d;
    int8_t qs[SLM_QK_K];
    int16_t bsums[SLM_QK_K / 16];
} block_q8_K;
typedef struct {
    slm_half d;
    uint16_t scales_h;
    uint8_t scales_l[SLM_QK_K / 64];
    uint8_t qs[SLM_QK_K / 2];
} block_iq4_xs;

_Static_assert(sizeof(block_q4_0) == 18, "Q4_0 block size");
_Static_assert(sizeof(block_q4_1) == 20, "Q4_1 block size");
_Static_assert(sizeof(block_q5_0) == 22, "Q5_0 block size");
_Static_assert(sizeof(block_q5_1) == 24, "Q5_1 block size");
_Static_assert(sizeof(block_q8_0) == 34, "Q8_0 block size");
_Static_assert(sizeof(block_q8_1) == 36, "Q8_1 block size");
_Static_assert(sizeof(block_iq4_nl) == 18, "IQ4_NL block size");
_Static_assert(sizeof(block_q2_K) == 84, "Q2_K block size");
_Static_assert(sizeof(block_q3_K) == 110, "Q3_K block size");
_Static_assert(sizeof(block_q4_K) == 144, "Q4_K block size");
_Static_assert(sizeof(block_q5_K) == 176, "Q5_K block size");
_Static_assert(sizeof(block_q6_K) == 210, "Q6_K block size");
_Static_assert(sizeof(block_q8_K) == 292, "Q8_K block size");
_Static_assert(sizeof(block_iq4_xs) == 136, "IQ4_XS block size");

/* The 16 non-linear levels of IQ4_NL and IQ4_XS. */
extern const int8_t slm_iq4_levels[16];

/* Q4_K/Q5_K pack 8 scales and 8 mins of 6 bits into 12 bytes. */
static inline void slm_unpack_scale_min_k4(const uint8_t *packed, uint8_t scales[8],
                                           uint8_t mins[8]) {
    for (int j = 0; j < 4; j++) {
        scales[j] = packed[j] & 63;
        mins[j] = packed[j + 4] & 63;
    }
    for (int j = 4; j < 8; j++) {
        scales[j] = (uint8_t)((packed[j + 4] & 0xF) | ((packed[j - 4] >> 6) << 4));
        mins[j] = (uint8_t)((packed[j + 4] >> 4) | ((packed[j] >> 6) << 4));
    }
}

/* Q4_K/Q5_K minimums times the activation's block sums (each min covers 32 values). */
static inline int slm_k4_min_sum(const uint8_t mins[8], const int16_t bsums[16]) {
    int sum = 0;
    for (int g = 0; g < 8; g++) sum += mins[g] * (bsums[2 * g] + bsums[2 * g + 1]);
    return sum;
}

/* Q3_K packs 16 scales of 6 bits (biased by 32) into 12 bytes. */
static inline void slm_unpack_scales_q3_K(const uint8_t *packed, int8_t scales[16]) {
    for (int j = 0; j < 16; j++) {
        int low = j < 8 ? (packed[j] & 0xF) : (packed[j - 8] >> 4);
        int high = (packed[8 + (j % 4)] >> (2 * (j / 4))) & 3;
        scales[j] = (int8_t)((low | (high << 4)) - 32);
    }
}

/* IQ4_XS: 8 six-bit scales (biased by 32), split into low nibbles and high pairs. */
static inline int slm_iq4_xs_scale(const block_iq4_xs *block, int group) {
    int low = (block->scales_l[group / 2] >> (4 * (group % 2))) & 0xF;
    int high = (block->scales_h >> (2 * group)) & 3;
    return (low | (high << 4)) - 32;
}

static inline uint32_t slm_load_u32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* SLM_TARGET_BEGIN("avx2,fma,f16c") ... SLM_TARGET_END compiles the functions between them
 * for those instruction-set extensions (callers check the CPU has them before calling). */
#define SLM_PRAGMA(x) _Pragma(#x)
#if defined(__clang__)
#define SLM_TARGET_BEGIN(features) SLM_PRAGMA(clang attribute push(__attribute__((target(features))), apply_to = function))
#define SLM_TARGET_END SLM_PRAGMA(clang attribute pop)
#define SLM_DOTPROD_BEGIN SLM_TARGET_BEGIN("dotprod")
#else
#define SLM_TARGET_BEGIN(features) SLM_PRAGMA(GCC push_options) SLM_PRAGMA(GCC target(features))
#define SLM_TARGET_END SLM_PRAGMA(GCC pop_options)
#define SLM_DOTPROD_BEGIN SLM_TARGET_BEGIN("arch=armv8.2-a+dotprod")
#endif
/* The same for arm64's dotprod extension. */
#define SLM_DOTPROD_END SLM_TARGET_END

/* A dot product between one weight row and one activation row. */
typedef float (*slm_dot_fn)(int64_t n, const void *weights, const void *activations);

/* The AVX2/F16C attention; returns -1 when it cannot run (the portable one is used). */
int slm_attend_f16_avx2(const float *query, const uint16_t *keys, const uint16_t *values,
                        int64_t row_stride, int64_t head_dim, int64_t first, int64_t last,
                        float scale, float softcap, float *out);

/* Positions ahead whose cached rows the one-row attention kernels (fewer than 512 visible
 * positions) ask the memory for. Written when a head's rows lay a whole position apart (the
 * cache is head-major now); still a little faster (Llama-3.2-1B shape at 448 positions:
 * 32.5-32.6 against 32.0-32.2 t/s). Prefetching changes no result. */
enum { SLM_ATTEND_PREFETCH = 8 };

/* Asks for the cache lines of `bytes` bytes from `start` (a hint: it never faults). */
static inline void slm_prefetch_span(const void *start, int64_t bytes) {
    for (int64_t line = 0; line < bytes; line += 64) __builtin_prefetch((const char *)start + line, 0, 3);
}

/* One step of the online softmax of the attention kernels: a score above the running
 * maximum becomes it (returns 1: the accumulator must be scaled by *old_scale = exp(old
 * maximum - score), and the score's weight is 1); otherwise the weight is exp(score -
 * maximum) and nothing is rescaled (returns 0, *old_scale = 1). */
static inline int slm_softmax_step(float score, float *running_max, float *old_scale, float *weight) {
    if (score > *running_max) {
        const float previous = *running_max;
        *running_max = score;
        *old_scale = slm_expf(previous - score);
        *weight = 1.0f;
        return 1;
    }
    *old_scale = 1.0f;
    *weight = slm_expf(score - *running_max);
    return 0;
}

/* The grouped form on AVX-512 (sixteen lanes); -1 when it cannot run. */
int slm_attend_f16_heads_avx512(const float *queries, int64_t query_stride, int64_t heads, const uint16_t *keys,
                                const uint16_t *values, int64_t row_stride, int64_t head_dim, int64_t first,
                                int64_t last, float scale, float softcap, float *out, int64_t out_stride);

/* The grouped form (slm_attend_f16_heads) on AVX2; -1 when it cannot run. */
int slm_attend_f16_heads_avx2(const float *queries, int64_t query_stride, int64_t heads, const uint16_t *keys,
                              const uint16_t *values, int64_t row_stride, int64_t head_dim, int64_t first,
                              int64_t last, float scale, float softcap, float *out, int64_t out_stride);

/* AVX2 versions of the Q8_0 and Q8_K conversions (same bytes as the portable ones). */
void slm_quantize_q8_0_avx2(const float *x, void *out, int64_t nb);
void slm_quantize_q8_K_avx2(const float *x, void *out, int64_t nb);

/* The GELU table (fp16 bits -> fp16 bits of GELU), built on first use. */
const uint16_t *slm_gelu_table(void);
/* gate[i] = GELU(gate[i]) * up[i] through the table, eight at a time; returns how many
 * values it did (a multiple of 8; 0 where AVX2 is missing). */
int64_t slm_gelu_gate_avx2(const uint16_t *table, float *gate, const float *up, int64_t n);
/* gate[i] = SiLU(gate[i]) * up[i], eight (sixteen) at a time; returns how many values it
 * did (0 where AVX2, AVX-512 is missing). */
int64_t slm_silu_gate_avx2(float *gate, const float *up, int64_t n);
int64_t slm_silu_gate_avx512(float *gate, const float *up, int64_t n);
/* The gated short convolution eight channels at a time; returns how many channels it did
 * (a multiple of 8; 0 where AVX2 is missing or taps > 16). */
int64_t slm_short_convolution_avx2(const float *window, int64_t width, const float *filter, int64_t taps,
                                   const float *gates, float *out);
/* The gated delta rule with AVX2/FMA; size must be a multiple of 8. */
void slm_delta_rule_avx2(float *state, int64_t size, int64_t rows, const float *query, const float *key,
                         const float *value, int64_t stride, const float *decay, const float *beta,
                         int64_t gate_stride, float scale, float *out, int64_t out_stride);
/* The gated delta rule with NEON; size must be a multiple of 8. */
void slm_delta_rule_neon(float *state, int64_t size, int64_t rows, const float *query, const float *key,
                         const float *value, int64_t stride, const float *decay, const float *beta,
                         int64_t gate_stride, float scale, float *out, int64_t out_stride);
/* The portable delta rule's eight-lane dot product. */
float slm_delta_dot_portable(const float *a, const float *b, int64_t n);
/* AVX2/F16C conversion of n floats to half precision (round to nearest even). */
void slm_quantize_f16_avx2(const float *x, uint16_t *out, int64_t n);

/* AVX2/FMA rotation of a head in the neox layout; -1 when rotary_dims is not a multiple of 16. */
int slm_rope_apply_neox_avx2(float *head, int64_t rotary_dims, const float *table);

/* Positions per tile of slm_attend_long (a tile's keys and values converted to single
 * precision stay in the first two cache levels). */
#define SLM_LONG_TILE 32

/* A head's query over a Q8_0 cache as the long-attention kernels score it: its Q8_0 blocks,
 * each block's scale as a float, and each block's 32 values added (VNNI's products take the
 * keys plus 128 as unsigned bytes; the query's sum times 128 is what that adds). */
typedef struct {
    const block_q8_0 *blocks;
    const float *scales;
    const int32_t *sums;
} slm_long_query_q8_0;

/* e^x for softmax weights (x <= 0 where used), within 2 ulp of the true value; 0 below -87
 * and for NaN. The steps of every SIMD version: n = round(x log2 e) by the 1.5 * 2^23
 * shifter, r = x - n ln 2 in two fused steps (ln 2 split high and low), e^r by its Taylor
 * polynomial of degree 7 (|r| <= ln 2 / 2, so the first term left out is under 0.1 ulp) in
 * fused Horner steps, times 2^n built in the exponent bits. */
static inline float slm_softmax_exp(float x) {
    if (!(x >= -87.0f)) return 0.0f;
    const float t = fmaf(x, 0x1.715476p+0f, 0x1.8p23f);
    const float n = t - 0x1.8p23f;
    float r = fmaf(n, -0x1.62e43p-1f, x);
    r = fmaf(n, 0x1.05c61p-29f, r);
    float p = fmaf(0x1.a01a02p-13f, r, 0x1.6c16c2p-10f);
    p = fmaf(p, r, 0x1.111112p-7f);
    p = fmaf(p, r, 0x1.555556p-5f);
    p = fmaf(p, r, 0x1.555556p-3f);
    p = fmaf(p, r, 0x1.0p-1f);
    p = fmaf(p, r, 1.0f);
    p = fmaf(p, r, 1.0f);
    const uint32_t bits = (uint32_t)((int32_t)n + 127) << 23;
    float power;
    memcpy(&power, &bits, sizeof power);
    return p * power;
}

/* The sum of a dot product's eight partial sums in slm_attend_long's order (the tree an
 * AVX2 horizontal add forms): ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7)). */
static inline float slm_long_sum8(const float p[8]) {
    return ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]));
}

/* slm_attend_long with AVX2/FMA/F16C, with AVX-512 and with NEON; defined only on their
 * architecture, -1 when they cannot run. */
int slm_attend_long_avx2(const float *queries, int64_t query_stride, int64_t heads, const uint16_t *keys,
                         const uint16_t *values, int64_t row_stride, int64_t head_dim, int64_t first, int64_t last,
                         float scale, float softcap, float *out, int64_t out_stride);
int slm_attend_long_avx512(const float *queries, int64_t query_stride, int64_t heads, const uint16_t *keys,
                           const uint16_t *values, int64_t row_stride, int64_t head_dim, int64_t first, int64_t last,
                           float scale, float softcap, float *out, int64_t out_stride);
int slm_attend_long_neon(const float *queries, int64_t query_stride, int64_t heads, const uint16_t *keys,
                         const uint16_t *values, int64_t row_stride, int64_t head_dim, int64_t first, int64_t last,
                         float scale, float softcap, float *out, int64_t out_stride);
/* slm_attend_long_q8_0 with AVX2, with AVX-512 and with NEON; -1 when they cannot run. */
int slm_attend_long_q8_0_avx2(const float *queries, int64_t query_stride, int64_t heads, const void *keys,
                              const void *values, size_t row_bytes, int64_t head_dim, int64_t first, int64_t last,
                              float scale, float softcap, float *out, int64_t out_stride);
int slm_attend_long_q8_0_avx512(const float *queries, int64_t query_stride, int64_t heads, const void *keys,
                                const void *values, size_t row_bytes, int64_t head_dim, int64_t first, int64_t last,
                                float scale, float softcap, float *out, int64_t out_stride);
int slm_attend_long_q8_0_neon(const float *queries, int64_t query_stride, int64_t heads, const void *keys,
                              const void *values, size_t row_bytes, int64_t head_dim, int64_t first, int64_t last,
                              float scale, float softcap, float *out, int64_t out_stride);

/* Positions per key tile of the tiled attention (the reference's KV tile). */
#define SLM_ATTENTION_TILE 64
/* The AVX2/FMA, AVX-512 (x86-64) and NEON (arm64) tiled attention; -1 when they cannot run
 * (the next one is tried). Defined only on their architecture. */
int slm_attend_tiled_avx2(const float *queries, int64_t query_stride, const int64_t *positions, int64_t count, int64_t group,
                          const uint16_t *keys, const uint16_t *values, int64_t row_stride, int64_t head_dim,
                          int64_t window, float scale, float softcap, float *workspace, float *out,
                          int64_t out_stride);
int slm_attend_tiled_avx512(const float *queries, int64_t query_stride, const int64_t *positions, int64_t count, int64_t group,
                          const uint16_t *keys, const uint16_t *values, int64_t row_stride, int64_t head_dim,
                          int64_t window, float scale, float softcap, float *workspace, float *out,
                          int64_t out_stride);
int slm_attend_tiled_neon(const float *queries, int64_t query_stride, const int64_t *positions, int64_t count, int64_t group,
                          const uint16_t *keys, const uint16_t *values, int64_t row_stride, int64_t head_dim,
                          int64_t window, float scale, float softcap, float *workspace, float *out,
                          int64_t out_stride);
/* The cache positions [lo, hi) that any of the queries sees. */
void slm_attend_tiled_range(const int64_t *positions, int64_t count, int64_t window, int64_t *lo, int64_t *hi);
/* A tile's softmax sum as the reference's AVX2 build forms it: trees of 8 values, added in
 * double. */
double slm_attend_tiled_sum(const float weights[SLM_ATTENTION_TILE]);

/* A 64-byte-aligned buffer of at least `bytes` owned by the calling thread, valid until its
 * next call there (kernels do not nest). Exits with a message if memory runs out.
 * slm_thread_scratch_slot: the same from another buffer (slot 0 or 1), for a caller whose
 * callees take slot 0 (slm_thread_scratch). */
void *slm_thread_scratch(size_t bytes);
void *slm_thread_scratch_slot(int slot, size_t bytes);

/* Per-path tables, indexed by ggml type id (entries NULL where not implemented). */
#define SLM_TYPE_TABLE_SIZE 31
void slm_scalar_dots(slm_dot_fn table[SLM_TYPE_TABLE_SIZE]);
/* Dot products for rows that batched products handle in groups of four, where the
 * reference's arithmetic differs from the single-row kernel (only Q4_K). */
void slm_scalar_grouped_dots(slm_dot_fn table[SLM_TYPE_TABLE_SIZE]);
/* Dot products for batches of eight rows or more, where the reference switches K-quants
 * to a tiled kernel with its own float steps. */
void slm_scalar_tiled_dots(slm_dot_fn table[SLM_TYPE_TABLE_SIZE]);
/* One weight row against four activation rows, each output exactly as slm_dot_fn gives. */
typedef void (*slm_dot4_fn)(int64_t n, const void *weights, const void *const activations[4], float out[4]);
void slm_avx2_dot4s(slm_dot4_fn table[SLM_TYPE_TABLE_SIZE]);
/* Four weight rows against one activation row (a generated token), each output exactly as
 * slm_dot_fn gives: four independent sums, so the one-row kernel's steps overlap. */
typedef void (*slm_rows4_fn)(int64_t n, const void *const weights[4], const void *activations, float out[4]);
void slm_avx2_dot_rows4s(slm_rows4_fn table[SLM_TYPE_TABLE_SIZE]);
/* Four weight rows against the activation rows 0..<count - count % 4 (rows
 * `activation_bytes` apart): out[t * out_stride + r] for weight row r, each output exactly
 * as slm_dot_fn gives. */
typedef void (*slm_tile_fn)(int64_t n, const void *const weights[4], const uint8_t *activations,
                            size_t activation_bytes, int64_t count, float *out, int64_t out_stride);
void slm_avx512vnni_tiles(slm_tile_fn table[SLM_TYPE_TABLE_SIZE]);
/* Weight rows four at a time against the activation rows 0..<count: out[t * out_stride + r]
 * for r < rows - rows % 4, each output exactly as slm_dot_fn gives. The rows are plain
 * (`row_bytes` apart) or, with `packed`, whole groups of a packed matrix (packed_rows.c;
 * rows a multiple of eight). */
typedef void (*slm_quads_fn)(int weight_type, int packed, int64_t rows, int64_t cols, const uint8_t *weights,
                             size_t row_bytes, const uint8_t *activations, size_t activation_bytes, int64_t count,
                             float *out, int64_t out_stride);
/* That kernel for Q4_0, Q5_0 and Q8_0 in 16-bit products, or NULL for other types. */
slm_quads_fn slm_avx2_quads(int weight_type);
/* A kernel's fixed number of weight rows (eight for AVX2 and NEON, sixteen for AVX-512; `row_bytes`
 * apart) against the activation rows 0..<count - count % 4: out[t * out_stride + r], each
 * output exactly as the batch kernel it stands in for gives (grouped Q4_K, tiled Q6_K). */
typedef void (*slm_rows_fn)(int64_t n, const uint8_t *weights, size_t row_bytes, const uint8_t *activations,
                            size_t activation_bytes, int64_t count, float *out, int64_t out_stride);
/* Those kernels, or NULL where the build has none: repacked Q4_K ... */
slm_rows_fn slm_avx2_repacked_q4_K(void);
slm_rows_fn slm_avx512vnni_repacked_q4_K(void);
slm_rows_fn slm_neon_repacked_q4_K(void);
slm_rows_fn slm_neon_dotprod_repacked_q4_K(void);
/* ... and Q5_K, Q6_K and IQ4_XS batches in the tiled arithmetic. */
slm_rows_fn slm_avx2_tiled_q5_K(void);
slm_rows_fn slm_avx2_tiled_iq4_xs(void);
slm_rows_fn slm_avx2_tiled_q6_K(void);
slm_rows_fn slm_avx512vnni_tiled_q5_K(void);
slm_rows_fn slm_avx512vnni_tiled_iq4_xs(void);
slm_rows_fn slm_avx512vnni_tiled_q6_K(void);
slm_rows_fn slm_neon_tiled_q6_K(void);
slm_rows_fn slm_neon_dotprod_tiled_q6_K(void);
/* A kernel for one group of a packed Q5_0 or Q8_0 matrix (packed_rows.c) against `count` (1 to
 * SLM_GROUP_ACTIVATIONS) Q8_0 activation rows `activation_bytes` apart, the group read once:
 * out[t * 8 + r] for activation t and the group's row r, each exactly as the AVX2 one-row
 * dot gives. NULL where the build has none. */
enum { SLM_GROUP_ACTIVATIONS = 4 };
typedef void (*slm_group_fn)(int64_t n_blocks, const uint8_t *group, const void *activations, size_t activation_bytes,
                             int count, float *out);
slm_group_fn slm_avx2_packed_group(int weight_type);
slm_group_fn slm_avx512vnni_packed_group(int weight_type);
/* A packed Q4_K group (packed_q4_K.h) of `n_blocks` super-blocks against one Q8_K activation
 * row: out[r] for the group's row r, each exactly as the one-row dot gives. NULL where the
 * build has none. */
typedef void (*slm_q4_K_group_fn)(int64_t n_blocks, const uint8_t *group, const void *activation, float out[8]);
slm_q4_K_group_fn slm_avx2_packed_q4_K_group(void);
slm_q4_K_group_fn slm_avx512vnni_packed_q4_K_group(void);
void slm_avx2_grouped_dot4s(slm_dot4_fn table[SLM_TYPE_TABLE_SIZE]);
void slm_avx2_tiled_dot4s(slm_dot4_fn table[SLM_TYPE_TABLE_SIZE]);
void slm_avx2_tiled_dots(slm_dot_fn table[SLM_TYPE_TABLE_SIZE]);
void slm_avx2_dots(slm_dot_fn table[SLM_TYPE_TABLE_SIZE]);
void slm_neon_dots(slm_dot_fn table[SLM_TYPE_TABLE_SIZE]);
void slm_neon_tiled_dots(slm_dot_fn table[SLM_TYPE_TABLE_SIZE]);
void slm_neon_dotprod_tiled_dots(slm_dot_fn table[SLM_TYPE_TABLE_SIZE]);
void slm_neon_dotprod_dots(slm_dot_fn table[SLM_TYPE_TABLE_SIZE]);
void slm_neon_tiles(slm_tile_fn table[SLM_TYPE_TABLE_SIZE]);
void slm_neon_dotprod_tiles(slm_tile_fn table[SLM_TYPE_TABLE_SIZE]);

#endif
