#ifndef SLM_CSQLITE_SHIM_H
#define SLM_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
