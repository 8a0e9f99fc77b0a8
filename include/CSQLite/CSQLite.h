#ifndef C_SQLITE_H
#define C_SQLITE_H
#include <sqlite3.h>

/* SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift cannot import:
 * binding with it makes SQLite copy the text before the Swift buffer goes away. */
static inline int session_store_bind_text(sqlite3_stmt *stmt, int index, const char *text, int length) {
    return sqlite3_bind_text(stmt, index, text, length, SQLITE_TRANSIENT);
}
#endif
