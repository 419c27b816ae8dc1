/* errbuf.h - filling the (errstr, errstr_size) pair of functions that parse
 * user input. */
#ifndef SP_ERRBUF_H
#define SP_ERRBUF_H

#include <stddef.h>

/* snprintf into errstr when errstr is non-NULL and errstr_size > 0. */
void sp_errf(char *errstr, size_t errstr_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
