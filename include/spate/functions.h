/* spate/functions.h - built-in callbacks for the usual cases, so a program
 * needs no trivial callbacks of its own. All are thread-safe and take ud NULL
 * unless said otherwise. */
#ifndef SPATE_FUNCTIONS_H
#define SPATE_FUNCTIONS_H

#include <spate/export.h>

#include <spate/core.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Reduce functions on numbers: i64 with i64 stays i64 (wrapping like the JVM's
 * Long), any f64 operand gives f64. Anything else fails the task. */
SPATE_API spate_value spate_fn_sum(spate_task *t, spate_value a, spate_value b, void *ud);
SPATE_API spate_value spate_fn_min(spate_task *t, spate_value a, spate_value b, void *ud);
SPATE_API spate_value spate_fn_max(spate_task *t, spate_value a, spate_value b, void *ud);
/* Inverse of sum (a - b), for reduceByKeyAndWindow's inverse function. */
SPATE_API spate_value spate_fn_subtract(spate_task *t, spate_value a, spate_value b, void *ud);

/* Maps. */
SPATE_API spate_value spate_fn_identity(spate_task *t, spate_value v, void *ud);
/* x -> (x, 1L): with spate_fn_sum, a count by value. */
SPATE_API spate_value spate_fn_pair_with_one(spate_task *t, spate_value v, void *ud);
/* (k, v) -> k and (k, v) -> v. */
SPATE_API spate_value spate_fn_key(spate_task *t, spate_value v, void *ud);
SPATE_API spate_value spate_fn_value(spate_task *t, spate_value v, void *ud);
/* (k, v) -> (v, k). */
SPATE_API spate_value spate_fn_swap(spate_task *t, spate_value v, void *ud);
/* x -> its Scala toString as a string value. */
SPATE_API spate_value spate_fn_to_string(spate_task *t, spate_value v, void *ud);
/* Any element -> 1L (count = map(one) then reduce(sum)). */
SPATE_API spate_value spate_fn_one(spate_task *t, spate_value v, void *ud);

/* flatMap: a string split on single spaces, as Scala's line.split(" ")
 * (empty pieces kept, trailing empty pieces dropped). */
SPATE_API void spate_fn_split_words(spate_task *t, spate_value v, spate_sink *out, void *ud);
/* flatMap: a string split on runs of whitespace, empty pieces dropped. */
SPATE_API void spate_fn_split_whitespace(spate_task *t, spate_value v, spate_sink *out, void *ud);
/* flatMap: the elements of a list/array/tuple/option, one by one. */
SPATE_API void spate_fn_flatten(spate_task *t, spate_value v, spate_sink *out, void *ud);

/* Filter: keeps non-empty strings. */
SPATE_API bool spate_fn_non_empty(spate_task *t, spate_value v, void *ud);

#ifdef __cplusplus
}
#endif
#endif
