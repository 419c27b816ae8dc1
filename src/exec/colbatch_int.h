/* colbatch_int.h - what colbatch.c and colbatch_nested.c share: making one
 * column (and its children) in a batch's arena. Private to exec. */
#ifndef SP_COLBATCH_INT_H
#define SP_COLBATCH_INT_H

#include "exec/colbatch.h"

/* Makes c (zeroed) of spec with room for cap rows, named name (copied). */
void sp_col_init(sp_colbatch *b, sp_column *c, const sp_coltree *t, const char *name, int64_t cap);
/* The nested part of sp_col_init: offsets and child columns. */
void sp_col_init_nested(sp_colbatch *b, sp_column *c, const sp_coltree *t, int64_t cap);

#endif
