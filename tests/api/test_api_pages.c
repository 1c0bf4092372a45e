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

/* gzip copies made at build time: served when Accept-Encoding allows, with their own ETag and
 * Vary; identity otherwise (also for gzip;q=0); the body inflates to the identity body. */
static void
test_assets_gzip(void **state)
{
    (void)state;
    const struct th_resp *r = th_request("GET", "/assets/staff/app.js", NULL, NULL, 0);
    TH_EXPECT_STATUS(200);
    assert_null(th_resp_header("content-encoding"));
    assert_string_equal(th_resp_header("vary"), "Accept-Encoding");
    size_t plain_len = r->len;
    char *plain = malloc(plain_len);
    assert_non_null(plain);
    memcpy(plain, r->body, plain_len);
    char plain_etag[64];
    snprintf(plain_etag, sizeof(plain_etag), "%s", th_resp_header("etag"));

    const char *gz[] = { "Accept-Encoding: gzip, deflate, br", NULL };
    r = th_request("GET", "/assets/staff/app.js", NULL, gz, 0);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_resp_header("content-encoding"), "gzip");
    assert_string_equal(th_resp_header("vary"), "Accept-Encoding");
    assert_true(r->len < plain_len);
    assert_true(r->len > 10 && (unsigned char)r->body[0] == 0x1f &&
                (unsigned char)r->body[1] == 0x8b);
    char gz_etag[64];
    snprintf(gz_etag, sizeof(gz_etag), "%s", th_resp_header("etag"));
    assert_string_not_equal(gz_etag, plain_etag);

    /* inflate with the gzip command: the same bytes as the identity answer */
    char path[] = "/tmp/mado-gz-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(r->body, 1, r->len, f), r->len);
    fclose(f);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "gzip -dc < %s", path);
    FILE *in = popen(cmd, "r");
    assert_non_null(in);
    char *out = malloc(plain_len + 1);
    assert_non_null(out);
    size_t got = fread(out, 1, plain_len + 1, in);
    assert_int_equal(pclose(in), 0);
    remove(path);
    assert_int_equal(got, plain_len);
    assert_memory_equal(out, plain, plain_len);
    free(out);
    free(plain);

    /* 304 for the gzip ETag only with gzip; the identity ETag does not match a gzip request */
    char inm[96];
    snprintf(inm, sizeof(inm), "If-None-Match: %s", gz_etag);
    const char *h304[] = { "Accept-Encoding: gzip", inm, NULL };
    th_request("GET", "/assets/staff/app.js", NULL, h304, 0);
    TH_EXPECT_STATUS(304);
    assert_string_equal(th_resp_header("vary"), "Accept-Encoding");
    const char *hplain[] = { inm, NULL };
    th_request("GET", "/assets/staff/app.js", NULL, hplain, 0);
    TH_EXPECT_STATUS(200);
    assert_null(th_resp_header("content-encoding"));

    const char *q0[] = { "Accept-Encoding: gzip;q=0, *", NULL };
    th_request("GET", "/assets/staff/app.js", NULL, q0, 0);
    TH_EXPECT_STATUS(200);
    assert_null(th_resp_header("content-encoding"));
    const char *star[] = { "Accept-Encoding: br;q=1.0, *;q=0.5", NULL };
    th_request("GET", "/assets/staff/app.js", NULL, star, 0);
    assert_string_equal(th_resp_header("content-encoding"), "gzip");
    const char *other[] = { "Accept-Encoding: identity, br", NULL };
    th_request("GET", "/assets/staff/app.js", NULL, other, 0);
    assert_null(th_resp_header("content-encoding"));

    /* the staff page itself, too */
    r = th_request("GET", "/staff/", NULL, gz, 0);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_resp_header("content-encoding"), "gzip");
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

/* ---- the whole application without JavaScript --------------------------------------------- */

static long app;

static char *
q(const char *s)
{
    static char buf[4096];
    snprintf(buf, sizeof(buf), "%s", s);
    for (char *p = buf; *p; p++)
        if (*p == '\'')
            *p = '"';
    return buf;
}

static void
make_form(void)
{
    app = th_app(q("{'氏名':{'type':'SINGLE_LINE_TEXT','code':'氏名','label':'氏名'},"
                   "'用途':{'type':'RADIO_BUTTON','code':'用途','label':'用途','options':{"
                   "'住宅':{'label':'住宅','index':'0'},'店舗':{'label':'店舗','index':'1'}}},"
                   "'店舗面積':{'type':'NUMBER','code':'店舗面積','label':'店舗面積'},"
                   "'図面':{'type':'FILE','code':'図面','label':'図面'},"
                   "'概要':{'type':'SINGLE_LINE_TEXT','code':'概要','label':'概要'}}"));
    th_sendq("PUT", "/k/v1/preview/app/status.json",
             "{'app':%ld,'enable':true,'states':{'受付中':{'name':'受付中','index':'0'},"
             "'受付':{'name':'受付','index':'1'},'取下げ':{'name':'取下げ','index':'2','applicantLabel':'取下げ'}},"
             "'actions':[{'name':'受付する','from':'受付中','to':'受付'},"
             "{'name':'取下げ','from':'受付中','to':'取下げ','reason':'REQUIRED','applicant':true}]}",
             app);
    th_sendq("POST", "/k/v1/preview/app/deploy.json", "{'apps':[{'app':%ld}]}", app);
    TH_EXPECT_STATUS(200);
    /* a computation that is not one is refused */
    th_sendq("PUT", "/admin/api/forms.json",
             "{'form':{'code':'kcbad','app':%ld,'title':'x','pages':[{'title':'p','sections':[{'title':'s',"
             "'fields':[{'code':'概要','compute':{'max':[1]}}]}]}]}}", app);
    TH_EXPECT_ERROR(400, "CB_VA01");
    th_sendq("PUT", "/admin/api/forms.json",
             "{'form':{'code':'kc','app':%ld,'title':'建築行為の届出','procedure':'建築・開発',"
             "'description':'景観法の届出','prepare':'配置図（PDF）','deadlineNote':'着手の30日前まで',"
             "'receipt':{'sequence':'page-kc','format':'R{reiwa}-KC-{n:6}'},"
             "'pages':[{'title':'申請者','sections':[{'title':'申請者','fields':["
             "{'code':'氏名','help':'法人は名称','rules':{'required':true,'maxLength':30}}]}]},"
             "{'title':'計画','sections':[{'title':'計画','fields':["
             "{'code':'用途','rules':{'required':true}},"
             "{'code':'店舗面積','showIf':{'field':'用途','op':'eq','value':'店舗'},'rules':{'required':true}},"
             "{'code':'図面','rules':{'accept':['application/pdf'],'maxBytes':100000}},"
             "{'code':'概要','compute':{'concat':[{'field':'用途'},'（',{'sum':[{'field':'店舗面積'},0]},'㎡）']}}]}]}]}}",
             app);
    TH_EXPECT_STATUS(200);
    th_sendq("POST", "/admin/api/form/publish.json", "{'code':'kc'}");
    TH_EXPECT_STATUS(200);
}

static const char *BND = "----pageBoundary7";

static const struct th_resp *
multipart_post(const char *path, const char *csrf, const char *step, const char *fields[][2],
               const char *file_field, const char *file_name, const char *file_data)
{
    static char body[8192];
    size_t n = 0;
    n += (size_t)snprintf(body + n, sizeof(body) - n,
                          "--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
                          "--%s\r\nContent-Disposition: form-data; name=\"step\"\r\n\r\n%s\r\n",
                          BND, csrf, BND, step);
    for (int i = 0; fields && fields[i][0]; i++)
        n += (size_t)snprintf(body + n, sizeof(body) - n,
                              "--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n", BND,
                              fields[i][0], fields[i][1]);
    if (file_field)
        n += (size_t)snprintf(body + n, sizeof(body) - n,
                              "--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                              "Content-Type: application/octet-stream\r\n\r\n%s\r\n",
                              BND, file_field, file_name, file_data);
    n += (size_t)snprintf(body + n, sizeof(body) - n, "--%s--\r\n", BND);
    char ct[128];
    snprintf(ct, sizeof(ct), "Content-Type: multipart/form-data; boundary=%s", BND);
    const char *h[] = { ct, NULL };
    return th_request_n("POST", path, body, n, h, 0);
}

static void
test_whole_application(void **state)
{
    (void)state;
    make_form();
    th_cookies_clear();
    /* the list */
    const struct th_resp *r = th_request("GET", "/apply/", NULL, NULL, 0);
    TH_EXPECT_STATUS(200);
    assert_non_null(strstr(r->body, "href=\"/apply/kc\""));
    assert_non_null(strstr(r->body, "配置図（PDF）"));
    /* not verified yet: to the verification first */
    th_request("GET", "/apply/kc", NULL, NULL, 0);
    TH_EXPECT_STATUS(303);
    assert_string_equal(th_resp_header("location"), "/apply/verify?form=kc");
    th_request("GET", "/apply/verify?form=kc", NULL, NULL, 0);
    char csrf[40], body[1024];
    snprintf(csrf, sizeof(csrf), "%s", th_cookie("mado_form"));
    snprintf(body, sizeof(body), "csrf=%s&email=ichiro%%40example.jp&form=kc", csrf);
    form_post("/apply/verify", body);
    snprintf(body, sizeof(body), "csrf=%s&email=ichiro%%40example.jp&form=kc&code=%s", csrf, last_code);
    form_post("/apply/confirm", body);
    TH_EXPECT_STATUS(303);

    /* step 1: a required answer missing → the error summary, linked to the field */
    r = th_request("GET", "/apply/kc", NULL, NULL, 0);
    TH_EXPECT_STATUS(200);
    assert_non_null(strstr(r->body, "<label for=\"f0-0-0\">氏名"));
    assert_non_null(strstr(r->body, "aria-describedby=\"f0-0-0-help\""));
    snprintf(body, sizeof(body), "csrf=%s&step=0&action=next&a.%%E6%%B0%%8F%%E5%%90%%8D=", csrf);
    r = form_post("/apply/kc", body);
    TH_EXPECT_STATUS(400);
    assert_non_null(strstr(r->body, "class=\"error-summary\""));
    assert_non_null(strstr(r->body, "href=\"#f0-0-0\""));
    assert_non_null(strstr(r->body, "aria-invalid=\"true\""));
    /* answered: on to step 2 (the answer is in the draft) */
    snprintf(body, sizeof(body), "csrf=%s&step=0&action=next&a.%%E6%%B0%%8F%%E5%%90%%8D=%%E4%%B8%%96%%E7%%94%%B0%%E8%%B0%%B7+%%E4%%B8%%80%%E9%%83%%8E", csrf);
    form_post("/apply/kc", body);
    TH_EXPECT_STATUS(303);
    assert_string_equal(th_resp_header("location"), "/apply/kc?step=1");
    r = th_request("GET", "/apply/kc?step=1", NULL, NULL, 0);
    TH_EXPECT_STATUS(200);
    assert_non_null(strstr(r->body, "enctype=\"multipart/form-data\""));
    /* hidden (and disabled: never posted without a script) until 用途 is 店舗 */
    assert_non_null(strstr(r->body, "data-field=\"f1-0-1\" hidden>"));
    assert_non_null(strstr(r->body, "id=\"form-data\""));

    /* 店舗: the step asks the extra question before moving on */
    const char *f1[][2] = { { "action", "next" }, { "a.用途", "店舗" }, { NULL, NULL } };
    multipart_post("/apply/kc", csrf, "1", f1, NULL, NULL, NULL);
    TH_EXPECT_STATUS(303);
    assert_string_equal(th_resp_header("location"), "/apply/kc?step=1&more=1");
    r = th_request("GET", "/apply/kc?step=1&more=1", NULL, NULL, 0);
    assert_non_null(strstr(r->body, "data-field=\"f1-0-1\">"));
    assert_non_null(strstr(r->body, "role=\"status\""));
    /* a disguised file (a PDF name, not PDF bytes) is refused on the field; the answers stay */
    const char *f2[][2] = { { "action", "next" }, { "a.用途", "店舗" }, { "a.店舗面積", "120" }, { NULL, NULL } };
    r = multipart_post("/apply/kc", csrf, "1", f2, "a.図面", "haichi.pdf", "MZ this is not a pdf");
    TH_EXPECT_STATUS(400);
    assert_non_null(strstr(r->body, "href=\"#f1-0-2\""));
    assert_non_null(strstr(r->body, "value=\"120\""));
    /* a real PDF: on to the check page */
    multipart_post("/apply/kc", csrf, "1", f2, "a.図面", "配置図.pdf", "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
    TH_EXPECT_STATUS(303);
    assert_string_equal(th_resp_header("location"), "/apply/kc/check");
    r = th_request("GET", "/apply/kc/check", NULL, NULL, 0);
    TH_EXPECT_STATUS(200);
    assert_non_null(strstr(r->body, "世田谷 一郎"));
    assert_non_null(strstr(r->body, "配置図.pdf"));
    assert_non_null(strstr(r->body, "120"));
    assert_non_null(strstr(r->body, "店舗（120㎡）")); /* computed by the server */

    /* submit, twice (a double click): one record, one number */
    const char *k = strstr(r->body, "name=\"key\" value=\"");
    assert_non_null(k);
    k += strlen("name=\"key\" value=\"");
    char key[64];
    snprintf(key, sizeof(key), "%.*s", (int)(strchr(k, '"') - k), k);
    snprintf(body, sizeof(body), "csrf=%s&key=%s", csrf, key);
    form_post("/apply/kc/submit", body);
    TH_EXPECT_STATUS(303);
    char loc[256];
    snprintf(loc, sizeof(loc), "%s", th_resp_header("location"));
    assert_non_null(strstr(loc, "/apply/kc/done?no=R"));
    assert_non_null(strstr(loc, "-KC-000001"));
    form_post("/apply/kc/submit", body);
    if (th_last_status() != 303)
        th_dump();
    assert_true(th_last_status() == 303);
    r = th_request("GET", loc, NULL, NULL, 0);
    TH_EXPECT_STATUS(200);
    assert_non_null(strstr(r->body, "-KC-000001"));
    r = th_getf("/k/v1/records.json?app=%ld", app);
    assert_int_equal(th_count(r->json, "records"), 1);
    assert_string_equal(th_str(r->json, "records.0.ステータス.value"), "受付中");
    assert_string_equal(th_str(r->json, "records.0.店舗面積.value"), "120");
    assert_string_equal(th_str(r->json, "records.0.概要.value"), "店舗（120㎡）");

    /* the portal: my applications, and this one with its answers and timeline */
    r = th_request("GET", "/my/", NULL, NULL, 0);
    TH_EXPECT_STATUS(200);
    const char *no = strstr(loc, "no=") + 3;
    assert_non_null(strstr(r->body, no));
    assert_non_null(strstr(r->body, "受付中"));
    char mine[128];
    snprintf(mine, sizeof(mine), "/my/%s", no);
    r = th_request("GET", mine, NULL, NULL, 0);
    TH_EXPECT_STATUS(200);
    assert_non_null(strstr(r->body, "世田谷 一郎"));
    assert_non_null(strstr(r->body, "配置図.pdf"));
    assert_non_null(strstr(r->body, "<ol class=\"timeline\">"));
    assert_null(strstr(r->body, "admin")); /* no staff names */
    /* another applicant: the same answer as for a number that does not exist */
    char mine_cookie[256];
    snprintf(mine_cookie, sizeof(mine_cookie), "%s", th_cookie("mado_applicant"));
    th_cookie_set("mado_applicant", NULL);
    th_request("GET", "/my/", NULL, NULL, 0);
    TH_EXPECT_STATUS(303);
    assert_string_equal(th_resp_header("location"), "/apply/verify?next=my");
    th_request("GET", "/apply/verify?next=my", NULL, NULL, 0);
    snprintf(body, sizeof(body), "csrf=%s&email=other%%40example.jp&next=my", th_cookie("mado_form"));
    form_post("/apply/verify", body);
    snprintf(body, sizeof(body), "csrf=%s&email=other%%40example.jp&next=my&code=%s", th_cookie("mado_form"), last_code);
    form_post("/apply/confirm", body);
    TH_EXPECT_STATUS(303);
    assert_string_equal(th_resp_header("location"), "/my/");
    const struct th_resp *theirs = th_request("GET", mine, NULL, NULL, 0);
    int st1 = theirs->status;
    char b1[64];
    snprintf(b1, sizeof(b1), "%.60s", strstr(theirs->body, "<h1>") ? strstr(theirs->body, "<h1>") : "");
    const struct th_resp *none = th_request("GET", "/my/R1-XX-999999", NULL, NULL, 0);
    assert_int_equal(st1, 404);
    assert_int_equal(none->status, 404);
    assert_non_null(strstr(none->body, b1));
    r = th_request("GET", "/my/", NULL, NULL, 0);
    assert_null(strstr(r->body, no));
    /* ...nor act on it */
    snprintf(body, sizeof(body), "csrf=%s&action=%%E5%%8F%%96%%E4%%B8%%8B%%E3%%81%%92&reason=x",
             th_cookie("mado_form"));
    form_post(mine, body);
    TH_EXPECT_STATUS(404);
    th_cookie_set("mado_applicant", mine_cookie);

    /* withdrawal from the portal: a reason is required; then the status reads 取下げ */
    r = th_request("GET", mine, NULL, NULL, 0);
    assert_non_null(strstr(r->body, "取下げする"));
    snprintf(body, sizeof(body), "csrf=%s&action=%%E5%%8F%%96%%E4%%B8%%8B%%E3%%81%%92&reason=",
             th_cookie("mado_form"));
    r = form_post(mine, body);
    TH_EXPECT_STATUS(400);
    assert_non_null(strstr(r->body, "理由を入力してください。"));
    snprintf(body, sizeof(body),
             "csrf=%s&action=%%E5%%8F%%96%%E4%%B8%%8B%%E3%%81%%92&reason=%%E8%%A8%%88%%E7%%94%%BB%%E5%%A4%%89%%E6%%9B%%B4",
             th_cookie("mado_form"));
    form_post(mine, body);
    TH_EXPECT_STATUS(303);
    r = th_request("GET", mine, NULL, NULL, 0);
    assert_non_null(strstr(r->body, "<strong>取下げ</strong>"));
    assert_null(strstr(r->body, "取下げする")); /* nothing more to do */
    r = th_getf("/k/v1/records.json?app=%ld", app);
    assert_string_equal(th_str(r->json, "records.0.ステータス.value"), "取下げ");

    /* taken offline for maintenance: the form's own message, as a page */
    r = th_get("/admin/api/forms.json");
    json_t *def = json_deep_copy(th_at(r->json, "forms.0.def"));
    json_object_set_new(def, "offline", json_pack("{s:s}", "message", "システム保守のため12時まで停止しています。"));
    json_t *wrap = json_pack("{s:o}", "form", def);
    char *text = json_dumps(wrap, JSON_COMPACT);
    json_decref(wrap);
    th_send("PUT", "/admin/api/forms.json", "%s", text);
    free(text);
    TH_EXPECT_STATUS(200);
    th_sendq("POST", "/admin/api/form/publish.json", "{'code':'kc'}");
    TH_EXPECT_STATUS(200);
    r = th_request("GET", "/apply/kc", NULL, NULL, 0);
    TH_EXPECT_STATUS(503);
    assert_non_null(strstr(r->content_type, "text/html"));
    assert_non_null(strstr(r->body, "システム保守のため12時まで停止しています。"));
}

/* 地域 → 町名: the page offers the towns of the chosen area, and refuses others. */
static void
test_hierarchical_choices(void **state)
{
    (void)state;
    long app2 = th_app(q("{'地域':{'type':'DROP_DOWN','code':'地域','label':'地域','options':{"
                         "'世田谷':{'label':'世田谷','index':'0'},'北沢':{'label':'北沢','index':'1'}}},"
                         "'町名':{'type':'DROP_DOWN','code':'町名','label':'町名','options':{"
                         "'太子堂':{'label':'太子堂','index':'0'},'三軒茶屋':{'label':'三軒茶屋','index':'1'},"
                         "'代沢':{'label':'代沢','index':'2'},'北沢':{'label':'北沢','index':'3'}}}}"));
    th_sendq("PUT", "/admin/api/forms.json",
             "{'form':{'code':'area','app':%ld,'title':'所在地','receipt':{'sequence':'page-area','format':'{n}'},"
             "'pages':[{'title':'所在地','sections':[{'title':'所在地','fields':["
             "{'code':'地域','rules':{'required':true,'optionsTree':{'世田谷':{'太子堂':[],'三軒茶屋':[]},'北沢':{'代沢':[],'北沢':[]}}}},"
             "{'code':'町名','rules':{'required':true,'parent':'地域','optionsTree':{'世田谷':{'太子堂':[],'三軒茶屋':[]},'北沢':{'代沢':[],'北沢':[]}}}}"
             "]}]}]}}",
             app2);
    TH_EXPECT_STATUS(200);
    th_sendq("POST", "/admin/api/form/publish.json", "{'code':'area'}");
    TH_EXPECT_STATUS(200);
    /* the applicant of the previous test is still signed in (cookie jar) */
    const struct th_resp *r = th_request("GET", "/apply/area", NULL, NULL, 0);
    TH_EXPECT_STATUS(200);
    assert_null(strstr(r->body, "<option value=\"代沢\"")); /* no area chosen yet */
    char body[512];
    snprintf(body, sizeof(body),
             "csrf=%s&step=0&action=next&a.%%E5%%9C%%B0%%E5%%9F%%9F=%%E5%%8C%%97%%E6%%B2%%A2"
             "&a.%%E7%%94%%BA%%E5%%90%%8D=%%E5%%A4%%AA%%E5%%AD%%90%%E5%%A0%%82",
             th_cookie("mado_form")); /* 地域=北沢, 町名=太子堂 (not in 北沢) */
    r = form_post("/apply/area", body);
    TH_EXPECT_STATUS(400);
    assert_non_null(strstr(r->body, "<option value=\"代沢\""));
    assert_non_null(strstr(r->body, "<option value=\"北沢\""));
    assert_null(strstr(r->body, "<option value=\"太子堂\""));
    assert_non_null(strstr(r->body, "href=\"#f0-0-1\"")); /* the error on 町名 */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assets),
        cmocka_unit_test(test_assets_gzip),
        cmocka_unit_test(test_verify_pages),
        cmocka_unit_test(test_escaping_and_bad_input),
        cmocka_unit_test(test_whole_application),
        cmocka_unit_test(test_hierarchical_choices),
    };
    return cmocka_run_group_tests_name(th_backend(), tests, setup, th_teardown);
}
