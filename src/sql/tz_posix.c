/* tz_posix.c - the POSIX TZ rule of a TZif footer (RFC 8536 section 3.3):
 * parsing "STDoffset[DST[offset][,start[/time],end[/time]]]" and the offset it
 * gives at an instant after the zone's last listed transition. Pure
 * functions: any thread may call them. */
#include "sql/tz_int.h"

#include <string.h>

typedef struct cur {
    const char *p, *end;
} cur;

static bool peek(const cur *c, char ch) { return c->p < c->end && *c->p == ch; }
static bool is_digit(const cur *c) { return c->p < c->end && *c->p >= '0' && *c->p <= '9'; }

static bool read_num(cur *c, int max, int *out)
{
    if (!is_digit(c)) return false;
    int v = 0;
    while (is_digit(c)) {
        v = v * 10 + (*c->p++ - '0');
        if (v > max) return false;
    }
    *out = v;
    return true;
}

/* std or dst name: alphabetic, or <...> quoted with +, - and digits. */
static bool read_name(cur *c, char out[16])
{
    size_t n = 0;
    if (peek(c, '<')) {
        c->p++;
        while (c->p < c->end && *c->p != '>') {
            if (n >= 15) return false;
            out[n++] = *c->p++;
        }
        if (!peek(c, '>')) return false;
        c->p++;
    } else {
        while (c->p < c->end &&
               ((*c->p >= 'A' && *c->p <= 'Z') || (*c->p >= 'a' && *c->p <= 'z'))) {
            if (n >= 15) return false;
            out[n++] = *c->p++;
        }
    }
    out[n] = '\0';
    return n >= 3;
}

/* [+-]hh[:mm[:ss]], hours up to 167 (RFC 8536 extension). */
static bool read_hms(cur *c, int32_t *secs)
{
    int sign = 1, h, m = 0, s = 0;
    if (peek(c, '+') || peek(c, '-')) sign = *c->p++ == '-' ? -1 : 1;
    if (!read_num(c, 167, &h)) return false;
    if (peek(c, ':')) {
        c->p++;
        if (!read_num(c, 59, &m)) return false;
        if (peek(c, ':')) {
            c->p++;
            if (!read_num(c, 59, &s)) return false;
        }
    }
    *secs = sign * (h * 3600 + m * 60 + s);
    return true;
}

static bool read_date_rule(cur *c, sp_tz_date_rule *d)
{
    d->time_s = 7200;
    if (peek(c, 'J')) {
        c->p++;
        d->kind = 'J';
        if (!read_num(c, 365, &d->d) || d->d < 1) return false;
    } else if (peek(c, 'M')) {
        c->p++;
        d->kind = 'M';
        if (!read_num(c, 12, &d->m) || d->m < 1 || !peek(c, '.')) return false;
        c->p++;
        if (!read_num(c, 5, &d->w) || d->w < 1 || !peek(c, '.')) return false;
        c->p++;
        if (!read_num(c, 6, &d->d)) return false;
    } else {
        d->kind = 'n';
        if (!read_num(c, 365, &d->d)) return false;
    }
    if (peek(c, '/')) {
        c->p++;
        if (!read_hms(c, &d->time_s)) return false;
    }
    return true;
}

bool sp_tz_rule_parse(const char *s, size_t n, sp_tz_rule *r)
{
    cur c = {s, s + n};
    int32_t off;
    memset(r, 0, sizeof *r);
    if (!read_name(&c, r->std_abbr) || !read_hms(&c, &off)) return false;
    r->std_off = -off; /* POSIX offsets count west of UTC */
    if (c.p == c.end) return r->valid = true;
    if (!read_name(&c, r->dst_abbr)) return false;
    r->has_dst = true;
    r->dst_off = r->std_off + 3600;
    if (!peek(&c, ',')) {
        if (!read_hms(&c, &off)) return false;
        r->dst_off = -off;
    }
    /* A DST name without dates: POSIX leaves it implementation-defined;
     * TZif footers always carry the dates, so treat it as malformed. */
    if (!peek(&c, ',')) return false;
    c.p++;
    if (!read_date_rule(&c, &r->start) || !peek(&c, ',')) return false;
    c.p++;
    if (!read_date_rule(&c, &r->end) || c.p != c.end) return false;
    return r->valid = true;
}

/* Local seconds (of the wall clock the rule's time is in) of a rule's date in
 * year y. */
static int64_t rule_local(const sp_tz_date_rule *d, int64_t y)
{
    int64_t jan1 = sp_sql_days_from_civil(y, 1, 1), day;
    if (d->kind == 'J') {
        day = jan1 + d->d - 1;
        if (sp_sql_is_leap(y) && d->d >= 60) day++; /* Feb 29 is never counted */
    } else if (d->kind == 'n') {
        day = jan1 + d->d;
    } else {
        int64_t first = sp_sql_days_from_civil(y, d->m, 1);
        int dow0 = sp_sql_iso_dow(first) % 7; /* 0 = Sunday */
        day = first + (d->d - dow0 + 7) % 7 + (int64_t)(d->w - 1) * 7;
        int64_t next = first + sp_sql_days_in_month(y, d->m);
        while (day >= next)
            day -= 7; /* week 5 = the last such day */
    }
    return day * SP_SQL_SEC_PER_DAY + d->time_s;
}

int32_t sp_tz_rule_offset(const sp_tz_rule *r, int64_t utc_s, const char **abbr)
{
    bool dst = false;
    if (r->has_dst) {
        int64_t y;
        int m, d;
        sp_sql_civil_from_days(sp_sql_floordiv(utc_s + r->std_off, SP_SQL_SEC_PER_DAY), &y, &m, &d);
        int64_t start = rule_local(&r->start, y) - r->std_off;
        int64_t end = rule_local(&r->end, y) - r->dst_off;
        if (start < end)
            dst = utc_s >= start && utc_s < end;
        else
            dst = !(utc_s >= end && utc_s < start);
    }
    if (abbr) *abbr = dst ? r->dst_abbr : r->std_abbr;
    return dst ? r->dst_off : r->std_off;
}
