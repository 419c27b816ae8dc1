/* dtf_compile.c - compiles a Spark datetime pattern into dtf_ops, with
 * Spark 4's checks and messages (DateTimeFormatterHelper: letters Spark
 * rejects, letters rejected for parsing only, too many letters). Any thread;
 * allocates the compiled pattern only. */
#include "sql/dtf_int.h"

#include "base/arena.h"
#include "base/errbuf.h"

#include <stdlib.h>
#include <string.h>

const char *const sp_dtf_months[12] = {"January",   "February", "March",    "April",
                                       "May",       "June",     "July",     "August",
                                       "September", "October",  "November", "December"};
const char *const sp_dtf_days[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                    "Friday", "Saturday", "Sunday"};

static void err_recognize(const char *pat, size_t n, char *errstr, size_t size)
{
    sp_errf(
        errstr, size,
        "[INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION] You may get a "
        "different result due to the upgrading to Spark >= 3.0:\nFail to recognize '%.*s' "
        "pattern in the DateTimeFormatter. 1) You can set \"spark.sql.legacy.timeParserPolicy\" "
        "to \"LEGACY\" to restore the behavior before Spark 3.0. 2) You can form a valid "
        "datetime pattern with the guide from "
        "'https://spark.apache.org/docs/latest/sql-ref-datetime-pattern.html'. SQLSTATE: 42K0B",
        (int)n, pat);
}

static void err_illegal(char c, char *errstr, size_t size)
{
    sp_errf(errstr, size,
            "[INVALID_DATETIME_PATTERN.ILLEGAL_CHARACTER] Illegal pattern character found in "
            "datetime pattern: %c. Please provide legal character. SQLSTATE: 22007",
            c);
}

/* Largest count of each letter spate accepts (0: not a pattern letter). */
static int max_count(char c)
{
    switch (c) {
    case 'G':
    case 'M':
    case 'L':
    case 'Q':
    case 'E':
    case 'z':
    case 'O':
        return 4;
    case 'y':
        return 10;
    case 'd':
    case 'h':
    case 'H':
    case 'k':
    case 'K':
    case 'm':
    case 's':
    case 'V':
        return 2;
    case 'D':
        return 3;
    case 'F':
    case 'a':
        return 1;
    case 'S':
        return 9;
    case 'X':
    case 'x':
    case 'Z':
        return 5;
    default:
        return 0;
    }
}

/* Letters java.text.SimpleDateFormat knows: a pattern Spark 3+ rejects but
 * the legacy parser accepts gets DATETIME_PATTERN_RECOGNITION. */
static bool legacy_letter(char c) { return c && strchr("GyYMLwWDdFEuaHkKhmsSzZX", c); }

/* Checks letter c repeated cnt times; false with the message. */
static bool check_letter(const char *pat, size_t n, char c, int cnt, bool parsing, char *errstr,
                         size_t size)
{
    int max = max_count(c);
    bool bad =
        max == 0 || cnt > max || (c == 'V' && cnt != 2) || (c == 'O' && cnt != 1 && cnt != 4);
    if (parsing && c && strchr("EFQ", c)) bad = true; /* SPARK-31892 */
    if (!bad) return true;
    if (legacy_letter(c) || (max && cnt > max))
        err_recognize(pat, n, errstr, size);
    else
        err_illegal(c, errstr, size);
    return false;
}

static size_t op_max_len(const dtf_op *op)
{
    switch (op->letter) {
    case DTF_LIT:
        return op->lit_len;
    case DTF_OPT_BEGIN:
    case DTF_OPT_END:
        return 0;
    case 'G':
    case 'M':
    case 'L':
    case 'E':
    case 'Q':
        return 16;
    case 'V':
    case 'z':
        return 64;
    case 'y':
        return 21;
    default:
        return op->count > 12 ? op->count : 12;
    }
}

/* Appends one op; letters[i] runs, quotes and brackets are handled by the
 * caller. */
static dtf_op *add_op(sp_dtf *f, char letter, int count)
{
    dtf_op *op = &f->ops[f->nops++];
    memset(op, 0, sizeof *op);
    op->letter = letter;
    op->count = (uint8_t)count;
    return op;
}

static size_t add_text(sp_dtf *f, size_t *tlen, const char *s, size_t k)
{
    memcpy(f->text + *tlen, s, k);
    *tlen += k;
    return k;
}

/* A literal run (quoted or not) starting at pat[*i]; false on an unclosed
 * quote. */
static bool compile_literal(sp_dtf *f, size_t *tlen, const char *pat, size_t n, size_t *i)
{
    dtf_op *op = add_op(f, DTF_LIT, 0);
    op->lit_off = (uint16_t)*tlen;
    if (pat[*i] != '\'') {
        add_text(f, tlen, pat + *i, 1);
        (*i)++;
    } else if (*i + 1 < n && pat[*i + 1] == '\'') {
        add_text(f, tlen, "'", 1);
        *i += 2;
    } else {
        size_t j = *i + 1;
        for (;;) {
            if (j >= n) return false;
            if (pat[j] == '\'' && j + 1 < n && pat[j + 1] == '\'') {
                add_text(f, tlen, "'", 1), j += 2;
            } else if (pat[j] == '\'') {
                break;
            } else {
                add_text(f, tlen, pat + j, 1), j++;
            }
        }
        *i = j + 1;
    }
    op->lit_len = (uint16_t)(*tlen - op->lit_off);
    return true;
}

static bool is_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

sp_dtf *sp_dtf_compile(const char *pat, size_t n, bool parsing, char *errstr, size_t size)
{
    if (n > 1024) {
        sp_errf(errstr, size, "[INVALID_DATETIME_PATTERN] Unrecognized datetime pattern: %.*s...",
                64, pat);
        return NULL;
    }
    if (errstr && size) errstr[0] = '\0';
    sp_dtf *f = sp_xcalloc(1, sizeof *f);
    f->ops = sp_xcalloc(n + 1, sizeof *f->ops);
    f->text = sp_xcalloc(n + 1, 1);
    size_t tlen = 0, i = 0;
    int stack[64], depth = 0;
    bool ok = true;
    while (ok && i < n) {
        char c = pat[i];
        if (is_letter(c)) {
            size_t j = i;
            while (j < n && pat[j] == c)
                j++;
            ok = check_letter(pat, n, c, (int)(j - i), parsing, errstr, size);
            if (ok) add_op(f, c, (int)(j - i));
            f->has_era |= c == 'G';
            i = j;
        } else if (c == '[') {
            ok = depth < 64;
            if (ok) stack[depth++] = f->nops, add_op(f, DTF_OPT_BEGIN, 0);
            i++;
        } else if (c == ']') {
            ok = depth > 0;
            if (ok) f->ops[stack[--depth]].jump = f->nops, add_op(f, DTF_OPT_END, 0);
            i++;
        } else if (c == '{' || c == '}' || c == '#') {
            ok = false;
        } else {
            ok = compile_literal(f, &tlen, pat, n, &i);
        }
        if (!ok && (!errstr || !*errstr)) err_recognize(pat, n, errstr, size);
    }
    if (ok && depth) err_recognize(pat, n, errstr, size), ok = false;
    if (!ok) {
        sp_dtf_free(f);
        return NULL;
    }
    for (int k = 0; k < f->nops; k++)
        f->max_len += op_max_len(&f->ops[k]);
    return f;
}

void sp_dtf_free(sp_dtf *f)
{
    if (!f) return;
    free(f->ops);
    free(f->text);
    free(f);
}

size_t sp_dtf_max_len(const sp_dtf *f) { return f->max_len; }
