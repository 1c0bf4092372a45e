/* audit_http: the HTTP side of the audit log: the one entry the dispatcher writes per request
 * of a route with an audit action (routes.c): actor, client address, action, the target read
 * from the parameters (app, record id(s), file key) and the result (ids of created records),
 * the outcome ("ok", "denied" for refusals, "error" with the error code), and as detail the
 * notes domain code attached (audit_note) plus method and path. */
#ifndef MADO_AUDIT_HTTP_H
#define MADO_AUDIT_HTTP_H

#include "api/api.h"
#include "domain/audit.h"

enum api_audit_mode {
    API_AUDIT_IN_TX,  /* in the request's transaction (or SAVEPOINT): commits with the change */
    API_AUDIT_OWN_TX, /* after a rollback or a refusal: a transaction of its own, or the
                         transaction open on r->ctx.db (the group commit's batch) */
    API_AUDIT_QUEUE,  /* reads: queued and written in batches */
};

/* Writes (or queues) the request's entry for rt (which must have an audit action); e is the
 * request's result so far. Returns e, or the audit error when writing in the transaction
 * failed (the request must then fail: the change may not commit without its entry). */
enum err api_audit_request(struct req *r, const struct route *rt, const json_t *params, enum err e,
                           enum api_audit_mode mode);
/* Fills *out with the request's entry (texts in r's arena); false when rt logs nothing. For
 * callers that write several requests' entries at once (the SQLite group commit). */
bool api_audit_entry(struct req *r, const struct route *rt, const json_t *params, enum err e,
                     struct audit_entry *out);
/* "app:3/record:12", "app:3/records:1,2", "file:<key>" or "" from parameters and result. */
const char *api_audit_target(struct req *r, const json_t *params, const json_t *result);
/* Records one inner call of bulkRequest in the outer request's notes ("requests"). */
void api_audit_bulk_note(struct req *r, const char *method, const char *api_path,
                         const json_t *payload, const json_t *result, enum err e);

#endif
