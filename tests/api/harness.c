/* In-process API harness; see harness.h. */
#include "harness.h"

#include "api/api.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/config.h"
#include "db/db.h"
#include "domain/app.h"
#include "domain/auth.h"
#include "domain/blob.h"
#include "domain/file.h"
#include "domain/wf.h"
#include "pdf/pdf_issue.h"
#include "sec/sec.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static struct db *db;
static struct sec_key *key;
static struct th_resp last;
static char blob_dir[256];
static char tokenbuf[8][64];
static int tokenslot;
static struct config cfg;
static char peer[64];
static int use_tls;

#define JAR_MAX 8
static struct {
    char *name, *value;
} jar[JAR_MAX];

static void clear_last(void);
static void jar_take(const char *set_cookie);

struct db *
th_db(void)
{
    return db;
}

const char *
th_backend(void)
{
    return getenv("TEST_PG_DSN") ? "postgresql" : "sqlite";
}

static void
fail_setup(const char *what, const char *msg)
{
    fprintf(stderr, "harness: %s: %s\n", what, msg ? msg : "");
    abort();
}

int
th_setup(void **state)
{
    (void)state;
    char *err = NULL;
    const char *dsn = getenv("TEST_PG_DSN");
    if (sec_init() < 0)
        fail_setup("sec_init", NULL);
    sec_set_pwhash_limits(1, 8192);
    if (db_open(dsn ? dsn : ":memory:", &db, &err) != DB_OK)
        fail_setup("db_open", err);
    if (dsn && db_exec_script(db, "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;") != DB_OK)
        fail_setup("reset schema", db_errmsg(db));
    if (db_migrate(db, &err) != DB_OK)
        fail_setup("migrate", err);
    uint8_t raw[32];
    randombytes_buf(raw, sizeof(raw));
    if (sec_key_from_bytes(raw, &key) != ERR_OK)
        fail_setup("key", NULL);
    snprintf(blob_dir, sizeof(blob_dir), "/tmp/madoguchi-api-test-%d", (int)getpid());
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf %s && mkdir -p %s", blob_dir, blob_dir);
    if (system(cmd) != 0)
        fail_setup("blob dir", blob_dir);
    if (blob_init(dsn ? NULL : blob_dir, key) < 0 || file_init() < 0)
        fail_setup("blob/file init", NULL);
    th_config_reset();
    wf_set_status_hook(pdf_on_status);
    struct arena *a = arena_new();
    struct fail f;
    struct ctx c;
    memset(&c, 0, sizeof(c));
    fail_init(&f, a, LANG_JA);
    c.arena = a;
    c.db = db;
    c.fail = &f;
    c.now = clock_now_ms() / 1000;
    c.who.kind = PRIN_SYSTEM;
    c.who.login = "system";
    int64_t id;
    if (auth_user_add(&c, TH_USER, "管理者", TH_PASSWORD, true, true, &id) != ERR_OK)
        fail_setup("user add", f.message);
    arena_free(a);
    return 0;
}

int
th_teardown(void **state)
{
    (void)state;
    clear_last();
    th_cookies_clear();
    th_clock_reset();
    peer[0] = '\0';
    use_tls = 0;
    (void)auth_configure(NULL, NULL);
    config_release(&cfg);
    app_cache_clear();
    file_shutdown();
    blob_shutdown();
    db_close(db);
    db = NULL;
    sec_key_free(key);
    key = NULL;
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", blob_dir);
    if (system(cmd) != 0)
        return -1;
    return 0;
}

/* Response headers of the last response, copied out of the request arena. */
static struct {
    char *name, *value;
} last_headers[REQ_MAX_RESP_HEADERS];
static int nlast_headers;

static void
clear_last(void)
{
    free(last.body);
    json_decref(last.json);
    memset(&last, 0, sizeof(last));
    for (int i = 0; i < nlast_headers; i++) {
        free(last_headers[i].name);
        free(last_headers[i].value);
    }
    nlast_headers = 0;
}

const struct th_resp *
th_request(const char *method, const char *target, const char *body, const char *const *headers,
           int auth)
{
    return th_request_n(method, target, body, body ? strlen(body) : 0, headers, auth);
}

const struct th_resp *
th_request_n(const char *method, const char *target, const void *body, size_t len,
             const char *const *headers, int auth)
{
    clear_last();

    struct arena *a = arena_new();
    struct req r;
    req_init(&r, a);
    snprintf(r.id, sizeof(r.id), "test");
    r.method = method;
    const char *q = strchr(target, '?');
    r.path = q ? arena_strndup(a, target, (size_t)(q - target)) : target;
    r.query = q ? q + 1 : "";
    if (body) {
        /* a copy with a NUL after it, as the server hands over (and ASan sees overreads) */
        char *copy = arena_alloc(a, len + 1);
        memcpy(copy, body, len);
        copy[len] = '\0';
        r.body = copy;
        r.body_len = len;
    } else {
        r.body = "";
        r.body_len = 0;
    }
    r.remote_addr = peer;
    r.tls = use_tls != 0;
    size_t n = 0;
    int own_cookie = 0;
    while (headers && headers[n])
        own_cookie |= strncasecmp(headers[n++], "cookie:", 7) == 0;
    r.headers = arena_alloc(a, sizeof(struct http_header) * (n + 3));
    for (size_t i = 0; i < n; i++) {
        const char *colon = strchr(headers[i], ':');
        r.headers[r.nheaders].name = arena_strndup(a, headers[i], (size_t)(colon - headers[i]));
        r.headers[r.nheaders].value = colon[1] == ' ' ? colon + 2 : colon + 1;
        r.nheaders++;
    }
    if (!own_cookie && jar[0].name) {
        char *c = NULL;
        for (int i = 0; i < JAR_MAX && jar[i].name; i++)
            c = arena_printf(a, "%s%s%s=%s", c ? c : "", c ? "; " : "", jar[i].name, jar[i].value);
        r.headers[r.nheaders].name = "cookie";
        r.headers[r.nheaders].value = c;
        r.nheaders++;
    }
    if (auth) {
        char raw[128], b64[200];
        snprintf(raw, sizeof(raw), "%s:%s", TH_USER, TH_PASSWORD);
        sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)raw, strlen(raw),
                          sodium_base64_VARIANT_ORIGINAL);
        r.headers[r.nheaders].name = "x-cybozu-authorization";
        r.headers[r.nheaders].value = arena_strdup(a, b64);
        r.nheaders++;
    }
    api_handle(db, &r);
    last.status = r.status;
    last.body = r.resp_body;
    last.len = r.resp_len;
    r.resp_body = NULL;
    snprintf(last.content_type, sizeof(last.content_type), "%s",
             r.content_type ? r.content_type : "");
    if (last.body && strstr(last.content_type, "json"))
        last.json = json_loadb(last.body, last.len, 0, NULL);
    for (int i = 0; i < r.nresp_headers && i < REQ_MAX_RESP_HEADERS; i++) {
        last_headers[i].name = strdup(r.resp_headers[i].name);
        last_headers[i].value = strdup(r.resp_headers[i].value);
        nlast_headers++;
        if (strcasecmp(r.resp_headers[i].name, "set-cookie") == 0)
            jar_take(r.resp_headers[i].value);
    }
    arena_free(a);
    return &last;
}

const struct th_resp *
th_get(const char *target)
{
    return th_request("GET", target, NULL, NULL, 1);
}

const struct th_resp *
th_send(const char *method, const char *target, const char *fmt, ...)
{
    char *body = NULL;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(&body, fmt, ap) < 0)
            body = NULL;
        va_end(ap);
    }
    static const char *const json_hdr[] = { "Content-Type: application/json", NULL };
    const struct th_resp *res = th_request(method, target, body, json_hdr, 1);
    free(body);
    return res;
}

long
th_app(const char *fields_json)
{
    const struct th_resp *r = th_send("POST", "/k/v1/preview/app.json", "{\"name\":\"テストアプリ\"}");
    if (r->status != 200)
        fail_setup("create app", r->body);
    long app = strtol(th_str(r->json, "app"), NULL, 10);
    r = th_send("POST", "/k/v1/preview/app/form/fields.json", "{\"app\":%ld,\"properties\":%s}",
                app, fields_json);
    if (r->status != 200)
        fail_setup("add fields", r->body);
    r = th_send("POST", "/k/v1/preview/app/deploy.json", "{\"apps\":[{\"app\":%ld}]}", app);
    if (r->status != 200)
        fail_setup("deploy", r->body);
    return app;
}

const char *
th_token(long app, unsigned perms)
{
    struct arena *a = arena_new();
    struct fail f;
    struct ctx c;
    memset(&c, 0, sizeof(c));
    fail_init(&f, a, LANG_JA);
    c.arena = a;
    c.db = db;
    c.fail = &f;
    c.now = clock_now_ms() / 1000;
    c.who.kind = PRIN_SYSTEM;
    char *out = tokenbuf[tokenslot++ % 8];
    if (auth_token_add(&c, app, perms, out) != ERR_OK)
        fail_setup("token", f.message);
    arena_free(a);
    return out;
}

const char *
th_str(const json_t *obj, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", path);
    const json_t *cur = obj;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ".", &save); tok && cur; tok = strtok_r(NULL, ".", &save))
        cur = json_is_array(cur) ? json_array_get(cur, strtoul(tok, NULL, 10))
                                 : json_object_get(cur, tok);
    return json_is_string(cur) ? json_string_value(cur) : NULL;
}

const char *
th_resp_header(const char *name)
{
    for (int i = 0; i < nlast_headers; i++)
        if (strcasecmp(last_headers[i].name, name) == 0)
            return last_headers[i].value;
    return NULL;
}

static struct ctx *
system_ctx(struct ctx *c, struct fail *f, struct arena *a)
{
    memset(c, 0, sizeof(*c));
    fail_init(f, a, LANG_JA);
    c->arena = a;
    c->db = db;
    c->fail = f;
    c->now = clock_now_ms() / 1000;
    c->who.kind = PRIN_SYSTEM;
    c->who.login = "system";
    return c;
}

void
th_user(const char *login, const char *password, int is_admin)
{
    struct arena *a = arena_new();
    struct fail f;
    struct ctx c;
    int64_t id;
    if (auth_user_add(system_ctx(&c, &f, a), login, login, password, is_admin != 0, true, &id) !=
        ERR_OK)
        fail_setup("user add", f.message);
    arena_free(a);
}

const char *
th_auth_header(const char *login, const char *password)
{
    static char bufs[8][300];
    static int slot;
    char raw[160], b64[220];
    snprintf(raw, sizeof(raw), "%s:%s", login, password);
    sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)raw, strlen(raw),
                      sodium_base64_VARIANT_ORIGINAL);
    char *out = bufs[slot++ % 8];
    snprintf(out, sizeof(bufs[0]), "X-Cybozu-Authorization: %s", b64);
    return out;
}

json_t *
th_at(const json_t *obj, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", path);
    const json_t *cur = obj;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ".", &save); tok && cur; tok = strtok_r(NULL, ".", &save))
        cur = json_is_array(cur) ? json_array_get(cur, strtoul(tok, NULL, 10))
                                 : json_object_get(cur, tok);
    return (json_t *)cur;
}

long
th_count(const json_t *obj, const char *path)
{
    const json_t *v = th_at(obj, path);
    if (json_is_object(v))
        return (long)json_object_size(v);
    if (json_is_array(v))
        return (long)json_array_size(v);
    return -1;
}

int
th_is_error(int status, const char *code)
{
    const char *got = th_str(last.json, "code");
    return last.status == status && got && strcmp(got, code) == 0;
}

int
th_has_error_key(const char *name)
{
    const json_t *errors = json_object_get(last.json, "errors");
    return json_is_object(json_object_get(errors, name));
}

const struct th_resp *
th_getf(const char *fmt, ...)
{
    char *target = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&target, fmt, ap) < 0)
        target = NULL;
    va_end(ap);
    if (!target)
        fail_setup("th_getf", fmt);
    const struct th_resp *res = th_get(target);
    free(target);
    return res;
}

const struct th_resp *
th_sendq(const char *method, const char *target, const char *fmt, ...)
{
    char *body = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&body, fmt, ap) < 0)
        body = NULL;
    va_end(ap);
    if (!body)
        fail_setup("th_sendq", fmt);
    for (char *p = body; *p; p++)
        if (*p == '\'')
            *p = '"';
    static const char *const json_hdr[] = { "Content-Type: application/json", NULL };
    const struct th_resp *res = th_request(method, target, body, json_hdr, 1);
    free(body);
    return res;
}

void
th_dump(void)
{
    fprintf(stderr, "last response: %d %s\n%.*s\n", last.status, last.content_type,
            (int)(last.len > 4000 ? 4000 : last.len), last.body ? last.body : "");
}

int
th_last_status(void)
{
    return last.status;
}

/* ---- login suite additions ---------------------------------------------------------------- */

int
th_config_try(const char *flag, const char *value)
{
    char opt[128];
    snprintf(opt, sizeof(opt), "--%s", flag);
    char *argv[] = { opt, (char *)value, NULL };
    int used = 0;
    if (!config_flag(&cfg, 2, argv, 0, &used) || used != 2)
        return 0;
    return auth_configure(&cfg, key) ? 1 : 0;
}

void
th_config(const char *flag, const char *value)
{
    if (!th_config_try(flag, value))
        fail_setup("th_config", flag);
}

void
th_config_reset(void)
{
    config_release(&cfg);
    if (!config_load(&cfg, "") || !auth_configure(&cfg, key))
        fail_setup("config", "defaults");
}

void
th_peer(const char *addr)
{
    snprintf(peer, sizeof(peer), "%s", addr ? addr : "");
}

void
th_tls(int on)
{
    use_tls = on;
}

void
th_clock_advance(long seconds)
{
    clock_set_offset_ms(clock_offset_ms() + (int64_t)seconds * 1000);
}

void
th_clock_reset(void)
{
    clock_set_offset_ms(0);
}

long long
th_now(void)
{
    return (long long)(clock_now_ms() / 1000);
}

const char *
th_cookie(const char *name)
{
    for (int i = 0; i < JAR_MAX && jar[i].name; i++)
        if (strcmp(jar[i].name, name) == 0)
            return jar[i].value;
    return NULL;
}

void
th_cookie_set(const char *name, const char *value)
{
    int i = 0;
    while (i < JAR_MAX && jar[i].name && strcmp(jar[i].name, name) != 0)
        i++;
    if (i == JAR_MAX)
        fail_setup("cookie jar", "full");
    if (!value) {
        if (!jar[i].name)
            return;
        free(jar[i].name);
        free(jar[i].value);
        for (; i + 1 < JAR_MAX && jar[i + 1].name; i++)
            jar[i] = jar[i + 1];
        jar[i].name = jar[i].value = NULL;
        return;
    }
    if (!jar[i].name)
        jar[i].name = strdup(name);
    free(jar[i].value);
    jar[i].value = strdup(value);
}

void
th_cookies_clear(void)
{
    for (int i = 0; i < JAR_MAX; i++) {
        free(jar[i].name);
        free(jar[i].value);
        jar[i].name = jar[i].value = NULL;
    }
}

/* "name=value; Path=/; Max-Age=0; ..." */
static void
jar_take(const char *set_cookie)
{
    const char *eq = strchr(set_cookie, '=');
    if (!eq)
        return;
    size_t vlen = strcspn(eq + 1, ";");
    char name[128], value[512];
    snprintf(name, sizeof(name), "%.*s", (int)(eq - set_cookie), set_cookie);
    snprintf(value, sizeof(value), "%.*s", (int)vlen, eq + 1);
    th_cookie_set(name, strstr(set_cookie, "Max-Age=0") ? NULL : value);
}

long
th_staff(const char *login, const char *password, int is_admin, int temporary)
{
    struct arena *a = arena_new();
    struct fail f;
    struct ctx c;
    int64_t id;
    if (auth_user_add(system_ctx(&c, &f, a), login, login, password, is_admin != 0, false, &id) !=
        ERR_OK)
        fail_setup("staff add", f.message);
    if (temporary) {
        struct db_param p[] = { DBP_INT(id) };
        if (db_exec(db, "UPDATE users SET must_change_password = 1 WHERE id = $1", p, 1, NULL) !=
            DB_OK)
            fail_setup("staff temporary", db_errmsg(db));
    }
    arena_free(a);
    return (long)id;
}

const struct sec_key *
th_key(void)
{
    return key;
}
