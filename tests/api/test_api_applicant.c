/* In-process API tests of applicant verification: a code by e-mail (through the outbox), its
 * ten minutes and five tries, the same answers for known and unknown addresses, rate limits
 * per address and per IP, the applicant session cookie (idle and absolute expiry, logout),
 * CSRF (X-Requested-With) and bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/harness.h"
#include "db/db.h"
#include "domain/applicant.h"

static char last_code[8], last_email[128];
static int codes_sent;

static void
observe(const char *email, const char *code)
{
    snprintf(last_code, sizeof(last_code), "%s", code);
    snprintf(last_email, sizeof(last_email), "%s", email);
    codes_sent++;
}

static const char *XRW = "X-Requested-With: XMLHttpRequest";

static const struct th_resp *
post(const char *path, const char *body)
{
    const char *h[] = { XRW, "Content-Type: application/json", NULL };
    return th_request("POST", path, body, h, 0);
}

static const struct th_resp *
request_code(const char *email)
{
    char body[256];
    snprintf(body, sizeof(body), "{\"email\":\"%s\",\"form\":\"kenchiku\"}", email);
    return post("/apply/api/verify.json", body);
}

static const struct th_resp *
confirm(const char *email, const char *code)
{
    char body[256];
    snprintf(body, sizeof(body), "{\"email\":\"%s\",\"code\":\"%s\"}", email, code);
    return post("/apply/api/confirm.json", body);
}

static long long
count(const char *sql)
{
    int64_t v = -1;
    bool found;
    if (db_query_int(th_db(), sql, NULL, 0, &v, &found) != DB_OK)
        abort();
    return v;
}

static int
setup(void **state)
{
    th_setup(state);
    applicant_observe_codes(observe);
    return 0;
}

static int
reset(void **state)
{
    (void)state;
    applicant_limits_reset();
    th_clock_reset();
    th_cookies_clear();
    th_peer("");
    return 0;
}

static void
test_verify_and_session(void **state)
{
    (void)state;
    const struct th_resp *r = request_code("  Hanako@Example.JP ");
    TH_EXPECT_STATUS(200);
    assert_true(json_is_true(json_object_get(r->json, "sent")));
    assert_string_equal(last_email, "hanako@example.jp");
    assert_int_equal(strlen(last_code), 6);
    /* the code is stored only as a keyed hash */
    char sql[256];
    snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM applicant_codes WHERE code_hash LIKE '%%%s%%'",
             last_code);
    assert_int_equal(count(sql), 0);
    r = confirm("hanako@example.jp", last_code);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "email"), "hanako@example.jp");
    const char *cookie = th_resp_header("set-cookie");
    assert_non_null(cookie);
    assert_non_null(strstr(cookie, "mado_applicant="));
    assert_non_null(strstr(cookie, "HttpOnly"));
    assert_non_null(th_cookie("mado_applicant"));
    /* a used code does not work twice */
    th_cookies_clear();
    confirm("hanako@example.jp", last_code);
    TH_EXPECT_ERROR(400, "MD_AV01");
    /* the same address again: the same applicant */
    request_code("hanako@example.jp");
    confirm("hanako@example.jp", last_code);
    TH_EXPECT_STATUS(200);
    assert_int_equal(count("SELECT COUNT(*) FROM applicants WHERE email = 'hanako@example.jp'"), 1);
    /* logout ends the session */
    const char *tok = th_cookie("mado_applicant");
    assert_non_null(tok);
    post("/apply/api/logout.json", "{}");
    TH_EXPECT_STATUS(200);
    assert_int_equal(count("SELECT COUNT(*) FROM applicant_sessions WHERE ended_at IS NULL AND "
                           "applicant_id = (SELECT id FROM applicants WHERE email = 'hanako@example.jp')"),
                     1); /* the first session (cookie dropped above) is still open; the second ended */
}

static void
test_wrong_codes_and_expiry(void **state)
{
    (void)state;
    request_code("taro@example.jp");
    char good[8];
    snprintf(good, sizeof(good), "%s", last_code);
    char wrong[8];
    snprintf(wrong, sizeof(wrong), "%06d", (atoi(good) + 1) % 1000000);
    /* five tries in all, the fifth with the right code still works... */
    for (int i = 0; i < 4; i++) {
        confirm("taro@example.jp", wrong);
        TH_EXPECT_ERROR(400, "MD_AV01");
    }
    confirm("taro@example.jp", good);
    TH_EXPECT_STATUS(200);
    /* ...but not a sixth */
    request_code("taro@example.jp");
    snprintf(good, sizeof(good), "%s", last_code);
    for (int i = 0; i < 5; i++)
        confirm("taro@example.jp", wrong);
    confirm("taro@example.jp", good);
    TH_EXPECT_ERROR(400, "MD_AV01");
    /* ten minutes */
    request_code("taro@example.jp");
    snprintf(good, sizeof(good), "%s", last_code);
    th_clock_advance(601);
    confirm("taro@example.jp", good);
    TH_EXPECT_ERROR(400, "MD_AV01");
    /* a newer code replaces the older one */
    th_clock_reset();
    request_code("taro@example.jp");
    snprintf(good, sizeof(good), "%s", last_code);
    applicant_limits_reset();
    request_code("taro@example.jp");
    confirm("taro@example.jp", good);
    TH_EXPECT_ERROR(400, "MD_AV01");
    confirm("taro@example.jp", last_code);
    TH_EXPECT_STATUS(200);
}

static void
test_no_enumeration(void **state)
{
    (void)state;
    /* known and unknown addresses answer alike, for codes and for confirmations */
    const struct th_resp *r = request_code("hanako@example.jp");
    char a[512];
    snprintf(a, sizeof(a), "%d %s", r->status, r->body);
    r = request_code("nobody-ever@example.jp");
    char b[512];
    snprintf(b, sizeof(b), "%d %s", r->status, r->body);
    assert_string_equal(a, b);
    r = confirm("hanako@example.jp", "000000");
    char c1[512];
    snprintf(c1, sizeof(c1), "%d %s", r->status, th_str(r->json, "code"));
    r = confirm("never-asked@example.jp", "000000");
    char c2[512];
    snprintf(c2, sizeof(c2), "%d %s", r->status, th_str(r->json, "code"));
    assert_string_equal(c1, c2);
}

static void
test_rate_limits(void **state)
{
    (void)state;
    th_peer("192.0.2.10");
    for (int i = 0; i < 3; i++) {
        request_code("busy@example.jp");
        TH_EXPECT_STATUS(200);
    }
    request_code("busy@example.jp");
    TH_EXPECT_ERROR(429, "MD_RL01");
    /* per IP: ten a minute whatever the addresses */
    applicant_limits_reset();
    char addr[64];
    for (int i = 0; i < 10; i++) {
        snprintf(addr, sizeof(addr), "p%d@example.jp", i);
        request_code(addr);
        TH_EXPECT_STATUS(200);
    }
    request_code("p99@example.jp");
    TH_EXPECT_ERROR(429, "MD_RL01");
    th_peer("192.0.2.11");
    request_code("p99@example.jp");
    TH_EXPECT_STATUS(200);
}

static void
test_session_expiry_and_bad_input(void **state)
{
    (void)state;
    request_code("jiro@example.jp");
    confirm("jiro@example.jp", last_code);
    TH_EXPECT_STATUS(200);
    /* CSRF: without X-Requested-With nothing happens */
    const char *h[] = { "Content-Type: application/json", NULL };
    th_request("POST", "/apply/api/verify.json", "{\"email\":\"x@example.jp\"}", h, 0);
    TH_EXPECT_ERROR(403, "MD_CS01");
    /* bad input */
    post("/apply/api/verify.json", "{\"email\":\"not-an-address\"}");
    TH_EXPECT_KEY("email");
    post("/apply/api/verify.json", "{\"email\":\"a@b.jp\\r\\nBcc: x@y.jp\"}");
    TH_EXPECT_KEY("email");
    post("/apply/api/verify.json", "{}");
    TH_EXPECT_KEY("email");
    post("/apply/api/confirm.json", "{\"email\":\"jiro@example.jp\",\"code\":\"12ab56\"}");
    TH_EXPECT_ERROR(400, "MD_AV01");
    post("/apply/api/confirm.json", "{\"email\":\"jiro@example.jp\"}");
    TH_EXPECT_KEY("code");
    post("/apply/api/verify.json", "{\"email\":");
    TH_EXPECT_ERROR(400, "CB_IJ01");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_verify_and_session, reset),
        cmocka_unit_test_setup(test_wrong_codes_and_expiry, reset),
        cmocka_unit_test_setup(test_no_enumeration, reset),
        cmocka_unit_test_setup(test_rate_limits, reset),
        cmocka_unit_test_setup(test_session_expiry_and_bad_input, reset),
    };
    return cmocka_run_group_tests_name(th_backend(), tests, setup, th_teardown);
}
