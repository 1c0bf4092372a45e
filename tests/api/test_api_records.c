/* In-process API tests: records CRUD, optimistic locking, unique keys, upsert, bulk, cursors,
 * comments, and the error shapes of bad input. */
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
#include "core/clock.h"
#include "db/db.h"
#include "domain/app.h"
#include "domain/ctx.h"
#include "domain/record.h"

static long app;

static const char *fields =
    "{\"title\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"title\",\"label\":\"件名\","
    "\"required\":true,\"unique\":true,\"maxLength\":\"20\"},"
    "\"qty\":{\"type\":\"NUMBER\",\"code\":\"qty\",\"label\":\"数量\",\"minValue\":\"0\","
    "\"maxValue\":\"1000\"},"
    "\"kind\":{\"type\":\"DROP_DOWN\",\"code\":\"kind\",\"label\":\"種別\",\"options\":{"
    "\"許可\":{\"label\":\"許可\",\"index\":\"0\"},\"届出\":{\"label\":\"届出\",\"index\":\"1\"}}},"
    "\"memo\":{\"type\":\"MULTI_LINE_TEXT\",\"code\":\"memo\",\"label\":\"備考\"},"
    "\"due\":{\"type\":\"DATE\",\"code\":\"due\",\"label\":\"期限\"}}";

static int
setup(void **state)
{
    th_setup(state);
    app = th_app(fields);
    return 0;
}

static const struct th_resp *
add(const char *title, int qty)
{
    return th_send("POST", "/k/v1/record.json",
                   "{\"app\":%ld,\"record\":{\"title\":{\"value\":\"%s\"},\"qty\":{\"value\":\"%d\"}}}",
                   app, title, qty);
}

static void
test_healthz(void **state)
{
    (void)state;
    const struct th_resp *r = th_request("GET", "/healthz", NULL, NULL, 0);
    assert_int_equal(r->status, 200);
    r = th_request("GET", "/readyz", NULL, NULL, 0);
    assert_int_equal(r->status, 200);
}

static void
test_create_and_get(void **state)
{
    (void)state;
    const struct th_resp *r = add("最初の申請", 5);
    assert_int_equal(r->status, 200);
    char id[32];
    assert_non_null(th_str(r->json, "id"));
    snprintf(id, sizeof(id), "%s", th_str(r->json, "id"));
    assert_string_equal(th_str(r->json, "revision"), "1");
    char url[128];
    snprintf(url, sizeof(url), "/k/v1/record.json?app=%ld&id=%s", app, id);
    r = th_get(url);
    assert_int_equal(r->status, 200);
    assert_string_equal(th_str(r->json, "record.title.value"), "最初の申請");
    assert_string_equal(th_str(r->json, "record.qty.value"), "5");
    assert_string_equal(th_str(r->json, "record.$id.value"), id);
    assert_string_equal(th_str(r->json, "record.$id.type"), "__ID__");
    assert_string_equal(th_str(r->json, "record.$revision.value"), "1");
}

static void
test_validation_errors(void **state)
{
    (void)state;
    /* required, too long, out of range, bad option: all reported at once */
    const struct th_resp *r = th_send(
        "POST", "/k/v1/record.json",
        "{\"app\":%ld,\"record\":{\"qty\":{\"value\":\"5000\"},\"kind\":{\"value\":\"なし\"}}}",
        app);
    assert_int_equal(r->status, 400);
    assert_string_equal(th_str(r->json, "code"), "CB_VA01");
    assert_non_null(json_object_get(json_object_get(r->json, "errors"), "record.title.value"));
    assert_non_null(json_object_get(json_object_get(r->json, "errors"), "record.qty.value"));
    assert_non_null(json_object_get(json_object_get(r->json, "errors"), "record.kind.value"));
    r = th_send("POST", "/k/v1/record.json",
                "{\"app\":%ld,\"record\":{\"title\":{\"value\":\"123456789012345678901\"}}}", app);
    assert_int_equal(r->status, 400);
    r = th_send("POST", "/k/v1/record.json", "{\"app\":%ld,\"record\":{\"title\":{\"value\":\"x\"},"
                "\"qty\":{\"value\":\"abc\"}}}", app);
    assert_int_equal(r->status, 400);
}

static void
test_unique_and_update_key(void **state)
{
    (void)state;
    assert_int_equal(add("一意", 1)->status, 200);
    const struct th_resp *r = add("一意", 2);
    assert_int_equal(r->status, 400);
    assert_non_null(json_object_get(json_object_get(r->json, "errors"), "record.title.value"));
    r = th_send("PUT", "/k/v1/record.json",
                "{\"app\":%ld,\"updateKey\":{\"field\":\"title\",\"value\":\"一意\"},"
                "\"record\":{\"qty\":{\"value\":\"7\"}}}",
                app);
    assert_int_equal(r->status, 200);
    assert_string_equal(th_str(r->json, "revision"), "2");
    /* upsert inserts a missing key */
    r = th_send("PUT", "/k/v1/records.json",
                "{\"app\":%ld,\"upsert\":true,\"records\":[{\"updateKey\":{\"field\":\"title\","
                "\"value\":\"新規キー\"},\"record\":{\"qty\":{\"value\":\"1\"}}},{\"updateKey\":"
                "{\"field\":\"title\",\"value\":\"一意\"},\"record\":{\"qty\":{\"value\":\"8\"}}}]}",
                app);
    assert_int_equal(r->status, 200);
    assert_string_equal(th_str(r->json, "records.0.operation"), "INSERT");
    assert_string_equal(th_str(r->json, "records.1.operation"), "UPDATE");
}

static void
test_revision_conflict(void **state)
{
    (void)state;
    const struct th_resp *r = add("競合", 1);
    long id = strtol(th_str(r->json, "id"), NULL, 10);
    r = th_send("PUT", "/k/v1/record.json",
                "{\"app\":%ld,\"id\":%ld,\"revision\":1,\"record\":{\"qty\":{\"value\":\"2\"}}}", app,
                id);
    assert_int_equal(r->status, 200);
    r = th_send("PUT", "/k/v1/record.json",
                "{\"app\":%ld,\"id\":\"%ld\",\"revision\":\"1\",\"record\":{\"qty\":{\"value\":\"3\"}}}",
                app, id);
    assert_int_equal(r->status, 409);
    assert_string_equal(th_str(r->json, "code"), "GAIA_CO02");
}

static void
test_bulk_all_or_nothing(void **state)
{
    (void)state;
    const struct th_resp *r = th_send(
        "POST", "/k/v1/bulkRequest.json",
        "{\"requests\":[{\"method\":\"POST\",\"api\":\"/k/v1/records.json\",\"payload\":{\"app\":%ld,"
        "\"records\":[{\"title\":{\"value\":\"bulk-1\"}}]}},{\"method\":\"POST\",\"api\":"
        "\"/k/v1/record.json\",\"payload\":{\"app\":%ld,\"record\":{\"qty\":{\"value\":\"1\"}}}}]}",
        app, app);
    assert_int_equal(r->status, 400);
    json_t *results = json_object_get(r->json, "results");
    assert_int_equal(json_array_size(results), 2);
    assert_int_equal(json_object_size(json_array_get(results, 0)), 0);
    assert_string_equal(th_str(json_array_get(results, 1), "code"), "CB_VA01");
    char url[256];
    snprintf(url, sizeof(url), "/k/v1/records.json?app=%ld&query=title%%20%%3D%%20%%22bulk-1%%22", app);
    r = th_get(url);
    assert_int_equal(r->status, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "records")), 0);
}

static void
test_query_and_cursor(void **state)
{
    (void)state;
    for (int i = 0; i < 30; i++) {
        char t[32];
        snprintf(t, sizeof(t), "cur-%02d", i);
        assert_int_equal(add(t, i)->status, 200);
    }
    char url[256];
    snprintf(url, sizeof(url),
             "/k/v1/records.json?app=%ld&query=qty%%20%%3E%%3D%%2010%%20and%%20title%%20like%%20"
             "%%22cur%%22%%20order%%20by%%20qty%%20desc%%20limit%%205&totalCount=true&fields%%5B0%%5D=qty",
             app);
    const struct th_resp *r = th_get(url);
    assert_int_equal(r->status, 200);
    json_t *recs = json_object_get(r->json, "records");
    assert_int_equal(json_array_size(recs), 5);
    assert_string_equal(th_str(recs, "0.qty.value"), "29");
    assert_null(json_object_get(json_array_get(recs, 0), "title"));
    assert_non_null(json_object_get(json_array_get(recs, 0), "$id"));
    assert_string_equal(th_str(r->json, "totalCount"), "20");

    r = th_send("POST", "/k/v1/records/cursor.json",
                "{\"app\":%ld,\"query\":\"title like \\\"cur-\\\" order by qty asc\",\"size\":12}", app);
    assert_int_equal(r->status, 200);
    assert_string_equal(th_str(r->json, "totalCount"), "30");
    char id[80];
    snprintf(id, sizeof(id), "%s", th_str(r->json, "id"));
    int seen = 0;
    for (int page = 0; page < 3; page++) {
        snprintf(url, sizeof(url), "/k/v1/records/cursor.json?id=%s", id);
        r = th_get(url);
        assert_int_equal(r->status, 200);
        seen += (int)json_array_size(json_object_get(r->json, "records"));
        assert_int_equal(json_is_true(json_object_get(r->json, "next")), page < 2);
    }
    assert_int_equal(seen, 30);
    r = th_get(url); /* released after the last page */
    assert_int_equal(r->status, 404);
}

static void
test_bad_requests(void **state)
{
    (void)state;
    const struct th_resp *r = th_send("POST", "/k/v1/record.json", "{\"app\":");
    assert_int_equal(r->status, 400);
    assert_string_equal(th_str(r->json, "code"), "CB_IJ01");
    r = th_get("/k/v1/record.json?app=999&id=1");
    assert_int_equal(r->status, 404);
    assert_string_equal(th_str(r->json, "code"), "GAIA_AP01");
    char url[256];
    snprintf(url, sizeof(url), "/k/v1/record.json?app=%ld&id=99999", app);
    r = th_get(url);
    assert_int_equal(r->status, 404);
    assert_string_equal(th_str(r->json, "code"), "GAIA_RE01");
    snprintf(url, sizeof(url), "/k/v1/records.json?app=%ld&query=nosuch%%20%%3D%%201", app);
    r = th_get(url);
    assert_int_equal(r->status, 400);
    assert_string_equal(th_str(r->json, "code"), "GAIA_IQ11");
    snprintf(url, sizeof(url), "/k/v1/records.json?app=%ld&query=limit%%20501", app);
    r = th_get(url);
    assert_int_equal(r->status, 400);
    assert_string_equal(th_str(r->json, "code"), "GAIA_QU01");
    r = th_request("GET", "/k/v1/record.json?app=1&id=1", NULL, NULL, 0);
    assert_int_equal(r->status, 401);
    assert_string_equal(th_str(r->json, "code"), "CB_AU01");
    r = th_get("/k/v1/nothing.json");
    assert_int_equal(r->status, 404);
    static const char *const en[] = { "Accept-Language: en-US,en;q=0.9", NULL };
    r = th_request("GET", "/k/v1/record.json?app=1&id=1", NULL, en, 0);
    assert_string_equal(th_str(r->json, "message"), "Please login.");
}

static void
test_tokens(void **state)
{
    (void)state;
    char hdr[128], url[128];
    snprintf(hdr, sizeof(hdr), "X-Cybozu-API-Token: %s", th_token(app, ACL_VIEW));
    const char *h[] = { hdr, NULL };
    snprintf(url, sizeof(url), "/k/v1/records.json?app=%ld", app);
    const struct th_resp *r = th_request("GET", url, NULL, h, 0);
    assert_int_equal(r->status, 200);
    /* view-only token cannot add */
    const char *hj[] = { hdr, "Content-Type: application/json", NULL };
    char body[128];
    snprintf(body, sizeof(body), "{\"app\":%ld,\"record\":{\"title\":{\"value\":\"t\"}}}", app);
    r = th_request("POST", "/k/v1/record.json", body, hj, 0);
    assert_int_equal(r->status, 403);
    assert_string_equal(th_str(r->json, "code"), "CB_NO02");
    /* token of another app */
    long other = th_app("{}");
    snprintf(hdr, sizeof(hdr), "X-Cybozu-API-Token: %s", th_token(other, ACL_VIEW));
    r = th_request("GET", url, NULL, h, 0);
    assert_int_equal(r->status, 400);
    assert_string_equal(th_str(r->json, "code"), "GAIA_IA02");
    snprintf(hdr, sizeof(hdr), "X-Cybozu-API-Token: nonsense");
    r = th_request("GET", url, NULL, h, 0);
    assert_int_equal(r->status, 401);
}

static void
test_delete_and_comments(void **state)
{
    (void)state;
    const struct th_resp *r = add("コメント付き", 1);
    long id = strtol(th_str(r->json, "id"), NULL, 10);
    r = th_send("POST", "/k/v1/record/comment.json",
                "{\"app\":%ld,\"record\":%ld,\"comment\":{\"text\":\"確認お願いします\"}}", app, id);
    assert_int_equal(r->status, 200);
    char url[160];
    snprintf(url, sizeof(url), "/k/v1/record/comments.json?app=%ld&record=%ld", app, id);
    r = th_get(url);
    assert_int_equal(r->status, 200);
    assert_string_equal(th_str(r->json, "comments.0.text"), "確認お願いします");
    snprintf(url, sizeof(url), "/k/v1/records.json?app=%ld&ids%%5B0%%5D=%ld&revisions%%5B0%%5D=5", app, id);
    r = th_request("DELETE", url, NULL, NULL, 1);
    assert_int_equal(r->status, 409);
    r = th_send("DELETE", "/k/v1/records.json", "{\"app\":%ld,\"ids\":[%ld],\"revisions\":[null]}",
                app, id);
    assert_int_equal(r->status, 200);
    snprintf(url, sizeof(url), "/k/v1/record.json?app=%ld&id=%ld", app, id);
    assert_int_equal(th_get(url)->status, 404);
}

static void
test_restore_deleted(void **state)
{
    (void)state;
    const struct th_resp *r = add("復元対象", 3);
    long id = strtol(th_str(r->json, "id"), NULL, 10);
    r = th_send("DELETE", "/k/v1/records.json", "{\"app\":%ld,\"ids\":[%ld]}", app, id);
    assert_int_equal(r->status, 200);
    /* the title is free again while the record is deleted... */
    r = add("復元対象", 4);
    assert_int_equal(r->status, 200);
    long other = strtol(th_str(r->json, "id"), NULL, 10);

    struct arena *a = arena_new();
    struct fail f;
    struct ctx c;
    memset(&c, 0, sizeof(c));
    fail_init(&f, a, LANG_JA);
    c.arena = a;
    c.db = th_db();
    c.fail = &f;
    c.now = clock_now_ms() / 1000;
    c.who.kind = PRIN_SYSTEM;
    c.who.login = "system";
    struct app_def d;
    int64_t rev = 0;
    assert_int_equal(app_load(&c, app, false, &d), ERR_OK);
    /* ...so restoring collides with the unique value and changes nothing */
    assert_int_equal(db_begin(th_db(), true), DB_OK);
    assert_int_equal(rec_restore(&c, &d, id, &rev), ERR_INVALID);
    db_rollback(th_db());
    char body[128];
    snprintf(body, sizeof(body), "{\"app\":%ld,\"ids\":[%ld]}", app, other);
    r = th_send("DELETE", "/k/v1/records.json", "%s", body);
    assert_int_equal(r->status, 200);
    fail_init(&f, a, LANG_JA);
    assert_int_equal(db_begin(th_db(), true), DB_OK);
    assert_int_equal(rec_restore(&c, &d, id, &rev), ERR_OK);
    assert_int_equal(db_commit(th_db()), DB_OK);
    assert_int_equal(rev, 3); /* 1 create, 2 delete, 3 restore */
    arena_free(a);
    char url[128];
    snprintf(url, sizeof(url), "/k/v1/record.json?app=%ld&id=%ld", app, id);
    r = th_get(url);
    assert_int_equal(r->status, 200);
    assert_string_equal(th_str(r->json, "record.title.value"), "復元対象");
    assert_string_equal(th_str(r->json, "record.$revision.value"), "3");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_healthz),
        cmocka_unit_test(test_create_and_get),
        cmocka_unit_test(test_validation_errors),
        cmocka_unit_test(test_unique_and_update_key),
        cmocka_unit_test(test_revision_conflict),
        cmocka_unit_test(test_bulk_all_or_nothing),
        cmocka_unit_test(test_query_and_cursor),
        cmocka_unit_test(test_bad_requests),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_delete_and_comments),
        cmocka_unit_test(test_restore_deleted),
    };
    return cmocka_run_group_tests_name(th_backend(), tests, setup, th_teardown);
}
