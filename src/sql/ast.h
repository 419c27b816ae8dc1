/* ast.h - the parse tree of Spark SQL statements, allocated in an arena.
 *
 * One node type for every construct (as SQLite's Expr): kind says which, and
 * each kind uses the fields listed below; unused ones are NULL/empty. Every
 * node has the byte offsets [off, end) of its text in the parsed input. Names
 * (str) are unquoted and unescaped, NUL-terminated, in the same arena; the
 * parser keeps keywords' spelling as written and never folds case of names.
 * Literal nodes keep their text as written (str) for the analyzer to type.
 *
 *   expressions                       fields
 *   SQL_LIT_INT..SQL_LIT_BIGDEC       str = digits as written with '-' when
 *                                     negated, suffix stripped
 *   SQL_LIT_STRING                    str = value (escapes applied)
 *   SQL_LIT_BOOL                      op = 0/1        SQL_LIT_NULL
 *   SQL_LIT_TYPED                     str = the type, upper-cased (DATE,
 *                                     TIMESTAMP, X, INTERVAL...), a = SQL_LIT_STRING
 *   SQL_INTERVAL                      list = SQL_INTERVAL_PART (str = value
 *                                     text, op = unit); with op2 != 0 the
 *                                     unit-to-unit form (op = from, op2 = to)
 *   SQL_COLUMN                        list = SQL_NAME parts (a.b.c)
 *   SQL_STAR                          list = qualifier SQL_NAME parts
 *   SQL_FIELD                         a = base, str = field   (f(x).field)
 *   SQL_SUBSCRIPT                     a = base, b = index     (a[0], m['k'])
 *   SQL_UNARY                         op = sp_sql_unop, a
 *   SQL_BINARY                        op = sp_sql_binop, a, b
 *   SQL_IS                            op = sp_sql_is_what, a, flags NOT
 *   SQL_IN_LIST                       a, list, flags NOT
 *   SQL_IN_QUERY                      a, b = query, flags NOT
 *   SQL_BETWEEN                       a, b = low, c = high, flags NOT
 *   SQL_LIKE                          op = sp_sql_like_kind, a, b = pattern,
 *                                     c = escape string or NULL, flags NOT
 *   SQL_CASE                          a = operand or NULL, list = SQL_WHEN
 *                                     (a = condition, b = result), b = else
 *   SQL_CAST                          a, b = SQL_TYPE, flags TRY / DCOLON
 *   SQL_TYPE                          str = the type's source text
 *   SQL_FUNC                          list = name parts, list2 = arguments,
 *                                     flags DISTINCT / STAR, a = FILTER cond
 *   SQL_TABLE_ARG                     TABLE t / TABLE(q): a = relation
 *   SQL_SUBQUERY, SQL_EXISTS          a = query
 *   SQL_ROW                           list = items of (a, b, ...)
 *   SQL_ALIAS                         a = expression, str = alias
 *   relations
 *   SQL_TABLE_REF                     list = name parts, str = alias, flags STREAM
 *   SQL_SUBQUERY_REL                  a = query, str = alias, list = column aliases
 *   SQL_TVF                           list = name parts, list2 = args, str = alias
 *   SQL_VALUES                        list2 = rows (SQL_ROW, or one expression
 *                                     for a one-column row), str = alias,
 *                                     list = column aliases
 *   SQL_JOIN                          op = sp_sql_join_kind, a, b, c = ON
 *                                     condition, list = USING names
 *   queries
 *   SQL_QUERY                         list = SQL_CTE (str, list = column names,
 *                                     a = query), a = body, list2 = SQL_SORT
 *                                     (a = expr, op = sp_sql_sort_dir,
 *                                     op2 = sp_sql_nulls), b = LIMIT, c = OFFSET
 *   SQL_SELECT                        list = items, a = FROM relation, b = WHERE,
 *                                     list2 = GROUP BY, c = HAVING, flags DISTINCT
 *   SQL_SETOP                         op = sp_sql_setop, a, b, flags ALL
 *   statements
 *   SQL_CREATE_VIEW                   list = name, list2 = column names, a = query,
 *                                     flags OR_REPLACE / TEMPORARY / GLOBAL /
 *                                     IF_NOT_EXISTS
 *   SQL_CREATE_TABLE                  list = name, list2 = SQL_COLDEF (str = name,
 *                                     a = SQL_TYPE, b = comment, flags NOT_NULL),
 *                                     str = provider, list3 = SQL_OPTION (str =
 *                                     key, a = value literal), a = SQL_WATERMARK
 *                                     (str = column; Flink's FOR col AS expr:
 *                                     a = expr; col DELAY OF d: b = d),
 *                                     b = AS query, c = COMMENT, flags
 *                                     IF_NOT_EXISTS / OR_REPLACE
 *   SQL_INSERT                        list = table name, a = query, flags OVERWRITE
 *   SQL_SET                           str = key or NULL (SET) or "-v", b = value
 *                                     (SQL_LIT_STRING, raw text) or NULL
 *   SQL_EXPLAIN                       op = sp_sql_explain_mode, a = statement
 *   SQL_SHOW_TABLES                   list = namespace, b = LIKE pattern
 *   SQL_DESCRIBE                      list = name, flags EXTENDED
 *   SQL_NAME                          str = one name part
 */
#ifndef SP_SQL_AST_H
#define SP_SQL_AST_H

#include <spate/value.h>

#include <stddef.h>
#include <stdint.h>

typedef enum sp_sql_kind {
    SQL_LIT_INT,
    SQL_LIT_BIGINT,
    SQL_LIT_SMALLINT,
    SQL_LIT_TINYINT,
    SQL_LIT_DECIMAL,
    SQL_LIT_EXPONENT,
    SQL_LIT_DOUBLE,
    SQL_LIT_FLOAT,
    SQL_LIT_BIGDEC,
    SQL_LIT_STRING,
    SQL_LIT_BOOL,
    SQL_LIT_NULL,
    SQL_LIT_TYPED,
    SQL_INTERVAL,
    SQL_INTERVAL_PART,
    SQL_COLUMN,
    SQL_STAR,
    SQL_FIELD,
    SQL_SUBSCRIPT,
    SQL_UNARY,
    SQL_BINARY,
    SQL_IS,
    SQL_IN_LIST,
    SQL_IN_QUERY,
    SQL_BETWEEN,
    SQL_LIKE,
    SQL_CASE,
    SQL_WHEN,
    SQL_CAST,
    SQL_TYPE,
    SQL_FUNC,
    SQL_TABLE_ARG,
    SQL_SUBQUERY,
    SQL_EXISTS,
    SQL_ROW,
    SQL_ALIAS,
    SQL_TABLE_REF,
    SQL_SUBQUERY_REL,
    SQL_TVF,
    SQL_VALUES,
    SQL_JOIN,
    SQL_QUERY,
    SQL_CTE,
    SQL_SORT,
    SQL_SELECT,
    SQL_SETOP,
    SQL_CREATE_VIEW,
    SQL_CREATE_TABLE,
    SQL_COLDEF,
    SQL_OPTION,
    SQL_WATERMARK,
    SQL_INSERT,
    SQL_SET,
    SQL_EXPLAIN,
    SQL_SHOW_TABLES,
    SQL_DESCRIBE,
    SQL_NAME,
    SQL_KIND_COUNT
} sp_sql_kind;

typedef enum sp_sql_unop { UN_NEG = 1, UN_PLUS, UN_BITNOT, UN_NOT } sp_sql_unop;
typedef enum sp_sql_binop {
    BIN_OR = 1,
    BIN_AND,
    BIN_EQ,
    BIN_NSEQ,
    BIN_NEQ,
    BIN_LT,
    BIN_LE,
    BIN_GT,
    BIN_GE,
    BIN_BITOR,
    BIN_BITXOR,
    BIN_BITAND,
    BIN_SHL,
    BIN_SHR,
    BIN_USHR,
    BIN_ADD,
    BIN_SUB,
    BIN_CONCAT,
    BIN_MUL,
    BIN_DIV,
    BIN_MOD,
    BIN_IDIV,
} sp_sql_binop;
typedef enum sp_sql_is_what { IS_NULL = 1, IS_TRUE, IS_FALSE, IS_UNKNOWN } sp_sql_is_what;
typedef enum sp_sql_like_kind { LIKE_LIKE = 1, LIKE_ILIKE, LIKE_RLIKE } sp_sql_like_kind;
typedef enum sp_sql_join_kind {
    JOIN_INNER = 1,
    JOIN_LEFT,
    JOIN_RIGHT,
    JOIN_FULL,
    JOIN_CROSS,
    JOIN_LEFT_SEMI,
    JOIN_LEFT_ANTI,
    JOIN_COMMA,
} sp_sql_join_kind;
typedef enum sp_sql_sort_dir { SORT_DEFAULT = 0, SORT_ASC, SORT_DESC } sp_sql_sort_dir;
typedef enum sp_sql_nulls { NULLS_DEFAULT = 0, NULLS_FIRST, NULLS_LAST } sp_sql_nulls;
typedef enum sp_sql_setop { SETOP_UNION = 1, SETOP_INTERSECT, SETOP_EXCEPT } sp_sql_setop;
typedef enum sp_sql_explain_mode {
    EXPLAIN_SIMPLE = 0,
    EXPLAIN_EXTENDED,
    EXPLAIN_FORMATTED,
    EXPLAIN_CODEGEN,
    EXPLAIN_COST,
} sp_sql_explain_mode;
typedef enum sp_sql_unit {
    UNIT_YEAR = 1,
    UNIT_MONTH,
    UNIT_WEEK,
    UNIT_DAY,
    UNIT_HOUR,
    UNIT_MINUTE,
    UNIT_SECOND,
    UNIT_MILLISECOND,
    UNIT_MICROSECOND,
} sp_sql_unit;

enum {
    SQL_F_NOT = 1u << 0,
    SQL_F_DISTINCT = 1u << 1,
    SQL_F_STAR = 1u << 2,
    SQL_F_ALL = 1u << 3,
    SQL_F_STREAM = 1u << 4,
    SQL_F_TRY = 1u << 5,
    SQL_F_DCOLON = 1u << 6,
    SQL_F_OR_REPLACE = 1u << 7,
    SQL_F_TEMPORARY = 1u << 8,
    SQL_F_GLOBAL = 1u << 9,
    SQL_F_IF_NOT_EXISTS = 1u << 10,
    SQL_F_NOT_NULL = 1u << 11,
    SQL_F_OVERWRITE = 1u << 12,
    SQL_F_EXTENDED = 1u << 13,
};

typedef struct sp_sql_node sp_sql_node;

typedef struct sp_sql_list {
    sp_sql_node **items;
    uint32_t n;
} sp_sql_list;

struct sp_sql_node {
    sp_sql_kind kind;
    int op, op2;
    uint32_t flags;
    uint32_t off, end; /* byte offsets of the node's text */
    const char *str;
    uint32_t slen; /* bytes of str (a string literal may hold NUL) */
    sp_sql_node *a, *b, *c;
    sp_sql_list list, list2, list3;
};

/* A new zeroed node in arena a. */
sp_sql_node *sp_sql_node_new(spate_arena *a, sp_sql_kind kind, uint32_t off);

/* Appends n to list l, growing it in arena a (doubling, so a list of n items
 * wastes at most n slots; nothing to free, which keeps the parser's error
 * exits leak-free). */
void sp_sql_list_push(sp_sql_list *l, spate_arena *a, sp_sql_node *n);

const char *sp_sql_kind_name(sp_sql_kind k);
const char *sp_sql_unit_name(int unit);

/* The s-expression of a node (tests and EXPLAIN-like debugging), NUL-terminated
 * in arena a. The form of each kind is in ast_print.c. */
const char *sp_sql_node_sexpr(spate_arena *a, const sp_sql_node *n);

#endif
