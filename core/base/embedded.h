/* base/embedded.h — files compiled into the binary at build time (the Lua
 * standard library, text data, the API reference). Internal to the core. */
#ifndef QUARRY_BASE_EMBEDDED_H
#define QUARRY_BASE_EMBEDDED_H

#include <stddef.h>

typedef struct qr_embedded_file {
  const char *name;   /* the source path, e.g. "scripts/quarry/report.lua" */
  const char *data;   /* the bytes, NUL-terminated */
  size_t len;
} qr_embedded_file;

/* The table ends with an entry whose name is NULL. */
extern const qr_embedded_file qr_embedded_files[];

/* The embedded file named name, or NULL. */
const qr_embedded_file *qr_embedded_find(const char *name);

#endif
