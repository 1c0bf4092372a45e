/* In-process tests of the applicant portal's thread and downloads: staff send a correction
 * request through record/message.json with the 修正依頼 action (the record waits, the clock
 * pauses, the applicant gets a mail without their answers); the applicant sees it on /my/,
 * replies without JavaScript (multipart: text, a PDF, the unlocked field) — a wrong value is
 * refused with the page again and nothing changed — and the reply corrects the record, closes
 * the request, runs 修正回答 and resumes the clock; a missing-document request; a delivered
 * document downloaded and audited; English pages; and every way applicant B could reach
 * applicant A's things (receipt numbers, file keys, document ids, the reply) answering 404.
 * Runs on PostgreSQL too. */
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
#include "domain/applicant.h"
#include "core/arena.h"
#include "domain/audit.h"
#include "domain/ctx.h"
#include "domain/portal_msg.h"

#define BOUNDARY "----portalBoundary3x"
#define MP_TYPE "Content-Type: multipart/form-data; boundary=" BOUNDARY
#define PW "portal-test-password-1"

static const char *XRW = "X-Requested-With: XMLHttpRequest";
static long app;
static char last_code[8];
static const char pdf[] = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

static void
observe(const char *email, const char *code)
{
    (void)email;
    snprintf(last_code, sizeof(last_code), "%s", code);
}

static char *
q(const char *fmt, ...)
{
    static char bufs[4][8192];
    static int slot;
    char *b = bufs[slot++ % 4];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b, sizeof(bufs[0]), fmt, ap);
    va_end(ap);
    for (char *p = b; *p; p++)
        if (*p == '\'')
            *p = '"';
    return b;
}

static long long
count(const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    int64_t v = -1;
    bool found;
    assert_int_equal(audit_flush(th_db()), ERR_OK);
    if (db_query_int(th_db(), sql, NULL, 0, &v, &found) != DB_OK)
        abort();
    return v;
}

static const struct th_resp *
apply(const char *method, const char *path, const char *body)
{
    const char *h[] = { XRW, "Content-Type: application/json", NULL };
    return th_request(method, path, body, h, 0);
}

/* An applicant session for email (in the cookie jar). */
static void
login(const char *email)
{
    th_cookies_clear();
    applicant_limits_reset();
    apply("POST", "/apply/api/verify.json", q("{'email':'%s'}", email));
    TH_EXPECT_STATUS(200);
    apply("POST", "/apply/api/confirm.json", q("{'email':'%s','code':'%s'}", email, last_code));
    TH_EXPECT_STATUS(200);
}

/* Files an application as the logged-in applicant, with a PDF in 図面; the receipt number. */
static const char *
file_one(const char *name, const char *key, long *record)
{
    static char receipt[2][64];
    static int slot;
    apply("PUT", "/apply/api/draft.json",
          q("{'code':'pt','answers':{'氏名':'%s','用途':'住宅','面積':'90'},'step':0}", name));
    TH_EXPECT_STATUS(200);
    char *buf = NULL;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    fprintf(f, "--%s\r\nContent-Disposition: form-data; name=\"code\"\r\n\r\npt\r\n", BOUNDARY);
    fprintf(f, "--%s\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\n図面\r\n", BOUNDARY);
    fprintf(f, "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"配置図.pdf\"\r\n"
               "Content-Type: application/pdf\r\n\r\n%s\r\n--%s--\r\n", BOUNDARY, pdf, BOUNDARY);
    fclose(f);
    const char *h[] = { XRW, MP_TYPE, NULL };
    th_request_n("POST", "/apply/api/file.json", buf, len, h, 0);
    free(buf);
    TH_EXPECT_STATUS(200);
    const struct th_resp *r = apply("POST", "/apply/api/submit.json", q("{'code':'pt','idempotencyKey':'%s'}", key));
    TH_EXPECT_STATUS(200);
    *record = (long)json_integer_value(th_at(r->json, "record.id"));
    char *b = receipt[slot++ % 2];
    snprintf(b, sizeof(receipt[0]), "%s", th_str(r->json, "receiptNumber"));
    return b;
}

static const char *csrf_field; /* NULL: the cookie's (a real page) */

/* A reply posted like the page's form (multipart), with an optional PDF. */
static const struct th_resp *
reply(const char *receipt, const char *fields[][2], const char *file_name, const char *file_data)
{
    char *buf = NULL;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    fprintf(f, "--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n", BOUNDARY,
            csrf_field ? csrf_field : th_cookie("mado_form") ? th_cookie("mado_form") : "");
    for (int i = 0; fields && fields[i][0]; i++)
        fprintf(f, "--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n", BOUNDARY,
                fields[i][0], fields[i][1]);
    fprintf(f, "--%s\r\nContent-Disposition: form-data; name=\"files\"; filename=\"%s\"\r\n"
               "Content-Type: application/octet-stream\r\n\r\n%s\r\n",
            BOUNDARY, file_name ? file_name : "", file_data ? file_data : "");
    fprintf(f, "--%s--\r\n", BOUNDARY);
    fclose(f);
    char path[160];
    snprintf(path, sizeof(path), "/my/%s/reply", receipt);
    const char *h[] = { MP_TYPE, NULL };
    const struct th_resp *r = th_request_n("POST", path, buf, len, h, 0);
    free(buf);
    return r;
}

static const struct th_resp *
page(const char *fmt, ...)
{
    char path[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
    return th_request("GET", path, NULL, NULL, 0);
}

/* A staff upload (as the admin); the upload key. */
static const char *
staff_upload(const char *name, const char *data)
{
    static char key[2][80];
    static int slot;
    char *buf = NULL;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    fprintf(f, "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n\r\n%s\r\n--%s--\r\n",
            BOUNDARY, name, data, BOUNDARY);
    fclose(f);
    const char *h[] = { MP_TYPE, NULL };
    const struct th_resp *r = th_request_n("POST", "/k/v1/file.json", buf, len, h, 1);
    free(buf);
    TH_EXPECT_STATUS(200);
    char *k = key[slot++ % 2];
    snprintf(k, sizeof(key[0]), "%s", th_str(r->json, "fileKey"));
    return k;
}

static const char *
today_plus(int days)
{
    static char buf[2][16];
    static int slot;
    int y, m, d;
    clock_civil_from_days((th_now() + 9 * 3600) / 86400 + days, &y, &m, &d);
    char *b = buf[slot++ % 2];
    snprintf(b, sizeof(buf[0]), "%04d-%02d-%02d", y, m, d);
    return b;
}

/* The href value after marker in body (static buffer). */
static const char *
href_after(const char *body, const char *marker)
{
    static char out[256];
    const char *p = strstr(body, marker);
    assert_non_null(p);
    p += strlen(marker);
    const char *e = strchr(p, '"');
    snprintf(out, sizeof(out), "%.*s", (int)(e - p), p);
    return out;
}

static int
setup(void **state)
{
    th_setup(state);
    applicant_observe_codes(observe);
    th_config("tz", "Asia/Tokyo");
    app = th_app(q("{'氏名':{'type':'SINGLE_LINE_TEXT','code':'氏名','label':'氏名'},"
                   "'用途':{'type':'RADIO_BUTTON','code':'用途','label':'用途','options':{"
                   "'住宅':{'label':'住宅','index':'0'},'店舗':{'label':'店舗','index':'1'}}},"
                   "'面積':{'type':'NUMBER','code':'面積','label':'敷地面積'},"
                   "'図面':{'type':'FILE','code':'図面','label':'図面'},"
                   "'審査資料':{'type':'FILE','code':'審査資料','label':'審査資料'}}"));
    th_sendq("PUT", "/k/v1/preview/app/status.json",
             "{'app':%ld,'enable':true,'states':{'受付中':{'name':'受付中','index':'0'},"
             "'審査中':{'name':'審査中','index':'1','applicantLabel':'審査中'},"
             "'修正待ち':{'name':'修正待ち','index':'2','applicantLabel':'修正依頼中'},"
             "'決裁完了':{'name':'決裁完了','index':'3','applicantLabel':'決裁完了'},"
             "'取下げ':{'name':'取下げ','index':'4','applicantLabel':'取下げ'}},"
             "'actions':[{'name':'審査開始','from':'受付中','to':'審査中'},"
             "{'name':'修正依頼','from':'審査中','to':'修正待ち'},"
             "{'name':'修正回答','from':'修正待ち','to':'審査中','applicantReply':true},"
             "{'name':'許可','from':'審査中','to':'決裁完了'},"
             "{'name':'取下げ','from':'審査中','to':'取下げ','reason':'REQUIRED','applicant':true}]}",
             app);
    TH_EXPECT_STATUS(200);
    th_sendq("PUT", "/k/v1/preview/app/clock.json",
             "{'app':%ld,'enable':true,'days':30,'startStatuses':['審査中'],"
             "'pauseStatuses':['修正待ち'],'stopStatuses':['決裁完了','取下げ']}", app);
    TH_EXPECT_STATUS(200);
    th_user("outsider", PW, 0);
    th_sendq("PUT", "/k/v1/preview/app/acl.json",
             "{'app':%ld,'rights':[{'entity':{'type':'USER','code':'outsider'}},"
             "{'entity':{'type':'GROUP','code':'everyone'},'appEditable':true,'recordViewable':true,"
             "'recordAddable':true,'recordEditable':true,'recordDeletable':true}]}",
             app);
    TH_EXPECT_STATUS(200);
    th_sendq("POST", "/k/v1/preview/app/deploy.json", "{'apps':[{'app':%ld}]}", app);
    TH_EXPECT_STATUS(200);
    th_sendq("PUT", "/admin/api/forms.json",
             "{'form':{'code':'pt','app':%ld,'title':'土地利用の届出','procedure':'建築・開発',"
             "'receipt':{'sequence':'portal-pt','format':'P{reiwa}-{n:5}'},"
             "'pages':[{'title':'申請','sections':[{'title':'申請','fields':["
             "{'code':'氏名','rules':{'required':true}},{'code':'用途','rules':{'required':true}},"
             "{'code':'面積','rules':{'required':true,'min':1,'max':100000}},"
             "{'code':'図面','rules':{'accept':['application/pdf']}}]}]}]}}",
             app);
    TH_EXPECT_STATUS(200);
    th_sendq("POST", "/admin/api/form/publish.json", "{'code':'pt'}");
    TH_EXPECT_STATUS(200);
    return 0;
}

static const char *
status_of(long id)
{
    const struct th_resp *r = th_getf("/k/v1/record.json?app=%ld&id=%ld", app, id);
    TH_EXPECT_STATUS(200);
    static char s[64];
    snprintf(s, sizeof(s), "%s", th_str(r->json, "record.ステータス.value"));
    return s;
}

static const char *
clock_state(long id)
{
    const struct th_resp *r = th_getf("/k/v1/records/clock.json?app=%ld&ids[0]=%ld", app, id);
    TH_EXPECT_STATUS(200);
    static char s[32];
    snprintf(s, sizeof(s), "%s", th_str(r->json, "clocks.0.state"));
    return s;
}

static void
test_correction_round(void **state)
{
    (void)state;
    long ida, idb;
    login("b@example.jp");
    char rb[64], b_cookie[256];
    snprintf(rb, sizeof(rb), "%s", file_one("乙野 花子", "b-1", &idb));
    snprintf(b_cookie, sizeof(b_cookie), "%s", th_cookie("mado_applicant"));
    login("a@example.jp");
    char ra[64];
    snprintf(ra, sizeof(ra), "%s", file_one("甲野 太郎", "a-1", &ida));
    th_sendq("PUT", "/k/v1/record/status.json", "{'app':%ld,'id':%ld,'action':'審査開始'}", app, ida);
    TH_EXPECT_STATUS(200);
    assert_string_equal(clock_state(ida), "running");

    /* bad requests change nothing */
    long long msgs0 = count("SELECT COUNT(*) FROM record_messages");
    th_sendq("POST", "/k/v1/record/message.json", "{'app':%ld,'record':%ld,'kind':'correction','body':'x','fields':['面積']}", app, ida);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("dueDate");
    th_sendq("POST", "/k/v1/record/message.json", "{'app':%ld,'record':%ld,'kind':'correction','body':'x','dueDate':'%s'}", app, ida, today_plus(-1));
    TH_EXPECT_KEY("dueDate");
    th_sendq("POST", "/k/v1/record/message.json", "{'app':%ld,'record':%ld,'kind':'correction','body':'x','dueDate':'2026-02-30'}", app, ida);
    TH_EXPECT_KEY("dueDate");
    th_sendq("POST", "/k/v1/record/message.json", "{'app':%ld,'record':%ld,'kind':'correction','body':'x','dueDate':'%s','fields':['無い']}", app, ida, today_plus(7));
    TH_EXPECT_KEY("fields[0]");
    th_sendq("POST", "/k/v1/record/message.json", "{'app':%ld,'record':%ld,'kind':'correction','body':'x','dueDate':'%s','fields':['図面']}", app, ida, today_plus(7));
    TH_EXPECT_KEY("fields[0]");
    th_sendq("POST", "/k/v1/record/message.json", "{'app':%ld,'record':%ld,'kind':'correction','body':'','dueDate':'%s'}", app, ida, today_plus(7));
    TH_EXPECT_KEY("body");
    th_sendq("POST", "/k/v1/record/message.json", "{'app':%ld,'record':%ld,'kind':'memo','body':'x'}", app, ida);
    TH_EXPECT_KEY("kind");
    th_sendq("POST", "/k/v1/record/message.json", "{'app':%ld,'record':%ld,'kind':'missing','body':'x','dueDate':'%s'}", app, ida, today_plus(7));
    TH_EXPECT_KEY("documents");
    th_sendq("POST", "/k/v1/record/message.json", "{'app':%ld,'record':%ld,'body':'x','files':[{'fileKey':'nope'}]}", app, ida);
    TH_EXPECT_KEY("files[0].fileKey");
    th_sendq("POST", "/k/v1/record/message.json", "{'app':%ld,'record':%ld,'body':'x','action':'許可しない'}", app, ida);
    assert_true(th_last_status() == 400);
    th_sendq("POST", "/k/v1/record/message.json", "{'app':%ld,'record':99999,'body':'x'}", app);
    TH_EXPECT_STATUS(404);
    /* a paper application has nobody to write to */
    const struct th_resp *r = th_sendq("POST", "/k/v1/record.json", "{'app':%ld,'record':{'氏名':{'value':'窓口'}}}", app);
    long paper = atol(th_str(r->json, "id"));
    th_sendq("POST", "/k/v1/record/message.json", "{'app':%ld,'record':%ld,'body':'x'}", app, paper);
    TH_EXPECT_ERROR(400, "CB_VA01");
    /* nobody without rights on the record */
    const char *oh[] = { th_auth_header("outsider", PW), "Content-Type: application/json", NULL };
    th_request("POST", "/k/v1/record/message.json", q("{'app':%ld,'record':%ld,'body':'x'}", app, ida), oh, 0);
    TH_EXPECT_STATUS(403);
    const char *og[] = { th_auth_header("outsider", PW), NULL };
    th_request("GET", q("/k/v1/record/messages.json?app=%ld&record=%ld", app, ida), NULL, og, 0);
    TH_EXPECT_STATUS(403);
    assert_int_equal(count("SELECT COUNT(*) FROM record_messages"), msgs0);
    assert_string_equal(status_of(ida), "審査中");

    /* the correction request with its action: the record waits, the clock pauses, one mail */
    long long mails0 = count("SELECT COUNT(*) FROM mail_outbox WHERE kind = 'portal'");
    const char *due = today_plus(14);
    r = th_sendq("POST", "/k/v1/record/message.json",
                 "{'app':%ld,'record':%ld,'kind':'correction','body':'敷地面積が登記簿と違います。\\n確認してください。',"
                 "'dueDate':'%s','fields':['面積'],'action':'修正依頼'}", app, ida, due);
    TH_EXPECT_STATUS(200);
    assert_non_null(th_str(r->json, "id"));
    assert_non_null(th_str(r->json, "revision"));
    assert_string_equal(status_of(ida), "修正待ち");
    assert_string_equal(clock_state(ida), "paused");
    assert_int_equal(count("SELECT COUNT(*) FROM mail_outbox WHERE kind = 'portal'"), mails0 + 1);
    assert_int_equal(count("SELECT COUNT(*) FROM mail_outbox WHERE kind = 'portal' AND subject LIKE '%%%s%%'", ra), 1);
    /* the staff view names the author */
    r = th_getf("/k/v1/record/messages.json?app=%ld&record=%ld", app, ida);
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "messages"), 1);
    assert_string_equal(th_str(r->json, "messages.0.kind"), "correction");
    assert_string_equal(th_str(r->json, "messages.0.fields.0.label"), "敷地面積");
    assert_non_null(th_str(r->json, "messages.0.author"));
    assert_int_equal(th_count(r->json, "open"), 1);

    /* the applicant sees it: first on the page, in the list with its due date, the field asked again */
    r = page("/my/");
    TH_EXPECT_STATUS(200);
    assert_non_null(strstr(r->body, "修正依頼中"));
    assert_non_null(strstr(r->body, "区への回答をお願いします"));
    r = page("/my/%s", ra);
    TH_EXPECT_STATUS(200);
    assert_non_null(strstr(r->body, "区からお願いが届いています"));
    assert_non_null(strstr(r->body, "修正のお願い"));
    assert_non_null(strstr(r->body, "敷地面積が登記簿と違います。\n確認してください。"));
    assert_non_null(strstr(r->body, "name=\"a.面積\""));
    if (!strstr(r->body, "value=\"90\"")) fprintf(stderr, "%s\n", strstr(r->body, "fix-0"));
    assert_non_null(strstr(r->body, "value=\"90\""));
    assert_null(strstr(r->body, "修正回答")); /* no button of its own: the reply takes it */
    char a_file[256];
    snprintf(a_file, sizeof(a_file), "%s", href_after(r->body, "<li><a href=\""));
    assert_non_null(strstr(a_file, "/files/"));

    /* a wrong value: the page again with the error, nothing stored */
    const char *bad[][2] = { { "body", "直しました" }, { "shown[]", "面積" }, { "a.面積", "0" }, { NULL, NULL } };
    r = reply(ra, bad, "登記簿.pdf", pdf);
    TH_EXPECT_STATUS(400);
    assert_non_null(strstr(r->body, "error-summary"));
    assert_non_null(strstr(r->body, "aria-invalid=\"true\""));
    assert_non_null(strstr(r->body, "直しました"));
    assert_string_equal(status_of(ida), "修正待ち");
    assert_int_equal(count("SELECT COUNT(*) FROM record_messages WHERE sender = 'applicant'"), 0);
    /* not a PDF or image */
    const char *ok[][2] = { { "body", "直しました" }, { "shown[]", "面積" }, { "a.面積", "120.5" }, { NULL, NULL } };
    r = reply(ra, ok, "virus.pdf", "MZ not a pdf at all");
    TH_EXPECT_STATUS(400);
    assert_non_null(strstr(r->body, "PDF、JPEG、PNG"));
    /* nothing at all */
    const char *empty[][2] = { { "body", "  " }, { NULL, NULL } };
    reply(ra, empty, NULL, NULL);
    TH_EXPECT_STATUS(400);
    /* a stale page (no CSRF token) */
    csrf_field = "0123456789abcdef0123456789abcdef";
    reply(ra, ok, "登記簿.pdf", pdf);
    TH_EXPECT_STATUS(403);
    csrf_field = NULL;
    assert_string_equal(status_of(ida), "修正待ち");

    /* B cannot answer A's request, read A's page or take A's file */
    char a_cookie[256];
    snprintf(a_cookie, sizeof(a_cookie), "%s", th_cookie("mado_applicant"));
    th_cookie_set("mado_applicant", b_cookie);
    r = page("/my/%s", ra);
    TH_EXPECT_STATUS(404);
    char notfound[128];
    snprintf(notfound, sizeof(notfound), "%.100s", strstr(r->body, "<h1>"));
    r = page("/my/P9-99999");
    TH_EXPECT_STATUS(404);
    assert_non_null(strstr(r->body, notfound));
    page("%s", a_file);
    TH_EXPECT_STATUS(404);
    /* A's file key under B's own receipt number */
    page("/my/%s/files/%s", rb, strrchr(a_file, '/') + 1);
    TH_EXPECT_STATUS(404);
    th_request("GET", q("/k/v1/file.json?fileKey=%s", strrchr(a_file, '/') + 1), NULL, NULL, 0);
    assert_true(th_last_status() == 401 || th_last_status() == 403);
    reply(ra, ok, "登記簿.pdf", pdf);
    TH_EXPECT_STATUS(404);
    assert_string_equal(status_of(ida), "修正待ち");
    th_cookie_set("mado_applicant", a_cookie);

    /* the reply: text, a PDF and the corrected value */
    r = reply(ra, ok, "登記簿.pdf", pdf);
    TH_EXPECT_STATUS(303);
    assert_non_null(strstr(th_resp_header("location"), "sent=1"));
    assert_string_equal(status_of(ida), "審査中");
    assert_string_equal(clock_state(ida), "running");
    r = th_getf("/k/v1/record.json?app=%ld&id=%ld", app, ida);
    assert_string_equal(th_str(r->json, "record.面積.value"), "120.5");
    r = th_getf("/k/v1/record/messages.json?app=%ld&record=%ld", app, ida);
    assert_int_equal(th_count(r->json, "messages"), 2);
    assert_string_equal(th_str(r->json, "messages.1.sender"), "applicant");
    assert_string_equal(th_str(r->json, "messages.1.kind"), "reply");
    assert_string_equal(th_str(r->json, "messages.1.changes.0.from"), "90");
    assert_string_equal(th_str(r->json, "messages.1.changes.0.to"), "120.5");
    assert_string_equal(th_str(r->json, "messages.1.files.0.name"), "登記簿.pdf");
    assert_true(json_is_integer(th_at(r->json, "messages.0.answeredAt")));
    assert_int_equal(th_count(r->json, "open"), 0);
    /* the staff can take the applicant's file through the ordinary API */
    char reply_key[80];
    snprintf(reply_key, sizeof(reply_key), "%s", th_str(r->json, "messages.1.files.0.fileKey"));
    r = th_getf("/k/v1/file.json?fileKey=%s", reply_key);
    TH_EXPECT_STATUS(200);
    assert_memory_equal(r->body, "%PDF", 4);
    /* the history says the applicant changed it */
    r = th_getf("/k/v1/record/history.json?app=%ld&id=%ld", app, ida);
    TH_EXPECT_STATUS(200);
    assert_non_null(strstr(r->body, "applicant"));
    /* the page: both rounds, the request answered, the notice gone */
    r = page("/my/%s?sent=1", ra);
    TH_EXPECT_STATUS(200);
    assert_non_null(strstr(r->body, "区へ送信しました"));
    assert_null(strstr(r->body, "区からお願いが届いています"));
    assert_non_null(strstr(r->body, "（回答済み）"));
    assert_non_null(strstr(r->body, "120.5"));
    page("/my/%s/files/%s", ra, reply_key);
    TH_EXPECT_STATUS(200);
    page("%s", a_file);
    TH_EXPECT_STATUS(200);
    assert_memory_equal(th_request("GET", a_file, NULL, NULL, 0)->body, "%PDF", 4);
    assert_true(count("SELECT COUNT(*) FROM audit_log WHERE action = 'applicant.file.download' AND "
                      "target LIKE 'app:%ld/record:%ld/file:%%'", app, ida) >= 2);

    /* a staff-only attachment of the record is not the applicant's to take */
    const char *up = staff_upload("審査メモ.pdf", pdf);
    th_sendq("PUT", "/k/v1/record.json", "{'app':%ld,'id':%ld,'record':{'審査資料':{'value':[{'fileKey':'%s'}]}}}", app, ida, up);
    TH_EXPECT_STATUS(200);
    r = th_getf("/k/v1/record.json?app=%ld&id=%ld", app, ida);
    char staff_key[80];
    snprintf(staff_key, sizeof(staff_key), "%s", th_str(r->json, "record.審査資料.value.0.fileKey"));
    page("/my/%s/files/%s", ra, staff_key);
    TH_EXPECT_STATUS(404);
    page("/my/%s/files/%s", ra, "../../etc/passwd");
    TH_EXPECT_STATUS(404);

    /* a plain message later: no request open, no workflow move */
    const char *note[][2] = { { "body", "工事の予定が決まりました。" }, { NULL, NULL } };
    reply(ra, note, NULL, NULL);
    TH_EXPECT_STATUS(303);
    assert_string_equal(status_of(ida), "審査中");
    r = th_getf("/k/v1/record/messages.json?app=%ld&record=%ld", app, ida);
    assert_string_equal(th_str(r->json, "messages.2.kind"), "message");

    /* a missing-document request without an action, answered with a file only */
    th_sendq("POST", "/k/v1/record/message.json",
             "{'app':%ld,'record':%ld,'kind':'missing','body':'立面図が添付されていません。','dueDate':'%s',"
             "'documents':['立面図（PDF）']}", app, ida, today_plus(10));
    TH_EXPECT_STATUS(200);
    r = page("/my/%s", ra);
    assert_non_null(strstr(r->body, "書類提出のお願い"));
    assert_non_null(strstr(r->body, "立面図（PDF）"));
    const char *none[][2] = { { "body", "" }, { NULL, NULL } };
    reply(ra, none, "立面図.pdf", pdf);
    TH_EXPECT_STATUS(303);
    assert_string_equal(status_of(ida), "審査中"); /* nothing to move: it never left */
    assert_int_equal(count("SELECT COUNT(*) FROM record_messages WHERE app_id = %ld AND record_id = %ld "
                           "AND answered_at IS NULL AND kind <> 'message' AND sender = 'ward'", app, ida), 0);
    /* staff see who is waiting: the inbox of the asker has the reply */
    assert_true(count("SELECT COUNT(*) FROM inbox WHERE kind = 'applicant_message' AND record_id = %ld", ida) >= 1);

    /* the decision and the document delivered: A downloads it, audited; B cannot */
    th_sendq("PUT", "/k/v1/record/status.json", "{'app':%ld,'id':%ld,'action':'許可'}", app, ida);
    TH_EXPECT_STATUS(200);
    const char *pk = staff_upload("許可書.pdf", pdf);
    r = th_sendq("POST", "/k/v1/record/document.json", "{'app':%ld,'record':%ld,'title':'許可書','fileKey':'%s','deliver':true}", app, ida, pk);
    TH_EXPECT_STATUS(200);
    long doc = (long)json_integer_value(th_at(r->json, "id"));
    pk = staff_upload("内部用.pdf", pdf);
    r = th_sendq("POST", "/k/v1/record/document.json", "{'app':%ld,'record':%ld,'title':'決裁文書','fileKey':'%s'}", app, ida, pk);
    long internal = (long)json_integer_value(th_at(r->json, "id"));
    r = page("/my/%s", ra);
    assert_non_null(strstr(r->body, "交付された書類"));
    assert_non_null(strstr(r->body, "許可書"));
    assert_null(strstr(r->body, "決裁文書"));
    r = page("/my/%s/documents/%ld", ra, doc);
    TH_EXPECT_STATUS(200);
    assert_memory_equal(r->body, "%PDF", 4);
    assert_non_null(strstr(th_resp_header("content-disposition"), "attachment"));
    assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE action = 'applicant.document.download' "
                           "AND target = 'app:%ld/record:%ld/document:%ld' AND actor LIKE 'applicant:%%'", app, ida, doc), 1);
    page("/my/%s/documents/%ld", ra, internal);
    TH_EXPECT_STATUS(404);
    page("/my/%s/documents/abc", ra);
    TH_EXPECT_STATUS(404);
    th_cookie_set("mado_applicant", b_cookie);
    page("/my/%s/documents/%ld", ra, doc);
    TH_EXPECT_STATUS(404);
    page("/my/%s/documents/%ld", rb, doc); /* A's document id under B's own number */
    TH_EXPECT_STATUS(404);
    r = page("/my/%s", rb);
    TH_EXPECT_STATUS(200);
    assert_null(strstr(r->body, "許可書"));
    assert_null(strstr(r->body, "甲野"));
    th_cookie_set("mado_applicant", a_cookie);
    (void)idb;
}

static void
housekeeping(int64_t *reminded, int64_t *lapsed)
{
    struct arena *a = arena_new();
    struct fail f;
    fail_init(&f, a, LANG_JA);
    struct ctx c = { .arena = a, .db = th_db(), .fail = &f, .now = th_now() };
    c.who.kind = PRIN_SYSTEM;
    c.who.login = "system";
    assert_int_equal(pmsg_housekeeping(&c, reminded, lapsed), ERR_OK);
    arena_free(a);
}

/* Two days before the due date the applicant is reminded, once; after it, the staff who asked
 * are told, once; an answered request is neither. */
static void
test_due_dates(void **state)
{
    (void)state;
    login("due@example.jp");
    long id, id2;
    file_one("期限 太郎", "due-1", &id);
    file_one("期限 次郎", "due-2", &id2);
    th_sendq("PUT", "/k/v1/record/status.json", "{'app':%ld,'id':%ld,'action':'審査開始'}", app, id);
    th_sendq("POST", "/k/v1/record/message.json",
             "{'app':%ld,'record':%ld,'kind':'missing','body':'求積図を出してください。','dueDate':'%s',"
             "'documents':['求積図'],'action':'修正依頼'}", app, id, today_plus(5));
    TH_EXPECT_STATUS(200);
    th_sendq("POST", "/k/v1/record/message.json",
             "{'app':%ld,'record':%ld,'kind':'missing','body':'委任状を出してください。','dueDate':'%s',"
             "'documents':['委任状']}", app, id2, today_plus(5));
    TH_EXPECT_STATUS(200);
    int64_t reminded, lapsed;
    long long mails0 = count("SELECT COUNT(*) FROM mail_outbox WHERE kind = 'portal'");
    housekeeping(&reminded, &lapsed);
    assert_int_equal(reminded + lapsed, 0); /* not yet */
    th_clock_advance(3 * 86400);
    housekeeping(&reminded, &lapsed);
    assert_int_equal(reminded, 2);
    assert_int_equal(lapsed, 0);
    assert_int_equal(count("SELECT COUNT(*) FROM mail_outbox WHERE kind = 'portal'"), mails0 + 2);
    housekeeping(&reminded, &lapsed);
    assert_int_equal(reminded, 0); /* once */
    /* the second applicant answers in time; the first does not */
    const char *files_only[][2] = { { "body", "委任状です" }, { NULL, NULL } };
    char no2[64];
    login("due@example.jp"); /* three days on: a new session */
    long long inbox0 = count("SELECT COUNT(*) FROM inbox WHERE kind = 'applicant_overdue'");
    struct db_param p[] = { DBP_INT(app), DBP_INT(id2) };
    struct db_res *res;
    assert_int_equal(db_query(th_db(), "SELECT receipt_no FROM record_owners WHERE app_id = $1 AND record_id = $2", p, 2, &res), DB_OK);
    assert_int_equal(db_step(res), 1);
    snprintf(no2, sizeof(no2), "%s", db_col_text(res, 0));
    db_res_free(res);
    page("/my/%s", no2); /* the page sets the form token */
    reply(no2, files_only, "委任状.pdf", pdf);
    TH_EXPECT_STATUS(303);
    th_clock_advance(3 * 86400);
    housekeeping(&reminded, &lapsed);
    assert_int_equal(lapsed, 1);
    assert_int_equal(count("SELECT COUNT(*) FROM inbox WHERE kind = 'applicant_overdue' AND record_id = %ld", id), 1);
    assert_int_equal(count("SELECT COUNT(*) FROM inbox WHERE kind = 'applicant_overdue'"), inbox0 + 1);
    housekeeping(&reminded, &lapsed);
    assert_int_equal(lapsed, 0);
    th_clock_reset();
}

static void
test_english(void **state)
{
    (void)state;
    login("en@example.jp");
    long id;
    char no[64];
    snprintf(no, sizeof(no), "%s", file_one("Smith John", "en-1", &id));
    const struct th_resp *r = page("/my/?lang=en");
    TH_EXPECT_STATUS(200);
    assert_non_null(strstr(r->body, "<html lang=\"en\">"));
    assert_non_null(strstr(r->body, "My applications"));
    assert_non_null(strstr(th_resp_header("set-cookie"), "mado_lang=en"));
    th_cookie_set("mado_lang", "en");
    r = page("/my/%s", no);
    assert_non_null(strstr(r->body, "Receipt no."));
    assert_non_null(strstr(r->body, "Received"));
    assert_non_null(strstr(r->body, "hreflang=\"ja\""));
    r = page("/my/?lang=ja");
    assert_non_null(strstr(r->body, "<html lang=\"ja\">"));
    assert_non_null(strstr(r->body, "申請状況の確認"));
    th_cookie_set("mado_lang", NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_correction_round),
        cmocka_unit_test(test_due_dates),
        cmocka_unit_test(test_english),
    };
    return cmocka_run_group_tests(tests, setup, th_teardown);
}
