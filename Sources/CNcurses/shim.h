#ifndef SLM_CNCURSES_SHIM_H
#define SLM_CNCURSES_SHIM_H
// Wide-character ncurses: needed for CJK, emoji and combining marks.
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <ncursesw/curses.h>

// Macros Swift cannot import, as functions.
static inline WINDOW *slm_stdscr(void) { return stdscr; }
static inline attr_t slm_attr_bold(void) { return A_BOLD; }
static inline attr_t slm_attr_italic(void) { return A_ITALIC; }
static inline attr_t slm_attr_underline(void) { return A_UNDERLINE; }
static inline attr_t slm_attr_reverse(void) { return A_REVERSE; }
static inline attr_t slm_attr_dim(void) { return A_DIM; }
static inline int slm_key_f(int n) { return KEY_F(n); }
static inline mmask_t slm_wheel_mask(void) { return BUTTON4_PRESSED | BUTTON5_PRESSED; }
static inline int slm_wheel_up(mmask_t state) { return (state & BUTTON4_PRESSED) != 0; }
static inline int slm_wheel_down(mmask_t state) { return (state & BUTTON5_PRESSED) != 0; }
static inline int slm_colors(void) { return COLORS; }
// The key code ncurses gives the terminal's sequence for capability `name` (kLFT5 is
// Ctrl-Left), or 0; declared here rather than through term.h, whose macros are many.
extern char *tigetstr(const char *);
static inline int slm_key_for_capability(const char *name) {
    char *sequence = tigetstr(name);
    if (sequence == NULL || sequence == (char *)-1) return 0;
    int code = key_defined(sequence);
    return code > 0 ? code : 0;
}
#endif
