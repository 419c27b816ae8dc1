/* unsupported_ops.h - Spark's UnsupportedOperationChecker for streaming
 * plans: the combinations of operators and output modes a streaming query
 * refuses, with Spark's messages ("Complete output mode not supported when
 * there are no streaming aggregations on streaming DataFrames/Datasets").
 * Any thread. */
#ifndef SP_SQL_UNSUPPORTED_OPS_H
#define SP_SQL_UNSUPPORTED_OPS_H

#include "sql/plan.h"
#include "sql/sink.h"

#include <stdbool.h>
#include <stddef.h>

/* True when plan may run as a streaming query in mode; else false with
 * Spark's message in err. */
bool sp_check_streaming_plan(const sp_plan *plan, sp_output_mode mode, char *err, size_t err_size);

#endif
