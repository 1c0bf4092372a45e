/* In-process API tests of public forms: definition validation, publishing and versions (a
 * draft keeps its version), open/close/offline, drafts (saved encrypted, resumed from a new
 * session of the same address, expiry and reminder), per-step validation, hidden answers
 * dropped, attachments (sniffed type, size), submission exactly once with consecutive receipt
 * numbers, record_owners and the first status, and isolation between applicants. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/harness.h"
#include "core/arena.h"
#include "db/db.h"
#include "domain/applicant.h"
#include "domain/fcond.h"
#include "domain/form.h"

#define BOUNDARY "----madoguchiFormsBoundary"
static const char *XRW = "X-Requested-With: XMLHttpRequest";
static long app;
static char last_code[8];

static void
observe(const char *email, const char *code)
{
    (void)email;
    snprintf(last_code, sizeof(last_code), "%s", code);
}

static long long
count(const char *fmt, ...)
{
    char sql[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    int64_t v = -1;
    bool found;
    if (db_query_int(th_db(), sql, NULL, 0, &v, &found) != DB_OK)
        abort();
    return v;
}

/* Single quotes become double quotes (JSON in C). */
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

static const struct th_resp *
apply(const char *method, const char *path, const char *body)
{
    const char *h[] = { XRW, "Content-Type: application/json", NULL };
    return th_request(method, path, body, h, 0);
}

/* Verifies email and keeps its session cookie in the jar. */
static void
login(const char *email)
{
    th_cookies_clear();
    applicant_limits_reset();
    apply("POST", "/apply/api/verify.json", q("{'email':'%s'}", email));
    TH_EXPECT_STATUS(200);
    apply("POST", "/apply/api/confirm.json", q("{'email':'%s','code':'%s'}", email, last_code));
    TH_EXPECT_STATUS(200);
    assert_non_null(th_cookie("mado_applicant"));
}

static bool
fcond_ready(void)
{
    json_t *c = json_pack("{ss ss}", "field", "a", "op", "empty");
    const char *why;
    bool ok = fcond_valid(c, &why);
    json_decref(c);
    return ok;
}

#define PAGES                                                                                      \
    "'pages':[{'title':'申請者','sections':[{'title':'申請者','fields':[{'code':'氏名','rules':{'required':true}}]}]}," \
    "{'title':'計画','sections':[{'title':'建築計画','fields':[{'code':'用途','rules':{'required':true}}%s," \
    "{'code':'図面','label':'配置図','rules':{'accept':['application/pdf'],'maxBytes':2000}}]}]}]"

/* Saves (and publishes when publish) form code with extra top-level members. */
static void
put_form(const char *code, const char *extra, const char *fields_extra, int publish)
{
    char pages[2048];
    snprintf(pages, sizeof(pages), PAGES, fields_extra ? fields_extra : "");
    th_sendq("PUT", "/admin/api/forms.json",
             "{'form':{'code':'%s','app':%ld,'title':'建築行為の届出','procedure':'建築・開発',"
             "'receipt':{'sequence':'form-%s','format':'R{reiwa}-KC-{n:6}','reset':'FISCAL_YEAR'},"
             "'maxTotalBytes':3000,%s%s}}",
             code, app, code, pages, extra ? extra : "");
    TH_EXPECT_STATUS(200);
    if (publish) {
        th_sendq("POST", "/admin/api/form/publish.json", "{'code':'%s'}", code);
        TH_EXPECT_STATUS(200);
    }
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
                   "'店舗面積':{'type':'NUMBER','code':'店舗面積','label':'店舗面積'},"
                   "'図面':{'type':'FILE','code':'図面','label':'図面'}}"));
    th_sendq("PUT", "/k/v1/preview/app/status.json",
             "{'app':%ld,'enable':true,'states':{'受付中':{'name':'受付中','index':'0'},"
             "'受付':{'name':'受付','index':'1'}},'actions':[{'name':'受付する','from':'受付中','to':'受付'}]}",
             app);
    TH_EXPECT_STATUS(200);
    th_sendq("POST", "/k/v1/preview/app/deploy.json", "{'apps':[{'app':%ld}]}", app);
    TH_EXPECT_STATUS(200);
    return 0;
}

static void
test_definition_errors(void **state)
{
    (void)state;
    th_sendq("PUT", "/admin/api/forms.json",
             "{'form':{'code':'bad code','app':%ld,'title':'','receipt':{'format':'x'},"
             "'pages':[{'sections':[{'fields':[{'code':'ない'},{'code':'作成者'},{'code':'氏名'},{'code':'氏名'}]}]}]}}",
             app);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("form.code");
    TH_EXPECT_KEY("form.title");
    TH_EXPECT_KEY("form.receipt.sequence");
    TH_EXPECT_KEY("form.pages[0].sections[0].fields[0].code");
    TH_EXPECT_KEY("form.pages[0].sections[0].fields[1].code");
    TH_EXPECT_KEY("form.pages[0].sections[0].fields[3].code");
    assert_false(th_has_error_key("form.pages[0].sections[0].fields[2].code"));
    th_sendq("PUT", "/admin/api/forms.json",
             "{'form':{'code':'x','app':99999,'title':'t','receipt':{'sequence':'s'},'pages':[]}}");
    TH_EXPECT_KEY("form.app");
    /* rules: fval's keys, plus accept/maxBytes on file fields; conditions checked by fcond */
    th_sendq("PUT", "/admin/api/forms.json",
             "{'form':{'code':'rules','app':%ld,'title':'t','receipt':{'sequence':'s','format':'{n}'},"
             "'pages':[{'sections':[{'fields':[{'code':'氏名','rules':{'bogus':1}},"
             "{'code':'図面','rules':{'accept':'pdf','maxBytes':-1}},"
             "{'code':'用途','showIf':{'field':'氏名','op':'between'}}]}]}]}}",
             app);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("form.pages[0].sections[0].fields[0].rules");
    TH_EXPECT_KEY("form.pages[0].sections[0].fields[1].rules.accept");
    TH_EXPECT_KEY("form.pages[0].sections[0].fields[1].rules.maxBytes");
    TH_EXPECT_KEY("form.pages[0].sections[0].fields[2].showIf");
    th_sendq("POST", "/admin/api/form/publish.json", "{'code':'nothing'}");
    TH_EXPECT_STATUS(404);
    /* only administrators */
    const char *h[] = { "Content-Type: application/json", NULL };
    th_request("GET", "/admin/api/forms.json", NULL, h, 0);
    assert_true(th_last_status() == 401 || th_last_status() == 403);
}

static void
test_open_close_offline(void **state)
{
    (void)state;
    put_form("open1", NULL, NULL, 1);
    put_form("later", ",'opensAt':'2099-04-01T09:00:00+09:00'", NULL, 1);
    put_form("closed", ",'closesAt':'2001-03-31T17:00:00+09:00'", NULL, 1);
    put_form("maint", ",'offline':{'message':'システム点検中です。'}", NULL, 1);
    put_form("unpub", NULL, NULL, 0);
    const struct th_resp *r = th_request("GET", "/apply/api/forms.json", NULL, NULL, 0);
    TH_EXPECT_STATUS(200);
    const char *body = r->body;
    assert_non_null(strstr(body, "\"open1\""));
    assert_null(strstr(body, "\"later\""));
    assert_null(strstr(body, "\"closed\""));
    assert_null(strstr(body, "\"maint\""));
    assert_null(strstr(body, "\"unpub\""));
    assert_string_equal(th_str(r->json, "procedures.0.name"), "建築・開発");
    th_request("GET", "/apply/api/form.json?code=open1", NULL, NULL, 0);
    TH_EXPECT_STATUS(200);
    r = th_request("GET", "/apply/api/form.json?code=closed", NULL, NULL, 0);
    TH_EXPECT_STATUS(404);
    assert_non_null(strstr(r->body, "受付は終了"));
    th_request("GET", "/apply/api/form.json?code=later", NULL, NULL, 0);
    TH_EXPECT_STATUS(404);
    r = th_request("GET", "/apply/api/form.json?code=maint", NULL, NULL, 0);
    TH_EXPECT_STATUS(503);
    assert_non_null(strstr(r->body, "システム点検中です。"));
    th_request("GET", "/apply/api/form.json?code=unpub", NULL, NULL, 0);
    TH_EXPECT_STATUS(404);
    /* no draft on a closed form */
    login("close@example.jp");
    apply("PUT", "/apply/api/draft.json", q("{'code':'closed','answers':{},'step':0}"));
    TH_EXPECT_STATUS(404);
}

static void
test_draft_encrypted_resume(void **state)
{
    (void)state;
    put_form("enc", NULL, NULL, 1);
    login("resume@example.jp");
    const struct th_resp *r =
        apply("PUT", "/apply/api/draft.json", q("{'code':'enc','answers':{'氏名':'世田谷太郎ZQX'},'step':0}"));
    TH_EXPECT_STATUS(200);
    assert_true(json_is_true(json_object_get(r->json, "valid")));
    /* the column holds ciphertext only */
    struct db_res *res;
    assert_int_equal(db_query(th_db(), "SELECT data FROM form_drafts", NULL, 0, &res), DB_OK);
    int rows = 0;
    while (db_step(res) == 1) {
        rows++;
        assert_null(memmem(db_col_blob(res, 0), db_col_len(res, 0), "ZQX", 3));
    }
    db_res_free(res);
    assert_true(rows >= 1);
    /* another device: a new session of the same address sees the same draft */
    login("Resume@example.jp");
    r = th_request("GET", "/apply/api/draft.json?code=enc", NULL, NULL, 0);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "draft.answers.氏名"), "世田谷太郎ZQX");
    /* idempotent: the same PUT twice keeps one draft */
    apply("PUT", "/apply/api/draft.json", q("{'code':'enc','answers':{'氏名':'世田谷太郎'},'step':1}"));
    apply("PUT", "/apply/api/draft.json", q("{'code':'enc','answers':{'氏名':'世田谷太郎'},'step':1}"));
    TH_EXPECT_STATUS(200);
    assert_int_equal(count("SELECT COUNT(*) FROM form_drafts d JOIN forms f ON f.id = d.form_id WHERE f.code = 'enc'"), 1);
}

static void
test_step_validation(void **state)
{
    (void)state;
    put_form("steps", NULL, NULL, 1);
    login("steps@example.jp");
    const struct th_resp *r = apply("PUT", "/apply/api/draft.json", q("{'code':'steps','answers':{},'step':0}"));
    TH_EXPECT_STATUS(200);
    assert_true(json_is_false(json_object_get(r->json, "valid")));
    assert_non_null(strstr(th_str(r->json, "errors.氏名.messages.0"), "入力してください"));
    /* page 1 is not checked on step 0 */
    assert_null(th_at(r->json, "errors.用途"));
    r = apply("PUT", "/apply/api/draft.json", q("{'code':'steps','answers':{'氏名':'a'},'step':1}"));
    assert_non_null(th_at(r->json, "errors.用途"));
    apply("PUT", "/apply/api/draft.json", q("{'code':'steps','answers':{},'step':7}"));
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("step");
    /* tampered answers (not strings) are refused per field and never stored */
    r = apply("PUT", "/apply/api/draft.json", q("{'code':'steps','answers':{'氏名':{'x':1},'不明':'y'},'step':0}"));
    TH_EXPECT_STATUS(200);
    assert_non_null(th_at(r->json, "errors.氏名"));
    assert_null(th_at(r->json, "draft.answers.不明"));
    /* submitting an incomplete draft names the fields */
    apply("POST", "/apply/api/submit.json", q("{'code':'steps','idempotencyKey':'k1'}"));
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("氏名");
    TH_EXPECT_KEY("用途");
    assert_int_equal(count("SELECT COUNT(*) FROM records WHERE app_id = %ld", app), 0);
}

static const char *
submit(const char *code, const char *key)
{
    static char receipt[4][64];
    static int slot;
    const struct th_resp *r = apply("POST", "/apply/api/submit.json", q("{'code':'%s','idempotencyKey':'%s'}", code, key));
    TH_EXPECT_STATUS(200);
    char *b = receipt[slot++ % 4];
    snprintf(b, sizeof(receipt[0]), "%s", th_str(r->json, "receiptNumber"));
    return b;
}

static void
fill(const char *code, const char *name)
{
    apply("PUT", "/apply/api/draft.json", q("{'code':'%s','answers':{'氏名':'%s','用途':'住宅'},'step':1}", code, name));
    TH_EXPECT_STATUS(200);
}

static void
test_merge_step(void **state)
{
    (void)state;
    put_form("merge", NULL, NULL, 1);
    login("merge@example.jp");
    apply("PUT", "/apply/api/draft.json", q("{'code':'merge','answers':{'氏名':'一郎'},'step':0,'merge':true}"));
    /* page 1's post keeps page 0's answers */
    const struct th_resp *r =
        apply("PUT", "/apply/api/draft.json", q("{'code':'merge','answers':{'用途':'住宅','氏名':'改ざん'},'step':1,'merge':true}"));
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "draft.answers.氏名"), "一郎");
    assert_string_equal(th_str(r->json, "draft.answers.用途"), "住宅");
    /* an absent answer on the posted page clears it */
    r = apply("PUT", "/apply/api/draft.json", q("{'code':'merge','answers':{},'step':1,'merge':true}"));
    assert_null(th_at(r->json, "draft.answers.用途"));
    assert_string_equal(th_str(r->json, "draft.answers.氏名"), "一郎");
    /* without merge the answers replace the draft's */
    r = apply("PUT", "/apply/api/draft.json", q("{'code':'merge','answers':{'用途':'店舗'},'step':1}"));
    assert_null(th_at(r->json, "draft.answers.氏名"));
}

static void
test_submit_once(void **state)
{
    (void)state;
    put_form("once", NULL, NULL, 1);
    long long before = count("SELECT COUNT(*) FROM records WHERE app_id = %ld", app);
    login("once@example.jp");
    fill("once", "申請太郎");
    const char *r1 = submit("once", "click-1");
    const struct th_resp *r = apply("POST", "/apply/api/submit.json", q("{'code':'once','idempotencyKey':'click-1'}"));
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "receiptNumber"), r1);
    assert_true(json_is_true(json_object_get(r->json, "repeated")));
    long long id = json_integer_value(th_at(r->json, "record.id"));
    assert_int_equal(count("SELECT COUNT(*) FROM records WHERE app_id = %ld", app), before + 1);
    assert_non_null(strstr(r1, "-KC-000001"));
    assert_int_equal(count("SELECT COUNT(*) FROM record_owners WHERE app_id = %ld AND record_id = %lld AND "
                           "form_code = 'once' AND form_version = 1 AND receipt_no = '%s' AND applicant_id = "
                           "(SELECT id FROM applicants WHERE email = 'once@example.jp')", app, id, r1), 1);
    /* the record starts in the process's first status, created by the system */
    r = th_getf("/k/v1/record.json?app=%ld&id=%lld", app, id);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "record.ステータス.value"), "受付中");
    assert_string_equal(th_str(r->json, "record.氏名.value"), "申請太郎");
    /* a second applicant gets the next number */
    login("next@example.jp");
    fill("once", "次郎");
    const char *r2 = submit("once", "click-2");
    assert_non_null(strstr(r2, "-KC-000002"));
    /* a new draft after the submission is a new application */
    login("once@example.jp");
    r = th_request("GET", "/apply/api/draft.json?code=once", NULL, NULL, 0);
    assert_true(json_is_null(json_object_get(r->json, "draft")));
}

static void
test_versions(void **state)
{
    (void)state;
    put_form("ver", NULL, NULL, 1);
    login("v1@example.jp");
    fill("ver", "旧版");
    /* v2 is published while the applicant is on v1 */
    put_form("ver", ",'description':'改訂版'", NULL, 1);
    const struct th_resp *r = th_get("/admin/api/forms.json");
    TH_EXPECT_STATUS(200);
    assert_non_null(strstr(r->body, "\"ver\""));
    r = th_request("GET", "/apply/api/form.json?code=ver", NULL, NULL, 0);
    assert_int_equal(json_integer_value(json_object_get(r->json, "version")), 2);
    r = th_request("GET", "/apply/api/draft.json?code=ver", NULL, NULL, 0);
    assert_int_equal(json_integer_value(th_at(r->json, "draft.version")), 1);
    submit("ver", "v1");
    assert_int_equal(count("SELECT form_version FROM record_owners WHERE form_code = 'ver'"), 1);
    login("v2@example.jp");
    r = apply("PUT", "/apply/api/draft.json", q("{'code':'ver','answers':{},'step':0}"));
    assert_int_equal(json_integer_value(th_at(r->json, "draft.version")), 2);
}

static void
test_isolation(void **state)
{
    (void)state;
    put_form("iso", NULL, NULL, 1);
    login("a@example.jp");
    fill("iso", "Aさん");
    login("b@example.jp");
    const struct th_resp *r = th_request("GET", "/apply/api/draft.json?code=iso", NULL, NULL, 0);
    TH_EXPECT_STATUS(200);
    assert_true(json_is_null(json_object_get(r->json, "draft")));
    apply("POST", "/apply/api/submit.json", q("{'code':'iso','idempotencyKey':'x'}"));
    TH_EXPECT_STATUS(404);
    assert_int_equal(count("SELECT COUNT(*) FROM record_owners WHERE form_code = 'iso'"), 0);
    /* no session; no X-Requested-With */
    th_cookies_clear();
    th_request("GET", "/apply/api/draft.json?code=iso", NULL, NULL, 0);
    TH_EXPECT_ERROR(401, "MD_AV02");
    login("a@example.jp");
    const char *h[] = { "Content-Type: application/json", NULL };
    th_request("POST", "/apply/api/submit.json", q("{'code':'iso'}"), h, 0);
    TH_EXPECT_ERROR(403, "MD_CS01");
    assert_int_equal(count("SELECT COUNT(*) FROM record_owners WHERE form_code = 'iso'"), 0);
}

static void
test_hidden_dropped(void **state)
{
    (void)state;
    if (!fcond_ready())
        skip();
    put_form("cond", NULL, ",{'code':'店舗面積','showIf':{'field':'用途','op':'eq','value':'店舗'},'rules':{'required':true}}", 1);
    login("cond@example.jp");
    const struct th_resp *r = apply(
        "PUT", "/apply/api/draft.json", q("{'code':'cond','answers':{'氏名':'a','用途':'住宅','店舗面積':'120'},'step':1}"));
    TH_EXPECT_STATUS(200);
    assert_null(th_at(r->json, "draft.answers.店舗面積"));
    assert_true(json_is_true(json_object_get(r->json, "valid")));
    r = apply("PUT", "/apply/api/draft.json", q("{'code':'cond','answers':{'氏名':'a','用途':'店舗'},'step':1}"));
    assert_non_null(th_at(r->json, "errors.店舗面積"));
}

static const struct th_resp *
upload(const char *code, const char *field, const char *name, const void *data, size_t n)
{
    char *buf = NULL;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    fprintf(f, "--%s\r\nContent-Disposition: form-data; name=\"code\"\r\n\r\n%s\r\n", BOUNDARY, code);
    fprintf(f, "--%s\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\n%s\r\n", BOUNDARY, field);
    fprintf(f, "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
               "Content-Type: application/pdf\r\n\r\n", BOUNDARY, name);
    fwrite(data, 1, n, f);
    fprintf(f, "\r\n--%s--\r\n", BOUNDARY);
    fclose(f);
    const char *h[] = { XRW, "Content-Type: multipart/form-data; boundary=" BOUNDARY, NULL };
    const struct th_resp *r = th_request_n("POST", "/apply/api/file.json", buf, len, h, 0);
    free(buf);
    return r;
}

static const char pdf[] = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

static void
test_files(void **state)
{
    (void)state;
    put_form("files", NULL, NULL, 1);
    login("files@example.jp");
    const struct th_resp *r = upload("files", "図面", "配置図.pdf", pdf, sizeof(pdf) - 1);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "file.contentType"), "application/pdf");
    /* a text file named .pdf is refused (sniffed, not the name) */
    upload("files", "図面", "偽物.pdf", "just some words, not a pdf at all\n", 34);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("file");
    /* per field limit (2000 bytes) */
    static char big[2500];
    memcpy(big, pdf, sizeof(pdf) - 1);
    memset(big + sizeof(pdf) - 1, ' ', sizeof(big) - sizeof(pdf) + 1);
    upload("files", "図面", "大きい.pdf", big, sizeof(big));
    TH_EXPECT_ERROR(400, "CB_VA01");
    /* not a file field */
    upload("files", "氏名", "a.pdf", pdf, sizeof(pdf) - 1);
    TH_EXPECT_KEY("field");
    fill("files", "添付太郎");
    r = th_request("GET", "/apply/api/draft.json?code=files", NULL, NULL, 0);
    assert_int_equal(th_count(r->json, "draft.files"), 1);
    assert_null(th_at(r->json, "draft.files.0.uploadKey"));
    submit("files", "f1");
    long long id = count("SELECT record_id FROM record_owners WHERE form_code = 'files'");
    r = th_getf("/k/v1/record.json?app=%ld&id=%lld", app, id);
    assert_string_equal(th_str(r->json, "record.図面.value.0.name"), "配置図.pdf");
    assert_int_equal(count("SELECT COUNT(*) FROM form_draft_files"), 0);
    /* an attachment can be removed from a draft */
    login("files2@example.jp");
    r = upload("files", "図面", "a.pdf", pdf, sizeof(pdf) - 1);
    TH_EXPECT_STATUS(200);
    long long fid = json_integer_value(th_at(r->json, "file.id"));
    r = apply("PUT", "/apply/api/draft.json", q("{'code':'files','step':1,'removeFiles':[%lld]}", fid));
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "draft.files"), 0);
}

static void
test_housekeeping(void **state)
{
    (void)state;
    put_form("hk", NULL, NULL, 1);
    login("hk@example.jp");
    fill("hk", "期限太郎");
    struct arena *a = arena_new();
    struct fail f;
    struct ctx c;
    memset(&c, 0, sizeof(c));
    fail_init(&f, a, LANG_JA);
    c.arena = a;
    c.db = th_db();
    c.fail = &f;
    c.who.kind = PRIN_SYSTEM;
    c.now = th_now() + 20 * 86400;
    int64_t reminded = -1, deleted = -1;
    assert_int_equal(form_drafts_housekeeping(&c, &reminded, &deleted), ERR_OK);
    long long hk = count("SELECT COUNT(*) FROM form_drafts d JOIN forms f ON f.id = d.form_id WHERE f.code = 'hk'");
    assert_int_equal(hk, 1);
    assert_int_equal(count("SELECT COUNT(*) FROM form_drafts d JOIN forms f ON f.id = d.form_id "
                           "WHERE f.code = 'hk' AND reminded_at IS NOT NULL"), 0);
    c.now = th_now() + 28 * 86400;
    assert_int_equal(form_drafts_housekeeping(&c, &reminded, &deleted), ERR_OK);
    assert_true(reminded >= 1);
    assert_int_equal(count("SELECT COUNT(*) FROM form_drafts d JOIN forms f ON f.id = d.form_id "
                           "WHERE f.code = 'hk' AND reminded_at IS NOT NULL"), 1);
    /* reminded once only */
    assert_int_equal(form_drafts_housekeeping(&c, &reminded, &deleted), ERR_OK);
    assert_int_equal(reminded, 0);
    c.now = th_now() + 31 * 86400;
    assert_int_equal(form_drafts_housekeeping(&c, &reminded, &deleted), ERR_OK);
    assert_true(deleted >= 1);
    assert_int_equal(count("SELECT COUNT(*) FROM form_drafts d JOIN forms f ON f.id = d.form_id WHERE f.code = 'hk'"), 0);
    arena_free(a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_definition_errors),
        cmocka_unit_test(test_open_close_offline),
        cmocka_unit_test(test_draft_encrypted_resume),
        cmocka_unit_test(test_step_validation),
        cmocka_unit_test(test_merge_step),
        cmocka_unit_test(test_submit_once),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_isolation),
        cmocka_unit_test(test_hidden_dropped),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_housekeeping),
    };
    return cmocka_run_group_tests(tests, setup, th_teardown);
}
