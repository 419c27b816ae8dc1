/* fuzz_scan_json.c - libFuzzer target for the JSON scanner (src/sql/scan_*.c):
 * the first byte picks options (Jackson features, mode), the rest is JSON
 * Lines text scanned into a small batch, refilled when full. Never
 * crashes; an error always leaves a message; rows stay within the batch.
 * Build and run: scripts/build-fuzz.sh --run */
#include "sql/scan_json.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) return 0;
    uint8_t k = data[0];
    spate_arena *a = spate_arena_new();
    sp_sql_type_error te;
    const sp_sql_type *t = sp_sql_schema_parse(
        a, "a INT, b DOUBLE, c STRING, d DECIMAL(9,3), e DATE, f TIMESTAMP, _corrupt_record STRING",
        &te);
    sp_sql_json_options o;
    sp_sql_json_options_init(&o);
    const char *keys[] = {"allowComments", "allowUnquotedFieldNames", "allowNumericLeadingZeros",
                          "mode", "allowBackslashEscapingAnyCharacter"};
    const char *vals[] = {k & 1 ? "true" : "false", k & 2 ? "true" : "false",
                          k & 4 ? "true" : "false", k & 8 ? "DROPMALFORMED" : "PERMISSIVE",
                          k & 16 ? "true" : "false"};
    char err[1024];
    if (!sp_sql_json_options_parse(&o, keys, vals, 5, err, sizeof err)) abort();
    sp_sql_json_scanner *s = sp_sql_json_scanner_new(t, &o, err, sizeof err);
    if (!s) abort();
    sp_colbatch *b = sp_sql_json_batch_new(s, a, 4);
    const char *p = (const char *)data + 1;
    size_t n = size - 1;
    for (int guard = 0; n && guard < 100000; guard++) {
        size_t used;
        int64_t r = sp_sql_json_scan(s, b, p, n, &used, err, sizeof err);
        if (r == SP_SQL_SCAN_ERROR) {
            if (strlen(err) >= sizeof err) abort();
            break;
        }
        if (b->length > b->capacity || used > n) abort();
        p += used, n -= used;
        sp_colbatch_reset(b);
    }
    sp_sql_json_scanner_free(s);
    spate_arena_destroy(a);
    return 0;
}
