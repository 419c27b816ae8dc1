/* trigger.c - the trigger option's text (query.h). Any thread. */
#include "sql/query.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

bool sp_trigger_parse(const char *text, sp_trigger *t, char *errstr, size_t errstr_size)
{
    memset(t, 0, sizeof *t);
    if (!text || !*text) return true;
    if (strcasecmp(text, "once") == 0) {
        t->kind = SP_TRIGGER_ONCE;
        return true;
    }
    if (strcasecmp(text, "availableNow") == 0) {
        t->kind = SP_TRIGGER_AVAILABLE_NOW;
        return true;
    }
    const char *d = strncasecmp(text, "interval ", 9) == 0 ? text + 9 : text;
    spate_duration ms;
    char why[256];
    if (spate_duration_parse(d, &ms, why, sizeof why) != SPATE_OK || ms < 0) {
        snprintf(errstr, errstr_size,
                 "Invalid trigger '%s': expected 'once', 'availableNow' or an interval such as "
                 "'5 seconds' (%s)",
                 text, why);
        return false;
    }
    t->kind = ms ? SP_TRIGGER_PROCESSING_TIME : SP_TRIGGER_DEFAULT;
    t->interval_ms = ms;
    return true;
}
