/* dtf_format.c - formats an instant with a compiled datetime pattern as
 * java.time's DateTimeFormatter does in Spark (English names, proleptic
 * years with 'y' mapped to 'u' unless 'G' is present, fractions truncated).
 * Any thread; writes only into the caller's buffer. */
#include "sql/dtf_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct out {
    char *p;
    size_t len, cap;
} out;

static void put(out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++, o->len++)
        if (o->cap && o->len < o->cap - 1) o->p[o->len] = s[i];
}
static void puts_(out *o, const char *s) { put(o, s, strlen(s)); }

/* v with at least width digits; a '-' for negatives, and a '+' when
 * plus_if_wider and the value needs more digits than width. */
static void put_num(out *o, int64_t v, int width, bool plus_if_wider)
{
    char buf[32];
    unsigned long long a = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    int k = snprintf(buf, sizeof buf, "%0*llu", width, a);
    if (v < 0)
        put(o, "-", 1);
    else if (plus_if_wider && k > width)
        put(o, "+", 1);
    put(o, buf, (size_t)k);
}

static void put_year(out *o, const dtf_op *op, int64_t year, bool era)
{
    if (era && year <= 0) year = 1 - year; /* year-of-era */
    if (op->count == 2)
        put_num(o, sp_sql_floormod(year, 100), 2, false);
    else
        put_num(o, year, op->count, op->count >= 4);
}

static void put_text(out *o, const char *full, int count)
{
    put(o, full, count >= 4 ? strlen(full) : 3);
}

/* Offsets: X, x, Z, O (java.time's appendOffset / appendLocalizedOffset). */
static void put_offset(out *o, char letter, int count, int32_t off)
{
    int a = abs(off), h = a / 3600, m = a / 60 % 60, s = a % 60;
    char buf[32];
    const char *sign = off < 0 ? "-" : "+";
    if (letter == 'O' || (letter == 'Z' && count == 4)) {
        if (off == 0) return puts_(o, "GMT");
        if (count == 1) {
            snprintf(buf, sizeof buf, "GMT%s%d", sign, h);
            puts_(o, buf);
            if (m || s) snprintf(buf, sizeof buf, ":%02d", m), puts_(o, buf);
        } else {
            snprintf(buf, sizeof buf, "GMT%s%02d:%02d", sign, h, m);
            puts_(o, buf);
        }
        if (s) snprintf(buf, sizeof buf, ":%02d", s), puts_(o, buf);
        return;
    }
    if (letter == 'Z') count = count <= 3 ? 2 : 5;
    if (off == 0 && (letter == 'X' || (letter == 'Z' && count == 5))) return puts_(o, "Z");
    bool colon = count == 3 || count == 5;
    if (count == 1)
        snprintf(buf, sizeof buf, "%s%02d", sign, h);
    else
        snprintf(buf, sizeof buf, "%s%02d%s%02d", sign, h, colon ? ":" : "", m);
    puts_(o, buf);
    if (count == 1 && m) snprintf(buf, sizeof buf, "%02d", m), puts_(o, buf);
    if (count >= 4 && s) snprintf(buf, sizeof buf, "%s%02d", colon ? ":" : "", s), puts_(o, buf);
}

static void put_field(out *o, const sp_dtf *f, const dtf_op *op, const sp_sql_dt_fields *t,
                      int64_t days, const sp_tz *tz, int64_t utc_s)
{
    int c = op->count, hour12 = t->hour % 12;
    switch (op->letter) {
    case 'G':
        return puts_(o, t->year > 0 ? (c >= 4 ? "Anno Domini" : "AD")
                                    : (c >= 4 ? "Before Christ" : "BC"));
    case 'y':
        return put_year(o, op, t->year, f->has_era);
    case 'M':
    case 'L':
        if (c >= 3) return put_text(o, sp_dtf_months[t->month - 1], c);
        return put_num(o, t->month, c, false);
    case 'd':
        return put_num(o, t->day, c, false);
    case 'D':
        return put_num(o, sp_sql_day_of_year(days), c, false);
    case 'Q': {
        int q = (t->month - 1) / 3 + 1;
        static const char *const nth[4] = {"1st", "2nd", "3rd", "4th"};
        if (c == 3) return put(o, "Q", 1), put_num(o, q, 1, false);
        if (c == 4) return puts_(o, nth[q - 1]), puts_(o, " quarter");
        return put_num(o, q, c, false);
    }
    case 'E':
        return put_text(o, sp_dtf_days[sp_sql_iso_dow(days) - 1], c);
    case 'F':
        return put_num(o, (t->day - 1) % 7 + 1, c, false);
    case 'a':
        return puts_(o, t->hour < 12 ? "AM" : "PM");
    case 'h':
        return put_num(o, hour12 ? hour12 : 12, c, false);
    case 'K':
        return put_num(o, hour12, c, false);
    case 'k':
        return put_num(o, t->hour ? t->hour : 24, c, false);
    case 'H':
        return put_num(o, t->hour, c, false);
    case 'm':
        return put_num(o, t->minute, c, false);
    case 's':
        return put_num(o, t->second, c, false);
    case 'S': {
        char buf[16];
        snprintf(buf, sizeof buf, "%06d000", t->micros);
        return put(o, buf, c);
    }
    case 'V':
        return puts_(o, sp_tz_id(tz));
    case 'z':
        return puts_(o, sp_tz_is_fixed(tz, NULL) ? sp_tz_id(tz) : sp_tz_abbrev_at(tz, utc_s));
    default:
        return put_offset(o, op->letter, c, t->offset_s);
    }
}

size_t sp_dtf_format(const sp_dtf *f, int64_t us, const sp_tz *tz, char *buf, size_t cap)
{
    out o = {buf, 0, cap};
    sp_sql_dt_fields t;
    sp_tz_utc_to_local(tz, us, &t);
    int64_t days = sp_sql_days_from_civil(t.year, t.month, t.day);
    int64_t utc_s = sp_sql_floordiv(us, SP_SQL_US_PER_SEC);
    for (int i = 0; i < f->nops; i++) {
        const dtf_op *op = &f->ops[i];
        if (op->letter == DTF_LIT)
            put(&o, f->text + op->lit_off, op->lit_len);
        else if (op->letter != DTF_OPT_BEGIN && op->letter != DTF_OPT_END)
            put_field(&o, f, op, &t, days, tz, utc_s);
    }
    if (cap) buf[o.len < cap ? o.len : cap - 1] = '\0';
    return o.len < cap ? o.len : (cap ? cap - 1 : 0);
}
