/* fuzz_duration.c - libFuzzer target for spate_duration_parse: never crashes,
 * always NUL-terminates its message, and a success round-trips through
 * "<ms>ms". Build and run: scripts/build-fuzz.sh --run */
#include <spate/core.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    char err[128];
    spate_duration d = -1;
    spate_err rc = spate_duration_parse(text, &d, err, sizeof err);
    if (rc == SPATE_OK) {
        if (d < 0) abort();
        char again[40];
        spate_duration e = -1;
        snprintf(again, sizeof again, "%lldms", (long long)d);
        if (spate_duration_parse(again, &e, NULL, 0) != SPATE_OK || e != d) abort();
    } else if (rc != SPATE_ERR_INVALID_ARG || strlen(err) >= sizeof err) {
        abort();
    }
    free(text);
    return 0;
}
