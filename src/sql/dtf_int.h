/* dtf_int.h - the compiled form of a datetime pattern, shared by
 * dtf_compile.c, dtf_format.c and dtf_parse.c only. */
#ifndef SP_SQL_DTF_INT_H
#define SP_SQL_DTF_INT_H

#include "sql/datetime_format.h"

enum { DTF_LIT = 1, DTF_OPT_BEGIN = '[', DTF_OPT_END = ']' };

typedef struct dtf_op {
    char letter; /* a pattern letter, DTF_LIT, '[' or ']' */
    uint8_t count;
    uint16_t lit_off, lit_len; /* DTF_LIT: text in sp_dtf.text */
    int32_t jump;              /* '[': index of its ']' */
} dtf_op;

struct sp_dtf {
    int nops;
    bool has_era; /* 'G' present: 'y' is year-of-era, else proleptic year */
    size_t max_len;
    char *text;
    dtf_op *ops;
};

extern const char *const sp_dtf_months[12];
extern const char *const sp_dtf_days[7]; /* Monday first */

#endif
