/* functions.c - the built-in callbacks of include/spate/functions.h.
 *
 * Numbers: i64 with i64 stays i64 and wraps like the JVM's Long (computed in
 * unsigned arithmetic, so no undefined behaviour); an f64 operand makes the
 * result f64. min/max of a NaN is NaN, as Java's Math.min/max. Values of other
 * types fail the task with a message naming the function and the types.
 *
 * The splitting flatMaps borrow slices of the input string: no copying. */
#include <spate/functions.h>

#include <math.h>
#include <stdint.h>

static const char *type_name(uint8_t t)
{
    static const char *const names[] = {"null",      "Boolean", "Long", "Double", "String", "Bytes",
                                        "Timestamp", "Tuple",   "List", "Array",  "Some",   "None"};
    return t < sizeof names / sizeof names[0] ? names[t] : "unknown";
}

static bool numbers(spate_task *t, const char *fn, spate_value a, spate_value b)
{
    bool ok = (a.type == SPATE_I64 || a.type == SPATE_F64) &&
              (b.type == SPATE_I64 || b.type == SPATE_F64);
    if (!ok)
        spate_task_fail(t, "%s: expected numbers (Long or Double), got %s and %s", fn,
                        type_name(a.type), type_name(b.type));
    return ok;
}

spate_value spate_fn_sum(spate_task *t, spate_value a, spate_value b, void *ud)
{
    (void)ud;
    if (!numbers(t, "spate_fn_sum", a, b)) return spate_null();
    if (a.type == SPATE_I64 && b.type == SPATE_I64)
        return spate_i64((int64_t)((uint64_t)a.u.i + (uint64_t)b.u.i));
    return spate_f64(spate_as_f64(a) + spate_as_f64(b));
}

spate_value spate_fn_subtract(spate_task *t, spate_value a, spate_value b, void *ud)
{
    (void)ud;
    if (!numbers(t, "spate_fn_subtract", a, b)) return spate_null();
    if (a.type == SPATE_I64 && b.type == SPATE_I64)
        return spate_i64((int64_t)((uint64_t)a.u.i - (uint64_t)b.u.i));
    return spate_f64(spate_as_f64(a) - spate_as_f64(b));
}

/* want_min: Math.min, else Math.max (NaN wins, -0.0 < 0.0). */
static spate_value min_max(spate_task *t, const char *fn, spate_value a, spate_value b,
                           bool want_min)
{
    if (!numbers(t, fn, a, b)) return spate_null();
    if (a.type == SPATE_I64 && b.type == SPATE_I64) return (a.u.i < b.u.i) == want_min ? a : b;
    double x = spate_as_f64(a), y = spate_as_f64(b);
    if (isnan(x) || isnan(y)) return spate_f64(NAN);
    if (x == y) /* only the sign of zero can differ */
        return spate_f64(signbit(x) == want_min ? x : y);
    return spate_f64((x < y) == want_min ? x : y);
}

spate_value spate_fn_min(spate_task *t, spate_value a, spate_value b, void *ud)
{
    (void)ud;
    return min_max(t, "spate_fn_min", a, b, true);
}

spate_value spate_fn_max(spate_task *t, spate_value a, spate_value b, void *ud)
{
    (void)ud;
    return min_max(t, "spate_fn_max", a, b, false);
}

spate_value spate_fn_identity(spate_task *t, spate_value v, void *ud)
{
    (void)t, (void)ud;
    return v;
}

spate_value spate_fn_pair_with_one(spate_task *t, spate_value v, void *ud)
{
    (void)ud;
    return spate_tuple2(spate_task_arena(t), v, spate_i64(1));
}

static bool is_pair(spate_task *t, const char *fn, spate_value v)
{
    if (v.type == SPATE_TUPLE && v.len == 2) return true;
    spate_task_fail(t, "%s: expected a pair (k, v), got a %s", fn, type_name(v.type));
    return false;
}

spate_value spate_fn_key(spate_task *t, spate_value v, void *ud)
{
    (void)ud;
    return is_pair(t, "spate_fn_key", v) ? v.u.items[0] : spate_null();
}

spate_value spate_fn_value(spate_task *t, spate_value v, void *ud)
{
    (void)ud;
    return is_pair(t, "spate_fn_value", v) ? v.u.items[1] : spate_null();
}

spate_value spate_fn_swap(spate_task *t, spate_value v, void *ud)
{
    (void)ud;
    if (!is_pair(t, "spate_fn_swap", v)) return spate_null();
    return spate_tuple2(spate_task_arena(t), v.u.items[1], v.u.items[0]);
}

spate_value spate_fn_to_string(spate_task *t, spate_value v, void *ud)
{
    (void)ud;
    if (v.type == SPATE_STR) return v;
    size_t n;
    const char *s = spate_value_to_cstr(spate_task_arena(t), v, &n);
    return spate_str(s, n);
}

spate_value spate_fn_one(spate_task *t, spate_value v, void *ud)
{
    (void)t, (void)v, (void)ud;
    return spate_i64(1);
}

static bool is_string(spate_task *t, const char *fn, spate_value v)
{
    if (v.type == SPATE_STR) return true;
    spate_task_fail(t, "%s: expected a String, got a %s", fn, type_name(v.type));
    return false;
}

/* Java's s.split(" "): a regex split that keeps empty pieces (also a leading
 * one) but drops trailing empty pieces; "" gives [""], " " gives []. */
void spate_fn_split_words(spate_task *t, spate_value v, spate_sink *out, void *ud)
{
    (void)ud;
    if (!is_string(t, "spate_fn_split_words", v)) return;
    const char *s = v.u.s;
    size_t n = v.len;
    if (n == 0) {
        spate_sink_push(out, v);
        return;
    }
    while (n > 0 && s[n - 1] == ' ')
        n--; /* trailing empty pieces */
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != ' ') continue;
        spate_sink_push(out, spate_str(s + start, i - start));
        start = i + 1;
    }
    if (start < n) spate_sink_push(out, spate_str(s + start, n - start));
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

void spate_fn_split_whitespace(spate_task *t, spate_value v, spate_sink *out, void *ud)
{
    (void)ud;
    if (!is_string(t, "spate_fn_split_whitespace", v)) return;
    const char *s = v.u.s;
    size_t i = 0, n = v.len;
    while (i < n) {
        while (i < n && is_blank(s[i]))
            i++;
        size_t start = i;
        while (i < n && !is_blank(s[i]))
            i++;
        if (i > start) spate_sink_push(out, spate_str(s + start, i - start));
    }
}

void spate_fn_flatten(spate_task *t, spate_value v, spate_sink *out, void *ud)
{
    (void)ud;
    switch (v.type) {
    case SPATE_LIST:
    case SPATE_ARRAY:
    case SPATE_TUPLE:
        for (uint32_t i = 0; i < v.len; i++)
            spate_sink_push(out, v.u.items[i]);
        break;
    case SPATE_SOME:
        spate_sink_push(out, v.u.items[0]);
        break;
    case SPATE_NONE:
        break;
    default:
        spate_task_fail(t, "spate_fn_flatten: expected a List, Array, tuple or Option, got a %s",
                        type_name(v.type));
    }
}

bool spate_fn_non_empty(spate_task *t, spate_value v, void *ud)
{
    (void)t, (void)ud;
    return v.type == SPATE_STR && v.len > 0;
}
