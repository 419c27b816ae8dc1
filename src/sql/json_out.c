/* json_out.c - the JSON writer of json_out.h, and the re-writer of embedded
 * JSON text (a source's offsets) in the writer's layout. Any thread, one
 * writer per thread. */
#include "sql/json_out.h"

#include "sql/java_num.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sp_sql_jout_init(sp_sql_jout *w, sp_sql_sbuf *b, bool pretty)
{
    memset(w, 0, sizeof *w);
    w->b = b;
    w->pretty = pretty;
}

static void newline_indent(sp_sql_jout *w)
{
    sp_sql_sbuf_put(w->b, "\n", 1);
    sp_sql_sbuf_fill(w->b, ' ', (size_t)w->objects * 2);
}

/* The separator before a value: inside an array ", " (pretty) or ","; the
 * first element gets " " (pretty). Inside an object the key wrote it. */
static void before_value(sp_sql_jout *w)
{
    if (w->depth == 0 || w->is_object[w->depth - 1]) return;
    int *n = &w->count[w->depth - 1];
    if (*n > 0) sp_sql_sbuf_put(w->b, ",", 1);
    if (w->pretty) sp_sql_sbuf_put(w->b, " ", 1);
    (*n)++;
}

static void open_container(sp_sql_jout *w, bool object)
{
    before_value(w);
    sp_sql_sbuf_put(w->b, object ? "{" : "[", 1);
    if (w->depth < SP_SQL_JOUT_MAX_DEPTH) {
        w->count[w->depth] = 0;
        w->is_object[w->depth] = object;
    }
    w->depth++;
    if (object) w->objects++;
}

void sp_sql_jout_begin_object(sp_sql_jout *w) { open_container(w, true); }

void sp_sql_jout_begin_array(sp_sql_jout *w) { open_container(w, false); }

void sp_sql_jout_end_object(sp_sql_jout *w)
{
    int n = w->count[w->depth - 1];
    w->depth--;
    w->objects--;
    if (w->pretty) {
        if (n > 0)
            newline_indent(w);
        else
            sp_sql_sbuf_put(w->b, " ", 1);
    }
    sp_sql_sbuf_put(w->b, "}", 1);
}

void sp_sql_jout_end_array(sp_sql_jout *w)
{
    w->depth--;
    sp_sql_sbuf_puts(w->b, w->pretty ? " ]" : "]");
}

static void put_escaped(sp_sql_sbuf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    sp_sql_sbuf_put(b, "\"", 1);
    size_t run = 0; /* bytes copied as they are, pending */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        sp_sql_sbuf_put(b, s + run, i - run);
        run = i + 1;
        char esc[7] = {'\\', 0};
        switch (c) {
        case '"':
            esc[1] = '"';
            break;
        case '\\':
            esc[1] = '\\';
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\t':
            esc[1] = 't';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
        }
        sp_sql_sbuf_puts(b, esc);
    }
    sp_sql_sbuf_put(b, s + run, n - run);
    sp_sql_sbuf_put(b, "\"", 1);
}

static void key_n(sp_sql_jout *w, const char *key, size_t n)
{
    int *count = &w->count[w->depth - 1];
    if (*count > 0) sp_sql_sbuf_put(w->b, ",", 1);
    (*count)++;
    if (w->pretty) newline_indent(w);
    put_escaped(w->b, key, n);
    sp_sql_sbuf_puts(w->b, w->pretty ? " : " : ":");
}

void sp_sql_jout_key(sp_sql_jout *w, const char *key) { key_n(w, key, strlen(key)); }

void sp_sql_jout_str_n(sp_sql_jout *w, const char *s, size_t n)
{
    before_value(w);
    put_escaped(w->b, s, n);
}

void sp_sql_jout_str(sp_sql_jout *w, const char *s)
{
    if (!s)
        sp_sql_jout_null(w);
    else
        sp_sql_jout_str_n(w, s, strlen(s));
}

void sp_sql_jout_null(sp_sql_jout *w)
{
    before_value(w);
    sp_sql_sbuf_puts(w->b, "null");
}

void sp_sql_jout_bool(sp_sql_jout *w, bool v)
{
    before_value(w);
    sp_sql_sbuf_puts(w->b, v ? "true" : "false");
}

void sp_sql_jout_i64(sp_sql_jout *w, int64_t v)
{
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%" PRId64, v);
    before_value(w);
    sp_sql_sbuf_put(w->b, buf, (size_t)n);
}

void sp_sql_jout_double(sp_sql_jout *w, double d)
{
    char buf[SP_SQL_JAVA_NUM_MAX];
    size_t n = sp_sql_java_double_str(d, buf);
    before_value(w);
    sp_sql_sbuf_put(w->b, buf, n);
}

/* ---- embedded JSON: parsed, then written in the writer's layout ---- */

typedef struct jparse {
    const char *s;
    size_t pos;
    sp_sql_jout *w;  /* NULL: checking only */
    sp_sql_sbuf str; /* a decoded string */
} jparse;

static void skip_ws(jparse *p)
{
    while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n' ||
           p->s[p->pos] == '\r')
        p->pos++;
}

static int hex4(const char *s)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

static void put_utf8(sp_sql_sbuf *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | cp >> 6);
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | cp >> 12);
        u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | cp >> 18);
        u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    sp_sql_sbuf_put(b, u, n);
}

/* \uXXXX at p->pos (its backslash); a surrogate pair as one code point. */
static bool unicode_escape(jparse *p)
{
    int hi = hex4(p->s + p->pos + 2);
    if (hi < 0) return false;
    p->pos += 6;
    uint32_t cp = (uint32_t)hi;
    if (hi >= 0xD800 && hi < 0xDC00 && p->s[p->pos] == '\\' && p->s[p->pos + 1] == 'u') {
        int lo = hex4(p->s + p->pos + 2);
        if (lo >= 0xDC00 && lo < 0xE000) {
            cp = 0x10000 + (((uint32_t)hi - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
            p->pos += 6;
        }
    }
    put_utf8(&p->str, cp);
    return true;
}

/* A string at p->pos (its '"'), decoded into p->str. */
static bool read_string(jparse *p)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    sp_sql_sbuf_clear(&p->str);
    p->pos++;
    for (;;) {
        unsigned char c = (unsigned char)p->s[p->pos];
        if (c == '"') break;
        if (c < 0x20) return false; /* the end of the text, or a raw control character */
        if (c != '\\') {
            sp_sql_sbuf_put(&p->str, p->s + p->pos++, 1);
            continue;
        }
        char e = p->s[p->pos + 1];
        const char *k = e ? strchr(from, e) : NULL;
        if (e == 'u') {
            if (!unicode_escape(p)) return false;
        } else if (k) {
            sp_sql_sbuf_put(&p->str, &to[k - from], 1);
            p->pos += 2;
        } else {
            return false;
        }
    }
    p->pos++;
    return true;
}

static size_t digits(const char *s)
{
    size_t n = 0;
    while (s[n] >= '0' && s[n] <= '9')
        n++;
    return n;
}

/* JSON's number grammar; an integer is written as it is (json4s keeps a
 * BigInt), any other number as the double it parses to. */
static bool number(jparse *p)
{
    const char *s = p->s + p->pos;
    size_t i = s[0] == '-', d = digits(s + i);
    if (d == 0 || (d > 1 && s[i] == '0')) return false;
    i += d;
    bool integral = true;
    if (s[i] == '.') {
        if ((d = digits(s + i + 1)) == 0) return false;
        i += 1 + d;
        integral = false;
    }
    if (s[i] == 'e' || s[i] == 'E') {
        size_t j = i + 1 + (s[i + 1] == '+' || s[i + 1] == '-');
        if ((d = digits(s + j)) == 0) return false;
        i = j + d;
        integral = false;
    }
    p->pos += i;
    if (!p->w) return true;
    if (!integral) {
        sp_sql_jout_double(p->w, strtod(s, NULL));
    } else if (i == 2 && s[0] == '-' && s[1] == '0') {
        sp_sql_jout_i64(p->w, 0);
    } else {
        before_value(p->w);
        sp_sql_sbuf_put(p->w->b, s, i);
    }
    return true;
}

static bool value(jparse *p, int depth);

/* An object or array at p->pos; members are "key": value (object) or
 * values (array). */
static bool container(jparse *p, bool object, int depth)
{
    if (depth >= SP_SQL_JOUT_MAX_DEPTH - 16) return false;
    if (p->w) open_container(p->w, object);
    p->pos++;
    skip_ws(p);
    if (p->s[p->pos] != (object ? '}' : ']')) {
        for (;;) {
            skip_ws(p);
            if (object) {
                if (p->s[p->pos] != '"' || !read_string(p)) return false;
                if (p->w) key_n(p->w, p->str.p ? p->str.p : "", p->str.len);
                skip_ws(p);
                if (p->s[p->pos++] != ':') return false;
            }
            if (!value(p, depth + 1)) return false;
            skip_ws(p);
            if (p->s[p->pos] != ',') break;
            p->pos++;
        }
        if (p->s[p->pos] != (object ? '}' : ']')) return false;
    }
    p->pos++;
    if (p->w) (object ? sp_sql_jout_end_object : sp_sql_jout_end_array)(p->w);
    return true;
}

static bool literal(jparse *p, const char *word)
{
    size_t n = strlen(word);
    if (strncmp(p->s + p->pos, word, n) != 0) return false;
    p->pos += n;
    if (!p->w) return true;
    if (word[0] == 'n')
        sp_sql_jout_null(p->w);
    else
        sp_sql_jout_bool(p->w, word[0] == 't');
    return true;
}

static bool value(jparse *p, int depth)
{
    skip_ws(p);
    char c = p->s[p->pos];
    if (c == '{' || c == '[') return container(p, c == '{', depth);
    if (c == '"') {
        if (!read_string(p)) return false;
        if (p->w) sp_sql_jout_str_n(p->w, p->str.p ? p->str.p : "", p->str.len);
        return true;
    }
    if (c == 't') return literal(p, "true");
    if (c == 'f') return literal(p, "false");
    if (c == 'n') return literal(p, "null");
    return number(p);
}

/* One pass over text at nesting depth; w NULL checks only. */
static bool json_pass(const char *text, sp_sql_jout *w, int depth)
{
    jparse p = {text, 0, w, {0}};
    bool ok = value(&p, depth);
    skip_ws(&p);
    ok = ok && p.s[p.pos] == '\0';
    sp_sql_sbuf_free(&p.str);
    return ok;
}

bool sp_sql_jout_json(sp_sql_jout *w, const char *text)
{
    if (!text || !json_pass(text, NULL, w->depth)) return false;
    json_pass(text, w, w->depth);
    return true;
}
