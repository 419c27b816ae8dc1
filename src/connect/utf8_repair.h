/* utf8_repair.h - UTF-8 checked and repaired the way Java's decoder does it
 * (what Spark's socket sources see through an InputStreamReader): each
 * malformed sequence - its maximal subpart, Unicode table 3-7 - becomes one
 * U+FFFD and the text is kept. Used by the socket cores for received lines.
 *
 * Threads: pure functions, any thread. */
#ifndef SP_UTF8_REPAIR_H
#define SP_UTF8_REPAIR_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0, n) is well-formed UTF-8. */
bool sp_utf8_valid(const char *s, size_t n);

/* Copies s[0, n) into *buf (grown with sp_xrealloc to at least 3n bytes;
 * *cap is its size) with each malformed subpart replaced by U+FFFD; returns
 * the length written (no NUL). */
size_t sp_utf8_repair(const char *s, size_t n, char **buf, size_t *cap);

#endif
