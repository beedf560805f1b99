#ifndef SLM_DISPATCH_H
#define SLM_DISPATCH_H
/* What dispatch.c chooses and matmat.c runs. */
#include "blocks.h"

/* The kernels one weight type has on one path (as ggml-cpu's type_traits_cpu, per path);
 * NULL where the path has none of that kind. */
typedef struct {
    slm_dot_fn dot;             /* one weight row · one activation row */
    slm_dot_fn grouped;         /* rows a repacked matrix takes in groups of four */
    slm_dot_fn tiled;           /* batches of eight rows or more, in the tiled arithmetic */
    slm_dot4_fn dot4;           /* one weight row · four activation rows, each as `dot` */
    slm_dot4_fn grouped_dot4;   /* ... each as `grouped` */
    slm_dot4_fn tiled_dot4;     /* ... each as `tiled` */
    slm_tile_fn tile;           /* four weight rows · the batch, each as `dot` */
    slm_quads_fn quads;         /* the matrix's rows in fours · the batch, each as `dot` */
    slm_rows4_fn dot_rows4;     /* four weight rows · one activation row, each as `dot` */
    slm_rows_fn rows8;          /* eight rearranged weight rows · the batch (repacked Q4_K, tiled Q6_K) */
    slm_rows_fn rows16;         /* sixteen of them */
} slm_kernel_traits;

/* Which kernels take which rows of one batch product. */
typedef struct {
    slm_dot_fn dot;             /* the one-row kernel; NULL for a type the path cannot multiply */
    slm_dot_fn first_rows;      /* activation rows 0..<first_count */
    slm_dot_fn last_rows;       /* the rest */
    int64_t first_count;
    slm_dot4_fn dot4;           /* four activation rows at a time, below dot4_limit */
    int64_t dot4_limit;
    slm_tile_fn tile;           /* four weight rows at a time */
    slm_quads_fn quads;         /* or all rows in fours at once */
    slm_rows4_fn dot_rows4;     /* four weight rows at a time, one activation row each */
    slm_rows_fn rows16, rows8;  /* sixteen or eight weight rows at a time ... */
    int64_t covered;            /* ... over activation rows 0..<covered */
} slm_matmat_plan;

/* The plan for `count` activation rows of a batch of `batch_rows` against a matrix of
 * `matrix_rows` rows of `weight_type`, on `path` (the scalar one when it is unavailable). */
slm_matmat_plan slm_plan_matmat(int path, int weight_type, int64_t count, int64_t batch_rows, int64_t matrix_rows);

#endif
