/* scan_options.h - the options of Spark's CSV and JSON readers (the "Data
 * Source Option" tables of Spark 4.0's CSV Files and JSON Files pages), parsed
 * from key/value strings with Spark's names (case-insensitive) and defaults.
 *
 * Options a file source takes but the scanners do not read (path,
 * pathGlobFilter, maxFilesPerTrigger, inferSchema, encoding "UTF-8"...) are
 * accepted and ignored; any other key is an error naming it. Options are
 * plain values: any thread may read a parsed set. */
#ifndef SP_SQL_SCAN_OPTIONS_H
#define SP_SQL_SCAN_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum sp_sql_parse_mode {
    SP_SQL_MODE_PERMISSIVE,
    SP_SQL_MODE_DROPMALFORMED,
    SP_SQL_MODE_FAILFAST,
} sp_sql_parse_mode;

enum { SP_SQL_SCAN_OPT_MAX = 64 }; /* bytes of one string option, NUL included */

typedef struct sp_sql_csv_options {
    char sep[16]; /* "," (one or more characters) */
    size_t sep_len;
    char quote;        /* '"'; '\0': quoting off */
    char escape;       /* '\\' */
    char quote_escape; /* charToEscapeQuoteEscaping: escape when != quote, else '\0' */
    char comment;      /* '\0': off */
    bool header;
    bool ignore_leading_ws, ignore_trailing_ws; /* false when reading */
    bool multi_line;                            /* refused for now */
    bool enforce_schema;                        /* true */
    char null_value[SP_SQL_SCAN_OPT_MAX];       /* "" */
    char empty_value[SP_SQL_SCAN_OPT_MAX];      /* "" when reading */
    char nan_value[SP_SQL_SCAN_OPT_MAX];        /* "NaN" */
    char positive_inf[SP_SQL_SCAN_OPT_MAX];     /* "Inf" */
    char negative_inf[SP_SQL_SCAN_OPT_MAX];     /* "-Inf" */
    char date_format[SP_SQL_SCAN_OPT_MAX];      /* "": Spark's default casting */
    char ts_format[SP_SQL_SCAN_OPT_MAX];        /* "": default */
    char ts_ntz_format[SP_SQL_SCAN_OPT_MAX];    /* "": default */
    char time_zone[SP_SQL_SCAN_OPT_MAX];        /* "": the session's */
    sp_sql_parse_mode mode;
    char corrupt_column[SP_SQL_SCAN_OPT_MAX]; /* "_corrupt_record" */
    int max_columns;                          /* 20480 */
    int max_chars_per_column;                 /* -1: unlimited */
    char line_sep;                            /* '\0': \n, \r\n or \r */
} sp_sql_csv_options;

typedef struct sp_sql_json_options {
    sp_sql_parse_mode mode;
    char corrupt_column[SP_SQL_SCAN_OPT_MAX];
    char date_format[SP_SQL_SCAN_OPT_MAX];
    char ts_format[SP_SQL_SCAN_OPT_MAX];
    char ts_ntz_format[SP_SQL_SCAN_OPT_MAX];
    char time_zone[SP_SQL_SCAN_OPT_MAX];
    bool allow_comments;                        /* false */
    bool allow_unquoted_field_names;            /* false */
    bool allow_single_quotes;                   /* true */
    bool allow_numeric_leading_zeros;           /* false */
    bool allow_non_numeric_numbers;             /* true */
    bool allow_backslash_escaping_any;          /* false */
    bool allow_unquoted_control_chars;          /* false */
    bool primitives_as_string, prefers_decimal; /* false (inference only) */
    bool drop_field_if_all_null;                /* false (inference only) */
    bool multi_line;                            /* refused for now */
    char line_sep;                              /* '\0': \n, \r\n or \r */
} sp_sql_json_options;

/* Spark's defaults. */
void sp_sql_csv_options_init(sp_sql_csv_options *o);
void sp_sql_json_options_init(sp_sql_json_options *o);

/* Applies n options keys[i] = values[i] over o (initialise it first). False
 * with a message naming the option and what was expected in errstr on an
 * unknown key or a bad value. Any thread. */
bool sp_sql_csv_options_parse(sp_sql_csv_options *o, const char *const *keys,
                              const char *const *values, int n, char *errstr, size_t errstr_size);
bool sp_sql_json_options_parse(sp_sql_json_options *o, const char *const *keys,
                               const char *const *values, int n, char *errstr, size_t errstr_size);

/* Spark's name of a mode ("PERMISSIVE", "DROPMALFORMED", "FAILFAST"). */
const char *sp_sql_parse_mode_name(sp_sql_parse_mode m);

#endif
