/* Authentication of API callers; see auth.h. */
#include "auth.h"

#include "core/arena.h"
#include "db/db.h"
#include "domain/auth_sql.h"
#include "sec/sec.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

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
 * answers for 2 seconds (so a revoked token stops working within 2 s). */
#define TOKEN_CACHE 32
#define TOKEN_CACHE_TTL 2

struct token_entry {
    char hash[SEC_HEX256_MAX];
    int64_t app_id;
    unsigned perms;
    bool found;
    int64_t fetched;
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
    }
    db_res_free(res);
    if (rc < 0)
        return db_fail(c, rc);
    out->fetched = c->now;
    if (out->found) /* unknown tokens are not cached: a new token works at once */
        *e = *out;
    return ERR_OK;
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
        if (!t.found)
            return fail_set(c->fail, ERR_TOKEN_INVALID, NULL);
        int i = c->who.ntokens++;
        c->who.tokens[i].app_id = t.app_id;
        c->who.tokens[i].perms = t.perms;
        p = end;
    }
    if (c->who.ntokens == 0)
        return fail_set(c->fail, ERR_AUTH_REQUIRED, NULL);
    return ERR_OK;
}

/* Loads a user row into c->who; *pw_version and *hash (arena copy, may be NULL) for checks. */
static enum err
load_user(struct ctx *c, const char *sql, struct db_param p, int64_t *pw_version, char **hash,
          bool *found)
{
    struct db_res *res = NULL;
    int rc = db_query(c->db, sql, &p, 1, &res);
    if (rc != DB_OK)
        return db_fail(c, rc);
    rc = db_step(res);
    *found = rc == 1 && !db_col_int(res, 6) && db_col_int(res, 4); /* active service account */
    if (rc == 1) {
        c->who.user_id = db_col_int(res, 0);
        c->who.login = arena_strdup(c->arena, db_col_text(res, 1));
        c->who.name = arena_strdup(c->arena, db_col_text(res, 2));
        c->who.is_admin = db_col_int(res, 3) != 0;
        *pw_version = db_col_int(res, 5);
        if (hash)
            *hash = db_ncols(res) > 7 && !db_col_null(res, 7)
                        ? arena_strdup(c->arena, db_col_text(res, 7))
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
                          sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0)
        return fail_set(c->fail, ERR_AUTH_FAILED, NULL);
    raw[rawlen] = '\0';
    char *colon = memchr(raw, ':', rawlen);
    if (!colon || colon == raw)
        return fail_set(c->fail, ERR_AUTH_FAILED, NULL);
    *colon = '\0';
    const char *login = raw, *pw = colon + 1;
    size_t pwlen = rawlen - (size_t)(colon + 1 - raw);

    char mac[SEC_HEX256_MAX];
    sec_mac_hex(header, hlen, mac);
    c->who.kind = PRIN_USER;
    int64_t uid, cached_ver, ver = 0;
    bool found = false;
    enum err e;
    if (cache_lookup(mac, c->now, &uid, &cached_ver)) {
        e = load_user(c, AUTH_SQL_USER_BY_ID, DBP_INT(uid), &ver, NULL, &found);
        if (e != ERR_OK)
            goto out;
        if (found && ver == cached_ver && strcmp(c->who.login, login) == 0) {
            e = ERR_OK;
            goto out;
        }
        cache_drop(mac);
    }
    char *hash = NULL;
    e = load_user(c, AUTH_SQL_USER_BY_LOGIN, DBP_TEXT(login), &ver, &hash, &found);
    if (e != ERR_OK)
        goto out;
    if (!found || !hash || !sec_password_verify(hash, pw, pwlen)) {
        e = fail_set(c->fail, ERR_AUTH_FAILED, NULL);
        goto out;
    }
    cache_store(mac, c->now, c->who.user_id, ver);
    e = ERR_OK;
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
                            DBP_INT(c->now) };
    rc = db_exec(c->db, AUTH_SQL_TOKEN_INSERT, p, 8, NULL);
    if (rc != DB_OK)
        return db_fail(c, rc);
    memcpy(out, token, strlen(token) + 1);
    return ERR_OK;
}

/* TEMPORARY stub until the session/login work lands (issue #3); replaced by the real one. */
void
auth_configure(const struct config *cfg, const struct sec_key *key)
{
    (void)cfg;
    (void)key;
}

/* TEMPORARY minimal version (length rule only) until the login work lands; replaced by the
 * full policy (history, login name, session revocation). */
enum err
auth_password_set(struct ctx *c, int64_t user_id, const char *password, bool temporary,
                  int64_t keep_session_id)
{
    (void)keep_session_id;
    if (!password || strlen(password) < 12) {
        fail_field(c->fail, "password", MSG_BAD_PARAM, NULL);
        return ERR_INVALID;
    }
    char hash[SEC_PWHASH_MAX];
    if (sec_password_hash(password, strlen(password), hash) != ERR_OK)
        return fail_set(c->fail, ERR_INTERNAL, NULL);
    struct db_param p[] = { DBP_INT(user_id), DBP_TEXT(hash), DBP_INT(temporary ? 1 : 0),
                            DBP_INT(c->now) };
    int rc = db_exec(c->db,
                     "UPDATE users SET password_hash = $2, pw_version = pw_version + 1, "
                     "must_change_password = $3, password_changed_at = $4 WHERE id = $1",
                     p, 4, NULL);
    if (rc != DB_OK)
        return fail_set(c->fail, ERR_INTERNAL, NULL);
    return ERR_OK;
}
