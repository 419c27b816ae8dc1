/* tz_int.h - what the time-zone files share: the zone structure and the
 * POSIX TZ rule of a TZif footer. Private to src/sql/tz*.c. */
#ifndef SP_SQL_TZ_INT_H
#define SP_SQL_TZ_INT_H

#include "sql/tz.h"

/* One date rule of a POSIX TZ string: Jn, n or Mm.w.d, plus the local time
 * of day in seconds (may be negative or past 24h, RFC 8536). */
typedef struct sp_tz_date_rule {
    char kind; /* 'J', 'n' or 'M' */
    int m, w, d;
    int32_t time_s;
} sp_tz_date_rule;

typedef struct sp_tz_rule {
    bool valid;               /* a footer was present and parsed */
    bool has_dst;             /* false: std_off all year */
    int32_t std_off, dst_off; /* seconds east of UTC */
    char std_abbr[16], dst_abbr[16];
    sp_tz_date_rule start, end;
} sp_tz_rule;

typedef struct sp_tz_type {
    int32_t off;
    uint8_t isdst;
    uint8_t abbr; /* index into abbrs */
} sp_tz_type;

struct sp_tz {
    char *id;
    bool fixed;
    int32_t fixed_off;
    int64_t *trans; /* ascending UTC seconds */
    uint8_t *trans_type;
    int ntrans;
    sp_tz_type *types;
    int ntypes;
    char *abbrs;
    int nabbrs;
    sp_tz_rule rule;
};

/* Parses a POSIX TZ string ("PST8PDT,M3.2.0,M11.1.0"); false if malformed. */
bool sp_tz_rule_parse(const char *s, size_t n, sp_tz_rule *r);
/* Offset (and, when abbr is non-NULL, abbreviation) of the rule at utc_s. */
int32_t sp_tz_rule_offset(const sp_tz_rule *r, int64_t utc_s, const char **abbr);
sp_tz *sp_tz_new_fixed(const char *id, int32_t off);

#endif
