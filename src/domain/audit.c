/* Writing the audit log: settings, the signing key, per-request notes and the chain itself;
 * see audit.h. */
#include "domain/audit.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "db/db.h"
#include "domain/audit_int.h"
#include "domain/audit_sql.h"
#include "sec/sign.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DAY_MS (86400LL * 1000)
#define KEY_RETRY_MS (60 * 1000)

static pthread_mutex_t cfg_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct {
    bool enabled;
    long every, retention_days;
    char *reader_group;
    char *key_path;            /* NULL: in-memory key */
    struct sign_key *key;      /* loaded on first use */
    int64_t key_failed_at;     /* last failed load (ms): retried after KEY_RETRY_MS */
} cfg = { .enabled = true, .every = 1000 };

bool
audit_configure(const struct config *c)
{
    pthread_mutex_lock(&cfg_mutex);
    sign_key_free(cfg.key);
    cfg.key = NULL;
    cfg.key_failed_at = 0;
    free(cfg.key_path);
    free(cfg.reader_group);
    cfg.key_path = c ? config_audit_key_path(c) : NULL;
    cfg.reader_group = xstrdup(c && c->audit_reader_group ? c->audit_reader_group : "監査担当");
    cfg.enabled = c ? c->audit_enabled != 0 : true;
    cfg.every = c && c->audit_checkpoint_every > 0 ? c->audit_checkpoint_every : 1000;
    cfg.retention_days = c ? c->audit_retention_days : 0;
    pthread_mutex_unlock(&cfg_mutex);
    return true;
}

bool
audit_enabled(void)
{
    return cfg.enabled;
}

const char *
audit_reader_group(void)
{
    return cfg.reader_group ? cfg.reader_group : "監査担当";
}

long
audit_retention_days(void)
{
    return cfg.retention_days;
}

long
audit_checkpoint_every(void)
{
    return cfg.every;
}

static int
mkdir_parent(const char *path)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n >= sizeof(buf))
        return -1;
    memcpy(buf, path, n + 1);
    char *slash = strrchr(buf, '/');
    if (!slash || slash == buf)
        return 0;
    *slash = '\0';
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0700) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    }
    return mkdir(buf, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

/* The signing key (created when create and missing); NULL when it cannot be had. Caller
 * holds cfg_mutex. */
static struct sign_key *
signer_locked(bool create)
{
    if (cfg.key)
        return cfg.key;
    int64_t now = clock_now_ms();
    if (create && cfg.key_failed_at && now - cfg.key_failed_at < KEY_RETRY_MS &&
        now >= cfg.key_failed_at)
        return NULL;
    enum err e;
    if (!cfg.key_path) {
        e = sign_key_ephemeral(&cfg.key);
        if (e == ERR_OK)
            log_warn("audit: no key file configured: checkpoints are signed with a key that "
                     "lives only in this process");
    } else {
        if (create)
            mkdir_parent(cfg.key_path);
        e = sign_key_load(cfg.key_path, create, &cfg.key);
    }
    if (e != ERR_OK) {
        if (create || !cfg.key_path) /* a reader finding no key yet must not stop the writer */
            cfg.key_failed_at = now ? now : 1;
        log_error("audit: no signing key (%s): checkpoints are not written",
                  cfg.key_path ? cfg.key_path : "memory");
        return NULL;
    }
    return cfg.key;
}

const uint8_t *
audit_public_key(void)
{
    pthread_mutex_lock(&cfg_mutex);
    struct sign_key *k = signer_locked(false);
    pthread_mutex_unlock(&cfg_mutex);
    return k ? sign_key_public(k) : NULL;
}

/* ---- hashing ------------------------------------------------------------------------------ */

void
audit_hash(const struct audit_fields *f, char out[SIGN_HASH_HEX])
{
    uint8_t seq[8], at[8], h[SIGN_HASH_BYTES];
    struct sign_part parts[2 + AUDIT_NTEXT];
    sign_be64(f->seq, seq);
    sign_be64(f->at, at);
    parts[0] = (struct sign_part){ seq, 8 };
    parts[1] = (struct sign_part){ at, 8 };
    memcpy(parts + 2, f->text, sizeof(f->text));
    sign_hash_parts(AUDIT_TAG, parts, 2 + AUDIT_NTEXT, h);
    sign_hex(h, sizeof(h), out);
}

void
audit_cp_digest(const char *kind, int64_t seq, const char *hash_hex, int64_t at,
                uint8_t out[SIGN_HASH_BYTES])
{
    uint8_t s[8], a[8];
    sign_be64(seq, s);
    sign_be64(at, a);
    struct sign_part parts[] = { { kind, strlen(kind) }, { s, 8 }, { hash_hex, strlen(hash_hex) },
                                 { a, 8 } };
    sign_hash_parts(AUDIT_CP_TAG, parts, 4, out);
}

/* ---- the chain ------------------------------------------------------------------------------ */

static enum err
db_fail(struct ctx *c, int rc, const char *what)
{
    log_error("audit: %s: %s", what, db_errmsg(c->db));
    return fail_set(c->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
}

enum err
audit_head_read(struct ctx *c, struct audit_head *h)
{
    struct db_res *res = NULL;
    int rc = db_query(c->db, db_kind(c->db) == DB_PG ? AUDIT_SQL_HEAD_LOCK : AUDIT_SQL_HEAD, NULL,
                      0, &res);
    if (rc == DB_OK && (rc = db_step(res)) == 1) {
        h->seq = db_col_int(res, 0);
        snprintf(h->hash, sizeof(h->hash), "%s", db_col_text(res, 1));
        h->cp_seq = db_col_int(res, 2);
        h->cp_at = db_col_int(res, 3);
        rc = DB_OK;
    } else if (rc == 0) {
        rc = DB_ERROR;
    }
    db_res_free(res);
    return rc == DB_OK ? ERR_OK : db_fail(c, rc, "head");
}

enum err
audit_head_write(struct ctx *c, const struct audit_head *h)
{
    struct db_param p[] = { DBP_INT(h->seq), DBP_TEXT(h->hash), DBP_INT(h->cp_seq),
                            DBP_INT(h->cp_at) };
    int rc = db_exec(c->db, AUDIT_SQL_HEAD_SET, p, 4, NULL);
    return rc == DB_OK ? ERR_OK : db_fail(c, rc, "head update");
}

enum err
audit_cp_write(struct ctx *c, const char *kind, int64_t seq, const char *hash_hex, int64_t at,
               bool *written)
{
    *written = false;
    pthread_mutex_lock(&cfg_mutex);
    struct sign_key *k = signer_locked(true);
    uint8_t digest[SIGN_HASH_BYTES], sig[SIGN_SIG_BYTES];
    char sig_hex[SIGN_SIG_HEX], key_id[SIGN_KEYID_HEX];
    if (k) {
        audit_cp_digest(kind, seq, hash_hex, at, digest);
        sign_detached(k, digest, sizeof(digest), sig);
        sign_key_id(sign_key_public(k), key_id);
    }
    pthread_mutex_unlock(&cfg_mutex);
    if (!k)
        return ERR_OK; /* logged: a missing key must not stop the ward's work */
    sign_hex(sig, sizeof(sig), sig_hex);
    struct db_param p[] = { DBP_INT(seq),      DBP_INT(at),       DBP_TEXT(hash_hex),
                            DBP_TEXT(key_id), DBP_TEXT(sig_hex), DBP_TEXT(kind) };
    int rc = db_exec(c->db, AUDIT_SQL_CP_INSERT, p, 6, NULL);
    if (rc != DB_OK)
        return db_fail(c, rc, "checkpoint");
    *written = true;
    return ERR_OK;
}

static const char *
nz(const char *s)
{
    return s ? s : "";
}

/* PostgreSQL, one entry: the database function hashes and appends in one round trip (each
 * round trip while holding the head lock delays every other writer); a due checkpoint is
 * signed here and stored with two more statements. */
static enum err
append_one_pg(struct ctx *c, const struct audit_entry *x, const char *const text[AUDIT_NTEXT - 1])
{
    struct db_param p[] = { DBP_INT(x->at),     DBP_TEXT(text[0]), DBP_TEXT(text[1]),
                            DBP_TEXT(text[2]),  DBP_TEXT(text[3]), DBP_TEXT(text[4]),
                            DBP_TEXT(text[5]) };
    struct db_res *res = NULL;
    int64_t seq = 0, cp_at = 0;
    char hash[SIGN_HASH_HEX] = "";
    int rc = db_query(c->db, AUDIT_SQL_APPEND_ONE_PG, p, 7, &res);
    if (rc == DB_OK && (rc = db_step(res)) == 1) {
        seq = db_col_int(res, 0);
        snprintf(hash, sizeof(hash), "%s", db_col_text(res, 1));
        cp_at = db_col_int(res, 3);
        rc = DB_OK;
    } else if (rc == 0) {
        rc = DB_ERROR;
    }
    db_res_free(res);
    if (rc != DB_OK)
        return db_fail(c, rc, "append");
    bool periodic = seq % cfg.every == 0, daily = x->at - cp_at >= DAY_MS;
    if (!periodic && !daily)
        return ERR_OK;
    bool written;
    enum err err = audit_cp_write(c, periodic ? "periodic" : "daily", seq, hash, x->at, &written);
    if (err != ERR_OK || !written)
        return err;
    struct db_param cp[] = { DBP_INT(seq), DBP_INT(x->at) };
    rc = db_exec(c->db, AUDIT_SQL_CP_SET, cp, 2, NULL);
    return rc == DB_OK ? ERR_OK : db_fail(c, rc, "head update");
}

enum err
audit_append(struct ctx *c, const struct audit_entry *e, int n)
{
    if (!cfg.enabled || n <= 0)
        return ERR_OK;
    if (n == 1 && db_kind(c->db) == DB_PG) {
        const char *text[AUDIT_NTEXT - 1] = { nz(e->actor),  nz(e->ip),      nz(e->action),
                                              nz(e->target), nz(e->outcome),
                                              e->detail && *e->detail ? e->detail : "{}" };
        return append_one_pg(c, e, text);
    }
    struct audit_head h;
    enum err err = audit_head_read(c, &h);
    if (err != ERR_OK)
        return err;
    long every = cfg.every;
    for (int i = 0; i < n; i++) {
        const struct audit_entry *x = &e[i];
        struct audit_fields f = { .seq = h.seq + 1, .at = x->at };
        const char *text[AUDIT_NTEXT] = { nz(x->actor),   nz(x->ip),      nz(x->action),
                                          nz(x->target),  nz(x->outcome),
                                          x->detail && *x->detail ? x->detail : "{}", h.hash };
        for (int k = 0; k < AUDIT_NTEXT; k++)
            f.text[k] = (struct sign_part){ text[k], strlen(text[k]) };
        char hash[SIGN_HASH_HEX];
        audit_hash(&f, hash);
        struct db_param p[] = { DBP_INT(f.seq),     DBP_INT(f.at),      DBP_TEXT(text[0]),
                                DBP_TEXT(text[1]),  DBP_TEXT(text[2]),  DBP_TEXT(text[3]),
                                DBP_TEXT(text[4]),  DBP_TEXT(text[5]),  DBP_TEXT(h.hash),
                                DBP_TEXT(hash) };
        int rc = db_exec(c->db, AUDIT_SQL_INSERT, p, 10, NULL);
        if (rc != DB_OK)
            return db_fail(c, rc, "append");
        h.seq = f.seq;
        memcpy(h.hash, hash, sizeof(hash));
        bool periodic = h.seq % every == 0, daily = f.at - h.cp_at >= DAY_MS;
        if (periodic || daily) {
            bool written;
            err = audit_cp_write(c, periodic ? "periodic" : "daily", h.seq, h.hash, f.at,
                                 &written);
            if (err != ERR_OK)
                return err;
            if (written) {
                h.cp_seq = h.seq;
                h.cp_at = f.at;
            }
        }
    }
    return audit_head_write(c, &h);
}

/* Runs fn(c, arg) in a write transaction of its own, or in the caller's when c->db has one.
 * One retry when the database was busy (a PostgreSQL deadlock victim). */
enum err
audit_in_tx(struct ctx *c, enum err (*fn)(struct ctx *, void *), void *arg)
{
    if (db_in_tx(c->db))
        return fn(c, arg);
    enum err e = ERR_INTERNAL;
    for (int attempt = 0; attempt < 2; attempt++) {
        int rc = db_begin(c->db, true);
        if (rc != DB_OK)
            return db_fail(c, rc, "begin");
        e = fn(c, arg);
        if (e == ERR_OK) {
            rc = db_commit(c->db);
            if (rc == DB_OK)
                return ERR_OK;
            e = db_fail(c, rc, "commit");
            if (rc != DB_BUSY)
                return e;
        } else {
            db_rollback(c->db);
            return e;
        }
    }
    return e;
}

static enum err
append_one(struct ctx *c, void *arg)
{
    return audit_append(c, arg, 1);
}

void
audit_append_own(struct ctx *c, const struct audit_entry *e)
{
    if (!cfg.enabled)
        return;
    /* a private error record: a failure to log must not become the request's error */
    struct ctx mine = *c;
    struct fail f;
    fail_init(&f, c->arena, c->lang);
    mine.fail = &f;
    if (audit_in_tx(&mine, append_one, (void *)e) != ERR_OK)
        log_error("audit: entry %s by %s lost: %s", nz(e->action), nz(e->actor),
                  f.message ? f.message : "?");
}

/* ---- the ctx side ----------------------------------------------------------------------------- */

int64_t
audit_now_ms(const struct ctx *c)
{
    int64_t ms = clock_now_ms();
    if (c->now && ms / 1000 != c->now)
        ms = c->now * 1000; /* pinned by the caller (tests, replays), or a second boundary */
    return ms;
}

const char *
audit_actor(struct ctx *c)
{
    switch (c->who.kind) {
    case PRIN_USER:
        return c->who.login ? c->who.login : "";
    case PRIN_TOKEN: {
        if (c->who.ntokens == 0)
            return "token";
        char buf[PRINCIPAL_MAX_TOKENS * 24 + 8];
        size_t n = (size_t)snprintf(buf, sizeof(buf), "token:");
        for (int i = 0; i < c->who.ntokens && n < sizeof(buf); i++)
            n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%lld", i ? "," : "",
                                  (long long)c->who.tokens[i].id);
        return arena_strdup(c->arena, buf);
    }
    case PRIN_SYSTEM:
        return c->who.login ? c->who.login : "system";
    default:
        return c->who.login ? c->who.login : "";
    }
}

static void
decref(void *p)
{
    json_decref(p);
}

json_t *
audit_notes(struct ctx *c)
{
    if (!c->audit) {
        json_t *o = json_object();
        arena_defer(c->arena, decref, o);
        c->audit = o;
    }
    return c->audit;
}

void
audit_note(struct ctx *c, const char *key, json_t *value)
{
    if (!value)
        return;
    if (!c->arena) {
        json_decref(value);
        return;
    }
    json_object_set_new(audit_notes(c), key, value);
}

enum err
audit_add(struct ctx *c, const char *action, const char *target, const char *outcome,
          const char *detail_json)
{
    struct audit_entry e = { .at = audit_now_ms(c),
                             .actor = audit_actor(c),
                             .ip = c->ip,
                             .action = action,
                             .target = target,
                             .outcome = outcome ? outcome : "ok",
                             .detail = detail_json };
    return audit_in_tx(c, append_one, &e);
}

/* ---- checkpoints on demand ----------------------------------------------------------------------- */

struct due_arg {
    bool force;
    int64_t now;
};

static enum err
checkpoint_now(struct ctx *c, void *arg)
{
    struct due_arg *a = arg;
    struct audit_head h;
    enum err e = audit_head_read(c, &h);
    if (e != ERR_OK || h.seq == 0 || h.seq == h.cp_seq)
        return e;
    if (!a->force && a->now - h.cp_at < DAY_MS)
        return ERR_OK;
    bool written;
    e = audit_cp_write(c, a->force ? "periodic" : "daily", h.seq, h.hash, a->now, &written);
    if (e != ERR_OK || !written)
        return e;
    h.cp_seq = h.seq;
    h.cp_at = a->now;
    return audit_head_write(c, &h);
}

enum err
audit_checkpoint_due(struct ctx *c, bool force)
{
    if (!cfg.enabled)
        return ERR_OK;
    struct due_arg a = { force, audit_now_ms(c) };
    return audit_in_tx(c, checkpoint_now, &a);
}
