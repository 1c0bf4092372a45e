/* The dispatcher: everything generic that happens around a handler, in one fixed order
 * (see api.h): route, body limit, client address, parameters, authentication (session cookie,
 * else API token(s) / X-Cybozu-Authorization), IP allowlists, login stage, CSRF, administrator
 * rights, then the handler. A handler error rolls the whole transaction back, so a failed
 * request never leaves a partial write; refusals before the handler are logged as security
 * events outside any transaction, so they persist. The /auth/ handlers run outside the
 * dispatcher's transaction and commit their own outcome: a refused login must still count
 * the failure and log it, and argon2id must not run while holding the write lock.
 * Routes with an audit action (routes.c) leave one audit log entry per request once the caller
 * is authenticated (audit_http.c): a writing route's entry commits with its change (SQLite:
 * the group's entries are appended together before the batch commits), a failed one's is
 * written after the rollback, a read's is queued; bulkRequest's inner calls are listed in the
 * outer entry. */
#include "api.h"

#include "api/audit_http.h"
#include "api/auth_http.h"
#include "api/params.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/ratelimit.h"
#include "db/db.h"
#include "domain/auth.h"
#include "domain/event.h"
#include "domain/session.h"
#include "http/multipart.h"
#include "sec/sec.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static struct api_config config = { .max_body = 100u * 1024 * 1024, .tz = "Asia/Tokyo" };

void
api_configure(const struct api_config *cfg)
{
    config = *cfg;
    if (!config.tz)
        config.tz = "Asia/Tokyo";
}

const struct api_config *
api_config(void)
{
    return &config;
}

static enum lang
pick_lang(const char *al)
{
    if (!al)
        return LANG_JA;
    while (*al == ' ')
        al++;
    return strncasecmp(al, "en", 2) == 0 ? LANG_EN : LANG_JA;
}

static void
decref(void *p)
{
    json_decref(p);
}

enum err
api_json(struct req *r, json_t *obj)
{
    if (r->result)
        json_decref(r->result);
    r->result = obj;
    return ERR_OK;
}

void
api_error(struct req *r, enum err e)
{
    if (r->fail.code == ERR_OK || r->fail.code != e) {
        if (r->fail.code == ERR_OK || e != ERR_INVALID)
            fail_set(&r->fail, e, NULL);
    }
    e = r->fail.code;
    if (e == ERR_OK)
        e = ERR_INTERNAL;
    if (r->result && r->result_is_error) {
        char *s = json_dumps(r->result, JSON_COMPACT);
        json_decref(r->result);
        r->result = NULL;
        req_set_body(r, err_status(e), "application/json; charset=utf-8", s, strlen(s));
        r->log_note = err_code(e);
        return;
    }
    json_t *body = json_pack("{s:s, s:s, s:s}", "code", err_code(e), "id", r->id, "message",
                             r->fail.message ? r->fail.message : err_template(e, r->ctx.lang));
    if (!body)
        body = json_pack("{s:s,s:s,s:s}", "code", err_code(e), "id", r->id, "message", "error");
    if (r->fail.errors && json_object_size(r->fail.errors))
        json_object_set(body, "errors", r->fail.errors);
    if (r->result) {
        json_decref(r->result);
        r->result = NULL;
    }
    char *s = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    req_set_body(r, err_status(e), "application/json; charset=utf-8", s, strlen(s));
    req_set_header(r, "X-Cybozu-Error", err_code(e));
    r->log_note = err_code(e);
}

/* "/k/v1/x.json", "/k/guest/5/v1/x.json", "/k/v1/preview/x.json" → "/x.json" + preview flag. */
static const char *
strip_prefix(const char *path, bool *preview)
{
    const char *p;
    *preview = false;
    if (strncmp(path, "/k/v1/", 6) == 0) {
        p = path + 5;
    } else if (strncmp(path, "/k/guest/", 9) == 0) {
        p = path + 9;
        if (*p < '0' || *p > '9')
            return NULL;
        while (*p >= '0' && *p <= '9')
            p++;
        if (strncmp(p, "/v1/", 4) != 0)
            return NULL;
        p += 3;
    } else {
        return NULL;
    }
    if (strncmp(p, "/preview/", 9) == 0) {
        *preview = true;
        p += 8;
    }
    return p;
}

/* kintone's CSRF token travels with the parameters (JSON body, or the query string of a
 * DELETE); it is taken out here so that handlers never see it. */
static void
take_request_token(struct req *r, json_t *params, const char **token)
{
    json_t *t = json_object_get(params, "__REQUEST_TOKEN__");
    if (json_is_string(t))
        *token = arena_strdup(r->arena, json_string_value(t));
    json_object_del(params, "__REQUEST_TOKEN__");
}

static enum err
parse_params(struct req *r, const struct route *rt, json_t **out, const char **token)
{
    json_t *params = json_object();
    arena_defer(r->arena, decref, params);
    *out = params;
    if (*r->query) {
        const char *bad = params_parse_query(r->arena, params, r->query);
        if (bad) {
            fail_field(&r->fail, bad, MSG_BAD_PARAM, NULL);
            return ERR_INVALID;
        }
    }
    if (rt && (rt->flags & ROUTE_RAW)) {
        take_request_token(r, params, token);
        return ERR_OK;
    }
    const char *ct = req_header(r, "content-type");
    if (ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0) {
        /* HTML forms (the applicant pages work without JavaScript) */
        const char *bad = params_parse_query(r->arena, params,
                                             arena_strndup(r->arena, r->body, r->body_len));
        if (bad) {
            fail_field(&r->fail, bad, MSG_BAD_PARAM, NULL);
            return ERR_INVALID;
        }
        take_request_token(r, params, token);
        return ERR_OK;
    }
    if (ct && strncasecmp(ct, "multipart/form-data", 19) == 0 && (rt->flags & ROUTE_HTML))
        return ERR_OK; /* a page's upload form: the handler reads the parts */
    size_t n = r->body_len;
    const char *b = r->body;
    while (n && (*b == ' ' || *b == '\n' || *b == '\r' || *b == '\t')) {
        b++;
        n--;
    }
    if (n == 0)
        return ERR_OK;
    json_error_t jerr;
    json_t *body = json_loadb(b, n, JSON_REJECT_DUPLICATES, &jerr);
    if (!body)
        return fail_set(&r->fail, ERR_BAD_JSON, NULL);
    if (!json_is_object(body)) {
        json_decref(body);
        return fail_set(&r->fail, ERR_BAD_JSON, NULL);
    }
    json_object_update(params, body);
    json_decref(body);
    take_request_token(r, params, token);
    return ERR_OK;
}

/* ---- group commit (SQLite) -------------------------------------------------------------
 * SQLite has one writer at a time, and most of a small write's cost is the commit (WAL pages
 * of the record, its revision, the search index, the indexes). Concurrent writing requests
 * therefore share transactions: the first waiting worker becomes the leader, runs up to
 * GROUP_MAX queued requests on its own connection, each inside a SAVEPOINT (a failing request
 * is rolled back alone), commits once, and wakes the others. Every request still answers
 * only after the commit that holds its write. PostgreSQL commits concurrently itself. */

#define GROUP_MAX 32

struct group_item {
    struct req *r;
    const struct route *rt;
    json_t *params;
    enum err result;
    bool done;
    bool logged;              /* entry holds the request's audit entry */
    struct audit_entry entry;
    struct group_item *next;
};

static pthread_mutex_t group_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t group_cond = PTHREAD_COND_INITIALIZER;
static struct group_item *group_head, *group_tail;
static bool group_leader;

static enum err
db_error(struct req *r, int rc, const char *what)
{
    log_error("%s %s: %s", r->id, what, db_errmsg(r->db));
    return fail_set(&r->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
}

/* The audit entries of a batch, appended in one go before its commit: one read and one move
 * of the chain head per batch instead of per request (the head row is the writers' hot spot). */
static int
group_audit(struct db *db, struct group_item *batch)
{
    int n = 0;
    for (struct group_item *it = batch; it; it = it->next)
        n += it->logged;
    if (n == 0)
        return DB_OK;
    struct audit_entry *es = arena_alloc(batch->r->arena, sizeof(*es) * (size_t)n);
    n = 0;
    for (struct group_item *it = batch; it; it = it->next)
        if (it->logged)
            es[n++] = it->entry;
    struct ctx c = batch->r->ctx;
    struct fail f;
    fail_init(&f, c.arena, c.lang);
    c.db = db;
    c.fail = &f;
    if (audit_append(&c, es, n) != ERR_OK)
        return DB_ERROR;
    return DB_OK;
}

/* Runs a batch on db (the leader's connection). Each request's audit entry (its success, or
 * its failure after the rollback of its SAVEPOINT) is taken while it runs and written to the
 * batch's transaction before the commit: a change and its entry commit together or not at
 * all. */
static void
group_run(struct db *db, struct group_item *batch)
{
    int rc = db_begin(db, true);
    bool broken = rc != DB_OK;
    for (struct group_item *it = batch; it; it = it->next) {
        struct req *r = it->r;
        struct db *own = r->db;
        r->db = r->ctx.db = db;
        if (broken) {
            it->result = db_error(r, rc, "begin");
        } else if ((rc = db_exec(db, "SAVEPOINT request", NULL, 0, NULL)) != DB_OK) {
            it->result = db_error(r, rc, "savepoint");
            broken = true;
        } else {
            it->result = it->rt->fn(r, it->params);
            rc = db_exec(db, it->result == ERR_OK ? "RELEASE request"
                                                   : "ROLLBACK TO request", NULL, 0, NULL);
            if (rc == DB_OK && it->result != ERR_OK)
                rc = db_exec(db, "RELEASE request", NULL, 0, NULL);
            if (rc != DB_OK) {
                if (it->result == ERR_OK)
                    it->result = db_error(r, rc, "release");
                broken = true;
            } else {
                it->logged = api_audit_entry(r, it->rt, it->params, it->result, &it->entry);
            }
        }
        r->db = r->ctx.db = own;
    }
    if (!broken && (rc = group_audit(db, batch)) != DB_OK) {
        log_error("%s: audit entries of the batch: %s", batch->r->id, db_errmsg(db));
        broken = true;
    }
    if (!broken) {
        rc = db_commit(db);
        broken = rc != DB_OK;
    } else {
        db_rollback(db);
    }
    if (broken) {
        /* nothing of the batch is stored: no request may report success */
        for (struct group_item *it = batch; it; it = it->next) {
            if (it->result == ERR_OK) {
                log_error("%s: group transaction failed: %s", it->r->id, db_errmsg(db));
                it->result = fail_set(&it->r->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL,
                                      NULL);
            }
            /* every entry of the batch went with it: log each failure on its own */
            struct req *r = it->r;
            struct db *own = r->db;
            r->db = r->ctx.db = db;
            (void)api_audit_request(r, it->rt, it->params, it->result, API_AUDIT_OWN_TX);
            r->db = r->ctx.db = own;
        }
    }
}

static enum err
run_grouped(struct req *r, const struct route *rt, json_t *params)
{
    struct group_item me = { .r = r, .rt = rt, .params = params };
    pthread_mutex_lock(&group_mutex);
    if (group_tail)
        group_tail->next = &me;
    else
        group_head = &me;
    group_tail = &me;
    while (!me.done) {
        if (group_leader) {
            pthread_cond_wait(&group_cond, &group_mutex);
            continue;
        }
        group_leader = true;
        struct group_item *batch = group_head, *last = batch;
        for (int n = 1; n < GROUP_MAX && last->next; n++)
            last = last->next;
        group_head = last->next;
        if (!group_head)
            group_tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&group_mutex);
        group_run(r->db, batch);
        pthread_mutex_lock(&group_mutex);
        for (struct group_item *it = batch; it;) {
            struct group_item *next = it->next; /* it may return and vanish once done */
            it->done = true;
            it = next;
        }
        group_leader = false;
        pthread_cond_broadcast(&group_cond);
    }
    pthread_mutex_unlock(&group_mutex);
    return me.result;
}

static enum err
run_route(struct req *r, const struct route *rt, json_t *params)
{
    enum err e;
    if (!(rt->flags & ROUTE_WRITE)) /* reads: the entry is queued, never waits for a writer */
        return api_audit_request(r, rt, params, rt->fn(r, params), API_AUDIT_QUEUE);
    if (db_kind(r->db) == DB_SQLITE)
        return run_grouped(r, rt, params);
    int rc = db_begin(r->db, true);
    if (rc != DB_OK) {
        log_error("%s begin: %s", r->id, db_errmsg(r->db));
        e = fail_set(&r->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
        return api_audit_request(r, rt, params, e, API_AUDIT_OWN_TX);
    }
    e = rt->fn(r, params);
    if (e == ERR_OK) /* the entry commits with the change, or neither does */
        e = api_audit_request(r, rt, params, ERR_OK, API_AUDIT_IN_TX);
    if (e != ERR_OK) {
        db_rollback(r->db);
        return api_audit_request(r, rt, params, e, API_AUDIT_OWN_TX);
    }
    rc = db_commit(r->db);
    if (rc != DB_OK) {
        log_error("%s commit: %s", r->id, db_errmsg(r->db));
        e = fail_set(&r->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
        return api_audit_request(r, rt, params, e, API_AUDIT_OWN_TX);
    }
    return ERR_OK;
}

static void finish(struct req *r, enum err e);

/* Pages for people answer errors with a page, the API with kintone's JSON. */
static void
finish_route(struct req *r, const struct route *rt, enum err e)
{
    if (e != ERR_OK && rt && (rt->flags & ROUTE_HTML)) {
        api_html_error(r, e);
        return;
    }
    finish(r, e);
}

static void
finish(struct req *r, enum err e)
{
    if (e != ERR_OK) {
        api_error(r, e);
        return;
    }
    if (r->result) {
        char *s = json_dumps(r->result, JSON_COMPACT);
        json_decref(r->result);
        r->result = NULL;
        req_set_body(r, 200, "application/json; charset=utf-8", s, strlen(s));
    } else if (!r->resp_body) {
        req_set_body(r, 200, "application/json; charset=utf-8", strdup("{}"), 2);
    }
}

/* ---- the gates before a handler ------------------------------------------------------- */

/* What authentication found out about a request. */
struct gate {
    bool via_session;
    struct session s;
    const char *request_token; /* __REQUEST_TOKEN__ from the parameters */
};

/* Failed API authentications: until this time (ms) some address may be over its limit, so the
 * limiter must be asked; before any failure the hot path skips it (no lock per request). */
static _Atomic int64_t auth_fail_until_ms;

static const char *
detail(struct req *r, json_t *obj)
{
    char *s = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
    json_decref(obj);
    const char *out = arena_strdup(r->arena, s ? s : "{}");
    free(s);
    return out;
}

static enum err
refuse_csrf(struct req *r, const char *why)
{
    event_log(&r->ctx, "csrf.reject", NULL, NULL,
              detail(r, json_pack("{s:s,s:s,s:s}", "reason", why, "method", r->method, "path",
                                  r->path)));
    return fail_set(&r->fail, ERR_CSRF, NULL);
}

static bool
is_login(const struct route *rt)
{
    return rt->fn == api_auth_login;
}

static enum err
authenticate(struct req *r, const struct route *rt, json_t *params, struct gate *g)
{
    const char *tokens = req_header_joined(r, "x-cybozu-api-token");
    const char *basic = req_header(r, "x-cybozu-authorization");
    bool api_creds = (tokens && *tokens) || (basic && *basic);
    if (rt->flags & ROUTE_PUBLIC)
        return ERR_OK;
    const char *cookie = api_cookie(r, SESSION_COOKIE);
    if (cookie) {
        /* polling the session state is not activity (else the idle timeout never comes),
         * unless the page asks to stay (?extend=1) */
        json_t *ext = json_object_get(params, "extend");
        bool touch = rt->fn != api_auth_session || json_is_true(ext) ||
                     (json_is_string(ext) && strcmp(json_string_value(ext), "1") == 0);
        enum session_state state;
        enum err e = session_check(&r->ctx, cookie, touch, &g->s, &state);
        if (e != ERR_OK)
            return e;
        if (state == SESSION_VALID) {
            g->via_session = true;
            return ERR_OK;
        }
        if (!api_creds) {
            api_session_cookie_clear(r);
            return fail_set(&r->fail,
                            state == SESSION_ENDED ? ERR_SESSION_EXPIRED : ERR_AUTH_REQUIRED, NULL);
        }
    }
    const struct auth_policy *pol = auth_policy();
    const char *ip = r->ctx.ip;
    int64_t now_ms = clock_now_ms();
    if (api_creds && pol->rl_auth_fail && now_ms < atomic_load(&auth_fail_until_ms)) {
        int secs = ratelimit_peek(pol->rl_auth_fail, ip, now_ms);
        if (secs > 0)
            return api_rate_refuse(r, secs, "auth_fail_ip", ip);
    }
    enum err e = auth_principal(&r->ctx, tokens, basic);
    if ((e == ERR_AUTH_FAILED || e == ERR_TOKEN_INVALID) && pol->rl_auth_fail) {
        (void)ratelimit_hit(pol->rl_auth_fail, ip, now_ms);
        atomic_store(&auth_fail_until_ms, now_ms + 120 * 1000);
    }
    if (e == ERR_OK && r->ctx.who.kind == PRIN_TOKEN && pol->rl_token) {
        /* several tokens in one header count as one caller */
        char hash[SEC_HEX256_MAX];
        sec_token_hash(tokens, strlen(tokens), hash);
        hash[16] = '\0';
        e = api_rate_hit(r, pol->rl_token, "token", hash);
    }
    return e;
}

static enum err
deny_ip(struct req *r, const char *list)
{
    auth_event_once(&r->ctx, "ip.deny", arena_printf(r->arena, "%s:%s", list, r->ctx.ip), NULL,
                    detail(r, json_pack("{s:s,s:s,s:s}", "list", list, "method", r->method,
                                        "path", r->path)));
    return fail_set(&r->fail, ERR_IP_DENIED, NULL);
}

static enum err
check_ip(struct req *r, const struct route *rt, const struct ipaddr *client, bool known)
{
    const struct auth_policy *pol = auth_policy();
    /* API tokens have their own lists (checked with the token); users and logins are staff */
    bool staff = r->ctx.who.kind == PRIN_USER || is_login(rt);
    if (staff && !ipnet_list_empty(pol->staff_allow) &&
        !(known && ipnet_list_contains(pol->staff_allow, client)))
        return deny_ip(r, "staff");
    bool admin_area = (rt->flags & ROUTE_ADMIN) ||
                      ((rt->flags & ROUTE_PREVIEW_ONLY) && (rt->flags & ROUTE_WRITE));
    if (admin_area && !ipnet_list_empty(pol->admin_allow) &&
        !(known && ipnet_list_contains(pol->admin_allow, client)))
        return deny_ip(r, "admin");
    return ERR_OK;
}

static enum err
check_stage(struct req *r, const struct route *rt, const struct gate *g)
{
    if (!g->via_session || g->s.stage == SESSION_OK || (rt->flags & ROUTE_STAGE))
        return ERR_OK;
    return fail_set(&r->fail,
                    g->s.stage == SESSION_PASSWORD ? ERR_PASSWORD_CHANGE : ERR_MFA_REQUIRED, NULL);
}

/* The request token of a multipart body (session uploads send it as a form field). */
static const char *
multipart_token(struct req *r)
{
    const char *ct = req_header(r, "content-type");
    struct mpart *parts = NULL;
    size_t n = 0;
    if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0 ||
        multipart_parse(r->arena, ct, r->body, r->body_len, &parts, &n) != ERR_OK)
        return NULL;
    const struct mpart *t = multipart_find(parts, n, "__REQUEST_TOKEN__");
    return t ? arena_strndup(r->arena, t->data, t->len) : NULL;
}

static enum err
check_csrf(struct req *r, const struct route *rt, const struct gate *g)
{
    if (!g->via_session && !is_login(rt))
        return ERR_OK; /* API credentials are not sent by browsers on their own */
    const char *xrw = req_header(r, "x-requested-with");
    if (!xrw || !*xrw)
        return refuse_csrf(r, "x-requested-with");
    if (!g->via_session || strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0)
        return ERR_OK;
    const char *token = g->request_token;
    if (!token)
        token = req_header(r, "x-request-token");
    if (!token && (rt->flags & ROUTE_RAW))
        token = multipart_token(r);
    if (!session_csrf_ok(&g->s, token))
        return refuse_csrf(r, token ? "token" : "no token");
    return ERR_OK;
}

static enum err
check_admin(struct req *r, const struct route *rt)
{
    if (!(rt->flags & ROUTE_ADMIN))
        return ERR_OK;
    if (!r->ctx.who.is_admin || r->ctx.who.kind != PRIN_USER)
        return fail_set(&r->fail, ERR_FORBIDDEN, NULL);
    event_log(&r->ctx, "admin.use", NULL, NULL,
              detail(r, json_pack("{s:s,s:s}", "method", r->method, "path", r->path)));
    return ERR_OK;
}

/* Routes whose handlers manage their own transactions (see the top of this file). */
static bool
own_transactions(const struct route *rt)
{
    return (rt->flags & ROUTE_OWN_TX) != 0;
}

void
api_handle(void *db_state, struct req *r)
{
    enum err e;
    r->db = db_state;
    r->ctx.lang = pick_lang(req_header(r, "accept-language"));
    fail_init(&r->fail, r->arena, r->ctx.lang);
    r->ctx.arena = r->arena;
    r->ctx.db = r->db;
    r->ctx.fail = &r->fail;
    r->ctx.now = clock_now_ms() / 1000;
    r->ctx.ip = "";
    if (!clock_zone_offset(config.tz, &r->ctx.tz_offset))
        r->ctx.tz_offset = 540;

    const char *method = r->method;
    if (strcmp(method, "HEAD") == 0 && (strcmp(r->path, "/healthz") == 0 || strcmp(r->path, "/readyz") == 0))
        method = "GET"; /* load balancers probe with HEAD; the server drops the body (the kintone
                           API answers HEAD with 405, as kintone does) */
    const char *override = req_header(r, "x-http-method-override");
    if (override && strcmp(method, "POST") == 0) {
        if (strcasecmp(override, "GET") == 0)
            method = "GET";
        else if (strcasecmp(override, "PUT") == 0)
            method = "PUT";
        else if (strcasecmp(override, "DELETE") == 0)
            method = "DELETE";
    }

    const struct route *rt = routes_find_plain(method, r->path);
    json_t *params = NULL;
    if (rt && (rt->fn == api_healthz || rt->fn == api_readyz)) {
        finish(r, rt->fn(r, NULL)); /* probes stay cheap: no parameters, no authentication */
        return;
    }
    if (!rt) {
        bool preview, known;
        const char *rel = strip_prefix(r->path, &preview);
        if (!rel) {
            finish(r, fail_set(&r->fail, ERR_NO_ROUTE, NULL));
            return;
        }
        rt = routes_find(method, rel, preview, &known);
        if (!rt) {
            finish(r, fail_set(&r->fail, known ? ERR_METHOD : ERR_NO_ROUTE, NULL));
            return;
        }
        r->ctx.preview = preview;
    }
    size_t limit = rt->max_body && rt->max_body < config.max_body ? rt->max_body : config.max_body;
    if (r->body_len > limit) {
        finish_route(r, rt, fail_set(&r->fail, ERR_TOO_LARGE, NULL));
        return;
    }
    struct ipaddr client;
    bool known = api_client_ip(r, &client);
    struct gate g;
    memset(&g, 0, sizeof(g));
    e = parse_params(r, rt, &params, &g.request_token);
    if (e == ERR_OK)
        e = authenticate(r, rt, params, &g);
    bool authenticated = e == ERR_OK;
    if (e == ERR_OK)
        e = check_ip(r, rt, &client, known);
    if (e == ERR_OK)
        e = check_stage(r, rt, &g);
    if (e == ERR_OK)
        e = check_csrf(r, rt, &g);
    if (e == ERR_OK)
        e = check_admin(r, rt);
    if (e == ERR_OK) {
        if (own_transactions(rt))
            e = api_audit_request(r, rt, params, rt->fn(r, params), API_AUDIT_OWN_TX);
        else
            e = run_route(r, rt, params); /* writes the request's audit entry */
        /* a permission refusal by the handler (app, record, field): on the trail too, written
         * now that the request's transaction is over */
        if (e == ERR_FORBIDDEN || e == ERR_TOKEN_APP) {
            json_t *d = json_pack("{s:s}", "method", method);
            char *text = d ? json_dumps(d, JSON_COMPACT) : NULL;
            event_log(&r->ctx, "access.deny", NULL, r->path, text);
            free(text);
            json_decref(d);
        }
    } else if (authenticated) {
        /* refused at a gate (IP, CSRF, login stage, administrators only): on the log too */
        (void)api_audit_request(r, rt, params, e,
                                (rt->flags & ROUTE_WRITE) ? API_AUDIT_OWN_TX : API_AUDIT_QUEUE);
    }
    /* (a handler that ended the session cleared who.session_id) */
    if (g.via_session && r->ctx.who.session_id == g.s.id)
        api_session_headers(r, &g.s);
    finish_route(r, rt, e);
}

enum err
api_call_bulk(struct req *r, const char *method, const char *api_path, json_t *payload,
              json_t **result)
{
    bool preview, known;
    const char *rel = api_path ? strip_prefix(api_path, &preview) : NULL;
    const struct route *rt = rel && method ? routes_find(method, rel, preview, &known) : NULL;
    *result = NULL;
    if (!rt || !(rt->flags & ROUTE_BULK) || !(rt->flags & ROUTE_WRITE)) {
        fail_field(&r->fail, "requests", MSG_BAD_PARAM, NULL);
        return ERR_INVALID;
    }
    if (!json_is_object(payload)) {
        fail_field(&r->fail, "payload", MSG_BAD_PARAM, NULL);
        return ERR_INVALID;
    }
    enum err e = rt->fn(r, payload);
    /* no entry of its own: the outer bulkRequest's entry lists each inner call */
    api_audit_bulk_note(r, method, api_path, payload, e == ERR_OK ? r->result : NULL, e);
    if (e == ERR_OK) {
        *result = r->result ? r->result : json_object();
        r->result = NULL;
    }
    return e;
}

enum err
api_healthz(struct req *r, json_t *params)
{
    (void)params;
    return api_json(r, json_pack("{s:s}", "status", "ok"));
}

enum err
api_readyz(struct req *r, json_t *params)
{
    (void)params;
    int64_t v;
    bool found;
    if (!r->db || db_query_int(r->db, "SELECT 1", NULL, 0, &v, &found) != DB_OK)
        return fail_set(&r->fail, ERR_UNAVAILABLE, NULL);
    return api_json(r, json_pack("{s:s}", "status", "ready"));
}
