/* /auth/...: staff login with browser sessions (password, temporary-password change, TOTP
 * enrolment and codes, recovery codes, session state, logout). These handlers run outside the
 * dispatcher's transaction: the slow parts (argon2id) run first without a lock, then each
 * handler commits its outcome in a short transaction of its own, also when the answer is a
 * refusal (failure counts, lockouts and events must stay).
 *
 * Every successful step answers with the session state:
 *   {"stage":"password|enrol|mfa|ok", "requestToken":"<hex>", "expires":<unix s>,
 *    "expiresAt":"<UTC>", "warning":false, "mfaEnabled":true,
 *    "user":{"id":"1","code":"alice","name":"...","isAdmin":false},
 *    "previousLogin":{"at":"<UTC>","ip":"192.0.2.1"} | null}   (previousLogin only at "ok") */
#include "api.h"

#include "api/auth_http.h"
#include "api/common.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/ratelimit.h"
#include "db/db.h"
#include "domain/auth.h"
#include "domain/event.h"
#include "domain/session.h"
#include "sec/sec.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define LOGIN_MAX 256
#define PASSWORD_MAX 1024

static const char *
str_param(json_t *p, const char *key)
{
    json_t *v = json_object_get(p, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static enum err
begin(struct req *r)
{
    int rc = db_begin(r->db, true);
    return rc == DB_OK ? ERR_OK
                       : fail_set(&r->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
}

/* Ends the handler's transaction: commits unless the domain failed (e is then the error). */
static enum err
end(struct req *r, enum err e)
{
    if (e != ERR_OK) {
        db_rollback(r->db);
        return e;
    }
    int rc = db_commit(r->db);
    session_cache_invalidate(); /* stage changes and revocations are visible now */
    return rc == DB_OK ? ERR_OK
                       : fail_set(&r->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
}

static const char *
lower(struct req *r, const char *s)
{
    char *out = arena_strdup(r->arena, s);
    for (char *p = out; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return out;
}

static const char *
utc(struct req *r, int64_t t)
{
    char *buf = arena_alloc(r->arena, 24);
    clock_format_utc(t, buf);
    return buf;
}

static enum err
code_error(struct req *r, const char *key)
{
    fail_field(&r->fail, key, MSG_TEXT,
               r->ctx.lang == LANG_EN ? "The code is not correct." : "確認コードが正しくありません。");
    return ERR_INVALID;
}

/* The caller's session and account (handlers reached with API credentials get 401). */
static enum err
current(struct req *r, struct session *s, struct auth_user *u)
{
    if (!r->ctx.who.session_id)
        return fail_set(&r->fail, ERR_AUTH_REQUIRED, NULL);
    bool found = false;
    enum err e = session_get(&r->ctx, r->ctx.who.session_id, s, &found);
    if (e == ERR_OK && found)
        e = auth_user_load(&r->ctx, s->user_id, u, &found);
    if (e != ERR_OK)
        return e;
    return found ? ERR_OK : fail_set(&r->fail, ERR_SESSION_EXPIRED, NULL);
}

/* Answers a step: the session's state as described at the top of this file. */
static enum err
answer(struct req *r, int64_t session_id, json_t *extra)
{
    struct session s;
    struct auth_user u;
    bool found = false;
    enum err e = session_get(&r->ctx, session_id, &s, &found);
    if (e == ERR_OK && found)
        e = auth_user_load(&r->ctx, s.user_id, &u, &found);
    if (e == ERR_OK && !found)
        e = fail_set(&r->fail, ERR_SESSION_EXPIRED, NULL);
    json_t *prev = json_null();
    if (e == ERR_OK && s.stage == SESSION_OK) {
        int64_t at = 0;
        const char *ip = NULL;
        e = session_previous_login(&r->ctx, &s, &at, &ip, &found);
        if (e == ERR_OK && found)
            prev = json_pack("{s:s,s:s}", "at", utc(r, at), "ip", ip);
    }
    if (e != ERR_OK) {
        json_decref(extra);
        json_decref(prev);
        return e;
    }
    char csrf[SEC_HEX256_MAX];
    session_csrf_token(&s, csrf);
    json_t *o = json_pack("{s:s,s:s,s:I,s:s,s:b,s:b,s:{s:s,s:s,s:s,s:b},s:o}", "stage",
                          session_stage_name(s.stage), "requestToken", csrf, "expires",
                          (json_int_t)s.deadline, "expiresAt", utc(r, s.deadline), "warning",
                          s.deadline - r->ctx.now <= (int64_t)auth_policy()->session_warn_min * 60,
                          "mfaEnabled", u.totp_enabled, "user", "id", api_i64(r, u.id), "code",
                          u.login, "name", u.name, "isAdmin", u.is_admin, "previousLogin", prev);
    if (extra) {
        json_object_update(o, extra);
        json_decref(extra);
    }
    return api_json(r, o);
}

static bool
admin_ip_ok(struct req *r)
{
    const struct ipnet_list *l = auth_policy()->admin_allow;
    struct ipaddr a;
    if (ipnet_list_empty(l))
        return true;
    return r->ctx.ip && ipaddr_parse(r->ctx.ip, &a) && ipnet_list_contains(l, &a);
}

enum err
api_auth_login(struct req *r, json_t *p)
{
    struct ctx *c = &r->ctx;
    const struct auth_policy *pol = auth_policy();
    const char *login = str_param(p, "login");
    if (!login)
        login = str_param(p, "username");
    const char *pw = str_param(p, "password");
    if (!login || !*login)
        return api_param_error(r, "login", MSG_REQUIRED, NULL);
    if (!pw || !*pw)
        return api_param_error(r, "password", MSG_REQUIRED, NULL);
    if (strlen(login) > LOGIN_MAX || strlen(pw) > PASSWORD_MAX)
        return fail_set(&r->fail, ERR_AUTH_FAILED, NULL);
    enum err e = api_rate_hit(r, pol->rl_login_ip, "login_ip", c->ip);
    const char *acct = lower(r, login);
    if (e == ERR_OK)
        e = api_rate_hit(r, pol->rl_login_account, "login_account", acct);
    if (e != ERR_OK)
        return e;

    struct auth_user u;
    enum auth_verdict v;
    e = auth_login_check(c, login, pw, &u, &v);
    if (e != ERR_OK)
        return e;
    if (v == AUTH_OK && u.is_admin && !admin_ip_ok(r)) {
        /* after the password only: before it, this would tell who is an administrator */
        auth_event_once(c, "ip.deny", arena_printf(r->arena, "admin-login:%s", c->ip), u.login,
                        "{\"list\":\"admin\",\"path\":\"/auth/login.json\"}");
        return fail_set(&r->fail, ERR_IP_DENIED, NULL);
    }

    static const char *const refusal[] = {
        [AUTH_LOCKED] = "{\"reason\":\"locked\"}",
        [AUTH_DISABLED] = "{\"reason\":\"disabled\"}",
        [AUTH_SERVICE] = "{\"reason\":\"service account\"}",
    };
    char token[SEC_TOKEN_MAX] = "";
    int64_t sid = 0;
    enum session_stage stage = SESSION_PASSWORD;
    bool locked = false;
    e = begin(r);
    if (e != ERR_OK)
        return e;
    switch (v) {
    case AUTH_UNKNOWN:
        event_log(c, "login.fail", login, NULL, "{\"reason\":\"unknown login\"}");
        break;
    case AUTH_LOCKED:
    case AUTH_DISABLED:
    case AUTH_SERVICE:
        event_log(c, "login.refused", u.login, NULL, refusal[v]);
        break;
    case AUTH_BAD_PASSWORD:
        e = auth_login_failed(c, &u, "login.fail", "{\"reason\":\"password\"}", &locked);
        break;
    case AUTH_OK: {
        /* a login replaces whatever session this browser held */
        const char *old = api_cookie(r, SESSION_COOKIE);
        if (old && *old)
            e = session_revoke_token(c, old);
        stage = session_next_stage(u.must_change_password, auth_mfa_applies(u.is_service),
                                   u.totp_enabled);
        if (e == ERR_OK)
            e = session_create(c, u.id, stage, req_header(r, "user-agent"), token, &sid);
        if (e == ERR_OK && stage == SESSION_OK)
            e = auth_login_complete(c, &u, sid);
        break;
    }
    }
    e = end(r, e);
    if (e != ERR_OK)
        return e;
    if (v != AUTH_OK)
        return fail_set(&r->fail, ERR_AUTH_FAILED, NULL);
    if (stage == SESSION_OK)
        ratelimit_reset(pol->rl_login_account, acct);
    api_session_cookie(r, token);
    sec_wipe(token, sizeof(token));
    c->who.session_id = sid;
    struct session s;
    bool found = false;
    if (session_get(c, sid, &s, &found) == ERR_OK && found)
        api_session_headers(r, &s);
    return answer(r, sid, NULL);
}

enum err
api_auth_mfa(struct req *r, json_t *p)
{
    struct ctx *c = &r->ctx;
    struct session s;
    struct auth_user u;
    enum err e = current(r, &s, &u);
    if (e != ERR_OK)
        return e;
    if (s.stage == SESSION_OK)
        return answer(r, s.id, NULL);
    if (s.stage == SESSION_PASSWORD)
        return fail_set(&r->fail, ERR_PASSWORD_CHANGE, NULL);
    if (s.stage == SESSION_ENROL)
        return fail_set(&r->fail, ERR_MFA_REQUIRED, NULL);
    const char *code = str_param(p, "code");
    if (!code || !*code)
        return api_param_error(r, "code", MSG_REQUIRED, NULL);
    const char *acct = lower(r, u.login);
    e = api_rate_hit(r, auth_policy()->rl_login_account, "login_account", acct);
    if (e != ERR_OK)
        return e;

    enum auth_mfa_result res = MFA_BAD;
    bool locked = u.locked_until > c->now;
    e = begin(r);
    if (e != ERR_OK)
        return e;
    if (!locked)
        e = auth_mfa_verify(c, &u, code, true, &res);
    else
        event_log(c, "login.refused", u.login, NULL, "{\"reason\":\"locked\",\"step\":\"mfa\"}");
    if (e == ERR_OK && !locked && (res == MFA_OK || res == MFA_RECOVERY)) {
        e = session_set_stage(c, s.id, SESSION_OK);
        if (e == ERR_OK)
            e = auth_login_complete(c, &u, s.id);
    } else if (e == ERR_OK && !locked) {
        e = auth_login_failed(c, &u, res == MFA_REPLAY ? "mfa.replay" : "mfa.fail", NULL, &locked);
    }
    /* a lock ends this half-done login: the next attempt starts again with the password */
    if (e == ERR_OK && locked)
        e = session_revoke(c, s.id);
    e = end(r, e);
    if (e != ERR_OK)
        return e;
    if (locked) {
        api_session_cookie_clear(r);
        c->who.session_id = 0;
        return fail_set(&r->fail, ERR_AUTH_FAILED, NULL);
    }
    if (res != MFA_OK && res != MFA_RECOVERY)
        return code_error(r, "code");
    ratelimit_reset(auth_policy()->rl_login_account, acct);
    return answer(r, s.id, NULL);
}

enum err
api_auth_password(struct req *r, json_t *p)
{
    struct ctx *c = &r->ctx;
    struct session s;
    struct auth_user u;
    enum err e = current(r, &s, &u);
    if (e != ERR_OK)
        return e;
    if (s.stage == SESSION_MFA || s.stage == SESSION_ENROL)
        return fail_set(&r->fail, ERR_MFA_REQUIRED, NULL);
    const char *pw = str_param(p, "password");
    const char *cur = str_param(p, "currentPassword");
    if (!pw || !*pw)
        return api_param_error(r, "password", MSG_REQUIRED, NULL);
    if (strlen(pw) > PASSWORD_MAX)
        return api_param_error(r, "password", MSG_TOO_LONG, "1024");
    if (s.stage == SESSION_OK) {
        /* a voluntary change proves the current password (an unattended screen is not enough) */
        if (!cur || !*cur)
            return api_param_error(r, "currentPassword", MSG_REQUIRED, NULL);
        struct auth_user again;
        enum auth_verdict v = AUTH_UNKNOWN;
        e = strlen(cur) <= PASSWORD_MAX ? auth_login_check(c, u.login, cur, &again, &v) : ERR_OK;
        if (e != ERR_OK)
            return e;
        if (v != AUTH_OK) {
            bool locked = false;
            e = begin(r);
            if (e != ERR_OK)
                return e;
            if (v == AUTH_BAD_PASSWORD)
                e = auth_login_failed(c, &u, "login.fail", "{\"reason\":\"current password\"}",
                                      &locked);
            e = end(r, e);
            if (e != ERR_OK)
                return e;
            return api_param_error(r, "currentPassword", MSG_BAD_PARAM, NULL);
        }
    }
    char hash[SEC_PWHASH_MAX];
    e = auth_password_check(c, u.id, pw, hash);
    if (e != ERR_OK)
        return e;
    e = begin(r);
    if (e != ERR_OK)
        return e;
    e = auth_password_store(c, u.id, hash, false, s.id);
    sec_wipe(hash, sizeof(hash));
    if (e == ERR_OK && s.stage == SESSION_PASSWORD) {
        enum session_stage next =
            session_next_stage(false, auth_mfa_applies(u.is_service), u.totp_enabled);
        e = session_set_stage(c, s.id, next);
        if (e == ERR_OK && next == SESSION_OK)
            e = auth_login_complete(c, &u, s.id);
    }
    e = end(r, e);
    if (e != ERR_OK)
        return e;
    return answer(r, s.id, NULL);
}

enum err
api_auth_session(struct req *r, json_t *p)
{
    (void)p;
    struct session s;
    struct auth_user u;
    enum err e = current(r, &s, &u);
    return e == ERR_OK ? answer(r, s.id, NULL) : e;
}

enum err
api_auth_logout(struct req *r, json_t *p)
{
    (void)p;
    struct ctx *c = &r->ctx;
    api_session_cookie_clear(r);
    if (!c->who.session_id)
        return api_json(r, json_object());
    enum err e = begin(r);
    if (e != ERR_OK)
        return e;
    e = session_revoke(c, c->who.session_id);
    if (e == ERR_OK)
        event_log(c, "logout", NULL, NULL,
                  arena_printf(r->arena, "{\"session\":%lld}", (long long)c->who.session_id));
    e = end(r, e);
    if (e != ERR_OK)
        return e;
    c->who.session_id = 0;
    return api_json(r, json_object());
}

enum err
api_auth_logout_all(struct req *r, json_t *p)
{
    (void)p;
    struct ctx *c = &r->ctx;
    if (!c->who.session_id)
        return fail_set(&r->fail, ERR_AUTH_REQUIRED, NULL);
    enum err e = begin(r);
    if (e != ERR_OK)
        return e;
    e = session_revoke_user(c, c->who.user_id, 0);
    if (e == ERR_OK)
        event_log(c, "logout.all", NULL, NULL, NULL);
    e = end(r, e);
    if (e != ERR_OK)
        return e;
    api_session_cookie_clear(r);
    c->who.session_id = 0;
    return api_json(r, json_object());
}

/* A logged-in user proves the current second factor before changing it. On a wrong code the
 * failure is counted (committed) and ERR_INVALID returned. */
static enum err
reconfirm(struct req *r, const struct auth_user *u, const char *code)
{
    if (!code || !*code)
        return api_param_error(r, "code", MSG_REQUIRED, NULL);
    enum auth_mfa_result res = MFA_BAD;
    bool locked = false;
    enum err e = begin(r);
    if (e != ERR_OK)
        return e;
    e = auth_mfa_verify(&r->ctx, u, code, false, &res);
    if (e == ERR_OK && res != MFA_OK)
        e = auth_login_failed(&r->ctx, u, res == MFA_REPLAY ? "mfa.replay" : "mfa.fail", NULL,
                              &locked);
    e = end(r, e);
    if (e != ERR_OK)
        return e;
    return res == MFA_OK ? ERR_OK : code_error(r, "code");
}

enum err
api_auth_totp_setup(struct req *r, json_t *p)
{
    struct session s;
    struct auth_user u;
    enum err e = current(r, &s, &u);
    if (e != ERR_OK)
        return e;
    if (s.stage == SESSION_PASSWORD)
        return fail_set(&r->fail, ERR_PASSWORD_CHANGE, NULL);
    if (s.stage == SESSION_MFA)
        return fail_set(&r->fail, ERR_MFA_REQUIRED, NULL);
    if (s.stage == SESSION_OK && u.totp_enabled) {
        e = reconfirm(r, &u, str_param(p, "code"));
        if (e != ERR_OK)
            return e;
    }
    const char *secret, *uri, *qr;
    e = begin(r);
    if (e != ERR_OK)
        return e;
    e = auth_totp_setup(&r->ctx, &u, &secret, &uri, &qr);
    e = end(r, e);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:s,s:s,s:s}", "secret", secret, "uri", uri, "qrSvg", qr));
}

static json_t *
codes_json(const char *codes[AUTH_RECOVERY_CODES])
{
    json_t *a = json_array();
    for (int i = 0; i < AUTH_RECOVERY_CODES; i++)
        json_array_append_new(a, json_string(codes[i]));
    return json_pack("{s:o}", "recoveryCodes", a);
}

enum err
api_auth_totp_confirm(struct req *r, json_t *p)
{
    struct ctx *c = &r->ctx;
    struct session s;
    struct auth_user u;
    enum err e = current(r, &s, &u);
    if (e != ERR_OK)
        return e;
    if (s.stage == SESSION_PASSWORD)
        return fail_set(&r->fail, ERR_PASSWORD_CHANGE, NULL);
    if (s.stage == SESSION_MFA)
        return fail_set(&r->fail, ERR_MFA_REQUIRED, NULL);
    const char *code = str_param(p, "code");
    if (!code || !*code)
        return api_param_error(r, "code", MSG_REQUIRED, NULL);
    const char *codes[AUTH_RECOVERY_CODES];
    e = begin(r);
    if (e != ERR_OK)
        return e;
    e = auth_totp_confirm(c, &u, code, codes);
    if (e == ERR_OK && s.stage == SESSION_ENROL) {
        e = session_set_stage(c, s.id, SESSION_OK);
        if (e == ERR_OK)
            e = auth_login_complete(c, &u, s.id);
    }
    e = end(r, e);
    if (e != ERR_OK)
        return e;
    return answer(r, s.id, codes_json(codes));
}

enum err
api_auth_recovery_codes(struct req *r, json_t *p)
{
    struct session s;
    struct auth_user u;
    enum err e = current(r, &s, &u);
    if (e != ERR_OK)
        return e;
    if (!u.totp_enabled)
        return fail_set(&r->fail, ERR_MFA_REQUIRED, NULL);
    e = reconfirm(r, &u, str_param(p, "code"));
    if (e != ERR_OK)
        return e;
    const char *codes[AUTH_RECOVERY_CODES];
    e = begin(r);
    if (e != ERR_OK)
        return e;
    e = auth_recovery_regenerate(&r->ctx, &u, codes);
    e = end(r, e);
    if (e != ERR_OK)
        return e;
    return api_json(r, codes_json(codes));
}
