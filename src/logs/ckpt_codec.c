/* ckpt_codec.c - the typed records of checkpoint bodies: varints, strings and
 * spate_values, written into a growable buffer and read back with bounds
 * checks (a damaged body makes the reader fail, never read out of bounds). */
#include "logs/ckpt_io.h"

#include "base/arena.h"

#include <stdlib.h>
#include <string.h>

/* Nesting deeper than this is treated as damage (values are never this deep
 * in practice; the limit keeps a corrupt body from exhausting the stack). */
enum { MAX_VALUE_DEPTH = 64 };

void sp_ckpt_out_init(sp_ckpt_out *w) { *w = (sp_ckpt_out){0}; }

void sp_ckpt_out_free(sp_ckpt_out *w)
{
    free(w->buf);
    *w = (sp_ckpt_out){0};
}

static char *reserve(sp_ckpt_out *w, size_t n)
{
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 256;
        while (cap < w->len + n)
            cap *= 2;
        w->buf = sp_xrealloc(w->buf, cap);
        w->cap = cap;
    }
    char *p = w->buf + w->len;
    w->len += n;
    return p;
}

void sp_ckpt_put_u8(sp_ckpt_out *w, uint8_t v) { *reserve(w, 1) = (char)v; }

void sp_ckpt_put_u64(sp_ckpt_out *w, uint64_t v)
{
    uint8_t tmp[10];
    size_t n = 0;
    while (v >= 0x80) {
        tmp[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    tmp[n++] = (uint8_t)v;
    memcpy(reserve(w, n), tmp, n);
}

void sp_ckpt_put_i64(sp_ckpt_out *w, int64_t v)
{
    sp_ckpt_put_u64(w, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

void sp_ckpt_put_bytes(sp_ckpt_out *w, const void *p, size_t n)
{
    sp_ckpt_put_u64(w, n);
    if (n) memcpy(reserve(w, n), p, n);
}

void sp_ckpt_put_str(sp_ckpt_out *w, const char *s) { sp_ckpt_put_bytes(w, s, s ? strlen(s) : 0); }

void sp_ckpt_put_value(sp_ckpt_out *w, spate_value v)
{
    sp_ckpt_put_u8(w, v.type);
    switch ((spate_type)v.type) {
    case SPATE_NULL:
    case SPATE_NONE:
        return;
    case SPATE_BOOL:
        sp_ckpt_put_u8(w, v.u.b ? 1 : 0);
        return;
    case SPATE_I64:
    case SPATE_TIMESTAMP:
        sp_ckpt_put_i64(w, v.u.i);
        return;
    case SPATE_F64:
        memcpy(reserve(w, sizeof v.u.f), &v.u.f, sizeof v.u.f);
        return;
    case SPATE_STR:
    case SPATE_BYTES:
        sp_ckpt_put_bytes(w, v.u.s, v.len);
        return;
    case SPATE_SOME:
        sp_ckpt_put_value(w, v.u.items[0]);
        return;
    case SPATE_TUPLE:
    case SPATE_LIST:
    case SPATE_ARRAY:
        sp_ckpt_put_u64(w, v.len);
        for (uint32_t i = 0; i < v.len; i++)
            sp_ckpt_put_value(w, v.u.items[i]);
        return;
    }
}

void sp_ckpt_in_init(sp_ckpt_in *in, const void *buf, size_t len)
{
    *in = (sp_ckpt_in){.buf = (char *)buf, .len = len};
}

void sp_ckpt_in_free(sp_ckpt_in *in)
{
    free(in->buf);
    in->buf = NULL;
    in->len = in->pos = 0;
}

static bool fail(sp_ckpt_in *in)
{
    in->bad = true;
    return false;
}

static const char *take(sp_ckpt_in *in, size_t n)
{
    if (in->bad || n > in->len - in->pos) {
        in->bad = true;
        return NULL;
    }
    const char *p = in->buf + in->pos;
    in->pos += n;
    return p;
}

bool sp_ckpt_get_u8(sp_ckpt_in *in, uint8_t *v)
{
    const char *p = take(in, 1);
    if (!p) return false;
    *v = (uint8_t)*p;
    return true;
}

bool sp_ckpt_get_u64(sp_ckpt_in *in, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        uint8_t b;
        if (!sp_ckpt_get_u8(in, &b)) return false;
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return true;
        }
    }
    return fail(in);
}

bool sp_ckpt_get_i64(sp_ckpt_in *in, int64_t *v)
{
    uint64_t z;
    if (!sp_ckpt_get_u64(in, &z)) return false;
    *v = (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
    return true;
}

bool sp_ckpt_get_bytes(sp_ckpt_in *in, const void **p, size_t *n)
{
    uint64_t len;
    if (!sp_ckpt_get_u64(in, &len)) return false;
    if (len > in->len - in->pos) return fail(in);
    *p = take(in, (size_t)len);
    *n = (size_t)len;
    return *p != NULL;
}

char *sp_ckpt_get_name(sp_ckpt_in *in, size_t max_len, const char *forbidden)
{
    const void *p;
    size_t n;
    if (!sp_ckpt_get_bytes(in, &p, &n) || n == 0 || n > max_len || memchr(p, '\0', n))
        return in->bad = true, NULL;
    for (const char *f = forbidden; *f; f++)
        if (memchr(p, *f, n)) return in->bad = true, NULL;
    char *name = sp_xmalloc(n + 1);
    memcpy(name, p, n);
    name[n] = '\0';
    return name;
}

bool sp_ckpt_get_str(sp_ckpt_in *in, spate_arena *a, const char **s)
{
    const void *p;
    size_t n;
    if (!sp_ckpt_get_bytes(in, &p, &n)) return false;
    char *copy = spate_arena_alloc(a, n + 1);
    memcpy(copy, p, n);
    copy[n] = '\0';
    *s = copy;
    return true;
}

static bool get_value(sp_ckpt_in *in, spate_arena *a, spate_value *v, int depth);

static bool get_items(sp_ckpt_in *in, spate_arena *a, spate_value *v, spate_type type, int depth)
{
    uint64_t n;
    if (!sp_ckpt_get_u64(in, &n)) return false;
    /* Each element takes at least one byte: a larger count is damage. */
    if (n > in->len - in->pos || n > UINT32_MAX) return fail(in);
    spate_value *items = spate_arena_alloc(a, sizeof *items * (size_t)(n ? n : 1));
    for (uint64_t i = 0; i < n; i++)
        if (!get_value(in, a, &items[i], depth + 1)) return false;
    *v = (spate_value){.type = (uint8_t)type, .len = (uint32_t)n, .u.items = items};
    return true;
}

static bool get_scalar(sp_ckpt_in *in, spate_value *v, spate_type type)
{
    uint8_t b;
    const char *p;
    switch (type) {
    case SPATE_BOOL:
        if (!sp_ckpt_get_u8(in, &b) || b > 1) return fail(in);
        *v = spate_bool(b);
        return true;
    case SPATE_I64:
    case SPATE_TIMESTAMP:
        *v = (spate_value){.type = (uint8_t)type};
        return sp_ckpt_get_i64(in, &v->u.i);
    case SPATE_F64:
        if (!(p = take(in, sizeof(double)))) return false;
        *v = (spate_value){.type = SPATE_F64};
        memcpy(&v->u.f, p, sizeof(double));
        return true;
    default:
        return fail(in);
    }
}

static bool get_value(sp_ckpt_in *in, spate_arena *a, spate_value *v, int depth)
{
    uint8_t type;
    if (depth > MAX_VALUE_DEPTH || !sp_ckpt_get_u8(in, &type)) return fail(in);
    const void *p;
    size_t n;
    switch ((spate_type)type) {
    case SPATE_NULL:
        *v = spate_null();
        return true;
    case SPATE_NONE:
        *v = spate_none();
        return true;
    case SPATE_STR:
    case SPATE_BYTES:
        if (!sp_ckpt_get_bytes(in, &p, &n) || n > UINT32_MAX) return fail(in);
        *v = type == SPATE_STR ? spate_str_copy(a, p, n) : spate_bytes_copy(a, p, n);
        return true;
    case SPATE_SOME: {
        spate_value inner;
        if (!get_value(in, a, &inner, depth + 1)) return false;
        *v = spate_some(a, inner);
        return true;
    }
    case SPATE_TUPLE:
    case SPATE_LIST:
    case SPATE_ARRAY:
        return get_items(in, a, v, (spate_type)type, depth);
    default:
        return get_scalar(in, v, (spate_type)type);
    }
}

bool sp_ckpt_get_value(sp_ckpt_in *in, spate_arena *a, spate_value *v)
{
    return get_value(in, a, v, 0);
}

bool sp_ckpt_in_done(const sp_ckpt_in *in) { return !in->bad && in->pos == in->len; }
