/* analyze_names.c - column names against a plan's output: a name or
 * qualifier.name, case-insensitive unless the analyzer says otherwise, and
 * Spark's errors when that fails: AMBIGUOUS_REFERENCE and
 * UNRESOLVED_COLUMN.WITH_SUGGESTION with at most five candidates ordered by
 * Levenshtein distance (StringUtils.orderSuggestedIdentifiersBySimilarity).
 * Threads: the analyzer's. */
#include "sql/analyzer_int.h"

#include "base/arena.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool sp_az_name_eq(const sp_analyzer *az, const char *x, const char *y)
{
    return az->case_sensitive ? strcmp(x, y) == 0 : strcasecmp(x, y) == 0;
}

static bool attr_matches(const sp_analyzer *az, const sp_plan_attr *at, const sp_sql_list *parts)
{
    uint32_t n = parts->n;
    if (!sp_az_name_eq(az, at->name, parts->items[n - 1]->str)) return false;
    if (n == 1) return true;
    return at->qualifier && sp_az_name_eq(az, at->qualifier, parts->items[n - 2]->str);
}

int sp_az_find_column(const sp_analyzer *az, const sp_plan *p, const sp_sql_list *parts,
                      bool *ambiguous)
{
    int found = -1;
    *ambiguous = false;
    for (int i = 0; i < p->nout && parts->n; i++) {
        if (!attr_matches(az, &p->out[i], parts)) continue;
        if (found >= 0) *ambiguous = true;
        if (found < 0) found = i;
    }
    return found;
}

/* Spark's quoteIdentifier: backquoted, inner backquotes doubled. */
static const char *quoted(sp_analyzer *az, const char *s)
{
    size_t n = strlen(s), k = 0;
    char *q = spate_arena_alloc(az->arena, n * 2 + 3);
    q[k++] = '`';
    for (; *s; s++) {
        if (*s == '`') q[k++] = '`';
        q[k++] = *s;
    }
    q[k++] = '`';
    q[k] = '\0';
    return q;
}

const char *sp_az_sql_id(sp_analyzer *az, const char *const *parts, int n)
{
    const char *s = "";
    for (int i = 0; i < n; i++)
        s = sp_az_printf(az, "%s%s%s", s, i ? "." : "", quoted(az, parts[i]));
    return s;
}

/* Levenshtein distance over bytes. */
static size_t levenshtein(const char *x, const char *y)
{
    size_t nx = strlen(x), ny = strlen(y);
    size_t *row = sp_xmalloc((ny + 1) * sizeof *row);
    for (size_t j = 0; j <= ny; j++)
        row[j] = j;
    for (size_t i = 1; i <= nx; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= ny; j++) {
            size_t up = row[j];
            size_t best = diag + (x[i - 1] != y[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    size_t d = row[ny];
    free(row);
    return d;
}

typedef struct cand {
    const char *text;
    size_t dist;
    int order;
} cand;

static int cmp_cand(const void *x, const void *y)
{
    const cand *a = x, *b = y;
    if (a->dist != b->dist) return a->dist < b->dist ? -1 : 1;
    return a->order - b->order; /* Scala's sortBy is stable */
}

/* The candidates' text: qualifiers stripped when they are all the same and
 * the name has one part, as orderSuggestedIdentifiersBySimilarity. */
static const char *proposal(sp_analyzer *az, const sp_plan *p, const char *base, int nparts)
{
    bool same_q = true;
    for (int i = 1; i < p->nout; i++) {
        const char *q0 = p->out[0].qualifier, *qi = p->out[i].qualifier;
        if ((q0 == NULL) != (qi == NULL) || (q0 && strcmp(q0, qi) != 0)) same_q = false;
    }
    bool strip = nparts == 1 && same_q;
    cand *c = sp_xmalloc(sizeof *c * (size_t)p->nout);
    for (int i = 0; i < p->nout; i++) {
        const char *parts[2] = {p->out[i].qualifier, p->out[i].name};
        bool q = parts[0] && !strip;
        c[i].text = sp_az_sql_id(az, q ? parts : parts + 1, q ? 2 : 1);
        c[i].dist = levenshtein(c[i].text, base);
        c[i].order = i;
    }
    qsort(c, (size_t)p->nout, sizeof *c, cmp_cand);
    size_t len = 0;
    for (int i = 0; i < p->nout && i < 5; i++)
        len += strlen(c[i].text) + 2;
    char *out = spate_arena_alloc(az->arena, len + 1);
    out[0] = '\0';
    for (int i = 0; i < p->nout && i < 5; i++) {
        if (i) strcat(out, ", ");
        strcat(out, c[i].text);
    }
    free(c);
    return out;
}

/* UnresolvedAttribute.name: parts joined by '.', a part holding '.' in
 * backquotes. */
static const char *base_name(sp_analyzer *az, const sp_sql_list *parts)
{
    const char *s = "";
    for (uint32_t i = 0; i < parts->n; i++) {
        const char *p = parts->items[i]->str;
        bool q = strchr(p, '.') != NULL;
        s = sp_az_printf(az, "%s%s%s%s%s", s, i ? "." : "", q ? "`" : "", p, q ? "`" : "");
    }
    return s;
}

static const char *const *part_strs(sp_analyzer *az, const sp_sql_list *parts)
{
    const char **v = spate_arena_alloc(az->arena, sizeof *v * (parts->n ? parts->n : 1));
    for (uint32_t i = 0; i < parts->n; i++)
        v[i] = parts->items[i]->str;
    return v;
}

static void *ambiguous(sp_analyzer *az, const sp_plan *p, const sp_sql_node *col, sp_sql_error *err)
{
    const char *names = "";
    for (int i = 0; i < p->nout; i++) {
        if (!attr_matches(az, &p->out[i], &col->list)) continue;
        const char *parts[2] = {p->out[i].qualifier, p->out[i].name};
        bool q = parts[0] != NULL;
        const char *id = sp_az_sql_id(az, q ? parts : parts + 1, q ? 2 : 1);
        names = sp_az_printf(az, "%s%s%s", names, names[0] ? ", " : "", id);
    }
    const char *name = sp_az_sql_id(az, part_strs(az, &col->list), (int)col->list.n);
    return sp_az_fail(az, err, col->off, "AMBIGUOUS_REFERENCE", "name", name, "referenceNames",
                      sp_az_printf(az, "[%s]", names), NULL);
}

int sp_az_resolve_column(sp_analyzer *az, const sp_plan *p, const sp_sql_node *col,
                         sp_sql_error *err)
{
    bool amb;
    int i = sp_az_find_column(az, p, &col->list, &amb);
    if (i >= 0 && amb) {
        ambiguous(az, p, col, err);
        return -1;
    }
    if (i >= 0) return i;
    const char *name = sp_az_sql_id(az, part_strs(az, &col->list), (int)col->list.n);
    if (p->nout == 0) {
        sp_az_fail(az, err, col->off, "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION", "objectName", name,
                   NULL);
        return -1;
    }
    const char *prop = proposal(az, p, base_name(az, &col->list), (int)col->list.n);
    sp_az_fail(az, err, col->off, "UNRESOLVED_COLUMN.WITH_SUGGESTION", "objectName", name,
               "proposal", prop, NULL);
    return -1;
}

sp_sql_expr *sp_az_column_ref(sp_analyzer *az, const sp_plan *p, int i)
{
    const sp_plan_attr *at = &p->out[i];
    return sp_sql_expr_column(az->arena, i, at->name, at->expr_id, at->type, at->nullable);
}
