/* Password rules and changes; see auth.h. */
#include "auth.h"

#include "core/arena.h"
#include "core/log.h"
#include "db/db.h"
#include "domain/auth_sql.h"
#include "domain/event.h"
#include "domain/session.h"
#include "sec/sec.h"

#include <string.h>
#include <strings.h>

static enum err
db_fail(struct ctx *c, int rc)
{
    log_error("auth: %s", db_errmsg(c->db));
    return fail_set(c->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
}

static enum err
rule(struct ctx *c, const char *ja, const char *en)
{
    fail_field(c->fail, "password", MSG_TEXT, c->fail->lang == LANG_EN ? en : ja);
    return ERR_INVALID;
}

/* Unicode code points of UTF-8 text (continuation bytes do not count). */
static size_t
code_points(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xc0) != 0x80;
    return n;
}

enum err
auth_password_check(struct ctx *c, int64_t user_id, const char *password, char hash[128])
{
    const struct auth_policy *pol = auth_policy();
    if (!password || !*password) {
        fail_field(c->fail, "password", MSG_REQUIRED, NULL);
        return ERR_INVALID;
    }
    struct db_param p[] = { DBP_INT(user_id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, AUTH_SQL_PW_USER, p, 1, &res);
    if (rc != DB_OK)
        return db_fail(c, rc);
    rc = db_step(res);
    const char *login = NULL, *current = NULL;
    if (rc == 1) {
        login = arena_strdup(c->arena, db_col_text(res, 0));
        current = db_col_null(res, 1) ? NULL : arena_strdup(c->arena, db_col_text(res, 1));
    }
    db_res_free(res);
    if (rc < 0)
        return db_fail(c, rc);
    if (rc != 1)
        return fail_set(c->fail, ERR_NOT_FOUND, c->fail->lang == LANG_EN ? "user" : "ユーザー");

    if (code_points(password) < (size_t)pol->password_min) {
        const char *n = arena_printf(c->arena, "%d", pol->password_min);
        return rule(c, arena_printf(c->arena, "パスワードは%s文字以上にしてください。", n),
                    arena_printf(c->arena, "The password must have at least %s characters.", n));
    }
    if (strcasecmp(password, login) == 0)
        return rule(c, "ログイン名と同じパスワードは使用できません。",
                    "The password must not be the login name.");

    if (pol->password_history > 0) {
        /* the current password first (accounts made before the history existed have no row
         * for it), then the newest history rows, password_history in all */
        size_t max = (size_t)pol->password_history + 1;
        const char **old = arena_alloc(c->arena, sizeof(char *) * max);
        int nold = 0;
        if (current)
            old[nold++] = current;
        struct db_param ph[] = { DBP_INT(user_id), DBP_INT(pol->password_history) };
        rc = db_query(c->db, AUTH_SQL_PW_HISTORY, ph, 2, &res);
        if (rc != DB_OK)
            return db_fail(c, rc);
        while ((rc = db_step(res)) == 1 && nold < pol->password_history) {
            const char *h = db_col_text(res, 0);
            if (current && strcmp(h, current) == 0)
                continue;
            old[nold++] = arena_strdup(c->arena, h);
        }
        db_res_free(res);
        if (rc < 0)
            return db_fail(c, rc);
        for (int i = 0; i < nold; i++) {
            if (sec_password_verify(old[i], password, strlen(password))) {
                const char *n = arena_printf(c->arena, "%d", pol->password_history);
                return rule(
                    c, arena_printf(c->arena, "直近%s回に使用したパスワードは使用できません。", n),
                    arena_printf(c->arena, "The password must differ from the last %s passwords.",
                                 n));
            }
        }
    }
    if (sec_password_hash(password, strlen(password), hash) != ERR_OK)
        return fail_set(c->fail, ERR_INTERNAL, NULL);
    return ERR_OK;
}

enum err
auth_password_store(struct ctx *c, int64_t user_id, const char *hash, bool temporary,
                    int64_t keep_session_id)
{
    struct db_param p[] = { DBP_INT(user_id), DBP_TEXT(hash), DBP_INT(temporary ? 1 : 0),
                            DBP_INT(c->now) };
    int64_t n = 0;
    int rc = db_exec(c->db, AUTH_SQL_PW_STORE, p, 4, &n);
    if (rc != DB_OK)
        return db_fail(c, rc);
    if (n == 0)
        return fail_set(c->fail, ERR_NOT_FOUND, c->fail->lang == LANG_EN ? "user" : "ユーザー");
    struct db_param ph[] = { DBP_INT(user_id), DBP_TEXT(hash), DBP_INT(c->now) };
    rc = db_exec(c->db, AUTH_SQL_PW_HISTORY_ADD, ph, 3, NULL);
    if (rc != DB_OK)
        return db_fail(c, rc);
    enum err e = session_revoke_user(c, user_id, keep_session_id);
    if (e != ERR_OK)
        return e;
    struct db_param pl[] = { DBP_INT(user_id) };
    struct db_res *res = NULL;
    const char *target = "";
    if (db_query(c->db, AUTH_SQL_USER_LOGIN, pl, 1, &res) == DB_OK) {
        if (db_step(res) == 1)
            target = arena_strdup(c->arena, db_col_text(res, 0));
        db_res_free(res);
    }
    event_log(c, "password.change", NULL, target,
              temporary ? "{\"temporary\":true}" : "{\"temporary\":false}");
    return ERR_OK;
}

enum err
auth_password_set(struct ctx *c, int64_t user_id, const char *password, bool temporary,
                  int64_t keep_session_id)
{
    char hash[SEC_PWHASH_MAX];
    enum err e = auth_password_check(c, user_id, password, hash);
    if (e == ERR_OK)
        e = auth_password_store(c, user_id, hash, temporary, keep_session_id);
    sec_wipe(hash, sizeof(hash));
    return e;
}
