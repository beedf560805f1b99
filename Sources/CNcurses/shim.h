#ifndef SLM_CNCURSES_SHIM_H
#define SLM_CNCURSES_SHIM_H
// Wide-character ncurses: needed for CJK, emoji and combining marks.
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <ncursesw/curses.h>
#endif
