/* tz.h - time zones for the SQL layer without the C library's global TZ
 * state: region IDs read from the system's TZif files (/usr/share/zoneinfo,
 * or $TZDIR), and fixed offsets ("+08:00", "UTC", "GMT+1", "Z"), as Spark's
 * session time zone (spate.sql.session.timeZone) accepts them.
 *
 * A zone is immutable once loaded: any thread may use it at once. Zones from
 * sp_tz_get live in a process-wide cache (guarded by a mutex) until exit. */
#ifndef SP_SQL_TZ_H
#define SP_SQL_TZ_H

#include "sql/civil.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sp_tz sp_tz;

/* The zone named id (Spark's getZoneId rules: region IDs, Java's short IDs
 * such as "PST", offsets "+8", "+08:00", "-0830", prefixed "UTC+1", "GMT-5",
 * "Z", "UTC", "GMT"). Returns the shared cached zone, or NULL with Spark's
 * [INVALID_TIMEZONE] message in errstr. Thread-safe. */
const sp_tz *sp_tz_get(const char *id, char *errstr, size_t errstr_size);
/* The UTC zone (never NULL). */
const sp_tz *sp_tz_utc(void);
/* The zone's ID as java.time prints it ("America/Los_Angeles", "+08:00",
 * "Z", "GMT+01:00"). */
const char *sp_tz_id(const sp_tz *tz);
/* True for a fixed-offset zone (its offset in *off_s when non-NULL). */
bool sp_tz_is_fixed(const sp_tz *tz, int32_t *off_s);

/* Offset in seconds east of UTC in effect at the UTC instant utc_s. */
int32_t sp_tz_offset_at(const sp_tz *tz, int64_t utc_s);
/* The zone's abbreviation at utc_s ("PST", "IST", "+0530"); for a fixed
 * offset, its ID. Points into the zone: valid while the zone is. */
const char *sp_tz_abbrev_at(const sp_tz *tz, int64_t utc_s);

/* UTC µs -> local wall fields (offset_s set). */
void sp_tz_utc_to_local(const sp_tz *tz, int64_t utc_us, sp_sql_dt_fields *f);
/* Local wall µs -> UTC µs with java.time's rules: in a gap the result is
 * shifted later by the gap's length, in an overlap the earlier offset wins.
 * False only on 64-bit overflow. */
bool sp_tz_local_to_utc(const sp_tz *tz, int64_t local_us, int64_t *utc_us);
/* As sp_tz_local_to_utc, but an overlap keeps pref_off_s when it is one of
 * the two valid offsets (ZonedDateTime's "retain offset" rule). */
bool sp_tz_local_to_utc_prefer(const sp_tz *tz, int64_t local_us, int32_t pref_off_s,
                               int64_t *utc_us);

/* Parses a fixed offset: "Z", "+h", "+hh", "+h:mm", "+hh:mm", "+hhmm",
 * "+hh:mm:ss", "+hhmmss", "+h:m" within +-18:00. True with seconds in *off_s. */
bool sp_tz_parse_offset(const char *s, size_t n, int32_t *off_s);
/* Formats off_s as java.time's ZoneOffset ID ("Z", "+05:30", "-08:00:30"). */
void sp_tz_offset_id(int32_t off_s, char out[16]);

/* A zone parsed from TZif bytes (version 1-3), uncached: for tests and
 * fuzzing. NULL with a message naming the byte offset on bad data. The
 * caller frees it with sp_tz_free. */
sp_tz *sp_tz_from_tzif(const char *id, const uint8_t *data, size_t n, char *errstr,
                       size_t errstr_size);
void sp_tz_free(sp_tz *tz);

#endif
