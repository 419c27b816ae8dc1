/* log.h - one-line log records on stderr, in log4j's console layout as Spark
 * prints them: "26/11/21 14:40:03 WARN FileInputDStream: message".
 * Thread-safe (one write per record). Level from spate.log.level or
 * sp_log_set_level; default WARN, or the environment variable SPATE_LOG_LEVEL
 * read at first use. */
#ifndef SP_LOG_H
#define SP_LOG_H

typedef enum { SP_LOG_DEBUG = 0, SP_LOG_INFO, SP_LOG_WARN, SP_LOG_ERROR, SP_LOG_OFF } sp_log_level;

void sp_log(sp_log_level level, const char *component, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void sp_log_set_level(sp_log_level level);
/* Parses "DEBUG"/"INFO"/"WARN"/"ERROR"/"OFF" (any case); -1 when unknown. */
int sp_log_level_parse(const char *s);
sp_log_level sp_log_get_level(void);

#endif
