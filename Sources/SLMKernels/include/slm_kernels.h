#ifndef SLM_KERNELS_H
#define SLM_KERNELS_H
/*
 * SLMKernels: the hot loops of the inference engine, and nothing else.
 *
 * Weight rows stay in their GGUF block format. Activations are converted once per row to
 * the format the reference pairs with the weight type (slm_activation_type), and a dot
 * product runs between one weight row and one converted activation row.
 *
 * Three implementations of every dot product: a portable scalar one (the definition of
 * correct), x86-64 AVX2/FMA/F16C and arm64 NEON (with and without the dotprod extension).
 * The best one the CPU supports is chosen at run time; SLM_KERNELS=scalar|avx2|neon|
 * neon-dotprod in the environment forces one (an unavailable choice falls back to auto).
 */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ggml type ids, as stored in GGUF tensor records. */
enum slm_type {
    SLM_TYPE_F32 = 0,
    SLM_TYPE_F16 = 1,
    SLM_TYPE_Q4_0 = 2,
    SLM_TYPE_Q4_1 = 3,
    SLM_TYPE_Q5_0 = 6,
    SLM_TYPE_Q5_1 = 7,
    SLM_TYPE_Q8_0 = 8,
    SLM_TYPE_Q8_1 = 9,
    SLM_TYPE_Q2_K = 10,
    SLM_TYPE_Q3_K = 11,
    SLM_TYPE_Q4_K = 12,
    SLM_TYPE_Q5_K = 13,
    SLM_TYPE_Q6_K = 14,
    SLM_TYPE_Q8_K = 15,
    SLM_TYPE_IQ4_NL = 20,
    SLM_TYPE_IQ4_XS = 23,
    SLM_TYPE_BF16 = 30,
};

/* Kernel implementations. */
enum slm_kernel_path {
    SLM_PATH_SCALAR = 0,
    SLM_PATH_AVX2 = 1,
    SLM_PATH_NEON = 2,
    SLM_PATH_NEON_DOTPROD = 3,
    /* AVX2 plus 4×4 tiles for Q5_0/Q8_0 batches using AVX-512's 32 registers and VNNI */
    SLM_PATH_AVX512_VNNI = 4,
    SLM_PATH_COUNT = 5,
};

/* Elements per block and bytes per block of a type this library handles; 0 otherwise. */
int64_t slm_block_size(int type);
int64_t slm_block_bytes(int type);

/* The activation format paired with a weight type for dot products, or -1. */
int slm_activation_type(int weight_type);

/* Dequantizes n elements (a multiple of the block size) of any type above to float.
 * Returns 0, or -1 for a type this library does not handle. Scalar: not a hot loop. */
int slm_dequantize_row(int type, const void *src, float *dst, int64_t n);

/* Converts n floats to an activation format (F32, F16, BF16, Q8_0, Q8_1, Q8_K).
 * n must be a multiple of the format's block size. Returns 0, or -1 for another type. */
int slm_quantize_row(int type, const float *src, void *dst, int64_t n);
/* The portable definition of slm_quantize_row, which the SIMD versions match byte for byte. */
int slm_quantize_row_portable(int type, const float *src, void *dst, int64_t n);

/* Dot product of n elements: a weight row of weight_type and an activation row in
 * slm_activation_type(weight_type), using the active path. */
float slm_vec_dot(int weight_type, int64_t n, const void *weights, const void *activations);

/* The same on a named path; NaN when the path or type is not available. For tests. */
float slm_vec_dot_on_path(int path, int weight_type, int64_t n, const void *weights,
                          const void *activations);

/* rows dot products: out[r] = dot(weights + r * row_bytes, activations). */
void slm_matvec(int weight_type, int64_t rows, int64_t cols, const void *weights,
                size_t row_bytes, const void *activations, float *out);

/* A block of `count` activation rows against weight rows: out[t * out_stride + r] =
 * dot(weights row r, activation row t), activation rows `activation_bytes` apart. Each
 * weight row is read once for the whole block. `batch_rows` is the size of the batch the
 * block belongs to and `matrix_rows` the weight's full row count: together they select
 * the arithmetic the reference uses for such a product (repacked Q4_K in groups of four
 * rows, tiled K-quant kernels for batches of eight or more), so results match it exactly.
 * With `batch_rows` 1, every activation row is exactly what slm_matvec gives it alone
 * (generated tokens checked together). */
void slm_matmat(int weight_type, int64_t rows, int64_t cols, const void *weights, size_t row_bytes,
                const void *activations, size_t activation_bytes, int64_t count, float *out,
                int64_t out_stride, int64_t batch_rows, int64_t matrix_rows);
/* The same on a named path (for tests). */
void slm_matmat_on_path(int path, int weight_type, int64_t rows, int64_t cols, const void *weights,
                        size_t row_bytes, const void *activations, size_t activation_bytes, int64_t count,
                        float *out, int64_t out_stride, int64_t batch_rows, int64_t matrix_rows);

/* Packed matrices: Q4_0, Q5_0, Q8_0 and Q4_K weights rearranged once at load into groups of
 * eight rows (each group where its first row was, the same bytes in all), so a product reads
 * eight rows' blocks and scales together. Outputs are bit-identical to slm_matmat's, except
 * that a Q4_0 matrix of a multiple of eight rows in a batch of four rows or more takes the
 * reference's repacked arithmetic (as llama.cpp repacks such matrices on x86): each block's
 * products summed as integers, then one fused multiply-add per block. (Q4_K batches give
 * exactly slm_matmat's, the repacked arithmetic included where it applies.)
 * slm_packs_type: whether packing pays on the active path for this type (1) or not (0).
 * slm_pack_rows: rearranges `rows` (a multiple of 8) rows of src into dst; -1 for a type
 * or shape it cannot pack. Rows after the last full group are left to the caller (they
 * stay in their plain format).
 * slm_matmat_packed: slm_matmat's product over a packed matrix (its plain tail rows too).
 * slm_packed_dequantize_row: row `row_in_group` of the group at `group`, as floats. */
enum { SLM_PACKED_GROUP = 8 };  /* rows per group of a packed matrix */
int slm_packs_type(int weight_type);
int slm_pack_rows(int weight_type, int64_t rows, int64_t cols, const void *src, void *dst);
void slm_matmat_packed(int weight_type, int64_t rows, int64_t cols, const void *weights, size_t row_bytes,
                       const void *activations, size_t activation_bytes, int64_t count, float *out,
                       int64_t out_stride, int64_t batch_rows, int64_t matrix_rows);
void slm_matmat_packed_on_path(int path, int weight_type, int64_t rows, int64_t cols, const void *weights,
                               size_t row_bytes, const void *activations, size_t activation_bytes, int64_t count,
                               float *out, int64_t out_stride, int64_t batch_rows, int64_t matrix_rows);
/* The repacked Q4_0 arithmetic for one packed group against one activation row, one row and
 * block at a time: what the x86 kernels for it must give bit for bit (for tests). */
void slm_packed_block_sums_portable(int64_t cols, const void *group, const void *activation, float out[8]);
int slm_packed_dequantize_row(int weight_type, int64_t cols, const void *group, int64_t row_in_group, float *out);

/* Runs fn(context, w) for w in 0..<workers on a persistent pool of threads (the caller is
 * worker 0) and returns when all are done. One region runs at a time. */
typedef void (*slm_parallel_fn)(void *context, int worker);
void slm_parallel_run(int workers, slm_parallel_fn fn, void *context);

/* Whether a path exists in this build and runs on this CPU. */
int slm_path_available(int path);
/* The path slm_vec_dot uses now, and a way to change it (returns 0, or -1 if unavailable). */
int slm_active_path(void);
int slm_set_active_path(int path);
/* A short name for a path: "scalar", "avx2", "neon", "neon-dotprod". */
const char *slm_path_name(int path);

/* ---- Vector operations of the forward pass (hot loops, portable C) ---- */

/* out = x / rms(x) * weight (weight may be NULL for a plain normalization). In place ok. */
void slm_rms_norm(const float *x, const float *weight, float *out, int64_t n, float eps);
/* y[i] += x[i] */
void slm_add(float *y, const float *x, int64_t n);
/* x[i] *= scale */
void slm_scale(float *x, float scale, int64_t n);
/* out[i] = a[i] * b[i] */
void slm_mul(const float *a, const float *b, float *out, int64_t n);
/* x[i] = SiLU(x[i]) */
void slm_silu(float *x, int64_t n);
/* x[i] *= sigmoid(gate[i]) (an attention output gate) */
void slm_sigmoid_mul(float *x, const float *gate, int64_t n);
/* The gated delta rule for one head of Qwen3.5's linear attention, over `rows` positions
 * in order. `state` is size x size floats, row j holding column j of the matrix S. For each
 * position t (query/key/value rows `stride` floats apart, decay and beta `gate_stride`
 * apart): S *= decay[t]; delta_j = (v_j - dot(row j, k)) * beta[t]; row j += delta_j * k;
 * out[t]_j = dot(row j, q) * scale. Dots are eight-lane fused partial sums. */
void slm_delta_rule(float *state, int64_t size, int64_t rows, const float *query, const float *key,
                    const float *value, int64_t stride, const float *decay, const float *beta, int64_t gate_stride,
                    float scale, float *out, int64_t out_stride);
/* The delta rule on a given path (an unavailable path runs the portable one): for checks. */
void slm_delta_rule_on_path(int path, float *state, int64_t size, int64_t rows, const float *query, const float *key,
                            const float *value, int64_t stride, const float *decay, const float *beta,
                            int64_t gate_stride, float scale, float *out, int64_t out_stride);
/* The portable definition, which the SIMD versions match exactly. */
void slm_delta_rule_portable(float *state, int64_t size, int64_t rows, const float *query, const float *key,
                             const float *value, int64_t stride, const float *decay, const float *beta,
                             int64_t gate_stride, float scale, float *out, int64_t out_stride);
/* A depthwise causal convolution for one position (LFM2's short convolution, Qwen3.5's
 * linear attention's): out[c] = gates[c] * sum over k < taps of window[k * width + c] *
 * filter[c * taps + k], window's rows the last `taps` inputs oldest first, summed in that
 * order with fused multiply-adds as the reference's build does; gates NULL means 1. */
void slm_short_convolution(const float *window, int64_t width, const float *filter, int64_t taps,
                           const float *gates, float *out);
/* The portable definition, which the SIMD version matches exactly. */
void slm_short_convolution_portable(const float *window, int64_t width, const float *filter, int64_t taps,
                                    const float *gates, float *out);
/* gate[i] = act(gate[i]) * up[i]; act: 0 = SiLU, 1 = GELU (tanh approximation). */
void slm_gated_activation(float *gate, const float *up, int64_t n, int activation);
/* The gated activation on a given path (an unavailable path runs the portable one): for checks. */
void slm_gated_activation_on_path(int path, float *gate, const float *up, int64_t n, int activation);
/* The portable definition, which the SIMD versions match exactly. */
void slm_gated_activation_portable(float *gate, const float *up, int64_t n, int activation);
/* e^x of n values as a path computes it (an unavailable path runs the scalar one): every
 * path gives glibc's expf bit for bit (the reference's libm), which softmax weights and
 * SiLU use. For checks. */
void slm_expf_on_path(int path, const float *x, float *out, int64_t n);
/* In place softmax over n values; returns nothing, -inf entries become 0. */
void slm_softmax(float *x, int64_t n);
/* Rotary embedding in two steps, so the heads of one position share the trigonometry:
 * slm_rope_angles writes the cosines (table[0..<rotary_dims/2]) and sines (the next
 * rotary_dims/2) for `position`; freq_factors (rotary_dims/2 values) divides each
 * frequency when non-NULL. slm_rope_apply rotates the first rotary_dims values of a head
 * by them: neox != 0 pairs i with i + rotary_dims/2, else 2i with 2i+1. */
void slm_rope_angles(int64_t rotary_dims, int64_t position, float freq_base, const float *freq_factors,
                     float *table);
void slm_rope_apply(float *head, int64_t rotary_dims, const float *table, int neox);
/* The portable definition of slm_rope_apply, which the SIMD version matches exactly. */
void slm_rope_apply_portable(float *head, int64_t rotary_dims, const float *table, int neox);
/* One query head against a cached sequence: scores = scale * (q . k_t) for the visible
 * positions [first, last), softmax, out = sum of p_t * v_t. Keys and values are rows
 * `row_stride` elements apart. softcap > 0 applies softcap * tanh(score / softcap) first.
 * The F16 version follows llama.cpp's CPU flash attention numerics (half-precision query
 * and value accumulator; scratch holds head_dim floats); the F32 version is plain float
 * attention (scratch holds last - first floats). */
void slm_attend_f16(const float *query, const uint16_t *keys, const uint16_t *values,
                    int64_t row_stride, int64_t head_dim, int64_t first, int64_t last,
                    float scale, float softcap, float *scratch, float *out);
/* slm_attend_f16 for `heads` query heads (query_stride floats apart) that share one
 * key/value head, outputs out_stride floats apart: each output exactly as slm_attend_f16
 * gives it, with each cached row read once for all the heads (a generated token's
 * grouped-query attention over a long context). */
void slm_attend_f16_heads(const float *queries, int64_t query_stride, int64_t heads, const uint16_t *keys,
                          const uint16_t *values, int64_t row_stride, int64_t head_dim, int64_t first, int64_t last,
                          float scale, float softcap, float *scratch, float *out, int64_t out_stride);
/* slm_attend_f16_heads on kernel path `path` (for tests that compare every path). */
void slm_attend_f16_heads_on_path(int32_t path, const float *queries, int64_t query_stride, int64_t heads,
                                  const uint16_t *keys, const uint16_t *values, int64_t row_stride, int64_t head_dim,
                                  int64_t first, int64_t last, float scale, float softcap, float *scratch, float *out,
                                  int64_t out_stride);
/* The portable definition of slm_attend_f16, which SIMD versions must match exactly. */
void slm_attend_f16_portable(const float *query, const uint16_t *keys, const uint16_t *values,
                             int64_t row_stride, int64_t head_dim, int64_t first, int64_t last,
                             float scale, float softcap, float *scratch, float *out);
/* A generated token's attention over a long context: `heads` query heads (query_stride
 * floats apart) that share one key/value head of F16 rows `row_stride` elements apart, over
 * the positions [first, last); outputs out_stride floats apart. Single precision throughout
 * (unlike slm_attend_f16's half-precision accumulator), so it is the faster and the more
 * exact: keys and values in tiles of SLM_LONG_TILE positions from `first`; each score
 * scale * (q . k) with the dot in eight partial sums (dimension d in sum d % 8, a chain of
 * fused multiply-adds) added by a fixed tree, then softcap * tanh(score / softcap) when
 * softcap > 0; an online softmax per tile with weights from slm_softmax_exp; each output
 * value a chain of fused multiply-adds over the positions. head_dim must be a multiple of
 * 8. Each head's output is the same whatever `heads` is, and every path computes exactly
 * the numbers of slm_attend_long_portable. */
void slm_attend_long(const float *queries, int64_t query_stride, int64_t heads, const uint16_t *keys,
                     const uint16_t *values, int64_t row_stride, int64_t head_dim, int64_t first, int64_t last,
                     float scale, float softcap, float *out, int64_t out_stride);
/* The same on a named path (for tests); an unavailable path runs the portable version. */
void slm_attend_long_on_path(int path, const float *queries, int64_t query_stride, int64_t heads,
                             const uint16_t *keys, const uint16_t *values, int64_t row_stride, int64_t head_dim,
                             int64_t first, int64_t last, float scale, float softcap, float *out, int64_t out_stride);
void slm_attend_long_portable(const float *queries, int64_t query_stride, int64_t heads, const uint16_t *keys,
                              const uint16_t *values, int64_t row_stride, int64_t head_dim, int64_t first,
                              int64_t last, float scale, float softcap, float *out, int64_t out_stride);
/* slm_attend_long over a Q8_0 cache (rows `row_bytes` apart, head_dim a multiple of 32), in
 * the reference's arithmetic for a quantized cache (llama.cpp's `-ctk q8_0 -ctv q8_0`): each
 * query is converted to Q8_0 and a key's score is, block by block, the exact integer sum of
 * products times both scales, added by fused multiply-adds; each cached value is taken as
 * d * q (exact in single precision); then the same steps. */
void slm_attend_long_q8_0(const float *queries, int64_t query_stride, int64_t heads, const void *keys,
                          const void *values, size_t row_bytes, int64_t head_dim, int64_t first, int64_t last,
                          float scale, float softcap, float *out, int64_t out_stride);
void slm_attend_long_q8_0_on_path(int path, const float *queries, int64_t query_stride, int64_t heads,
                                  const void *keys, const void *values, size_t row_bytes, int64_t head_dim,
                                  int64_t first, int64_t last, float scale, float softcap, float *out,
                                  int64_t out_stride);
void slm_attend_long_q8_0_portable(const float *queries, int64_t query_stride, int64_t heads, const void *keys,
                                   const void *values, size_t row_bytes, int64_t head_dim, int64_t first,
                                   int64_t last, float scale, float softcap, float *out, int64_t out_stride);
/* The softmax weights' exponential of slm_attend_long (for tests): e^x within 2 ulp for
 * -87 <= x <= 0, 0 below. */
float slm_attend_long_exp(float x);
/* Attention for `count` rows of queries of one key/value head, in the reference's tiled
 * single-precision arithmetic (what it uses for batches of 64 positions or more). Row r
 * (`query_stride` floats apart) holds `group` query heads of head_dim values side by
 * side; it sits at cache position positions[r] and sees the positions up to it, only
 * the last `window` of them when window > 0. Outputs have the queries' layout, rows
 * `out_stride` apart. workspace holds slm_attend_tiled_workspace(head_dim, count, group)
 * floats. Every output equals slm_attend_tiled_portable's exactly. */
void slm_attend_tiled(const float *queries, int64_t query_stride, const int64_t *positions, int64_t count, int64_t group,
                      const uint16_t *keys, const uint16_t *values, int64_t row_stride, int64_t head_dim,
                      int64_t window, float scale, float softcap, float *workspace, float *out, int64_t out_stride);
/* The same on a named path (for tests); an unavailable path runs the portable version. */
void slm_attend_tiled_on_path(int path, const float *queries, int64_t query_stride, const int64_t *positions,
                              int64_t count, int64_t group, const uint16_t *keys, const uint16_t *values,
                              int64_t row_stride, int64_t head_dim, int64_t window, float scale, float softcap,
                              float *workspace, float *out, int64_t out_stride);
void slm_attend_tiled_portable(const float *queries, int64_t query_stride, const int64_t *positions, int64_t count, int64_t group,
                               const uint16_t *keys, const uint16_t *values, int64_t row_stride, int64_t head_dim,
                               int64_t window, float scale, float softcap, float *workspace, float *out,
                               int64_t out_stride);
size_t slm_attend_tiled_workspace(int64_t head_dim, int64_t count, int64_t group);
/* The same over a Q8_0 cache (rows `row_bytes` apart, head_dim a multiple of 32 and at
 * most 1024), for `heads` query heads (query_stride floats apart) that share the cached
 * head, outputs out_stride floats apart; in the arithmetic of llama.cpp's flash attention
 * for a quantized cache: each query converted to Q8_0, keys dotted by the Q8_0 dot
 * product, values dequantized and accumulated in single precision. softcap > 0 gives
 * softcap * tanh(dot * scale / softcap). Each head's output is the same whatever `heads`
 * is. The _on_path form (for tests) uses that path's dot and accumulation. */
void slm_attend_q8_0(const float *queries, int64_t query_stride, int64_t heads, const void *keys, const void *values,
                     size_t row_bytes, int64_t head_dim, int64_t first, int64_t last, float scale, float softcap,
                     float *out, int64_t out_stride);
void slm_attend_q8_0_on_path(int path, const float *queries, int64_t query_stride, int64_t heads, const void *keys,
                             const void *values, size_t row_bytes, int64_t head_dim, int64_t first, int64_t last,
                             float scale, float softcap, float *out, int64_t out_stride);
void slm_attend_f32(const float *query, const float *keys, const float *values,
                    int64_t row_stride, int64_t head_dim, int64_t first, int64_t last,
                    float scale, float softcap, float *scratch, float *out);

/* IEEE half and bfloat16 conversions (round to nearest even). */
float slm_fp16_to_fp32(uint16_t h);
uint16_t slm_fp32_to_fp16(float f);
float slm_bf16_to_fp32(uint16_t h);
uint16_t slm_fp32_to_bf16(float f);

#ifdef __cplusplus
}
#endif
#endif
