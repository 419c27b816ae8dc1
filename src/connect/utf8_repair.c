/* utf8_repair.c - Java-style UTF-8 validation and U+FFFD repair (see
 * utf8_repair.h). */
#include "connect/utf8_repair.h"

#include "base/arena.h"

#include <string.h>

/* Length of the well-formed sequence at p (Unicode table 3-7), or 0 with
 * *bad set to the length of the malformed maximal subpart (>= 1). */
static size_t utf8_seq(const unsigned char *p, size_t n, size_t *bad)
{
    unsigned c = p[0];
    size_t need;
    unsigned lo = 0x80, hi = 0xBF;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF)
        need = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else {
        *bad = 1;
        return 0;
    }
    for (size_t i = 1; i < need; i++) {
        if (i >= n || p[i] < (i == 1 ? lo : 0x80) || p[i] > (i == 1 ? hi : 0xBF)) {
            *bad = i;
            return 0;
        }
    }
    return need;
}

bool sp_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, bad;
    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = utf8_seq(p + i, n - i, &bad);
        if (!k) return false;
        i += k;
    }
    return true;
}

size_t sp_utf8_repair(const char *s, size_t n, char **buf, size_t *cap)
{
    if (*cap < n * 3 || !*buf) {
        *cap = n * 3 > 0 ? n * 3 : 1;
        *buf = sp_xrealloc(*buf, *cap);
    }
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, o = 0, bad = 0;
    while (i < n) {
        size_t k = utf8_seq(p + i, n - i, &bad);
        if (k) {
            memcpy(*buf + o, p + i, k);
            o += k;
            i += k;
        } else {
            memcpy(*buf + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i += bad;
        }
    }
    return o;
}
