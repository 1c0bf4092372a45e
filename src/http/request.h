/* request: one HTTP request as the handlers see it, independent of h2o (so that API tests can
 * build one by hand), and the response they fill in. Everything lives in req->arena except the
 * response body, which is malloc'd and handed to the server (resp_body is freed with free()). */
#ifndef MADO_REQUEST_H
#define MADO_REQUEST_H

#include "core/err.h"
#include "domain/ctx.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct db;

struct http_header {
    const char *name; /* lower case */
    const char *value;
};

#define REQ_MAX_RESP_HEADERS 16 /* besides Content-Type and the server's security headers */

struct req {
    struct arena *arena;
    struct db *db;
    const char *method; /* upper case: GET, POST, ... */
    const char *path;   /* without query string, percent-decoding not applied */
    const char *query;  /* raw query string after '?', "" when none */
    struct http_header *headers;
    size_t nheaders;
    const char *body;
    size_t body_len;
    const char *remote_addr;
    char id[24]; /* request id, also in error bodies and the access log */
    bool tls; /* arrived over TLS (set by the server) */

    /* filled by the dispatcher and handlers */
    struct ctx ctx;
    struct fail fail;
    int status;
    const char *content_type;
    char *resp_body; /* malloc'd */
    size_t resp_len;
    struct http_header resp_headers[REQ_MAX_RESP_HEADERS];
    int nresp_headers;
    const char *log_note; /* extra text for the access log line (e.g. error code) */
    void *result; /* json_t * set by API handlers, serialised by the dispatcher (owned) */
    bool result_is_error; /* result is the error body itself (bulkRequest) */
};

/* Header value (first occurrence, case-insensitive name) or NULL. */
const char *req_header(const struct req *r, const char *name);
/* All values of a header joined with "," (several X-Cybozu-API-Token headers). NULL if absent. */
const char *req_header_joined(const struct req *r, const char *name);
/* Response headers. Both append and never replace an earlier header of the same name, so
 * several Set-Cookie headers are several calls; req_add_header is the name to use when that is
 * the point. name and value must live as long as r->arena (the server copies them once the
 * handler returns). A header beyond REQ_MAX_RESP_HEADERS is dropped and logged as an error.
 * Setting a security header the server adds by default (Content-Security-Policy,
 * Cache-Control, ...) replaces the default one for this response (see server.h). */
void req_add_header(struct req *r, const char *name, const char *value);
void req_set_header(struct req *r, const char *name, const char *value);
/* Takes ownership of body (malloc'd). */
void req_set_body(struct req *r, int status, const char *content_type, char *body, size_t len);
void req_init(struct req *r, struct arena *a);

#endif
