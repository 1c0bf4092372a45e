/* params: request parameters as one JSON object, the way kintone clients send them: the query
 * string (qs-style "fields[0]=a&fields[1]=b", repeated keys, percent-encoding) merged with a
 * JSON body (POST/PUT, and DELETE or an overridden GET when they carry one). Values from the
 * query string are strings; arrays come from bracketed or repeated keys. */
#ifndef MADO_PARAMS_H
#define MADO_PARAMS_H

#include "core/err.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct arena;

/* Percent-decodes s (n bytes; '+' → space) into the arena. */
char *params_decode(struct arena *a, const char *s, size_t n);
/* Parses a query string into obj (adds keys). Returns NULL, or the first key whose value is
 * not valid UTF-8 (that value is left out). */
const char *params_parse_query(struct arena *a, json_t *obj, const char *qs);

/* Typed reads with kintone's leniency: ids and numbers may be JSON numbers or numeric strings. */
bool params_int(const json_t *obj, const char *key, int64_t *out);
bool jx_to_int(const json_t *v, int64_t *out);
const char *params_str(const json_t *obj, const char *key);
/* true/"true" → true */
bool params_bool(const json_t *obj, const char *key);

#endif
