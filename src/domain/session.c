/* Browser sessions; see session.h. */
#include "session.h"

#include "core/arena.h"
#include "core/log.h"
#include "db/db.h"
#include "domain/auth.h"
#include "domain/event.h"
#include "domain/session_sql.h"
#include "sec/sec.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

/* A session row as the cache keeps it: fixed buffers, so an entry owns no heap memory.
 * Longer names than the buffers are simply not cached. */
struct session_row {
    int64_t id, user_id, created_at, last_seen_at, expires_at, revoked_at;
    enum session_stage stage;
    bool is_admin, is_service, disabled;
    char token_hash[SEC_HEX256_MAX];
    char login[128];
    char name[256];
    bool fits;
};

#define SESSION_CACHE 32
#define SESSION_CACHE_TTL 2

struct session_entry {
    struct session_row row;
    int64_t fetched;
    unsigned epoch;
};
static _Thread_local struct session_entry session_cache[SESSION_CACHE];
/* Bumped by every revocation or stage change in this process: cached rows of an older epoch
 * are fetched again. */
static _Atomic unsigned session_epoch = 1;

void
session_cache_invalidate(void)
{
    atomic_fetch_add(&session_epoch, 1);
}

static const char *const stage_names[] = {
    [SESSION_PASSWORD] = "password",
    [SESSION_ENROL] = "enrol",
    [SESSION_MFA] = "mfa",
    [SESSION_OK] = "ok",
};

const char *
session_stage_name(enum session_stage st)
{
    return stage_names[st];
}

static enum session_stage
stage_parse(const char *s)
{
    for (int i = 0; i <= SESSION_OK; i++)
        if (strcmp(s, stage_names[i]) == 0)
            return (enum session_stage)i;
    return SESSION_PASSWORD; /* unknown text: the most restricted stage that still ends */
}

enum session_stage
session_next_stage(bool must_change_password, bool mfa, bool totp_enabled)
{
    if (must_change_password)
        return SESSION_PASSWORD;
    if (mfa)
        return totp_enabled ? SESSION_MFA : SESSION_ENROL;
    return SESSION_OK;
}

int64_t
session_idle_seconds(bool is_admin)
{
    const struct auth_policy *p = auth_policy();
    return (int64_t)(is_admin ? p->session_admin_idle_min : p->session_idle_min) * 60;
}

static enum err
db_fail(struct ctx *c, int rc)
{
    log_error("session: %s", db_errmsg(c->db));
    return fail_set(c->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
}

static bool
copy_fit(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap) {
        dst[0] = '\0';
        return false;
    }
    memcpy(dst, src, n + 1);
    return true;
}

/* One row; login and name also as arena strings (the row's buffers may be too short). */
static enum err
fetch(struct ctx *c, const char *sql, struct db_param p, struct session_row *row, bool *found,
      const char **login, const char **name)
{
    struct db_res *res = NULL;
    int rc = db_query(c->db, sql, &p, 1, &res);
    if (rc != DB_OK)
        return db_fail(c, rc);
    rc = db_step(res);
    *found = rc == 1;
    if (rc == 1) {
        memset(row, 0, sizeof(*row));
        row->id = db_col_int(res, 0);
        row->user_id = db_col_int(res, 1);
        row->stage = stage_parse(db_col_text(res, 2));
        row->created_at = db_col_int(res, 3);
        row->last_seen_at = db_col_int(res, 4);
        row->expires_at = db_col_int(res, 5);
        row->revoked_at = db_col_null(res, 6) ? 0 : db_col_int(res, 6);
        copy_fit(row->token_hash, sizeof(row->token_hash), db_col_text(res, 7));
        row->fits = copy_fit(row->login, sizeof(row->login), db_col_text(res, 8));
        row->fits = copy_fit(row->name, sizeof(row->name), db_col_text(res, 9)) && row->fits;
        row->is_admin = db_col_int(res, 10) != 0;
        row->is_service = db_col_int(res, 11) != 0;
        row->disabled = db_col_int(res, 12) != 0;
        *login = arena_strdup(c->arena, db_col_text(res, 8));
        *name = arena_strdup(c->arena, db_col_text(res, 9));
    }
    db_res_free(res);
    if (rc < 0)
        return db_fail(c, rc);
    return ERR_OK;
}

static void
to_session(const struct session_row *row, const char *login, const char *name, struct session *s)
{
    memset(s, 0, sizeof(*s));
    s->id = row->id;
    s->user_id = row->user_id;
    s->stage = row->stage;
    s->created_at = row->created_at;
    s->last_seen_at = row->last_seen_at;
    s->expires_at = row->expires_at;
    memcpy(s->token_hash, row->token_hash, sizeof(s->token_hash));
    s->login = login;
    s->name = name;
    s->is_admin = row->is_admin;
    s->is_service = row->is_service;
    int64_t idle_end = row->last_seen_at + session_idle_seconds(row->is_admin);
    s->deadline = idle_end < row->expires_at ? idle_end : row->expires_at;
}

/* Token hash → row, through this thread's cache. Names longer than the cache buffers are
 * fetched every time (rare). */
static enum err
lookup(struct ctx *c, const char *hash, bool fresh, struct session_row *row, bool *found,
       struct session_entry **slot, const char **login, const char **name)
{
    unsigned h = 0;
    for (int i = 0; i < 8; i++)
        h = h * 31 + (unsigned char)hash[i];
    struct session_entry *e = &session_cache[h % SESSION_CACHE];
    *slot = e;
    unsigned epoch = atomic_load(&session_epoch);
    if (!fresh && e->fetched && e->epoch == epoch && e->fetched <= c->now &&
        c->now < e->fetched + SESSION_CACHE_TTL && memcmp(e->row.token_hash, hash, 64) == 0) {
        *row = e->row;
        *found = true;
        *login = arena_strdup(c->arena, row->login);
        *name = arena_strdup(c->arena, row->name);
        return ERR_OK;
    }
    enum err err = fetch(c, SESSION_SQL_BY_HASH, DBP_TEXT(hash), row, found, login, name);
    if (err != ERR_OK)
        return err;
    if (*found && row->fits) {
        e->row = *row;
        e->fetched = c->now;
        e->epoch = epoch;
    }
    return ERR_OK;
}

static enum err
exec(struct ctx *c, const char *sql, const struct db_param *p, int n)
{
    int rc = db_exec(c->db, sql, p, n, NULL);
    return rc == DB_OK ? ERR_OK : db_fail(c, rc);
}

enum err
session_check(struct ctx *c, const char *token, bool touch, struct session *s,
              enum session_state *state)
{
    *state = SESSION_NONE;
    size_t n = token ? strlen(token) : 0;
    if (n != SESSION_TOKEN_LEN)
        return ERR_OK;
    for (size_t i = 0; i < n; i++) {
        char ch = token[i];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '_'))
            return ERR_OK;
    }
    char hash[SEC_HEX256_MAX];
    sec_token_hash(token, n, hash);
    struct session_row row;
    struct session_entry *slot;
    bool found;
    const char *login = NULL, *name = NULL;
    enum err e = lookup(c, hash, false, &row, &found, &slot, &login, &name);
    if (e == ERR_OK && found && !row.revoked_at && !row.disabled) {
        to_session(&row, login, name, s);
        /* a cached row may miss another thread's touch: expire only on the stored row */
        if (c->now >= s->deadline)
            e = lookup(c, hash, true, &row, &found, &slot, &login, &name);
    }
    if (e != ERR_OK || !found)
        return e;
    if (row.revoked_at || row.disabled) {
        *state = SESSION_ENDED;
        return ERR_OK;
    }
    to_session(&row, login, name, s);
    if (c->now >= s->deadline) {
        struct db_param p[] = { DBP_INT(row.id), DBP_INT(c->now) };
        e = exec(c, SESSION_SQL_REVOKE, p, 2);
        if (e != ERR_OK)
            return e;
        session_cache_invalidate();
        const char *why = s->deadline == row.expires_at ? "absolute" : "idle";
        event_log(c, "session.expired", s->login, NULL,
                  arena_printf(c->arena, "{\"session\":%lld,\"reason\":\"%s\"}",
                               (long long)row.id, why));
        *state = SESSION_ENDED;
        return ERR_OK;
    }
    if (touch && c->now - row.last_seen_at >= SESSION_TOUCH_EVERY) {
        struct db_param p[] = { DBP_INT(row.id), DBP_INT(c->now) };
        e = exec(c, SESSION_SQL_TOUCH, p, 2);
        if (e != ERR_OK)
            return e;
        row.last_seen_at = c->now;
        if (slot->fetched && slot->row.id == row.id)
            slot->row.last_seen_at = c->now;
        to_session(&row, login, name, s);
    }
    memset(&c->who, 0, sizeof(c->who));
    c->who.kind = PRIN_USER;
    c->who.user_id = s->user_id;
    c->who.login = s->login;
    c->who.name = s->name;
    c->who.is_admin = s->is_admin;
    c->who.is_service = s->is_service;
    c->who.session_id = s->id;
    *state = SESSION_VALID;
    return ERR_OK;
}

enum err
session_get(struct ctx *c, int64_t id, struct session *s, bool *found)
{
    struct session_row row;
    const char *login = NULL, *name = NULL;
    enum err e = fetch(c, SESSION_SQL_BY_ID, DBP_INT(id), &row, found, &login, &name);
    if (e != ERR_OK || !*found)
        return e;
    if (row.revoked_at || row.disabled) {
        *found = false;
        return ERR_OK;
    }
    to_session(&row, login, name, s);
    return ERR_OK;
}

enum err
session_create(struct ctx *c, int64_t user_id, enum session_stage stage, const char *user_agent,
               char token[64], int64_t *id)
{
    char hash[SEC_HEX256_MAX];
    sec_token_new(token);
    sec_token_hash(token, strlen(token), hash);
    int64_t max = (int64_t)auth_policy()->session_max_hours * 3600;
    /* the user agent is only shown to people; bound what a client can make us store */
    char ua[256];
    snprintf(ua, sizeof(ua), "%s", user_agent ? user_agent : "");
    for (char *p = ua; *p; p++) /* user agents are ASCII; anything else must not break UTF-8 */
        if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
            *p = '?';
    struct db_param p[] = { DBP_TEXT(hash),
                            DBP_INT(user_id),
                            DBP_TEXT(session_stage_name(stage)),
                            DBP_INT(c->now),
                            DBP_INT(c->now + max),
                            DBP_TEXT(c->ip ? c->ip : ""),
                            DBP_TEXT(ua) };
    bool found;
    int rc = db_query_int(c->db, SESSION_SQL_INSERT, p, 7, id, &found);
    if (rc != DB_OK)
        return db_fail(c, rc);
    return ERR_OK;
}

enum err
session_set_stage(struct ctx *c, int64_t id, enum session_stage stage)
{
    struct db_param p[] = { DBP_INT(id), DBP_TEXT(session_stage_name(stage)) };
    session_cache_invalidate();
    return exec(c, SESSION_SQL_STAGE, p, 2);
}

enum err
session_revoke(struct ctx *c, int64_t id)
{
    struct db_param p[] = { DBP_INT(id), DBP_INT(c->now) };
    session_cache_invalidate();
    return exec(c, SESSION_SQL_REVOKE, p, 2);
}

enum err
session_revoke_token(struct ctx *c, const char *token)
{
    char hash[SEC_HEX256_MAX];
    sec_token_hash(token, strlen(token), hash);
    struct db_param p[] = { DBP_TEXT(hash), DBP_INT(c->now) };
    session_cache_invalidate();
    return exec(c, SESSION_SQL_REVOKE_TOKEN, p, 2);
}

enum err
session_revoke_user(struct ctx *c, int64_t user_id, int64_t keep_id)
{
    struct db_param p[] = { DBP_INT(user_id), DBP_INT(c->now), DBP_INT(keep_id) };
    session_cache_invalidate();
    return exec(c, SESSION_SQL_REVOKE_USER, p, 3);
}

void
session_csrf_token(const struct session *s, char out[65])
{
    const struct sec_key *k = auth_policy()->key;
    if (k)
        sec_key_mac_hex(k, SEC_PURPOSE_CSRF, s->token_hash, 64, out);
    else
        sec_mac_hex(s->token_hash, 64, out);
}

bool
session_csrf_ok(const struct session *s, const char *presented)
{
    char want[SEC_HEX256_MAX];
    if (!presented || strlen(presented) != 64)
        return false;
    session_csrf_token(s, want);
    return sec_equal(want, presented, 64);
}

enum err
session_previous_login(struct ctx *c, const struct session *s, int64_t *at, const char **ip,
                       bool *found)
{
    struct db_param p[] = { DBP_INT(s->user_id), DBP_INT(s->id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, SESSION_SQL_PREVIOUS, p, 2, &res);
    if (rc != DB_OK)
        return db_fail(c, rc);
    rc = db_step(res);
    *found = rc == 1;
    if (rc == 1) {
        *at = db_col_int(res, 0);
        *ip = arena_strdup(c->arena, db_col_text(res, 1));
    }
    db_res_free(res);
    return rc < 0 ? db_fail(c, rc) : ERR_OK;
}

enum err
session_purge(struct ctx *c, int64_t *n)
{
    struct db_param p[] = { DBP_INT(c->now - 86400) };
    *n = 0;
    int rc = db_exec(c->db, SESSION_SQL_PURGE, p, 1, n);
    return rc == DB_OK ? ERR_OK : fail_set(c->fail, ERR_INTERNAL, NULL);
}
