/* test_analyzer_robust.c - constructs the analyzer does not take yet (or
 * takes only partly) give an error, never a crash or a leak (ASan): every
 * statement below ends in a plan or a set error, and a failing statement
 * gives back the table references its scans took (the catalog frees
 * cleanly). */
#include "analyzer_test_util.h"

static const char *const queries[] = {
    "SELECT * FROM orders WHERE price IN (SELECT price FROM prices)",
    "SELECT (SELECT 1) FROM orders",
    "SELECT * FROM orders WHERE EXISTS (SELECT 1)",
    "SELECT * FROM TUMBLE(TABLE orders, DESCRIPTOR(time), INTERVAL '10' MINUTES)",
    "SELECT INTERVAL '1' DAY FROM orders",
    "SELECT kind[0], named_struct('a', 1).a FROM orders",
    "SELECT * FROM orders o JOIN prices p USING (kind)",
    "SELECT * FROM orders o JOIN prices p ON o.nope = p.kind",
    "SELECT * FROM orders o JOIN nope p ON o.kind = p.kind",
    "SELECT * FROM (SELECT nope FROM orders) s",
    "SELECT * FROM (SELECT kind FROM orders) s (a, b)",
    "WITH a AS (SELECT kind FROM orders), b AS (SELECT nope FROM a) SELECT * FROM b",
    "WITH a (x, y) AS (SELECT kind FROM orders) SELECT * FROM a",
    "WITH a AS (SELECT kind FROM orders) SELECT * FROM a JOIN a b ON a.kind = b.kind",
    "SELECT kind FROM orders INTERSECT SELECT kind FROM prices",
    "SELECT kind FROM orders UNION ALL SELECT nope FROM prices",
    "SELECT kind FROM orders ORDER BY nope",
    "SELECT kind FROM orders LIMIT price",
    "SELECT kind FROM orders LIMIT 1 OFFSET 1",
    "SELECT nope.* FROM orders",
    "SELECT *, count(*) FROM orders",
    "SELECT kind FROM orders GROUP BY kind HAVING nope > 1",
    "SELECT price & 1, price << 1 FROM orders",
    "SELECT DATE '2024-01-01', TIMESTAMP '2024-01-01 00:00:00', X'0A' FROM orders",
    "SELECT 123456789012345678901234567890123456789 FROM orders",
    "SELECT kind ILIKE 'A%', kind RLIKE 'a.*', kind LIKE 'a!%' ESCAPE '!' FROM orders",
    "SELECT CAST(kind AS nosuchtype) FROM orders",
    "SELECT first(kind, true), last(kind), collect_list(price), stddev(price) FROM orders",
    "SELECT max(map(1, 2)) FROM orders",
    "SELECT count(kind, price) FROM orders",
    "SELECT if(price > 1, 'a', 'b'), nvl(kind, 'x'), greatest(price, qty) FROM orders",
    "SELECT concat(kind, price), lpad(kind, 3), regexp_extract(kind, 'a', 1) FROM orders",
    "SELECT kind || price, price % 2, price IS TRUE FROM orders",
    "SELECT * FROM STREAM(events) e JOIN prices p ON e.kind = p.kind",
};

Test(analyzer_robust, errors_not_crashes)
{
    sp_catalog *cat = az_catalog();
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        char *out = az_run(cat, queries[i], true);
        cr_expect(out && out[0], "%s", queries[i]);
        free(out);
        out = az_run(cat, queries[i], false);
        free(out);
    }
    sp_catalog_free(cat);
}
