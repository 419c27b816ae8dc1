/* json_out.h - JSON text as Spark's json4s + Jackson write it: compact (no
 * whitespace at all) or Jackson's DefaultPrettyPrinter:
 *
 *   {
 *     "key" : "value",
 *     "list" : [ {
 *       "a" : 1
 *     }, 2 ],
 *     "none" : [ ],
 *     "empty" : { }
 *   }
 *
 * (objects indent two spaces per open object, arrays stay on the line of
 * their first element). Strings are escaped as Jackson escapes them: '"',
 * '\\', \b \t \f \n \r, other control characters as \u00XX; everything else,
 * UTF-8 included, as is. Doubles print as Java's Double.toString.
 *
 * A writer appends to one buffer; one thread uses it. */
#ifndef SP_SQL_JSON_OUT_H
#define SP_SQL_JSON_OUT_H

#include "sql/show_buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Containers nested deeper than this are not written (embedded JSON that
 * deep is written as a string instead). */
enum { SP_SQL_JOUT_MAX_DEPTH = 64 };

typedef struct sp_sql_jout {
    sp_sql_sbuf *b;
    bool pretty;
    int depth;   /* open containers */
    int objects; /* open objects: the pretty indent */
    int count[SP_SQL_JOUT_MAX_DEPTH];
    bool is_object[SP_SQL_JOUT_MAX_DEPTH];
} sp_sql_jout;

void sp_sql_jout_init(sp_sql_jout *w, sp_sql_sbuf *b, bool pretty);
void sp_sql_jout_begin_object(sp_sql_jout *w);
void sp_sql_jout_end_object(sp_sql_jout *w);
void sp_sql_jout_begin_array(sp_sql_jout *w);
void sp_sql_jout_end_array(sp_sql_jout *w);
/* A field's name inside an object; its value is written next. */
void sp_sql_jout_key(sp_sql_jout *w, const char *key);
/* Values. s NULL writes null. */
void sp_sql_jout_str(sp_sql_jout *w, const char *s);
void sp_sql_jout_str_n(sp_sql_jout *w, const char *s, size_t n);
void sp_sql_jout_null(sp_sql_jout *w);
void sp_sql_jout_bool(sp_sql_jout *w, bool v);
void sp_sql_jout_i64(sp_sql_jout *w, int64_t v);
/* Double.toString(d); NaN and infinities as Jackson writes them (NaN,
 * Infinity, -Infinity: not valid JSON - callers that follow Spark leave
 * such fields out). */
void sp_sql_jout_double(sp_sql_jout *w, double d);
/* json4s's parse-then-render of text: the JSON value text holds, written in
 * this writer's layout (integers as written, other numbers as doubles).
 * False, with nothing written, when text is not one JSON value. */
bool sp_sql_jout_json(sp_sql_jout *w, const char *text);

#endif
