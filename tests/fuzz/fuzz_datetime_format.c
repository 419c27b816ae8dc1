/* fuzz_datetime_format.c - libFuzzer target for Spark datetime patterns and
 * string casts (src/sql/dtf_*.c, datetime_cast.c): the data is
 * "pattern<TAB>input". Compiling, formatting and parsing never crash; a format
 * stays within sp_dtf_max_len (literals may hold NULs); a bad pattern or input always leaves a
 * NUL-terminated message. Build and run: scripts/build-fuzz.sh --run */
#include "sql/datetime.h"
#include "sql/datetime_format.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    const char *nl = memchr(s, '\t', size);
    size_t pn = nl ? (size_t)(nl - s) : size;
    const char *in = nl ? nl + 1 : "";
    size_t in_n = nl ? size - pn - 1 : 0;
    char err[700];
    int64_t us;
    int32_t days;
    sp_sql_string_to_date(in, in_n, &days);
    sp_sql_string_to_ts(in, in_n, sp_tz_utc(), 0, &us);
    for (int parsing = 0; parsing < 2; parsing++) {
        sp_dtf *f = sp_dtf_compile(s, pn, parsing, err, sizeof err);
        if (!f) {
            if (strlen(err) >= sizeof err || err[0] != '[') abort();
            continue;
        }
        if (parsing) {
            if (!sp_dtf_parse(f, in, in_n, sp_tz_utc(), &us, err, sizeof err) && err[0] != '[')
                abort();
        } else {
            char out[4096];
            int64_t t = (int64_t)(in_n * 7919) * 1000003 - 500000000000000;
            size_t n = sp_dtf_format(f, t, sp_tz_utc(), out, sizeof out);
            if (n > sp_dtf_max_len(f)) abort();
        }
        sp_dtf_free(f);
    }
    return 0;
}
