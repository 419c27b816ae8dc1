/* scan_options.c - parsing the CSV and JSON reader options (scan_options.h):
 * one table per format of (Spark's name, kind, field offset), so each option
 * is declared once with its default in the _init functions. Any thread. */
#include "sql/scan_options.h"

#include "base/errbuf.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef enum opt_kind {
    OPT_BOOL,
    OPT_STR,     /* copied into a char[SP_SQL_SCAN_OPT_MAX] */
    OPT_CHAR,    /* one character or "" (off) */
    OPT_SEP,     /* the CSV separator: one or more characters, escapes allowed */
    OPT_INT,     /* an int */
    OPT_MODE,    /* PERMISSIVE | DROPMALFORMED | FAILFAST */
    OPT_LINESEP, /* "\n", "\r" or "\r\n" */
    OPT_MULTI,   /* multiLine: true is refused for now */
    OPT_IGNORED, /* a file source option the scanner does not read */
} opt_kind;

typedef struct opt_def {
    const char *name;
    opt_kind kind;
    size_t off;
} opt_def;

#define CSV(f) offsetof(sp_sql_csv_options, f)
#define JSN(f) offsetof(sp_sql_json_options, f)

static const opt_def csv_defs[] = {
    {"sep", OPT_SEP, CSV(sep)},
    {"delimiter", OPT_SEP, CSV(sep)},
    {"header", OPT_BOOL, CSV(header)},
    {"quote", OPT_CHAR, CSV(quote)},
    {"escape", OPT_CHAR, CSV(escape)},
    {"charToEscapeQuoteEscaping", OPT_CHAR, CSV(quote_escape)},
    {"comment", OPT_CHAR, CSV(comment)},
    {"nullValue", OPT_STR, CSV(null_value)},
    {"emptyValue", OPT_STR, CSV(empty_value)},
    {"nanValue", OPT_STR, CSV(nan_value)},
    {"positiveInf", OPT_STR, CSV(positive_inf)},
    {"negativeInf", OPT_STR, CSV(negative_inf)},
    {"dateFormat", OPT_STR, CSV(date_format)},
    {"timestampFormat", OPT_STR, CSV(ts_format)},
    {"timestampNTZFormat", OPT_STR, CSV(ts_ntz_format)},
    {"timeZone", OPT_STR, CSV(time_zone)},
    {"ignoreLeadingWhiteSpace", OPT_BOOL, CSV(ignore_leading_ws)},
    {"ignoreTrailingWhiteSpace", OPT_BOOL, CSV(ignore_trailing_ws)},
    {"mode", OPT_MODE, CSV(mode)},
    {"columnNameOfCorruptRecord", OPT_STR, CSV(corrupt_column)},
    {"maxColumns", OPT_INT, CSV(max_columns)},
    {"maxCharsPerColumn", OPT_INT, CSV(max_chars_per_column)},
    {"multiLine", OPT_MULTI, CSV(multi_line)},
    {"lineSep", OPT_LINESEP, CSV(line_sep)},
    {"enforceSchema", OPT_BOOL, CSV(enforce_schema)},
};

static const opt_def json_defs[] = {
    {"mode", OPT_MODE, JSN(mode)},
    {"columnNameOfCorruptRecord", OPT_STR, JSN(corrupt_column)},
    {"dateFormat", OPT_STR, JSN(date_format)},
    {"timestampFormat", OPT_STR, JSN(ts_format)},
    {"timestampNTZFormat", OPT_STR, JSN(ts_ntz_format)},
    {"timeZone", OPT_STR, JSN(time_zone)},
    {"allowComments", OPT_BOOL, JSN(allow_comments)},
    {"allowUnquotedFieldNames", OPT_BOOL, JSN(allow_unquoted_field_names)},
    {"allowSingleQuotes", OPT_BOOL, JSN(allow_single_quotes)},
    {"allowNumericLeadingZeros", OPT_BOOL, JSN(allow_numeric_leading_zeros)},
    {"allowNonNumericNumbers", OPT_BOOL, JSN(allow_non_numeric_numbers)},
    {"allowBackslashEscapingAnyCharacter", OPT_BOOL, JSN(allow_backslash_escaping_any)},
    {"allowUnquotedControlChars", OPT_BOOL, JSN(allow_unquoted_control_chars)},
    {"primitivesAsString", OPT_BOOL, JSN(primitives_as_string)},
    {"prefersDecimal", OPT_BOOL, JSN(prefers_decimal)},
    {"dropFieldIfAllNull", OPT_BOOL, JSN(drop_field_if_all_null)},
    {"multiLine", OPT_MULTI, JSN(multi_line)},
    {"lineSep", OPT_LINESEP, JSN(line_sep)},
};

/* Options of the file source or of schema inference, taken and ignored here. */
static const char *const ignored[] = {
    "path",
    "paths",
    "pathGlobFilter",
    "recursiveFileLookup",
    "modifiedBefore",
    "modifiedAfter",
    "maxFilesPerTrigger",
    "maxBytesPerTrigger",
    "latestFirst",
    "fileNameOnly",
    "maxFileAge",
    "cleanSource",
    "sourceArchiveDir",
    "inferSchema",
    "samplingRatio",
    "locale",
    "preferDate",
    "quoteAll",
    "escapeQuotes",
    "compression",
    "codec",
    "unescapedQuoteHandling",
    "maxMalformedLogPerPartition",
    "ignoreCorruptFiles",
    "ignoreMissingFiles",
    "enableDateTimeParsingFallback",
    "timestampFormatInWrite",
};

void sp_sql_csv_options_init(sp_sql_csv_options *o)
{
    memset(o, 0, sizeof *o);
    o->sep[0] = ',';
    o->sep_len = 1;
    o->quote = '"';
    o->escape = '\\';
    o->quote_escape = '\\'; /* escape, as it differs from quote */
    o->enforce_schema = true;
    strcpy(o->nan_value, "NaN");
    strcpy(o->positive_inf, "Inf");
    strcpy(o->negative_inf, "-Inf");
    strcpy(o->corrupt_column, "_corrupt_record");
    o->max_columns = 20480;
    o->max_chars_per_column = -1;
}

void sp_sql_json_options_init(sp_sql_json_options *o)
{
    memset(o, 0, sizeof *o);
    strcpy(o->corrupt_column, "_corrupt_record");
    o->allow_single_quotes = true;
    o->allow_non_numeric_numbers = true;
}

const char *sp_sql_parse_mode_name(sp_sql_parse_mode m)
{
    return m == SP_SQL_MODE_FAILFAST        ? "FAILFAST"
           : m == SP_SQL_MODE_DROPMALFORMED ? "DROPMALFORMED"
                                            : "PERMISSIVE";
}

/* Spark's CSVExprUtils.toDelimiterStr: "\t", "\n", "\\", "\u0000"... */
static bool parse_sep(const char *v, char *out, size_t *len, char *err, size_t en)
{
    size_t n = 0;
    if (!*v) {
        sp_errf(err, en, "option 'sep': Delimiter cannot be empty string");
        return false;
    }
    for (const char *p = v; *p; p++) {
        char c = *p;
        if (c == '\\' && p[1]) {
            char e = *++p;
            if (e == 't')
                c = '\t';
            else if (e == 'n')
                c = '\n';
            else if (e == 'r')
                c = '\r';
            else if (e == 'b')
                c = '\b';
            else if (e == 'f')
                c = '\f';
            else if (e == '"' || e == '\'' || e == '\\')
                c = e;
            else if (e == 'u' && !strncmp(p + 1, "0000", 4))
                c = '\0', p += 4;
            else {
                sp_errf(err, en, "option 'sep': Unsupported special character for delimiter: \\%c",
                        e);
                return false;
            }
        }
        if (n + 1 >= 16) {
            sp_errf(err, en, "option 'sep': a delimiter of at most 15 characters expected");
            return false;
        }
        out[n++] = c;
    }
    out[n] = '\0';
    *len = n;
    return true;
}

static bool parse_value(const opt_def *d, void *base, const char *v, char *err, size_t en)
{
    char *f = (char *)base + d->off;
    switch (d->kind) {
    case OPT_BOOL:
    case OPT_MULTI:
        if (strcasecmp(v, "true") && strcasecmp(v, "false")) {
            sp_errf(err, en, "option '%s': %s flag can be true or false, found '%s'", d->name,
                    d->name, v);
            return false;
        }
        if (d->kind == OPT_MULTI && !strcasecmp(v, "true")) {
            sp_errf(err, en, "option 'multiLine': true is not supported yet (records are lines)");
            return false;
        }
        *(bool *)f = !strcasecmp(v, "true");
        return true;
    case OPT_STR:
        if (strlen(v) >= SP_SQL_SCAN_OPT_MAX) {
            sp_errf(err, en, "option '%s': a value of at most %d bytes expected", d->name,
                    SP_SQL_SCAN_OPT_MAX - 1);
            return false;
        }
        strcpy(f, v);
        return true;
    case OPT_CHAR:
        if (strlen(v) > 1) {
            sp_errf(err, en, "option '%s': %s cannot be more than one character, found '%s'",
                    d->name, d->name, v);
            return false;
        }
        *f = v[0];
        return true;
    case OPT_SEP: {
        sp_sql_csv_options *o = base;
        return parse_sep(v, o->sep, &o->sep_len, err, en);
    }
    case OPT_INT: {
        char *end;
        long x = strtol(v, &end, 10);
        if (!*v || *end || x < -2147483647L || x > 2147483647L) {
            sp_errf(err, en, "option '%s': %s should be an integer, found '%s'", d->name, d->name,
                    v);
            return false;
        }
        *(int *)f = (int)x;
        return true;
    }
    case OPT_MODE: {
        sp_sql_parse_mode *m = (sp_sql_parse_mode *)(void *)f;
        if (!strcasecmp(v, "PERMISSIVE"))
            *m = SP_SQL_MODE_PERMISSIVE;
        else if (!strcasecmp(v, "DROPMALFORMED"))
            *m = SP_SQL_MODE_DROPMALFORMED;
        else if (!strcasecmp(v, "FAILFAST"))
            *m = SP_SQL_MODE_FAILFAST;
        else {
            sp_errf(err, en,
                    "option 'mode': PERMISSIVE, DROPMALFORMED or FAILFAST expected, found '%s'", v);
            return false;
        }
        return true;
    }
    case OPT_LINESEP:
        if (strcmp(v, "\n") && strcmp(v, "\r") && strcmp(v, "\r\n")) {
            sp_errf(err, en,
                    "option 'lineSep': \\n, \\r or \\r\\n expected (others are not "
                    "supported yet)");
            return false;
        }
        *f = strcmp(v, "\r\n") ? v[0] : '\0'; /* "\r\n": as the default */
        return true;
    case OPT_IGNORED:
        return true;
    }
    return false;
}

static bool parse_all(const opt_def *defs, size_t ndefs, void *base, const char *const *keys,
                      const char *const *values, int n, char *err, size_t en)
{
    for (int i = 0; i < n; i++) {
        const opt_def *d = NULL;
        for (size_t j = 0; j < ndefs && !d; j++)
            if (!strcasecmp(keys[i], defs[j].name)) d = &defs[j];
        if (!d) {
            bool skip = false;
            for (size_t j = 0; j < sizeof ignored / sizeof *ignored && !skip; j++)
                skip = !strcasecmp(keys[i], ignored[j]);
            if (!strcasecmp(keys[i], "encoding") || !strcasecmp(keys[i], "charset")) {
                if (strcasecmp(values[i], "UTF-8") && strcasecmp(values[i], "UTF8")) {
                    sp_errf(err, en, "option '%s': only UTF-8 is supported, found '%s'", keys[i],
                            values[i]);
                    return false;
                }
                skip = true;
            }
            if (skip) continue;
            sp_errf(err, en, "unknown option '%s'", keys[i]);
            return false;
        }
        if (!parse_value(d, base, values[i] ? values[i] : "", err, en)) return false;
    }
    return true;
}

bool sp_sql_csv_options_parse(sp_sql_csv_options *o, const char *const *keys,
                              const char *const *values, int n, char *errstr, size_t errstr_size)
{
    bool esc_set = false, qe_set = false;
    for (int i = 0; i < n; i++) {
        esc_set |= !strcasecmp(keys[i], "escape");
        qe_set |= !strcasecmp(keys[i], "charToEscapeQuoteEscaping");
    }
    if (!parse_all(csv_defs, sizeof csv_defs / sizeof *csv_defs, o, keys, values, n, errstr,
                   errstr_size))
        return false;
    /* charToEscapeQuoteEscaping defaults to escape when escape != quote, else \0 */
    if (esc_set && !qe_set) o->quote_escape = o->escape != o->quote ? o->escape : '\0';
    if (o->max_columns <= 0) {
        sp_errf(errstr, errstr_size, "option 'maxColumns': a positive integer expected");
        return false;
    }
    return true;
}

bool sp_sql_json_options_parse(sp_sql_json_options *o, const char *const *keys,
                               const char *const *values, int n, char *errstr, size_t errstr_size)
{
    return parse_all(json_defs, sizeof json_defs / sizeof *json_defs, o, keys, values, n, errstr,
                     errstr_size);
}
