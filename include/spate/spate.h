/* spate/spate.h - the umbrella header of libspate: Spark Streaming in C.
 *
 *   #include <spate/spate.h>      link with -lspate
 *
 * value.h      the element model (spate_value) and arenas
 * core.h       errors, durations, configuration, clocks, tasks, callback types
 * rdd.h        RDD transformations and actions (inside transform/foreachRDD)
 * stream.h     StreamingContext, input streams, DStream transformations, outputs
 * functions.h  built-in callbacks (sum, min, max, split words, pair with one...)
 * state.h      updateStateByKey, mapWithState, stateSnapshots
 * window.h     window, reduceByKeyAndWindow and the other window operations
 * checkpoint.h checkpoint directories, getOrCreate and recovery
 * listener.h   batch and receiver events with the streaming metrics
 * kafka.h      the Kafka direct stream and writing streams to Kafka
 * sql.h        Structured Streaming: sessions, DataFrames, streaming queries
 * export.h     SPATE_API, the mark of what libspate.so exports
 */
#ifndef SPATE_SPATE_H
#define SPATE_SPATE_H

#include <spate/value.h>
#include <spate/core.h>
#include <spate/rdd.h>
#include <spate/stream.h>
#include <spate/functions.h>
#include <spate/state.h>
#include <spate/window.h>
#include <spate/checkpoint.h>
#include <spate/listener.h>
#include <spate/kafka.h>
#include <spate/sql.h>

#define SPATE_VERSION_STRING "0.1.0"

#endif
