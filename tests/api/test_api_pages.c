/* In-process tests of the applicant pages that work without JavaScript: the embedded assets
 * (ETag, 304), the e-mail verification pages (address → code → back to the form) posted as
 * plain HTML forms with the double-submit CSRF token, their error pages and escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/harness.h"
#include "domain/applicant.h"

static char last_code[8];

static void
observe(const char *email, const char *code)
{
    (void)email;
    snprintf(last_code, sizeof(last_code), "%s", code);
}

static const struct th_resp *
form_post(const char *path, const char *body)
{
    const char *h[] = { "Content-Type: application/x-www-form-urlencoded", NULL };
    return th_request("POST", path, body, h, 0);
}

static int
setup(void **state)
{
    th_setup(state);
    applicant_observe_codes(observe);
    return 0;
}

static void
test_assets(void **state)
{
    (void)state;
    const struct th_resp *r = th_request("GET", "/assets/css/apply.css", NULL, NULL, 0);
    TH_EXPECT_STATUS(200);
    assert_non_null(strstr(r->content_type, "text/css"));
    assert_true(r->len > 1000);
    char etag[64];
    snprintf(etag, sizeof(etag), "%s", th_resp_header("etag"));
    char inm[96];
    snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
    const char *h[] = { inm, NULL };
    th_request("GET", "/assets/css/apply.css", NULL, h, 0);
    TH_EXPECT_STATUS(304);
    th_request("GET", "/assets/css/nothing.css", NULL, NULL, 0);
    TH_EXPECT_STATUS(404);
    th_request("GET", "/assets/../src/main.c", NULL, NULL, 0);
    assert_true(th_last_status() == 404 || th_last_status() == 400);
}

static void
test_verify_pages(void **state)
{
    (void)state;
    th_cookies_clear();
    const struct th_resp *r = th_request("GET", "/apply/verify?form=kenchiku", NULL, NULL, 0);
    TH_EXPECT_STATUS(200);
    assert_non_null(strstr(r->content_type, "text/html"));
    assert_non_null(strstr(r->body, "<label for=\"email\">"));
    assert_non_null(strstr(r->body, "name=\"form\" value=\"kenchiku\""));
    const char *csrf = th_cookie("mado_form");
    assert_non_null(csrf);
    char token[40];
    snprintf(token, sizeof(token), "%s", csrf);
    char body[512];

    /* without the token: the error page, nothing sent */
    last_code[0] = '\0';
    form_post("/apply/verify", "email=hanako%40example.jp&form=kenchiku");
    TH_EXPECT_STATUS(403);
    assert_string_equal(last_code, "");

    /* a bad address: the page again with an error summary linking to the field */
    snprintf(body, sizeof(body), "csrf=%s&email=nope&form=kenchiku", token);
    r = form_post("/apply/verify", body);
    TH_EXPECT_STATUS(400);
    assert_non_null(strstr(r->body, "class=\"error-summary\""));
    assert_non_null(strstr(r->body, "href=\"#email\""));
    assert_non_null(strstr(r->body, "aria-invalid=\"true\""));
    assert_non_null(strstr(r->body, "value=\"nope\""));

    /* the address: the code page */
    snprintf(body, sizeof(body), "csrf=%s&email=Hanako%%40Example.jp&form=kenchiku", token);
    r = form_post("/apply/verify", body);
    TH_EXPECT_STATUS(200);
    assert_non_null(strstr(r->body, "name=\"code\""));
    assert_int_equal(strlen(last_code), 6);

    /* a wrong code: the code page with the error */
    char wrong[8];
    snprintf(wrong, sizeof(wrong), "%06d", (atoi(last_code) + 1) % 1000000);
    snprintf(body, sizeof(body), "csrf=%s&email=hanako%%40example.jp&form=kenchiku&code=%s", token,
             wrong);
    r = form_post("/apply/confirm", body);
    TH_EXPECT_STATUS(400);
    assert_non_null(strstr(r->body, "href=\"#code\""));

    /* the right one: back to the form with the applicant session */
    snprintf(body, sizeof(body), "csrf=%s&email=hanako%%40example.jp&form=kenchiku&code=%s", token,
             last_code);
    form_post("/apply/confirm", body);
    TH_EXPECT_STATUS(303);
    assert_string_equal(th_resp_header("location"), "/apply/kenchiku");
    assert_non_null(th_cookie("mado_applicant"));
}

static void
test_escaping_and_bad_input(void **state)
{
    (void)state;
    /* a form code that is not a code is dropped, never echoed */
    const struct th_resp *r =
        th_request("GET", "/apply/verify?form=%3Cscript%3Ealert(1)%3C%2Fscript%3E", NULL, NULL, 0);
    TH_EXPECT_STATUS(200);
    assert_null(strstr(r->body, "<script>"));
    assert_null(strstr(r->body, "name=\"form\""));
    /* an address with markup is escaped when shown again */
    th_request("GET", "/apply/verify", NULL, NULL, 0);
    char body[256];
    snprintf(body, sizeof(body), "csrf=%s&email=%%3Cb%%3Ex%%3C%%2Fb%%3E", th_cookie("mado_form"));
    r = form_post("/apply/verify", body);
    TH_EXPECT_STATUS(400);
    assert_null(strstr(r->body, "<b>x</b>"));
    assert_non_null(strstr(r->body, "&lt;b&gt;x&lt;/b&gt;"));
    /* unknown pages: an HTML 404, not JSON */
    r = th_request("GET", "/apply/no/such/page", NULL, NULL, 0);
    TH_EXPECT_STATUS(404);
    assert_non_null(strstr(r->content_type, "text/html"));
    assert_non_null(strstr(r->body, "ページが見つかりません"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assets),
        cmocka_unit_test(test_verify_pages),
        cmocka_unit_test(test_escaping_and_bad_input),
    };
    return cmocka_run_group_tests_name(th_backend(), tests, setup, th_teardown);
}
