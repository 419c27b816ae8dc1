/* parse_literal.c - literals: numbers with Spark's suffixes and range checks,
 * strings (escapes, adjacent literals concatenated), TRUE/FALSE/NULL, typed
 * literals (DATE '...', TIMESTAMP '...', X'...') and INTERVAL in its forms. */
#include "sql/parser_int.h"

#include <string.h>

static bool is_number(sp_sql_tk k) { return k >= TK_INT && k <= TK_BIGDEC; }

static bool typed_literal_word(const sp_parser *p)
{
    return CUR(p)->kind == TK_WORD && p->tok[1].kind == TK_STRING && !sp_p_reserved(p, CUR(p)) &&
           !sp_p_kw(p, 0, "INTERVAL");
}

bool sp_p_at_literal(const sp_parser *p)
{
    const sp_sql_token *t = CUR(p);
    if (is_number(t->kind) || t->kind == TK_STRING) return true;
    return sp_p_kw(p, 0, "TRUE") || sp_p_kw(p, 0, "FALSE") || sp_p_kw(p, 0, "NULL") ||
           typed_literal_word(p);
}

/* Appends code point cp as UTF-8. */
static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) return out[0] = (char)cp, 1;
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* One escape after a backslash at s[i] (Spark's unescapeSQLString); s[0..n)
 * is the body between the quotes. Returns the bytes of s consumed. */
static size_t unescape_one(const char *s, size_t n, size_t i, char *out, size_t *k)
{
    if (i + 5 < n && s[i + 1] == 'u') {
        int v = 0, ok = 1;
        for (int d = 2; d < 6; d++) {
            int h = hexval(s[i + d]);
            ok &= h >= 0;
            v = v * 16 + (h < 0 ? 0 : h);
        }
        if (ok) {
            *k += put_utf8(out + *k, (uint32_t)v);
            return 6;
        }
    }
    if (i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' && s[i + 2] <= '7' &&
        s[i + 3] >= '0' && s[i + 3] <= '7') {
        uint32_t v = (uint32_t)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
        *k += put_utf8(out + *k, v);
        return 4;
    }
    if (i + 1 >= n) return 1;
    char c = s[i + 1];
    switch (c) {
    case '0':
        out[(*k)++] = '\0';
        break;
    case 'b':
        out[(*k)++] = '\b';
        break;
    case 'n':
        out[(*k)++] = '\n';
        break;
    case 'r':
        out[(*k)++] = '\r';
        break;
    case 't':
        out[(*k)++] = '\t';
        break;
    case 'Z':
        out[(*k)++] = '\x1A';
        break;
    case '%':
    case '_':
        out[(*k)++] = '\\';
        out[(*k)++] = c;
        break;
    default:
        out[(*k)++] = c; /* \\ \' \" and any other character */
    }
    return 2;
}

/* Appends the value of string token t to buf (arena, room for t->len * 2). */
static size_t unescape(const sp_parser *p, const sp_sql_token *t, char *out)
{
    const char *s = p->text + t->off + (t->raw ? 2 : 1);
    size_t n = t->len - (t->raw ? 3 : 2), k = 0;
    for (size_t i = 0; i < n;) {
        if (!t->raw && s[i] == '\\') {
            i += unescape_one(s, n, i, out, &k);
        } else {
            out[k++] = s[i++];
        }
    }
    return k;
}

/* One string literal, or with concat a run of adjacent ones ('a' 'b' is
 * 'ab', as in Spark's constant rule). */
static sp_sql_node *string_node(sp_parser *p, bool concat)
{
    if (CUR(p)->kind != TK_STRING) sp_p_syntax_error(p, CUR(p), "");
    sp_sql_node *n = sp_p_node(p, SQL_LIT_STRING, CUR(p)->off);
    size_t total = 0;
    char *buf = NULL;
    do {
        char *nb = spate_arena_alloc(p->arena, total + (size_t)CUR(p)->len * 2 + 8);
        if (total) memcpy(nb, buf, total);
        buf = nb;
        total += unescape(p, CUR(p), buf + total);
        sp_p_advance(p);
    } while (concat && CUR(p)->kind == TK_STRING);
    buf[total] = '\0';
    n->str = buf;
    n->slen = (uint32_t)total;
    return sp_p_done(p, n);
}

sp_sql_node *sp_p_string(sp_parser *p) { return string_node(p, false); }

/* Spark's stringToDate: [+-]yyyy[yy][-[m]m[-[d]d]] then optionally ' ' or
 * 'T' and anything; the date must exist. */
static bool date_ok(const char *s, size_t n)
{
    while (n && (unsigned char)*s <= ' ')
        s++, n--;
    while (n && (unsigned char)s[n - 1] <= ' ')
        n--;
    long seg[3] = {0, 1, 1};
    int i = 0, digits = 0;
    long v = 0;
    size_t j = 0;
    if (j < n && (s[j] == '-' || s[j] == '+')) j++;
    for (; j < n && !(s[j] == ' ' || s[j] == 'T'); j++) {
        if (i < 2 && s[j] == '-') {
            if (!(i == 0 ? digits >= 4 && digits <= 6 : digits > 0 && digits <= 2)) return false;
            seg[i++] = v;
            v = digits = 0;
        } else if (s[j] >= '0' && s[j] <= '9') {
            if (++digits > 6) return false; /* no segment has more */
            v = v * 10 + (s[j] - '0');
        } else {
            return false;
        }
    }
    if (!(i == 0 ? digits >= 4 && digits <= 6 : digits > 0 && digits <= 2)) return false;
    if (i < 2 && j < n) return false;
    seg[i] = v;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (seg[1] < 1 || seg[1] > 12 || seg[2] < 1 || seg[2] > mdays[seg[1] - 1]) return false;
    long y = seg[0];
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(seg[1] == 2 && seg[2] == 29 && !leap);
}

static bool hex_ok(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        if (hexval(s[i]) < 0) return false;
    return true; /* an odd count has an implied leading 0: X'A' is 0x0A */
}

/* TYPE 'value': DATE, TIMESTAMP, TIMESTAMP_NTZ, TIMESTAMP_LTZ, X. */
static sp_sql_node *typed_literal(sp_parser *p)
{
    sp_sql_token w = *CUR(p);
    sp_sql_node *n = sp_p_node(p, SQL_LIT_TYPED, w.off);
    static const char *const types[] = {"DATE", "TIMESTAMP", "TIMESTAMP_NTZ", "TIMESTAMP_LTZ", "X"};
    int which = -1;
    for (int i = 0; i < 5; i++)
        if (sp_p_kw(p, 0, types[i])) which = i;
    if (which < 0) {
        char *shown = spate_arena_alloc(p->arena, w.len + 3);
        shown[0] = '"';
        for (uint32_t i = 0; i < w.len; i++) {
            char c = p->text[w.off + i];
            shown[i + 1] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
        }
        memcpy(shown + 1 + w.len, "\"", 2);
        sp_p_fail(p, w.off, "UNSUPPORTED_TYPED_LITERAL", "unsupportedType", shown, "supportedTypes",
                  "\"DATE\", \"TIMESTAMP_NTZ\", \"TIMESTAMP_LTZ\", \"TIMESTAMP\", \"INTERVAL\", "
                  "\"X\"",
                  NULL);
    }
    n->str = types[which]; /* upper-cased */
    sp_p_advance(p);
    n->a = string_node(p, true);
    const char *v = n->a->str;
    if ((which == 0 && !date_ok(v, n->a->slen)) || (which == 4 && !hex_ok(v))) {
        size_t len = strlen(v);
        char *val = spate_arena_alloc(p->arena, len + 3);
        val[0] = '\'';
        memcpy(val + 1, v, len);
        memcpy(val + 1 + len, "'", 2);
        sp_p_fail(p, w.off, "INVALID_TYPED_LITERAL", "valueType", which ? "\"X\"" : "\"DATE\"",
                  "value", val, NULL);
    }
    return sp_p_done(p, n);
}

/* Checks a suffixed integer literal's range, as Spark's numericLiteral. */
static void check_range(sp_parser *p, const sp_sql_node *n, uint32_t off)
{
    static const struct {
        sp_sql_kind kind;
        const char *type, *min, *max;
        unsigned long long limit; /* magnitude of max; min is -(limit + 1) */
    } ranges[] = {
        {SQL_LIT_TINYINT, "tinyint", "-128", "127", 127ULL},
        {SQL_LIT_SMALLINT, "smallint", "-32768", "32767", 32767ULL},
        {SQL_LIT_BIGINT, "bigint", "-9223372036854775808", "9223372036854775807",
         9223372036854775807ULL},
    };
    for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++) {
        if (ranges[r].kind != n->kind) continue;
        const char *d = n->str + (n->str[0] == '-');
        bool neg = n->str[0] == '-', over = false;
        unsigned long long v = 0;
        for (; *d && !over; d++) {
            over = v > (~0ULL - 9) / 10;
            v = v * 10 + (unsigned long long)(*d - '0');
        }
        if (over || v > ranges[r].limit + (neg ? 1 : 0))
            sp_p_fail(p, off, "INVALID_NUMERIC_LITERAL_RANGE", "rawStrippedQualifier", n->str,
                      "typeName", ranges[r].type, "minValue", ranges[r].min, "maxValue",
                      ranges[r].max, NULL);
    }
}

static sp_sql_node *number(sp_parser *p, bool negate, uint32_t minus_off)
{
    const sp_sql_token *t = CUR(p);
    sp_sql_kind kind = SQL_LIT_INT + (t->kind - TK_INT);
    uint32_t off = negate ? minus_off : t->off;
    sp_sql_node *n = sp_p_node(p, kind, off);
    uint32_t suffix = kind == SQL_LIT_BIGDEC ? 2
                      : (kind == SQL_LIT_INT || kind == SQL_LIT_DECIMAL || kind == SQL_LIT_EXPONENT)
                          ? 0
                          : 1;
    uint32_t len = t->len - suffix;
    char *s = spate_arena_alloc(p->arena, len + 2);
    size_t k = 0;
    if (negate) s[k++] = '-';
    memcpy(s + k, p->text + t->off, len);
    s[k + len] = '\0';
    n->str = s;
    sp_p_advance(p);
    check_range(p, n, off);
    return sp_p_done(p, n);
}

sp_sql_node *sp_p_literal(sp_parser *p, bool negate, uint32_t minus_off)
{
    const sp_sql_token *t = CUR(p);
    if (is_number(t->kind)) return number(p, negate, minus_off);
    if (t->kind == TK_STRING) return string_node(p, true);
    if (typed_literal_word(p)) return typed_literal(p);
    sp_sql_node *n = sp_p_node(p, SQL_LIT_NULL, t->off);
    if (!sp_p_kw(p, 0, "NULL")) {
        n->kind = SQL_LIT_BOOL;
        n->op = sp_p_kw(p, 0, "TRUE");
    }
    sp_p_advance(p);
    return sp_p_done(p, n);
}
