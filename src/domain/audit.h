/* audit: the append-only, hash-chained audit log (audit_log). Every entry carries the SHA-256
 * of the previous one; signed checkpoints (Ed25519) are written every N entries and daily.
 * Changes are logged inside the transaction of the change they record; reads (views, lists,
 * downloads) are queued and written in batches so a read never waits for the writer.
 *
 * Entry hash = SHA-256("madoguchi-audit-v1" then, each framed as (8-byte big-endian length,
 * bytes): seq and at (as 8-byte big-endian integers), actor, ip, action, target, outcome,
 * detail, prev_hash); the first entry's prev_hash is 64 zeros. Checkpoint signature = Ed25519
 * over the SHA-256 of ("madoguchi-audit-checkpoint-v1", kind, seq, hash, at) in the same
 * framing. See docs/audit.md.
 * Module files: audit.c (writing, notes, keys), audit_queue.c (queued reads and the flusher),
 * audit_verify.c (verification), audit_read.c (listing, export, pruning). */
#ifndef MADO_AUDIT_H
#define MADO_AUDIT_H

#include "domain/ctx.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct config;

/* Appends one entry inside the caller's transaction (actor and IP from c->who / c->ip).
 * target: e.g. "app:3/record:12" or NULL; outcome: "ok", "denied", "error"...;
 * detail_json: a JSON object text or NULL. */
enum err audit_add(struct ctx *c, const char *action, const char *target, const char *outcome,
                   const char *detail_json) MUST_CHECK;
/* Attaches key: value (stolen) to the audit entry the dispatcher writes for this request. */
void audit_note(struct ctx *c, const char *key, json_t *value);

/* ---- settings ---------------------------------------------------------------------------- */

/* From the [audit] settings (NULL: defaults, and an in-memory signing key — tests). Returns
 * false when the settings are unusable. The key file is read (or created) on first use. */
bool audit_configure(const struct config *cfg);
bool audit_enabled(void);
const char *audit_reader_group(void);
long audit_retention_days(void);

/* ---- entries ------------------------------------------------------------------------------ */

struct audit_entry {
    int64_t at; /* Unix ms */
    const char *actor, *ip, *action, *target, *outcome, *detail;
};

/* Who the caller is, as the log names it: the login, "token:<id>[,<id>]" for API tokens,
 * "system" for the CLI. Arena memory. */
const char *audit_actor(struct ctx *c);
/* The request's notes (audit_note) as an object, created on first use; borrowed (the arena
 * owns it). */
json_t *audit_notes(struct ctx *c);
/* Time of an entry written now for c (ms): the clock, or c->now when a caller pinned it. */
int64_t audit_now_ms(const struct ctx *c);

/* Appends entries in order inside the transaction open on db (the chain head is locked FOR
 * UPDATE on PostgreSQL). Empty texts for NULL. Writes due checkpoints. */
enum err audit_append(struct ctx *c, const struct audit_entry *e, int n) MUST_CHECK;
/* Same, in a transaction of its own when c->db has none (refusals, failures after a
 * rollback). Failures are logged, never returned. */
void audit_append_own(struct ctx *c, const struct audit_entry *e);

/* ---- queued entries (reads) ---------------------------------------------------------------- */

/* Copies e into the process-wide queue. When the queue is full, flushes it inline on db
 * (which must not be in a transaction). */
void audit_enqueue(struct db *db, const struct audit_entry *e);
/* Writes every queued entry now, in one transaction on db. ERR_OK when the queue is empty. */
enum err audit_flush(struct db *db) MUST_CHECK;
/* Entries waiting in the queue. */
int audit_queued(void);
/* The flusher thread of `serve`: flushes every 200 ms or at 256 entries on its own connection
 * to db_url, writes the daily checkpoint when due and applies retention daily. Stop flushes
 * what is left. Start returns <0 when the thread could not be started. */
int audit_flusher_start(const char *db_url);
void audit_flusher_stop(void);

/* ---- checkpoints, verification, pruning ----------------------------------------------------- */

/* Writes a checkpoint of the chain head now (kind "daily" when due; force: whatever the time)
 * in its own transaction. Nothing when the log is empty or the head has one already. */
enum err audit_checkpoint_due(struct ctx *c, bool force) MUST_CHECK;

struct audit_verify {
    int64_t entries, checkpoints, first_seq, last_seq;
    int64_t bad_seq;     /* 0 = intact */
    const char *problem; /* "changed", "removed", "reordered", "bad checkpoint signature",
                            "checkpoint hash mismatch", "unknown checkpoint key" (static) */
};
/* Walks the whole chain on db: recomputes every hash, checks seq continuity, the prev_hash
 * links and each checkpoint's signature with pub (NULL: the configured key's). The first
 * problem (lowest seq) is reported. ERR_OK also when the log is bad (see out->bad_seq). */
enum err audit_verify(struct db *db, const uint8_t *pub, struct audit_verify *out) MUST_CHECK;
/* The configured signing key's public key (loads or creates the key file); NULL on failure. */
const uint8_t *audit_public_key(void);

/* Deletes entries older than now_ms - days, after writing a signed anchor checkpoint of the
 * last one deleted, and logs "audit.prune". *pruned = entries deleted. Own transaction. */
enum err audit_prune(struct ctx *c, int64_t now_ms, long days, int64_t *pruned) MUST_CHECK;

/* ---- reading ---------------------------------------------------------------------------------- */

struct audit_filter {
    int64_t from, to;        /* Unix ms, inclusive; 0 = open */
    const char *actor;       /* exact */
    const char *action;      /* exact, or a prefix when it ends in '*' */
    const char *target;      /* prefix */
    const char *outcome;     /* exact */
    int64_t after;           /* seq > after */
    int64_t limit;           /* rows */
};
#define AUDIT_LIST_MAX 500

/* One stored entry as read back (texts valid until the next row). */
struct audit_row {
    int64_t seq, at;
    const char *actor, *ip, *action, *target, *outcome, *detail, *prev_hash, *hash;
};
/* Calls fn for every entry matching f in seq order (f->limit 0 = all, paging internally).
 * fn returns false to stop. */
enum err audit_each(struct ctx *c, const struct audit_filter *f,
                    bool (*fn)(void *arg, const struct audit_row *row), void *arg) MUST_CHECK;
/* The row as a JSON object ("seq","at" ISO 8601 UTC with ms,"atMs",... "detail" parsed). */
json_t *audit_row_json(const struct audit_row *row);
/* "2026-11-26T09:00:00+09:00" (any ISO 8601 date-time), a date "2026-11-26" (in tz_minutes:
 * its first millisecond, or with end=true its last) or Unix ms digits → Unix ms. */
bool audit_parse_time(const char *s, bool end, int tz_minutes, int64_t *ms);
/* True when the caller is in the auditor group ([audit] reader_group). */
enum err audit_is_reader(struct ctx *c, bool *yes) MUST_CHECK;

#endif
