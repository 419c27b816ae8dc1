/* ast.c - parse-tree nodes and their lists, in an arena (ast.h). */
#include "sql/ast.h"

#include <string.h>

sp_sql_node *sp_sql_node_new(spate_arena *a, sp_sql_kind kind, uint32_t off)
{
    sp_sql_node *n = spate_arena_alloc(a, sizeof *n);
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->off = off;
    n->end = off;
    return n;
}

void sp_sql_list_push(sp_sql_list *l, spate_arena *a, sp_sql_node *n)
{
    /* capacity: 4, then doubled each time n reaches a power of two */
    uint32_t grow = l->n == 0 ? 4 : (l->n >= 4 && (l->n & (l->n - 1)) == 0) ? l->n * 2 : 0;
    if (grow) {
        sp_sql_node **items = spate_arena_alloc(a, grow * sizeof *items);
        if (l->n) memcpy(items, l->items, l->n * sizeof *items);
        l->items = items;
    }
    l->items[l->n++] = n;
}
