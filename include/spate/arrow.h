/* arrow.h - the Arrow C Data Interface ABI (Apache Arrow's published spec,
 * "The Arrow C data interface", declared here as the spec asks producers and
 * consumers to: copied structs under the standard guard, so a program that
 * also includes Arrow's or nanoarrow's declaration sees one definition).
 *
 * spate hands column batches out as an ArrowArray (a struct array, format
 * "+s", one child per column) with its ArrowSchema, without copying the
 * buffers. The rules are the spec's: the consumer calls release on the base
 * structures exactly once when done (never on children, which the producer
 * releases), may move a child out by copying it and setting the original's
 * release to NULL, and must not touch a structure after releasing it. A
 * released structure has release == NULL. */
#ifndef SPATE_ARROW_H
#define SPATE_ARROW_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

struct ArrowSchema {
    /* Array type description */
    const char *format;
    const char *name;
    const char *metadata;
    int64_t flags;
    int64_t n_children;
    struct ArrowSchema **children;
    struct ArrowSchema *dictionary;

    /* Release callback */
    void (*release)(struct ArrowSchema *);
    /* Opaque producer-specific data */
    void *private_data;
};

struct ArrowArray {
    /* Array data description */
    int64_t length;
    int64_t null_count;
    int64_t offset;
    int64_t n_buffers;
    int64_t n_children;
    const void **buffers;
    struct ArrowArray **children;
    struct ArrowArray *dictionary;

    /* Release callback */
    void (*release)(struct ArrowArray *);
    /* Opaque producer-specific data */
    void *private_data;
};

#endif /* ARROW_C_DATA_INTERFACE */

#ifdef __cplusplus
}
#endif

#endif
