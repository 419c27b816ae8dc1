/* sql_error.h - a SQL error value with Spark's error classes (conditions),
 * SQLSTATEs, message parameters and position, rendered as Spark 4.0 prints it.
 *
 * A condition is "MAIN" or "MAIN.SUB" (UNRESOLVED_COLUMN.WITH_SUGGESTION). Its
 * message template and SQLSTATE come from the table in sql_error_table.c (the
 * facts of Spark's error-conditions.json); other layers add their conditions
 * there, one row each. Parameters are filled into "<name>" placeholders
 * verbatim: like Spark, the caller quotes them ("'FORM'", "`col`").
 *
 * Rendering (Spark's SparkThrowableHelper.getMessage and
 * ParseException.getMessage):
 *   message:  "[COND] <filled template> SQLSTATE: 42601"
 *   render:   message + " (line L, pos P)\n" + "\n== SQL ==\n" + the statement's
 *             lines up to line L, each followed by "\n", then P dashes and
 *             "^^^\n", then the remaining lines. Without a position: message +
 *             "\n== SQL ==\n" + statement. Spark's getMessage starts with one
 *             more "\n" before all of this; render leaves it out.
 * Positions are Spark's: line counts '\n' from 1, pos counts code points from
 * 0 within the line. Thread-safe: no shared state. */
#ifndef SP_SQL_ERROR_H
#define SP_SQL_ERROR_H

#include <stdbool.h>
#include <stddef.h>

enum { SP_SQL_ERR_MAX_PARAMS = 8 };

typedef struct sp_sql_error {
    char cond[96]; /* "" while no error is set */
    int nparams;
    char *names[SP_SQL_ERR_MAX_PARAMS];  /* malloc'd, owned */
    char *values[SP_SQL_ERR_MAX_PARAMS]; /* malloc'd, owned */
    bool has_pos;
    int line;      /* 1-based */
    int pos;       /* 0-based code points in the line */
    size_t offset; /* byte offset in the statement text */
} sp_sql_error;

/* One row of the condition table: sub == NULL for a main condition (which
 * carries the SQLSTATE); a sub row's template is appended to its main's after
 * one space, as Spark does. */
typedef struct sp_sql_condition {
    const char *main;
    const char *sub;
    const char *sqlstate;
    const char *tmpl;
} sp_sql_condition;

extern const sp_sql_condition sp_sql_conditions[];
extern const size_t sp_sql_conditions_count;

void sp_sql_error_init(sp_sql_error *e);
/* Frees the parameters and makes e empty again. */
void sp_sql_error_clear(sp_sql_error *e);
static inline bool sp_sql_error_is_set(const sp_sql_error *e) { return e->cond[0] != '\0'; }
/* Sets the condition (replacing any previous error) and its parameters, given
 * as name, value pairs ended by NULL. Copies everything. */
void sp_sql_error_set(sp_sql_error *e, const char *cond, ...);
/* Adds one parameter (copied); ignored past SP_SQL_ERR_MAX_PARAMS. */
void sp_sql_error_param(sp_sql_error *e, const char *name, const char *value);
/* Records the position of byte offset off in text (line, code-point pos). */
void sp_sql_error_at(sp_sql_error *e, const char *text, size_t len, size_t off);
const char *sp_sql_error_param_get(const sp_sql_error *e, const char *name);

/* The SQLSTATE of a condition ("MAIN" or "MAIN.SUB"), NULL if unknown. */
const char *sp_sql_condition_sqlstate(const char *cond);
/* True if the condition is in the table. */
bool sp_sql_condition_known(const char *cond);

/* "[COND] message SQLSTATE: xxxxx", malloc'd; the caller frees it. */
char *sp_sql_error_message(const sp_sql_error *e);
/* The full text with position and the "== SQL ==" block for statement
 * command (NULL: no block), malloc'd; the caller frees it. */
char *sp_sql_error_render(const sp_sql_error *e, const char *command);

#endif
