/* lexer.h - Spark SQL tokens: words (keywords are words, compared without
 * case by the parser), backquoted identifiers, string literals, numbers with
 * Spark's suffixes, operators; comments and white space are skipped.
 *
 * The lexer is incremental (the parser pulls one token at a time and may
 * restart it at any offset: SET takes the rest of its statement raw, as Spark
 * does). A malformed token (unterminated string or backquote, stray byte) is
 * a TK_ERROR token: the parser reports a syntax error only if it reaches it.
 * An unclosed bracketed comment runs to the end of input and is remembered in
 * unclosed_comment_off, for the parser's UNCLOSED_BRACKETED_COMMENT.
 * Not thread-safe: one lexer per parse. */
#ifndef SP_SQL_LEXER_H
#define SP_SQL_LEXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum sp_sql_tk {
    TK_EOF,
    TK_WORD,     /* identifier or keyword: [A-Za-z0-9_]+ and bytes >= 0x80 */
    TK_QIDENT,   /* `backquoted`, text between the quotes */
    TK_STRING,   /* '...' or "..." (r'...' raw) */
    TK_INT,      /* 12 */
    TK_BIGINT,   /* 12L */
    TK_SMALLINT, /* 12S */
    TK_TINYINT,  /* 12Y */
    TK_DECIMAL,  /* 1.5, .5, 1. */
    TK_EXPONENT, /* 1e10, 1.5E-3 (a double) */
    TK_DOUBLE,   /* 1D, 1.5D */
    TK_FLOAT,    /* 1F */
    TK_BIGDEC,   /* 1BD, 1.5BD */
    TK_OP,       /* punctuation and operators: op says which */
    TK_ERROR,
} sp_sql_tk;

typedef enum sp_sql_op {
    OP_NONE,
    OP_LPAREN,
    OP_RPAREN,
    OP_LBRACKET,
    OP_RBRACKET,
    OP_LBRACE,
    OP_RBRACE,
    OP_COMMA,
    OP_DOT,
    OP_SEMI,
    OP_COLON,
    OP_DCOLON,
    OP_QUESTION,
    OP_PLUS,
    OP_MINUS,
    OP_STAR,
    OP_SLASH,
    OP_PERCENT,
    OP_AMP,
    OP_PIPE,
    OP_CARET,
    OP_TILDE,
    OP_BANG,
    OP_CONCAT,
    OP_EQ,
    OP_EQEQ,
    OP_NEQ,
    OP_LTGT,
    OP_LT,
    OP_LE,
    OP_GT,
    OP_GE,
    OP_NSEQ,
    OP_SHL,
    OP_SHR,
    OP_USHR,
    OP_ARROW,
    OP_FATARROW,
} sp_sql_op;

typedef struct sp_sql_token {
    sp_sql_tk kind;
    sp_sql_op op;       /* for TK_OP */
    bool raw;           /* TK_STRING: r'...' (no escapes) */
    uint32_t off;       /* byte offset of the first byte */
    uint32_t len;       /* bytes of source text, quotes and suffixes included */
    const char *errmsg; /* TK_ERROR: static text saying what is wrong */
} sp_sql_token;

typedef struct sp_sql_lexer {
    const char *text;
    size_t len;
    size_t pos;
    bool unclosed_comment;
    size_t unclosed_comment_off;
} sp_sql_lexer;

void sp_sql_lexer_init(sp_sql_lexer *lx, const char *text, size_t len);
/* Skips white space and comments, then reads the next token into *t. At the
 * end of input, returns TK_EOF (again and again) at offset len. */
void sp_sql_lex_next(sp_sql_lexer *lx, sp_sql_token *t);
/* Spark's display of a token in "at or near": 'text' with \n, \r, \t escaped,
 * or "end of input" for TK_EOF. Writes at most cap bytes (NUL included). */
void sp_sql_token_display(const char *text, const sp_sql_token *t, char *buf, size_t cap);
/* Byte classes shared with the parser. */
static inline bool sp_sql_is_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c >= 0x80;
}

#endif
