/* In-process API tests: staff login with browser sessions. Password + TOTP (codes computed
 * with totp_code from the enrolment secret), replayed codes, recovery codes, lockout and its
 * end, identical answers for unknown users, temporary passwords, the password rules, idle /
 * administrator / absolute timeouts and the warning header, logout everywhere, CSRF, the IP
 * allowlists (staff, per token, admin) and X-Forwarded-For, rate limits, the previous login,
 * and Basic auth of staff while TOTP is required.
 * Time is pinned (clock_set_fake_ms) and moved with th_clock_advance: nothing sleeps, and TOTP
 * steps are the same on every run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/harness.h"
#include "core/clock.h"
#include "db/db.h"
#include "domain/ctx.h"
#include "sec/totp.h"

#define T0_MS 1900000035000LL /* 15 s into a TOTP step */
#define PW "correct horse battery"
#define PW2 "another good passphrase"
#define XRW "X-Requested-With: XMLHttpRequest"
#define JSON_CT "Content-Type: application/json"
#define NO_COOKIE "Cookie: unrelated=1" /* keeps the jar's session out of a request */
#define IP_A "192.0.2.10"
#define IP_B "198.51.100.7"

static char csrf[80];
static char recovery[10][20];
static int user_seq;

/* ---- helpers ---------------------------------------------------------------------------- */

static int
group_setup(void **state)
{
    clock_set_fake_ms(T0_MS);
    return th_setup(state);
}

static int
group_teardown(void **state)
{
    int rc = th_teardown(state);
    clock_set_fake_ms(0);
    return rc;
}

/* Every test: defaults, no login limits (tests log in often; the rate test sets its own), a
 * fresh jar, a known client address, and a new minute for the per-minute limits. */
static int
each(void **state)
{
    (void)state;
    th_config_reset();
    th_config("rate-login-ip", "0");
    th_config("rate-login-account", "0");
    th_cookies_clear();
    th_peer(IP_A);
    th_tls(0);
    csrf[0] = '\0';
    th_clock_advance(3600);
    return 0;
}

static const char *
next_login(const char *base)
{
    static char buf[4][64];
    char *out = buf[user_seq % 4];
    snprintf(out, sizeof(buf[0]), "%s%d", base, ++user_seq);
    return out;
}

static void
remember(const struct th_resp *r)
{
    const char *t = th_str(r->json, "requestToken");
    if (r->status == 200 && t)
        snprintf(csrf, sizeof(csrf), "%s", t);
}

/* A browser request: X-Requested-With, the request token, the jar's cookie. extra: one more
 * header or NULL. */
static const struct th_resp *
browser(const char *method, const char *path, const char *body, const char *extra)
{
    char tok[128];
    snprintf(tok, sizeof(tok), "X-Request-Token: %s", csrf);
    const char *h[5] = { XRW, JSON_CT, tok, extra, NULL };
    const struct th_resp *r = th_request(method, path, body, h, 0);
    remember(r);
    return r;
}

static const struct th_resp *
bpost(const char *path, const char *body)
{
    return browser("POST", path, body ? body : "{}", NULL);
}

static const struct th_resp *
bget(const char *path)
{
    return browser("GET", path, NULL, NULL);
}

/* The harness administrator (Basic, service account), without the jar's cookie. */
static const struct th_resp *
admin(const char *method, const char *path, const char *body)
{
    const char *h[] = { NO_COOKIE, JSON_CT, NULL };
    return th_request(method, path, body, h, 1);
}

static const struct th_resp *
login(const char *user, const char *pw)
{
    char body[256];
    snprintf(body, sizeof(body), "{\"login\":\"%s\",\"password\":\"%s\"}", user, pw);
    th_cookies_clear();
    csrf[0] = '\0';
    const char *h[] = { XRW, JSON_CT, NULL };
    const struct th_resp *r = th_request("POST", "/auth/login.json", body, h, 0);
    remember(r);
    return r;
}

static const char *
code_at(const char *secret, long long t)
{
    static char out[8];
    assert_true(totp_code(secret, t, out));
    return out;
}

static const struct th_resp *
send_code(const char *path, const char *code)
{
    char body[96];
    snprintf(body, sizeof(body), "{\"code\":\"%s\"}", code);
    return bpost(path, body);
}

/* In stage 'enrol': sets up TOTP and confirms it; returns the secret (static), keeps the
 * recovery codes. */
static const char *
enrol(void)
{
    static char secret[40];
    const struct th_resp *r = bpost("/auth/totp/setup.json", NULL);
    TH_EXPECT_STATUS(200);
    snprintf(secret, sizeof(secret), "%s", th_str(r->json, "secret"));
    r = send_code("/auth/totp/confirm.json", code_at(secret, th_now()));
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "recoveryCodes"), 10);
    for (int i = 0; i < 10; i++) {
        char path[24];
        snprintf(path, sizeof(path), "recoveryCodes.%d", i);
        snprintf(recovery[i], sizeof(recovery[i]), "%s", th_str(r->json, path));
    }
    assert_string_equal(th_str(r->json, "stage"), "ok");
    return secret;
}

/* A staff account with TOTP set up, logged out again; returns the secret (static). */
static const char *
enrolled_user(const char *user)
{
    th_staff(user, PW, 0, 0);
    login(user, PW);
    TH_EXPECT_STATUS(200);
    const char *secret = enrol();
    bpost("/auth/logout.json", NULL);
    TH_EXPECT_STATUS(200);
    th_clock_advance(30); /* the next code is a new step */
    return secret;
}

static long
count(const char *sql, const char *arg)
{
    struct db_param p[] = { DBP_TEXT(arg) };
    int64_t n = 0;
    bool found = false;
    assert_int_equal(db_query_int(th_db(), sql, p, arg ? 1 : 0, &n, &found), DB_OK);
    return (long)n;
}

static long
events(const char *action)
{
    return count("SELECT COUNT(*) FROM security_events WHERE action = $1", action);
}

static long
user_events(const char *action, const char *actor)
{
    struct db_param p[] = { DBP_TEXT(action), DBP_TEXT(actor) };
    int64_t n = 0;
    bool found = false;
    assert_int_equal(db_query_int(th_db(),
                                  "SELECT COUNT(*) FROM security_events WHERE action = $1 "
                                  "AND actor = $2",
                                  p, 2, &n, &found),
                     DB_OK);
    return (long)n;
}

static long
user_int(const char *column, const char *user)
{
    char sql[160];
    snprintf(sql, sizeof(sql), "SELECT %s FROM users WHERE login = $1", column);
    return count(sql, user);
}

/* ---- tests -------------------------------------------------------------------------------- */

static void
test_login_enrol_and_totp(void **state)
{
    (void)state;
    const char *user = next_login("alice");
    th_staff(user, PW, 0, 0);
    const struct th_resp *r = login(user, PW);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "stage"), "enrol");
    assert_string_equal(th_str(r->json, "user.code"), user);
    assert_true(json_is_null(th_at(r->json, "previousLogin")));
    const char *cookie = th_resp_header("Set-Cookie");
    assert_non_null(cookie);
    assert_non_null(strstr(cookie, "madoguchi_session="));
    assert_non_null(strstr(cookie, "HttpOnly"));
    assert_non_null(strstr(cookie, "SameSite=Strict"));
    assert_non_null(strstr(cookie, "Path=/"));
    assert_null(strstr(cookie, "Secure")); /* plain HTTP, no trusted proxy */
    assert_int_equal(strlen(th_cookie("madoguchi_session")), 43);
    assert_non_null(th_resp_header("X-Session-Expires"));
    /* before TOTP is set up, nothing else answers */
    bget("/k/v1/apps.json");
    TH_EXPECT_ERROR(401, "MD_MF01");
    bpost("/auth/mfa.json", "{\"code\":\"123456\"}");
    TH_EXPECT_ERROR(401, "MD_MF01");

    r = bpost("/auth/totp/setup.json", NULL);
    TH_EXPECT_STATUS(200);
    char secret[40];
    snprintf(secret, sizeof(secret), "%s", th_str(r->json, "secret"));
    assert_int_equal(strlen(secret), 32);
    assert_non_null(strstr(th_str(r->json, "uri"), "otpauth://totp/"));
    assert_non_null(strstr(th_str(r->json, "qrSvg"), "<svg"));
    /* stored sealed, not in clear, and not active yet */
    {
        struct db_param p[] = { DBP_TEXT(user) };
        struct db_res *res = NULL;
        assert_int_equal(db_query(th_db(), "SELECT totp_secret FROM users WHERE login = $1", p,
                                  1, &res),
                         DB_OK);
        assert_int_equal(db_step(res), 1);
        assert_null(strstr(db_col_text(res, 0), secret));
        db_res_free(res);
    }
    assert_int_equal(user_int("totp_enabled", user), 0);

    send_code("/auth/totp/confirm.json", "000000");
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("code");
    r = send_code("/auth/totp/confirm.json", code_at(secret, th_now()));
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "stage"), "ok");
    assert_int_equal(th_count(r->json, "recoveryCodes"), 10);
    assert_int_equal(user_int("totp_enabled", user), 1);
    assert_int_equal(count("SELECT COUNT(*) FROM recovery_codes r JOIN users u ON u.id = "
                           "r.user_id WHERE u.login = $1",
                           user),
                     10);
    bget("/k/v1/apps.json");
    TH_EXPECT_STATUS(200);
    assert_int_equal(user_events("mfa.enrol", user), 1);
    assert_int_equal(user_events("login.ok", user), 1);

    bpost("/auth/logout.json", NULL);
    TH_EXPECT_STATUS(200);
    th_clock_advance(30);
    r = login(user, PW);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "stage"), "mfa");
    bget("/k/v1/apps.json");
    TH_EXPECT_ERROR(401, "MD_MF01");
    send_code("/auth/mfa.json", "000000");
    TH_EXPECT_ERROR(400, "CB_VA01");
    assert_int_equal(user_events("mfa.fail", user), 1);
    r = send_code("/auth/mfa.json", code_at(secret, th_now()));
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "stage"), "ok");
    assert_int_equal(user_int("failed_logins", user), 0); /* success resets */
    bget("/k/v1/apps.json");
    TH_EXPECT_STATUS(200);
    assert_int_equal(user_events("login.ok", user), 2);

    /* behind TLS the cookie is Secure */
    th_tls(1);
    th_clock_advance(30);
    login(user, PW);
    TH_EXPECT_STATUS(200);
    assert_non_null(strstr(th_resp_header("Set-Cookie"), "; Secure"));
}

static void
test_totp_replay_refused(void **state)
{
    (void)state;
    const char *user = next_login("replay");
    char secret[40];
    snprintf(secret, sizeof(secret), "%s", enrolled_user(user));
    char code[8];
    snprintf(code, sizeof(code), "%s", code_at(secret, th_now()));
    login(user, PW);
    send_code("/auth/mfa.json", code);
    TH_EXPECT_STATUS(200);
    bpost("/auth/logout.json", NULL);
    /* the same code again, still inside its time window */
    login(user, PW);
    TH_EXPECT_STATUS(200);
    send_code("/auth/mfa.json", code);
    TH_EXPECT_ERROR(400, "CB_VA01");
    assert_int_equal(user_events("mfa.replay", user), 1);
    bget("/k/v1/apps.json");
    TH_EXPECT_ERROR(401, "MD_MF01");
    /* the code of the previous step is in the window but older than the used one */
    send_code("/auth/mfa.json", code_at(secret, th_now() - 30));
    TH_EXPECT_ERROR(400, "CB_VA01");
    th_clock_advance(30);
    send_code("/auth/mfa.json", code_at(secret, th_now()));
    TH_EXPECT_STATUS(200);
}

static void
test_recovery_codes(void **state)
{
    (void)state;
    const char *user = next_login("recover");
    char secret[40];
    snprintf(secret, sizeof(secret), "%s", enrolled_user(user));
    char first[20], second[20];
    snprintf(first, sizeof(first), "%s", recovery[0]);
    snprintf(second, sizeof(second), "%s", recovery[1]);
    login(user, PW);
    const struct th_resp *r = send_code("/auth/mfa.json", first);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "stage"), "ok");
    assert_int_equal(user_events("mfa.recovery_used", user), 1);
    bpost("/auth/logout.json", NULL);
    login(user, PW);
    send_code("/auth/mfa.json", first); /* single use */
    TH_EXPECT_ERROR(400, "CB_VA01");
    send_code("/auth/mfa.json", second);
    TH_EXPECT_STATUS(200);

    /* regenerating needs the current TOTP code; the old codes stop working */
    send_code("/auth/recovery-codes.json", "000000");
    TH_EXPECT_ERROR(400, "CB_VA01");
    r = send_code("/auth/recovery-codes.json", code_at(secret, th_now()));
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "recoveryCodes"), 10);
    char fresh[20];
    snprintf(fresh, sizeof(fresh), "%s", th_str(r->json, "recoveryCodes.0"));
    bpost("/auth/logout.json", NULL);
    login(user, PW);
    send_code("/auth/mfa.json", recovery[2]);
    TH_EXPECT_ERROR(400, "CB_VA01");
    send_code("/auth/mfa.json", fresh);
    TH_EXPECT_STATUS(200);
}

static void
test_totp_reenrol(void **state)
{
    (void)state;
    const char *user = next_login("reenrol");
    char old[40];
    snprintf(old, sizeof(old), "%s", enrolled_user(user));
    login(user, PW);
    send_code("/auth/mfa.json", code_at(old, th_now()));
    TH_EXPECT_STATUS(200);
    bpost("/auth/totp/setup.json", NULL); /* re-enrolment proves the current factor */
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("code");
    th_clock_advance(30);
    const struct th_resp *r = send_code("/auth/totp/setup.json", code_at(old, th_now()));
    TH_EXPECT_STATUS(200);
    char fresh[40];
    snprintf(fresh, sizeof(fresh), "%s", th_str(r->json, "secret"));
    assert_string_not_equal(fresh, old);
    /* until confirmed, the old secret stays the one that logs in */
    th_clock_advance(30);
    r = send_code("/auth/totp/confirm.json", code_at(fresh, th_now()));
    TH_EXPECT_STATUS(200);
    bpost("/auth/logout.json", NULL);
    th_clock_advance(30);
    login(user, PW);
    send_code("/auth/mfa.json", code_at(old, th_now()));
    TH_EXPECT_ERROR(400, "CB_VA01");
    send_code("/auth/mfa.json", code_at(fresh, th_now()));
    TH_EXPECT_STATUS(200);
}

static void
test_lockout(void **state)
{
    (void)state;
    const char *user = next_login("lock");
    th_staff(user, PW, 0, 0);
    for (int i = 0; i < 5; i++) {
        login(user, "wrong password!");
        TH_EXPECT_ERROR(401, "CB_WA01");
        assert_null(th_cookie("madoguchi_session"));
    }
    assert_int_equal(user_events("login.fail", user), 5);
    assert_int_equal(user_events("login.locked", user), 1);
    assert_true(user_int("locked_until", user) > th_now());
    /* locked: the right password gets the same answer, and no session */
    login(user, PW);
    TH_EXPECT_ERROR(401, "CB_WA01");
    assert_null(th_cookie("madoguchi_session"));
    assert_int_equal(user_events("login.refused", user), 1);
    th_clock_advance(14 * 60);
    login(user, PW);
    TH_EXPECT_ERROR(401, "CB_WA01");
    th_clock_advance(60 + 1); /* lockout_minutes = 15 have passed */
    const struct th_resp *r = login(user, PW);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "stage"), "enrol");

    /* wrong second factors count too, and a lock ends the half-done login */
    const char *u2 = next_login("lock");
    char secret[40];
    snprintf(secret, sizeof(secret), "%s", enrolled_user(u2));
    login(u2, PW);
    TH_EXPECT_STATUS(200);
    for (int i = 0; i < 4; i++) {
        send_code("/auth/mfa.json", "000000");
        TH_EXPECT_ERROR(400, "CB_VA01");
    }
    send_code("/auth/mfa.json", "000000");
    TH_EXPECT_ERROR(401, "CB_WA01");
    assert_int_equal(user_events("login.locked", u2), 1);
    assert_null(th_cookie("madoguchi_session"));
    login(u2, PW);
    TH_EXPECT_ERROR(401, "CB_WA01");
}

static void
test_unknown_user_identical(void **state)
{
    (void)state;
    const char *user = next_login("same");
    th_staff(user, PW, 0, 0);
    const struct th_resp *r = login(user, "not the password");
    TH_EXPECT_ERROR(401, "CB_WA01");
    char *wrong = strndup(r->body, r->len);
    r = login("nobody-at-all", "not the password");
    TH_EXPECT_ERROR(401, "CB_WA01");
    assert_string_equal(wrong, r->body);
    assert_int_equal(user_events("login.fail", "nobody-at-all"), 1);
    /* service accounts never log in to the browser: the same answer, even with the password */
    th_user("svc-browser", PW, 0);
    r = login("svc-browser", PW);
    assert_string_equal(wrong, r->body);
    assert_int_equal(user_events("login.refused", "svc-browser"), 1);
    /* disabled */
    const char *off = next_login("off");
    th_staff(off, PW, 0, 0);
    struct db_param p[] = { DBP_TEXT(off) };
    assert_int_equal(db_exec(th_db(), "UPDATE users SET disabled = 1 WHERE login = $1", p, 1, NULL),
                     DB_OK);
    r = login(off, PW);
    assert_string_equal(wrong, r->body);
    free(wrong);
    /* login CSRF: the form must come from our page */
    const char *h[] = { JSON_CT, NULL };
    th_request("POST", "/auth/login.json", "{\"login\":\"x\",\"password\":\"y\"}", h, 0);
    TH_EXPECT_ERROR(403, "MD_CS01");
}

static void
test_temporary_password(void **state)
{
    (void)state;
    const char *user = next_login("temp");
    th_staff(user, PW, 0, 1);
    const struct th_resp *r = login(user, PW);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "stage"), "password");
    bget("/k/v1/apps.json");
    TH_EXPECT_ERROR(403, "MD_PW01");
    bpost("/auth/totp/setup.json", NULL);
    TH_EXPECT_ERROR(403, "MD_PW01");
    bpost("/auth/mfa.json", "{\"code\":\"123456\"}");
    TH_EXPECT_ERROR(403, "MD_PW01");
    bpost("/auth/logout-all.json", NULL);
    TH_EXPECT_ERROR(403, "MD_PW01");
    r = bget("/auth/session.json");
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "stage"), "password");

    bpost("/auth/password.json", "{\"password\":\"short\"}");
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("password");
    char body[200];
    snprintf(body, sizeof(body), "{\"password\":\"%s\"}", user);
    bpost("/auth/password.json", body);
    TH_EXPECT_ERROR(400, "CB_VA01");
    snprintf(body, sizeof(body), "{\"password\":\"%s\"}", PW); /* the temporary one itself */
    bpost("/auth/password.json", body);
    TH_EXPECT_ERROR(400, "CB_VA01");
    r = bpost("/auth/password.json", "{\"password\":\"" PW2 "\"}");
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "stage"), "enrol");
    assert_int_equal(user_int("must_change_password", user), 0);
    assert_int_equal(user_events("password.change", "") + user_events("password.change", user),
                     1);
    bget("/k/v1/apps.json");
    TH_EXPECT_ERROR(401, "MD_MF01");
    enrol();
    bget("/k/v1/apps.json");
    TH_EXPECT_STATUS(200);
    bpost("/auth/logout.json", NULL);
    login(user, PW);
    TH_EXPECT_ERROR(401, "CB_WA01");
    login(user, PW2);
    TH_EXPECT_STATUS(200);
}

static void
test_password_rules(void **state)
{
    (void)state;
    th_config("mfa-required", "0");
    const char *user = next_login("rules");
    th_staff(user, "original password 0", 0, 0);
    login(user, "original password 0");
    TH_EXPECT_STATUS(200);
    /* a second session, to see that a change ends the others */
    char other[64];
    snprintf(other, sizeof(other), "%s", th_cookie("madoguchi_session"));
    char other_csrf[80];
    snprintf(other_csrf, sizeof(other_csrf), "%s", csrf);
    login(user, "original password 0");
    TH_EXPECT_STATUS(200);

    /* a voluntary change proves the current password */
    bpost("/auth/password.json", "{\"password\":\"brand new password 1\"}");
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("currentPassword");
    bpost("/auth/password.json",
          "{\"password\":\"brand new password 1\",\"currentPassword\":\"not it at all\"}");
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("currentPassword");
    /* length counts characters, not bytes: 11 kana (33 bytes) are too short, 12 are fine */
    bpost("/auth/password.json", "{\"password\":\"あいうえおかきくけこさ\","
                                 "\"currentPassword\":\"original password 0\"}");
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("password");
    bpost("/auth/password.json", "{\"password\":\"あいうえおかきくけこさし\","
                                 "\"currentPassword\":\"original password 0\"}");
    TH_EXPECT_STATUS(200);
    const char *prev = "あいうえおかきくけこさし";
    char body[300];
    for (int i = 2; i <= 5; i++) {
        th_clock_advance(1);
        snprintf(body, sizeof(body),
                 "{\"password\":\"changed password %d\",\"currentPassword\":\"%s\"}", i, prev);
        bpost("/auth/password.json", body);
        TH_EXPECT_STATUS(200);
        static char keep[40];
        snprintf(keep, sizeof(keep), "changed password %d", i);
        prev = keep;
    }
    /* the last five: kana, 2, 3, 4, 5 (current) */
    const char *reused[] = { "あいうえおかきくけこさし", "changed password 2",
                             "changed password 5" };
    for (size_t i = 0; i < 3; i++) {
        snprintf(body, sizeof(body),
                 "{\"password\":\"%s\",\"currentPassword\":\"changed password 5\"}", reused[i]);
        bpost("/auth/password.json", body);
        TH_EXPECT_ERROR(400, "CB_VA01");
        TH_EXPECT_KEY("password");
    }
    /* the sixth back is allowed again */
    bpost("/auth/password.json",
          "{\"password\":\"original password 0\",\"currentPassword\":\"changed password 5\"}");
    TH_EXPECT_STATUS(200);
    bget("/k/v1/apps.json"); /* this session survived its own changes */
    TH_EXPECT_STATUS(200);
    th_cookie_set("madoguchi_session", other);
    snprintf(csrf, sizeof(csrf), "%s", other_csrf);
    bget("/k/v1/apps.json");
    TH_EXPECT_ERROR(401, "MD_SE01");
}

static void
test_idle_timeout(void **state)
{
    (void)state;
    th_config("mfa-required", "0");
    const char *user = next_login("idle");
    th_staff(user, PW, 0, 0);
    login(user, PW);
    long long t = th_now();
    assert_int_equal(atoll(th_resp_header("X-Session-Expires")), t + 30 * 60);
    th_clock_advance(30 * 60 - 1);
    bget("/k/v1/apps.json"); /* activity: the idle clock starts again */
    TH_EXPECT_STATUS(200);
    assert_int_equal(atoll(th_resp_header("X-Session-Expires")), th_now() + 30 * 60);
    char cookie[64];
    snprintf(cookie, sizeof(cookie), "%s", th_cookie("madoguchi_session"));
    th_clock_advance(30 * 60);
    bget("/k/v1/apps.json");
    TH_EXPECT_ERROR(401, "MD_SE01");
    assert_null(th_cookie("madoguchi_session")); /* Max-Age=0 */
    assert_int_equal(user_events("session.expired", user), 1);
    assert_int_equal(count("SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id "
                           "WHERE u.login = $1 AND s.revoked_at IS NOT NULL",
                           user),
                     1);
    th_cookie_set("madoguchi_session", cookie);
    bget("/k/v1/apps.json");
    TH_EXPECT_ERROR(401, "MD_SE01");

    /* polling the session state is not activity */
    login(user, PW);
    th_clock_advance(20 * 60);
    bget("/auth/session.json");
    TH_EXPECT_STATUS(200);
    th_clock_advance(10 * 60);
    bget("/auth/session.json");
    TH_EXPECT_ERROR(401, "MD_SE01");
    /* unless the page asks to stay */
    login(user, PW);
    th_clock_advance(20 * 60);
    bget("/auth/session.json?extend=1");
    TH_EXPECT_STATUS(200);
    th_clock_advance(20 * 60);
    bget("/auth/session.json");
    TH_EXPECT_STATUS(200);
}

static void
test_admin_idle_shorter(void **state)
{
    (void)state;
    th_config("mfa-required", "0");
    const char *boss = next_login("boss");
    const char *clerk = next_login("clerk");
    th_staff(boss, PW, 1, 0);
    th_staff(clerk, PW, 0, 0);
    login(boss, PW);
    TH_EXPECT_STATUS(200);
    char boss_cookie[64], boss_csrf[80];
    snprintf(boss_cookie, sizeof(boss_cookie), "%s", th_cookie("madoguchi_session"));
    snprintf(boss_csrf, sizeof(boss_csrf), "%s", csrf);
    assert_int_equal(atoll(th_resp_header("X-Session-Expires")), th_now() + 10 * 60);
    login(clerk, PW);
    th_clock_advance(10 * 60);
    bget("/k/v1/apps.json");
    TH_EXPECT_STATUS(200);
    th_cookie_set("madoguchi_session", boss_cookie);
    snprintf(csrf, sizeof(csrf), "%s", boss_csrf);
    bget("/k/v1/apps.json");
    TH_EXPECT_ERROR(401, "MD_SE01");
}

static void
test_absolute_timeout_and_warning(void **state)
{
    (void)state;
    th_config("mfa-required", "0");
    th_config("session-max-hours", "1");
    const char *user = next_login("abs");
    th_staff(user, PW, 0, 0);
    login(user, PW);
    long long start = th_now();
    assert_null(th_resp_header("X-Session-Warning"));
    for (int i = 0; i < 2; i++) {
        th_clock_advance(25 * 60);
        bget("/k/v1/apps.json");
        TH_EXPECT_STATUS(200);
    }
    /* 50 min: the absolute end (60 min) comes before the idle end */
    assert_int_equal(atoll(th_resp_header("X-Session-Expires")), start + 3600);
    assert_null(th_resp_header("X-Session-Warning"));
    th_clock_advance(5 * 60 + 1); /* inside session_warn_min = 5 */
    const struct th_resp *r = bget("/auth/session.json");
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_resp_header("X-Session-Warning"), "1");
    assert_true(json_is_true(th_at(r->json, "warning")));
    th_clock_advance(5 * 60);
    bget("/k/v1/apps.json");
    TH_EXPECT_ERROR(401, "MD_SE01");
    assert_int_equal(count("SELECT COUNT(*) FROM security_events WHERE action = "
                           "'session.expired' AND actor = $1 AND detail LIKE '%absolute%'",
                           user),
                     1);
}

static void
test_logout_and_logout_all(void **state)
{
    (void)state;
    th_config("mfa-required", "0");
    const char *user = next_login("out");
    th_staff(user, PW, 0, 0);
    char c1[64], k1[80], c2[64], k2[80];
    login(user, PW);
    snprintf(c1, sizeof(c1), "%s", th_cookie("madoguchi_session"));
    snprintf(k1, sizeof(k1), "%s", csrf);
    login(user, PW); /* login() starts with an empty cookie jar: a second browser */
    snprintf(c2, sizeof(c2), "%s", th_cookie("madoguchi_session"));
    snprintf(k2, sizeof(k2), "%s", csrf);
    bpost("/auth/logout.json", NULL);
    TH_EXPECT_STATUS(200);
    assert_null(th_cookie("madoguchi_session"));
    th_cookie_set("madoguchi_session", c2);
    bget("/k/v1/apps.json");
    TH_EXPECT_ERROR(401, "MD_SE01");
    th_cookie_set("madoguchi_session", c1);
    snprintf(csrf, sizeof(csrf), "%s", k1);
    bget("/k/v1/apps.json");
    TH_EXPECT_STATUS(200);
    login(user, PW); /* a third */
    bpost("/auth/logout-all.json", NULL);
    TH_EXPECT_STATUS(200);
    th_cookie_set("madoguchi_session", c1);
    snprintf(csrf, sizeof(csrf), "%s", k1);
    bget("/k/v1/apps.json");
    TH_EXPECT_ERROR(401, "MD_SE01");
    assert_int_equal(user_events("logout", user), 1);
    assert_int_equal(user_events("logout.all", user), 1);
    (void)k2;

    /* logging in again from the same browser ends the session it held */
    th_cookies_clear();
    login(user, PW);
    snprintf(c1, sizeof(c1), "%s", th_cookie("madoguchi_session"));
    snprintf(k1, sizeof(k1), "%s", csrf);
    char body[256];
    snprintf(body, sizeof(body), "{\"login\":\"%s\",\"password\":\"%s\"}", user, PW);
    const char *h[] = { XRW, JSON_CT, NULL };
    remember(th_request("POST", "/auth/login.json", body, h, 0)); /* the old cookie is sent */
    TH_EXPECT_STATUS(200);
    assert_string_not_equal(th_cookie("madoguchi_session"), c1);
    bget("/k/v1/apps.json");
    TH_EXPECT_STATUS(200);
    th_cookie_set("madoguchi_session", c1);
    snprintf(csrf, sizeof(csrf), "%s", k1);
    bget("/k/v1/apps.json");
    TH_EXPECT_ERROR(401, "MD_SE01");
}

static void
test_csrf(void **state)
{
    (void)state;
    th_config("mfa-required", "0");
    long app = th_app("{\"title\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"title\"}}");
    const char *user = next_login("csrf");
    th_staff(user, PW, 0, 0);
    login(user, PW);
    TH_EXPECT_STATUS(200);
    long before = events("csrf.reject");
    char body[200];
    snprintf(body, sizeof(body), "{\"app\":%ld,\"record\":{\"title\":{\"value\":\"x\"}}}", app);
    /* no token */
    const char *h1[] = { XRW, JSON_CT, NULL };
    th_request("POST", "/k/v1/record.json", body, h1, 0);
    TH_EXPECT_ERROR(403, "MD_CS01");
    /* forged token */
    char forged[96];
    snprintf(forged, sizeof(forged), "X-Request-Token: %064d", 0);
    const char *h2[] = { XRW, JSON_CT, forged, NULL };
    th_request("POST", "/k/v1/record.json", body, h2, 0);
    TH_EXPECT_ERROR(403, "MD_CS01");
    /* no X-Requested-With, even with the right token, and even for reads */
    char tok[128];
    snprintf(tok, sizeof(tok), "X-Request-Token: %s", csrf);
    const char *h3[] = { JSON_CT, tok, NULL };
    th_request("POST", "/k/v1/record.json", body, h3, 0);
    TH_EXPECT_ERROR(403, "MD_CS01");
    th_request("GET", "/k/v1/apps.json", NULL, h3, 0);
    TH_EXPECT_ERROR(403, "MD_CS01");
    /* a state change through method override needs the token too */
    const char *h4[] = { XRW, JSON_CT, "X-HTTP-Method-Override: GET", NULL };
    snprintf(body, sizeof(body), "{\"app\":%ld}", app);
    th_request("POST", "/k/v1/records.json", body, h4, 0);
    TH_EXPECT_ERROR(403, "MD_CS01");
    /* logout everywhere refused: the session still works */
    th_request("POST", "/auth/logout-all.json", "{}", h1, 0);
    TH_EXPECT_ERROR(403, "MD_CS01");
    assert_int_equal(events("csrf.reject"), before + 6);
    const struct th_resp *r;
    char q[64];
    snprintf(q, sizeof(q), "/k/v1/records.json?app=%ld&totalCount=true", app);
    r = admin("GET", q, NULL);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "totalCount"), "0"); /* nothing was written */

    /* the right token: header, JSON body (kintone.getRequestToken()), multipart field */
    snprintf(body, sizeof(body), "{\"app\":%ld,\"record\":{\"title\":{\"value\":\"x\"}}}", app);
    bpost("/k/v1/record.json", body);
    TH_EXPECT_STATUS(200);
    snprintf(body, sizeof(body),
             "{\"app\":%ld,\"record\":{\"title\":{\"value\":\"y\"}},\"__REQUEST_TOKEN__\":\"%s\"}",
             app, csrf);
    th_request("POST", "/k/v1/record.json", body, h1, 0);
    TH_EXPECT_STATUS(200);
    char mp[1024];
    int n = snprintf(mp, sizeof(mp),
                     "--XyZ\r\nContent-Disposition: form-data; name=\"__REQUEST_TOKEN__\"\r\n\r\n"
                     "%s\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; "
                     "filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XyZ--\r\n",
                     csrf);
    const char *h5[] = { XRW, "Content-Type: multipart/form-data; boundary=XyZ", NULL };
    th_request_n("POST", "/k/v1/file.json", mp, (size_t)n, h5, 0);
    TH_EXPECT_STATUS(200);
    r = admin("GET", q, NULL);
    assert_string_equal(th_str(r->json, "totalCount"), "2");
    /* API credentials need none of this (no cookie) */
    admin("POST", "/k/v1/record.json", body);
    TH_EXPECT_STATUS(200);
}

static void
test_ip_staff_allow(void **state)
{
    (void)state;
    th_config("mfa-required", "0");
    long app = th_app("{\"title\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"title\"}}");
    th_config("staff-allow", "10.0.0.0/8, 2001:db8::/32");
    const char *token = th_token(app, 1);
    const char *user = next_login("ipstaff");
    th_staff(user, PW, 0, 0);
    th_peer(IP_A);
    long before = events("ip.deny");
    login(user, PW);
    TH_EXPECT_ERROR(403, "MD_IP01");
    assert_null(th_cookie("madoguchi_session"));
    admin("GET", "/k/v1/apps.json", NULL); /* Basic is staff too */
    TH_EXPECT_ERROR(403, "MD_IP01");
    assert_int_equal(events("ip.deny"), before + 1); /* once a minute per list and address */
    char th[128];
    snprintf(th, sizeof(th), "X-Cybozu-API-Token: %s", token);
    const char *h[] = { th, NULL };
    char q[64];
    snprintf(q, sizeof(q), "/k/v1/records.json?app=%ld", app);
    th_request("GET", q, NULL, h, 0); /* tokens have their own lists */
    TH_EXPECT_STATUS(200);
    th_peer("10.1.2.3");
    login(user, PW);
    TH_EXPECT_STATUS(200);
    bget("/k/v1/apps.json");
    TH_EXPECT_STATUS(200);
    /* the session does not travel to a denied address */
    th_peer(IP_A);
    bget("/k/v1/apps.json");
    TH_EXPECT_ERROR(403, "MD_IP01");
    th_peer("2001:db8::5");
    bget("/k/v1/apps.json");
    TH_EXPECT_STATUS(200);
    /* a bad list refuses to start */
    assert_int_equal(th_config_try("staff-allow", "10.0.0.1/8"), 0);
}

static void
test_ip_token_allow(void **state)
{
    (void)state;
    long app = th_app("{\"title\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"title\"}}");
    const char *token = th_token(app, 1);
    struct db_param p[] = { DBP_INT(app) };
    assert_int_equal(db_exec(th_db(),
                             "UPDATE api_tokens SET allow_ips = '10.0.0.0/8' WHERE app_id = $1", p,
                             1, NULL),
                     DB_OK);
    char th[128];
    snprintf(th, sizeof(th), "X-Cybozu-API-Token: %s", token);
    const char *h[] = { th, NULL };
    char q[64];
    snprintf(q, sizeof(q), "/k/v1/records.json?app=%ld", app);
    th_clock_advance(3); /* past the token cache */
    long before = events("ip.deny");
    th_peer(IP_A);
    th_request("GET", q, NULL, h, 0);
    TH_EXPECT_ERROR(403, "MD_IP01");
    assert_int_equal(events("ip.deny"), before + 1);
    th_request("GET", q, NULL, h, 0); /* logged once a minute, not per request */
    assert_int_equal(events("ip.deny"), before + 1);
    th_peer("10.20.30.40");
    th_request("GET", q, NULL, h, 0);
    TH_EXPECT_STATUS(200);
}

static void
test_ip_admin_allow(void **state)
{
    (void)state;
    th_config("mfa-required", "0");
    long app = th_app("{\"title\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"title\"}}");
    th_config("admin-allow", "10.0.0.0/8");
    th_peer(IP_A);
    admin("GET", "/admin/api/events.json", NULL);
    TH_EXPECT_ERROR(403, "MD_IP01");
    char body[128];
    snprintf(body, sizeof(body), "{\"app\":%ld,\"description\":\"x\"}", app);
    admin("PUT", "/k/v1/preview/app/settings.json", body); /* settings writes */
    TH_EXPECT_ERROR(403, "MD_IP01");
    char q[64];
    snprintf(q, sizeof(q), "/k/v1/app.json?id=%ld", app);
    admin("GET", q, NULL); /* reads are not the admin area */
    TH_EXPECT_STATUS(200);
    /* administrators log in only from the admin network; others from anywhere */
    const char *boss = next_login("ipboss");
    const char *clerk = next_login("ipclerk");
    th_staff(boss, PW, 1, 0);
    th_staff(clerk, PW, 0, 0);
    login(boss, PW);
    TH_EXPECT_ERROR(403, "MD_IP01");
    login(clerk, PW);
    TH_EXPECT_STATUS(200);
    bget("/admin/api/events.json"); /* not an administrator */
    TH_EXPECT_ERROR(403, "MD_IP01");
    th_peer("10.0.0.9");
    bget("/admin/api/events.json");
    TH_EXPECT_ERROR(403, "CB_NO02");
    long uses = events("admin.use");
    login(boss, PW);
    TH_EXPECT_STATUS(200);
    bget("/admin/api/events.json");
    assert_int_not_equal(th_last_status(), 403);
    assert_int_equal(events("admin.use"), uses + 1);
    admin("PUT", "/k/v1/preview/app/settings.json", body);
    TH_EXPECT_STATUS(200);
}

static void
test_forwarded_for(void **state)
{
    (void)state;
    th_config("mfa-required", "0");
    th_config("trusted-proxies", "192.0.2.1");
    th_config("staff-allow", "10.0.0.0/8");
    const char *user = next_login("xff");
    th_staff(user, PW, 0, 0);
    char body[128];
    snprintf(body, sizeof(body), "{\"login\":\"%s\",\"password\":\"%s\"}", user, PW);
    const char *h[] = { XRW, JSON_CT, "X-Forwarded-For: 10.1.1.1", "X-Forwarded-Proto: https",
                        NULL };
    th_peer("192.0.2.99"); /* not a trusted proxy: its header is not believed */
    th_cookies_clear();
    th_request("POST", "/auth/login.json", body, h, 0);
    TH_EXPECT_ERROR(403, "MD_IP01");
    th_peer("192.0.2.1");
    th_request("POST", "/auth/login.json", body, h, 0);
    TH_EXPECT_STATUS(200);
    assert_non_null(strstr(th_resp_header("Set-Cookie"), "; Secure"));
    assert_int_equal(count("SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id "
                           "WHERE u.login = $1 AND s.ip = '10.1.1.1'",
                           user),
                     1);
    /* a client cannot prepend its own entry to get past the proxy's */
    const char *h2[] = { XRW, JSON_CT, "X-Forwarded-For: 10.1.1.1, 203.0.113.5", NULL };
    th_cookies_clear();
    th_request("POST", "/auth/login.json", body, h2, 0);
    TH_EXPECT_ERROR(403, "MD_IP01");
}

static void
test_rate_limits(void **state)
{
    (void)state;
    const char *user = next_login("rate");
    th_staff(user, PW, 0, 0);
    /* logins per client address */
    th_config("rate-login-ip", "3");
    long before = events("ratelimit");
    for (int i = 0; i < 3; i++) {
        login(user, "wrong password!");
        TH_EXPECT_ERROR(401, "CB_WA01");
    }
    for (int i = 0; i < 3; i++) {
        login(user, PW);
        TH_EXPECT_ERROR(429, "MD_RL01");
        assert_non_null(th_resp_header("Retry-After"));
        assert_true(atoi(th_resp_header("Retry-After")) >= 1);
    }
    assert_int_equal(events("ratelimit"), before + 1); /* once per key and minute */
    assert_int_equal(user_int("failed_logins", user), 3); /* refused attempts do not count */
    th_peer(IP_B);
    login(user, PW);
    TH_EXPECT_STATUS(200);
    th_peer(IP_A);
    th_clock_advance(61);
    login(user, PW);
    TH_EXPECT_STATUS(200);

    /* logins per account, from any address */
    th_config("rate-login-ip", "0");
    th_config("rate-login-account", "2");
    const char *u2 = next_login("rate");
    th_staff(u2, PW, 0, 0);
    th_peer("203.0.113.1");
    login(u2, "wrong password!");
    th_peer("203.0.113.2");
    login(u2, "wrong password!");
    th_peer("203.0.113.3");
    login(u2, PW);
    TH_EXPECT_ERROR(429, "MD_RL01");

    /* failed API authentications per address: then even good credentials wait */
    th_config("rate-auth-fail-ip", "3");
    th_peer(IP_A);
    const char *bad[] = { NO_COOKIE, th_auth_header("admin", "wrong"), NULL };
    for (int i = 0; i < 3; i++) {
        th_request("GET", "/k/v1/apps.json", NULL, bad, 0);
        TH_EXPECT_ERROR(401, "CB_WA01");
    }
    admin("GET", "/k/v1/apps.json", NULL);
    TH_EXPECT_ERROR(429, "MD_RL01");
    assert_non_null(th_resp_header("Retry-After"));
    th_peer(IP_B);
    admin("GET", "/k/v1/apps.json", NULL);
    TH_EXPECT_STATUS(200);
    th_clock_advance(61);
    th_peer(IP_A);
    admin("GET", "/k/v1/apps.json", NULL);
    TH_EXPECT_STATUS(200);

    /* requests per API token */
    th_config("rate-token", "2");
    long app = th_app("{\"title\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"title\"}}");
    char th[128], q[64];
    snprintf(th, sizeof(th), "X-Cybozu-API-Token: %s", th_token(app, 1));
    snprintf(q, sizeof(q), "/k/v1/records.json?app=%ld", app);
    const char *h[] = { th, NULL };
    th_request("GET", q, NULL, h, 0);
    TH_EXPECT_STATUS(200);
    th_request("GET", q, NULL, h, 0);
    TH_EXPECT_STATUS(200);
    th_request("GET", q, NULL, h, 0);
    TH_EXPECT_ERROR(429, "MD_RL01");
}

static void
test_previous_login(void **state)
{
    (void)state;
    th_config("mfa-required", "0");
    const char *user = next_login("prev");
    th_staff(user, PW, 0, 0);
    th_peer(IP_A);
    const struct th_resp *r = login(user, PW);
    TH_EXPECT_STATUS(200);
    assert_true(json_is_null(th_at(r->json, "previousLogin")));
    long long first = th_now();
    bpost("/auth/logout.json", NULL);
    th_clock_advance(3600);
    th_peer(IP_B);
    r = login(user, PW);
    TH_EXPECT_STATUS(200);
    char at[32];
    clock_format_utc(first, at);
    assert_string_equal(th_str(r->json, "previousLogin.at"), at);
    assert_string_equal(th_str(r->json, "previousLogin.ip"), IP_A);
    r = bget("/auth/session.json");
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "previousLogin.ip"), IP_A);
    assert_string_equal(th_str(r->json, "previousLogin.at"), at);
    assert_int_equal(user_int("last_login_at", user), th_now());
}

static void
test_basic_auth_of_staff(void **state)
{
    (void)state;
    const char *user = next_login("basic");
    th_staff(user, PW, 0, 0);
    const char *h[] = { NO_COOKIE, th_auth_header(user, PW), NULL };
    th_request("GET", "/k/v1/apps.json", NULL, h, 0); /* it would skip the second factor */
    TH_EXPECT_ERROR(401, "CB_WA01");
    assert_int_equal(user_events("login.refused", user), 1);
    th_get("/k/v1/apps.json"); /* the service account still works */
    TH_EXPECT_STATUS(200);
    th_config("mfa-required", "0");
    th_request("GET", "/k/v1/apps.json", NULL, h, 0);
    TH_EXPECT_STATUS(200);
    /* without TOTP, guessing over Basic meets the lockout too */
    const char *bad[] = { NO_COOKIE, th_auth_header(user, "wrong password!"), NULL };
    for (int i = 0; i < 5; i++)
        th_request("GET", "/k/v1/apps.json", NULL, bad, 0);
    th_request("GET", "/k/v1/apps.json", NULL, h, 0);
    TH_EXPECT_ERROR(401, "CB_WA01");
    assert_int_equal(user_events("login.locked", user), 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_login_enrol_and_totp, each),
        cmocka_unit_test_setup(test_totp_replay_refused, each),
        cmocka_unit_test_setup(test_recovery_codes, each),
        cmocka_unit_test_setup(test_totp_reenrol, each),
        cmocka_unit_test_setup(test_lockout, each),
        cmocka_unit_test_setup(test_unknown_user_identical, each),
        cmocka_unit_test_setup(test_temporary_password, each),
        cmocka_unit_test_setup(test_password_rules, each),
        cmocka_unit_test_setup(test_idle_timeout, each),
        cmocka_unit_test_setup(test_admin_idle_shorter, each),
        cmocka_unit_test_setup(test_absolute_timeout_and_warning, each),
        cmocka_unit_test_setup(test_logout_and_logout_all, each),
        cmocka_unit_test_setup(test_csrf, each),
        cmocka_unit_test_setup(test_ip_staff_allow, each),
        cmocka_unit_test_setup(test_ip_token_allow, each),
        cmocka_unit_test_setup(test_ip_admin_allow, each),
        cmocka_unit_test_setup(test_forwarded_for, each),
        cmocka_unit_test_setup(test_rate_limits, each),
        cmocka_unit_test_setup(test_previous_login, each),
        cmocka_unit_test_setup(test_basic_auth_of_staff, each),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
