/* error.c — status codes and error messages. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "quarry/base.h"

qr_status qr_error_set(qr_error *err, qr_status st, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->status = st;
  }
  return st;
}

void qr_error_clear(qr_error *err) {
  if (err) {
    err->status = QR_OK;
    err->msg[0] = '\0';
  }
}

const char *qr_status_string(qr_status st) {
  switch (st) {
  case QR_OK: return "ok";
  case QR_ENOMEM: return "out of memory";
  case QR_EIO: return "input/output error";
  case QR_EDATA: return "bad data";
  case QR_EARG: return "bad argument";
  case QR_ELIMIT: return "size limit exceeded";
  }
  return "unknown error";
}
