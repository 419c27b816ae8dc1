/* sql_error_table.c - the error conditions spate's SQL layer raises: name,
 * SQLSTATE and message template, as in Spark 4.0's error-conditions.json.
 * Add a condition here (main row first, then its sub rows) before raising it;
 * tests/unit/sql/test_sql_error.c renders every row. */
#include "sql/sql_error.h"

#include <stddef.h>

const sp_sql_condition sp_sql_conditions[] = {
    /* Parser */
    {"PARSE_SYNTAX_ERROR", NULL, "42601", "Syntax error at or near <error><hint>."},
    {"PARSE_EMPTY_STATEMENT", NULL, "42617", "Syntax error, unexpected empty statement."},
    {"UNCLOSED_BRACKETED_COMMENT", NULL, "42601",
     "Found an unclosed bracketed comment. Please, append */ at the end of the comment."},
    {"INVALID_IDENTIFIER", NULL, "42602",
     "The unquoted identifier <ident> is invalid and must be back quoted as: `<ident>`.\n"
     "Unquoted identifiers can only contain ASCII letters ('a' - 'z', 'A' - 'Z'), digits ('0' - "
     "'9'), and underbar ('_').\n"
     "Unquoted identifiers must also not start with a digit.\n"
     "Different data sources and meta stores may impose additional restrictions on valid "
     "identifiers."},
    {"FAILED_TO_PARSE_TOO_COMPLEX", NULL, "54001",
     "The statement, including potential SQL functions and referenced views, was too complex to "
     "parse. To mitigate this error divide the statement into multiple, less complex chunks."},
    {"INVALID_SET_SYNTAX", NULL, "42000",
     "Expected format is 'SET', 'SET key', or 'SET key=value'. If you want to include special "
     "characters in key, or include semicolon in value, please use backquotes, e.g., SET "
     "`key`=`value`."},
    {"INVALID_PROPERTY_KEY", NULL, "42602",
     "<key> is an invalid property key, please use quotes, e.g. SET <key>=<value>."},
    {"INVALID_PROPERTY_VALUE", NULL, "42602",
     "<value> is an invalid property value, please use quotes, e.g. SET <key>=<value>"},
    /* Literals */
    {"INVALID_NUMERIC_LITERAL_RANGE", NULL, "22003",
     "Numeric literal <rawStrippedQualifier> is outside the valid range for <typeName> with "
     "minimum value of <minValue> and maximum value of <maxValue>. Please adjust the value "
     "accordingly."},
    {"INVALID_TYPED_LITERAL", NULL, "42604",
     "The value of the typed literal <valueType> is invalid: <value>."},
    {"UNSUPPORTED_TYPED_LITERAL", NULL, "0A000",
     "Literals of the type <unsupportedType> are not supported. Supported types are "
     "<supportedTypes>."},
    {"INVALID_ESC", NULL, "42604",
     "Found an invalid escape string: <invalidEscape>. The escape string must contain only one "
     "character."},
    {"INVALID_INTERVAL_FORMAT", NULL, "22006",
     "Error parsing '<input>' to interval. Please ensure that the value provided is in a valid "
     "format for defining an interval. You can reference the documentation for the correct "
     "format."},
    {"INVALID_INTERVAL_FORMAT", "INVALID_FRACTION", NULL, "<unit> cannot have fractional part."},
    {"INVALID_INTERVAL_FORMAT", "INVALID_UNIT", NULL, "Invalid unit <unit>."},
    {"INVALID_INTERVAL_FORMAT", "INVALID_VALUE", NULL, "Invalid value <value>."},
    {"INVALID_INTERVAL_FORMAT", "INPUT_IS_EMPTY", NULL, "Interval string cannot be empty."},
    {"INVALID_INTERVAL_FORMAT", "UNSUPPORTED_FROM_TO_EXPRESSION", NULL,
     "Cannot support (interval '<input>' <from> to <to>) expression."},
    /* Analyzer */
    {"UNRESOLVED_COLUMN", NULL, "42703",
     "A column, variable, or function parameter with name <objectName> cannot be resolved."},
    {"UNRESOLVED_COLUMN", "WITHOUT_SUGGESTION", NULL, ""},
    {"UNRESOLVED_COLUMN", "WITH_SUGGESTION", NULL,
     "Did you mean one of the following? [<proposal>]."},
    {"UNRESOLVED_COLUMN_AMONG_FIELD_NAMES", NULL, "42703",
     "Cannot resolve column name <colName> among (<fieldNames>)."},
    {"UNRESOLVED_USING_COLUMN_FOR_JOIN", NULL, "42703",
     "USING column <colName> cannot be resolved on the <side> side of the join. The <side>-side "
     "columns: [<suggestion>]."},
    {"UNRESOLVED_ROUTINE", NULL, "42883",
     "Cannot resolve routine <routineName> on search path <searchPath>."},
    {"TABLE_OR_VIEW_NOT_FOUND", NULL, "42P01",
     "The table or view <relationName> cannot be found. Verify the spelling and correctness of "
     "the schema and catalog.\n"
     "If you did not qualify the name with a schema, verify the current_schema() output, or "
     "qualify the name with the correct schema and catalog.\n"
     "To tolerate the error on drop use DROP VIEW IF EXISTS or DROP TABLE IF EXISTS."},
    {"AMBIGUOUS_REFERENCE", NULL, "42704",
     "Reference <name> is ambiguous, could be: <referenceNames>."},
    {"MISSING_AGGREGATION", NULL, "42803",
     "The non-aggregating expression <expression> is based on columns which are not "
     "participating in the GROUP BY clause.\n"
     "Add the columns or the expression to the GROUP BY, aggregate the expression, or use "
     "<expressionAnyValue> if you do not care which of the values within a group is returned."},
    {"GROUP_BY_POS_OUT_OF_RANGE", NULL, "42805",
     "GROUP BY position <index> is not in select list (valid range is [1, <size>])."},
    {"ORDER_BY_POS_OUT_OF_RANGE", NULL, "42805",
     "ORDER BY position <index> is not in select list (valid range is [1, <size>])."},
    {"GROUP_BY_AGGREGATE", NULL, "42903",
     "Aggregate functions are not allowed in GROUP BY, but found <sqlExpr>."},
    {"GROUP_BY_POS_AGGREGATE", NULL, "42903",
     "GROUP BY <index> refers to an expression <aggExpr> that contains an aggregate function. "
     "Aggregate functions are not allowed in GROUP BY."},
    {"INVALID_WHERE_CONDITION", NULL, "42903",
     "The WHERE condition <condition> contains invalid expressions: <expressionList>.\n"
     "Rewrite the query to avoid window functions, aggregate functions, and generator functions "
     "in the WHERE clause."},
    {"NESTED_AGGREGATE_FUNCTION", NULL, "42607",
     "It is not allowed to use an aggregate function in the argument of another aggregate "
     "function. Please use the inner aggregate function in a sub-query."},
    {"WRONG_NUM_ARGS", NULL, "42605",
     "The <functionName> requires <expectedNum> parameters but the actual number is "
     "<actualNum>."},
    {"WRONG_NUM_ARGS", "WITHOUT_SUGGESTION", NULL,
     "Please, refer to 'https://spark.apache.org/docs/latest/sql-ref-functions.html' for a fix."},
    {"NUM_COLUMNS_MISMATCH", NULL, "42826",
     "<operator> can only be performed on inputs with the same number of columns, but the first "
     "input has <firstNumColumns> columns and the <invalidOrdinalNum> input has "
     "<invalidNumColumns> columns."},
    {"INCOMPATIBLE_COLUMN_TYPE", NULL, "42825",
     "<operator> can only be performed on tables with compatible column types. The "
     "<columnOrdinalNumber> column of the <tableOrdinalNumber> table is <dataType1> type which "
     "is not compatible with <dataType2> at the same column of the first table.<hint>."},
    {"DATATYPE_MISMATCH", NULL, "42K09", "Cannot resolve <sqlExpr> due to data type mismatch:"},
    {"DATATYPE_MISMATCH", "BINARY_OP_DIFF_TYPES", NULL,
     "the left and right operands of the binary operator have incompatible types (<left> and "
     "<right>)."},
    {"DATATYPE_MISMATCH", "BINARY_OP_WRONG_TYPE", NULL,
     "the binary operator requires the input type <inputType>, not <actualDataType>."},
    {"DATATYPE_MISMATCH", "CAST_WITHOUT_SUGGESTION", NULL,
     "cannot cast <srcType> to <targetType>."},
    {"DATATYPE_MISMATCH", "CAST_WITH_CONF_SUGGESTION", NULL,
     "cannot cast <srcType> to <targetType> with ANSI mode on.\n"
     "If you have to cast <srcType> to <targetType>, you can set <config> as <configVal>."},
    {"DATATYPE_MISMATCH", "CAST_WITH_FUNC_SUGGESTION", NULL,
     "cannot cast <srcType> to <targetType>.\n"
     "To convert values from <srcType> to <targetType>, you can use the functions "
     "<functionNames> instead."},
    {"DATATYPE_MISMATCH", "DATA_DIFF_TYPES", NULL,
     "Input to <functionName> should all be the same type, but it's <dataType>."},
    {"DATATYPE_MISMATCH", "FILTER_NOT_BOOLEAN", NULL,
     "Filter expression <filter> of type <type> is not a boolean."},
    {"DATATYPE_MISMATCH", "INVALID_IN_SUBQUERY_LENGTH", NULL,
     "The number of columns in the left hand side of an IN subquery does not match the number "
     "of columns in the output of subquery. Left hand side columns(length: <leftLength>): "
     "[<leftColumns>], right hand side columns(length: <rightLength>): [<rightColumns>]."},
    {"DATATYPE_MISMATCH", "INVALID_JSON_SCHEMA", NULL,
     "Input schema <schema> must be a struct, an array, a map or a variant."},
    {"DATATYPE_MISMATCH", "INVALID_ORDERING_TYPE", NULL,
     "The <functionName> does not support ordering on type <dataType>."},
    {"DATATYPE_MISMATCH", "PARAMETER_CONSTRAINT_VIOLATION", NULL,
     "The <leftExprName>(<leftExprValue>) must be <constraint> the "
     "<rightExprName>(<rightExprValue>)."},
    {"DATATYPE_MISMATCH", "UNEXPECTED_INPUT_TYPE", NULL,
     "The <paramIndex> parameter requires the <requiredType> type, however <inputSql> has the "
     "type <inputType>."},
    {"DATATYPE_MISMATCH", "VALUE_OUT_OF_RANGE", NULL,
     "The <exprName> must be between <valueRange> (current value = <currentValue>)."},
    {"FIELD_NOT_FOUND", NULL, "42704", "No such struct field <fieldName> in <fields>."},
    {"INVALID_EXTRACT_BASE_FIELD_TYPE", NULL, "42000",
     "Can't extract a value from <base>. Need a complex type [STRUCT, ARRAY, MAP] but got "
     "<other>."},
    {"INTERNAL_ERROR", NULL, "XX000", "<message>"},
    {"INVALID_INLINE_TABLE", NULL, "42000", "Invalid inline table."},
    {"INVALID_INLINE_TABLE", "INCOMPATIBLE_TYPES_IN_INLINE_TABLE", NULL,
     "Found incompatible types in the column <colName> for inline table."},
    {"INVALID_INLINE_TABLE", "NUM_COLUMNS_MISMATCH", NULL,
     "Inline table expected <expectedNumCols> columns but found <actualNumCols> columns in row "
     "<rowIndex>."},
    {"INVALID_SUBQUERY_EXPRESSION", NULL, "42823", "Invalid subquery:"},
    {"INVALID_SUBQUERY_EXPRESSION", "SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_COLUMN", NULL,
     "Scalar subquery must return only one column, but got <number>."},
    {"INVALID_SCHEMA", NULL, "42K07",
     "The input schema <inputSchema> is not a valid schema string."},
    {"INVALID_SCHEMA", "NON_STRING_LITERAL", NULL,
     "The input expression must be string literal and not null."},
    {"INVALID_SCHEMA", "NON_STRUCT_TYPE", NULL,
     "The input expression should be evaluated to struct type, but got <dataType>."},
    {"INVALID_SCHEMA", "PARSE_ERROR", NULL, "Cannot parse the schema:\n<reason>"},
    {"UNSUPPORTED_FEATURE", NULL, "0A000", "The feature is not supported: <message>."},
    {"EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE", NULL, "42K09",
     "The event time <eventName> has the invalid type <eventType>, but expected \"TIMESTAMP\"."},
    /* Datetime patterns (a constant format of to_timestamp, date_format...) */
    {"INCONSISTENT_BEHAVIOR_CROSS_VERSION", NULL, "42K0B",
     "You may get a different result due to the upgrading to"},
    {"INCONSISTENT_BEHAVIOR_CROSS_VERSION", "DATETIME_PATTERN_RECOGNITION", NULL,
     "Spark >= 3.0:\nFail to recognize <pattern> pattern in the DateTimeFormatter. 1) You can set "
     "<config> to \"LEGACY\" to restore the behavior before Spark 3.0. 2) You can form a valid "
     "datetime pattern with the guide from '<docroot>/sql-ref-datetime-pattern.html'."},
    {"INVALID_DATETIME_PATTERN", NULL, "22007", "Unrecognized datetime pattern: <pattern>."},
    {"INVALID_DATETIME_PATTERN", "ILLEGAL_CHARACTER", NULL,
     "Illegal pattern character found in datetime pattern: <c>. Please provide legal character."},
    /* Sources */
    {"DATA_SOURCE_NOT_FOUND", NULL, "42K02",
     "Failed to find the data source: <provider>. Make sure the provider name is correct and the "
     "package is properly registered and compatible with your Spark version."},
    {"PATH_NOT_FOUND", NULL, "42K03", "Path does not exist: <path>."},
    /* Sinks */
    {"STREAMING_OUTPUT_MODE", NULL, "42KDE", "Invalid streaming output mode: <outputMode>."},
    {"STREAMING_OUTPUT_MODE", "UNSUPPORTED_DATASOURCE", NULL,
     "This output mode is not supported in Data Source <className>."},
    {"UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE", NULL, "0A000",
     "The <format> datasource doesn't support the column <columnName> of the type <columnType>."},
};

const size_t sp_sql_conditions_count = sizeof sp_sql_conditions / sizeof sp_sql_conditions[0];
