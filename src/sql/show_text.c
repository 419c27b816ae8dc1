/* show_text.c - the text of one showString cell: Spark's
 * SchemaUtils.escapeMetaCharacters, the cut to `truncate` characters, and
 * Utils.stringHalfWidth, with Java's string lengths (UTF-16 code units)
 * computed over UTF-8. */
#include "sql/show.h"
#include "sql/show_int.h"

#include <stdbool.h>
#include <stdint.h>

/* The code point at s[i] (n bytes in all) and its byte length; a byte that
 * does not start a well-formed sequence is one byte, *bad set. */
static size_t u8_next(const unsigned char *s, size_t n, size_t i, uint32_t *cp, bool *bad)
{
    unsigned c = s[i];
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    *bad = false;
    if (len == 1) {
        *cp = c;
        return 1;
    }
    if (len == 0 || i + len > n) goto bad;
    uint32_t v = c & (0x7F >> len);
    for (size_t k = 1; k < len; k++) {
        if ((s[i + k] & 0xC0) != 0x80) goto bad;
        v = (v << 6) | (s[i + k] & 0x3F);
    }
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < min[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) goto bad;
    *cp = v;
    return len;
bad:
    *bad = true;
    *cp = 0xFFFD;
    return 1;
}

static bool full_width(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE10 && c <= 0xFE19) || (c >= 0xFE30 && c <= 0xFE6F) ||
           (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6);
}

int64_t sp_sql_show_half_width(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    int64_t w = 0;
    uint32_t cp;
    bool bad;
    for (size_t i = 0; i < n;) {
        i += u8_next(u, n, i, &cp, &bad);
        w += cp > 0xFFFF ? 2 : 1 + full_width(cp);
    }
    return w;
}

/* The escape Spark writes for a control character, or NULL. */
static const char *escape_of(uint32_t c)
{
    switch (c) {
    case '\n':
        return "\\n";
    case '\r':
        return "\\r";
    case '\t':
        return "\\t";
    case '\f':
        return "\\f";
    case '\b':
        return "\\b";
    case 0x0B:
        return "\\v";
    case 0x07:
        return "\\a";
    default:
        return NULL;
    }
}

/* Cuts the text out->p[from..len) to its first keep UTF-16 code units; a
 * surrogate pair split in two leaves its first half, which Java's UTF-8
 * encoder writes as '?'. */
static void cut(sp_sql_sbuf *out, size_t from, int64_t keep)
{
    const unsigned char *u = (const unsigned char *)out->p;
    size_t i = from;
    uint32_t cp;
    bool bad;
    while (keep > 0 && i < out->len) {
        size_t len = u8_next(u, out->len, i, &cp, &bad);
        if (cp > 0xFFFF && keep == 1) {
            out->p[i++] = '?';
            break;
        }
        keep -= cp > 0xFFFF ? 2 : 1;
        i += len;
    }
    out->len = i;
    out->p[i] = '\0';
}

void sp_sql_show_cell_text(sp_sql_sbuf *out, const char *s, size_t n, int truncate)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t from = out->len;
    int64_t units = 0;
    uint32_t cp;
    bool bad;
    for (size_t i = 0, len; i < n; i += len) {
        len = u8_next(u, n, i, &cp, &bad);
        const char *esc = escape_of(cp);
        if (esc)
            sp_sql_sbuf_put(out, esc, 2);
        else if (bad)
            sp_sql_sbuf_put(out, "\xEF\xBF\xBD", 3);
        else
            sp_sql_sbuf_put(out, s + i, len);
        units += esc ? 2 : cp > 0xFFFF ? 2 : 1;
    }
    if (truncate <= 0 || units <= truncate) return;
    if (truncate < 4) {
        cut(out, from, truncate);
    } else {
        cut(out, from, truncate - 3);
        sp_sql_sbuf_put(out, "...", 3);
    }
}
