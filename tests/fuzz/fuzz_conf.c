/* fuzz_conf.c - libFuzzer target for spate_conf_set: the input is
 * "key=value" lines; every set either succeeds (and the value reads back) or
 * fails with a message. Build and run: scripts/build-fuzz.sh --run */
#include <spate/core.h>

#include "base/conf.h"

#include <stdlib.h>
#include <string.h>

static void set_line(spate_conf *c, char *line)
{
    char *eq = strchr(line, '=');
    if (!eq) return;
    *eq = '\0';
    char err[256] = "";
    spate_err rc = spate_conf_set(c, line, eq + 1, err, sizeof err);
    if (rc == SPATE_OK) {
        if (!spate_conf_get(c, line)) abort();
        int64_t i;
        double d;
        bool b;
        spate_duration t;
        (void)spate_conf_get_i64(c, line, &i);
        (void)spate_conf_get_f64(c, line, &d);
        (void)spate_conf_get_bool(c, line, &b);
        (void)spate_conf_get_duration(c, line, &t);
    } else if (err[0] == '\0') {
        abort(); /* every failure explains itself */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    spate_conf *c = spate_conf_new();
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save))
        set_line(c, line);
    spate_conf *d = spate_conf_dup(c);
    spate_conf_destroy(c);
    spate_conf_destroy(d);
    int64_t n;
    (void)sp_conf_parse_size((const char *)text, &n, NULL, 0);
    free(text);
    return 0;
}
