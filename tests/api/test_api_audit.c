/* In-process API tests of the audit log through the real dispatcher: a record's create, view,
 * update and delete and a file download each leave one entry with actor, client address,
 * target and outcome; a failed write leaves a failure entry and no success entry; a
 * bulkRequest leaves one entry listing its inner calls; security events (a failed login) are
 * on the chain; only the auditor group may read /audit/api/entries.json and verify.json, and
 * reading is itself logged; the chain verifies at the end. SQLite, or PostgreSQL with
 * TEST_PG_DSN. */
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

#define PW "audit-test-password"
#define IP "192.0.2.44"
#define AUDITORS "監査担当"

static long app;
static char auth_clerk[160], auth_auditor[160];

static int
setup(void **state)
{
    th_setup(state);
    app = th_app("{\"title\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"title\"},"
                 "\"num\":{\"type\":\"NUMBER\",\"code\":\"num\"},"
                 "\"att\":{\"type\":\"FILE\",\"code\":\"att\"}}");
    th_user("clerk", PW, 0);
    th_user("auditor", PW, 0);
    snprintf(auth_clerk, sizeof(auth_clerk), "%s", th_auth_header("clerk", PW));
    snprintf(auth_auditor, sizeof(auth_auditor), "%s", th_auth_header("auditor", PW));
    th_send("POST", "/admin/api/groups.json", "{\"code\":\"%s\",\"name\":\"監査\"}", AUDITORS);
    TH_EXPECT_STATUS(200);
    th_send("PUT", "/admin/api/memberships.json", "{\"user\":\"auditor\",\"groups\":[\"%s\"]}",
            AUDITORS);
    TH_EXPECT_STATUS(200);
    th_peer(IP);
    return 0;
}

static int
teardown(void **state)
{
    if (audit_flush(th_db()) != ERR_OK)
        return -1;
    return th_teardown(state);
}

static const struct th_resp *
as(const char *auth, const char *method, const char *target, const char *body)
{
    const char *h[] = { auth, "Content-Type: application/json", NULL };
    return th_request(method, target, body, h, 0);
}

/* The newest entry of action (after flushing queued reads); fields into static buffers. */
struct entry {
    int found;
    long long seq;
    char actor[64], ip[64], target[256], outcome[16], detail[2048];
};

static struct entry
last_entry(const char *action)
{
    struct entry e;
    memset(&e, 0, sizeof(e));
    assert_int_equal(audit_flush(th_db()), ERR_OK);
    struct db_param p[] = { DBP_TEXT(action) };
    struct db_res *res;
    assert_int_equal(db_query(th_db(),
                              "SELECT seq, actor, ip, target, outcome, detail FROM audit_log "
                              "WHERE action = $1 ORDER BY seq DESC LIMIT 1",
                              p, 1, &res),
                     DB_OK);
    if (db_step(res) == 1) {
        e.found = 1;
        e.seq = db_col_int(res, 0);
        snprintf(e.actor, sizeof(e.actor), "%s", db_col_text(res, 1));
        snprintf(e.ip, sizeof(e.ip), "%s", db_col_text(res, 2));
        snprintf(e.target, sizeof(e.target), "%s", db_col_text(res, 3));
        snprintf(e.outcome, sizeof(e.outcome), "%s", db_col_text(res, 4));
        snprintf(e.detail, sizeof(e.detail), "%s", db_col_text(res, 5));
    }
    db_res_free(res);
    return e;
}

static long long
count_where(const char *where)
{
    char q[512];
    snprintf(q, sizeof(q), "SELECT COUNT(*) FROM audit_log WHERE %s", where);
    int64_t v = -1;
    bool found;
    assert_int_equal(audit_flush(th_db()), ERR_OK);
    assert_int_equal(db_query_int(th_db(), q, NULL, 0, &v, &found), DB_OK);
    return (long long)v;
}

static void
expect_entry(const char *action, const char *actor, const char *target, const char *outcome)
{
    struct entry e = last_entry(action);
    if (!e.found)
        fail_msg("no %s entry", action);
    if (strcmp(e.actor, actor) || strcmp(e.ip, IP) || strcmp(e.target, target) ||
        strcmp(e.outcome, outcome))
        fail_msg("%s: got actor=%s ip=%s target=%s outcome=%s; want %s %s %s %s", action,
                 e.actor, e.ip, e.target, e.outcome, actor, IP, target, outcome);
}

static void
test_record_lifecycle(void **state)
{
    (void)state;
    char body[256], target[64];
    snprintf(body, sizeof(body), "{\"app\":%ld,\"record\":{\"title\":{\"value\":\"申請\"}}}", app);
    const struct th_resp *r = as(auth_clerk, "POST", "/k/v1/record.json", body);
    TH_EXPECT_STATUS(200);
    long id = strtol(th_str(r->json, "id"), NULL, 10);
    snprintf(target, sizeof(target), "app:%ld/record:%ld", app, id);
    expect_entry("record.create", "clerk", target, "ok");

    char url[128];
    snprintf(url, sizeof(url), "/k/v1/record.json?app=%ld&id=%ld", app, id);
    as(auth_clerk, "GET", url, NULL);
    TH_EXPECT_STATUS(200);
    expect_entry("record.view", "clerk", target, "ok");
    struct entry view = last_entry("record.view");
    assert_non_null(strstr(view.detail, "\"method\":\"GET\""));
    assert_non_null(strstr(view.detail, "\"path\":\"/k/v1/record.json\""));

    snprintf(body, sizeof(body),
             "{\"app\":%ld,\"id\":%ld,\"record\":{\"title\":{\"value\":\"受付\"}}}", app, id);
    as(auth_clerk, "PUT", "/k/v1/record.json", body);
    TH_EXPECT_STATUS(200);
    expect_entry("record.update", "clerk", target, "ok");

    snprintf(url, sizeof(url), "/k/v1/records.json?app=%ld&query=%s", app,
             "title%20%3D%20%22%E5%8F%97%E4%BB%98%22");
    as(auth_clerk, "GET", url, NULL);
    TH_EXPECT_STATUS(200);
    char app_target[32];
    snprintf(app_target, sizeof(app_target), "app:%ld", app);
    expect_entry("record.list", "clerk", app_target, "ok");
    assert_non_null(strstr(last_entry("record.list").detail, "\"query\":\"title = \\\"受付\\\"\""));

    snprintf(url, sizeof(url), "/k/v1/records.json?app=%ld&ids[0]=%ld", app, id);
    as(auth_clerk, "DELETE", url, NULL);
    TH_EXPECT_STATUS(200);
    expect_entry("record.delete", "clerk", target, "ok");
}

static void
test_failed_write_leaves_failure_entry(void **state)
{
    (void)state;
    long long ok_before = count_where("action = 'record.create' AND outcome = 'ok'");
    long long err_before = count_where("action = 'record.create' AND outcome = 'error'");
    char body[256];
    snprintf(body, sizeof(body), "{\"app\":%ld,\"record\":{\"num\":{\"value\":\"abc\"}}}", app);
    as(auth_clerk, "POST", "/k/v1/record.json", body);
    TH_EXPECT_STATUS(400);
    assert_int_equal(count_where("action = 'record.create' AND outcome = 'ok'"), ok_before);
    assert_int_equal(count_where("action = 'record.create' AND outcome = 'error'"),
                     err_before + 1);
    struct entry e = last_entry("record.create");
    assert_string_equal(e.outcome, "error");
    assert_string_equal(e.actor, "clerk");
    assert_non_null(strstr(e.detail, "\"code\":\"CB_VA01\""));
    /* a refusal is "denied" */
    char url[128];
    snprintf(url, sizeof(url), "/k/v1/record.json?app=%ld&id=999999", app);
    as(auth_clerk, "GET", url, NULL);
    assert_string_equal(last_entry("record.view").outcome, "denied");
}

static void
test_bulk_request_is_one_entry(void **state)
{
    (void)state;
    long long before = count_where("action = 'record.create'");
    char body[512];
    snprintf(body, sizeof(body),
             "{\"requests\":[{\"method\":\"POST\",\"api\":\"/k/v1/record.json\",\"payload\":"
             "{\"app\":%ld,\"record\":{\"title\":{\"value\":\"a\"}}}},"
             "{\"method\":\"POST\",\"api\":\"/k/v1/records.json\",\"payload\":"
             "{\"app\":%ld,\"records\":[{\"title\":{\"value\":\"b\"}},{\"title\":{\"value\":\"c\"}}]}}]}",
             app, app);
    as(auth_clerk, "POST", "/k/v1/bulkRequest.json", body);
    TH_EXPECT_STATUS(200);
    assert_int_equal(count_where("action = 'record.create'"), before);
    struct entry e = last_entry("record.bulk");
    assert_string_equal(e.outcome, "ok");
    assert_non_null(strstr(e.detail, "\"requests\":["));
    assert_non_null(strstr(e.detail, "\"api\":\"/k/v1/records.json\""));
}

static void
test_file_download(void **state)
{
    (void)state;
    static const char mp[] =
        "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
        "Content-Type: text/plain\r\n\r\n申請書\r\n--XyZ--\r\n";
    const char *h[] = { auth_clerk, "Content-Type: multipart/form-data; boundary=XyZ", NULL };
    const struct th_resp *r = th_request_n("POST", "/k/v1/file.json", mp, sizeof(mp) - 1, h, 0);
    TH_EXPECT_STATUS(200);
    char upload[96];
    snprintf(upload, sizeof(upload), "%s", th_str(r->json, "fileKey"));
    assert_string_equal(last_entry("file.upload").outcome, "ok");
    char body[256];
    snprintf(body, sizeof(body),
             "{\"app\":%ld,\"record\":{\"att\":{\"value\":[{\"fileKey\":\"%s\"}]}}}", app, upload);
    r = as(auth_clerk, "POST", "/k/v1/record.json", body);
    TH_EXPECT_STATUS(200);
    long id = strtol(th_str(r->json, "id"), NULL, 10);
    char url[160];
    snprintf(url, sizeof(url), "/k/v1/record.json?app=%ld&id=%ld", app, id);
    r = as(auth_clerk, "GET", url, NULL);
    char key[96];
    snprintf(key, sizeof(key), "%s", th_str(r->json, "record.att.value.0.fileKey"));
    snprintf(url, sizeof(url), "/k/v1/file.json?fileKey=%s", key);
    as(auth_clerk, "GET", url, NULL);
    TH_EXPECT_STATUS(200);
    char target[128];
    snprintf(target, sizeof(target), "file:%s", key);
    expect_entry("file.download", "clerk", target, "ok");
}

static void
test_security_events_on_chain(void **state)
{
    (void)state;
    long long before = count_where("action = 'login.fail' AND outcome = 'denied'");
    const char *h[] = { th_auth_header("clerk", "wrong-password"), NULL };
    th_request("GET", "/v1/users.json", NULL, h, 0);
    TH_EXPECT_STATUS(401);
    assert_int_equal(count_where("action = 'login.fail' AND outcome = 'denied'"), before + 1);
    assert_string_equal(last_entry("login.fail").ip, IP);
}

static void
test_only_auditors_read(void **state)
{
    (void)state;
    as(auth_clerk, "GET", "/audit/api/entries.json", NULL);
    TH_EXPECT_ERROR(403, "CB_NO02");
    expect_entry("audit.read", "clerk", "", "denied");
    th_get("/audit/api/entries.json"); /* an administrator is not an auditor either */
    TH_EXPECT_ERROR(403, "CB_NO02");
    as(auth_clerk, "GET", "/audit/api/verify.json", NULL);
    TH_EXPECT_ERROR(403, "CB_NO02");

    const struct th_resp *r =
        as(auth_auditor, "GET", "/audit/api/entries.json?action=record.create&actor=clerk&limit=2",
           NULL);
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "entries"), 2);
    assert_string_equal(th_str(r->json, "entries.0.action"), "record.create");
    assert_string_equal(th_str(r->json, "entries.1.actor"), "clerk");
    assert_non_null(th_at(r->json, "next"));
    long long next = (long long)json_integer_value(th_at(r->json, "next"));
    long long second = (long long)json_integer_value(th_at(r->json, "entries.1.seq"));
    assert_int_equal(next, second);
    /* the next page starts after it */
    char url[160];
    snprintf(url, sizeof(url), "/audit/api/entries.json?action=record.*&after=%lld&limit=500",
             next);
    r = as(auth_auditor, "GET", url, NULL);
    TH_EXPECT_STATUS(200);
    assert_true(json_integer_value(th_at(r->json, "entries.0.seq")) > next);
    assert_null(th_at(r->json, "next"));
    /* and reading is on the log too */
    expect_entry("audit.read", "auditor", "", "ok");
    as(auth_auditor, "GET", "/audit/api/entries.json?limit=501", NULL);
    TH_EXPECT_ERROR(400, "CB_VA01");
    as(auth_auditor, "GET", "/audit/api/entries.json?from=yesterday", NULL);
    TH_EXPECT_ERROR(400, "CB_VA01");

    r = as(auth_auditor, "GET", "/audit/api/verify.json", NULL);
    TH_EXPECT_STATUS(200);
    assert_true(json_is_true(th_at(r->json, "ok")));
    assert_true(json_is_null(th_at(r->json, "firstBad")));
    assert_true(json_integer_value(th_at(r->json, "entries")) > 10);
    expect_entry("audit.verify", "auditor", "", "ok");
}

static void
test_chain_verifies(void **state)
{
    (void)state;
    assert_int_equal(audit_flush(th_db()), ERR_OK);
    struct audit_verify v;
    assert_int_equal(audit_verify(th_db(), NULL, &v), ERR_OK);
    if (v.bad_seq)
        fail_msg("%s at %lld", v.problem, (long long)v.bad_seq);
    assert_true(v.entries > 20);
    assert_true(v.checkpoints >= 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_lifecycle),
        cmocka_unit_test(test_failed_write_leaves_failure_entry),
        cmocka_unit_test(test_bulk_request_is_one_entry),
        cmocka_unit_test(test_file_download),
        cmocka_unit_test(test_security_events_on_chain),
        cmocka_unit_test(test_only_auditors_read),
        cmocka_unit_test(test_chain_verifies),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
