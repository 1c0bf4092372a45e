/* outbox_queue: the delivery side of the outbox (see outbox.h), used by the mail sender
 * thread and the administrators' retry. Each function runs its own short transaction on
 * c->db, so that a claim is committed before the (slow) SMTP conversation starts: two sender
 * threads or server nodes never take the same message. */
#ifndef MADO_OUTBOX_QUEUE_H
#define MADO_OUTBOX_QUEUE_H

#include "domain/ctx.h"

#include <stddef.h>

#define OUTBOX_STUCK_SECONDS 600 /* "sending" longer than this: the sender died; queue again */
#define OUTBOX_BACKOFF_CAP 3600

/* A bare address local@domain that is safe to put verbatim into a header and the SMTP
 * envelope: no spaces, controls, CR/LF or address-list punctuation, at most 254 bytes. */
bool outbox_addr_ok(const char *s);

/* One claimed message; strings live in c->arena, body is decrypted. */
struct outbox_item {
    int64_t id;
    const char *to, *subject, *body;
    int64_t attempts; /* including this one */
};

/* Puts messages stuck in "sending" since before now - OUTBOX_STUCK_SECONDS back in the queue. */
enum err outbox_requeue_stuck(struct ctx *c, int64_t *n) MUST_CHECK;
/* Claims up to max due messages (queued, next_attempt_at <= c->now): marks them sending and
 * counts the attempt. *items in c->arena. A message whose body cannot be unsealed (wrong
 * master key) is marked failed at once and not returned. */
enum err outbox_claim(struct ctx *c, size_t max, struct outbox_item **items, size_t *n) MUST_CHECK;
/* Gives a claimed message back to the queue without counting the attempt (shutdown). */
enum err outbox_unclaim(struct ctx *c, int64_t id) MUST_CHECK;
enum err outbox_mark_sent(struct ctx *c, int64_t id) MUST_CHECK;
/* After a failed attempt: queued again after the backoff, or failed once attempts reach
 * max_attempts. error: what the SMTP client said (kept in last_error). */
enum err outbox_mark_failed_attempt(struct ctx *c, int64_t id, int64_t attempts,
                                    int64_t max_attempts, int64_t base_seconds,
                                    const char *error) MUST_CHECK;
/* Seconds to wait after the attempts-th failure: base, 2·base, 4·base ... at most an hour. */
int64_t outbox_backoff(int64_t attempts, int64_t base_seconds);
/* Failed messages back to queued (attempts start over), due now; in the caller's
 * transaction. *n = how many of ids were failed. */
enum err outbox_retry(struct ctx *c, const int64_t *ids, size_t nids, int64_t *n) MUST_CHECK;

#endif
