/* In-process API tests of document templates and printing (app/templates.json,
 * app/template.json, app/template/preview.json, record/print.json,
 * record/document/revoke.json) and the public /verify page: versions, permissions, refused
 * templates, the PNG preview, issuing with a verification code, revocation, what /verify/
 * shows (and never shows), and the automatic issue when a workflow action enters a status —
 * delivered with a portal mail, and an issue failure failing the action with nothing changed.
 * The renderer is only relied on for "a PDF" and "a PNG". */
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
#include "domain/audit.h"
#include "domain/wf.h"
#include "pdf/pdf_issue.h"

#define PW "tpl-test-password-1"
#define BOUNDARY "----madoguchiTplBoundary9x"
#define MP_TYPE "Content-Type: multipart/form-data; boundary=" BOUNDARY
#define NAME "山田太郎"
#define FIELDS                                                                                     \
    "{\"氏名\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"氏名\",\"label\":\"氏名\"},"                \
    "\"許可番号\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"許可番号\",\"label\":\"許可番号\"}}"
#define KYOKA "{'code':'kyoka','name':'許可書','elements':[{'type':'text','x':20,'y':20,'field':'氏名'}]}"

static long app, wf_app;

static void
sql_exec(const char *text, const struct db_param *p, int n)
{
    if (db_exec(th_db(), text, p, n, NULL) != DB_OK) {
        fprintf(stderr, "sql failed: %s: %s\n", text, db_errmsg(th_db()));
        abort();
    }
}

static long long
mails(long a, long id)
{
    struct db_param p[2] = { DBP_INT(a), DBP_INT(id) };
    int64_t v = -1;
    bool found = false;
    assert_int_equal(db_query_int(th_db(),
                                  "SELECT COUNT(*) FROM mail_outbox WHERE kind = 'portal' AND ref = "
                                  "'app:' || CAST($1 AS TEXT) || '/record:' || CAST($2 AS TEXT)",
                                  p, 2, &v, &found),
                     DB_OK);
    return v;
}

/* Makes (a, id) an online application of applicant email, receipt R-<id>. */
static void
own(long a, long id, const char *email)
{
    struct db_param ap[] = { DBP_TEXT(email) };
    sql_exec("INSERT INTO applicants (email, created_at) VALUES ($1, 0)", ap, 1);
    char receipt[32];
    snprintf(receipt, sizeof(receipt), "R-%ld", id);
    struct db_param o[] = { DBP_INT(a), DBP_INT(id), DBP_TEXT(email), DBP_TEXT(receipt),
                            DBP_INT(a * 100000 + id) /* draft ids are unique */ };
    sql_exec("INSERT INTO record_owners (app_id, record_id, applicant_id, receipt_no, form_code, "
             "form_version, draft_id, created_at) SELECT $1, $2, id, $4, 'kyoka', 1, $5, 0 "
             "FROM applicants WHERE email = $3",
             o, 5);
}

static const struct th_resp *
asf(const char *user, const char *method, const char *target, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static const struct th_resp *
asf(const char *user, const char *method, const char *target, const char *fmt, ...)
{
    char body[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof(body), fmt, ap);
    va_end(ap);
    for (char *p = body; *p; p++)
        if (*p == '\'')
            *p = '"';
    const char *h[] = { th_auth_header(user, PW), NULL };
    return th_request(method, target, *body ? body : NULL, h, 0);
}

/* Uploads data as the admin; returns the upload key (rotating buffer). */
static const char *
upload(const char *filename, const char *ctype, const void *data, size_t n)
{
    static char keys[4][80];
    static int slot;
    char *body = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&body, &len);
    fprintf(f, "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n",
            BOUNDARY, filename);
    if (ctype)
        fprintf(f, "Content-Type: %s\r\n", ctype);
    fprintf(f, "\r\n");
    fwrite(data, 1, n, f);
    fprintf(f, "\r\n--%s--\r\n", BOUNDARY);
    fclose(f);
    const char *h[] = { MP_TYPE, NULL };
    const struct th_resp *r = th_request_n("POST", "/k/v1/file.json", body, len, h, 1);
    free(body);
    TH_EXPECT_STATUS(200);
    char *out = keys[slot++ % 4];
    snprintf(out, sizeof(keys[0]), "%s", th_str(r->json, "fileKey"));
    return out;
}

static long
new_record(long a)
{
    const struct th_resp *r = th_sendq("POST", "/k/v1/record.json",
                                       "{'app':%ld,'record':{'氏名':{'value':'" NAME "'}}}", a);
    TH_EXPECT_STATUS(200);
    return strtol(th_str(r->json, "id"), NULL, 10);
}

static long
record_revision(long a, long id)
{
    const struct th_resp *r = th_getf("/k/v1/record.json?app=%ld&id=%ld", a, id);
    TH_EXPECT_STATUS(200);
    return strtol(th_str(r->json, "record.$revision.value"), NULL, 10);
}

/* The public page (no login). */
static const struct th_resp *
page(const char *path)
{
    return th_request("GET", path, NULL, NULL, 0);
}

static int
setup(void **state)
{
    th_setup(state);
    th_user("viewer", PW, 0);
    th_user("outsider", PW, 0);
    th_user("clerk", PW, 0);
    app = th_app(FIELDS);
    th_sendq("PUT", "/k/v1/preview/app/acl.json",
             "{'app':%ld,'rights':[{'entity':{'type':'USER','code':'viewer'},'recordViewable':true},"
             "{'entity':{'type':'USER','code':'outsider'}},"
             "{'entity':{'type':'GROUP','code':'everyone'},'appEditable':true,'recordViewable':true,"
             "'recordAddable':true,'recordEditable':true,'recordDeletable':true}]}",
             app);
    TH_EXPECT_STATUS(200);
    th_sendq("POST", "/k/v1/preview/app/deploy.json", "{'apps':[{'app':%ld}]}", app);
    TH_EXPECT_STATUS(200);

    wf_app = th_app(FIELDS);
    th_sendq("PUT", "/k/v1/preview/app/status.json",
             "{'app':%ld,'enable':true,'states':{"
             "'課長決裁':{'name':'課長決裁','index':'0','assignee':{'type':'ANY','entities':"
             "[{'entity':{'type':'USER','code':'admin'}}]}},"
             "'決裁完了':{'name':'決裁完了','index':'1'}},"
             "'actions':[{'name':'決裁','from':'課長決裁','to':'決裁完了'}]}",
             wf_app);
    TH_EXPECT_STATUS(200);
    th_sendq("POST", "/k/v1/preview/app/deploy.json", "{'apps':[{'app':%ld}]}", wf_app);
    TH_EXPECT_STATUS(200);
    return 0;
}

static void
test_save_list_versions_delete(void **state)
{
    (void)state;
    const struct th_resp *r = th_getf("/k/v1/app/templates.json?app=%ld", app);
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "templates"), 0);

    r = th_sendq("PUT", "/k/v1/app/template.json", "{'app':%ld,'template':" KYOKA "}", app);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "code"), "kyoka");
    assert_int_equal(json_integer_value(json_object_get(r->json, "version")), 1);
    /* a second save is version 2; the first stays readable */
    r = th_sendq("PUT", "/k/v1/app/template.json",
                 "{'app':%ld,'template':{'code':'kyoka','name':'許可書（第2版）','auto':"
                 "[{'status':'x','deliver':false}],'elements':[{'type':'text','x':20,'y':20,"
                 "'field':'氏名'}]}}",
                 app);
    TH_EXPECT_STATUS(200);
    assert_int_equal(json_integer_value(json_object_get(r->json, "version")), 2);

    r = th_getf("/k/v1/app/templates.json?app=%ld", app);
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "templates"), 1);
    assert_string_equal(th_str(r->json, "templates.0.code"), "kyoka");
    assert_string_equal(th_str(r->json, "templates.0.name"), "許可書（第2版）");
    assert_string_equal(th_str(r->json, "templates.0.kind"), "record");
    assert_string_equal(th_str(r->json, "templates.0.updatedBy"), "admin");
    assert_int_equal(json_integer_value(th_at(r->json, "templates.0.version")), 2);
    assert_int_equal(th_count(r->json, "templates.0.auto"), 1);

    r = th_getf("/k/v1/app/template.json?app=%ld&code=kyoka", app);
    TH_EXPECT_STATUS(200);
    assert_int_equal(json_integer_value(json_object_get(r->json, "version")), 2);
    assert_string_equal(th_str(r->json, "template.name"), "許可書（第2版）");
    r = th_getf("/k/v1/app/template.json?app=%ld&code=kyoka&version=1", app);
    TH_EXPECT_STATUS(200);
    assert_int_equal(json_integer_value(json_object_get(r->json, "version")), 1);
    assert_string_equal(th_str(r->json, "template.name"), "許可書");
    th_getf("/k/v1/app/template.json?app=%ld&code=kyoka&version=3", app);
    TH_EXPECT_ERROR(404, "MD_NF01");
    th_getf("/k/v1/app/template.json?app=%ld&code=nosuch", app);
    TH_EXPECT_ERROR(404, "MD_NF01");

    /* delete: gone from the list and for printing; its versions stay */
    th_sendq("DELETE", "/k/v1/app/template.json", "{'app':%ld,'code':'kyoka'}", app);
    TH_EXPECT_STATUS(200);
    r = th_getf("/k/v1/app/templates.json?app=%ld", app);
    assert_int_equal(th_count(r->json, "templates"), 0);
    th_getf("/k/v1/app/template.json?app=%ld&code=kyoka", app);
    TH_EXPECT_ERROR(404, "MD_NF01");
    th_getf("/k/v1/app/template.json?app=%ld&code=kyoka&version=2", app);
    TH_EXPECT_STATUS(200);
    th_sendq("DELETE", "/k/v1/app/template.json", "{'app':%ld,'code':'kyoka'}", app);
    TH_EXPECT_ERROR(404, "MD_NF01");
    long id = new_record(app);
    th_sendq("POST", "/k/v1/record/print.json", "{'app':%ld,'record':%ld,'template':'kyoka'}", app,
             id);
    TH_EXPECT_ERROR(404, "MD_NF01");
    /* saved again: back, numbering on */
    r = th_sendq("PUT", "/k/v1/app/template.json", "{'app':%ld,'template':" KYOKA "}", app);
    TH_EXPECT_STATUS(200);
    assert_int_equal(json_integer_value(json_object_get(r->json, "version")), 3);
}

static void
test_permissions(void **state)
{
    (void)state;
    th_sendq("PUT", "/k/v1/app/template.json", "{'app':%ld,'template':" KYOKA "}", app);
    TH_EXPECT_STATUS(200);
    long id = new_record(app);
    /* view rights: read, preview; not change, print or revoke */
    asf("viewer", "GET", "/k/v1/app/templates.json", "{'app':%ld}", app);
    TH_EXPECT_STATUS(200);
    asf("viewer", "PUT", "/k/v1/app/template.json", "{'app':%ld,'template':" KYOKA "}", app);
    TH_EXPECT_ERROR(403, "CB_NO02");
    asf("viewer", "DELETE", "/k/v1/app/template.json", "{'app':%ld,'code':'kyoka'}", app);
    TH_EXPECT_ERROR(403, "CB_NO02");
    asf("viewer", "POST", "/k/v1/app/template/preview.json", "{'app':%ld,'code':'kyoka','record':%ld}",
        app, id);
    TH_EXPECT_STATUS(200);
    asf("viewer", "POST", "/k/v1/record/print.json", "{'app':%ld,'record':%ld,'template':'kyoka'}",
        app, id);
    TH_EXPECT_ERROR(403, "CB_NO02");
    /* no rights: nothing */
    asf("outsider", "GET", "/k/v1/app/templates.json", "{'app':%ld}", app);
    TH_EXPECT_ERROR(403, "CB_NO02");
    asf("outsider", "GET", "/k/v1/app/template.json", "{'app':%ld,'code':'kyoka'}", app);
    TH_EXPECT_ERROR(403, "CB_NO02");
    asf("outsider", "POST", "/k/v1/app/template/preview.json", "{'app':%ld,'code':'kyoka'}", app);
    TH_EXPECT_ERROR(403, "CB_NO02");
    asf("outsider", "POST", "/k/v1/record/print.json", "{'app':%ld,'record':%ld,'template':'kyoka'}",
        app, id);
    TH_EXPECT_ERROR(403, "CB_NO02");
    /* app management (appEditable) may change templates; edit rights may print */
    asf("clerk", "PUT", "/k/v1/app/template.json", "{'app':%ld,'template':" KYOKA "}", app);
    TH_EXPECT_STATUS(200);
    asf("clerk", "POST", "/k/v1/record/print.json", "{'app':%ld,'record':%ld,'template':'kyoka'}",
        app, id);
    TH_EXPECT_STATUS(200);
}

static void
test_bad_templates(void **state)
{
    (void)state;
    th_sendq("PUT", "/k/v1/app/template.json",
             "{'app':%ld,'template':{'code':'bad','name':'x','elements':[{'type':'text','x':1,"
             "'y':1,'field':'無いフィールド'}]}}",
             app);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("elements[0].field");
    th_sendq("PUT", "/k/v1/app/template.json", "{'app':%ld}", app);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("template");
    th_sendq("PUT", "/k/v1/app/template.json",
             "{'app':%ld,'template':{'code':'Bad Code','name':'x','elements':[]}}", app);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("code");

    /* a background must be a PDF upload; an image a PNG or JPEG */
    const char *txt = upload("a.txt", "text/plain", "hello", 5);
    th_sendq("PUT", "/k/v1/app/template.json",
             "{'app':%ld,'template':{'code':'bg','name':'x','background':{'fileKey':'%s'},"
             "'elements':[]}}",
             app, txt);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("background.fileKey");
    th_sendq("PUT", "/k/v1/app/template.json",
             "{'app':%ld,'template':{'code':'bg','name':'x','background':{'fileKey':'nosuchkey'},"
             "'elements':[]}}",
             app);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("background.fileKey");
    txt = upload("b.txt", "text/plain", "hello", 5);
    th_sendq("PUT", "/k/v1/app/template.json",
             "{'app':%ld,'template':{'code':'img','name':'x','elements':[{'type':'image','x':1,"
             "'y':1,'w':10,'h':10,'fileKey':'%s'}]}}",
             app, txt);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("elements[0].fileKey");
    const struct th_resp *r = th_getf("/k/v1/app/templates.json?app=%ld", app);
    assert_null(strstr(r->body, "\"bg\""));
    assert_null(strstr(r->body, "\"img\""));
}

/* Uploads and the stored blob addresses: a real PDF (one we printed) as the background and a
 * real PNG (a preview) as an image. */
static void
test_files_in_template(void **state)
{
    (void)state;
    th_sendq("PUT", "/k/v1/app/template.json", "{'app':%ld,'template':" KYOKA "}", app);
    TH_EXPECT_STATUS(200);
    long id = new_record(app);
    const struct th_resp *r = th_sendq("POST", "/k/v1/record/print.json",
                                       "{'app':%ld,'record':%ld,'template':'kyoka'}", app, id);
    TH_EXPECT_STATUS(200);
    char key[80];
    snprintf(key, sizeof(key), "%s", th_str(r->json, "fileKey"));
    r = th_getf("/k/v1/file.json?fileKey=%s", key);
    TH_EXPECT_STATUS(200);
    size_t pdf_len = r->len;
    char *pdf = malloc(pdf_len);
    memcpy(pdf, r->body, pdf_len);
    const char *bg = upload("form.pdf", "application/pdf", pdf, pdf_len);
    free(pdf);
    char bgkey[80];
    snprintf(bgkey, sizeof(bgkey), "%s", bg);

    r = th_sendq("POST", "/k/v1/app/template/preview.json", "{'app':%ld,'code':'kyoka'}", app);
    TH_EXPECT_STATUS(200);
    size_t png_len = r->len;
    char *png = malloc(png_len);
    memcpy(png, r->body, png_len);
    const char *img = upload("seal.png", "image/png", png, png_len);
    free(png);

    th_sendq("PUT", "/k/v1/app/template.json",
             "{'app':%ld,'template':{'code':'withfiles','name':'通知書','background':"
             "{'fileKey':'%s','page':1},'elements':[{'type':'image','x':160,'y':240,'w':25,"
             "'h':25,'fileKey':'%s'}]}}",
             app, bgkey, img);
    TH_EXPECT_STATUS(200);
    r = th_getf("/k/v1/app/template.json?app=%ld&code=withfiles", app);
    TH_EXPECT_STATUS(200);
    const char *bghash = th_str(r->json, "template.background.file");
    assert_non_null(bghash);
    assert_int_equal(strlen(bghash), 64);
    assert_null(th_at(r->json, "template.background.fileKey"));
    assert_int_equal(strlen(th_str(r->json, "template.elements.0.file")), 64);
    assert_null(th_at(r->json, "template.elements.0.fileKey"));
    /* the blobs are kept past the upload's expiry: a files row of the app names them */
    struct db_param p[] = { DBP_TEXT(bghash), DBP_INT(app) };
    int64_t n = 0;
    bool found = false;
    assert_int_equal(db_query_int(th_db(),
                                  "SELECT COUNT(*) FROM files WHERE blob_hash = $1 AND "
                                  "app_id = $2 AND record_id = 0",
                                  p, 2, &n, &found),
                     DB_OK);
    assert_int_equal(n, 1);
    /* printing with it works */
    th_sendq("POST", "/k/v1/record/print.json", "{'app':%ld,'record':%ld,'template':'withfiles'}",
             app, id);
    TH_EXPECT_STATUS(200);
}

static void
test_preview(void **state)
{
    (void)state;
    th_sendq("PUT", "/k/v1/app/template.json", "{'app':%ld,'template':" KYOKA "}", app);
    TH_EXPECT_STATUS(200);
    long id = new_record(app);
    /* a saved template with sample values, with a record, and an unsaved definition */
    const struct th_resp *r =
        th_sendq("POST", "/k/v1/app/template/preview.json", "{'app':%ld,'code':'kyoka'}", app);
    TH_EXPECT_STATUS(200);
    assert_string_equal(r->content_type, "image/png");
    assert_true(r->len > 8);
    assert_memory_equal(r->body, "\x89PNG\r\n\x1a\n", 8);
    r = th_sendq("POST", "/k/v1/app/template/preview.json",
                 "{'app':%ld,'code':'kyoka','record':%ld,'dpi':72}", app, id);
    TH_EXPECT_STATUS(200);
    assert_memory_equal(r->body, "\x89PNG\r\n\x1a\n", 8);
    r = th_sendq("POST", "/k/v1/app/template/preview.json",
                 "{'app':%ld,'template':{'code':'draft','name':'下書き','elements':[]}}", app);
    TH_EXPECT_STATUS(200);
    assert_memory_equal(r->body, "\x89PNG\r\n\x1a\n", 8);
    /* an unsaved definition is checked like a saved one */
    th_sendq("POST", "/k/v1/app/template/preview.json",
             "{'app':%ld,'template':{'code':'draft','name':'x','elements':[{'type':'text','x':1,"
             "'y':1,'field':'無い'}]}}",
             app);
    TH_EXPECT_KEY("elements[0].field");
    th_sendq("POST", "/k/v1/app/template/preview.json", "{'app':%ld,'code':'kyoka','page':99}", app);
    TH_EXPECT_ERROR(404, "MD_NF01");
    th_sendq("POST", "/k/v1/app/template/preview.json", "{'app':%ld,'code':'kyoka','dpi':1000}", app);
    TH_EXPECT_KEY("dpi");
    th_sendq("POST", "/k/v1/app/template/preview.json", "{'app':%ld,'code':'kyoka','record':99999}",
             app);
    TH_EXPECT_ERROR(404, "GAIA_RE01");
}

static void
test_print_revoke_verify(void **state)
{
    (void)state;
    th_sendq("PUT", "/k/v1/app/template.json", "{'app':%ld,'template':" KYOKA "}", app);
    TH_EXPECT_STATUS(200);
    const struct th_resp *r = th_getf("/k/v1/app/template.json?app=%ld&code=kyoka", app);
    long version = (long)json_integer_value(json_object_get(r->json, "version"));
    long id = new_record(app);
    own(app, id, "print@example.jp");
    long rev = record_revision(app, id);

    r = th_sendq("POST", "/k/v1/record/print.json", "{'app':%ld,'record':%ld,'template':'kyoka'}",
                 app, id);
    TH_EXPECT_STATUS(200);
    long doc = (long)json_integer_value(json_object_get(r->json, "id"));
    assert_true(doc > 0);
    char code[32], key[80];
    snprintf(code, sizeof(code), "%s", th_str(r->json, "verifyCode"));
    snprintf(key, sizeof(key), "%s", th_str(r->json, "fileKey"));
    assert_int_equal(strlen(code), 10);
    for (const char *c = code; *c; c++)
        assert_non_null(strchr("0123456789ABCDEFGHJKMNPQRSTVWXYZ", *c));
    assert_true(strstr(th_str(r->json, "name"), ".pdf") != NULL);
    assert_int_equal(mails(app, id), 0); /* not delivered */

    /* the PDF and the record's list */
    r = th_getf("/k/v1/file.json?fileKey=%s", key);
    TH_EXPECT_STATUS(200);
    assert_true(r->len > 5);
    assert_memory_equal(r->body, "%PDF", 4);
    r = th_getf("/k/v1/record/documents.json?app=%ld&record=%ld", app, id);
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "documents"), 1);
    assert_string_equal(th_str(r->json, "documents.0.title"), "許可書");
    assert_string_equal(th_str(r->json, "documents.0.templateCode"), "kyoka");
    assert_int_equal(json_integer_value(th_at(r->json, "documents.0.templateVersion")), version);
    assert_int_equal(json_integer_value(th_at(r->json, "documents.0.recordRevision")), rev);
    assert_string_equal(th_str(r->json, "documents.0.verifyCode"), code);
    assert_true(json_is_false(th_at(r->json, "documents.0.delivered")));

    /* /verify/: valid, with the title, the app and the date; nothing personal */
    char path[128];
    snprintf(path, sizeof(path), "/verify/%s", code);
    r = page(path);
    TH_EXPECT_STATUS(200);
    assert_true(strncmp(r->content_type, "text/html", 9) == 0);
    assert_non_null(strstr(r->body, "正規に発行された文書です"));
    assert_non_null(strstr(r->body, "許可書"));
    assert_non_null(strstr(r->body, "年"));
    assert_null(strstr(r->body, NAME));
    assert_null(strstr(r->body, "R-"));
    /* lower case and separators are the same code */
    char typed[40];
    snprintf(typed, sizeof(typed), "/verify/%.5s-%s", code, code + 5);
    for (char *c = typed + 8; *c; c++)
        *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
    r = page(typed);
    TH_EXPECT_STATUS(200);
    assert_non_null(strstr(r->body, "正規に発行された文書です"));
    /* the form: a page, and a typed code goes to its page */
    r = page("/verify");
    TH_EXPECT_STATUS(200);
    assert_non_null(strstr(r->body, "<form"));
    snprintf(path, sizeof(path), "/verify?code=%.5s+%s", code, code + 5);
    page(path);
    TH_EXPECT_STATUS(303);
    snprintf(path, sizeof(path), "/verify/%s", code);
    assert_string_equal(th_resp_header("Location"), path);
    page("/verify?code=abc");
    TH_EXPECT_STATUS(400);

    /* unknown codes */
    r = page("/verify/ZZZZZZZZZZ");
    TH_EXPECT_STATUS(404);
    assert_non_null(strstr(r->body, "見つかりません"));
    assert_null(strstr(r->body, "正規に発行"));
    page("/verify/not-a-code");
    TH_EXPECT_STATUS(404);

    /* revoke: edit rights and a reason; then /verify/ says revoked, not why */
    asf("viewer", "POST", "/k/v1/record/document/revoke.json",
        "{'app':%ld,'record':%ld,'id':%ld,'reason':'誤記'}", app, id, doc);
    TH_EXPECT_ERROR(403, "CB_NO02");
    th_sendq("POST", "/k/v1/record/document/revoke.json", "{'app':%ld,'record':%ld,'id':%ld}", app,
             id, doc);
    TH_EXPECT_KEY("reason");
    th_sendq("POST", "/k/v1/record/document/revoke.json",
             "{'app':%ld,'record':%ld,'id':%ld,'reason':'記載誤りのため'}", app, id, doc + 1000);
    TH_EXPECT_ERROR(404, "MD_NF01");
    th_sendq("POST", "/k/v1/record/document/revoke.json",
             "{'app':%ld,'record':%ld,'id':%ld,'reason':'記載誤りのため'}", app, id, doc);
    TH_EXPECT_STATUS(200);
    th_sendq("POST", "/k/v1/record/document/revoke.json",
             "{'app':%ld,'record':%ld,'id':%ld,'reason':'記載誤りのため'}", app, id, doc);
    TH_EXPECT_ERROR(400, "CB_VA01");
    r = th_getf("/k/v1/record/documents.json?app=%ld&record=%ld", app, id);
    assert_true(json_is_integer(th_at(r->json, "documents.0.revokedAt")));
    /* a revoked document cannot be delivered */
    th_sendq("PUT", "/k/v1/record/document/delivery.json",
             "{'app':%ld,'record':%ld,'id':%ld,'deliver':true}", app, id, doc);
    TH_EXPECT_ERROR(400, "CB_VA01");
    snprintf(path, sizeof(path), "/verify/%s", code);
    r = page(path);
    TH_EXPECT_STATUS(200);
    assert_non_null(strstr(r->body, "取り消されて"));
    assert_null(strstr(r->body, "正規に発行"));
    assert_null(strstr(r->body, "記載誤り"));
    assert_null(strstr(r->body, NAME));

    /* verify: false — no code */
    th_sendq("PUT", "/k/v1/app/template.json",
             "{'app':%ld,'template':{'code':'memo','name':'控え','verify':false,'elements':[]}}", app);
    TH_EXPECT_STATUS(200);
    r = th_sendq("POST", "/k/v1/record/print.json",
                 "{'app':%ld,'record':%ld,'template':'memo','deliver':true}", app, id);
    TH_EXPECT_STATUS(200);
    assert_true(json_is_null(json_object_get(r->json, "verifyCode")));
    assert_int_equal(mails(app, id), 1); /* delivered at once */
    th_sendq("POST", "/k/v1/record/print.json",
             "{'app':%ld,'record':%ld,'template':'memo','deliver':3}", app, id);
    TH_EXPECT_KEY("deliver");
    th_sendq("POST", "/k/v1/record/print.json", "{'app':%ld,'record':%ld}", app, id);
    TH_EXPECT_KEY("template");
    th_sendq("POST", "/k/v1/record/print.json", "{'app':%ld,'record':99999,'template':'memo'}", app);
    TH_EXPECT_ERROR(404, "GAIA_RE01");
}

static long long
count_sql(const char *text, long a)
{
    struct db_param p[] = { DBP_INT(a) };
    int64_t v = -1;
    bool found = false;
    assert_int_equal(db_query_int(th_db(), text, p, 1, &v, &found), DB_OK);
    return v;
}

/* The record list's bulk 「文書を作成」: every record or none, one zip, one audit entry per record. */
static void
test_bulk_print_zip(void **state)
{
    (void)state;
    th_sendq("PUT", "/k/v1/app/template.json", "{'app':%ld,'template':" KYOKA "}", app);
    TH_EXPECT_STATUS(200);
    long a = new_record(app), b = new_record(app);
    const char *docs = "SELECT COUNT(*) FROM record_documents WHERE app_id = $1";
    const char *audits = "SELECT COUNT(*) FROM audit_log WHERE action = 'record.document.issue' "
                         "AND target LIKE 'app:' || CAST($1 AS TEXT) || '/record:%'";
    assert_int_equal(audit_flush(th_db()), ERR_OK);
    long long before = count_sql(docs, app), audited = count_sql(audits, app);

    const struct th_resp *r = th_sendq("POST", "/k/v1/records/print.zip",
                                       "{'app':%ld,'ids':[%ld,%ld],'template':'kyoka'}", app, a, b);
    TH_EXPECT_STATUS(200);
    assert_string_equal(r->content_type, "application/zip");
    assert_true(r->len > 22 && memcmp(r->body, "PK\x03\x04", 4) == 0);
    /* both PDFs inside, stored (not deflated) under their file names */
    const char *p1 = memmem(r->body, r->len, "%PDF-", 5);
    assert_non_null(p1);
    assert_non_null(memmem(p1 + 5, r->len - (size_t)(p1 + 5 - r->body), "%PDF-", 5));
    assert_non_null(memmem(r->body, r->len, ".pdf", 4));
    assert_int_equal(count_sql(docs, app), before + 2);
    assert_int_equal(audit_flush(th_db()), ERR_OK);
    assert_int_equal(count_sql(audits, app), audited + 2);

    /* one unknown record: nothing issued at all */
    th_sendq("POST", "/k/v1/records/print.zip", "{'app':%ld,'ids':[%ld,99999],'template':'kyoka'}",
             app, a);
    TH_EXPECT_ERROR(404, "GAIA_RE01");
    assert_int_equal(count_sql(docs, app), before + 2);
    /* bad input */
    th_sendq("POST", "/k/v1/records/print.zip", "{'app':%ld,'ids':[],'template':'kyoka'}", app);
    TH_EXPECT_ERROR(400, "CB_VA01");
    th_sendq("POST", "/k/v1/records/print.zip", "{'app':%ld,'ids':[%ld,%ld],'template':'kyoka'}", app,
             a, a);
    TH_EXPECT_ERROR(400, "CB_VA01");
    th_sendq("POST", "/k/v1/records/print.zip", "{'app':%ld,'ids':['x'],'template':'kyoka'}", app);
    TH_EXPECT_ERROR(400, "CB_VA01");
    th_sendq("POST", "/k/v1/records/print.zip", "{'app':%ld,'ids':[%ld]}", app, a);
    TH_EXPECT_ERROR(400, "CB_VA01");
    th_sendq("POST", "/k/v1/records/print.zip", "{'app':%ld,'ids':[%ld],'template':'nosuch'}", app, a);
    TH_EXPECT_ERROR(404, "MD_NF01");
    char many[2048] = "";
    for (int i = 1; i <= 101; i++)
        snprintf(many + strlen(many), sizeof(many) - strlen(many), "%s%d", i > 1 ? "," : "", i);
    th_sendq("POST", "/k/v1/records/print.zip", "{'app':%ld,'ids':[%s],'template':'kyoka'}", app, many);
    TH_EXPECT_ERROR(400, "CB_VA01");
    /* view rights are not enough */
    asf("viewer", "POST", "/k/v1/records/print.zip", "{'app':%ld,'ids':[%ld],'template':'kyoka'}", app, a);
    TH_EXPECT_ERROR(403, "CB_NO02");
    assert_int_equal(count_sql(docs, app), before + 2);
}

static void
test_auto_issue(void **state)
{
    (void)state;
    th_sendq("PUT", "/k/v1/app/template.json",
             "{'app':%ld,'template':{'code':'kyoka','name':'許可書','auto':[{'status':'決裁完了',"
             "'deliver':true}],'elements':[{'type':'text','x':20,'y':20,'field':'氏名'}]}}",
             wf_app);
    TH_EXPECT_STATUS(200);
    long id = new_record(wf_app);
    own(wf_app, id, "auto@example.jp");
    const struct th_resp *r = th_getf("/k/v1/record/documents.json?app=%ld&record=%ld", wf_app, id);
    assert_int_equal(th_count(r->json, "documents"), 0);
    th_sendq("PUT", "/k/v1/record/status.json", "{'app':%ld,'id':%ld,'action':'決裁'}", wf_app, id);
    TH_EXPECT_STATUS(200);
    r = th_getf("/k/v1/record/documents.json?app=%ld&record=%ld", wf_app, id);
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "documents"), 1);
    assert_string_equal(th_str(r->json, "documents.0.templateCode"), "kyoka");
    assert_true(json_is_true(th_at(r->json, "documents.0.delivered")));
    assert_int_equal(strlen(th_str(r->json, "documents.0.verifyCode")), 10);
    long doc_rev = (long)json_integer_value(th_at(r->json, "documents.0.recordRevision"));
    assert_int_equal(doc_rev, record_revision(wf_app, id)); /* the status change's revision */
    assert_int_equal(mails(wf_app, id), 1);
}

/* /verify is limited per client address; other addresses are not affected */
static void
test_verify_rate_limit(void **state)
{
    (void)state;
    th_peer("192.0.2.77");
    int ok = 0;
    for (int i = 0; i < 100 && page("/verify/ZZZZZZZZZZ")->status == 404; i++)
        ok++;
    /* 60 a minute; the two-bucket window may let a few more through across a minute boundary */
    assert_true(ok >= 60 && ok < 100);
    TH_EXPECT_STATUS(429); /* the HTML page of the refusal */
    assert_non_null(th_resp_header("Retry-After"));
    th_peer("192.0.2.78");
    page("/verify/ZZZZZZZZZZ");
    TH_EXPECT_STATUS(404);
    th_clock_advance(120); /* a minute later the first address may look again */
    th_peer("192.0.2.77");
    page("/verify/ZZZZZZZZZZ");
    TH_EXPECT_STATUS(404);
    th_clock_reset();
    th_peer("");
}

static enum err
failing_hook(struct ctx *c, const struct app_def *d, int64_t id, const char *status)
{
    (void)d;
    (void)id;
    (void)status;
    fail_field(c->fail, "elements[0]", MSG_TEXT, "文字が枠に収まりません");
    return ERR_INVALID;
}

static void
test_auto_issue_failure_fails_action(void **state)
{
    (void)state;
    long id = new_record(wf_app);
    own(wf_app, id, "fail@example.jp");
    long rev = record_revision(wf_app, id);
    wf_set_status_hook(failing_hook);
    th_sendq("PUT", "/k/v1/record/status.json", "{'app':%ld,'id':%ld,'action':'決裁'}", wf_app, id);
    wf_set_status_hook(pdf_on_status);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("elements[0]");
    /* nothing changed: status, revision, documents, mail */
    const struct th_resp *r = th_getf("/k/v1/record.json?app=%ld&id=%ld", wf_app, id);
    assert_string_equal(th_str(r->json, "record.ステータス.value"), "課長決裁");
    assert_int_equal(record_revision(wf_app, id), rev);
    r = th_getf("/k/v1/record/documents.json?app=%ld&record=%ld", wf_app, id);
    assert_int_equal(th_count(r->json, "documents"), 0);
    assert_int_equal(mails(wf_app, id), 0);
    /* with the real hook the same action goes through and issues */
    th_sendq("PUT", "/k/v1/record/status.json", "{'app':%ld,'id':%ld,'action':'決裁'}", wf_app, id);
    TH_EXPECT_STATUS(200);
    r = th_getf("/k/v1/record/documents.json?app=%ld&record=%ld", wf_app, id);
    assert_int_equal(th_count(r->json, "documents"), 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_save_list_versions_delete),
        cmocka_unit_test(test_permissions),
        cmocka_unit_test(test_bad_templates),
        cmocka_unit_test(test_files_in_template),
        cmocka_unit_test(test_preview),
        cmocka_unit_test(test_print_revoke_verify),
        cmocka_unit_test(test_bulk_print_zip),
        cmocka_unit_test(test_auto_issue),
        cmocka_unit_test(test_auto_issue_failure_fails_action),
        cmocka_unit_test(test_verify_rate_limit),
    };
    return cmocka_run_group_tests_name(th_backend(), tests, setup, th_teardown);
}
