/* embedded.c — lookup in the table of files compiled into the binary. */
#include <string.h>

#include "base/embedded.h"

const qr_embedded_file *qr_embedded_find(const char *name) {
  for (const qr_embedded_file *f = qr_embedded_files; f->name; f++)
    if (strcmp(f->name, name) == 0) return f;
  return NULL;
}
