/* tz.c - conversions between UTC instants and local wall time in a zone
 * (see tz.h): the offset at an instant from the transition table or the
 * footer rule, and java.time's gap/overlap rules for local -> UTC. A zone is
 * immutable: any thread may call these. */
#include "sql/tz_int.h"

#include "base/arena.h"

#include <stdio.h>
#include <stdlib.h>

sp_tz *sp_tz_new_fixed(const char *id, int32_t off)
{
    sp_tz *tz = sp_xcalloc(1, sizeof *tz);
    tz->id = sp_xstrdup(id);
    tz->fixed = true;
    tz->fixed_off = off;
    return tz;
}

const char *sp_tz_id(const sp_tz *tz) { return tz->id; }

bool sp_tz_is_fixed(const sp_tz *tz, int32_t *off_s)
{
    if (tz->fixed && off_s) *off_s = tz->fixed_off;
    return tz->fixed;
}

/* Index of the last transition at or before utc_s, or -1. */
static int find_trans(const sp_tz *tz, int64_t utc_s)
{
    int lo = 0, hi = tz->ntrans - 1, ans = -1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (tz->trans[mid] <= utc_s)
            ans = mid, lo = mid + 1;
        else
            hi = mid - 1;
    }
    return ans;
}

static int32_t offset_abbr(const sp_tz *tz, int64_t utc_s, const char **abbr)
{
    if (tz->fixed) {
        if (abbr) *abbr = tz->id;
        return tz->fixed_off;
    }
    if (tz->rule.valid && (tz->ntrans == 0 || utc_s >= tz->trans[tz->ntrans - 1]))
        return sp_tz_rule_offset(&tz->rule, utc_s, abbr);
    int i = find_trans(tz, utc_s);
    const sp_tz_type *t = &tz->types[i < 0 ? 0 : tz->trans_type[i]];
    if (abbr) *abbr = tz->abbrs + t->abbr;
    return t->off;
}

int32_t sp_tz_offset_at(const sp_tz *tz, int64_t utc_s) { return offset_abbr(tz, utc_s, NULL); }

const char *sp_tz_abbrev_at(const sp_tz *tz, int64_t utc_s)
{
    const char *a = "";
    offset_abbr(tz, utc_s, &a);
    return a;
}

void sp_tz_utc_to_local(const sp_tz *tz, int64_t utc_us, sp_sql_dt_fields *f)
{
    int32_t off = sp_tz_offset_at(tz, sp_sql_floordiv(utc_us, SP_SQL_US_PER_SEC));
    sp_sql_fields_from_us(utc_us + (int64_t)off * SP_SQL_US_PER_SEC, f);
    f->offset_s = off;
}

/* The one or two valid offsets of local second L (none in a gap), and the
 * offsets in effect just before and after (the probes a day away). */
static int valid_offsets(const sp_tz *tz, int64_t L, int32_t *early, int32_t *late, int32_t v[2])
{
    *early = sp_tz_offset_at(tz, L - SP_SQL_SEC_PER_DAY);
    *late = sp_tz_offset_at(tz, L + SP_SQL_SEC_PER_DAY);
    int n = 0;
    if (sp_tz_offset_at(tz, L - *early) == *early) v[n++] = *early;
    if (*late != *early && sp_tz_offset_at(tz, L - *late) == *late) v[n++] = *late;
    if (n == 0 && *late == *early) {
        /* Two transitions within a day of L: fall back to the offset at L. */
        int32_t o = sp_tz_offset_at(tz, L - *early);
        if (sp_tz_offset_at(tz, L - o) == o) v[n++] = o;
    }
    return n;
}

bool sp_tz_local_to_utc_prefer(const sp_tz *tz, int64_t local_us, int32_t pref_off_s,
                               int64_t *utc_us)
{
    int64_t L = sp_sql_floordiv(local_us, SP_SQL_US_PER_SEC);
    int32_t off;
    if (tz->fixed) {
        off = tz->fixed_off;
    } else {
        int32_t early, late, v[2];
        int n = valid_offsets(tz, L, &early, &late, v);
        if (n == 0)
            off = early; /* a gap: later by the gap's length */
        else if (n == 2 && v[1] == pref_off_s)
            off = v[1];
        else
            off = v[0]; /* the earlier offset of an overlap */
    }
    return !__builtin_sub_overflow(local_us, (int64_t)off * SP_SQL_US_PER_SEC, utc_us);
}

bool sp_tz_local_to_utc(const sp_tz *tz, int64_t local_us, int64_t *utc_us)
{
    return sp_tz_local_to_utc_prefer(tz, local_us, INT32_MIN, utc_us);
}

void sp_tz_offset_id(int32_t off, char out[16])
{
    if (off == 0) {
        snprintf(out, 16, "Z");
        return;
    }
    int a = abs(off);
    char sign = off < 0 ? '-' : '+';
    if (a % 60)
        snprintf(out, 16, "%c%02d:%02d:%02d", sign, a / 3600, a / 60 % 60, a % 60);
    else
        snprintf(out, 16, "%c%02d:%02d", sign, a / 3600, a / 60 % 60);
}
