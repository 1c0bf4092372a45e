/* All SQL of the mail outbox (table mail_outbox). */
#ifndef MADO_OUTBOX_SQL_H
#define MADO_OUTBOX_SQL_H

#define OUTBOX_SQL_INSERT                                                                          \
    "INSERT INTO mail_outbox (to_addr, subject, body, kind, ref, state, attempts, "               \
    "next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, $6) RETURNING id"
/* $1 state or NULL, $2 ref or NULL, $3 limit, $4 offset (the casts let PostgreSQL type a
 * parameter that is only compared with NULL) */
#define OUTBOX_SQL_LIST                                                                            \
    "SELECT id, to_addr, subject, kind, ref, state, attempts, last_error, created_at, sent_at, "  \
    "next_attempt_at FROM mail_outbox WHERE (CAST($1 AS TEXT) IS NULL OR state = $1) "            \
    "AND (CAST($2 AS TEXT) IS NULL OR ref = $2) ORDER BY id DESC LIMIT $3 OFFSET $4"
/* Due messages; other nodes' claims in progress are skipped, not waited for. */
#define OUTBOX_SQL_DUE                                                                             \
    "SELECT id FROM mail_outbox WHERE state = 'queued' AND next_attempt_at <= $1 "                \
    "ORDER BY next_attempt_at, id LIMIT $2"
#define OUTBOX_SQL_DUE_PG OUTBOX_SQL_DUE " FOR UPDATE SKIP LOCKED"
#define OUTBOX_SQL_CLAIM                                                                           \
    "UPDATE mail_outbox SET state = 'sending', claimed_at = $2, attempts = attempts + 1 "         \
    "WHERE id = $1 AND state = 'queued'"
#define OUTBOX_SQL_GET                                                                             \
    "SELECT to_addr, subject, body, attempts FROM mail_outbox WHERE id = $1"
#define OUTBOX_SQL_SENT                                                                            \
    "UPDATE mail_outbox SET state = 'sent', sent_at = $2, last_error = NULL, claimed_at = NULL " \
    "WHERE id = $1 AND state = 'sending'"
/* $2 state (queued or failed), $3 next attempt, $4 error */
#define OUTBOX_SQL_AGAIN                                                                           \
    "UPDATE mail_outbox SET state = $2, next_attempt_at = $3, last_error = $4, "                  \
    "claimed_at = NULL WHERE id = $1 AND state = 'sending'"
/* a claim given back unattempted (the server is stopping) */
#define OUTBOX_SQL_UNCLAIM                                                                         \
    "UPDATE mail_outbox SET state = 'queued', claimed_at = NULL, attempts = attempts - 1 "       \
    "WHERE id = $1 AND state = 'sending'"
#define OUTBOX_SQL_STUCK                                                                           \
    "UPDATE mail_outbox SET state = 'queued', claimed_at = NULL, "                                \
    "last_error = 'interrupted while sending' WHERE state = 'sending' AND claimed_at < $1"
#define OUTBOX_SQL_RETRY                                                                           \
    "UPDATE mail_outbox SET state = 'queued', next_attempt_at = $2, attempts = 0 "                \
    "WHERE id = $1 AND state = 'failed'"

#endif
