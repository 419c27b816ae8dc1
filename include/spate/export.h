/* spate/export.h - SPATE_API marks what libspate exports.
 *
 * The library is compiled with -fvisibility=hidden, so its internal (sp_)
 * functions stay inside libspate.so and only the declarations marked
 * SPATE_API in these headers are part of its ABI. A program never needs to
 * define anything here; including <spate/spate.h> is enough. */
#ifndef SPATE_EXPORT_H
#define SPATE_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define SPATE_API __attribute__((visibility("default")))
#else
#define SPATE_API
#endif

#endif
