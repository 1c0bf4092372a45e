/* Authentication of API callers; see auth.h. */
#include "auth.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/ipnet.h"
#include "core/log.h"
#include "core/ratelimit.h"
#include "core/text.h"
#include "db/db.h"
#include "domain/auth_int.h"
#include "domain/auth_sql.h"
#include "domain/event.h"
#include "sec/sec.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* ---- policy ---------------------------------------------------------------------------- */

#define RATE_SLOTS 2048

/* The config table's defaults (unit tests may never call auth_configure). */
#define POLICY_DEFAULTS                                                                            \
    {                                                                                              \
        .mfa_required = true,                                                                      \
        .mfa_exempt_service = true,                                                                \
        .password_min = 12,                                                                        \
        .password_history = 5,                                                                     \
        .lockout_attempts = 5,                                                                     \
        .lockout_minutes = 15,                                                                     \
        .session_idle_min = 30,                                                                    \
        .session_admin_idle_min = 10,                                                              \
        .session_max_hours = 12,                                                                   \
        .session_warn_min = 5,                                                                     \
    }
static const struct auth_policy policy_defaults = POLICY_DEFAULTS;
static struct auth_policy policy = POLICY_DEFAULTS;

const struct auth_policy *
auth_policy(void)
{
    return &policy;
}

bool
auth_mfa_applies(bool is_service)
{
    return policy.mfa_required && !(is_service && policy.mfa_exempt_service);
}

static bool
parse_list(const char *name, const char *text, struct ipnet_list **out)
{
    char err[200] = "";
    *out = NULL;
    if (!text || !*text)
        return true;
    *out = ipnet_list_parse(text, err, sizeof(err));
    if (!*out) {
        fprintf(stderr, "madoguchi: [security] %s: %s\n", name, *err ? err : "invalid CIDR list");
        return false;
    }
    return true;
}

static void
policy_release(void)
{
    ipnet_list_free(policy.trusted_proxies);
    ipnet_list_free(policy.staff_allow);
    ipnet_list_free(policy.admin_allow);
    ratelimit_free(policy.rl_login_ip);
    ratelimit_free(policy.rl_login_account);
    ratelimit_free(policy.rl_auth_fail);
    ratelimit_free(policy.rl_token);
    ratelimit_free(policy.rl_events);
    policy.trusted_proxies = policy.staff_allow = policy.admin_allow = NULL;
    policy.rl_login_ip = policy.rl_login_account = policy.rl_auth_fail = NULL;
    policy.rl_token = policy.rl_events = NULL;
}

bool
auth_configure(const struct config *cfg, const struct sec_key *key)
{
    policy_release();
    policy = policy_defaults;
    policy.key = key;
    long rate_login_ip = 30, rate_login_account = 10, rate_auth_fail_ip = 60;
    if (cfg) {
        policy.mfa_required = cfg->mfa_required != 0;
        policy.mfa_exempt_service = cfg->mfa_exempt_service != 0;
        policy.password_min = (int)cfg->password_min;
        policy.password_history = (int)cfg->password_history;
        policy.lockout_attempts = (int)cfg->lockout_attempts;
        policy.lockout_minutes = (int)cfg->lockout_minutes;
        policy.session_idle_min = (int)cfg->session_idle_min;
        policy.session_admin_idle_min = (int)cfg->session_admin_idle_min;
        policy.session_max_hours = (int)cfg->session_max_hours;
        policy.session_warn_min = (int)cfg->session_warn_min;
        rate_login_ip = cfg->rate_login_ip;
        rate_login_account = cfg->rate_login_account;
        rate_auth_fail_ip = cfg->rate_auth_fail_ip;
        policy.rate_token = cfg->rate_token;
        if (!parse_list("trusted_proxies", cfg->trusted_proxies, &policy.trusted_proxies) ||
            !parse_list("staff_allow", cfg->staff_allow, &policy.staff_allow) ||
            !parse_list("admin_allow", cfg->admin_allow, &policy.admin_allow)) {
            policy_release();
            return false;
        }
    }
    policy.rl_login_ip = ratelimit_new(rate_login_ip, RATE_SLOTS);
    policy.rl_login_account = ratelimit_new(rate_login_account, RATE_SLOTS);
    policy.rl_auth_fail = ratelimit_new(rate_auth_fail_ip, RATE_SLOTS);
    policy.rl_token = policy.rate_token > 0 ? ratelimit_new(policy.rate_token, RATE_SLOTS) : NULL;
    policy.rl_events = ratelimit_new(1, RATE_SLOTS);
    return true;
}

void
auth_event_once(struct ctx *c, const char *action, const char *key, const char *actor,
                const char *detail_json)
{
    char k[160];
    snprintf(k, sizeof(k), "%s:%s", action, key ? key : "");
    if (policy.rl_events && ratelimit_hit(policy.rl_events, k, c->now * 1000) != 0)
        return;
    event_log(c, action, actor, NULL, detail_json);
}

#define CACHE_SLOTS 256

struct cred_cache_entry {
    char mac[SEC_HEX256_MAX];
    int64_t user_id;
    int64_t pw_version;
    int64_t expires;
};

static struct cred_cache_entry cache[CACHE_SLOTS];
static pthread_mutex_t cache_mutex = PTHREAD_MUTEX_INITIALIZER;
static int cache_ttl = 300;

void
auth_set_cache_ttl(int seconds)
{
    cache_ttl = seconds;
}

static unsigned
slot_of(const char *mac)
{
    unsigned h = 0;
    for (int i = 0; i < 8; i++)
        h = h * 16 + (unsigned)(mac[i] <= '9' ? mac[i] - '0' : mac[i] - 'a' + 10);
    return h % CACHE_SLOTS;
}

static bool
cache_lookup(const char *mac, int64_t now, int64_t *user_id, int64_t *pw_version)
{
    bool hit = false;
    pthread_mutex_lock(&cache_mutex);
    struct cred_cache_entry *e = &cache[slot_of(mac)];
    if (e->expires > now && sec_equal(e->mac, mac, 64)) {
        *user_id = e->user_id;
        *pw_version = e->pw_version;
        hit = true;
    }
    pthread_mutex_unlock(&cache_mutex);
    return hit;
}

static void
cache_store(const char *mac, int64_t now, int64_t user_id, int64_t pw_version)
{
    if (cache_ttl <= 0)
        return;
    pthread_mutex_lock(&cache_mutex);
    struct cred_cache_entry *e = &cache[slot_of(mac)];
    memcpy(e->mac, mac, SEC_HEX256_MAX);
    e->user_id = user_id;
    e->pw_version = pw_version;
    e->expires = now + cache_ttl;
    pthread_mutex_unlock(&cache_mutex);
}

static void
cache_drop(const char *mac)
{
    pthread_mutex_lock(&cache_mutex);
    struct cred_cache_entry *e = &cache[slot_of(mac)];
    if (sec_equal(e->mac, mac, 64))
        e->expires = 0;
    pthread_mutex_unlock(&cache_mutex);
}

static enum err
db_fail(struct ctx *c, int rc)
{
    return fail_set(c->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
}

/* Token lookups are the first query of nearly every API request; each worker remembers the
 * answers for 2 seconds (so a revoked token stops working within 2 s, and a changed allow-list
 * applies within 2 s). */
#define TOKEN_CACHE 32
#define TOKEN_CACHE_TTL 2
#define TOKEN_ALLOW_MAX 1024 /* longest allow-list text a token may have */

struct token_entry {
    char hash[SEC_HEX256_MAX];
    int64_t id, app_id;
    unsigned perms;
    bool found;
    int64_t fetched;
    char allow_ips[TOKEN_ALLOW_MAX]; /* CIDR list text ("" = any address) */
};
static _Thread_local struct token_entry token_cache[TOKEN_CACHE];

static struct token_entry *
token_slot(const char *hash)
{
    return &token_cache[slot_of(hash) % TOKEN_CACHE];
}

static enum err
token_lookup(struct ctx *c, const char *hash, struct token_entry *out)
{
    struct token_entry *e = token_slot(hash);
    if (e->fetched && e->fetched + TOKEN_CACHE_TTL > c->now && e->fetched <= c->now &&
        memcmp(e->hash, hash, 64) == 0) {
        *out = *e;
        return ERR_OK;
    }
    struct db_param prm[] = { DBP_TEXT(hash) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, AUTH_SQL_TOKEN_BY_HASH, prm, 1, &res);
    if (rc != DB_OK)
        return db_fail(c, rc);
    rc = db_step(res);
    memset(out, 0, sizeof(*out));
    memcpy(out->hash, hash, SEC_HEX256_MAX);
    if (rc == 1) {
        out->found = true;
        out->app_id = db_col_int(res, 0);
        out->perms = (db_col_int(res, 1) ? ACL_VIEW : 0) | (db_col_int(res, 2) ? ACL_ADD : 0) |
                     (db_col_int(res, 3) ? ACL_EDIT : 0) | (db_col_int(res, 4) ? ACL_DELETE : 0) |
                     (db_col_int(res, 5) ? ACL_MANAGE : 0);
        out->id = db_col_int(res, 6);
        /* a list too long to keep denies everyone (the tools refuse to store one) */
        if (snprintf(out->allow_ips, sizeof(out->allow_ips), "%s", db_col_text(res, 7)) >=
            (int)sizeof(out->allow_ips))
            snprintf(out->allow_ips, sizeof(out->allow_ips), "::/128");
    }
    db_res_free(res);
    if (rc < 0)
        return db_fail(c, rc);
    out->fetched = c->now;
    if (out->found) /* unknown tokens are not cached: a new token works at once */
        *e = *out;
    return ERR_OK;
}

/* A token's own allow-list (parsed per request: only tokens that have one pay for it). */
static bool
token_ip_allowed(struct ctx *c, const struct token_entry *t)
{
    if (!t->allow_ips[0])
        return true;
    struct ipaddr a;
    if (!c->ip || !ipaddr_parse(c->ip, &a))
        return false;
    struct ipnet_list *l = ipnet_list_parse(t->allow_ips, NULL, 0);
    bool ok = l && ipnet_list_contains(l, &a);
    ipnet_list_free(l);
    return ok;
}

static enum err
auth_tokens(struct ctx *c, const char *tokens)
{
    const char *p = tokens;
    c->who.kind = PRIN_TOKEN;
    c->who.login = "Administrator";
    c->who.name = "Administrator";
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        const char *end = p;
        while (*end && *end != ',')
            end++;
        size_t n = (size_t)(end - p);
        while (n && p[n - 1] == ' ')
            n--;
        if (c->who.ntokens >= PRINCIPAL_MAX_TOKENS) {
            fail_field(c->fail, "X-Cybozu-API-Token", MSG_MAX_ITEMS, "9");
            return ERR_INVALID;
        }
        char hash[SEC_HEX256_MAX];
        sec_token_hash(p, n, hash);
        struct token_entry t;
        enum err e = token_lookup(c, hash, &t);
        if (e != ERR_OK)
            return e;
        if (!t.found) {
            event_log(c, "token.fail", "", NULL, "{\"reason\":\"unknown\"}");
            return fail_set(c->fail, ERR_TOKEN_INVALID, NULL);
        }
        if (!token_ip_allowed(c, &t)) {
            const char *actor = arena_printf(c->arena, "token:%lld", (long long)t.id);
            const char *key = arena_printf(c->arena, "%s@%s", actor, c->ip ? c->ip : "");
            auth_event_once(c, "ip.deny", key, actor, "{\"list\":\"token\"}");
            return fail_set(c->fail, ERR_IP_DENIED, NULL);
        }
        int i = c->who.ntokens++;
        c->who.tokens[i].app_id = t.app_id;
        c->who.tokens[i].perms = t.perms;
        c->who.tokens[i].id = t.id;
        p = end;
    }
    if (c->who.ntokens == 0)
        return fail_set(c->fail, ERR_AUTH_REQUIRED, NULL);
    return ERR_OK;
}

/* A Basic-auth account as loaded: who it is and whether it may use Basic now. */
struct basic_user {
    bool exists, usable;
    const char *refusal; /* why not usable: "disabled", "locked", "mfa" */
    int64_t pw_version;
    struct auth_user u; /* for failure counting */
};

/* Loads a user row into c->who; *hash (arena copy) when asked for. */
static enum err
load_user(struct ctx *c, const char *sql, struct db_param p, struct basic_user *bu, char **hash)
{
    struct db_res *res = NULL;
    memset(bu, 0, sizeof(*bu));
    int rc = db_query(c->db, sql, &p, 1, &res);
    if (rc != DB_OK)
        return db_fail(c, rc);
    rc = db_step(res);
    if (rc == 1) {
        bu->exists = true;
        c->who.user_id = db_col_int(res, 0);
        c->who.login = arena_strdup(c->arena, db_col_text(res, 1));
        c->who.name = arena_strdup(c->arena, db_col_text(res, 2));
        c->who.is_admin = db_col_int(res, 3) != 0;
        c->who.is_service = db_col_int(res, 4) != 0;
        bu->pw_version = db_col_int(res, 5);
        bool disabled = db_col_int(res, 6) != 0;
        int64_t locked_until = db_col_int(res, 7);
        /* Basic cannot carry a second factor: only accounts that need none may use it */
        bu->refusal = disabled                              ? "disabled"
                      : locked_until > c->now               ? "locked"
                      : auth_mfa_applies(c->who.is_service) ? "mfa"
                                                            : NULL;
        bu->usable = !bu->refusal;
        bu->u.id = c->who.user_id;
        bu->u.login = c->who.login;
        bu->u.name = c->who.name;
        bu->u.is_admin = c->who.is_admin;
        bu->u.is_service = c->who.is_service;
        bu->u.failed_logins = db_col_int(res, 8);
        bu->u.locked_until = locked_until;
        if (hash)
            *hash = db_ncols(res) > 9 && !db_col_null(res, 9)
                        ? arena_strdup(c->arena, db_col_text(res, 9))
                        : NULL;
    }
    db_res_free(res);
    if (rc < 0)
        return db_fail(c, rc);
    return ERR_OK;
}

static enum err
auth_password(struct ctx *c, const char *header)
{
    size_t hlen = strlen(header);
    char *raw = arena_alloc(c->arena, hlen + 1);
    size_t rawlen = 0;
    if (sodium_base642bin((unsigned char *)raw, hlen, header, hlen, " ", &rawlen, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 &&
        sodium_base642bin((unsigned char *)raw, hlen, header, hlen, " ", &rawlen, NULL,
                          sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0) {
        event_log(c, "login.fail", "", NULL, "{\"via\":\"basic\",\"reason\":\"malformed\"}");
        return fail_set(c->fail, ERR_AUTH_FAILED, NULL);
    }
    raw[rawlen] = '\0';
    char *colon = memchr(raw, ':', rawlen);
    if (!colon || colon == raw) {
        sodium_memzero(raw, rawlen);
        event_log(c, "login.fail", "", NULL, "{\"via\":\"basic\",\"reason\":\"malformed\"}");
        return fail_set(c->fail, ERR_AUTH_FAILED, NULL);
    }
    *colon = '\0';
    const char *login = raw, *pw = colon + 1;
    size_t pwlen = rawlen - (size_t)(colon + 1 - raw);
    if (!text_valid_utf8(login, strlen(login))) { /* no such login; PostgreSQL would refuse it */
        sodium_memzero(raw, rawlen);
        event_log(c, "login.fail", "", NULL, "{\"via\":\"basic\",\"reason\":\"malformed\"}");
        return fail_set(c->fail, ERR_AUTH_FAILED, NULL);
    }

    char mac[SEC_HEX256_MAX];
    sec_mac_hex(header, hlen, mac);
    c->who.kind = PRIN_USER;
    int64_t uid, cached_ver;
    struct basic_user bu;
    enum err e;
    if (cache_lookup(mac, c->now, &uid, &cached_ver)) {
        e = load_user(c, AUTH_SQL_USER_BY_ID, DBP_INT(uid), &bu, NULL);
        if (e != ERR_OK)
            goto out;
        if (bu.usable && bu.pw_version == cached_ver && strcmp(c->who.login, login) == 0) {
            e = ERR_OK;
            goto out;
        }
        cache_drop(mac);
    }
    char *hash = NULL;
    e = load_user(c, AUTH_SQL_USER_BY_LOGIN, DBP_TEXT(login), &bu, &hash);
    if (e != ERR_OK)
        goto out;
    bool pw_ok = sec_password_verify(hash ? hash : auth_dummy_hash(), pw, pwlen) && hash;
    const char *actor = arena_strdup(c->arena, login);
    if (!bu.exists) {
        event_log(c, "login.fail", actor, NULL, "{\"via\":\"basic\",\"reason\":\"unknown\"}");
        e = fail_set(c->fail, ERR_AUTH_FAILED, NULL);
    } else if (!bu.usable) {
        event_log(c, "login.refused", actor, NULL,
                  arena_printf(c->arena, "{\"via\":\"basic\",\"reason\":\"%s\"}", bu.refusal));
        e = fail_set(c->fail, ERR_AUTH_FAILED, NULL);
    } else if (!pw_ok) {
        /* staff accounts (Basic only while TOTP is off) have the lockout of the browser login;
         * service accounts are left to the per-IP limit so that nobody can lock out an
         * integration by guessing */
        bool locked = false;
        e = ERR_OK;
        if (!bu.u.is_service)
            e = auth_login_failed(c, &bu.u, "login.fail", "{\"via\":\"basic\"}", &locked);
        else
            event_log(c, "login.fail", actor, NULL, "{\"via\":\"basic\"}");
        if (e == ERR_OK)
            e = fail_set(c->fail, ERR_AUTH_FAILED, NULL);
    } else {
        cache_store(mac, c->now, c->who.user_id, bu.pw_version);
        e = ERR_OK;
    }
out:
    sodium_memzero(raw, rawlen);
    if (e != ERR_OK)
        memset(&c->who, 0, sizeof(c->who));
    return e;
}

enum err
auth_principal(struct ctx *c, const char *tokens, const char *basic)
{
    memset(&c->who, 0, sizeof(c->who));
    if (basic && *basic)
        return auth_password(c, basic);
    if (tokens && *tokens)
        return auth_tokens(c, tokens);
    return fail_set(c->fail, ERR_AUTH_REQUIRED, NULL);
}

enum err
auth_user_add(struct ctx *c, const char *login, const char *name, const char *password,
              bool is_admin, bool is_service, int64_t *id)
{
    char hash[SEC_PWHASH_MAX];
    enum err e = sec_password_hash(password, strlen(password), hash);
    if (e != ERR_OK)
        return fail_set(c->fail, e, NULL);
    struct db_param p[] = { DBP_TEXT(login),     DBP_TEXT(name && *name ? name : login),
                            DBP_TEXT(hash),      DBP_INT(is_admin),
                            DBP_INT(is_service), DBP_INT(c->now) };
    bool found;
    int rc = db_query_int(c->db, AUTH_SQL_USER_INSERT, p, 6, id, &found);
    if (rc == DB_CONSTRAINT) {
        fail_field(c->fail, "login", MSG_DUPLICATE, NULL);
        return ERR_INVALID;
    }
    return rc == DB_OK ? ERR_OK : db_fail(c, rc);
}

enum err
auth_user_set_password(struct ctx *c, const char *login, const char *password)
{
    char hash[SEC_PWHASH_MAX];
    enum err e = sec_password_hash(password, strlen(password), hash);
    if (e != ERR_OK)
        return fail_set(c->fail, e, NULL);
    struct db_param p[] = { DBP_TEXT(login), DBP_TEXT(hash) };
    int64_t n = 0;
    int rc = db_exec(c->db, AUTH_SQL_USER_SET_PASSWORD, p, 2, &n);
    if (rc != DB_OK)
        return db_fail(c, rc);
    if (n == 0)
        return fail_set(c->fail, ERR_INVALID, NULL);
    return ERR_OK;
}

const char *
auth_user_name(struct ctx *c, const char *login)
{
    struct db_param p[] = { DBP_TEXT(login) };
    struct db_res *res = NULL;
    const char *name = NULL;
    if (db_query(c->db, AUTH_SQL_USER_NAME, p, 1, &res) != DB_OK)
        return NULL;
    if (db_step(res) == 1)
        name = arena_strdup(c->arena, db_col_text(res, 0));
    db_res_free(res);
    return name;
}

enum err
auth_token_add(struct ctx *c, int64_t app_id, unsigned perms, char out[64])
{
    return auth_token_create(c, app_id, perms, "", "", out);
}

enum err
auth_token_create(struct ctx *c, int64_t app_id, unsigned perms, const char *name,
                  const char *allow_ips, char out[64])
{
    if (!allow_ips)
        allow_ips = "";
    if (*allow_ips) {
        char err[200] = "";
        struct ipnet_list *l = ipnet_list_parse(allow_ips, err, sizeof(err));
        bool parsed = l != NULL;
        ipnet_list_free(l);
        if (!parsed || strlen(allow_ips) >= TOKEN_ALLOW_MAX) {
            fail_field(c->fail, "allowIps", MSG_TEXT, parsed ? "too long" : err);
            return ERR_INVALID;
        }
    }
    bool found = false;
    int64_t one;
    struct db_param pa[] = { DBP_INT(app_id) };
    int rc = db_query_int(c->db, AUTH_SQL_APP_EXISTS, pa, 1, &one, &found);
    if (rc != DB_OK)
        return db_fail(c, rc);
    if (!found)
        return fail_set(c->fail, ERR_APP_NOT_FOUND, arena_printf(c->arena, "%lld", (long long)app_id));
    char token[SEC_TOKEN_MAX], hash[SEC_HEX256_MAX];
    sec_token_new(token);
    sec_token_hash(token, strlen(token), hash);
    struct db_param p[] = { DBP_INT(app_id),
                            DBP_TEXT(hash),
                            DBP_INT((perms & ACL_VIEW) != 0),
                            DBP_INT((perms & ACL_ADD) != 0),
                            DBP_INT((perms & ACL_EDIT) != 0),
                            DBP_INT((perms & ACL_DELETE) != 0),
                            DBP_INT((perms & ACL_MANAGE) != 0),
                            DBP_INT(c->now),
                            DBP_TEXT(name ? name : ""),
                            DBP_TEXT(allow_ips) };
    rc = db_exec(c->db, AUTH_SQL_TOKEN_INSERT, p, 10, NULL);
    if (rc != DB_OK)
        return db_fail(c, rc);
    memcpy(out, token, strlen(token) + 1);
    return ERR_OK;
}
