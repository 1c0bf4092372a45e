/* In-process API tests of permissions: the permission matrix (role × record rule × endpoint,
 * generated from one table), field-level rules (hidden fields absent from reads, queries and
 * writes), the kintone ACL endpoints (validation, preview/deploy, evaluate) and the access
 * report. The directory (organisations, groups, memberships) is written with SQL so that this
 * suite depends only on the tables' meaning. */
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
#include "domain/ctx.h"

#define PW "acl-test-password-1"
#define BOUNDARY "----aclBoundary"

static long app;
static long rec[5];  /* 1: 一般, 2: 秘, 3: 担当限定 (担当者 tanto), 4: 担当限定 (担当者 kita) */
static char dl_key[128]; /* download key of the file on record 1 */

static void
sql(const char *text, const char *a, const char *b)
{
    struct db_param p[2] = { DBP_TEXT(a ? a : ""), DBP_TEXT(b ? b : "") };
    int n = 0;
    if (a)
        n = b ? 2 : 1;
    if (db_exec(th_db(), text, p, n, NULL) != DB_OK) {
        fprintf(stderr, "sql failed: %s: %s\n", text, db_errmsg(th_db()));
        abort();
    }
}

static void
org(const char *code, const char *parent)
{
    if (parent)
        sql("INSERT INTO orgs (code, name, parent_id, created_at) "
            "SELECT $1, $1, id, 0 FROM orgs WHERE code = $2", code, parent);
    else
        sql("INSERT INTO orgs (code, name, created_at) VALUES ($1, $1, 0)", code, NULL);
}

static void
member(const char *login, const char *org_code, const char *group_code)
{
    if (org_code)
        sql("INSERT INTO org_members (org_id, user_id) SELECT o.id, u.id FROM orgs o, users u "
            "WHERE o.code = $1 AND u.login = $2", org_code, login);
    if (group_code)
        sql("INSERT INTO group_members (group_id, user_id) SELECT g.id, u.id FROM user_groups g, "
            "users u WHERE g.code = $1 AND u.login = $2", group_code, login);
}

static const struct th_resp *
as(const char *user, const char *method, const char *target, const char *body)
{
    const char *h[] = { th_auth_header(user, PW), NULL };
    return th_request(method, target, body, h, 0);
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
    return as(user, method, target, body);
}

static long
add(const char *kubun, const char *tanto)
{
    const struct th_resp *r = th_sendq(
        "POST", "/k/v1/record.json",
        "{'app':%ld,'record':{'件名':{'value':'%s'},'区分':{'value':'%s'},"
        "'担当者':{'value':[{'code':'%s'}]},'審査メモ':{'value':'メモ'},"
        "'個人番号':{'value':'123456789012'}}}",
        app, kubun, kubun, tanto);
    if (r->status != 200)
        th_dump();
    assert_int_equal(r->status, 200);
    return strtol(th_str(r->json, "id"), NULL, 10);
}

static void
deploy(void)
{
    const struct th_resp *r = th_send("POST", "/k/v1/preview/app/deploy.json",
                                      "{\"apps\":[{\"app\":%ld}]}", app);
    if (r->status != 200)
        th_dump();
    assert_int_equal(r->status, 200);
}

static int
setup(void **state)
{
    th_setup(state);
    const char *users[] = { "tanto", "kakari", "bucho", "kita", "outsider" };
    for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++)
        th_user(users[i], PW, 0);
    org("seisaku", NULL);      /* 都市整備政策部 */
    org("keikaku", "seisaku"); /* › 都市計画課 */
    org("kitazawa", NULL);     /* 北沢総合支所 */
    org("kita-machi", "kitazawa"); /* › 街づくり課 */
    sql("INSERT INTO user_groups (code, name, created_at) VALUES ($1, $2, 0)", "tanto", "担当");
    sql("INSERT INTO user_groups (code, name, created_at) VALUES ($1, $2, 0)", "kakaricho", "係長");
    sql("INSERT INTO user_groups (code, name, created_at) VALUES ($1, $2, 0)", "bucho", "部長");
    member("tanto", "keikaku", "tanto");
    member("kakari", "keikaku", "kakaricho");
    member("bucho", "seisaku", "bucho");
    member("kita", "kita-machi", "tanto");

    return 0;
}

/* The harness's th_app takes real JSON: the fields above are written with single quotes for
 * legibility, so re-create the app through this helper instead. */
static long
make_app(void)
{
    static const char fields[] =
        "{'件名':{'type':'SINGLE_LINE_TEXT','code':'件名'},"
        "'区分':{'type':'DROP_DOWN','code':'区分','options':{"
        "'一般':{'label':'一般','index':'0'},'秘':{'label':'秘','index':'1'},"
        "'担当限定':{'label':'担当限定','index':'2'}}},"
        "'担当者':{'type':'USER_SELECT','code':'担当者'},"
        "'審査メモ':{'type':'SINGLE_LINE_TEXT','code':'審査メモ'},"
        "'個人番号':{'type':'SINGLE_LINE_TEXT','code':'個人番号'},"
        "'添付':{'type':'FILE','code':'添付'}}";
    char buf[sizeof(fields)];
    memcpy(buf, fields, sizeof(fields));
    for (char *p = buf; *p; p++)
        if (*p == '\'')
            *p = '"';
    return th_app(buf);
}

static void
upload_file(void)
{
    char body[1024];
    int n = snprintf(body, sizeof(body),
                     "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                     "Content-Type: text/plain\r\n\r\n秘密の添付\r\n--%s--\r\n",
                     BOUNDARY, BOUNDARY);
    const char *h[] = { "Content-Type: multipart/form-data; boundary=" BOUNDARY, NULL };
    const struct th_resp *r = th_request_n("POST", "/k/v1/file.json", body, (size_t)n, h, 1);
    assert_int_equal(r->status, 200);
    char key[128];
    snprintf(key, sizeof(key), "%s", th_str(r->json, "fileKey"));
    r = th_sendq("PUT", "/k/v1/record.json", "{'app':%ld,'id':%ld,'record':{'添付':{'value':[{'fileKey':'%s'}]}}}",
                 app, rec[1], key);
    assert_int_equal(r->status, 200);
    r = th_getf("/k/v1/record.json?app=%ld&id=%ld", app, rec[1]);
    snprintf(dl_key, sizeof(dl_key), "%s", th_str(r->json, "record.添付.value.0.fileKey"));
    assert_true(strlen(dl_key) > 10);
    r = th_sendq("POST", "/k/v1/record/comment.json",
                 "{'app':%ld,'record':%ld,'comment':{'text':'確認しました'}}", app, rec[1]);
    assert_int_equal(r->status, 200);
}

/* Records first (the administrator writes every field), then the permissions. */
static void
apply_acl(void)
{
    const struct th_resp *r = th_sendq(
        "PUT", "/k/v1/preview/app/acl.json",
        "{'app':%ld,'rights':["
        "{'entity':{'type':'CREATOR'},'appEditable':true,'recordViewable':true,"
        "'recordAddable':true,'recordEditable':true,'recordDeletable':true},"
        "{'entity':{'type':'USER','code':'outsider'},'recordViewable':false},"
        "{'entity':{'type':'ORGANIZATION','code':'seisaku'},'includeSubs':true,"
        "'recordViewable':true,'recordAddable':true,'recordEditable':true,'recordDeletable':true,"
        "'recordExportable':true},"
        "{'entity':{'type':'ORGANIZATION','code':'kitazawa'},'includeSubs':true,"
        "'recordViewable':true}]}",
        app);
    if (r->status != 200)
        th_dump();
    assert_int_equal(r->status, 200);
    r = th_sendq("PUT", "/k/v1/preview/record/acl.json",
                 "{'app':%ld,'rights':["
                 "{'filterCond':'区分 in (\\'秘\\')','entities':["
                 "{'entity':{'type':'ORGANIZATION','code':'seisaku'},'viewable':true,'editable':true,'deletable':true}]},"
                 "{'filterCond':'区分 in (\\'担当限定\\')','entities':["
                 "{'entity':{'type':'FIELD_ENTITY','code':'担当者'},'viewable':true,'editable':true,'deletable':false},"
                 "{'entity':{'type':'GROUP','code':'kakaricho'},'viewable':true,'editable':false,'deletable':false}]},"
                 "{'filterCond':'','entities':["
                 "{'entity':{'type':'GROUP','code':'everyone'},'viewable':true,'editable':true,'deletable':true}]}]}",
                 app);
    if (r->status != 200)
        th_dump();
    assert_int_equal(r->status, 200);
    r = th_sendq("PUT", "/k/v1/preview/field/acl.json",
                 "{'app':%ld,'rights':["
                 "{'code':'個人番号','entities':[{'accessibility':'WRITE','entity':{'type':'GROUP','code':'bucho'}}]},"
                 "{'code':'審査メモ','entities':["
                 "{'accessibility':'WRITE','entity':{'type':'GROUP','code':'kakaricho'}},"
                 "{'accessibility':'WRITE','entity':{'type':'GROUP','code':'bucho'}},"
                 "{'accessibility':'READ','entity':{'type':'GROUP','code':'everyone'}}]}]}",
                 app);
    if (r->status != 200)
        th_dump();
    assert_int_equal(r->status, 200);
    deploy();
}

static int
setup_matrix(void **state)
{
    setup(state);
    app = make_app();
    rec[1] = add("一般", "tanto");
    rec[2] = add("秘", "bucho");
    rec[3] = add("担当限定", "tanto");
    rec[4] = add("担当限定", "kita");
    upload_file();
    apply_acl();
    return 0;
}

/* ---- the matrix ------------------------------------------------------------------------
 * One row per user and record: the letters of what must be allowed.
 *   g GET record.json          l listed by GET records.json   c listed by a cursor
 *   u PUT record.json          d DELETE records.json          m GET record/comments.json
 *   f GET file.json (record 1 only; also needs the 添付 field visible)
 * evaluate.json must report viewable = g, editable = u, deletable = d. */
static const struct {
    const char *user;
    int rec;
    const char *allow;
} matrix[] = {
    /* 担当, 都市計画課 (inside 都市整備政策部): app rights V A E D */
    { "tanto", 1, "glcudmf" }, { "tanto", 2, "" }, { "tanto", 3, "glcum" }, { "tanto", 4, "" },
    /* 係長, 都市計画課 */
    { "kakari", 1, "glcudmf" }, { "kakari", 2, "" }, { "kakari", 3, "glcm" }, { "kakari", 4, "glcm" },
    /* 部長, 都市整備政策部 itself */
    { "bucho", 1, "glcudmf" }, { "bucho", 2, "glcudm" }, { "bucho", 3, "" }, { "bucho", 4, "" },
    /* 担当, 北沢総合支所 › 街づくり課: app rights V only */
    { "kita", 1, "glcmf" }, { "kita", 2, "" }, { "kita", 3, "" }, { "kita", 4, "glcm" },
    /* no organisation, named in the app ACL with no rights */
    { "outsider", 1, "" }, { "outsider", 2, "" }, { "outsider", 3, "" }, { "outsider", 4, "" },
};

static bool
listed(const json_t *records, long id)
{
    size_t i;
    json_t *r;
    json_array_foreach(records, i, r)
    {
        const char *v = json_string_value(json_object_get(json_object_get(r, "$id"), "value"));
        if (v && strtol(v, NULL, 10) == id)
            return true;
    }
    return false;
}

static void
expect(bool want, bool got, const char *user, int recno, char op)
{
    if (want != got) {
        fprintf(stderr, "matrix: user %s record %d op %c: expected %s, got %s\n", user, recno, op,
                want ? "allow" : "deny", got ? "allow" : "deny");
        th_dump();
    }
    assert_true(want == got);
}

static void
run_matrix(void)
{
    char target[512];
    for (size_t i = 0; i < sizeof(matrix) / sizeof(matrix[0]); i++) {
        const char *u = matrix[i].user, *allow = matrix[i].allow;
        long id = rec[matrix[i].rec];
        int n = matrix[i].rec;
        const struct th_resp *r;

        snprintf(target, sizeof(target), "/k/v1/record.json?app=%ld&id=%ld", app, id);
        r = as(u, "GET", target, NULL);
        expect(strchr(allow, 'g'), r->status == 200, u, n, 'g');
        if (r->status != 200) /* a denial is a 403 in kintone's error shape, never a 404 or 500 */
            assert_int_equal(r->status, 403);

        snprintf(target, sizeof(target), "/k/v1/records.json?app=%ld", app);
        r = as(u, "GET", target, NULL);
        expect(strchr(allow, 'l'), r->status == 200 && listed(json_object_get(r->json, "records"), id),
               u, n, 'l');

        r = asf(u, "POST", "/k/v1/records/cursor.json", "{'app':%ld}", app);
        bool in_cursor = false;
        if (r->status == 200) {
            char cid[128];
            snprintf(cid, sizeof(cid), "%s", th_str(r->json, "id"));
            snprintf(target, sizeof(target), "/k/v1/records/cursor.json?id=%s", cid);
            r = as(u, "GET", target, NULL);
            assert_int_equal(r->status, 200);
            in_cursor = listed(json_object_get(r->json, "records"), id);
        }
        expect(strchr(allow, 'c'), in_cursor, u, n, 'c');

        /* writes probe with a stale revision: allowed requests reach the revision check (409),
         * refused ones stop at the permission check (403); nothing is changed either way */
        r = asf(u, "PUT", "/k/v1/record.json",
                "{'app':%ld,'id':%ld,'revision':999,'record':{'件名':{'value':'x'}}}", app, id);
        expect(strchr(allow, 'u'), r->status == 409, u, n, 'u');
        assert_true(r->status == 409 || r->status == 403);

        snprintf(target, sizeof(target), "/k/v1/records.json?app=%ld&ids[0]=%ld&revisions[0]=999",
                 app, id);
        r = as(u, "DELETE", target, NULL);
        expect(strchr(allow, 'd'), r->status == 409, u, n, 'd');
        assert_true(r->status == 409 || r->status == 403);

        snprintf(target, sizeof(target), "/k/v1/record/comments.json?app=%ld&record=%ld", app, id);
        r = as(u, "GET", target, NULL);
        expect(strchr(allow, 'm'), r->status == 200, u, n, 'm');

        if (n == 1) {
            snprintf(target, sizeof(target), "/k/v1/file.json?fileKey=%s", dl_key);
            r = as(u, "GET", target, NULL);
            expect(strchr(allow, 'f'), r->status == 200, u, n, 'f');
        }

        snprintf(target, sizeof(target), "/k/v1/records/acl/evaluate.json?app=%ld&ids[0]=%ld", app,
                 id);
        r = as(u, "GET", target, NULL);
        if (!strcmp(u, "outsider")) {
            assert_int_equal(r->status, 403);
            continue;
        }
        assert_int_equal(r->status, 200);
        json_t *rec0 = th_at(r->json, "rights.0.record");
        assert_non_null(rec0);
        expect(strchr(allow, 'g'), json_is_true(json_object_get(rec0, "viewable")), u, n, 'V');
        expect(strchr(allow, 'u'), json_is_true(json_object_get(rec0, "editable")), u, n, 'E');
        expect(strchr(allow, 'd'), json_is_true(json_object_get(rec0, "deletable")), u, n, 'D');
    }
}

static int64_t
count_sql(const char *text)
{
    int64_t n = -1;
    bool found;
    assert_int_equal(db_query_int(th_db(), text, NULL, 0, &n, &found), DB_OK);
    return n;
}

/* Twice: with the rules pre-evaluated per record (records.acl_bits, set at deploy), and with
 * those bits invalidated, so every condition is evaluated in the query itself. */
static void
test_matrix(void **state)
{
    (void)state;
    assert_int_equal(count_sql("SELECT COUNT(*) FROM records r JOIN apps a ON a.id = r.app_id "
                               "WHERE r.acl_rev = a.acl_rev AND r.acl_bits IS NOT NULL"),
                     4);
    run_matrix();
    assert_int_equal(db_exec(th_db(), "UPDATE records SET acl_rev = NULL", NULL, 0, NULL), DB_OK);
    run_matrix();
    /* a write brings its record's bits back */
    const struct th_resp *r = asf("bucho", "PUT", "/k/v1/record.json",
                                  "{'app':%ld,'id':%ld,'record':{'件名':{'value':'秘'}}}", app,
                                  rec[2]);
    assert_int_equal(r->status, 200);
    assert_int_equal(count_sql("SELECT COUNT(*) FROM records r JOIN apps a ON a.id = r.app_id "
                               "WHERE r.acl_rev = a.acl_rev AND r.acl_bits = 1"),
                     1);
}

/* Hidden fields: absent from reads (stored rendering and on-the-spot rendering alike),
 * unknown to queries, refused in writes without naming the field. */
static void
test_fields(void **state)
{
    (void)state;
    char target[256];
    snprintf(target, sizeof(target), "/k/v1/record.json?app=%ld&id=%ld", app, rec[1]);
    const struct th_resp *r = as("tanto", "GET", target, NULL);
    assert_int_equal(r->status, 200);
    assert_null(th_at(r->json, "record.個人番号"));
    assert_non_null(th_at(r->json, "record.審査メモ"));
    assert_non_null(th_at(r->json, "record.件名"));
    assert_null(strstr(r->body, "123456789012"));
    r = as("bucho", "GET", target, NULL);
    assert_string_equal(th_str(r->json, "record.個人番号.value"), "123456789012");

    /* `fields` asking for the hidden field gets nothing of it */
    snprintf(target, sizeof(target), "/k/v1/records.json?app=%ld&fields[0]=個人番号&fields[1]=件名",
             app);
    r = as("kakari", "GET", target, NULL);
    assert_int_equal(r->status, 200);
    assert_null(strstr(r->body, "個人番号"));
    assert_non_null(strstr(r->body, "件名"));

    /* list: no record carries the hidden value */
    snprintf(target, sizeof(target), "/k/v1/records.json?app=%ld", app);
    r = as("kita", "GET", target, NULL);
    assert_int_equal(r->status, 200);
    assert_null(strstr(r->body, "123456789012"));

    /* querying a hidden field is querying an unknown one (no oracle on its value) */
    snprintf(target, sizeof(target), "/k/v1/records.json?app=%ld&query=%s", app,
             "%E5%80%8B%E4%BA%BA%E7%95%AA%E5%8F%B7%20%3D%20%22123456789012%22");
    r = as("tanto", "GET", target, NULL);
    TH_EXPECT_ERROR(400, "GAIA_IQ11");
    r = as("bucho", "GET", target, NULL);
    assert_int_equal(r->status, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "records")), 2); /* records 1 and 2 */

    /* refusals are on the security event trail */
    assert_true(count_sql("SELECT COUNT(*) FROM security_events WHERE action = 'access.deny' "
                          "AND actor = 'tanto'") > 0);

    /* writes: read-only and hidden fields are refused, the error names neither */
    r = asf("tanto", "PUT", "/k/v1/record.json",
            "{'app':%ld,'id':%ld,'record':{'審査メモ':{'value':'書き換え'}}}", app, rec[1]);
    TH_EXPECT_ERROR(403, "CB_NO02");
    r = asf("kakari", "PUT", "/k/v1/record.json",
            "{'app':%ld,'id':%ld,'record':{'個人番号':{'value':'999'}}}", app, rec[1]);
    TH_EXPECT_ERROR(403, "CB_NO02");
    assert_null(strstr(r->body, "個人番号"));
    r = asf("kakari", "POST", "/k/v1/record.json",
            "{'app':%ld,'record':{'個人番号':{'value':'999'}}}", app);
    TH_EXPECT_ERROR(403, "CB_NO02");
    /* an update key on a hidden field is an unknown field */
    r = asf("kakari", "PUT", "/k/v1/record.json",
            "{'app':%ld,'updateKey':{'field':'個人番号','value':'123456789012'},'record':{}}", app);
    assert_int_equal(r->status, 400);
    assert_null(strstr(r->body, "123456789012"));
    /* writable ones work */
    r = asf("kakari", "PUT", "/k/v1/record.json",
            "{'app':%ld,'id':%ld,'record':{'審査メモ':{'value':'係長確認済'}}}", app, rec[1]);
    assert_int_equal(r->status, 200);
    r = asf("bucho", "PUT", "/k/v1/record.json",
            "{'app':%ld,'id':%ld,'record':{'個人番号':{'value':'123456789012'}}}", app, rec[1]);
    assert_int_equal(r->status, 200);

    /* a required field the caller may not see: refused without naming it */
    r = th_sendq("PUT", "/k/v1/preview/app/form/fields.json",
                 "{'app':%ld,'properties':{'個人番号':{'type':'SINGLE_LINE_TEXT','code':'個人番号',"
                 "'required':true}}}",
                 app);
    assert_int_equal(r->status, 200);
    deploy();
    r = asf("kakari", "POST", "/k/v1/record.json", "{'app':%ld,'record':{'件名':{'value':'x'}}}",
            app);
    TH_EXPECT_ERROR(403, "CB_NO02");
    assert_null(strstr(r->body, "個人番号"));
    r = asf("bucho", "POST", "/k/v1/record.json", "{'app':%ld,'record':{'件名':{'value':'x'}}}",
            app);
    TH_EXPECT_ERROR(400, "CB_VA01"); /* who may see it is told which field is missing */
    assert_non_null(strstr(r->body, "個人番号"));
    r = th_sendq("PUT", "/k/v1/preview/app/form/fields.json",
                 "{'app':%ld,'properties':{'個人番号':{'type':'SINGLE_LINE_TEXT','code':'個人番号',"
                 "'required':false}}}",
                 app);
    assert_int_equal(r->status, 200);
    deploy();

    /* evaluate reports field rights */
    snprintf(target, sizeof(target), "/k/v1/records/acl/evaluate.json?app=%ld&ids[0]=%ld", app,
             rec[1]);
    r = as("tanto", "GET", target, NULL);
    assert_int_equal(r->status, 200);
    assert_false(json_is_true(th_at(r->json, "rights.0.fields.個人番号.viewable")));
    assert_true(json_is_true(th_at(r->json, "rights.0.fields.審査メモ.viewable")));
    assert_false(json_is_true(th_at(r->json, "rights.0.fields.審査メモ.editable")));
    assert_true(json_is_true(th_at(r->json, "rights.0.fields.件名.editable")));
}

/* API tokens carry their own rights (kintone): record and field rules do not apply. */
static void
test_token_unrestricted(void **state)
{
    (void)state;
    const char *tok = th_token(app, ACL_VIEW);
    char hdr[128], target[256];
    snprintf(hdr, sizeof(hdr), "X-Cybozu-API-Token: %s", tok);
    const char *h[] = { hdr, NULL };
    snprintf(target, sizeof(target), "/k/v1/record.json?app=%ld&id=%ld", app, rec[2]);
    const struct th_resp *r = th_request("GET", target, NULL, h, 0);
    assert_int_equal(r->status, 200);
    assert_string_equal(th_str(r->json, "record.個人番号.value"), "123456789012");
}

/* The settings themselves: GET (live and preview), validation, revision. */
static void
test_acl_endpoints(void **state)
{
    (void)state;
    const struct th_resp *r = th_getf("/k/v1/record/acl.json?app=%ld", app);
    assert_int_equal(r->status, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "rights")), 3);
    assert_string_equal(th_str(r->json, "rights.0.filterCond"), "区分 in (\"秘\")");
    r = th_getf("/k/v1/field/acl.json?app=%ld", app);
    assert_string_equal(th_str(r->json, "rights.0.code"), "個人番号");
    r = th_getf("/k/v1/app/acl.json?app=%ld", app);
    assert_string_equal(th_str(r->json, "rights.2.entity.code"), "seisaku");
    /* the administrator holds appEditable by the CREATOR entry here: no privilege used */
    assert_int_equal(count_sql("SELECT COUNT(*) FROM security_events WHERE action = 'admin.use' "
                               "AND target LIKE 'app:%'"),
                     0);
    assert_true(json_is_true(th_at(r->json, "rights.2.includeSubs")));

    /* non-managers may not read the settings */
    char target[128];
    snprintf(target, sizeof(target), "/k/v1/app/acl.json?app=%ld", app);
    r = as("tanto", "GET", target, NULL);
    TH_EXPECT_ERROR(403, "CB_NO02");
    r = asf("tanto", "PUT", "/k/v1/preview/app/acl.json", "{'app':%ld,'rights':[]}", app);
    TH_EXPECT_ERROR(403, "CB_NO02");

    /* bad documents */
    r = th_sendq("PUT", "/k/v1/preview/record/acl.json",
                 "{'app':%ld,'rights':[{'filterCond':'存在しない = 1','entities':[]}]}", app);
    TH_EXPECT_KEY("rights[0].filterCond");
    r = th_sendq("PUT", "/k/v1/preview/record/acl.json",
                 "{'app':%ld,'rights':[{'filterCond':'','entities':[{'entity':{'type':'CREATOR'},'viewable':true}]}]}",
                 app);
    TH_EXPECT_KEY("rights[0].entities[0].entity.type");
    r = th_sendq("PUT", "/k/v1/preview/field/acl.json",
                 "{'app':%ld,'rights':[{'code':'件名','entities':[{'accessibility':'ALL','entity':{'type':'USER','code':'a'}}]}]}",
                 app);
    TH_EXPECT_KEY("rights[0].entities[0].accessibility");
    r = th_sendq("PUT", "/k/v1/preview/field/acl.json",
                 "{'app':%ld,'rights':[{'code':'$id','entities':[]}]}", app);
    TH_EXPECT_KEY("rights[0].code");
    r = th_sendq("PUT", "/k/v1/preview/field/acl.json",
                 "{'app':%ld,'rights':[{'code':'件名','entities':[{'accessibility':'READ','entity':{'type':'FIELD_ENTITY','code':'件名'}}]}]}",
                 app);
    TH_EXPECT_KEY("rights[0].entities[0].entity.code");
    r = th_sendq("PUT", "/k/v1/preview/app/acl.json",
                 "{'app':%ld,'rights':[{'entity':{'type':'USER','code':'x'},'recordViewable':'yes'}]}",
                 app);
    TH_EXPECT_KEY("rights[0].recordViewable");
    r = th_sendq("PUT", "/k/v1/preview/app/acl.json", "{'app':%ld,'rights':[],'revision':1}", app);
    TH_EXPECT_ERROR(409, "GAIA_CO02");
    /* an app whose permissions leave the administrator out: managing it is a logged use of
     * administrator rights */
    long locked = th_app("{\"t\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"t\"}}");
    r = th_sendq("PUT", "/k/v1/preview/app/acl.json",
                 "{'app':%ld,'rights':[{'entity':{'type':'USER','code':'bucho'},'appEditable':true,"
                 "'recordViewable':true}]}",
                 locked);
    assert_int_equal(r->status, 200);
    r = th_send("POST", "/k/v1/preview/app/deploy.json", "{\"apps\":[{\"app\":%ld}]}", locked);
    assert_int_equal(r->status, 200);
    r = th_getf("/k/v1/app/acl.json?app=%ld", locked);
    assert_int_equal(r->status, 200);
    assert_true(count_sql("SELECT COUNT(*) FROM security_events WHERE action = 'admin.use' "
                          "AND target LIKE 'app:%'") >= 1);
    /* live is unchanged by all that */
    r = th_getf("/k/v1/app/acl.json?app=%ld", app);
    assert_int_equal(json_array_size(json_object_get(r->json, "rights")), 4);

    /* evaluate: parameters */
    r = th_getf("/k/v1/records/acl/evaluate.json?app=%ld", app);
    TH_EXPECT_KEY("ids");
    r = th_getf("/k/v1/records/acl/evaluate.json?app=%ld&ids[0]=abc", app);
    TH_EXPECT_KEY("ids[0]");
}

/* Deleting a field that a record permission names is refused at deploy; PRIMARY_ORGANIZATION()
 * is the caller's primary organisation. */
static void
test_deploy_guard_and_primary_org(void **state)
{
    (void)state;
    const struct th_resp *r = th_sendq("DELETE", "/k/v1/preview/app/form/fields.json",
                                       "{'app':%ld,'fields':['区分']}", app);
    assert_int_equal(r->status, 200);
    r = th_send("POST", "/k/v1/preview/app/deploy.json", "{\"apps\":[{\"app\":%ld}]}", app);
    TH_EXPECT_KEY("recordAcl.rights[0].filterCond");
    r = th_send("POST", "/k/v1/preview/app/deploy.json",
                "{\"apps\":[{\"app\":%ld}],\"revert\":true}", app);
    assert_int_equal(r->status, 200);
    /* the live app still works for everyone */
    char target[256];
    snprintf(target, sizeof(target), "/k/v1/records.json?app=%ld", app);
    r = as("kakari", "GET", target, NULL);
    assert_int_equal(r->status, 200);

    long other = th_app("{\"org\":{\"type\":\"ORGANIZATION_SELECT\",\"code\":\"org\"}}");
    th_user("shin", PW, 0); /* a fresh account: directory facts are cached for 2 s per user */
    sql("UPDATE users SET primary_org_id = (SELECT id FROM orgs WHERE code = $1) WHERE login = $2",
        "keikaku", "shin");
    member("shin", "keikaku", NULL);
    sql("UPDATE orgs SET name = $1 WHERE code = $2", "都市計画課", "keikaku");
    r = th_sendq("POST", "/k/v1/record.json",
                 "{'app':%ld,'record':{'org':{'value':[{'code':'keikaku'}]}}}", other);
    assert_int_equal(r->status, 200);
    r = th_sendq("POST", "/k/v1/record.json",
                 "{'app':%ld,'record':{'org':{'value':[{'code':'seisaku'}]}}}", other);
    assert_int_equal(r->status, 200);
    snprintf(target, sizeof(target), "/k/v1/records.json?app=%ld&query=%s", other,
             "org%20in%20(PRIMARY_ORGANIZATION())");
    r = as("shin", "GET", target, NULL);
    assert_int_equal(r->status, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "records")), 1);
    assert_string_equal(th_str(r->json, "records.0.org.value.0.code"), "keikaku");
    /* kintone gives an organisation's name with its code, as for users */
    assert_string_equal(th_str(r->json, "records.0.org.value.0.name"), "都市計画課");
    r = as("outsider", "GET", target, NULL); /* no primary organisation: condition ignored */
    assert_int_equal(r->status, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "records")), 2);
}

/* A new app gets kintone's defaults: the creator manages, everyone works with records. */
static void
test_default_acl(void **state)
{
    (void)state;
    long other = th_app("{\"t\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"t\"}}");
    const struct th_resp *r = th_getf("/k/v1/app/acl.json?app=%ld", other);
    assert_int_equal(r->status, 200);
    assert_string_equal(th_str(r->json, "rights.0.entity.type"), "CREATOR");
    assert_string_equal(th_str(r->json, "rights.1.entity.code"), "everyone");
    r = asf("outsider", "POST", "/k/v1/record.json", "{'app':%ld,'record':{'t':{'value':'x'}}}",
            other);
    assert_int_equal(r->status, 200);
    char target[128];
    snprintf(target, sizeof(target), "/k/v1/app/form/fields.json?app=%ld", other);
    r = as("outsider", "GET", target, NULL);
    assert_int_equal(r->status, 200);
    snprintf(target, sizeof(target), "/k/v1/preview/app/form/fields.json?app=%ld", other);
    r = as("outsider", "GET", target, NULL);
    TH_EXPECT_ERROR(403, "CB_NO02");
    /* apps.json lists only apps the caller may open */
    r = as("outsider", "GET", "/k/v1/apps.json", NULL);
    assert_int_equal(r->status, 200);
    bool saw_other = false, saw_matrix = false;
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(r->json, "apps"), i, a)
    {
        long id = strtol(json_string_value(json_object_get(a, "appId")), NULL, 10);
        saw_other = saw_other || id == other;
        saw_matrix = saw_matrix || id == app;
    }
    assert_true(saw_other);
    assert_false(saw_matrix);
}

/* S4: the report of who can see and change what. */
static void
test_access_report(void **state)
{
    (void)state;
    const struct th_resp *r = th_getf("/admin/api/access-report.json?app=%ld", app);
    if (r->status == 404) /* the admin area's dispatcher arrives with the login work */
        skip();
    assert_int_equal(r->status, 200);
    json_t *users = json_object_get(r->json, "users");
    size_t i;
    json_t *u;
    int seen = 0;
    json_array_foreach(users, i, u)
    {
        const char *code = json_string_value(json_object_get(u, "code"));
        if (!strcmp(code, "kita")) {
            seen++;
            assert_true(json_is_true(th_at(u, "app.view")));
            assert_false(json_is_true(th_at(u, "app.edit")));
            assert_true(json_is_true(th_at(u, "recordsLimited.view")));
        }
        if (!strcmp(code, "bucho")) {
            seen++;
            assert_int_equal(json_array_size(th_at(u, "fields.hidden")), 0);
        }
        if (!strcmp(code, "tanto")) {
            seen++;
            assert_string_equal(json_string_value(json_array_get(th_at(u, "fields.hidden"), 0)),
                                "個人番号");
            assert_string_equal(json_string_value(json_array_get(th_at(u, "fields.readOnly"), 0)),
                                "審査メモ");
        }
    }
    assert_int_equal(seen, 3);
    r = as("tanto", "GET", "/admin/api/access-report.json?app=1", NULL);
    assert_true(r->status == 403);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_token_unrestricted),
        cmocka_unit_test(test_acl_endpoints),
        cmocka_unit_test(test_deploy_guard_and_primary_org),
        cmocka_unit_test(test_default_acl),
        cmocka_unit_test(test_access_report),
    };
    return cmocka_run_group_tests(tests, setup_matrix, th_teardown);
}
