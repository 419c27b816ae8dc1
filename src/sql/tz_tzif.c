/* tz_tzif.c - a small reader of TZif files (RFC 8536, versions 1 to 3):
 * the 64-bit transition data of version 2+ (the 32-bit block of version 1
 * otherwise) and the POSIX TZ footer for instants after the last transition.
 * Builds an immutable sp_tz; any thread may call it. */
#include "sql/tz_int.h"

#include "base/arena.h"
#include "base/errbuf.h"

#include <stdlib.h>
#include <string.h>

typedef struct hdr {
    int version;
    uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
} hdr;

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static int64_t be64(const uint8_t *p) { return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4)); }

static bool read_hdr(const uint8_t *d, size_t n, size_t at, hdr *h)
{
    if (n < at + 44 || memcmp(d + at, "TZif", 4) != 0) return false;
    uint8_t v = d[at + 4];
    h->version = v == 0 ? 1 : v - '0';
    if (h->version < 1 || h->version > 4) return false;
    const uint8_t *c = d + at + 20;
    h->isutcnt = be32(c), h->isstdcnt = be32(c + 4), h->leapcnt = be32(c + 8);
    h->timecnt = be32(c + 12), h->typecnt = be32(c + 16), h->charcnt = be32(c + 20);
    return h->typecnt >= 1 && h->typecnt <= 256 && h->charcnt <= 4096 && h->timecnt <= 1000000 &&
           h->leapcnt <= 100000 && h->isutcnt <= 256 && h->isstdcnt <= 256;
}

static size_t block_len(const hdr *h, int tsz)
{
    return (size_t)h->timecnt * (tsz + 1) + (size_t)h->typecnt * 6 + h->charcnt +
           (size_t)h->leapcnt * (tsz + 4) + h->isstdcnt + h->isutcnt;
}

/* Fills the transitions and types of tz from the data block at p. */
static bool read_block(sp_tz *tz, const hdr *h, const uint8_t *p, int tsz)
{
    tz->ntrans = (int)h->timecnt;
    tz->trans = sp_xcalloc(h->timecnt + 1, sizeof *tz->trans);
    tz->trans_type = sp_xcalloc(h->timecnt + 1, 1);
    for (uint32_t i = 0; i < h->timecnt; i++, p += tsz) {
        tz->trans[i] = tsz == 8 ? be64(p) : (int32_t)be32(p);
        if (i > 0 && tz->trans[i] <= tz->trans[i - 1]) return false;
    }
    for (uint32_t i = 0; i < h->timecnt; i++, p++) {
        if (*p >= h->typecnt) return false;
        tz->trans_type[i] = *p;
    }
    tz->ntypes = (int)h->typecnt;
    tz->types = sp_xcalloc(h->typecnt, sizeof *tz->types);
    for (uint32_t i = 0; i < h->typecnt; i++, p += 6) {
        int32_t off = (int32_t)be32(p);
        if (off < -25 * 3600 || off > 26 * 3600 || p[5] >= h->charcnt) return false;
        tz->types[i] = (sp_tz_type){off, p[4], p[5]};
    }
    tz->nabbrs = (int)h->charcnt;
    tz->abbrs = sp_xcalloc(h->charcnt + 1, 1);
    memcpy(tz->abbrs, p, h->charcnt); /* a trailing NUL is always there */
    return true;
}

sp_tz *sp_tz_from_tzif(const char *id, const uint8_t *d, size_t n, char *errstr, size_t errstr_size)
{
    hdr h;
    if (!read_hdr(d, n, 0, &h)) {
        sp_errf(errstr, errstr_size, "time zone %s: not a TZif file (bad header at byte 0)", id);
        return NULL;
    }
    size_t at = 44, len = block_len(&h, 4);
    int tsz = 4;
    if (h.version >= 2) {
        at += len;
        if (!read_hdr(d, n, at, &h)) {
            sp_errf(errstr, errstr_size, "time zone %s: bad TZif v2 header at byte %zu", id, at);
            return NULL;
        }
        at += 44, tsz = 8, len = block_len(&h, 8);
    }
    if (n < at + len) {
        sp_errf(errstr, errstr_size, "time zone %s: TZif data truncated at byte %zu", id, n);
        return NULL;
    }
    sp_tz *tz = sp_xcalloc(1, sizeof *tz);
    tz->id = sp_xstrdup(id);
    if (!read_block(tz, &h, d + at, tsz)) {
        sp_errf(errstr, errstr_size, "time zone %s: bad TZif data block at byte %zu", id, at);
        sp_tz_free(tz);
        return NULL;
    }
    at += len;
    if (h.version >= 2 && at < n && d[at] == '\n') {
        const uint8_t *nl = memchr(d + at + 1, '\n', n - at - 1);
        if (nl && nl > d + at + 1 &&
            !sp_tz_rule_parse((const char *)d + at + 1, (size_t)(nl - d - at - 1), &tz->rule)) {
            sp_errf(errstr, errstr_size, "time zone %s: bad TZ footer at byte %zu", id, at + 1);
            sp_tz_free(tz);
            return NULL;
        }
    }
    return tz;
}

void sp_tz_free(sp_tz *tz)
{
    if (!tz) return;
    free(tz->id);
    free(tz->trans);
    free(tz->trans_type);
    free(tz->types);
    free(tz->abbrs);
    free(tz);
}
