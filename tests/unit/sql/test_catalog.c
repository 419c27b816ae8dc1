/* test_catalog.c - the session catalog: names matched case-insensitively
 * unless asked otherwise, put with and without replace, drop, sorted
 * names, option lookup (case-insensitive, last written wins), copies
 * independent of the caller's memory, and references that keep a dropped
 * table alive. */
#include "sql/catalog.h"

#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

static spate_err put(sp_catalog *c, const char *name, const char *format, bool replace)
{
    sp_catalog_table t = {.kind = SP_TABLE_DATASOURCE, .name = name, .format = format};
    return sp_catalog_put(c, &t, replace);
}

Test(catalog, case_insensitive_by_default)
{
    sp_catalog *c = sp_catalog_new(false);
    cr_assert_eq(put(c, "Orders", "csv", false), SPATE_OK);
    sp_catalog_table *t = sp_catalog_get(c, "ORDERS");
    cr_assert_not_null(t);
    cr_expect_str_eq(t->name, "Orders");
    cr_expect_str_eq(t->format, "csv");
    sp_catalog_table_unref(t);
    cr_expect_eq(put(c, "orders", "json", false), SPATE_ERR_STATE);
    cr_expect_eq(put(c, "orders", "json", true), SPATE_OK);
    t = sp_catalog_get(c, "orders");
    cr_expect_str_eq(t->format, "json");
    sp_catalog_table_unref(t);
    sp_catalog_free(c);
}

Test(catalog, case_sensitive_when_asked)
{
    sp_catalog *c = sp_catalog_new(true);
    cr_assert_eq(put(c, "t", "csv", false), SPATE_OK);
    cr_expect_eq(put(c, "T", "csv", false), SPATE_OK);
    cr_expect_null(sp_catalog_get(c, "Tt"));
    sp_catalog_table *t = sp_catalog_get(c, "T");
    cr_expect_str_eq(t->name, "T");
    sp_catalog_table_unref(t);
    sp_catalog_free(c);
}

Test(catalog, names_sorted_and_drop)
{
    sp_catalog *c = sp_catalog_new(false);
    const char *in[] = {"b", "a", "c"};
    for (int i = 0; i < 3; i++)
        cr_assert_eq(put(c, in[i], "csv", false), SPATE_OK);
    cr_expect(sp_catalog_drop(c, "B"));
    cr_expect(!sp_catalog_drop(c, "b"));
    size_t n;
    char **names = sp_catalog_names(c, &n);
    cr_assert_eq(n, 2);
    cr_expect_str_eq(names[0], "a");
    cr_expect_str_eq(names[1], "c");
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    sp_catalog_free(c);
}

Test(catalog, copies_and_options)
{
    char name[] = "src", k1[] = "path", v1[] = "/a", k2[] = "PATH", v2[] = "/b";
    const char *keys[] = {k1, k2}, *vals[] = {v1, v2};
    sp_catalog_table t = {.kind = SP_TABLE_DATASOURCE,
                          .name = name,
                          .format = "csv",
                          .nopts = 2,
                          .keys = keys,
                          .vals = vals,
                          .text = "x"};
    sp_catalog *c = sp_catalog_new(false);
    cr_assert_eq(sp_catalog_put(c, &t, false), SPATE_OK);
    name[0] = 'X';
    v2[1] = 'z';
    sp_catalog_table *got = sp_catalog_get(c, "src");
    cr_assert_not_null(got);
    cr_expect_str_eq(sp_catalog_option(got, "Path"), "/b");
    cr_expect_null(sp_catalog_option(got, "header"));
    cr_expect_str_eq(got->text, "x");
    sp_catalog_table_unref(got);
    sp_catalog_free(c);
}

Test(catalog, reference_outlives_drop)
{
    sp_catalog *c = sp_catalog_new(false);
    cr_assert_eq(put(c, "t", "rate", false), SPATE_OK);
    sp_catalog_table *t = sp_catalog_get(c, "t");
    cr_assert(sp_catalog_drop(c, "t"));
    cr_expect_null(sp_catalog_get(c, "t"));
    cr_expect_str_eq(t->format, "rate"); /* still readable: ASan checks */
    sp_catalog_table_unref(t);
    sp_catalog_free(c);
}
