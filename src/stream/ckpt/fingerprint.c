/* fingerprint.c - the graph's fingerprint: a C program cannot serialise its
 * callbacks, so recovery runs setup again and checks that it built the same
 * graph as the checkpointed one. The graph describes itself
 * (sp_graph_describe, src/stream/ckpt_members.c); the fingerprint is the
 * description's xxh64, and a mismatch is explained by the first line that
 * differs. */
#include "stream/ckpt/ckpt_int.h"

#include "base/arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

uint64_t sp_ckpt_fingerprint(const char *description)
{
    return XXH64(description, strlen(description), 0);
}

/* Copies the line at *p (without its newline) into buf and moves *p past it. */
static void next_line(const char **p, char *buf, size_t size)
{
    size_t n = strcspn(*p, "\n");
    snprintf(buf, size, "%.*s", (int)n, *p);
    *p += n + ((*p)[n] == '\n');
}

void sp_ckpt_graph_diff(const char *ckpt, const char *now, char *buf, size_t size)
{
    const char *a = ckpt, *b = now;
    while (*a || *b) {
        char la[256], lb[256];
        next_line(&a, la, sizeof la);
        next_line(&b, lb, sizeof lb);
        if (strcmp(la, lb) == 0) continue;
        snprintf(buf, size, "the checkpoint has \"%s\", setup defined \"%s\"",
                 la[0] ? la : "(nothing more)", lb[0] ? lb : "(nothing more)");
        return;
    }
    snprintf(buf, size, "the descriptions are equal but the fingerprints differ");
}
