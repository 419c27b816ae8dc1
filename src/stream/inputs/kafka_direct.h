/* kafka_direct.h - the direct stream's internals that tests look at. */
#ifndef SP_KAFKA_DIRECT_H
#define SP_KAFKA_DIRECT_H

#include "connect/kafka_consumer.h"

/* The executor consumers of a direct stream, NULL for another stream. */
sp_kafka_reader *sp_kafka_direct_reader(spate_stream *direct);

#endif
