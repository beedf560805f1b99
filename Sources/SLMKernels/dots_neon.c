/* arm64 NEON dot products and Q5_0/Q8_0 batch tiles, in two copies from one body: plain NEON (every arm64 CPU,
 * e.g. a Raspberry Pi 4) and with the dotprod extension (e.g. a Raspberry Pi 5). */
#include <math.h>
#include "blocks.h"

#if defined(__aarch64__)
#include <arm_neon.h>

/* int8 dot of 16 lanes into 4 int32 lanes, without the dotprod instruction. */
static inline int32x4_t widening_dot(int32x4_t acc, int8x16_t x, int8x16_t y) {
    int16x8_t low = vmull_s8(vget_low_s8(x), vget_low_s8(y));
    int16x8_t high = vmull_high_s8(x, y);
    return vpadalq_s16(vpadalq_s16(acc, low), high);
}

#define NEON_DOT widening_dot
#define NEON_NAME(x) plain_##x
#include "dots_neon_body.h"
#undef NEON_DOT
#undef NEON_NAME

SLM_DOTPROD_BEGIN
#define NEON_DOT vdotq_s32
#define NEON_NAME(x) dotprod_##x
#include "dots_neon_body.h"
#undef NEON_DOT
#undef NEON_NAME
SLM_DOTPROD_END

void slm_neon_dots(slm_dot_fn table[SLM_TYPE_TABLE_SIZE]) { plain_fill(table); }
void slm_neon_dotprod_dots(slm_dot_fn table[SLM_TYPE_TABLE_SIZE]) { dotprod_fill(table); }
void slm_neon_tiled_dots(slm_dot_fn table[SLM_TYPE_TABLE_SIZE]) { plain_fill_tiled(table); }
void slm_neon_dotprod_tiled_dots(slm_dot_fn table[SLM_TYPE_TABLE_SIZE]) { dotprod_fill_tiled(table); }
void slm_neon_tiles(slm_tile_fn table[SLM_TYPE_TABLE_SIZE]) { plain_fill_tiles(table); }
void slm_neon_dotprod_tiles(slm_tile_fn table[SLM_TYPE_TABLE_SIZE]) { dotprod_fill_tiles(table); }

#else
void slm_neon_dots(slm_dot_fn table[SLM_TYPE_TABLE_SIZE]) { (void)table; }
void slm_neon_dotprod_dots(slm_dot_fn table[SLM_TYPE_TABLE_SIZE]) { (void)table; }
void slm_neon_tiled_dots(slm_dot_fn table[SLM_TYPE_TABLE_SIZE]) { (void)table; }
void slm_neon_dotprod_tiled_dots(slm_dot_fn table[SLM_TYPE_TABLE_SIZE]) { (void)table; }
void slm_neon_tiles(slm_tile_fn table[SLM_TYPE_TABLE_SIZE]) { (void)table; }
void slm_neon_dotprod_tiles(slm_tile_fn table[SLM_TYPE_TABLE_SIZE]) { (void)table; }
#endif
