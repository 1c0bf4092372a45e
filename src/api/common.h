/* Helpers shared by the API handlers: reading the app parameter, access checks and kintone's
 * parameter errors. */
#ifndef MADO_API_COMMON_H
#define MADO_API_COMMON_H

#include "api/api.h"
#include "domain/app.h"

/* Reads params[key] as an app id, checks the caller may do `perm` on it, and loads its live
 * (or, under /preview, preview) definition. */
enum err api_load_app(struct req *r, json_t *p, const char *key, unsigned perm,
                      struct app_def *d) MUST_CHECK;
/* params[key] as a positive id, else a field error under key. */
enum err api_id(struct req *r, json_t *p, const char *key, int64_t *out) MUST_CHECK;
/* params["fields"]: NULL (all) or an array of strings. */
enum err api_fields(struct req *r, json_t *p, const json_t **out) MUST_CHECK;
const char *api_i64(struct req *r, int64_t v);
/* Sends the file with download key (or upload key) key as an attachment (its name, type,
 * nosniff). The caller has checked that the caller may have it. */
enum err api_send_file(struct req *r, const char *key) MUST_CHECK;
/* Content-Disposition for a download named name: RFC 6266 with an ASCII fallback (other bytes
 * become '_') and RFC 5987's filename*=UTF-8'' with the real name. Arena string. */
const char *api_attachment(struct req *r, const char *name);
enum err api_param_error(struct req *r, const char *key, enum msg m, const char *arg);

#endif
