/* The body of slm_attend_long's SIMD versions, included by attention_long_avx2.c and
 * attention_long_neon.c inside their target regions after they define ATTEND_LONG and
 * ATTEND_LONG_Q8_0 (the functions' names, over an F16 and a Q8_0 cache), the type v8 (eight
 * floats, whatever the vector width) and:
 *   v8_zero, v8_load, v8_store, v8_set1, v8_fma (a * b + c, fused), v8_mul, v8_add, v8_sub,
 *   v8_max_number (lanewise, a NaN in the first operand gives the second, as fmaxf does),
 *   v8_from_half (eight halves), v8_from_q8 (eight int8 values times a scale), v8_sum8 (lane
 *   i = vector i's lanes added by slm_long_sum8's tree), v8_power2 (2^n for whole-number
 *   floats n from -126 to 127), v8_keep_at_least (a's lanes where x >= limit, +0 elsewhere
 *   and where x is NaN), v8_hide_from (-infinity in the lanes from `count` on).
 * Every number is the one slm_attend_long_portable (or _q8_0_portable) computes: the same
 * operations in the same order on each value (positions in the lanes for weights,
 * dimensions for values). */

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

/* Scores of a head against the tile's positions [8 block, 8 block + 8): eight dot products
 * at once, each in eight partial sums. */
/* Eight floats of a row: converted from halves where `half` (a constant after inlining). */
static inline __attribute__((always_inline)) v8 long_load(const void *rows, const int half, int64_t index) {
    return half ? v8_from_half((const uint16_t *)rows + index) : v8_load((const float *)rows + index);
}

/* Scores of a head against eight rows (`stride` values apart, halves or floats): eight dot
 * products at once, each in eight partial sums. Halves are converted as they are read: on
 * Zen 3 that beat converting a tile once for all the heads and reading it back (42.5 against
 * 61.7 cycles per position and head for 2 heads of 128, 17.7 against 19.6 for 4 of 64). */
static inline __attribute__((always_inline)) v8 long_scores(const float *query, const void *rows, int64_t stride,
                                                            const int half, int64_t head_dim) {
    v8 acc[8];
    for (int i = 0; i < 8; i++) acc[i] = v8_zero();
    for (int64_t d = 0; d < head_dim; d += 8) {
        const v8 q = v8_load(query + d);
        for (int i = 0; i < 8; i++) acc[i] = v8_fma(long_load(rows, half, i * stride + d), q, acc[i]);
    }
    return v8_sum8(acc);
}

/* acc[d..] += sum over the tile's positions j of weights[j] * value_j[d..], `vectors` vectors
 * wide (a constant after inlining, so the sums stay in registers). */
static inline __attribute__((always_inline)) void long_values(float *acc, const void *rows, int64_t stride,
                                                              const int half, const float *weights, int64_t count,
                                                              const int vectors) {
    v8 sums[8];
    for (int c = 0; c < vectors; c++) sums[c] = v8_load(acc + 8 * c);
    for (int64_t j = 0; j < count; j++) {
        const v8 w = v8_set1(weights[j]);
        for (int c = 0; c < vectors; c++) sums[c] = v8_fma(long_load(rows, half, j * stride + 8 * c), w, sums[c]);
    }
    for (int c = 0; c < vectors; c++) v8_store(acc + 8 * c, sums[c]);
}

/* long_scores for two heads at once: each row's converted values serve both. */
static inline __attribute__((always_inline)) void long_scores_pair(const float *query_a, const float *query_b,
                                                                   const void *rows, int64_t stride, const int half,
                                                                   int64_t head_dim, v8 *dots_a, v8 *dots_b) {
    v8 a[8], b[8];
    for (int first = 0; first < 8; first += 4) {
        v8 acc_a[4], acc_b[4];
        for (int i = 0; i < 4; i++) acc_a[i] = acc_b[i] = v8_zero();
        for (int64_t d = 0; d < head_dim; d += 8) {
            const v8 qa = v8_load(query_a + d), qb = v8_load(query_b + d);
            for (int i = 0; i < 4; i++) {
                const v8 k = long_load(rows, half, (first + i) * stride + d);
                acc_a[i] = v8_fma(k, qa, acc_a[i]);
                acc_b[i] = v8_fma(k, qb, acc_b[i]);
            }
        }
        for (int i = 0; i < 4; i++) {
            a[first + i] = acc_a[i];
            b[first + i] = acc_b[i];
        }
    }
    *dots_a = v8_sum8(a);
    *dots_b = v8_sum8(b);
}

/* long_values for two heads at once, `vectors` (at most 4) vectors wide. */
static inline __attribute__((always_inline)) void long_values_pair(float *acc_a, float *acc_b, const void *rows,
                                                                   int64_t stride, const int half,
                                                                   const float *weights_a, const float *weights_b,
                                                                   int64_t count, const int vectors) {
    v8 sums_a[4], sums_b[4];
    for (int c = 0; c < vectors; c++) {
        sums_a[c] = v8_load(acc_a + 8 * c);
        sums_b[c] = v8_load(acc_b + 8 * c);
    }
    for (int64_t j = 0; j < count; j++) {
        const v8 wa = v8_set1(weights_a[j]), wb = v8_set1(weights_b[j]);
        for (int c = 0; c < vectors; c++) {
            const v8 v = long_load(rows, half, j * stride + 8 * c);
            sums_a[c] = v8_fma(v, wa, sums_a[c]);
            sums_b[c] = v8_fma(v, wb, sums_b[c]);
        }
    }
    for (int c = 0; c < vectors; c++) {
        v8_store(acc_a + 8 * c, sums_a[c]);
        v8_store(acc_b + 8 * c, sums_b[c]);
    }
}

/* `count` cached rows, `row_bytes` apart, as floats: F16 values, or Q8_0 blocks (q8 != 0)
 * whose values are d * q (exact in single precision). */
static inline __attribute__((always_inline)) void long_convert(const char *rows, int64_t row_bytes, const int q8,
                                                               int64_t head_dim, int64_t count, float *tile) {
    for (int64_t j = 0; j < count; j++) {
        float *dest = tile + j * head_dim;
        if (q8) {
            const block_q8_0 *blocks = (const block_q8_0 *)(rows + j * row_bytes);
            for (int64_t b = 0; b < head_dim / SLM_QK; b++) {
                const float d = slm_fp16_to_fp32(blocks[b].d);
                for (int i = 0; i < SLM_QK; i += 8) v8_store(dest + b * SLM_QK + i, v8_from_q8(blocks[b].qs + i, d));
            }
        } else {
            const uint16_t *row = (const uint16_t *)(rows + j * row_bytes);
            for (int64_t d = 0; d < head_dim; d += 8) v8_store(dest + d, v8_from_half(row + d));
        }
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
    float *key_tile = slm_thread_scratch((size_t)(2 * TILE * head_dim + TILE * heads + 3 * heads) * sizeof(float));
    float *value_tile = key_tile + TILE * head_dim;
    float *weights = value_tile + TILE * head_dim;
    float *running_max = weights + TILE * heads, *running_sum = running_max + heads;
    int32_t *active = (int32_t *)(running_sum + heads);
    for (int64_t h = 0; h < heads; h++) {
        for (int64_t d = 0; d < head_dim; d += 8) v8_store(out + h * out_stride + d, v8_zero());
        running_max[h] = -INFINITY;
        running_sum[h] = 0.0f;
    }
    for (int64_t start = first; start < last; start += TILE) {
        const int64_t count = last - start < TILE ? last - start : TILE, blocks = (count + 7) / 8;
        /* no prefetching: a head's rows are contiguous (the cache is head-major) and the
         * hardware's stream prefetch keeps up; asking for the next tile's lines as well made
         * decode at 4,096 positions 5-7% slower */
        /* F16 rows are read in place, except a last block of fewer than eight (its rows past
         * the range may lie past the cache); Q8_0 rows are converted first */
        const int64_t whole = q8 ? 0 : count / 8;
        const int64_t stride = row_bytes / 2;
        if (q8) {
            long_convert(keys + start * row_bytes, row_bytes, q8, head_dim, count, key_tile);
            long_convert(values + start * row_bytes, row_bytes, q8, head_dim, count, value_tile);
        } else if (whole < blocks) {
            long_convert(keys + (start + 8 * whole) * row_bytes, row_bytes, q8, head_dim, count - 8 * whole, key_tile);
        }
        /* the last block's positions past the tile score -infinity; their keys must be numbers */
        for (int64_t i = (count - 8 * whole) * head_dim; i < 8 * (blocks - whole) * head_dim; i++) key_tile[i] = 0.0f;
        const uint16_t *key_rows = (const uint16_t *)(keys + start * row_bytes);
        const uint16_t *value_rows = (const uint16_t *)(values + start * row_bytes);
        /* scores, two heads at a time (a last odd head alone) */
        for (int64_t h = 0; h < heads; h += 2) {
            const int pair = h + 1 < heads;
            const float *query = queries + h * query_stride;
            for (int64_t block = 0; block < blocks; block++) {
                v8 dots[2];
                const void *rows = block < whole ? (const void *)(key_rows + 8 * block * stride)
                                                 : (const void *)(key_tile + 8 * (block - whole) * head_dim);
                const int64_t rows_stride = block < whole ? stride : head_dim;
                if (pair && block < whole)
                    long_scores_pair(query, query + query_stride, rows, rows_stride, 1, head_dim, &dots[0], &dots[1]);
                else if (pair)
                    long_scores_pair(query, query + query_stride, rows, rows_stride, 0, head_dim, &dots[0], &dots[1]);
                else
                    dots[0] = block < whole ? long_scores(query, rows, rows_stride, 1, head_dim)
                                            : long_scores(query, rows, rows_stride, 0, head_dim);
                for (int k = 0; k <= pair; k++) {
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
            v8 tile_max = v8_set1(-INFINITY);
            for (int64_t block = 0; block < blocks; block++) tile_max = v8_max_number(v8_load(row + 8 * block), tile_max);
            float lanes[8], maximum = -INFINITY;
            v8_store(lanes, tile_max);
            for (int i = 0; i < 8; i++) maximum = fmaxf(maximum, lanes[i]);
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
            const v8 m = v8_set1(running_max[h]);
            v8 partial = v8_zero();
            for (int64_t block = 0; block < blocks; block++) {
                const v8 w = long_exp(v8_sub(v8_load(row + 8 * block), m));
                v8_store(row + 8 * block, w);
                partial = v8_add(partial, w);
            }
            v8_store(lanes, partial);
            running_sum[h] += slm_long_sum8(lanes);
        }
        /* the value sums, two active heads at a time */
        const int64_t value_stride = q8 ? head_dim : stride;
        int64_t waiting = -1;
        for (int64_t h = 0; h < heads; h++) {
            if (!active[h]) continue;
            if (waiting < 0) {
                waiting = h;
                continue;
            }
            float *acc_a = out + waiting * out_stride, *acc_b = out + h * out_stride;
            const float *weights_a = weights + waiting * TILE, *weights_b = weights + h * TILE;
            int64_t d = 0;
            if (q8) {
                for (; d + 32 <= head_dim; d += 32)
                    long_values_pair(acc_a + d, acc_b + d, value_tile + d, value_stride, 0, weights_a, weights_b, count, 4);
                for (; d < head_dim; d += 8)
                    long_values_pair(acc_a + d, acc_b + d, value_tile + d, value_stride, 0, weights_a, weights_b, count, 1);
            } else {
                for (; d + 32 <= head_dim; d += 32)
                    long_values_pair(acc_a + d, acc_b + d, value_rows + d, value_stride, 1, weights_a, weights_b, count, 4);
                for (; d < head_dim; d += 8)
                    long_values_pair(acc_a + d, acc_b + d, value_rows + d, value_stride, 1, weights_a, weights_b, count, 1);
            }
            waiting = -1;
        }
        if (waiting >= 0) {
            float *acc = out + waiting * out_stride;
            const float *head_weights = weights + waiting * TILE;
            int64_t d = 0;
            if (q8) {
                for (; d + 64 <= head_dim; d += 64) long_values(acc + d, value_tile + d, head_dim, 0, head_weights, count, 8);
                for (; d < head_dim; d += 8) long_values(acc + d, value_tile + d, head_dim, 0, head_weights, count, 1);
            } else {
                for (; d + 64 <= head_dim; d += 64) long_values(acc + d, value_rows + d, stride, 1, head_weights, count, 8);
                for (; d < head_dim; d += 8) long_values(acc + d, value_rows + d, stride, 1, head_weights, count, 1);
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
