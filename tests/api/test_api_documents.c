/* In-process API tests of a record's issued documents (record/documents.json,
 * record/document.json, record/document/delivery.json): issuing from an uploaded PDF (sniffed
 * and declared), the list, delivery and undelivery with the applicant told by mail exactly
 * once, records without an online applicant, refusals (not a PDF, title, unknown keys and ids,
 * bad types), permissions (view-only, no rights, another app's record), the staff download of
 * the PDF, and the applicant's side (doc_list delivered_only, doc_get_delivered). */
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
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/document.h"
#include "sec/sec.h"

#include <sodium.h>

#define PW "doc-test-password-1"
#define BOUNDARY "----madoguchiDocBoundary4kq2"
#define MP_TYPE "Content-Type: multipart/form-data; boundary=" BOUNDARY

static long app, other_app;

static const char pdf[] = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
#define PDF_LEN (sizeof(pdf) - 1)

static void
sql_exec(const char *text, const struct db_param *p, int n)
{
    if (db_exec(th_db(), text, p, n, NULL) != DB_OK) {
        fprintf(stderr, "sql failed: %s: %s\n", text, db_errmsg(th_db()));
        abort();
    }
}

static long long
sql_count(const char *text, long a, long b)
{
    struct db_param p[2] = { DBP_INT(a), DBP_INT(b) };
    int64_t v = -1;
    bool found = false;
    assert_int_equal(db_query_int(th_db(), text, p, 2, &v, &found), DB_OK);
    return found ? v : -1;
}

/* Portal mails queued for record (app, id). */
static long long
mails(long id)
{
    return sql_count("SELECT COUNT(*) FROM mail_outbox WHERE kind = 'portal' AND ref = "
                     "'app:' || CAST($1 AS TEXT) || '/record:' || CAST($2 AS TEXT)",
                     app, id);
}

/* The decrypted body of the newest mail (static buffer). */
static const char *
last_mail_body(void)
{
    static char out[8192];
    struct db_res *res = NULL;
    assert_int_equal(
        db_query(th_db(), "SELECT body FROM mail_outbox ORDER BY id DESC LIMIT 1", NULL, 0, &res),
        DB_OK);
    assert_int_equal(db_step(res), 1);
    unsigned char bin[8192];
    size_t n = 0;
    assert_int_equal(sodium_base642bin(bin, sizeof(bin), db_col_text(res, 0),
                                       db_col_len(res, 0), NULL, &n, NULL,
                                       sodium_base64_VARIANT_ORIGINAL),
                     0);
    db_res_free(res);
    struct arena *a = arena_new();
    struct strbuf sb;
    strbuf_init(&sb, a, 0);
    assert_int_equal(sec_decrypt(th_key(), bin, n, &sb), ERR_OK);
    snprintf(out, sizeof(out), "%.*s", (int)sb.len, sb.buf);
    arena_free(a);
    return out;
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

static const struct th_resp *
as_get(const char *user, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const struct th_resp *
as_get(const char *user, const char *fmt, ...)
{
    char target[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(target, sizeof(target), fmt, ap);
    va_end(ap);
    const char *h[] = { th_auth_header(user, PW), NULL };
    return th_request("GET", target, NULL, h, 0);
}

/* Uploads data as the admin (ctype NULL: sniffed); returns the upload key (rotating buffer). */
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
    const char *k = th_str(r->json, "fileKey");
    assert_non_null(k);
    char *out = keys[slot++ % 4];
    snprintf(out, sizeof(keys[0]), "%s", k);
    return out;
}

static long
new_record(long app_id)
{
    const struct th_resp *r = th_sendq("POST", "/k/v1/record.json",
                                       "{'app':%ld,'record':{'title':{'value':'営業許可'}}}",
                                       app_id);
    TH_EXPECT_STATUS(200);
    return strtol(th_str(r->json, "id"), NULL, 10);
}

/* Makes (app, id) an online application of applicant `email`. */
static void
own(long id, const char *email, long draft)
{
    struct db_param a[] = { DBP_TEXT(email) };
    sql_exec("INSERT INTO applicants (email, created_at) VALUES ($1, 0)", a, 1);
    char receipt[32];
    snprintf(receipt, sizeof(receipt), "R-%ld", id);
    struct db_param o[] = { DBP_INT(app), DBP_INT(id), DBP_TEXT(email), DBP_TEXT(receipt),
                            DBP_INT(draft) };
    sql_exec("INSERT INTO record_owners (app_id, record_id, applicant_id, receipt_no, form_code, "
             "form_version, draft_id, created_at) SELECT $1, $2, id, $4, 'eigyo', 1, $5, 0 "
             "FROM applicants WHERE email = $3",
             o, 5);
}

/* Issues the test PDF as the admin; returns the document id (fileKey copied to key). */
static long
issue(long id, const char *title, int deliver, char key[80])
{
    const char *up = upload("kyoka.pdf", NULL, pdf, PDF_LEN);
    const struct th_resp *r =
        th_sendq("POST", "/k/v1/record/document.json",
                 "{'app':%ld,'record':%ld,'title':'%s','fileKey':'%s'%s}", app, id, title, up,
                 deliver ? ",'deliver':true" : "");
    TH_EXPECT_STATUS(200);
    json_t *jid = json_object_get(r->json, "id");
    assert_true(json_is_integer(jid));
    if (key)
        snprintf(key, 80, "%s", th_str(r->json, "fileKey"));
    return (long)json_integer_value(jid);
}

static int
deliver(long id, long doc, const char *value)
{
    th_sendq("PUT", "/k/v1/record/document/delivery.json",
             "{'app':%ld,'record':%ld,'id':%ld,'deliver':%s}", app, id, doc, value);
    return th_last_status();
}

static int
setup(void **state)
{
    th_setup(state);
    th_user("viewer", PW, 0);
    th_user("outsider", PW, 0);
    th_user("clerk", PW, 0);
    app = th_app("{\"title\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"title\"}}");
    other_app = th_app("{\"title\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"title\"}}");
    th_sendq("PUT", "/k/v1/preview/app/acl.json",
             "{'app':%ld,'rights':[{'entity':{'type':'USER','code':'viewer'},'recordViewable':true},"
             "{'entity':{'type':'USER','code':'outsider'}},"
             "{'entity':{'type':'GROUP','code':'everyone'},'appEditable':true,'recordViewable':true,"
             "'recordAddable':true,'recordEditable':true,'recordDeletable':true}]}",
             app);
    TH_EXPECT_STATUS(200);
    th_sendq("POST", "/k/v1/preview/app/deploy.json", "{'apps':[{'app':%ld}]}", app);
    TH_EXPECT_STATUS(200);
    return 0;
}

static void
test_issue_list_deliver(void **state)
{
    (void)state;
    long id = new_record(app);
    own(id, "taro@example.jp", 1);
    /* the record's revision at issue time is kept */
    th_sendq("PUT", "/k/v1/record.json", "{'app':%ld,'id':%ld,'record':{'title':{'value':'x'}}}",
             app, id);
    TH_EXPECT_STATUS(200);

    const struct th_resp *r = th_getf("/k/v1/record/documents.json?app=%ld&record=%ld", app, id);
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "documents"), 0);

    char key[80];
    long doc = issue(id, "営業許可書", 0, key);
    assert_true(doc > 0);
    assert_int_equal(mails(id), 0); /* not delivered yet */

    r = th_getf("/k/v1/record/documents.json?app=%ld&record=%ld", app, id);
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "documents"), 1);
    json_t *d0 = th_at(r->json, "documents.0");
    assert_int_equal(json_integer_value(json_object_get(d0, "id")), doc);
    assert_string_equal(th_str(d0, "title"), "営業許可書");
    assert_string_equal(th_str(d0, "fileKey"), key);
    assert_string_equal(th_str(d0, "name"), "kyoka.pdf");
    assert_string_equal(th_str(d0, "contentType"), "application/pdf"); /* sniffed */
    assert_int_equal(json_integer_value(json_object_get(d0, "size")), PDF_LEN);
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    crypto_hash_sha256(h, (const unsigned char *)pdf, PDF_LEN);
    sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
    assert_string_equal(th_str(d0, "sha256"), hex);
    assert_int_equal(json_integer_value(json_object_get(d0, "recordRevision")), 2);
    assert_string_equal(th_str(d0, "templateCode"), "");
    assert_int_equal(json_integer_value(json_object_get(d0, "templateVersion")), 0);
    assert_string_equal(th_str(d0, "createdBy"), "admin");
    assert_true(json_is_integer(json_object_get(d0, "createdAt")));
    assert_true(json_is_null(json_object_get(d0, "verifyCode")));
    assert_true(json_is_false(json_object_get(d0, "delivered")));
    assert_true(json_is_null(json_object_get(d0, "deliveredAt")));
    assert_true(json_is_null(json_object_get(d0, "deliveredBy")));
    assert_true(json_is_null(json_object_get(d0, "revokedAt")));

    /* deliver: one mail, without the title; again: no second mail */
    assert_int_equal(deliver(id, doc, "true"), 200);
    assert_int_equal(mails(id), 1);
    const char *body = last_mail_body();
    assert_non_null(strstr(body, "区から書類が交付されました。"));
    assert_non_null(strstr(body, "R-"));
    assert_null(strstr(body, "許可書")); /* no title, no personal data */
    assert_null(strstr(body, "営業"));
    assert_int_equal(deliver(id, doc, "true"), 200);
    assert_int_equal(mails(id), 1);
    r = th_getf("/k/v1/record/documents.json?app=%ld&record=%ld", app, id);
    assert_true(json_is_true(th_at(r->json, "documents.0.delivered")));
    assert_true(json_is_integer(th_at(r->json, "documents.0.deliveredAt")));
    assert_string_equal(th_str(r->json, "documents.0.deliveredBy"), "admin");

    /* undeliver clears it; delivering again is a new delivery (a new mail) */
    assert_int_equal(deliver(id, doc, "false"), 200);
    r = th_getf("/k/v1/record/documents.json?app=%ld&record=%ld", app, id);
    assert_true(json_is_false(th_at(r->json, "documents.0.delivered")));
    assert_true(json_is_null(th_at(r->json, "documents.0.deliveredAt")));
    assert_true(json_is_null(th_at(r->json, "documents.0.deliveredBy")));
    assert_int_equal(mails(id), 1);
    assert_int_equal(deliver(id, doc, "\"true\""), 200); /* string form accepted */
    assert_int_equal(mails(id), 2);

    /* issued with deliver: true: delivered at once, one more mail; oldest first */
    long doc2 = issue(id, "通知書", 1, NULL);
    assert_true(doc2 > doc);
    assert_int_equal(mails(id), 3);
    r = th_getf("/k/v1/record/documents.json?app=%ld&record=%ld", app, id);
    assert_int_equal(th_count(r->json, "documents"), 2);
    assert_string_equal(th_str(r->json, "documents.1.title"), "通知書");
    assert_true(json_is_true(th_at(r->json, "documents.1.delivered")));
}

static void
test_staff_download(void **state)
{
    (void)state;
    long id = new_record(app);
    char key[80];
    issue(id, "許可書", 0, key);
    const struct th_resp *r = th_getf("/k/v1/file.json?fileKey=%s", key);
    TH_EXPECT_STATUS(200);
    assert_int_equal(r->len, PDF_LEN);
    assert_memory_equal(r->body, pdf, PDF_LEN);
    assert_string_equal(r->content_type, "application/pdf");
    /* a user who may view the record may download it; one without rights may not */
    r = as_get("viewer", "/k/v1/file.json?fileKey=%s", key);
    TH_EXPECT_STATUS(200);
    assert_memory_equal(r->body, pdf, PDF_LEN);
    as_get("outsider", "/k/v1/file.json?fileKey=%s", key);
    TH_EXPECT_ERROR(403, "CB_NO02");
}

static void
test_no_applicant_no_mail(void **state)
{
    (void)state;
    long id = new_record(app); /* a paper application: no record_owners row */
    long doc = issue(id, "許可書", 1, NULL);
    assert_int_equal(mails(id), 0);
    assert_int_equal(deliver(id, doc, "false"), 200);
    assert_int_equal(deliver(id, doc, "true"), 200);
    assert_int_equal(mails(id), 0);
    const struct th_resp *r =
        th_getf("/k/v1/record/documents.json?app=%ld&record=%ld", app, id);
    assert_true(json_is_true(th_at(r->json, "documents.0.delivered")));
}

static void
test_refusals(void **state)
{
    (void)state;
    long id = new_record(app);
    long files_before = (long)sql_count(
        "SELECT COUNT(*) FROM files WHERE app_id = $1 AND record_id = $2", app, id);
    /* not a PDF: sniffed text, and bytes that are no PDF under a PDF label */
    const char *txt = upload("memo.txt", NULL, "just text\n", 10);
    th_sendq("POST", "/k/v1/record/document.json",
             "{'app':%ld,'record':%ld,'title':'許可書','fileKey':'%s'}", app, id, txt);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("fileKey");
    const char *fake = upload("fake.pdf", "application/pdf", "GIF89a....", 10);
    th_sendq("POST", "/k/v1/record/document.json",
             "{'app':%ld,'record':%ld,'title':'許可書','fileKey':'%s'}", app, id, fake);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("fileKey");
    /* nothing stayed attached */
    assert_int_equal(sql_count("SELECT COUNT(*) FROM files WHERE app_id = $1 AND record_id = $2",
                               app, id),
                     files_before);
    /* unknown upload key; a download key is no upload key */
    th_sendq("POST", "/k/v1/record/document.json",
             "{'app':%ld,'record':%ld,'title':'許可書','fileKey':'no-such-key'}", app, id);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("fileKey");
    char key[80];
    issue(id, "許可書", 0, key);
    th_sendq("POST", "/k/v1/record/document.json",
             "{'app':%ld,'record':%ld,'title':'許可書','fileKey':'%s'}", app, id, key);
    TH_EXPECT_KEY("fileKey");

    /* title: missing, blank, too long (101 characters), 100 is fine; control characters */
    const char *up = upload("a.pdf", "application/pdf", pdf, PDF_LEN);
    th_sendq("POST", "/k/v1/record/document.json", "{'app':%ld,'record':%ld,'fileKey':'%s'}",
             app, id, up);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("title");
    th_sendq("POST", "/k/v1/record/document.json",
             "{'app':%ld,'record':%ld,'title':'　 ','fileKey':'%s'}", app, id, up);
    TH_EXPECT_KEY("title");
    char longt[101 * 3 + 1] = "";
    for (int i = 0; i < 101; i++)
        strcat(longt, "書");
    th_sendq("POST", "/k/v1/record/document.json",
             "{'app':%ld,'record':%ld,'title':'%s','fileKey':'%s'}", app, id, longt, up);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("title");
    th_sendq("POST", "/k/v1/record/document.json",
             "{'app':%ld,'record':%ld,'title':'a\\nb','fileKey':'%s'}", app, id, up);
    TH_EXPECT_KEY("title");
    longt[100 * 3] = '\0';
    th_sendq("POST", "/k/v1/record/document.json",
             "{'app':%ld,'record':%ld,'title':'%s','fileKey':'%s'}", app, id, longt, up);
    TH_EXPECT_STATUS(200);

    /* bad types and missing parameters */
    th_sendq("POST", "/k/v1/record/document.json",
             "{'app':%ld,'record':%ld,'title':5,'fileKey':'%s'}", app, id, up);
    TH_EXPECT_KEY("title");
    th_sendq("POST", "/k/v1/record/document.json",
             "{'app':%ld,'record':%ld,'title':'x','fileKey':['%s']}", app, id, up);
    TH_EXPECT_KEY("fileKey");
    th_sendq("POST", "/k/v1/record/document.json",
             "{'app':%ld,'record':%ld,'title':'x','fileKey':'%s','deliver':1}", app, id, up);
    TH_EXPECT_KEY("deliver");
    th_sendq("POST", "/k/v1/record/document.json", "{'app':%ld,'title':'x','fileKey':'%s'}",
             app, up);
    TH_EXPECT_KEY("record");
    th_sendq("POST", "/k/v1/record/document.json", "{'record':%ld,'title':'x','fileKey':'%s'}",
             id, up);
    TH_EXPECT_KEY("app");
    th_getf("/k/v1/record/documents.json?app=%ld", app);
    TH_EXPECT_KEY("record");
    th_getf("/k/v1/record/documents.json?app=%ld&record=abc", app);
    TH_EXPECT_KEY("record");
    th_sendq("POST", "/k/v1/record/document.json", "{'app':%ld,'record':%ld,", app, id);
    TH_EXPECT_ERROR(400, "CB_IJ01");

    long doc = issue(id, "許可書", 0, NULL);
    th_sendq("PUT", "/k/v1/record/document/delivery.json", "{'app':%ld,'record':%ld,'id':%ld}",
             app, id, doc);
    TH_EXPECT_KEY("deliver");
    assert_int_equal(deliver(id, doc, "'yes'"), 400);
    TH_EXPECT_KEY("deliver");
    assert_int_equal(deliver(id, doc, "null"), 400);
    th_sendq("PUT", "/k/v1/record/document/delivery.json",
             "{'app':%ld,'record':%ld,'deliver':true}", app, id);
    TH_EXPECT_KEY("id");

    /* unknown document id, and the id of another record's document */
    assert_int_equal(deliver(id, 999999, "true"), 404);
    TH_EXPECT_ERROR(404, "MD_NF01");
    long id2 = new_record(app);
    long doc2 = issue(id2, "許可書", 0, NULL);
    assert_int_equal(deliver(id, doc2, "true"), 404);
    TH_EXPECT_ERROR(404, "MD_NF01");
    const struct th_resp *r =
        th_getf("/k/v1/record/documents.json?app=%ld&record=%ld", app, id2);
    assert_true(json_is_false(th_at(r->json, "documents.0.delivered")));

    /* a revoked document cannot be delivered (revocation comes with #7) */
    struct db_param p[] = { DBP_INT(doc2) };
    sql_exec("UPDATE record_documents SET revoked_at = 1 WHERE id = $1", p, 1);
    assert_int_equal(deliver(id2, doc2, "true"), 400);
    TH_EXPECT_KEY("id");
}

static void
test_permissions(void **state)
{
    (void)state;
    long id = new_record(app);
    long doc = issue(id, "許可書", 0, NULL);
    const char *up = upload("b.pdf", "application/pdf", pdf, PDF_LEN);

    /* view only: may list, may not issue or deliver */
    const struct th_resp *r =
        as_get("viewer", "/k/v1/record/documents.json?app=%ld&record=%ld", app, id);
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "documents"), 1);
    asf("viewer", "POST", "/k/v1/record/document.json",
        "{'app':%ld,'record':%ld,'title':'x','fileKey':'%s'}", app, id, up);
    TH_EXPECT_ERROR(403, "CB_NO02");
    asf("viewer", "PUT", "/k/v1/record/document/delivery.json",
        "{'app':%ld,'record':%ld,'id':%ld,'deliver':true}", app, id, doc);
    TH_EXPECT_ERROR(403, "CB_NO02");
    r = th_getf("/k/v1/record/documents.json?app=%ld&record=%ld", app, id);
    assert_true(json_is_false(th_at(r->json, "documents.0.delivered")));

    /* no rights at all */
    as_get("outsider", "/k/v1/record/documents.json?app=%ld&record=%ld", app, id);
    TH_EXPECT_ERROR(403, "CB_NO02");
    asf("outsider", "PUT", "/k/v1/record/document/delivery.json",
        "{'app':%ld,'record':%ld,'id':%ld,'deliver':true}", app, id, doc);
    TH_EXPECT_ERROR(403, "CB_NO02");

    /* an ordinary editor may issue; created_by is the caller */
    r = asf("clerk", "POST", "/k/v1/record/document.json",
            "{'app':%ld,'record':%ld,'title':'x','fileKey':'%s'}", app, id, up);
    TH_EXPECT_STATUS(200);
    r = th_getf("/k/v1/record/documents.json?app=%ld&record=%ld", app, id);
    assert_string_equal(th_str(r->json, "documents.1.createdBy"), "clerk");

    /* unknown records and another app's record */
    long foreign = new_record(other_app);
    long unknown = foreign + 1000;
    th_getf("/k/v1/record/documents.json?app=%ld&record=%ld", app, unknown);
    TH_EXPECT_ERROR(404, "GAIA_RE01");
    up = upload("c.pdf", "application/pdf", pdf, PDF_LEN);
    th_sendq("POST", "/k/v1/record/document.json",
             "{'app':%ld,'record':%ld,'title':'x','fileKey':'%s'}", app, unknown, up);
    TH_EXPECT_ERROR(404, "GAIA_RE01");
    th_sendq("PUT", "/k/v1/record/document/delivery.json",
             "{'app':%ld,'record':%ld,'id':%ld,'deliver':true}", app, unknown, doc);
    TH_EXPECT_ERROR(404, "GAIA_RE01");
    /* the document of app's record asked for through the other app */
    th_sendq("PUT", "/k/v1/record/document/delivery.json",
             "{'app':%ld,'record':%ld,'id':%ld,'deliver':true}", other_app, foreign, doc);
    TH_EXPECT_ERROR(404, "MD_NF01");
    th_getf("/k/v1/record/documents.json?app=%ld&record=%ld", 999999L, id);
    TH_EXPECT_ERROR(404, "GAIA_AP01");
}

/* The applicant's side as the portal calls it: only delivered, unrevoked documents of that
 * record, without internal columns. */
static void
test_applicant_view(void **state)
{
    (void)state;
    long id = new_record(app);
    own(id, "hanako@example.jp", 2);
    long undelivered = issue(id, "下書き", 0, NULL);
    char key[80];
    long delivered = issue(id, "許可書", 1, key);
    long other = issue(new_record(app), "許可書", 1, NULL);

    struct arena *a = arena_new();
    struct fail f;
    fail_init(&f, a, LANG_JA);
    struct ctx c = { .arena = a, .db = th_db(), .fail = &f, .now = th_now() };
    c.who.kind = PRIN_SYSTEM;
    c.who.login = "system";

    json_t *out = NULL;
    assert_int_equal(doc_list(&c, app, id, true, &out), ERR_OK);
    assert_int_equal(json_array_size(json_object_get(out, "documents")), 1);
    json_t *d0 = json_array_get(json_object_get(out, "documents"), 0);
    assert_int_equal(json_integer_value(json_object_get(d0, "id")), delivered);
    assert_string_equal(json_string_value(json_object_get(d0, "title")), "許可書");
    assert_string_equal(json_string_value(json_object_get(d0, "name")), "kyoka.pdf");
    assert_true(json_is_integer(json_object_get(d0, "deliveredAt")));
    const char *internal[] = { "fileKey", "deliveredBy", "createdBy", "templateCode",
                               "templateVersion", "recordRevision" };
    for (size_t i = 0; i < sizeof(internal) / sizeof(internal[0]); i++)
        assert_null(json_object_get(d0, internal[i]));
    json_decref(out);

    struct doc_file df;
    assert_int_equal(doc_get_delivered(&c, app, id, delivered, &df), ERR_OK);
    assert_int_equal(df.id, delivered);
    assert_string_equal(df.file_key, key);
    assert_string_equal(df.name, "kyoka.pdf");
    assert_string_equal(df.title, "許可書");
    assert_int_equal(doc_get_delivered(&c, app, id, undelivered, &df), ERR_NOT_FOUND);
    assert_int_equal(doc_get_delivered(&c, app, id, other, &df), ERR_NOT_FOUND);
    assert_int_equal(doc_get_delivered(&c, other_app, id, delivered, &df), ERR_NOT_FOUND);
    assert_int_equal(doc_get_delivered(&c, app, id, 999999, &df), ERR_NOT_FOUND);
    assert_null(df.file_key);

    /* revoked: gone from the applicant's list and download */
    struct db_param p[] = { DBP_INT(delivered) };
    sql_exec("UPDATE record_documents SET revoked_at = 1 WHERE id = $1", p, 1);
    assert_int_equal(doc_get_delivered(&c, app, id, delivered, &df), ERR_NOT_FOUND);
    assert_int_equal(doc_list(&c, app, id, true, &out), ERR_OK);
    assert_int_equal(json_array_size(json_object_get(out, "documents")), 0);
    json_decref(out);
    arena_free(a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_issue_list_deliver), cmocka_unit_test(test_staff_download),
        cmocka_unit_test(test_no_applicant_no_mail), cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_permissions), cmocka_unit_test(test_applicant_view),
    };
    return cmocka_run_group_tests_name(th_backend(), tests, setup, th_teardown);
}
