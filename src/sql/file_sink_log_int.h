/* file_sink_log_int.h - what file_sink_log.c and file_sink_log_read.c
 * share: the entries of a _spark_metadata directory. */
#ifndef SP_SQL_FILE_SINK_LOG_INT_H
#define SP_SQL_FILE_SINK_LOG_INT_H

#include <stdbool.h>
#include <stdint.h>

typedef struct sp_fsl_entry {
    int64_t id;
    bool compact; /* <id>.compact */
} sp_fsl_entry;

/* The entries of <sink_dir>/_spark_metadata sorted by id, in *entries
 * (malloc'd, NULL when none). Returns the count (0 without a directory),
 * or -1 with errno when the directory cannot be read. Any thread. */
int sp_fsl_list(const char *sink_dir, sp_fsl_entry **entries);

#endif
