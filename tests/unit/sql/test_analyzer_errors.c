/* test_analyzer_errors.c - the analyzer's errors rendered as Spark 4.0 prints
 * them, with the offending node's line, position and caret: the candidates
 * of UNRESOLVED_COLUMN.WITH_SUGGESTION ordered by Levenshtein distance and
 * cut to five (the name1_user case is Spark's, from a user report of
 * orderSuggestedIdentifiersBySimilarity), qualifiers kept when the name has
 * one; MISSING_AGGREGATION's parameters as in Spark's SQLViewSuite
 * ("\"c1\"", "\"any_value(c1)\""); WRONG_NUM_ARGS with Spark's expectedNum
 * forms ("1", "[2, 3]", "> 0"); DATATYPE_MISMATCH subclasses with
 * toSQLExpr / toSQLType parameters. The fixture is analyzer_test_util.h's. */
#include "analyzer_test_util.h"

#include "../conformance_util.h"

typedef struct err_case {
    const char *sql;
    bool ansi;
    const char *error;
} err_case;

static const err_case err_cases[] = {
    {"SELECT kidn FROM orders", true,
     "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name "
     "`kidn` cannot be resolved. Did you mean one of the following? [`kind`, `time`, `qty`, "
     "`price`, `amount`]. SQLSTATE: 42703 (line 1, pos 7)\n"
     "\n"
     "== SQL ==\n"
     "SELECT kidn FROM orders\n"
     "-------^^^\n"},
    {"SELECT name1_user FROM users", true,
     "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name "
     "`name1_user` cannot be resolved. Did you mean one of the following? [`name_user`, "
     "`age_user`, `city_user`]. SQLSTATE: 42703 (line 1, pos 7)\n"
     "\n"
     "== SQL ==\n"
     "SELECT name1_user FROM users\n"
     "-------^^^\n"},
    {"SELECT c9 FROM big", true,
     "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name `c9` "
     "cannot be resolved. Did you mean one of the following? [`c1`, `c2`, `c3`, `c4`, `c5`]. "
     "SQLSTATE: 42703 (line 1, pos 7)\n"
     "\n"
     "== SQL ==\n"
     "SELECT c9 FROM big\n"
     "-------^^^\n"},
    {"SELECT x.kind FROM orders", true,
     "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name "
     "`x`.`kind` cannot be resolved. Did you mean one of the following? [`orders`.`kind`, "
     "`orders`.`time`, `orders`.`qty`, `orders`.`price`, `orders`.`amount`]. SQLSTATE: 42703 (line "
     "1, pos 7)\n"
     "\n"
     "== SQL ==\n"
     "SELECT x.kind FROM orders\n"
     "-------^^^\n"},
    {"SELECT kind FROM orders o WHERE o.nope = 1", true,
     "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name "
     "`o`.`nope` cannot be resolved. Did you mean one of the following? [`o`.`time`, `o`.`qty`, "
     "`o`.`kind`, `o`.`price`, `o`.`amount`]. SQLSTATE: 42703 (line 1, pos 32)\n"
     "\n"
     "== SQL ==\n"
     "SELECT kind FROM orders o WHERE o.nope = 1\n"
     "--------------------------------^^^\n"},
    {"SELECT kind FROM nope", true,
     "[TABLE_OR_VIEW_NOT_FOUND] The table or view `nope` cannot be found. Verify the spelling and "
     "correctness of the schema and catalog.\n"
     "If you did not qualify the name with a schema, verify the current_schema() output, or "
     "qualify the name with the correct schema and catalog.\n"
     "To tolerate the error on drop use DROP VIEW IF EXISTS or DROP TABLE IF EXISTS. SQLSTATE: "
     "42P01 (line 1, pos 17)\n"
     "\n"
     "== SQL ==\n"
     "SELECT kind FROM nope\n"
     "-----------------^^^\n"},
    {"SELECT * FROM db.nope", true,
     "[TABLE_OR_VIEW_NOT_FOUND] The table or view `db`.`nope` cannot be found. Verify the spelling "
     "and correctness of the schema and catalog.\n"
     "If you did not qualify the name with a schema, verify the current_schema() output, or "
     "qualify the name with the correct schema and catalog.\n"
     "To tolerate the error on drop use DROP VIEW IF EXISTS or DROP TABLE IF EXISTS. SQLSTATE: "
     "42P01 (line 1, pos 14)\n"
     "\n"
     "== SQL ==\n"
     "SELECT * FROM db.nope\n"
     "--------------^^^\n"},
    {"SELECT kind FROM orders GROUP BY 3", true,
     "[GROUP_BY_POS_OUT_OF_RANGE] GROUP BY position 3 is not in select list (valid range is [1, "
     "1]). SQLSTATE: 42805 (line 1, pos 33)\n"
     "\n"
     "== SQL ==\n"
     "SELECT kind FROM orders GROUP BY 3\n"
     "---------------------------------^^^\n"},
    {"SELECT kind FROM orders GROUP BY 0", true,
     "[GROUP_BY_POS_OUT_OF_RANGE] GROUP BY position 0 is not in select list (valid range is [1, "
     "1]). SQLSTATE: 42805 (line 1, pos 33)\n"
     "\n"
     "== SQL ==\n"
     "SELECT kind FROM orders GROUP BY 0\n"
     "---------------------------------^^^\n"},
    {"SELECT kind FROM orders ORDER BY 2", true,
     "[ORDER_BY_POS_OUT_OF_RANGE] ORDER BY position 2 is not in select list (valid range is [1, "
     "1]). SQLSTATE: 42805 (line 1, pos 33)\n"
     "\n"
     "== SQL ==\n"
     "SELECT kind FROM orders ORDER BY 2\n"
     "---------------------------------^^^\n"},
    {"SELECT foo(kind) FROM orders", true,
     "[UNRESOLVED_ROUTINE] Cannot resolve routine `foo` on search path [`system`.`builtin`, "
     "`system`.`session`, `spark_catalog`.`default`]. SQLSTATE: 42883 (line 1, pos 7)\n"
     "\n"
     "== SQL ==\n"
     "SELECT foo(kind) FROM orders\n"
     "-------^^^\n"},
    {"SELECT kind FROM orders, prices", true,
     "[AMBIGUOUS_REFERENCE] Reference `kind` is ambiguous, could be: [`orders`.`kind`, "
     "`prices`.`kind`]. SQLSTATE: 42704 (line 1, pos 7)\n"
     "\n"
     "== SQL ==\n"
     "SELECT kind FROM orders, prices\n"
     "-------^^^\n"},
    {"SELECT upper(kind, 1) FROM orders", true,
     "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `upper` requires 1 parameters but the actual number "
     "is 2. Please, refer to 'https://spark.apache.org/docs/latest/sql-ref-functions.html' for a "
     "fix. SQLSTATE: 42605 (line 1, pos 7)\n"
     "\n"
     "== SQL ==\n"
     "SELECT upper(kind, 1) FROM orders\n"
     "-------^^^\n"},
    {"SELECT substr(kind) FROM orders", true,
     "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `substr` requires [2, 3] parameters but the actual "
     "number is 1. Please, refer to 'https://spark.apache.org/docs/latest/sql-ref-functions.html' "
     "for a fix. SQLSTATE: 42605 (line 1, pos 7)\n"
     "\n"
     "== SQL ==\n"
     "SELECT substr(kind) FROM orders\n"
     "-------^^^\n"},
    {"SELECT coalesce() FROM orders", true,
     "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `coalesce` requires > 0 parameters but the actual "
     "number is 0. Please, refer to 'https://spark.apache.org/docs/latest/sql-ref-functions.html' "
     "for a fix. SQLSTATE: 42605 (line 1, pos 7)\n"
     "\n"
     "== SQL ==\n"
     "SELECT coalesce() FROM orders\n"
     "-------^^^\n"},
    {"SELECT price + true FROM orders", true,
     "[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve \"(price + true)\" due to data type "
     "mismatch: the left and right operands of the binary operator have incompatible types "
     "(\"INT\" and \"BOOLEAN\"). SQLSTATE: 42K09 (line 1, pos 7)\n"
     "\n"
     "== SQL ==\n"
     "SELECT price + true FROM orders\n"
     "-------^^^\n"},
    {"SELECT true + false FROM orders", true,
     "[DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE] Cannot resolve \"(true + false)\" due to data type "
     "mismatch: the binary operator requires the input type (\"NUMERIC\" or \"INTERVAL DAY TO "
     "SECOND\" or \"INTERVAL YEAR TO MONTH\" or \"INTERVAL\"), not \"BOOLEAN\". SQLSTATE: 42K09 "
     "(line 1, pos 7)\n"
     "\n"
     "== SQL ==\n"
     "SELECT true + false FROM orders\n"
     "-------^^^\n"},
    {"SELECT kind FROM orders WHERE price AND true", true,
     "[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve \"(price AND true)\" due to data "
     "type mismatch: the left and right operands of the binary operator have incompatible types "
     "(\"INT\" and \"BOOLEAN\"). SQLSTATE: 42K09 (line 1, pos 30)\n"
     "\n"
     "== SQL ==\n"
     "SELECT kind FROM orders WHERE price AND true\n"
     "------------------------------^^^\n"},
    {"SELECT time > 1 FROM orders", true,
     "[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve \"(time > 1)\" due to data type "
     "mismatch: the left and right operands of the binary operator have incompatible types "
     "(\"TIMESTAMP\" and \"INT\"). SQLSTATE: 42K09 (line 1, pos 7)\n"
     "\n"
     "== SQL ==\n"
     "SELECT time > 1 FROM orders\n"
     "-------^^^\n"},
    {"SELECT CAST(true AS TIMESTAMP) FROM orders", true,
     "[DATATYPE_MISMATCH.CAST_WITH_CONF_SUGGESTION] Cannot resolve \"CAST(true AS TIMESTAMP)\" due "
     "to data type mismatch: cannot cast \"BOOLEAN\" to \"TIMESTAMP\" with ANSI mode on.\n"
     "If you have to cast \"BOOLEAN\" to \"TIMESTAMP\", you can set \"spate.sql.ansi.enabled\" as "
     "'false'. SQLSTATE: 42K09 (line 1, pos 7)\n"
     "\n"
     "== SQL ==\n"
     "SELECT CAST(true AS TIMESTAMP) FROM orders\n"
     "-------^^^\n"},
    {"SELECT CAST(time AS BINARY) FROM orders", true,
     "[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] Cannot resolve \"CAST(time AS BINARY)\" due to "
     "data type mismatch: cannot cast \"TIMESTAMP\" to \"BINARY\". SQLSTATE: 42K09 (line 1, pos "
     "7)\n"
     "\n"
     "== SQL ==\n"
     "SELECT CAST(time AS BINARY) FROM orders\n"
     "-------^^^\n"},
    {"SELECT count(sum(price)) FROM orders", true,
     "[NESTED_AGGREGATE_FUNCTION] It is not allowed to use an aggregate function in the argument "
     "of another aggregate function. Please use the inner aggregate function in a sub-query. "
     "SQLSTATE: 42607 (line 1, pos 13)\n"
     "\n"
     "== SQL ==\n"
     "SELECT count(sum(price)) FROM orders\n"
     "-------------^^^\n"},
    {"SELECT kind FROM orders WHERE count(*) > 1", true,
     "[INVALID_WHERE_CONDITION] The WHERE condition \"(count(1) > 1)\" contains invalid "
     "expressions: count(1).\n"
     "Rewrite the query to avoid window functions, aggregate functions, and generator functions in "
     "the WHERE clause. SQLSTATE: 42903 (line 1, pos 30)\n"
     "\n"
     "== SQL ==\n"
     "SELECT kind FROM orders WHERE count(*) > 1\n"
     "------------------------------^^^\n"},
    {"SELECT count(*) FROM orders GROUP BY count(*)", true,
     "[GROUP_BY_AGGREGATE] Aggregate functions are not allowed in GROUP BY, but found "
     "\"count(1)\". SQLSTATE: 42903 (line 1, pos 37)\n"
     "\n"
     "== SQL ==\n"
     "SELECT count(*) FROM orders GROUP BY count(*)\n"
     "-------------------------------------^^^\n"},
    {"SELECT kind, price FROM orders UNION ALL SELECT kind FROM prices", true,
     "[NUM_COLUMNS_MISMATCH] UNION can only be performed on inputs with the same number of "
     "columns, but the first input has 2 columns and the second input has 1 columns. SQLSTATE: "
     "42826 (line 1, pos 0)\n"
     "\n"
     "== SQL ==\n"
     "SELECT kind, price FROM orders UNION ALL SELECT kind FROM prices\n"
     "^^^\n"},
    {"SELECT time FROM orders UNION ALL SELECT true FROM prices", true,
     "[INCOMPATIBLE_COLUMN_TYPE] UNION can only be performed on tables with compatible column "
     "types. The first column of the second table is \"BOOLEAN\" type which is not compatible with "
     "\"TIMESTAMP\" at the same column of the first table.. SQLSTATE: 42825 (line 1, pos 0)\n"
     "\n"
     "== SQL ==\n"
     "SELECT time FROM orders UNION ALL SELECT true FROM prices\n"
     "^^^\n"},
    {"SELECT sum(price > 1) FROM orders", true,
     "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"sum((price > 1))\" due to data "
     "type mismatch: The first parameter requires the (\"NUMERIC\" or \"ANSI INTERVAL\") type, "
     "however \"(price > 1)\" has the type \"BOOLEAN\". SQLSTATE: 42K09 (line 1, pos 7)\n"
     "\n"
     "== SQL ==\n"
     "SELECT sum(price > 1) FROM orders\n"
     "-------^^^\n"},
    {"SELECT kind FROM orders WHERE price", true,
     "[DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN] Cannot resolve \"price\" due to data type mismatch: "
     "Filter expression \"price\" of type \"INT\" is not a boolean. SQLSTATE: 42K09 (line 1, pos "
     "30)\n"
     "\n"
     "== SQL ==\n"
     "SELECT kind FROM orders WHERE price\n"
     "------------------------------^^^\n"},
    {"SELECT price IN (1, true) FROM orders", true,
     "[DATATYPE_MISMATCH.DATA_DIFF_TYPES] Cannot resolve \"(price IN (1, true))\" due to data type "
     "mismatch: Input to `in` should all be the same type, but it's [\"INT\", \"INT\", "
     "\"BOOLEAN\"]. SQLSTATE: 42K09 (line 1, pos 7)\n"
     "\n"
     "== SQL ==\n"
     "SELECT price IN (1, true) FROM orders\n"
     "-------^^^\n"},
    {"SELECT CASE WHEN price > 1 THEN 1 ELSE true END FROM orders", true,
     "[DATATYPE_MISMATCH.DATA_DIFF_TYPES] Cannot resolve \"CASE WHEN (price > 1) THEN 1 ELSE true "
     "END\" due to data type mismatch: Input to `casewhen` should all be the same type, but it's "
     "[\"INT\", \"BOOLEAN\"]. SQLSTATE: 42K09 (line 1, pos 7)\n"
     "\n"
     "== SQL ==\n"
     "SELECT CASE WHEN price > 1 THEN 1 ELSE true END FROM orders\n"
     "-------^^^\n"},
    {"SELECT CAST(CAST(time AS DATE) AS INT) FROM orders", true,
     "[DATATYPE_MISMATCH.CAST_WITH_FUNC_SUGGESTION] Cannot resolve \"CAST(CAST(time AS DATE) AS "
     "INT)\" due to data type mismatch: cannot cast \"DATE\" to \"INT\".\n"
     "To convert values from \"DATE\" to \"INT\", you can use the functions `UNIX_DATE` instead. "
     "SQLSTATE: 42K09 (line 1, pos 7)\n"
     "\n"
     "== SQL ==\n"
     "SELECT CAST(CAST(time AS DATE) AS INT) FROM orders\n"
     "-------^^^\n"},
    {"SELECT price FROM orders ORDER BY nope", true,
     "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name "
     "`nope` cannot be resolved. Did you mean one of the following? [`price`]. SQLSTATE: 42703 "
     "(line 1, pos 34)\n"
     "\n"
     "== SQL ==\n"
     "SELECT price FROM orders ORDER BY nope\n"
     "----------------------------------^^^\n"},
    /* Spark's ResolverSuite: aggExpr is the item's Alias.sql */
    {"SELECT kind, count(*) FROM orders GROUP BY 2", true,
     "[GROUP_BY_POS_AGGREGATE] GROUP BY 2 refers to an expression count(1) AS `count(1)` that "
     "contains an aggregate function. Aggregate functions are not allowed in GROUP BY. SQLSTATE: "
     "42903 (line 1, pos 43)\n"
     "\n"
     "== SQL ==\n"
     "SELECT kind, count(*) FROM orders GROUP BY 2\n"
     "-------------------------------------------^^^\n"},
    /* a position on a later line: the caret under it, the rest below */
    {"SELECT kind,\n  price\nFROM orders GROUP BY kind", true,
     "[MISSING_AGGREGATION] The non-aggregating expression \"price\" is based on columns which are "
     "not participating in the GROUP BY clause.\n"
     "Add the columns or the expression to the GROUP BY, aggregate the expression, or use "
     "\"any_value(price)\" if you do not care which of the values within a group is returned. "
     "SQLSTATE: 42803 (line 2, pos 2)\n"
     "\n"
     "== SQL ==\n"
     "SELECT kind,\n"
     "  price\n"
     "--^^^\n"
     "FROM orders GROUP BY kind\n"},
};

enum { NERR = sizeof err_cases / sizeof err_cases[0] };

CU_CASE_INDICES(analyzer_errors, rendered, NERR)

ParameterizedTest(int *i, analyzer_errors, rendered)
{
    const err_case *c = &err_cases[*i];
    sp_catalog *cat = az_catalog();
    char *got = az_run(cat, c->sql, c->ansi);
    cr_expect_str_eq(got, c->error, "%s\n%s", c->sql, got);
    free(got);
    sp_catalog_free(cat);
}
