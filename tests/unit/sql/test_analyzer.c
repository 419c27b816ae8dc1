/* test_analyzer.c - SQL text to the analyzed plan's tree string, table-driven:
 * Spark's forms of Project / Aggregate / Filter / Sort / GlobalLimit over
 * LocalLimit / Union / Join, attributes as name#id with the L suffix of a
 * BIGINT, implicit casts as Spark's analyzer inserts them (INT + BIGINT,
 * '/' in DOUBLE, DIV in BIGINT, decimals with DecimalType.fromLiteral, a
 * string against an INT: BIGINT under ANSI (AnsiTypeCoercion's
 * findWiderTypeForString), INT without), column names as toPrettySQL
 * ("(price * 2)", "count(1)", "SQRT(price)", "substr(kind, 2)" through its
 * alias). Spark prints Relation spark_catalog.default.t; spate's catalog
 * has no namespaces. One departure is expr_print.c's, not the plan
 * printer's: a BIGINT column inside an expression prints without Spark's L
 * ("sum(qty#3)", "count(1)#5 DESC" where Spark has qty#3L, count(1)#5L).
 * The fixture is analyzer_test_util.h's. */
#include "analyzer_test_util.h"

#include "../conformance_util.h"

typedef struct plan_case {
    const char *sql;
    bool ansi;
    const char *plan;
} plan_case;

static const plan_case plan_cases[] = {
    {"SELECT * FROM orders", true,
     "Project [time#0, kind#1, price#2, qty#3L, amount#4]\n"
     "+- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    {"SELECT o.*, price AS p, kind k FROM orders AS o", true,
     "Project [time#0, kind#1, price#2, qty#3L, amount#4, price#2 AS p#5, kind#1 AS k#6]\n"
     "+- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    {"SELECT kind, price FROM orders WHERE price > 100 AND kind = 'book'", true,
     "Project [kind#1, price#2]\n"
     "+- Filter ((price#2 > 100) AND (kind#1 = book))\n"
     "   +- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    {"SELECT kind, count(*) AS count FROM STREAM(orders) WHERE price > 100 GROUP BY kind", true,
     "Project [kind#1, count#5L]\n"
     "+- Aggregate [kind#1], [kind#1, count(1) AS count#5L]\n"
     "   +- Filter (price#2 > 100)\n"
     "      +- StreamingRelation orders, [time#0, kind#1, price#2, qty#3L, amount#4]\n"},
    {"SELECT * FROM STREAM events", true,
     "Project [id#0L, kind#1, ts#2]\n"
     "+- StreamingRelation events, [id#0L, kind#1, ts#2]\n"},
    {"SELECT kind, count(*), sum(qty), avg(price), min(amount), max(time) FROM orders GROUP BY 1",
     true,
     "Project [kind#1, count(1)#5L, sum(qty)#6L, avg(price)#7, min(amount)#8, max(time)#9]\n"
     "+- Aggregate [kind#1], [kind#1, count(1) AS count(1)#5L, sum(qty#3) AS sum(qty)#6L, "
     "avg(price#2) AS avg(price)#7, min(amount#4) AS min(amount)#8, max(time#0) AS max(time)#9]\n"
     "   +- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    {"SELECT kind AS k, count(1) AS n FROM orders GROUP BY k", true,
     "Project [kind#1 AS k#6, n#5L]\n"
     "+- Aggregate [kind#1], [kind#1, count(1) AS n#5L]\n"
     "   +- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    {"SELECT price * 2 AS p2, count(*) FROM orders GROUP BY p2", true,
     "Project [(price * 2)#5 AS p2#7, count(1)#6L]\n"
     "+- Aggregate [(price#2 * 2)], [(price#2 * 2) AS (price * 2)#5, count(1) AS count(1)#6L]\n"
     "   +- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    {"SELECT kind, price + 1 FROM orders GROUP BY kind, price + 1", true,
     "Project [kind#1, (price + 1)#5]\n"
     "+- Aggregate [kind#1, (price#2 + 1)], [kind#1, (price#2 + 1) AS (price + 1)#5]\n"
     "   +- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    {"SELECT kind, sum(amount) AS total FROM orders GROUP BY kind HAVING total > 10 AND count(*) > "
     "1",
     true,
     "Project [kind#1, total#5]\n"
     "+- Filter ((total#5 > cast(10 as decimal(20,2))) AND (count(1)#6 > cast(1 as bigint)))\n"
     "   +- Aggregate [kind#1], [kind#1, sum(amount#4) AS total#5, count(1) AS count(1)#6L]\n"
     "      +- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    {"SELECT count(*) FROM orders", true,
     "Project [count(1)#5L]\n"
     "+- Aggregate [], [count(1) AS count(1)#5L]\n"
     "   +- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    {"SELECT kind, price FROM orders ORDER BY price DESC, kind LIMIT 5", true,
     "GlobalLimit 5\n"
     "+- LocalLimit 5\n"
     "   +- Sort [price#2 DESC NULLS LAST, kind#1 ASC NULLS FIRST], true\n"
     "      +- Project [kind#1, price#2]\n"
     "         +- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    {"SELECT kind, price FROM orders ORDER BY 2 NULLS LAST", true,
     "Sort [price#2 ASC NULLS LAST], true\n"
     "+- Project [kind#1, price#2]\n"
     "   +- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    {"SELECT id FROM events UNION ALL SELECT price FROM orders", true,
     "Union false, false\n"
     ":- Project [id#0L]\n"
     ":  +- Relation events[id#0L,kind#1,ts#2] memory\n"
     "+- Project [cast(price#5 as bigint) AS price#8L]\n"
     "   +- Project [price#5]\n"
     "      +- Relation orders[time#3,kind#4,price#5,qty#6L,amount#7] csv\n"},
    {"SELECT kind FROM orders UNION SELECT kind FROM prices", true,
     "Aggregate [kind#1], [kind#1]\n"
     "+- Union false, false\n"
     "   :- Project [kind#1]\n"
     "   :  +- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"
     "   +- Project [kind#5]\n"
     "      +- Relation prices[kind#5,rate#6,price#7] csv\n"},
    {"WITH cheap AS (SELECT kind, price FROM orders WHERE price < 10) SELECT kind FROM cheap c "
     "WHERE c.price > 1",
     true,
     "Project [kind#1]\n"
     "+- Filter (price#2 > 1)\n"
     "   +- Project [kind#1, price#2]\n"
     "      +- Filter (price#2 < 10)\n"
     "         +- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    {"SELECT DISTINCT kind FROM orders", true,
     "Aggregate [kind#1], [kind#1]\n"
     "+- Project [kind#1]\n"
     "   +- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    {"SELECT s.k FROM (SELECT kind AS k FROM orders) s", true,
     "Project [k#5]\n"
     "+- Project [kind#1 AS k#5]\n"
     "   +- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    {"SELECT o.kind, p.rate FROM orders o JOIN prices p ON o.kind = p.kind", true,
     "Project [kind#1, rate#6]\n"
     "+- Join Inner, (kind#1 = kind#5)\n"
     "   :- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"
     "   +- Relation prices[kind#5,rate#6,price#7] csv\n"},
    {"SELECT price + qty, price + 1L, qty * 2 FROM orders", true,
     "Project [(cast(price#2 as bigint) + qty#3) AS (price + qty)#5L, (cast(price#2 as bigint) + "
     "1) AS (price + 1)#6L, (qty#3 * cast(2 as bigint)) AS (qty * 2)#7L]\n"
     "+- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    {"SELECT amount * 2, amount + 1.5, amount / price, price / 2, price DIV 2 FROM orders", true,
     "Project [(amount#4 * cast(2 as decimal(1,0))) AS (amount * 2)#5, (amount#4 + 1.5) AS (amount "
     "+ 1.5)#6, (amount#4 / cast(price#2 as decimal(10,0))) AS (amount / price)#7, (cast(price#2 "
     "as double) / cast(2 as double)) AS (price / 2)#8, (cast(price#2 as bigint) div cast(2 as "
     "bigint)) AS (price div 2)#9L]\n"
     "+- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    {"SELECT kind FROM orders WHERE price = '10'", true,
     "Project [kind#1]\n"
     "+- Filter (cast(price#2 as bigint) = cast(10 as bigint))\n"
     "   +- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    {"SELECT kind FROM orders WHERE price = '10'", false,
     "Project [kind#1]\n"
     "+- Filter (price#2 = cast(10 as int))\n"
     "   +- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    {"SELECT price + '1' FROM orders", false,
     "Project [(cast(price#2 as double) + cast(1 as double)) AS (price + 1)#5]\n"
     "+- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    {"SELECT 1, 'a', 1.5, 1e3, 2L, 3S, 4Y, 1.5D, NULL, true, 2147483648", true,
     "Project [1 AS 1#0, a AS a#1, 1.5 AS 1.5#2, 1000.0 AS 1000.0#3, 2 AS 2#4L, 3 AS 3#5, 4 AS "
     "4#6, 1.5 AS 1.5#7, null AS NULL#8, true AS true#9, 2147483648 AS 2147483648#10L]\n"
     "+- OneRowRelation\n"},
    {"SELECT price IN (1, 2, 3), price BETWEEN 1 AND 10, kind LIKE 'a%', kind NOT IN ('x', 'y') "
     "FROM orders",
     true,
     "Project [price#2 IN (1,2,3) AS (price IN (1, 2, 3))#5, ((price#2 >= 1) AND (price#2 <= 10)) "
     "AS ((price >= 1) AND (price <= 10))#6, kind#1 LIKE a% AS kind LIKE a%#7, NOT kind#1 IN (x,y) "
     "AS (NOT (kind IN (x, y)))#8]\n"
     "+- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    {"SELECT CASE WHEN price > 1 THEN 'big' ELSE 'small' END, CASE kind WHEN 'a' THEN 1 END FROM "
     "orders",
     true,
     "Project [CASE WHEN (price#2 > 1) THEN big ELSE small END AS CASE WHEN (price > 1) THEN big "
     "ELSE small END#5, CASE WHEN (kind#1 = a) THEN 1 END AS CASE WHEN (kind = a) THEN 1 END#6]\n"
     "+- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    /* Spark's ResolveAliases names a cast of a column after the column */
    {"SELECT CAST(price AS STRING), CAST(time AS DATE) FROM orders", true,
     "Project [cast(price#2 as string) AS price#5, cast(time#0 as date) AS time#6]\n"
     "+- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    {"SELECT -price, NOT (price > 1), price IS NULL, kind IS NOT NULL, price <> 1 FROM orders",
     true,
     "Project [-price#2 AS (- price)#5, NOT (price#2 > 1) AS (NOT (price > 1))#6, isnull(price#2) "
     "AS (price IS NULL)#7, isnotnull(kind#1) AS (kind IS NOT NULL)#8, NOT (price#2 = 1) AS (NOT "
     "(price = 1))#9]\n"
     "+- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    {"SELECT upper(kind), coalesce(price, qty), round(amount, 1), sqrt(price), substr(kind, 2) "
     "FROM orders",
     true,
     "Project [upper(kind#1) AS upper(kind)#5, coalesce(cast(price#2 as bigint), qty#3) AS "
     "coalesce(price, qty)#6L, round(amount#4, 1) AS round(amount, 1)#7, SQRT(cast(price#2 as "
     "double)) AS SQRT(price)#8, substring(kind#1, 2) AS substr(kind, 2)#9]\n"
     "+- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    {"SELECT count(DISTINCT kind), sum(kind), first(kind) FROM orders", true,
     "Project [count(DISTINCT kind)#5L, sum(kind)#6, first(kind)#7]\n"
     "+- Aggregate [], [count(distinct kind#1) AS count(DISTINCT kind)#5L, sum(cast(kind#1 as "
     "double)) AS sum(kind)#6, first(kind#1) AS first(kind)#7]\n"
     "   +- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    {"SELECT name_user FROM users WHERE age_user >= 18", true,
     "Project [name_user#0]\n"
     "+- Filter (age_user#2 >= 18)\n"
     "   +- Relation users[name_user#0,city_user#1,age_user#2] memory\n"},
    /* ResolveMissingReferences: the key the select list dropped is carried
     * up to the Sort and projected away above it */
    {"SELECT kind FROM orders ORDER BY price DESC", true,
     "Project [kind#1]\n"
     "+- Sort [price#2 DESC NULLS LAST], true\n"
     "   +- Project [kind#1, price#2]\n"
     "      +- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    {"SELECT kind AS k FROM orders ORDER BY k, qty + 1", true,
     "Project [k#5]\n"
     "+- Sort [k#5 ASC NULLS FIRST, (qty#3 + cast(1 as bigint)) ASC NULLS FIRST], true\n"
     "   +- Project [kind#1 AS k#5, qty#3L]\n"
     "      +- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    /* a column keeps the attribute's spelling, not the query's */
    {"SELECT KIND, Kind AS k FROM orders GROUP BY kInD", true,
     "Project [kind#1, kind#1 AS k#5]\n"
     "+- Aggregate [kind#1], [kind#1]\n"
     "   +- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    /* typed literals are literals of their type (session zone UTC here) */
    {"SELECT kind FROM orders WHERE time > TIMESTAMP '2024-01-02 03:04:05' AND CAST(time AS "
     "DATE) = DATE '2024-01-02'",
     true,
     "Project [kind#1]\n"
     "+- Filter ((time#0 > 2024-01-02 03:04:05) AND (cast(time#0 as date) = 2024-01-02))\n"
     "   +- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
    {"SELECT kind, count(*) FROM orders GROUP BY kind ORDER BY count(*) DESC", true,
     "Sort [count(1)#5 DESC NULLS LAST], true\n"
     "+- Project [kind#1, count(1)#5L]\n"
     "   +- Aggregate [kind#1], [kind#1, count(1) AS count(1)#5L]\n"
     "      +- Relation orders[time#0,kind#1,price#2,qty#3L,amount#4] csv\n"},
};

enum { NPLAN = sizeof plan_cases / sizeof plan_cases[0] };

CU_CASE_INDICES(analyzer, plans, NPLAN)

ParameterizedTest(int *i, analyzer, plans)
{
    const plan_case *c = &plan_cases[*i];
    sp_catalog *cat = az_catalog();
    char *got = az_run(cat, c->sql, c->ansi);
    cr_expect_str_eq(got, c->plan, "%s\n%s", c->sql, got);
    free(got);
    sp_catalog_free(cat);
}
