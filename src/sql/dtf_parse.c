/* dtf_parse.c - strict parsing with a compiled datetime pattern, as Spark
 * 3+'s parser (java.time, case-insensitive, STRICT resolver) with Spark's
 * defaults for missing fields (TimestampFormatter.toLocalDate/toLocalTime):
 * year 1970, month and day 1, hour from h/K/k/a, time 00:00:00. A zone or
 * offset in the text wins over the session zone. Any thread; allocates
 * nothing. */
#include "sql/dtf_int.h"

#include "base/errbuf.h"

#include <string.h>
#include <strings.h>

enum {
    F_YEAR,
    F_ERA,
    F_MONTH,
    F_DAY,
    F_DOY,
    F_HOUR,
    F_H12,
    F_K24,
    F_AMPM,
    F_MIN,
    F_SEC,
    F_NANO,
    NF
};

typedef struct pstate {
    size_t pos;
    bool has[NF];
    int64_t v[NF];
    const sp_tz *zone;
} pstate;

typedef struct pin {
    const sp_dtf *f;
    const char *s;
    size_t n;
    int reserve; /* digits the fixed-width fields after this one need */
} pin;

static bool digit(char c) { return c >= '0' && c <= '9'; }

/* Digits a run of fixed-width numeric ops after op i reserves (adjacent
 * value parsing: "yyyyMMdd"). */
static int reserved(const sp_dtf *f, int i)
{
    int r = 0;
    for (int k = i + 1; k < f->nops; k++) {
        const dtf_op *op = &f->ops[k];
        if (!op->letter || !strchr("MdHhKkmsD", op->letter) || op->count < 2) break;
        r += op->count;
    }
    return r;
}

static bool read_digits(const pin *in, pstate *st, int min, int max, int64_t *v)
{
    size_t p = st->pos;
    int avail = 0;
    while (p + avail < in->n && digit(in->s[p + avail]))
        avail++;
    if (avail - in->reserve >= min && avail - in->reserve < max) max = avail - in->reserve;
    int k = 0;
    int64_t x = 0;
    while (p < in->n && k < max && digit(in->s[p]))
        x = x * 10 + (in->s[p++] - '0'), k++;
    if (k < min) return false;
    st->pos = p;
    *v = x;
    return true;
}

static bool set(pstate *st, int field, int64_t v)
{
    if (st->has[field] && st->v[field] != v) return false;
    st->has[field] = true;
    st->v[field] = v;
    return true;
}

/* Case-insensitive match of one of names (full if count >= 4, else 3
 * letters); sets *idx. */
static bool read_name(const pin *in, pstate *st, const char *const *names, int nn, int count,
                      int *idx)
{
    for (int i = 0; i < nn; i++) {
        size_t len = count >= 4 ? strlen(names[i]) : 3;
        if (in->n - st->pos >= len && !strncasecmp(in->s + st->pos, names[i], len)) {
            st->pos += len, *idx = i;
            return true;
        }
    }
    return false;
}

static bool read_year(const pin *in, pstate *st, const dtf_op *op)
{
    int64_t v;
    int sign = 1;
    bool plus = false;
    if (op->count == 2) {
        if (!read_digits(in, st, 2, 2, &v)) return false;
        return set(st, F_YEAR, 2000 + v);
    }
    if (st->pos < in->n && (in->s[st->pos] == '-' || in->s[st->pos] == '+')) {
        plus = in->s[st->pos] == '+';
        if (plus && op->count < 4) return false;
        sign = in->s[st->pos++] == '-' ? -1 : 1;
    }
    int max = op->count > 10 ? op->count : 10;
    size_t at = st->pos;
    if (!read_digits(in, st, op->count < 3 ? 1 : op->count, max, &v)) return false;
    int k = (int)(st->pos - at);
    /* EXCEEDS_PAD, strict: more digits than letters need a sign */
    if (op->count >= 4 && k > op->count && !plus && sign == 1) return false;
    if (plus && k <= op->count) return false;
    return set(st, F_YEAR, sign * v);
}

/* An offset such as +08, +0800, +08:00, +08:00:00 or Z; false if none. */
static bool read_offset(const pin *in, pstate *st, bool z_ok)
{
    const char *s = in->s + st->pos;
    size_t r = in->n - st->pos, k = 0;
    if (z_ok && r > 0 && (s[0] == 'Z' || s[0] == 'z')) {
        st->pos++, st->zone = sp_tz_utc();
        return true;
    }
    if (r < 2 || (s[0] != '+' && s[0] != '-')) return false;
    k = 1;
    while (k < r && k < 9 && (digit(s[k]) || s[k] == ':'))
        k++;
    while (k > 1) {
        char id[16];
        memcpy(id, s, k);
        id[k] = '\0';
        int32_t off;
        if (sp_tz_parse_offset(id, k, &off) && (st->zone = sp_tz_get(id, NULL, 0))) {
            st->pos += k;
            return true;
        }
        k--;
    }
    return false;
}

/* A zone ID (V, z): the longest prefix that names a zone. */
static bool read_zone(const pin *in, pstate *st)
{
    const char *s = in->s + st->pos;
    size_t k = 0, r = in->n - st->pos;
    while (k < r && k < 63 &&
           ((s[k] && strchr("~/._+-:", s[k])) || digit(s[k]) ||
            ((s[k] | 32) >= 'a' && (s[k] | 32) <= 'z')))
        k++;
    for (; k > 0; k--) {
        char id[64];
        memcpy(id, s, k);
        id[k] = '\0';
        if ((st->zone = sp_tz_get(id, NULL, 0))) {
            st->pos += k;
            return true;
        }
    }
    return false;
}

static bool parse_field(const pin *in, pstate *st, const dtf_op *op)
{
    static const char *const ampm[2] = {"AM", "PM"}, *const era[2] = {"BC", "AD"};
    static const char *const era_full[2] = {"Before Christ", "Anno Domini"};
    int c = op->count, idx;
    int64_t v;
    int var_max = c == 1 ? 2 : c;
    switch (op->letter) {
    case 'y':
        return read_year(in, st, op);
    case 'G':
        if (!read_name(in, st, c >= 4 ? era_full : era, 2, 4, &idx)) return false;
        return set(st, F_ERA, idx);
    case 'M':
    case 'L':
        if (c >= 3) {
            if (!read_name(in, st, sp_dtf_months, 12, c, &idx)) return false;
            return set(st, F_MONTH, idx + 1);
        }
        return read_digits(in, st, c, var_max, &v) && set(st, F_MONTH, v);
    case 'd':
        return read_digits(in, st, c, var_max, &v) && set(st, F_DAY, v);
    case 'D':
        return read_digits(in, st, c, c == 1 ? 3 : 3, &v) && set(st, F_DOY, v);
    case 'H':
        return read_digits(in, st, c, var_max, &v) && v <= 23 && set(st, F_HOUR, v);
    case 'k':
        return read_digits(in, st, c, var_max, &v) && v >= 1 && v <= 24 && set(st, F_K24, v % 24);
    case 'h':
        return read_digits(in, st, c, var_max, &v) && v >= 1 && v <= 12 && set(st, F_H12, v % 12);
    case 'K':
        return read_digits(in, st, c, var_max, &v) && v <= 11 && set(st, F_H12, v);
    case 'm':
        return read_digits(in, st, c, var_max, &v) && v <= 59 && set(st, F_MIN, v);
    case 's':
        return read_digits(in, st, c, var_max, &v) && v <= 59 && set(st, F_SEC, v);
    case 'S': {
        size_t at = st->pos;
        if (!read_digits(in, st, 1, c, &v)) return false;
        for (size_t k = st->pos - at; k < 9; k++)
            v *= 10;
        return set(st, F_NANO, v);
    }
    case 'a':
        if (!read_name(in, st, ampm, 2, 4, &idx)) return false;
        return set(st, F_AMPM, idx);
    case 'V':
    case 'z':
        return read_zone(in, st);
    case 'O':
    case 'Z':
        if (in->n - st->pos >= 3 && !strncasecmp(in->s + st->pos, "GMT", 3)) {
            st->pos += 3;
            if (!read_offset(in, st, false)) st->zone = sp_tz_utc();
            return true;
        }
        return op->letter == 'Z' && read_offset(in, st, c == 5);
    default:
        return read_offset(in, st, op->letter == 'X');
    }
}

static bool parse_range(const pin *in, pstate *st, int from, int to)
{
    for (int i = from; i < to; i++) {
        const dtf_op *op = &in->f->ops[i];
        if (op->letter == DTF_OPT_BEGIN) {
            pstate save = *st;
            if (!parse_range(in, st, i + 1, op->jump)) *st = save;
            i = op->jump;
        } else if (op->letter == DTF_OPT_END) {
            continue;
        } else if (op->letter == DTF_LIT) {
            if (in->n - st->pos < op->lit_len ||
                strncasecmp(in->s + st->pos, in->f->text + op->lit_off, op->lit_len))
                return false;
            st->pos += op->lit_len;
        } else {
            pin sub = *in;
            sub.reserve = reserved(in->f, i);
            if (!parse_field(&sub, st, op)) return false;
        }
    }
    return true;
}

static bool fail(const pin *in, size_t at, const char *why, char *errstr, size_t size)
{
    sp_errf(errstr, size,
            "[CANNOT_PARSE_TIMESTAMP] Text '%.*s' could not be parsed%s%zu. Use `try_to_timestamp` "
            "to tolerate invalid input string and return NULL instead. SQLSTATE: 22007",
            (int)(in->n > 200 ? 200 : in->n), in->s, why, at);
    return false;
}

/* The local date and time of the parsed fields (Spark's defaults). */
static bool resolve(const pin *in, const pstate *st, int64_t *wall, char *errstr, size_t size)
{
    int64_t year = st->has[F_YEAR] ? st->v[F_YEAR] : 1970;
    if (in->f->has_era && st->has[F_ERA] && st->v[F_ERA] == 0) year = 1 - year;
    int64_t month = st->has[F_MONTH] ? st->v[F_MONTH] : 1, day = st->has[F_DAY] ? st->v[F_DAY] : 1;
    if (st->has[F_DOY]) {
        int64_t doy = st->v[F_DOY];
        if (doy < 1 || doy > (sp_sql_is_leap(year) ? 366 : 365))
            return fail(in, 0, ": Invalid day of year at index ", errstr, size);
        int64_t y;
        int m, d;
        sp_sql_civil_from_days(sp_sql_days_from_civil(year, 1, 1) + doy - 1, &y, &m, &d);
        if ((st->has[F_MONTH] && month != m) || (st->has[F_DAY] && day != d))
            return fail(in, 0, ": Conflict found: day of year and month/day, index ", errstr, size);
        month = m, day = d;
    }
    if (year < -290000 || year > 290000 || !sp_sql_valid_ymd(year, (int)month, (int)day))
        return fail(in, 0, ": Invalid date, index ", errstr, size);
    int64_t hour = 0;
    if (st->has[F_HOUR])
        hour = st->v[F_HOUR];
    else if (st->has[F_K24])
        hour = st->v[F_K24];
    else if (st->has[F_H12])
        hour = st->v[F_H12] + (st->has[F_AMPM] ? 12 * st->v[F_AMPM] : 0);
    else if (st->has[F_AMPM] && st->v[F_AMPM] == 1)
        hour = 12;
    if ((st->has[F_HOUR] && st->has[F_K24] && st->v[F_HOUR] != st->v[F_K24]) ||
        (st->has[F_HOUR] && st->has[F_H12] && st->v[F_HOUR] % 12 != st->v[F_H12]) ||
        (st->has[F_HOUR] && st->has[F_AMPM] && st->v[F_HOUR] / 12 != st->v[F_AMPM]))
        return fail(in, 0, ": Conflict found: hour fields, index ", errstr, size);
    sp_sql_dt_fields t = {(int32_t)year,
                          (int32_t)month,
                          (int32_t)day,
                          (int32_t)hour,
                          (int32_t)(st->has[F_MIN] ? st->v[F_MIN] : 0),
                          (int32_t)(st->has[F_SEC] ? st->v[F_SEC] : 0),
                          (int32_t)(st->has[F_NANO] ? st->v[F_NANO] / 1000 : 0),
                          0};
    return sp_sql_us_from_fields(&t, wall) || fail(in, 0, ": overflow, index ", errstr, size);
}

bool sp_dtf_parse(const sp_dtf *f, const char *s, size_t n, const sp_tz *tz, int64_t *us,
                  char *errstr, size_t errstr_size)
{
    pin in = {f, s, n, 0};
    pstate st;
    memset(&st, 0, sizeof st);
    if (!parse_range(&in, &st, 0, f->nops))
        return fail(&in, st.pos, " at index ", errstr, errstr_size);
    if (st.pos != n)
        return fail(&in, st.pos, ", unparsed text found at index ", errstr, errstr_size);
    int64_t wall;
    if (!resolve(&in, &st, &wall, errstr, errstr_size)) return false;
    if (!sp_tz_local_to_utc(st.zone ? st.zone : tz, wall, us))
        return fail(&in, 0, ": overflow, index ", errstr, errstr_size);
    return true;
}
