/* A small strict JSON (RFC 8259) parser and writer for the documents HCS exchanges. */
#ifndef SIM_JSON_H
#define SIM_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "text.h"

typedef enum { JV_NULL, JV_BOOL, JV_NUM, JV_STR, JV_ARR, JV_OBJ } jv_type;

typedef struct jv {
  jv_type t;
  int b;
  double num;
  int is_int;      /* number had no fraction/exponent and fits int64 */
  int64_t i;
  char *str;       /* JV_STR: UTF-8, NUL-terminated */
  struct jv **items;
  char **keys;     /* JV_OBJ: keys parallel to items */
  size_t n;
} jv;

/* Parses the whole text; NULL on any error with a reason in err. Nesting is limited to 64 levels. */
jv *json_parse(const char *text, char *err, size_t errlen);
void json_free(jv *v);
/* Member lookup: exact key first, then case-insensitively (as Go's decoder does). NULL if absent or v not an object. */
const jv *json_get(const jv *v, const char *key);
/* Re-serializes v compactly. */
void json_write(sb *b, const jv *v);

#endif
