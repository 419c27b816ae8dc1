/* lexer.c - Spark SQL's tokens (lexer.h), after SqlBaseLexer.g4's rules:
 * longest match, a number followed by a letter, digit or '_' is no number
 * (so 123abc is an identifier), nested bracketed comments. */
#include "sql/lexer.h"

#include <stdio.h>
#include <string.h>

void sp_sql_lexer_init(sp_sql_lexer *lx, const char *text, size_t len)
{
    memset(lx, 0, sizeof *lx);
    lx->text = text;
    lx->len = len;
}

static int at(const sp_sql_lexer *lx, size_t i)
{
    return i < lx->len ? (unsigned char)lx->text[i] : -1;
}

static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static int upper(int c) { return c >= 'a' && c <= 'z' ? c - 32 : c; }

/* Skips white space, "--" comments and nested bracketed comments. */
static void skip_space(sp_sql_lexer *lx)
{
    for (;;) {
        int c = at(lx, lx->pos);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            lx->pos++;
        } else if (c == '-' && at(lx, lx->pos + 1) == '-') {
            while (lx->pos < lx->len && lx->text[lx->pos] != '\n')
                lx->pos++;
        } else if (c == '/' && at(lx, lx->pos + 1) == '*') {
            size_t start = lx->pos;
            int depth = 0;
            while (lx->pos < lx->len) {
                if (at(lx, lx->pos) == '/' && at(lx, lx->pos + 1) == '*') {
                    depth++;
                    lx->pos += 2;
                } else if (at(lx, lx->pos) == '*' && at(lx, lx->pos + 1) == '/') {
                    lx->pos += 2;
                    if (--depth == 0) break;
                } else {
                    lx->pos++;
                }
            }
            if (depth > 0 && !lx->unclosed_comment) {
                lx->unclosed_comment = true;
                lx->unclosed_comment_off = start;
            }
        } else {
            return;
        }
    }
}

/* A quoted run from lx->pos (the opening quote q). Returns false if it does
 * not end before the input does. */
static bool scan_quoted(sp_sql_lexer *lx, int q, bool escapes)
{
    size_t i = lx->pos + 1;
    for (;;) {
        int c = at(lx, i);
        if (c < 0) {
            lx->pos = lx->len;
            return false;
        }
        if (c == '\\' && escapes && i + 1 < lx->len) {
            i += 2;
        } else if (c == q) {
            if (q == '`' && at(lx, i + 1) == '`') {
                i += 2; /* `` inside a backquoted identifier */
                continue;
            }
            lx->pos = i + 1;
            return true;
        } else {
            i++;
        }
    }
}

/* Numbers: DIGIT+ | DIGIT+ '.' DIGIT* | '.' DIGIT+, an optional exponent, an
 * optional suffix (L S Y only after DIGIT+; D F BD after any). */
static void scan_number(sp_sql_lexer *lx, sp_sql_token *t)
{
    size_t i = lx->pos;
    bool dot = false, exp = false;
    while (is_digit(at(lx, i)))
        i++;
    if (at(lx, i) == '.') {
        dot = true;
        i++;
        while (is_digit(at(lx, i)))
            i++;
    }
    if (upper(at(lx, i)) == 'E') {
        size_t j = i + 1;
        if (at(lx, j) == '+' || at(lx, j) == '-') j++;
        if (is_digit(at(lx, j))) {
            exp = true;
            i = j;
            while (is_digit(at(lx, i)))
                i++;
        }
    }
    sp_sql_tk kind = exp ? TK_EXPONENT : dot ? TK_DECIMAL : TK_INT;
    int s = upper(at(lx, i));
    if (s == 'B' && upper(at(lx, i + 1)) == 'D') {
        kind = TK_BIGDEC;
        i += 2;
    } else if (s == 'D' || s == 'F') {
        kind = s == 'D' ? TK_DOUBLE : TK_FLOAT;
        i++;
    } else if (!dot && !exp && (s == 'L' || s == 'S' || s == 'Y')) {
        kind = s == 'L' ? TK_BIGINT : s == 'S' ? TK_SMALLINT : TK_TINYINT;
        i++;
    }
    bool word_follows = at(lx, i) >= 0 && sp_sql_is_word_byte((unsigned char)at(lx, i));
    if (word_follows && lx->text[lx->pos] == '.') {
        /* a.123A: no number may be followed by a letter, digit or '_', so
         * this is a dot and then the word 123A */
        t->kind = TK_OP;
        t->op = OP_DOT;
        lx->pos++;
        return;
    }
    if (word_follows && !dot) {
        /* 123abc, 12LX, 123E3_column: Spark's IDENTIFIER is the longer match */
        while (at(lx, i) >= 0 && sp_sql_is_word_byte((unsigned char)at(lx, i)))
            i++;
        kind = TK_WORD;
    }
    t->kind = kind;
    lx->pos = i;
}

typedef struct op_spelling {
    const char *s;
    sp_sql_op op;
} op_spelling;

/* Longest first, so that "<=>" wins over "<=" and "<". */
static const op_spelling ops[] = {
    {"<=>", OP_NSEQ},   {">>>", OP_USHR}, {"<=", OP_LE},       {">=", OP_GE},
    {"<>", OP_LTGT},    {"!=", OP_NEQ},   {"==", OP_EQEQ},     {"||", OP_CONCAT},
    {"::", OP_DCOLON},  {"->", OP_ARROW}, {"=>", OP_FATARROW}, {"<<", OP_SHL},
    {">>", OP_SHR},     {"(", OP_LPAREN}, {")", OP_RPAREN},    {"[", OP_LBRACKET},
    {"]", OP_RBRACKET}, {"{", OP_LBRACE}, {"}", OP_RBRACE},    {",", OP_COMMA},
    {".", OP_DOT},      {";", OP_SEMI},   {":", OP_COLON},     {"?", OP_QUESTION},
    {"+", OP_PLUS},     {"-", OP_MINUS},  {"*", OP_STAR},      {"/", OP_SLASH},
    {"%", OP_PERCENT},  {"&", OP_AMP},    {"|", OP_PIPE},      {"^", OP_CARET},
    {"~", OP_TILDE},    {"!", OP_BANG},   {"=", OP_EQ},        {"<", OP_LT},
    {">", OP_GT},
};

static bool scan_op(sp_sql_lexer *lx, sp_sql_token *t)
{
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        size_t n = strlen(ops[k].s);
        if (lx->pos + n <= lx->len && memcmp(lx->text + lx->pos, ops[k].s, n) == 0) {
            t->kind = TK_OP;
            t->op = ops[k].op;
            lx->pos += n;
            return true;
        }
    }
    return false;
}

static void scan_token(sp_sql_lexer *lx, sp_sql_token *t)
{
    int c = at(lx, lx->pos);
    int c1 = at(lx, lx->pos + 1);
    if (is_digit(c) || (c == '.' && is_digit(c1))) {
        scan_number(lx, t);
    } else if ((c == 'r' || c == 'R') && (c1 == '\'' || c1 == '"')) {
        lx->pos++;
        t->kind = scan_quoted(lx, c1, false) ? TK_STRING : TK_ERROR;
        t->raw = true;
        t->errmsg = "unterminated string literal";
    } else if (sp_sql_is_word_byte((unsigned char)c)) {
        while (at(lx, lx->pos) >= 0 && sp_sql_is_word_byte((unsigned char)at(lx, lx->pos)))
            lx->pos++;
        t->kind = TK_WORD;
    } else if (c == '\'' || c == '"') {
        t->kind = scan_quoted(lx, c, true) ? TK_STRING : TK_ERROR;
        t->errmsg = "unterminated string literal";
    } else if (c == '`') {
        t->kind = scan_quoted(lx, c, false) ? TK_QIDENT : TK_ERROR;
        t->errmsg = "unterminated quoted identifier";
    } else if (!scan_op(lx, t)) {
        lx->pos++;
        while (lx->pos < lx->len && ((unsigned char)lx->text[lx->pos] & 0xC0) == 0x80)
            lx->pos++;
        t->kind = TK_ERROR;
        t->errmsg = "unexpected character";
    }
}

void sp_sql_lex_next(sp_sql_lexer *lx, sp_sql_token *t)
{
    memset(t, 0, sizeof *t);
    skip_space(lx);
    t->off = (uint32_t)lx->pos;
    if (lx->pos >= lx->len) {
        t->kind = TK_EOF;
        return;
    }
    scan_token(lx, t);
    t->len = (uint32_t)(lx->pos - t->off);
}

void sp_sql_token_display(const char *text, const sp_sql_token *t, char *buf, size_t cap)
{
    if (cap == 0) return;
    if (t->kind == TK_EOF) {
        snprintf(buf, cap, "end of input");
        return;
    }
    size_t n = 0;
    buf[n++ % cap] = '\'';
    for (uint32_t i = 0; i < t->len && n + 4 < cap; i++) {
        char c = text[t->off + i];
        const char *esc = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
        if (esc) {
            buf[n++] = esc[0];
            buf[n++] = esc[1];
        } else {
            buf[n++] = c;
        }
    }
    if (n + 1 < cap) buf[n++] = '\'';
    buf[n < cap ? n : cap - 1] = '\0';
}
