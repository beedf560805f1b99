/* AVX2/FMA version of slm_attend_tiled. Scores run with eight queries in the lanes of a
 * vector (so a lane's score is one query's chain of fused multiply-adds over the
 * dimensions), value sums with eight dimensions in the lanes (one chain over positions per
 * value): the same operations on every number as the portable version, in the same order. */
#include <math.h>
#include "blocks.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c")
#endif

enum { TILE = SLM_ATTENTION_TILE };

/* The working buffers, carved out of the caller's workspace. */
typedef struct {
    int64_t lanes;        /* queries rounded up to a multiple of 8 */
    float *queries;       /* (head_dim, lanes): dimension-major, so 8 queries load at once */
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
        for (int64_t d = 0; d < head_dim; d += 8)
            _mm256_storeu_ps(dest + r * head_dim + d,
                             _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(source + r * row_stride + d))));
}

/* Scores of `keys` keys from t on against `blocks` lane blocks of queries. The counts are
 * constants after inlining, so the accumulators stay in registers. */
static inline __attribute__((always_inline)) void score_keys(const buffers *w, int64_t block, const int blocks,
                                                             const int keys, int64_t start, int64_t t,
                                                             float score_scale, float softcap) {
    const int64_t lanes = w->lanes, head_dim = w->head_dim;
    const float *q = w->queries + 8 * block;
    const float *key = w->keys + (t - start) * head_dim;
    __m256 acc[4][2];
    for (int k = 0; k < keys; k++)
        for (int v = 0; v < blocks; v++) acc[k][v] = _mm256_setzero_ps();
    for (int64_t d = 0; d < head_dim; d++) {
        __m256 qv[2];
        for (int v = 0; v < blocks; v++) qv[v] = _mm256_loadu_ps(q + d * lanes + 8 * v);
        for (int k = 0; k < keys; k++) {
            const __m256 kd = _mm256_broadcast_ss(key + k * head_dim + d);
            for (int v = 0; v < blocks; v++) acc[k][v] = _mm256_fmadd_ps(kd, qv[v], acc[k][v]);
        }
    }
    const __m256 minus_infinity = _mm256_set1_ps(-INFINITY), scale = _mm256_set1_ps(score_scale);
    for (int k = 0; k < keys; k++) {
        const __m256i position = _mm256_set1_epi32((int32_t)(t + k));
        const __m256i next = _mm256_set1_epi32((int32_t)(t + k + 1));
        for (int v = 0; v < blocks; v++) {
            float *row = w->weights + (t + k - start) * lanes + 8 * (block + v);
            __m256 score = _mm256_mul_ps(acc[k][v], scale);
            if (softcap > 0.0f) {
                _mm256_storeu_ps(row, score);
                for (int l = 0; l < 8; l++) row[l] = softcap * tanhf(row[l]);
                score = _mm256_loadu_ps(row);
            }
            const __m256i first = _mm256_loadu_si256((const __m256i *)(w->first + 8 * (block + v)));
            const __m256i last = _mm256_loadu_si256((const __m256i *)(w->last + 8 * (block + v)));
            const __m256i hidden = _mm256_or_si256(_mm256_cmpgt_epi32(first, position), _mm256_cmpgt_epi32(next, last));
            _mm256_storeu_ps(row, _mm256_blendv_ps(score, minus_infinity, _mm256_castsi256_ps(hidden)));
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
    __m256 tile_max = _mm256_set1_ps(-INFINITY);
    for (int64_t t = a; t < b; t++) tile_max = _mm256_max_ps(tile_max, _mm256_loadu_ps(w->weights + (t - start) * lanes + 8 * block));
    float maxima[8];
    _mm256_storeu_ps(maxima, tile_max);
    for (int l = 0; l < 8; l++) {
        const int64_t q = 8 * block + l;
        if (maxima[l] == -INFINITY || q >= count) continue;
        const float old_max = w->maxima[q], new_max = fmaxf(old_max, maxima[l]);
        if (new_max > old_max) {
            const float shrink = expf(old_max - new_max);
            const __m256 s = _mm256_set1_ps(shrink);
            float *row = output_row(w, q);
            for (int64_t d = 0; d < head_dim; d += 8) _mm256_storeu_ps(row + d, _mm256_mul_ps(_mm256_loadu_ps(row + d), s));
            w->sums[q] *= shrink;
        }
        w->maxima[q] = new_max;
    }
    /* weights: exp(score - max) where visible, 0 elsewhere (also outside [a, b)) */
    for (int slot = 0; slot < TILE; slot++) {
        float *row = w->weights + slot * lanes + 8 * block;
        const int64_t t = start + slot;
        for (int l = 0; l < 8; l++)
            row[l] = t < a || t >= b || row[l] == -INFINITY ? 0.0f : expf(row[l] - w->maxima[8 * block + l]);
    }
    /* the sum: per group of 8 slots, the tree of slm_attend_tiled_sum in each lane */
    double sums[8] = {0};
    for (int group = 0; group < TILE / 8; group++) {
        const float *p = w->weights + 8 * group * lanes + 8 * block;
        __m256 a4[4];
        for (int i = 0; i < 4; i++) a4[i] = _mm256_add_ps(_mm256_loadu_ps(p + i * lanes), _mm256_loadu_ps(p + (i + 4) * lanes));
        float d[8];
        _mm256_storeu_ps(d, _mm256_add_ps(_mm256_add_ps(a4[0], a4[2]), _mm256_add_ps(a4[1], a4[3])));
        for (int l = 0; l < 8; l++) sums[l] += (double)d[l];
    }
    for (int l = 0; l < 8 && 8 * block + l < count; l++)
        if (maxima[l] != -INFINITY) w->sums[8 * block + l] = (float)((double)w->sums[8 * block + l] + sums[l]);
}

/* out[q] += sum over positions [a, b) of weight(q, t) * value_t for `queries` queries from
 * q0 and `vectors` vectors of dimensions from d; constants after inlining. */
static inline __attribute__((always_inline)) void accumulate_block(const buffers *w, int64_t q0, const int queries,
                                                                   int64_t d, const int vectors, int64_t start,
                                                                   int64_t a, int64_t b) {
    const int64_t lanes = w->lanes, head_dim = w->head_dim;
    __m256 acc[4][2];
    float *rows[4];
    for (int i = 0; i < queries; i++) {
        rows[i] = output_row(w, q0 + i) + d;
        for (int v = 0; v < vectors; v++) acc[i][v] = _mm256_loadu_ps(rows[i] + 8 * v);
    }
    for (int64_t t = a; t < b; t++) {
        const float *value = w->values + (t - start) * head_dim + d;
        const float *weight = w->weights + (t - start) * lanes + q0;
        __m256 vv[2];
        for (int v = 0; v < vectors; v++) vv[v] = _mm256_loadu_ps(value + 8 * v);
        for (int i = 0; i < queries; i++) {
            const __m256 p = _mm256_broadcast_ss(weight + i);
            for (int v = 0; v < vectors; v++) acc[i][v] = _mm256_fmadd_ps(vv[v], p, acc[i][v]);
        }
    }
    for (int i = 0; i < queries; i++)
        for (int v = 0; v < vectors; v++) _mm256_storeu_ps(rows[i] + 8 * v, acc[i][v]);
}

static void accumulate_values(const buffers *w, int64_t block, int64_t start, int64_t a, int64_t b) {
    const int64_t count = w->queries_count, head_dim = w->head_dim;
    const int64_t end = 8 * block + 8 < count ? 8 * block + 8 : count;
    int64_t q0 = 8 * block;
    for (; q0 + 4 <= end; q0 += 4) {
        int64_t d = 0;
        for (; d + 16 <= head_dim; d += 16) accumulate_block(w, q0, 4, d, 2, start, a, b);
        for (; d < head_dim; d += 8) accumulate_block(w, q0, 4, d, 1, start, a, b);
    }
    for (; q0 < end; q0++) {
        int64_t d = 0;
        for (; d + 16 <= head_dim; d += 16) accumulate_block(w, q0, 1, d, 2, start, a, b);
        for (; d < head_dim; d += 8) accumulate_block(w, q0, 1, d, 1, start, a, b);
    }
}

int slm_attend_tiled_avx2(const float *queries, int64_t query_stride, const int64_t *positions, int64_t count, int64_t group,
                          const uint16_t *keys, const uint16_t *values, int64_t row_stride, int64_t head_dim,
                          int64_t window, float scale, float softcap, float *workspace, float *out,
                          int64_t out_stride) {
    if (head_dim % 8 != 0 || count <= 0 || group <= 0) return -1;
    int64_t lo, hi;
    slm_attend_tiled_range(positions, count, window, &lo, &hi);
    if (hi > INT32_MAX) return -1;
    buffers w;
    w.queries_count = count * group;
    w.group = group;
    w.out = out;
    w.out_stride = out_stride;
    w.head_dim = head_dim;
    w.lanes = (w.queries_count + 7) / 8 * 8;
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
    const int64_t blocks = w.lanes / 8;
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
        const __m256 s = _mm256_set1_ps(inverse);
        float *row = output_row(&w, q);
        for (int64_t d = 0; d < head_dim; d += 8) _mm256_storeu_ps(row + d, _mm256_mul_ps(_mm256_loadu_ps(row + d), s));
    }
    return 0;
}

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

#else
int slm_attend_tiled_avx2(const float *queries, int64_t query_stride, const int64_t *positions, int64_t count, int64_t group,
                          const uint16_t *keys, const uint16_t *values, int64_t row_stride, int64_t head_dim,
                          int64_t window, float scale, float softcap, float *workspace, float *out,
                          int64_t out_stride) {
    (void)queries; (void)query_stride; (void)positions; (void)count; (void)group; (void)keys; (void)values; (void)row_stride;
    (void)head_dim; (void)window; (void)scale; (void)softcap; (void)workspace; (void)out; (void)out_stride;
    return -1;
}
#endif
