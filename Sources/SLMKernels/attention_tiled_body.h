/* The body of slm_attend_tiled's SIMD versions, included by attention_tiled_avx2.c (eight
 * lanes), attention_tiled_avx512.c (sixteen) and attention_tiled_neon.c (four) inside their
 * target regions, after they
 * define LANES, ATTEND_TILED (the function's name), the vector type vf and these
 * operations on them: vf_zero, vf_load, vf_store, vf_set1, vf_bcast (one float to every
 * lane), vf_fma (a * b + c, fused), vf_mul, vf_add, vf_max, vf_from_half (LANES halves),
 * vf_hide (-infinity in the lanes whose query does not see a position), vf_weight (per
 * lane slm_expf(score - maximum), 0 where the score is -infinity).
 *
 * Scores run with LANES queries in the lanes of a vector (so a lane's score is one query's
 * chain of fused multiply-adds over the dimensions), value sums with LANES dimensions in
 * the lanes (one chain over positions per value): the same operations on every number as
 * the portable version, in the same order, so the outputs are identical. */
enum { TILE = SLM_ATTENTION_TILE };

/* The working buffers, carved out of the caller's workspace. */
typedef struct {
    int64_t lanes;        /* queries rounded up to a multiple of LANES */
    float *queries;       /* (head_dim, lanes): dimension-major, so LANES queries load at once */
    float *weights;       /* (TILE, lanes): scores, then softmax weights */
    float *keys;          /* (TILE, head_dim) the tile's keys in single precision */
    float *values;        /* (TILE, head_dim) */
    float *maxima;        /* (lanes) running maximum per query */
    float *sums;          /* (lanes) running softmax sum per query */
    int32_t *first;       /* (lanes) first visible position per query */
    int32_t *last;        /* (lanes) one past the last */
    int64_t queries_count; /* rows times group */
    int64_t group;
    float *out;
    int64_t out_stride;
    int64_t head_dim;
} buffers;

/* Query q's output (and running accumulator): row q / group, head q % group. */
static inline float *output_row(const buffers *w, int64_t q) {
    return w->out + q / w->group * w->out_stride + q % w->group * w->head_dim;
}

static void convert_rows(const uint16_t *source, int64_t row_stride, int64_t head_dim, int64_t rows, float *dest) {
    for (int64_t r = 0; r < rows; r++)
        for (int64_t d = 0; d < head_dim; d += LANES) vf_store(dest + r * head_dim + d, vf_from_half(source + r * row_stride + d));
}

/* Scores of `keys` keys from t on against `blocks` lane blocks of queries. The counts are
 * constants after inlining, so the accumulators stay in registers. */
static inline __attribute__((always_inline)) void score_keys(const buffers *w, int64_t block, const int blocks,
                                                             const int keys, int64_t start, int64_t t,
                                                             float score_scale, float softcap) {
    const int64_t lanes = w->lanes, head_dim = w->head_dim;
    const float *q = w->queries + LANES * block;
    const float *key = w->keys + (t - start) * head_dim;
    vf acc[4][2];
    for (int k = 0; k < keys; k++)
        for (int v = 0; v < blocks; v++) acc[k][v] = vf_zero();
    for (int64_t d = 0; d < head_dim; d++) {
        vf qv[2];
        for (int v = 0; v < blocks; v++) qv[v] = vf_load(q + d * lanes + LANES * v);
        for (int k = 0; k < keys; k++) {
            const vf kd = vf_bcast(key + k * head_dim + d);
            for (int v = 0; v < blocks; v++) acc[k][v] = vf_fma(kd, qv[v], acc[k][v]);
        }
    }
    const vf scale = vf_set1(score_scale);
    for (int k = 0; k < keys; k++) {
        for (int v = 0; v < blocks; v++) {
            float *row = w->weights + (t + k - start) * lanes + LANES * (block + v);
            vf score = vf_mul(acc[k][v], scale);
            if (softcap > 0.0f) {
                vf_store(row, score);
                for (int l = 0; l < LANES; l++) row[l] = softcap * tanhf(row[l]);
                score = vf_load(row);
            }
            vf_store(row, vf_hide(score, w->first + LANES * (block + v), w->last + LANES * (block + v), (int32_t)(t + k)));
        }
    }
}

/* Scores of one or two lane blocks against keys [a, b) of the tile. */
static void scores(const buffers *w, int64_t block, int blocks, int64_t start, int64_t a, int64_t b,
                   float score_scale, float softcap) {
    int64_t t = a;
    if (blocks == 2) {
        for (; t + 4 <= b; t += 4) score_keys(w, block, 2, 4, start, t, score_scale, softcap);
        for (; t < b; t++) score_keys(w, block, 2, 1, start, t, score_scale, softcap);
    } else {
        for (; t + 4 <= b; t += 4) score_keys(w, block, 1, 4, start, t, score_scale, softcap);
        for (; t < b; t++) score_keys(w, block, 1, 1, start, t, score_scale, softcap);
    }
}

/* The online softmax step of one lane block for a tile; rescales earlier outputs. */
static void softmax_step(const buffers *w, int64_t block, int64_t start, int64_t a, int64_t b) {
    const int64_t count = w->queries_count, head_dim = w->head_dim;
    const int64_t lanes = w->lanes;
    vf tile_max = vf_set1(-INFINITY);
    for (int64_t t = a; t < b; t++) tile_max = vf_max(tile_max, vf_load(w->weights + (t - start) * lanes + LANES * block));
    float maxima[LANES];
    vf_store(maxima, tile_max);
    for (int l = 0; l < LANES; l++) {
        const int64_t q = LANES * block + l;
        if (maxima[l] == -INFINITY || q >= count) continue;
        const float old_max = w->maxima[q], new_max = fmaxf(old_max, maxima[l]);
        if (new_max > old_max) {
            const float shrink = slm_expf(old_max - new_max);
            const vf s = vf_set1(shrink);
            float *row = output_row(w, q);
            for (int64_t d = 0; d < head_dim; d += LANES) vf_store(row + d, vf_mul(vf_load(row + d), s));
            w->sums[q] *= shrink;
        }
        w->maxima[q] = new_max;
    }
    /* weights: exp(score - max) where visible, 0 elsewhere (also outside [a, b)) */
    const vf maxima_now = vf_load(w->maxima + LANES * block);
    for (int slot = 0; slot < TILE; slot++) {
        float *row = w->weights + slot * lanes + LANES * block;
        const int64_t t = start + slot;
        vf_store(row, t < a || t >= b ? vf_zero() : vf_weight(vf_load(row), maxima_now));
    }
    /* the sum: per group of 8 slots, the tree of slm_attend_tiled_sum in each lane */
    double sums[LANES] = {0};
    for (int group = 0; group < TILE / 8; group++) {
        const float *p = w->weights + 8 * group * lanes + LANES * block;
        vf a4[4];
        for (int i = 0; i < 4; i++) a4[i] = vf_add(vf_load(p + i * lanes), vf_load(p + (i + 4) * lanes));
        float d[LANES];
        vf_store(d, vf_add(vf_add(a4[0], a4[2]), vf_add(a4[1], a4[3])));
        for (int l = 0; l < LANES; l++) sums[l] += (double)d[l];
    }
    for (int l = 0; l < LANES && LANES * block + l < count; l++)
        if (maxima[l] != -INFINITY) w->sums[LANES * block + l] = (float)((double)w->sums[LANES * block + l] + sums[l]);
}

/* out[q] += sum over positions [a, b) of weight(q, t) * value_t for `queries` queries from
 * q0 and `vectors` vectors of dimensions from d; constants after inlining. */
static inline __attribute__((always_inline)) void accumulate_block(const buffers *w, int64_t q0, const int queries,
                                                                   int64_t d, const int vectors, int64_t start,
                                                                   int64_t a, int64_t b) {
    const int64_t lanes = w->lanes, head_dim = w->head_dim;
    vf acc[4][2];
    float *rows[4];
    for (int i = 0; i < queries; i++) {
        rows[i] = output_row(w, q0 + i) + d;
        for (int v = 0; v < vectors; v++) acc[i][v] = vf_load(rows[i] + LANES * v);
    }
    for (int64_t t = a; t < b; t++) {
        const float *value = w->values + (t - start) * head_dim + d;
        const float *weight = w->weights + (t - start) * lanes + q0;
        vf vv[2];
        for (int v = 0; v < vectors; v++) vv[v] = vf_load(value + LANES * v);
        for (int i = 0; i < queries; i++) {
            const vf p = vf_bcast(weight + i);
            for (int v = 0; v < vectors; v++) acc[i][v] = vf_fma(vv[v], p, acc[i][v]);
        }
    }
    for (int i = 0; i < queries; i++)
        for (int v = 0; v < vectors; v++) vf_store(rows[i] + LANES * v, acc[i][v]);
}

static void accumulate_values(const buffers *w, int64_t block, int64_t start, int64_t a, int64_t b) {
    const int64_t count = w->queries_count, head_dim = w->head_dim;
    const int64_t end = LANES * block + LANES < count ? LANES * block + LANES : count;
    int64_t q0 = LANES * block;
    for (; q0 + 4 <= end; q0 += 4) {
        int64_t d = 0;
        for (; d + 2 * LANES <= head_dim; d += 2 * LANES) accumulate_block(w, q0, 4, d, 2, start, a, b);
        for (; d < head_dim; d += LANES) accumulate_block(w, q0, 4, d, 1, start, a, b);
    }
    for (; q0 < end; q0++) {
        int64_t d = 0;
        for (; d + 2 * LANES <= head_dim; d += 2 * LANES) accumulate_block(w, q0, 1, d, 2, start, a, b);
        for (; d < head_dim; d += LANES) accumulate_block(w, q0, 1, d, 1, start, a, b);
    }
}

int ATTEND_TILED(const float *queries, int64_t query_stride, const int64_t *positions, int64_t count, int64_t group,
                          const uint16_t *keys, const uint16_t *values, int64_t row_stride, int64_t head_dim,
                          int64_t window, float scale, float softcap, float *workspace, float *out,
                          int64_t out_stride) {
    if (head_dim % LANES != 0 || count <= 0 || group <= 0) return -1;
    int64_t lo, hi;
    slm_attend_tiled_range(positions, count, window, &lo, &hi);
    if (hi > INT32_MAX) return -1;
    buffers w;
    w.queries_count = count * group;
    w.group = group;
    w.out = out;
    w.out_stride = out_stride;
    w.head_dim = head_dim;
    w.lanes = (w.queries_count + LANES - 1) / LANES * LANES;
    w.queries = workspace;
    w.weights = w.queries + head_dim * w.lanes;
    w.keys = w.weights + TILE * w.lanes;
    w.values = w.keys + TILE * head_dim;
    w.maxima = w.values + TILE * head_dim;
    w.sums = w.maxima + w.lanes;
    w.first = (int32_t *)(w.sums + w.lanes);
    w.last = w.first + w.lanes;
    for (int64_t q = 0; q < w.lanes; q++) {
        const int valid = q < w.queries_count;
        const float *query = valid ? queries + q / group * query_stride + q % group * head_dim : NULL;
        for (int64_t d = 0; d < head_dim; d++) w.queries[d * w.lanes + q] = valid ? query[d] : 0.0f;
        const int64_t last = valid ? positions[q / group] + 1 : 0;
        w.last[q] = (int32_t)last;
        w.first[q] = (int32_t)(window > 0 && last - window > 0 ? last - window : 0);
        w.maxima[q] = -INFINITY;
        w.sums[q] = 0.0f;
        if (valid)
            for (int64_t d = 0; d < head_dim; d++) output_row(&w, q)[d] = 0.0f;
    }
    const float score_scale = softcap > 0.0f ? scale / softcap : scale;
    const int64_t blocks = w.lanes / LANES;
    for (int64_t start = lo / TILE * TILE; start < hi; start += TILE) {
        const int64_t a = start > lo ? start : lo;
        const int64_t b = start + TILE < hi ? start + TILE : hi;
        convert_rows(keys + a * row_stride, row_stride, head_dim, b - a, w.keys + (a - start) * head_dim);
        convert_rows(values + a * row_stride, row_stride, head_dim, b - a, w.values + (a - start) * head_dim);
        for (int64_t block = 0; block < blocks; block += 2)
            scores(&w, block, blocks - block >= 2 ? 2 : 1, start, a, b, score_scale, softcap);
        for (int64_t block = 0; block < blocks; block++) {
            softmax_step(&w, block, start, a, b);
            accumulate_values(&w, block, start, a, b);
        }
    }
    for (int64_t q = 0; q < w.queries_count; q++) {
        const float inverse = w.sums[q] == 0.0f ? 0.0f : 1.0f / w.sums[q];
        const vf s = vf_set1(inverse);
        float *row = output_row(&w, q);
        for (int64_t d = 0; d < head_dim; d += LANES) vf_store(row + d, vf_mul(vf_load(row + d), s));
    }
    return 0;
}

