/* audit: the append-only, hash-chained audit log (audit_log). Every entry carries the SHA-256
 * of the previous one; signed checkpoints (Ed25519) are written every N entries and daily.
 * Changes are logged inside the transaction of the change they record; reads (views, lists,
 * downloads) are queued and written in batches so a read never waits for the writer. */
#ifndef MADO_AUDIT_H
#define MADO_AUDIT_H

#include "domain/ctx.h"

#include <jansson.h>

/* Appends one entry inside the caller's transaction (actor and IP from c->who / c->ip).
 * target: e.g. "app:3/record:12" or NULL; outcome: "ok", "denied", "error"...;
 * detail_json: a JSON object text or NULL. */
enum err audit_add(struct ctx *c, const char *action, const char *target, const char *outcome,
                   const char *detail_json) MUST_CHECK;
/* Attaches key: value (stolen) to the audit entry the dispatcher writes for this request. */
void audit_note(struct ctx *c, const char *key, json_t *value);

#endif
