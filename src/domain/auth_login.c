/* The password step of a browser login, failure counting and lockout; see auth.h. */
#include "auth.h"

#include "core/arena.h"
#include "core/log.h"
#include "db/db.h"
#include "domain/auth_int.h"
#include "domain/auth_sql.h"
#include "domain/event.h"
#include "sec/sec.h"

#include <pthread.h>
#include <string.h>

static pthread_mutex_t dummy_mutex = PTHREAD_MUTEX_INITIALIZER;
static char dummy_hash[SEC_PWHASH_MAX];

const char *
auth_dummy_hash(void)
{
    pthread_mutex_lock(&dummy_mutex);
    if (!dummy_hash[0]) {
        char pw[33];
        sec_random_hex(pw, 16);
        if (sec_password_hash(pw, strlen(pw), dummy_hash) != ERR_OK)
            dummy_hash[0] = '\0'; /* verify then fails fast; logins still fail */
    }
    pthread_mutex_unlock(&dummy_mutex);
    return dummy_hash;
}

static enum err
db_fail(struct ctx *c, int rc)
{
    log_error("auth: %s", db_errmsg(c->db));
    return fail_set(c->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
}

/* Columns 0..10 of AUTH_SQL_LOGIN_USER(_BY_ID). */
static void
read_user(struct ctx *c, struct db_res *res, struct auth_user *u)
{
    memset(u, 0, sizeof(*u));
    u->id = db_col_int(res, 0);
    u->login = arena_strdup(c->arena, db_col_text(res, 1));
    u->name = arena_strdup(c->arena, db_col_text(res, 2));
    u->is_admin = db_col_int(res, 3) != 0;
    u->is_service = db_col_int(res, 4) != 0;
    u->disabled = db_col_int(res, 5) != 0;
    u->must_change_password = db_col_int(res, 6) != 0;
    u->totp_enabled = db_col_int(res, 7) != 0;
    u->failed_logins = db_col_int(res, 8);
    u->locked_until = db_col_int(res, 9);
    u->totp_last_step = db_col_int(res, 10);
}

enum err
auth_user_load(struct ctx *c, int64_t id, struct auth_user *u, bool *found)
{
    struct db_param p[] = { DBP_INT(id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, AUTH_SQL_LOGIN_USER_BY_ID, p, 1, &res);
    if (rc != DB_OK)
        return db_fail(c, rc);
    rc = db_step(res);
    *found = rc == 1;
    if (rc == 1)
        read_user(c, res, u);
    db_res_free(res);
    return rc < 0 ? db_fail(c, rc) : ERR_OK;
}

enum err
auth_login_check(struct ctx *c, const char *login, const char *password, struct auth_user *u,
                 enum auth_verdict *v)
{
    struct db_param p[] = { DBP_TEXT(login) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, AUTH_SQL_LOGIN_USER, p, 1, &res);
    if (rc != DB_OK)
        return db_fail(c, rc);
    rc = db_step(res);
    char *hash = NULL;
    if (rc == 1) {
        read_user(c, res, u);
        if (!db_col_null(res, 11))
            hash = arena_strdup(c->arena, db_col_text(res, 11));
    }
    db_res_free(res);
    if (rc < 0)
        return db_fail(c, rc);
    /* the same argon2id work whatever the account's state, so that time tells nothing */
    bool pw_ok = sec_password_verify(hash ? hash : auth_dummy_hash(), password, strlen(password));
    if (rc != 1)
        *v = AUTH_UNKNOWN;
    else if (u->disabled)
        *v = AUTH_DISABLED;
    else if (u->locked_until > c->now)
        *v = AUTH_LOCKED;
    else if (u->is_service) /* whatever the password: never counted, never a session */
        *v = AUTH_SERVICE;
    else if (!hash || !pw_ok)
        *v = AUTH_BAD_PASSWORD;
    else
        *v = AUTH_OK;
    if (hash)
        sec_wipe(hash, strlen(hash));
    return ERR_OK;
}

enum err
auth_login_failed(struct ctx *c, const struct auth_user *u, const char *action,
                  const char *detail_json, bool *locked)
{
    const struct auth_policy *pol = auth_policy();
    *locked = false;
    event_log(c, action, u->login, NULL, detail_json);
    struct db_param p[] = { DBP_INT(u->id) };
    int64_t n = 0;
    bool found = false;
    int rc = db_query_int(c->db, AUTH_SQL_LOGIN_FAILED, p, 1, &n, &found);
    if (rc != DB_OK)
        return db_fail(c, rc);
    if (!found || n < pol->lockout_attempts)
        return ERR_OK;
    int64_t until = c->now + (int64_t)pol->lockout_minutes * 60;
    struct db_param pl[] = { DBP_INT(u->id), DBP_INT(until) };
    rc = db_exec(c->db, AUTH_SQL_LOGIN_LOCK, pl, 2, NULL);
    if (rc != DB_OK)
        return db_fail(c, rc);
    *locked = true;
    event_log(c, "login.locked", u->login, NULL,
              arena_printf(c->arena, "{\"failures\":%lld,\"until\":%lld}", (long long)n,
                           (long long)until));
    return ERR_OK;
}

enum err
auth_login_complete(struct ctx *c, const struct auth_user *u, int64_t session_id)
{
    struct db_param p[] = { DBP_INT(u->id), DBP_INT(c->now), DBP_TEXT(c->ip ? c->ip : "") };
    int rc = db_exec(c->db, AUTH_SQL_LOGIN_OK, p, 3, NULL);
    if (rc != DB_OK)
        return db_fail(c, rc);
    event_log(c, "login.ok", u->login, NULL,
              arena_printf(c->arena, "{\"session\":%lld}", (long long)session_id));
    return ERR_OK;
}
