/* tz_zoneid.c - from a session time zone string to a zone, as Spark's
 * DateTimeUtils.getZoneId does with java.time's ZoneId.of(id, SHORT_IDS):
 * offsets, prefixed offsets (UTC+1, GMT-08:00), short IDs (PST) and region
 * IDs read from the TZif files under $TZDIR or /usr/share/zoneinfo; and the
 * process-wide cache of loaded zones, guarded by a mutex (any thread). */
#include "sql/tz_int.h"

#include "base/arena.h"
#include "base/errbuf.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int digits(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    return (int)i;
}
static int num2(const char *s) { return (s[0] - '0') * 10 + (s[1] - '0'); }

bool sp_tz_parse_offset(const char *s, size_t n, int32_t *off)
{
    if (n == 1 && s[0] == 'Z') return *off = 0, true;
    if (n < 2 || (s[0] != '+' && s[0] != '-')) return false;
    int sign = s[0] == '-' ? -1 : 1, h, m = 0, sec = 0;
    const char *p = s + 1;
    size_t r = n - 1;
    int hd = digits(p, r);
    if (hd == 1 && (r == 1 || p[1] == ':')) { /* +h, +h:mm (Spark's pre-3.0 form) */
        h = p[0] - '0', p += 1, r -= 1;
    } else if (hd >= 2) {
        h = num2(p), p += 2, r -= 2;
    } else {
        return false;
    }
    bool colon = r > 0 && p[0] == ':';
    if (r > 0) {
        if (colon) p++, r--;
        if (colon && r == 1 && digits(p, r) == 1) { /* "+hh:m" (Spark's pre-3.0 form) */
            m = p[0] - '0', p += 1, r -= 1;
        } else {
            if (digits(p, r) < 2) return false;
            m = num2(p), p += 2, r -= 2;
        }
        if (r > 0) {
            if (colon != (p[0] == ':')) return false;
            if (colon) p++, r--;
            if (r != 2 || digits(p, r) != 2) return false;
            sec = num2(p);
        }
    }
    if (h > 18 || m > 59 || sec > 59 || (h == 18 && (m || sec))) return false;
    *off = sign * (h * 3600 + m * 60 + sec);
    return true;
}

/* java.time's ZoneId.SHORT_IDS. */
static const char *const short_ids[][2] = {
    {"ACT", "Australia/Darwin"},
    {"AET", "Australia/Sydney"},
    {"AGT", "America/Argentina/Buenos_Aires"},
    {"ART", "Africa/Cairo"},
    {"AST", "America/Anchorage"},
    {"BET", "America/Sao_Paulo"},
    {"BST", "Asia/Dhaka"},
    {"CAT", "Africa/Harare"},
    {"CNT", "America/St_Johns"},
    {"CST", "America/Chicago"},
    {"CTT", "Asia/Shanghai"},
    {"EAT", "Africa/Addis_Ababa"},
    {"ECT", "Europe/Paris"},
    {"IET", "America/Indiana/Indianapolis"},
    {"IST", "Asia/Kolkata"},
    {"JST", "Asia/Tokyo"},
    {"MIT", "Pacific/Apia"},
    {"NET", "Asia/Yerevan"},
    {"NST", "Pacific/Auckland"},
    {"PLT", "Asia/Karachi"},
    {"PNT", "America/Phoenix"},
    {"PRT", "America/Puerto_Rico"},
    {"PST", "America/Los_Angeles"},
    {"SST", "Pacific/Guadalcanal"},
    {"VST", "Asia/Ho_Chi_Minh"},
    {"EST", "-05:00"},
    {"MST", "-07:00"},
    {"HST", "-10:00"},
};

static bool region_name_ok(const char *s)
{
    if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z'))) return false;
    if (strstr(s, "..") || strlen(s) > 200) return false;
    for (const char *p = s; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789~/._+-", *p))
            return false;
    return true;
}

static sp_tz *load_region(const char *id, char *errstr, size_t errstr_size)
{
    const char *dir = getenv("TZDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", id);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 20, n;
    uint8_t *buf = sp_xmalloc(cap);
    n = fread(buf, 1, cap, f);
    fclose(f);
    sp_tz *tz = n > 0 && n < cap ? sp_tz_from_tzif(id, buf, n, errstr, errstr_size) : NULL;
    free(buf);
    return tz;
}

/* An uncached zone for id, or NULL. */
static sp_tz *resolve(const char *id, char *errstr, size_t errstr_size)
{
    size_t n = strlen(id);
    int32_t off;
    char oid[16], buf[64];
    if (n > 0 && (id[0] == '+' || id[0] == '-' || strcmp(id, "Z") == 0)) {
        if (!sp_tz_parse_offset(id, n, &off)) return NULL;
        sp_tz_offset_id(off, oid);
        return sp_tz_new_fixed(oid, off);
    }
    if (!strcmp(id, "UTC") || !strcmp(id, "GMT") || !strcmp(id, "UT"))
        return sp_tz_new_fixed(id, 0);
    static const char *const prefixes[] = {"UTC", "GMT", "UT"};
    for (size_t k = 0; k < 3; k++) {
        size_t plen = strlen(prefixes[k]);
        if (n > plen && !strncmp(id, prefixes[k], plen) && (id[plen] == '+' || id[plen] == '-')) {
            if (!sp_tz_parse_offset(id + plen, n - plen, &off)) return NULL;
            sp_tz_offset_id(off, oid);
            snprintf(buf, sizeof buf, "%s%s", prefixes[k], off ? oid : "");
            return sp_tz_new_fixed(buf, off);
        }
    }
    for (size_t i = 0; i < sizeof short_ids / sizeof short_ids[0]; i++)
        if (!strcmp(id, short_ids[i][0])) return resolve(short_ids[i][1], errstr, errstr_size);
    return region_name_ok(id) ? load_region(id, errstr, errstr_size) : NULL;
}

typedef struct cache_entry {
    char *key;
    sp_tz *tz;
} cache_entry;

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static cache_entry *cache;
static size_t cache_n, cache_cap;

const sp_tz *sp_tz_get(const char *id, char *errstr, size_t errstr_size)
{
    sp_tz *tz = NULL;
    pthread_mutex_lock(&cache_mu);
    for (size_t i = 0; i < cache_n && !tz; i++)
        if (!strcmp(cache[i].key, id)) tz = cache[i].tz;
    if (!tz && (tz = resolve(id, errstr, errstr_size)) != NULL) {
        if (cache_n == cache_cap) {
            cache_cap = cache_cap ? cache_cap * 2 : 16;
            cache = sp_xrealloc(cache, cache_cap * sizeof *cache);
        }
        cache[cache_n++] = (cache_entry){sp_xstrdup(id), tz};
    }
    pthread_mutex_unlock(&cache_mu);
    if (!tz)
        sp_errf(errstr, errstr_size,
                "[INVALID_TIMEZONE] The timezone: %s is invalid. The timezone must be either a "
                "region-based zone ID or a zone offset. Region IDs must have the form "
                "'area/city', such as 'America/Los_Angeles'. Zone offsets must be in the format "
                "'(+|-)HH', '(+|-)HH:mm' or '(+|-)HH:mm:ss', e.g '-08', '+01:00' or '-13:33:33', "
                "and must be in the range from -18:00 to +18:00. 'Z' and 'UTC' are accepted as "
                "synonyms for '+00:00'. SQLSTATE: 22009",
                id);
    return tz;
}

const sp_tz *sp_tz_utc(void)
{
    static const sp_tz utc = {.id = "UTC", .fixed = true};
    return &utc;
}
