/* scan_csv_int.h - what the CSV scanner's two files share: the scanner
 * itself, the general tokenizer (scan_csv.c: every option) and the row
 * ending with column pruning (scan_csv_fast.c, with the fast tokenizer for
 * lines that hold no quoted token). Private to src/sql/.
 *
 * Column pruning (Spark's spark.sql.csv.parser.columnPruning, on by
 * default): univocity is asked for the required fields only, so a row
 * always has as many tokens as Spark parses and a wrong field count does
 * not make it malformed; a required field past the line's end is null. The
 * tokenizer stops after the last required field (so maxColumns and
 * maxCharsPerColumn are checked on the fields up to it only). Spark turns
 * pruning off when the query reads the corrupt-record column; so does
 * sp_sql_csv_scanner_require. Pruned fields are left unset while a batch
 * fills and made null in bulk (sp_sql_csv_fill_pruned).
 *
 * Threads: a scanner belongs to one task at a time. */
#ifndef SP_SQL_SCAN_CSV_INT_H
#define SP_SQL_SCAN_CSV_INT_H

#include "sql/scan_csv.h"
#include "sql/scan_int.h"

typedef struct sp_sql_csv_tok {
    const char *p;
    size_t n;
    bool is_null; /* an empty unquoted token: univocity's nullValue */
} sp_sql_csv_tok;

/* A data field the scanner converts: its token, its schema field, and how
 * it converts on the fast path (SP_CSV_PUT_*). */
typedef struct sp_sql_csv_need {
    int tok, field;
    uint8_t kind;
} sp_sql_csv_need;

struct sp_sql_csv_scanner {
    sp_sql_scan_base base;
    sp_sql_csv_options o;
    bool at_file_start;
    sp_sql_csv_tok *toks; /* room for ndata + 1 */
    int ntoks;            /* tokens of the line, counted past those stored */
    char *unesc;          /* unescaped quoted tokens of the line */
    size_t unesc_cap;
    sp_sql_csv_need *need; /* malloc'd: the data fields converted, ascending */
    int nneed;             /* all data fields without pruning */
    int *pruned;           /* malloc'd: the schema fields left null */
    int npruned;           /* 0 without pruning */
    int last_tok;          /* pruning: tokens past this one are not read (-1: none are) */
    bool count_check;      /* no pruning: a wrong token count makes the row malformed */
    bool fast_ok;          /* the options allow the fast tokenizer */
    size_t null_len, nan_len, pinf_len, ninf_len;
    bool digit_is_number; /* no nanValue / infinity spelling starts with a digit */
};

/* How a required field converts on the fast path (need_kind). */
enum { SP_CSV_PUT_STRING, SP_CSV_PUT_INT, SP_CSV_PUT_BIGINT, SP_CSV_PUT_DOUBLE, SP_CSV_PUT_OTHER };

/* The need_kind of a field of type t. */
uint8_t sp_sql_csv_put_kind(sp_sql_type_id t);

/* Blank lines (white space only) and comment lines are not records. */
bool sp_sql_csv_skip_line(const sp_sql_csv_scanner *s, const char *line, size_t len);
/* Tokenizes line into s->toks with every option (quotes, escapes, white
 * space, multi-character separators); false with errstr on maxColumns or
 * maxCharsPerColumn. s->unesc must hold len + 1 bytes. */
bool sp_sql_csv_tokenize(sp_sql_csv_scanner *s, const char *line, size_t len, char *err, size_t en);
/* Converts the tokens into row b->length and ends it by the parse mode
 * (line[0, len) is the record). Pruned fields are not touched on a kept
 * good row: the caller fills them (sp_sql_csv_fill_pruned) before the batch
 * is read. Returns as sp_sql_csv_scan_line. */
int sp_sql_csv_finish_row(sp_sql_csv_scanner *s, sp_colbatch *b, const char *line, size_t len,
                          char *err, size_t en);
/* Makes the pruned fields of rows [from, to) of b null. */
void sp_sql_csv_fill_pruned(const sp_sql_csv_scanner *s, sp_colbatch *b, int64_t from, int64_t to);

#endif
