/* outbox: mail waiting to be sent. Domain code adds messages inside its own transaction (a
 * rolled-back request sends nothing); the mail layer (src/mail/) delivers them over SMTP with
 * retries and records each attempt. Bodies are stored encrypted with the master key, since
 * they may hold verification codes and an applicant's answers. */
#ifndef MADO_OUTBOX_H
#define MADO_OUTBOX_H

#include "domain/ctx.h"

#include <jansson.h>

struct outbox_msg {
    const char *to;      /* one address */
    const char *subject; /* UTF-8 */
    const char *body;    /* UTF-8 plain text */
    const char *kind;    /* "verify", "receipt", "draft_reminder", "notice", ... */
    const char *ref;     /* what it is about ("app:3/record:12", "draft:9") or NULL */
};

/* Queues one message in the caller's transaction; *id may be NULL. */
enum err outbox_add(struct ctx *c, const struct outbox_msg *m, int64_t *id) MUST_CHECK;
/* Delivery state for administrators: {messages:[{id, to, subject, kind, ref, state
 * (queued|sending|sent|failed), attempts, lastError, createdAt, sentAt, nextAttemptAt}]}
 * newest first; filters may be NULL. Bodies are never listed. */
enum err outbox_list(struct ctx *c, const char *state, const char *ref, int64_t limit,
                     int64_t offset, json_t **out) MUST_CHECK;

#endif
