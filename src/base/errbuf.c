/* errbuf.c - sp_errf. */
#include "base/errbuf.h"

#include <stdarg.h>
#include <stdio.h>

void sp_errf(char *errstr, size_t errstr_size, const char *fmt, ...)
{
    if (!errstr || errstr_size == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errstr, errstr_size, fmt, ap);
    va_end(ap);
}
