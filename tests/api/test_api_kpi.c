/* In-process API tests of GET /api/kpi.json (the staff dashboard's figures) on a small known
 * data set with an injected today (Thursday 2026-11-26, JST): clocks written straight into
 * the clock columns so that every figure is known — received this month and fiscal year,
 * pending per status, mean / 90th percentile / within-period share of decided records, the
 * overdue list with open days over (勤労感謝の日 on the 23rd is not counted); the office
 * filter; the decided period; record ACL (a staff member sees only 公開 records) and app
 * rights; apps without a clock count records created; bad parameters. Runs on PostgreSQL too. */
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
#include "domain/calendar.h"

#define PW "password-456"

static long app, app_plain, app_closed;
static long rec[11];

static int64_t
noon(const char *date)
{
    int y, m, d;
    if (!clock_parse_date(date, &y, &m, &d))
        abort();
    return clock_days_from_civil(y, m, d) * 86400 - 9 * 3600 + 12 * 3600;
}

static void
sql(const char *text, int n, const char *const *vals)
{
    struct db_param p[8];
    for (int i = 0; i < n; i++)
        p[i] = vals[i] ? DBP_TEXT(vals[i]) : DBP_NULL;
    if (db_exec(th_db(), text, p, n, NULL) != DB_OK) {
        fprintf(stderr, "sql failed: %s: %s\n", text, db_errmsg(th_db()));
        abort();
    }
}

static void
deploy(long a)
{
    th_sendq("POST", "/k/v1/preview/app/deploy.json", "{'apps':[{'app':%ld}]}", a);
    TH_EXPECT_STATUS(200);
}

static long
add(long a, const char *kubun, const char *office)
{
    const struct th_resp *r =
        office ? th_sendq("POST", "/k/v1/record.json",
                          "{'app':%ld,'record':{'区分':{'value':'%s'},"
                          "'担当課':{'value':[{'code':'%s'}]}}}",
                          a, kubun, office)
               : th_sendq("POST", "/k/v1/record.json", "{'app':%ld,'record':{'区分':{'value':'%s'}}}",
                          a, kubun);
    if (r->status != 200)
        th_dump();
    TH_EXPECT_STATUS(200);
    return strtol(th_str(r->json, "id"), NULL, 10);
}

/* status and clock of record i: state, start, since, used, limit, due (NULLs for no clock) */
static void
set(int i, const char *status, const char *state, const char *start, const char *since,
    const char *used, const char *due)
{
    char a[32], id[32];
    snprintf(a, sizeof(a), "%ld", app);
    snprintf(id, sizeof(id), "%ld", rec[i]);
    const char *v[] = { status, state, start, since, used, due, a, id };
    sql("UPDATE records SET status = $1, clock_state = $2, clock_start = $3, clock_since = $4, "
        "clock_used = CAST($5 AS INTEGER), clock_paused = 0, "
        "clock_limit = CASE WHEN CAST($2 AS TEXT) IS NULL THEN NULL ELSE 10 END, clock_due = $6 "
        "WHERE app_id = CAST($7 AS INTEGER) AND id = CAST($8 AS INTEGER)",
        8, v);
}

static int
setup(void **state)
{
    th_setup(state);
    calendar_cache_clear();
    clock_set_fake_ms(noon("2026-11-26") * 1000);
    th_user("taro", PW, 0);
    const char *none[] = { NULL };
    (void)none;
    const char *kita[] = { "kita" }, *minami[] = { "minami" };
    sql("INSERT INTO orgs (code, name, created_at) VALUES ($1, $1, 0)", 1, kita);
    sql("INSERT INTO orgs (code, name, created_at) VALUES ($1, $1, 0)", 1, minami);
    app = th_app("{\"区分\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"区分\",\"label\":\"区分\"},"
                 "\"担当課\":{\"type\":\"ORGANIZATION_SELECT\",\"code\":\"担当課\",\"label\":\"担当課\"}}");
    app_plain = th_app("{\"区分\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"区分\",\"label\":\"区分\"}}");
    app_closed = th_app("{\"区分\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"区分\",\"label\":\"区分\"}}");
    th_sendq("PUT", "/k/v1/preview/app/clock.json",
             "{'app':%ld,'enable':true,'days':10,'startStatuses':['受付'],"
             "'pauseStatuses':['修正待ち'],'stopStatuses':['許可','取下げ']}",
             app);
    TH_EXPECT_STATUS(200);
    deploy(app);
    /* 1-4 and 9 pending, 5-8 and 10 decided; kita: 1, 2, 5, 6, 9, 10 */
    static const char *const office[] = { NULL,   "kita",   "kita", "minami", "minami", "kita", "kita",
                                          "minami", "minami", "kita", "kita" };
    static const char *const kubun[] = { NULL, "公開", "公開", "秘", "秘", "公開", "秘",
                                         "秘",  "秘",   "秘", "秘" };
    for (int i = 1; i <= 10; i++)
        rec[i] = add(app, kubun[i], office[i]);
    set(1, "受付", "running", "2026-11-20", "2026-11-20", "0", "2026-12-04");
    set(2, "審査中", "running", "2026-10-01", "2026-10-01", "0", "2026-11-16");
    set(3, "審査中", "running", "2026-09-01", "2026-09-01", "0", "2026-11-20");
    set(4, "修正待ち", "paused", "2026-11-02", "2026-11-09", "5", "2026-11-10");
    set(5, "許可", "stopped", "2026-04-10", "2026-05-01", "8", "2026-04-24");
    set(6, "許可", "stopped", "2026-06-01", "2026-07-01", "12", "2026-06-15");
    set(7, "許可", "stopped", "2026-03-20", "2026-04-20", "5", "2026-04-03");
    set(8, "取下げ", "stopped", "2026-11-05", "2026-11-10", "3", "2026-11-19");
    set(9, "受付前", NULL, NULL, NULL, NULL, NULL);
    set(10, "許可", "stopped", "2025-12-01", "2026-03-10", "20", "2025-12-15");
    add(app_plain, "a", NULL);
    add(app_plain, "b", NULL);
    /* taro views 公開 records of app only, and nothing of app_closed */
    th_sendq("PUT", "/k/v1/preview/record/acl.json",
             "{'app':%ld,'rights':[{'filterCond':'区分 in (\\'公開\\')','entities':["
             "{'entity':{'type':'USER','code':'taro'},'viewable':true,'editable':false,'deletable':false},"
             "{'entity':{'type':'USER','code':'admin'},'viewable':true,'editable':true,'deletable':true}]},"
             "{'filterCond':'','entities':[{'entity':{'type':'USER','code':'taro'},'viewable':false,"
             "'editable':false,'deletable':false},"
             "{'entity':{'type':'USER','code':'admin'},'viewable':true,'editable':true,'deletable':true}]}]}",
             app);
    TH_EXPECT_STATUS(200);
    deploy(app);
    th_sendq("PUT", "/k/v1/preview/app/acl.json",
             "{'app':%ld,'rights':[{'entity':{'type':'USER','code':'taro'},'appEditable':false,"
             "'recordViewable':false},{'entity':{'type':'USER','code':'admin'},'appEditable':true,"
             "'recordViewable':true,'recordAddable':true,'recordEditable':true,'recordDeletable':true}]}",
             app_closed);
    TH_EXPECT_STATUS(200);
    deploy(app_closed);
    return 0;
}

static int
teardown(void **state)
{
    clock_set_fake_ms(0);
    calendar_cache_clear();
    return th_teardown(state);
}

static const char *
pending_of(const json_t *a, const char *status)
{
    size_t i;
    json_t *row;
    json_array_foreach(th_at(a, "pending.byStatus"), i, row)
    {
        if (!strcmp(th_str(row, "status"), status))
            return th_str(row, "count");
    }
    return "0";
}

static void
test_all_figures(void **state)
{
    (void)state;
    const struct th_resp *r = th_getf("/api/kpi.json?app=%ld", app);
    if (r->status != 200)
        th_dump();
    TH_EXPECT_STATUS(200);
    if (getenv("KPI_DUMP"))
        th_dump();
    assert_string_equal(th_str(r->json, "today"), "2026-11-26");
    assert_string_equal(th_str(r->json, "month.from"), "2026-11-01");
    assert_string_equal(th_str(r->json, "fiscalYear.from"), "2026-04-01");
    assert_string_equal(th_str(r->json, "period.from"), "2026-04-01");
    assert_string_equal(th_str(r->json, "period.to"), "2026-11-26");
    assert_int_equal(th_count(r->json, "apps"), 1);
    const json_t *a = th_at(r->json, "apps.0");
    assert_string_equal(th_str(a, "officeField"), "担当課");
    assert_true(json_is_true(th_at(a, "clock")));
    assert_string_equal(th_str(a, "days"), "10");
    assert_string_equal(th_str(a, "received.month"), "3");      /* 1, 4, 8 */
    assert_string_equal(th_str(a, "received.fiscalYear"), "7"); /* 1-6, 8 */
    assert_string_equal(th_str(a, "pending.total"), "5");
    assert_int_equal(th_count(a, "pending.byStatus"), 4);
    assert_string_equal(pending_of(a, "受付"), "1");
    assert_string_equal(pending_of(a, "審査中"), "2");
    assert_string_equal(pending_of(a, "修正待ち"), "1");
    assert_string_equal(pending_of(a, "受付前"), "1");
    assert_string_equal(pending_of(a, "許可"), "0");
    /* decided this fiscal year: 5 (8 days), 6 (12), 7 (5), 8 (3) */
    assert_string_equal(th_str(a, "decided.count"), "4");
    assert_string_equal(th_str(a, "decided.averageDays"), "7.0");
    assert_string_equal(th_str(a, "decided.p90Days"), "12");
    assert_string_equal(th_str(a, "decided.within"), "3");
    assert_string_equal(th_str(a, "decided.withinPercent"), "75.0");
    /* overdue: 2 (due 11-16: 17-20, 24-26) then 3 (due 11-20: 24-26); 4 is paused */
    assert_string_equal(th_str(a, "overdue.count"), "2");
    assert_int_equal(th_count(a, "overdue.records"), 2);
    char id[32];
    snprintf(id, sizeof(id), "%ld", rec[2]);
    assert_string_equal(th_str(a, "overdue.records.0.id"), id);
    assert_string_equal(th_str(a, "overdue.records.0.status"), "審査中");
    assert_string_equal(th_str(a, "overdue.records.0.due"), "2026-11-16");
    assert_string_equal(th_str(a, "overdue.records.0.daysOver"), "7");
    snprintf(id, sizeof(id), "%ld", rec[3]);
    assert_string_equal(th_str(a, "overdue.records.1.id"), id);
    assert_string_equal(th_str(a, "overdue.records.1.daysOver"), "3");
}

static void
test_office_and_period(void **state)
{
    (void)state;
    const struct th_resp *r = th_getf("/api/kpi.json?app=%ld&office=kita", app);
    TH_EXPECT_STATUS(200);
    const json_t *a = th_at(r->json, "apps.0");
    assert_string_equal(th_str(a, "received.month"), "1");
    assert_string_equal(th_str(a, "received.fiscalYear"), "4");
    assert_string_equal(th_str(a, "pending.total"), "3");
    assert_string_equal(th_str(a, "decided.count"), "2");
    assert_string_equal(th_str(a, "decided.averageDays"), "10.0");
    assert_string_equal(th_str(a, "decided.p90Days"), "12");
    assert_string_equal(th_str(a, "decided.withinPercent"), "50.0");
    assert_string_equal(th_str(a, "overdue.count"), "1");
    /* the named field works the same; the last fiscal year's decisions by period */
    r = th_getf("/api/kpi.json?app=%ld&office=minami&officeField=%%E6%%8B%%85%%E5%%BD%%93%%E8%%AA%%B2"
                "&from=2026-03-01&to=2026-04-30",
                app);
    TH_EXPECT_STATUS(200);
    a = th_at(r->json, "apps.0");
    assert_string_equal(th_str(a, "decided.count"), "1"); /* 7; 10 is kita */
    assert_string_equal(th_str(a, "decided.averageDays"), "5.0");
    r = th_getf("/api/kpi.json?app=%ld&from=2026-03-01&to=2026-04-30", app);
    TH_EXPECT_STATUS(200);
    a = th_at(r->json, "apps.0");
    assert_string_equal(th_str(a, "decided.count"), "2"); /* 7 (5 days), 10 (20) */
    assert_string_equal(th_str(a, "decided.averageDays"), "12.5");
    assert_string_equal(th_str(a, "decided.p90Days"), "20");
    assert_string_equal(th_str(a, "decided.withinPercent"), "50.0");
    /* nothing decided: nulls */
    r = th_getf("/api/kpi.json?app=%ld&from=2026-01-01&to=2026-01-31", app);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "apps.0.decided.count"), "0");
    assert_true(json_is_null(th_at(r->json, "apps.0.decided.averageDays")));
    assert_true(json_is_null(th_at(r->json, "apps.0.decided.p90Days")));
}

static void
test_all_apps(void **state)
{
    (void)state;
    const struct th_resp *r = th_get("/api/kpi.json");
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "apps"), 3);
    const json_t *plain = th_at(r->json, "apps.1");
    assert_false(json_is_true(th_at(plain, "clock")));
    assert_true(json_is_null(th_at(plain, "officeField")));
    assert_string_equal(th_str(plain, "received.month"), "2"); /* created today */
    assert_string_equal(th_str(plain, "received.fiscalYear"), "2");
    assert_string_equal(th_str(plain, "pending.total"), "2");
    assert_string_equal(th_str(plain, "overdue.count"), "0");
    /* apps without an office field drop out of an office's dashboard */
    r = th_get("/api/kpi.json?office=kita");
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "apps"), 1);
    /* a register says kpiExclude: off the overview, still there when asked for by id */
    th_sendq("PUT", "/k/v1/preview/app/settings.json", "{'app':%ld,'kpiExclude':true}", app_plain);
    TH_EXPECT_STATUS(200);
    th_sendq("PUT", "/k/v1/preview/app/settings.json", "{'app':%ld,'kpiExclude':'yes'}", app_plain);
    TH_EXPECT_ERROR(400, "CB_VA01");
    th_sendq("POST", "/k/v1/preview/app/deploy.json", "{'apps':[{'app':%ld}]}", app_plain);
    TH_EXPECT_STATUS(200);
    r = th_get("/api/kpi.json");
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "apps"), 2);
    r = th_getf("/api/kpi.json?app=%ld", app_plain);
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "apps"), 1);
    th_sendq("PUT", "/k/v1/preview/app/settings.json", "{'app':%ld,'kpiExclude':false}", app_plain);
    TH_EXPECT_STATUS(200);
    th_sendq("POST", "/k/v1/preview/app/deploy.json", "{'apps':[{'app':%ld}]}", app_plain);
    TH_EXPECT_STATUS(200);
}

static void
test_permissions(void **state)
{
    (void)state;
    const char *h[] = { th_auth_header("taro", PW), NULL };
    char target[128];
    snprintf(target, sizeof(target), "/api/kpi.json?app=%ld", app);
    const struct th_resp *r = th_request("GET", target, NULL, h, 0);
    if (r->status != 200)
        th_dump();
    TH_EXPECT_STATUS(200);
    const json_t *a = th_at(r->json, "apps.0");
    assert_string_equal(th_str(a, "received.month"), "1");      /* 1 */
    assert_string_equal(th_str(a, "received.fiscalYear"), "3"); /* 1, 2, 5 */
    assert_string_equal(th_str(a, "pending.total"), "2");
    assert_string_equal(th_str(a, "decided.count"), "1");
    assert_string_equal(th_str(a, "decided.averageDays"), "8.0");
    assert_string_equal(th_str(a, "overdue.count"), "1");
    /* an app taro may not view: 403 when named, left out of the whole dashboard */
    snprintf(target, sizeof(target), "/api/kpi.json?app=%ld", app_closed);
    r = th_request("GET", target, NULL, h, 0);
    TH_EXPECT_STATUS(403);
    r = th_request("GET", "/api/kpi.json", NULL, h, 0);
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "apps"), 2);
    r = th_request("GET", "/api/kpi.json", NULL, NULL, 0);
    assert_int_equal(r->status, 401);
}

static void
test_bad_parameters(void **state)
{
    (void)state;
    th_getf("/api/kpi.json?app=abc");
    TH_EXPECT_STATUS(400);
    th_getf("/api/kpi.json?app=%ld&from=2026-13-01", app);
    TH_EXPECT_STATUS(400);
    TH_EXPECT_KEY("from");
    th_getf("/api/kpi.json?app=%ld&to=yesterday", app);
    TH_EXPECT_STATUS(400);
    th_getf("/api/kpi.json?app=%ld&from=2026-05-01&to=2026-04-01", app);
    TH_EXPECT_STATUS(400);
    th_getf("/api/kpi.json?app=%ld&from=2000-01-01&to=2026-04-01", app);
    TH_EXPECT_STATUS(400);
    th_getf("/api/kpi.json?app=%ld&office=ki%%22ta", app);
    TH_EXPECT_STATUS(400);
    th_getf("/api/kpi.json?app=%ld&office=kita&officeField=%%E5%%8C%%BA%%E5%%88%%86", app);
    TH_EXPECT_STATUS(400); /* 区分 is not an organisation field */
    th_getf("/api/kpi.json?app=%ld&office=kita", app_plain);
    TH_EXPECT_STATUS(400);
    th_getf("/api/kpi.json?app=99999");
    TH_EXPECT_STATUS(404);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_figures),
        cmocka_unit_test(test_office_and_period),
        cmocka_unit_test(test_all_apps),
        cmocka_unit_test(test_permissions),
        cmocka_unit_test(test_bad_parameters),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
