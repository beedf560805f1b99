/* The body of slm_attend_long's SIMD versions, included by attention_long_avx2.c and
 * attention_long_neon.c inside their target regions after they define ATTEND_LONG and
 * ATTEND_LONG_Q8_0 (the functions' names, over an F16 and a Q8_0 cache), the type v8 (eight
 * floats, whatever the vector width) and:
 *   v8_zero, v8_load, v8_store, v8_set1, v8_fma (a * b + c, fused), v8_mul, v8_add, v8_sub,
 *   v8_max_number (lanewise, a NaN in the first operand gives the second, as fmaxf does),
 *   v8_from_half (eight halves), float_from_half (one half, converted inline: an out-of-line
 *   call in a loop over vectors makes the compiler save and restore them around it),
 *   v8_from_q8 (eight int8 values times a scale, exact), v8_q8_sums
 *   (lane i = the exact sum of products of the 32 int8 values at `keys` + i * `row_bytes`
 *   with the 32 at `query`, as a float), v8_max_lanes (the largest lane of a vector with no
 *   NaN), v8_sum_lanes (the lanes added by slm_long_sum8's tree), v8_sum8 (lane
 *   i = vector i's lanes added by slm_long_sum8's tree), v8_power2 (2^n for whole-number
 *   floats n from -126 to 127), v8_keep_at_least (a's lanes where x >= limit, +0 elsewhere
 *   and where x is NaN), v8_hide_from (-infinity in the lanes from `count` on).
 * Every number is the one slm_attend_long_portable (or _q8_0_portable) computes: the same
 * operations in the same order on each value (positions in the lanes for weights,
 * dimensions for values). A version may also define LONG_SCORES, LONG_SCORES_Q8_0,
 * LONG_VALUES_HEAD, LONG_TILE_MAX and LONG_WEIGHTS, its own versions of those
 * functions (same arguments, same numbers) in wider vectors. */

#ifndef LONG_SCORES
#define LONG_SCORES long_scores
#endif
#ifndef LONG_SCORES_Q8_0
#define LONG_SCORES_Q8_0 long_scores_q8_0
#endif
#ifndef LONG_VALUES_HEAD
#define LONG_VALUES_HEAD long_values_head
#endif
#ifndef LONG_TILE_MAX
#define LONG_TILE_MAX long_tile_max
#endif
#ifndef LONG_WEIGHTS
#define LONG_WEIGHTS long_weights
#endif

/* slm_softmax_exp on eight values, step for step. */
static inline v8 long_exp(v8 x) {
    const v8 shifter = v8_set1(0x1.8p23f);
    const v8 n = v8_sub(v8_fma(x, v8_set1(0x1.715476p+0f), shifter), shifter);
    v8 r = v8_fma(n, v8_set1(-0x1.62e43p-1f), x);
    r = v8_fma(n, v8_set1(0x1.05c61p-29f), r);
    v8 p = v8_fma(v8_set1(0x1.a01a02p-13f), r, v8_set1(0x1.6c16c2p-10f));
    p = v8_fma(p, r, v8_set1(0x1.111112p-7f));
    p = v8_fma(p, r, v8_set1(0x1.555556p-5f));
    p = v8_fma(p, r, v8_set1(0x1.555556p-3f));
    p = v8_fma(p, r, v8_set1(0x1.0p-1f));
    p = v8_fma(p, r, v8_set1(1.0f));
    p = v8_fma(p, r, v8_set1(1.0f));
    return v8_keep_at_least(v8_mul(p, v8_power2(n)), x, -87.0f);
}

/* The largest of a tile's scores (`blocks` of eight), NaN scores left out. */
static inline float long_tile_max(const float *row, int64_t blocks) {
    v8 tile_max = v8_set1(-INFINITY);
    for (int64_t block = 0; block < blocks; block++) tile_max = v8_max_number(v8_load(row + 8 * block), tile_max);
    return v8_max_lanes(tile_max);
}

/* A tile's scores replaced by their softmax weights e^(score - maximum); returns their sum,
 * position j in lane j % 8 added block by block, then slm_long_sum8's tree. */
static inline float long_weights(float *row, int64_t blocks, float maximum) {
    const v8 m = v8_set1(maximum);
    v8 partial = v8_zero();
    for (int64_t block = 0; block < blocks; block++) {
        const v8 w = long_exp(v8_sub(v8_load(row + 8 * block), m));
        v8_store(row + 8 * block, w);
        partial = v8_add(partial, w);
    }
    return v8_sum_lanes(partial);
}

/* Eight floats of a row: converted from halves where `half` (a constant after inlining). */
static inline __attribute__((always_inline)) v8 long_load(const void *rows, const int half, int64_t index) {
    return half ? v8_from_half((const uint16_t *)rows + index) : v8_load((const float *)rows + index);
}

/* Most heads summed (and scored) in one pass: every row read (and converted) serves them
 * all. A version may let more heads share a pass of Q8_0 scores (SCORE_GROUP 8). */
enum { LONG_GROUP = 4 };
#ifndef SCORE_GROUP
#define SCORE_GROUP LONG_GROUP
#endif

/* Scores of `group` heads (1 to LONG_GROUP, a constant after inlining; queries
 * `query_stride` apart) against eight rows `stride` values apart, halves or floats: each dot
 * product in eight partial sums, `at_once` rows per pass so the sums stay in registers. Halves
 * are converted as they are read: on Zen 3 that beat converting a tile once for all the heads
 * and reading it back (42.5 against 61.7 cycles per position and head for 2 heads of 128,
 * 17.7 against 19.6 for 4 of 64). */
static inline __attribute__((always_inline)) void long_scores(const float *query, int64_t query_stride, const int group,
                                                              const void *rows, int64_t stride, const int half,
                                                              int64_t head_dim, v8 *dots) {
    const int at_once = group == 1 ? 8 : group == 2 ? 4 : 2;
    v8 sums[LONG_GROUP][8];
    for (int first = 0; first < 8; first += at_once) {
        v8 acc[LONG_GROUP][8];
        for (int g = 0; g < group; g++)
            for (int i = 0; i < at_once; i++) acc[g][i] = v8_zero();
        for (int64_t d = 0; d < head_dim; d += 8) {
            v8 q[LONG_GROUP];
            for (int g = 0; g < group; g++) q[g] = v8_load(query + g * query_stride + d);
            for (int i = 0; i < at_once; i++) {
                const v8 k = long_load(rows, half, (first + i) * stride + d);
                for (int g = 0; g < group; g++) acc[g][i] = v8_fma(k, q[g], acc[g][i]);
            }
        }
        for (int g = 0; g < group; g++)
            for (int i = 0; i < at_once; i++) sums[g][first + i] = acc[g][i];
    }
    for (int g = 0; g < group; g++) dots[g] = v8_sum8(sums[g]);
}

/* long_scores with the group size as a constant. */
static inline __attribute__((always_inline)) void long_scores_of(const float *query, int64_t query_stride,
                                                                 int64_t group, const void *rows, int64_t stride,
                                                                 const int half, int64_t head_dim, v8 *dots) {
    switch (group) {
    case 1: LONG_SCORES(query, query_stride, 1, rows, stride, half, head_dim, dots); break;
    case 2: LONG_SCORES(query, query_stride, 2, rows, stride, half, head_dim, dots); break;
    case 3: LONG_SCORES(query, query_stride, 3, rows, stride, half, head_dim, dots); break;
    default: LONG_SCORES(query, query_stride, 4, rows, stride, half, head_dim, dots); break;
    }
}

/* Scores of `group` heads (their queries one after another from `query`) against eight Q8_0
 * rows `row_bytes` apart, as long_dot_q8_0 computes them: per block, the exact integer sums
 * times the keys' scales times the query's, added in block order. */
static inline __attribute__((always_inline)) void long_scores_q8_0(slm_long_query_q8_0 query, const int group,
                                                                   const char *rows, int64_t row_bytes,
                                                                   int64_t head_dim, v8 *dots) {
    const int64_t blocks = head_dim / SLM_QK;
    for (int g = 0; g < group; g++) dots[g] = v8_zero();
    for (int64_t b = 0; b < blocks; b++) {
        const char *block = rows + b * (int64_t)sizeof(block_q8_0);
        float scales[8];
        for (int i = 0; i < 8; i++) scales[i] = float_from_half(((const block_q8_0 *)(block + i * row_bytes))->d);
        const v8 key_scales = v8_load(scales);
        for (int g = 0; g < group; g++) {
            const v8 sums = v8_q8_sums((const int8_t *)(block + offsetof(block_q8_0, qs)), row_bytes,
                                       query.blocks[g * blocks + b].qs);
            dots[g] = v8_fma(sums, v8_mul(key_scales, v8_set1(query.scales[g * blocks + b])), dots[g]);
        }
    }
}

/* long_scores_q8_0 with the group size as a constant. */
static inline __attribute__((always_inline)) void long_scores_q8_0_of(slm_long_query_q8_0 query, int64_t group,
                                                                      const char *rows, int64_t row_bytes,
                                                                      int64_t head_dim, v8 *dots) {
    switch (group) {
    case 1: LONG_SCORES_Q8_0(query, 1, rows, row_bytes, head_dim, dots); break;
    case 2: LONG_SCORES_Q8_0(query, 2, rows, row_bytes, head_dim, dots); break;
    case 3: LONG_SCORES_Q8_0(query, 3, rows, row_bytes, head_dim, dots); break;
#if SCORE_GROUP == 8
    case 4: LONG_SCORES_Q8_0(query, 4, rows, row_bytes, head_dim, dots); break;
    case 5: LONG_SCORES_Q8_0(query, 5, rows, row_bytes, head_dim, dots); break;
    case 6: LONG_SCORES_Q8_0(query, 6, rows, row_bytes, head_dim, dots); break;
    case 7: LONG_SCORES_Q8_0(query, 7, rows, row_bytes, head_dim, dots); break;
#endif
    default: LONG_SCORES_Q8_0(query, SCORE_GROUP, rows, row_bytes, head_dim, dots); break;
    }
}

/* A tile's value rows as the value sums read them: F16 rows `stride` values apart, or Q8_0
 * rows `stride` bytes apart with their block scales as floats in `scales` (a row's `blocks`
 * after another's). Q8_0 values are converted as they are read (d * q, exact in single
 * precision, as the portable definition's row): converting a tile into floats first and
 * reading them back cost a store and a load per value, 16 KiB of stores a tile of 32
 * positions of 128, a quarter of the kernel's time for 3 heads of 128. */
typedef struct long_value_rows {
    const char *rows;
    int64_t stride;
    const float *scales;
    int64_t blocks;
} long_value_rows;

/* Eight values of position j from dimension d, from halves or (q8, a constant after
 * inlining) from a Q8_0 block. */
static inline __attribute__((always_inline)) v8 long_value(long_value_rows rows, const int q8, int64_t j, int64_t d) {
    if (q8) {
        const block_q8_0 *row = (const block_q8_0 *)(rows.rows + j * rows.stride);
        return v8_from_q8(row[d / SLM_QK].qs + d % SLM_QK, rows.scales[j * rows.blocks + d / SLM_QK]);
    }
    return v8_from_half((const uint16_t *)rows.rows + j * rows.stride + d);
}

/* The lines of `bytes` at `at` from `keys` and from `values`, asked into L2. */
static inline __attribute__((always_inline)) void long_ask_ahead(const char *keys, const char *values, int64_t at,
                                                                 int64_t bytes) {
    for (int64_t line = 0; line < bytes; line += 64) {
        __builtin_prefetch(keys + at + line, 0, 2);
        __builtin_prefetch(values + at + line, 0, 2);
    }
}

/* The rows ahead a value pass asks for at position j: over F16 rows the bytes the pass
 * reads there (`vector_bytes` from dimension `offset`), over Q8_0 rows the whole row (the
 * head's first pass asks, the others get NULL). */
static inline __attribute__((always_inline)) void long_ask_ahead_at(const char *ahead_keys, const char *ahead_values,
                                                                    long_value_rows rows, const int q8, int64_t j,
                                                                    int64_t offset, int64_t vector_bytes) {
    if (q8)
        long_ask_ahead(ahead_keys, ahead_values, j * rows.stride, rows.stride);
    else
        long_ask_ahead(ahead_keys, ahead_values, 2 * (j * rows.stride + offset), vector_bytes);
}

/* accs[g][d..] += sum over the tile's positions j of weights[g][j] * value_j[d..] for `group`
 * heads (a constant after inlining), `vectors` vectors wide from d = `offset`: each position's
 * converted values serve every head. Where `ahead_keys` is not NULL, the rows from
 * `ahead_keys` and `ahead_values` on (a later tile) are asked into L2 as the positions pass. */
static inline __attribute__((always_inline)) void long_values(float *const *accs, const float *const *weights,
                                                              const int group, long_value_rows rows, const int q8,
                                                              int64_t count, int64_t offset, const int vectors,
                                                              const char *ahead_keys, const char *ahead_values) {
    v8 sums[LONG_GROUP][8];
    for (int g = 0; g < group; g++)
        for (int c = 0; c < vectors; c++) sums[g][c] = v8_load(accs[g] + offset + 8 * c);
    for (int64_t j = 0; j < count; j++) {
        v8 w[LONG_GROUP];
        for (int g = 0; g < group; g++) w[g] = v8_set1(weights[g][j]);
        if (ahead_keys) long_ask_ahead_at(ahead_keys, ahead_values, rows, q8, j, offset, 16 * vectors);
        for (int c = 0; c < vectors; c++) {
            const v8 v = long_value(rows, q8, j, offset + 8 * c);
            for (int g = 0; g < group; g++) sums[g][c] = v8_fma(v, w[g], sums[g][c]);
        }
    }
    for (int g = 0; g < group; g++)
        for (int c = 0; c < vectors; c++) v8_store(accs[g] + offset + 8 * c, sums[g][c]);
}

/* long_values over a whole head, as wide as registers allow for `group` heads. */
static inline __attribute__((always_inline)) void long_values_head(float *const *accs, const float *const *weights,
                                                                   const int group, long_value_rows rows, const int q8,
                                                                   int64_t count, int64_t head_dim,
                                                                   const char *ahead_keys, const char *ahead_values) {
    const int vectors = group == 1 ? 8 : group == 2 ? 4 : 2;
    int64_t d = 0;
    for (; d + 8 * vectors <= head_dim; d += 8 * vectors)
        long_values(accs, weights, group, rows, q8, count, d, vectors, q8 && d > 0 ? NULL : ahead_keys, ahead_values);
    for (; d < head_dim; d += 8)
        long_values(accs, weights, group, rows, q8, count, d, 1, q8 && d > 0 ? NULL : ahead_keys, ahead_values);
}

/* long_values_head with the group size as a constant. */
static inline __attribute__((always_inline)) void long_values_of(float *const *accs, const float *const *weights,
                                                                 int64_t group, long_value_rows rows, const int q8,
                                                                 int64_t count, int64_t head_dim,
                                                                 const char *ahead_keys, const char *ahead_values) {
    switch (group) {
    case 1: LONG_VALUES_HEAD(accs, weights, 1, rows, q8, count, head_dim, ahead_keys, ahead_values); break;
    case 2: LONG_VALUES_HEAD(accs, weights, 2, rows, q8, count, head_dim, ahead_keys, ahead_values); break;
    case 3: LONG_VALUES_HEAD(accs, weights, 3, rows, q8, count, head_dim, ahead_keys, ahead_values); break;
    default: LONG_VALUES_HEAD(accs, weights, 4, rows, q8, count, head_dim, ahead_keys, ahead_values); break;
    }
}

/* `count` cached F16 rows, `row_bytes` apart, as floats. */
static inline __attribute__((always_inline)) void long_convert(const char *rows, int64_t row_bytes, int64_t head_dim,
                                                               int64_t count, float *tile) {
    for (int64_t j = 0; j < count; j++) {
        const uint16_t *row = (const uint16_t *)(rows + j * row_bytes);
        for (int64_t d = 0; d < head_dim; d += 8) v8_store(tile + j * head_dim + d, v8_from_half(row + d));
    }
}

/* The whole computation for one head length; with a constant head_dim (after inlining) the
 * rows' offsets are constants too. */
static inline __attribute__((always_inline)) void attend_long_shape(const float *queries, int64_t query_stride,
                                                                    int64_t heads, const char *keys, const char *values,
                                                                    int64_t row_bytes, const int q8,
                                                                    const int64_t head_dim, int64_t first, int64_t last,
                                                                    float scale, float softcap, float *out,
                                                                    int64_t out_stride) {
    enum { TILE = SLM_LONG_TILE };
    const int64_t query_blocks = q8 ? heads * head_dim / SLM_QK : 0;
    const int64_t packed_bytes = head_dim / SLM_QK * (int64_t)sizeof(block_q8_0);
    float *key_tile = slm_thread_scratch((size_t)(TILE * head_dim + TILE * (head_dim / SLM_QK) + TILE * heads +
                                                  3 * heads + 2 * query_blocks) *
                                             sizeof(float) +
                                         (size_t)query_blocks * sizeof(block_q8_0));
    /* over a Q8_0 cache: the tile's value scales as floats, a row's blocks after another's */
    float *value_scales = key_tile + TILE * head_dim;
    float *weights = value_scales + TILE * (head_dim / SLM_QK);
    float *running_max = weights + TILE * heads, *running_sum = running_max + heads;
    int32_t *active = (int32_t *)(running_sum + heads);
    /* over a Q8_0 cache: the queries in Q8_0 with their blocks' scales and sums, and the key
     * tile's room holds a last block of fewer than eight rows with zeros after it */
    float *query_scales = (float *)(active + heads);
    int32_t *query_sums = (int32_t *)(query_scales + query_blocks);
    block_q8_0 *query_q8 = (block_q8_0 *)(query_sums + query_blocks);
    for (int64_t b = 0; b < query_blocks; b++) {
        if (b % (head_dim / SLM_QK) == 0)
            slm_quantize_row(SLM_TYPE_Q8_0, queries + b / (head_dim / SLM_QK) * query_stride, query_q8 + b, head_dim);
        query_scales[b] = float_from_half(query_q8[b].d);
        query_sums[b] = 0;
        for (int i = 0; i < SLM_QK; i++) query_sums[b] += query_q8[b].qs[i];
    }
    for (int64_t h = 0; h < heads; h++) {
        for (int64_t d = 0; d < head_dim; d += 8) v8_store(out + h * out_stride + d, v8_zero());
        running_max[h] = -INFINITY;
        running_sum[h] = 0.0f;
    }
    for (int64_t start = first; start < last; start += TILE) {
        const int64_t count = last - start < TILE ? last - start : TILE, blocks = (count + 7) / 8;
        /* F16 rows are read in place, except a last block of fewer than eight (its rows past
         * the range may lie past the cache); so are Q8_0 rows, their last block packed */
        const int64_t whole = q8 ? 0 : count / 8;
        const int64_t stride = row_bytes / 2;
        if (q8) {
            for (int64_t j = 0; j < count; j++) {
                const block_q8_0 *row = (const block_q8_0 *)(values + (start + j) * row_bytes);
                for (int64_t b = 0; b < head_dim / SLM_QK; b++)
                    value_scales[j * (head_dim / SLM_QK) + b] = float_from_half(row[b].d);
            }
            /* the last rows' blocks only, packed: cached rows may lie further apart than a
             * head's blocks (other heads' between them), more than the tile's room holds */
            if (count % 8 != 0) {
                char *padded = (char *)key_tile;
                for (int64_t i = 0; i < 8; i++) {
                    if (i < count % 8)
                        memcpy(padded + i * packed_bytes, keys + (start + count / 8 * 8 + i) * row_bytes,
                               (size_t)packed_bytes);
                    else
                        memset(padded + i * packed_bytes, 0, (size_t)packed_bytes);
                }
            }
        } else {
            if (whole < blocks)
                long_convert(keys + (start + 8 * whole) * row_bytes, row_bytes, head_dim, count - 8 * whole, key_tile);
            /* the last block's positions past the tile score -infinity; their keys must be numbers */
            for (int64_t i = (count - 8 * whole) * head_dim; i < 8 * (blocks - whole) * head_dim; i++) key_tile[i] = 0.0f;
        }
        const uint16_t *key_rows = (const uint16_t *)(keys + start * row_bytes);
        const long_value_rows value_rows = {values + start * row_bytes, q8 ? row_bytes : stride, value_scales,
                                            head_dim / SLM_QK};
        /* scores, up to LONG_GROUP heads at a time (SCORE_GROUP over a Q8_0 cache) */
        const int64_t score_group = q8 ? SCORE_GROUP : LONG_GROUP;
        for (int64_t h = 0; h < heads; h += score_group) {
            const int64_t group = heads - h < score_group ? heads - h : score_group;
            const float *query = queries + h * query_stride;
            const int64_t at = h * head_dim / SLM_QK;
            const slm_long_query_q8_0 query_h = {query_q8 + at, query_scales + at, query_sums + at};
            for (int64_t block = 0; block < blocks; block++) {
                v8 dots[SCORE_GROUP];
                if (q8) {
                    const int full = 8 * (block + 1) <= count;
                    long_scores_q8_0_of(query_h, group,
                                        full ? keys + (start + 8 * block) * row_bytes : (const char *)key_tile,
                                        full ? row_bytes : packed_bytes, head_dim, dots);
                } else if (block < whole)
                    long_scores_of(query, query_stride, group, key_rows + 8 * block * stride, stride, 1, head_dim, dots);
                else
                    long_scores_of(query, query_stride, group, key_tile + 8 * (block - whole) * head_dim, head_dim, 0,
                                   head_dim, dots);
                for (int64_t k = 0; k < group; k++) {
                    float *row = weights + (h + k) * TILE + 8 * block;
                    v8 score = v8_mul(dots[k], v8_set1(scale));
                    if (softcap > 0.0f) {
                        v8_store(row, score);
                        for (int i = 0; i < 8; i++) row[i] = softcap * tanhf(row[i] / softcap);
                        score = v8_load(row);
                    }
                    v8_store(row, v8_hide_from(score, count - 8 * block));
                }
            }
        }
        /* each head's online softmax step; a head that sees nothing here sits the tile out */
        for (int64_t h = 0; h < heads; h++) {
            float *row = weights + h * TILE;
            const float maximum = LONG_TILE_MAX(row, blocks);
            active[h] = maximum != -INFINITY;
            if (!active[h]) continue;
            float *acc = out + h * out_stride;
            if (maximum > running_max[h]) {
                if (running_max[h] != -INFINITY) {
                    const v8 shrink = v8_set1(slm_softmax_exp(running_max[h] - maximum));
                    for (int64_t d = 0; d < head_dim; d += 8) v8_store(acc + d, v8_mul(v8_load(acc + d), shrink));
                    running_sum[h] *= slm_softmax_exp(running_max[h] - maximum);
                }
                running_max[h] = maximum;
            }
            running_sum[h] += LONG_WEIGHTS(row, blocks, running_max[h]);
        }
        /* the value sums, up to LONG_GROUP active heads at a time. Rows longer than two cache
         * lines are read a line of each position per pass, a pattern the hardware's prefetch
         * does not follow from memory: the passes ask for the same lines two tiles on (once
         * for every head group), into L2 where they do not evict the tile in use. Over 32,768
         * positions (out of cache) that took 4 heads of 256 from 103 to 34 cycles per position
         * and head, 2 of 256 from 190 to 95, 2 of 128 from 56 to 45. Rows of two lines stream
         * from L3 without it (7 heads of 64: 10.4 with none, 11.2 with it), but a generated
         * token meets them in memory, after its layer's weights: there it took the Qwen2.5-0.5B
         * shape at 4,096 positions from 46.8 to 48.4 tokens/s (four alternated rounds).
         * Q8_0 rows of every length are asked for the same way, a row a position, by the first
         * head group only. A burst at the tile's start (every line of the tile two on) kept
         * fewer misses in flight: with two threads and a weight stream between layers, the
         * Llama-3.2-3B shape's attention at 4,096 positions took 23-25 ms a token that way,
         * 14-15 spread over the positions. */
        const int64_t ahead = start + 2 * TILE;
        const char *ahead_keys =
            (q8 || row_bytes >= 128) && ahead + TILE <= last ? keys + ahead * row_bytes : NULL;
        const char *ahead_values = values + ahead * row_bytes;
        float *accs[LONG_GROUP];
        const float *head_weights[LONG_GROUP];
        int64_t group = 0;
        for (int64_t h = 0; h < heads; h++) {
            if (active[h]) {
                accs[group] = out + h * out_stride;
                head_weights[group++] = weights + h * TILE;
            }
            if (group == LONG_GROUP || (h + 1 == heads && group > 0)) {
                long_values_of(accs, head_weights, group, value_rows, q8, count, head_dim, ahead_keys, ahead_values);
                /* Q8_0 rows ahead are asked for once a tile */
                if (q8) ahead_keys = NULL;
                group = 0;
            }
        }
    }
    for (int64_t h = 0; h < heads; h++) {
        const v8 inverse = v8_set1(running_sum[h] > 0.0f ? 1.0f / running_sum[h] : 0.0f);
        float *acc = out + h * out_stride;
        for (int64_t d = 0; d < head_dim; d += 8) v8_store(acc + d, v8_mul(v8_load(acc + d), inverse));
    }
}

/* One head length as a constant where it is a common one. */
static inline __attribute__((always_inline)) void attend_long_any(const float *queries, int64_t query_stride,
                                                                  int64_t heads, const char *keys, const char *values,
                                                                  int64_t row_bytes, const int q8, int64_t head_dim,
                                                                  int64_t first, int64_t last, float scale,
                                                                  float softcap, float *out, int64_t out_stride) {
    switch (head_dim) {
    case 64:
        attend_long_shape(queries, query_stride, heads, keys, values, row_bytes, q8, 64, first, last, scale, softcap,
                          out, out_stride);
        break;
    case 128:
        attend_long_shape(queries, query_stride, heads, keys, values, row_bytes, q8, 128, first, last, scale, softcap,
                          out, out_stride);
        break;
    case 256:
        attend_long_shape(queries, query_stride, heads, keys, values, row_bytes, q8, 256, first, last, scale, softcap,
                          out, out_stride);
        break;
    default:
        attend_long_shape(queries, query_stride, heads, keys, values, row_bytes, q8, head_dim, first, last, scale,
                          softcap, out, out_stride);
    }
}

int ATTEND_LONG(const float *queries, int64_t query_stride, int64_t heads, const uint16_t *keys,
                const uint16_t *values, int64_t row_stride, int64_t head_dim, int64_t first, int64_t last,
                float scale, float softcap, float *out, int64_t out_stride) {
    if (head_dim % 8 != 0 || heads <= 0) return -1;
    attend_long_any(queries, query_stride, heads, (const char *)keys, (const char *)values, row_stride * 2, 0, head_dim,
                    first, last, scale, softcap, out, out_stride);
    return 0;
}

int ATTEND_LONG_Q8_0(const float *queries, int64_t query_stride, int64_t heads, const void *keys, const void *values,
                     size_t row_bytes, int64_t head_dim, int64_t first, int64_t last, float scale, float softcap,
                     float *out, int64_t out_stride) {
    if (head_dim % SLM_QK != 0 || heads <= 0) return -1;
    attend_long_any(queries, query_stride, heads, keys, values, (int64_t)row_bytes, 1, head_dim, first, last, scale,
                    softcap, out, out_stride);
    return 0;
}
