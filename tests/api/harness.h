/* In-process API test harness: requests go through the real dispatcher and route table
 * (api_handle) against a fresh database — SQLite :memory: by default, PostgreSQL when
 * TEST_PG_DSN is set (the schema is dropped and recreated for each test group). */
#ifndef MADO_TEST_HARNESS_H
#define MADO_TEST_HARNESS_H

#include <jansson.h>
#include <stddef.h>

struct th_resp {
    int status;
    json_t *json; /* parsed body or NULL */
    char *body;
    size_t len;
    char content_type[128];
};

/* Group setup/teardown for cmocka (int (*)(void **)). Creates the admin service account
 * TH_USER / TH_PASSWORD. */
int th_setup(void **state);
int th_teardown(void **state);

#define TH_USER "admin"
#define TH_PASSWORD "password-123"

/* Performs one request. headers: NULL-terminated "Name: value" strings, or NULL. When
 * auth is non-zero the admin X-Cybozu-Authorization header is added. The response is
 * valid until the next call. */
const struct th_resp *th_request(const char *method, const char *target, const char *body,
                                 const char *const *headers, int auth);
/* Shortcuts with admin auth; body may be NULL. */
const struct th_resp *th_get(const char *target);
const struct th_resp *th_send(const char *method, const char *target, const char *body_fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Creates and deploys an app with the given fields JSON ({"code":{...},...}); returns its id. */
long th_app(const char *fields_json);
/* Mints an API token for app with ACL_* bits. */
const char *th_token(long app, unsigned perms);
const char *th_str(const json_t *obj, const char *path); /* "a.b.c" string lookup or NULL */
const char *th_backend(void); /* "sqlite" or "postgresql" */
struct db *th_db(void);        /* the database the requests run on */

/* ---- added for the app-settings, file and parameter suites ---- */

/* th_request with an explicit body length (binary bodies, e.g. multipart uploads; NULs
 * allowed). th_request(m, t, b, h, a) is th_request_n(m, t, b, b ? strlen(b) : 0, h, a). */
const struct th_resp *th_request_n(const char *method, const char *target, const void *body,
                                   size_t len, const char *const *headers, int auth);
/* A response header of the last response (case-insensitive name), or NULL. Valid until the
 * next request. */
const char *th_resp_header(const char *name);
/* Creates a service account (the only kind that may use X-Cybozu-Authorization). */
void th_user(const char *login, const char *password, int is_admin);
/* "X-Cybozu-Authorization: base64(login:password)" for a headers array; rotating static
 * buffers (the last 8 stay valid). */
const char *th_auth_header(const char *login, const char *password);
/* Any JSON value at a th_str-style path ("a.b.0.c"), borrowed; NULL if missing. */
json_t *th_at(const json_t *obj, const char *path);
/* Number of members (object) or elements (array) at path; -1 if neither. */
long th_count(const json_t *obj, const char *path);
/* true when the last response is a kintone error with this HTTP status and code. */
int th_is_error(int status, const char *code);
/* Field-error key present in the last response's "errors" object. */
int th_has_error_key(const char *key);
/* th_get with a printf-formatted target. */
const struct th_resp *th_getf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* th_send whose formatted body has every single quote turned into a double quote, so that
 * JSON reads {'app':%ld} in C (field codes and values used with it contain no quote). */
const struct th_resp *th_sendq(const char *method, const char *target, const char *body_fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prints the last response (status and body) to stderr: context for a failing assertion. */
void th_dump(void);

/* Assertions on the last response that print it when they fail (include after cmocka.h). */
#define TH_EXPECT_STATUS(st)                                                                       \
    do {                                                                                           \
        if (th_last_status() != (st))                                                              \
            th_dump();                                                                             \
        assert_int_equal(th_last_status(), (st));                                                  \
    } while (0)
#define TH_EXPECT_ERROR(st, code)                                                                  \
    do {                                                                                           \
        if (!th_is_error((st), (code)))                                                            \
            th_dump();                                                                             \
        assert_true(th_is_error((st), (code)));                                                    \
    } while (0)
#define TH_EXPECT_KEY(k)                                                                           \
    do {                                                                                           \
        if (!th_has_error_key(k)) {                                                                \
            fprintf(stderr, "expected error key: %s\n", (k));                                      \
            th_dump();                                                                             \
        }                                                                                          \
        assert_true(th_has_error_key(k));                                                          \
    } while (0)
int th_last_status(void);

/* ---- added for the login suite (sessions, IP rules, clock) ---- */

/* Sets a configuration value by its flag name ("staff-allow", "mfa-required", ...) and applies
 * the [security] settings again (auth_configure; rate-limit counts start over). Aborts when
 * the value is invalid; th_config_try returns 0 instead. th_config_reset: all defaults. */
void th_config(const char *flag, const char *value);
int th_config_try(const char *flag, const char *value);
void th_config_reset(void);
/* Socket address of the following requests ("" = unknown, the default), and whether they
 * arrive over TLS. X-Forwarded-For is an ordinary header of th_request. */
void th_peer(const char *addr);
void th_tls(int on);
/* Moves the clock of the server code forward (clock offset; nothing sleeps); th_now() is the
 * server's Unix time in seconds. th_clock_reset: offset 0. */
void th_clock_advance(long seconds);
void th_clock_reset(void);
long long th_now(void);
/* Cookie jar: Set-Cookie of every response is kept (Max-Age=0 removes) and sent back as a
 * Cookie header unless the request passes its own. */
const char *th_cookie(const char *name); /* value or NULL */
void th_cookie_set(const char *name, const char *value); /* value NULL removes */
void th_cookies_clear(void);
/* Creates a staff account (not a service account: browser login, TOTP); temporary = must
 * change the password at the next login. Returns its id. */
long th_staff(const char *login, const char *password, int is_admin, int temporary);
/* The master key of the test database's server side (for recovery-code hashes etc.). */
const struct sec_key *th_key(void);

#endif
