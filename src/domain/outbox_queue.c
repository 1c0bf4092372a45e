/* The delivery side of the outbox; see outbox_queue.h. */
#include "domain/outbox_queue.h"

#include "core/arena.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/auth.h"
#include "domain/outbox_sql.h"
#include "sec/sec.h"

#include <sodium.h>
#include <string.h>

static enum err
db_fail(struct ctx *c, int rc, const char *what)
{
    log_error("outbox: %s: %s", what, db_errmsg(c->db));
    if (db_in_tx(c->db))
        (void)db_rollback(c->db);
    return fail_set(c->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
}

/* One statement in its own write transaction. */
static enum err
exec_tx(struct ctx *c, const char *sql, const struct db_param *p, int np, int64_t *changes,
        const char *what)
{
    int rc = db_begin(c->db, true);
    if (rc == DB_OK)
        rc = db_exec(c->db, sql, p, np, changes);
    if (rc == DB_OK)
        rc = db_commit(c->db);
    return rc == DB_OK ? ERR_OK : db_fail(c, rc, what);
}

enum err
outbox_requeue_stuck(struct ctx *c, int64_t *n)
{
    struct db_param p[] = { DBP_INT(c->now - OUTBOX_STUCK_SECONDS) };
    return exec_tx(c, OUTBOX_SQL_STUCK, p, 1, n, "requeue");
}

static bool
unseal(struct ctx *c, const char *sealed, const char **body)
{
    const struct sec_key *k = auth_policy()->key;
    size_t n = strlen(sealed), binlen = 0;
    unsigned char *bin = arena_alloc(c->arena, n + 1);
    if (!k || sodium_base642bin(bin, n, sealed, n, NULL, &binlen, NULL,
                                sodium_base64_VARIANT_ORIGINAL) != 0)
        return false;
    struct strbuf out;
    strbuf_init(&out, c->arena, n + 1);
    if (sec_decrypt(k, bin, binlen, &out) != ERR_OK)
        return false;
    *body = out.buf;
    return true;
}

enum err
outbox_claim(struct ctx *c, size_t max, struct outbox_item **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    int rc = db_begin(c->db, true);
    if (rc != DB_OK)
        return db_fail(c, rc, "claim");
    struct db_param p[] = { DBP_INT(c->now), DBP_INT((int64_t)max) };
    struct db_res *res = NULL;
    /* PostgreSQL: rows another node is claiming right now are skipped; SQLite: BEGIN
     * IMMEDIATE already serialises the claims */
    rc = db_query(c->db, db_kind(c->db) == DB_PG ? OUTBOX_SQL_DUE_PG : OUTBOX_SQL_DUE, p, 2, &res);
    if (rc != DB_OK)
        return db_fail(c, rc, "claim");
    int64_t *ids = arena_alloc(c->arena, sizeof(*ids) * (max ? max : 1));
    size_t nids = 0;
    while ((rc = db_step(res)) == 1 && nids < max)
        ids[nids++] = db_col_int(res, 0);
    db_res_free(res);
    if (rc < 0)
        return db_fail(c, rc, "claim");
    struct outbox_item *out = arena_zalloc(c->arena, sizeof(*out) * (nids ? nids : 1));
    size_t got = 0;
    for (size_t i = 0; i < nids; i++) {
        struct db_param q[] = { DBP_INT(ids[i]), DBP_INT(c->now) };
        int64_t changed = 0;
        rc = db_exec(c->db, OUTBOX_SQL_CLAIM, q, 2, &changed);
        if (rc != DB_OK)
            return db_fail(c, rc, "claim");
        if (changed != 1)
            continue;
        rc = db_query(c->db, OUTBOX_SQL_GET, q, 1, &res);
        if (rc != DB_OK)
            return db_fail(c, rc, "claim");
        if ((rc = db_step(res)) != 1) {
            db_res_free(res);
            return db_fail(c, rc < 0 ? rc : DB_ERROR, "claim");
        }
        struct outbox_item *it = &out[got];
        it->id = ids[i];
        it->to = arena_strdup(c->arena, db_col_text(res, 0));
        it->subject = arena_strdup(c->arena, db_col_text(res, 1));
        const char *sealed = arena_strdup(c->arena, db_col_text(res, 2));
        it->attempts = db_col_int(res, 3);
        db_res_free(res);
        if (!unseal(c, sealed, &it->body)) {
            /* retrying cannot help: the body was sealed with another master key */
            log_error("outbox: message %lld: cannot unseal the body (master key changed?)",
                      (long long)ids[i]);
            struct db_param f[] = { DBP_INT(ids[i]), DBP_TEXT("failed"), DBP_INT(c->now),
                                    DBP_TEXT("cannot unseal the body (master key changed?)") };
            rc = db_exec(c->db, OUTBOX_SQL_AGAIN, f, 4, NULL);
            if (rc != DB_OK)
                return db_fail(c, rc, "claim");
            continue;
        }
        got++;
    }
    rc = db_commit(c->db);
    if (rc != DB_OK)
        return db_fail(c, rc, "claim");
    *items = out;
    *n = got;
    return ERR_OK;
}

enum err
outbox_unclaim(struct ctx *c, int64_t id)
{
    struct db_param p[] = { DBP_INT(id) };
    return exec_tx(c, OUTBOX_SQL_UNCLAIM, p, 1, NULL, "unclaim");
}

enum err
outbox_mark_sent(struct ctx *c, int64_t id)
{
    struct db_param p[] = { DBP_INT(id), DBP_INT(c->now) };
    return exec_tx(c, OUTBOX_SQL_SENT, p, 2, NULL, "mark sent");
}

int64_t
outbox_backoff(int64_t attempts, int64_t base_seconds)
{
    int64_t d = base_seconds > 0 ? base_seconds : 1;
    for (int64_t i = 1; i < attempts && d < OUTBOX_BACKOFF_CAP; i++)
        d *= 2;
    return d < OUTBOX_BACKOFF_CAP ? d : OUTBOX_BACKOFF_CAP;
}

enum err
outbox_mark_failed_attempt(struct ctx *c, int64_t id, int64_t attempts, int64_t max_attempts,
                           int64_t base_seconds, const char *error)
{
    bool final = attempts >= max_attempts;
    int64_t next = final ? c->now : c->now + outbox_backoff(attempts, base_seconds);
    char msg[500];
    snprintf(msg, sizeof(msg), "%s", error ? error : "unknown error");
    struct db_param p[] = { DBP_INT(id), DBP_TEXT(final ? "failed" : "queued"), DBP_INT(next),
                            DBP_TEXT(msg) };
    return exec_tx(c, OUTBOX_SQL_AGAIN, p, 4, NULL, "mark failed attempt");
}

enum err
outbox_retry(struct ctx *c, const int64_t *ids, size_t nids, int64_t *n)
{
    *n = 0;
    for (size_t i = 0; i < nids; i++) {
        struct db_param p[] = { DBP_INT(ids[i]), DBP_INT(c->now) };
        int64_t changed = 0;
        int rc = db_exec(c->db, OUTBOX_SQL_RETRY, p, 2, &changed);
        if (rc != DB_OK) {
            log_error("outbox: retry: %s", db_errmsg(c->db));
            return fail_set(c->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
        }
        *n += changed;
    }
    return ERR_OK;
}
