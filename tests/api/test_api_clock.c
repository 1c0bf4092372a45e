/* In-process API tests of the legal clock (標準処理期間) and the calendar of open days: the
 * app's clock settings through app/clock.json (validation, preview/deploy), status changes
 * driven straight through lclock_on_status() (the workflow engine is built elsewhere) on
 * chosen days — receipt, a correction request (修正待ち) across 海の日, the reply, a send-back
 * that must not restart the clock, the final decision, a withdrawal while paused; Golden Week
 * and the year-end closure; overdue seen through an injected clock; the query pseudo-fields
 * ($due_date, $days_used, $overdue) with record permissions still applied; records/clock.json
 * shapes; calendar.json and an override that moves a due date. Runs on PostgreSQL too. */
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
#include "domain/calendar.h"
#include "domain/ctx.h"
#include "domain/lclock.h"

#define PW "password-456"
#define PREVIEW_CLOCK "/k/v1/preview/app/clock.json"

static long app, app_plain;
static long rec[8];

/* Unix time of noon in Japan on date. */
static int64_t
noon(const char *date)
{
    int y, m, d;
    if (!clock_parse_date(date, &y, &m, &d))
        abort();
    return clock_days_from_civil(y, m, d) * 86400 - 9 * 3600 + 12 * 3600;
}

/* The server's clock for the following requests. */
static void
today_is(const char *date)
{
    clock_set_fake_ms(noon(date) * 1000);
}

static void
deploy(long a)
{
    th_sendq("POST", "/k/v1/preview/app/deploy.json", "{'apps':[{'app':%ld}]}", a);
    TH_EXPECT_STATUS(200);
}

static long
add(long a, const char *kubun)
{
    const struct th_resp *r = th_sendq("POST", "/k/v1/record.json",
                                       "{'app':%ld,'record':{'区分':{'value':'%s'}}}", a, kubun);
    TH_EXPECT_STATUS(200);
    return strtol(th_str(r->json, "id"), NULL, 10);
}

/* A status change as the workflow engine will make it: the status column, then the clock, in
 * one transaction, on the given day. */
static void
move(long a, long id, const char *from, const char *to, const char *date)
{
    struct arena *ar = arena_new();
    struct fail f;
    struct ctx c;
    struct app_def d;
    memset(&c, 0, sizeof(c));
    fail_init(&f, ar, LANG_JA);
    c.arena = ar;
    c.db = th_db();
    c.fail = &f;
    c.now = noon(date);
    c.tz_offset = 540;
    c.who.kind = PRIN_SYSTEM;
    c.who.login = "system";
    assert_int_equal(db_begin(c.db, true), DB_OK);
    struct db_param p[] = { DBP_TEXT(to), DBP_INT(a), DBP_INT(id) };
    assert_int_equal(db_exec(c.db, "UPDATE records SET status = $1 WHERE app_id = $2 AND id = $3",
                             p, 3, NULL),
                     DB_OK);
    assert_int_equal(app_load(&c, a, false, &d), ERR_OK);
    enum err e = lclock_on_status(&c, &d, id, from, to);
    if (e != ERR_OK)
        fprintf(stderr, "lclock_on_status: %s\n", f.message ? f.message : "?");
    assert_int_equal(e, ERR_OK);
    assert_int_equal(db_commit(c.db), DB_OK);
    arena_free(ar);
}

static void
refresh(const char *date)
{
    struct arena *ar = arena_new();
    struct fail f;
    struct ctx c;
    memset(&c, 0, sizeof(c));
    fail_init(&f, ar, LANG_JA);
    c.arena = ar;
    c.db = th_db();
    c.fail = &f;
    c.now = noon(date);
    c.who.kind = PRIN_SYSTEM;
    c.who.login = "system";
    assert_int_equal(lclock_refresh_all(&c), ERR_OK); /* its own transaction */
    arena_free(ar);
}

/* ids of a records.json query (as user, or admin when NULL), comma-separated in order. */
static const char *
ids_of(const char *user, long a, const char *query)
{
    static char out[256];
    char target[1024], enc[768];
    size_t k = 0;
    for (const unsigned char *s = (const unsigned char *)query; *s && k + 4 < sizeof(enc); s++) {
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
            *s == '_' || *s == '-')
            enc[k++] = (char)*s;
        else
            k += (size_t)snprintf(enc + k, sizeof(enc) - k, "%%%02X", *s);
    }
    enc[k] = '\0';
    snprintf(target, sizeof(target), "/k/v1/records.json?app=%ld&query=%s&fields[0]=$id", a, enc);
    const char *h[] = { th_auth_header(user ? user : TH_USER, user ? PW : TH_PASSWORD), NULL };
    const struct th_resp *r = th_request("GET", target, NULL, h, 0);
    out[0] = '\0';
    if (r->status != 200) {
        snprintf(out, sizeof(out), "error %d %s", r->status, th_str(r->json, "code"));
        return out;
    }
    json_t *list = json_object_get(r->json, "records");
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        size_t n = strlen(out);
        snprintf(out + n, sizeof(out) - n, "%s%s", i ? "," : "",
                 th_str(v, "$id.value") ? th_str(v, "$id.value") : "?");
    }
    return out;
}

static const json_t *
clock_of(long a, long id)
{
    const struct th_resp *r = th_getf("/k/v1/records/clock.json?app=%ld&ids[0]=%ld", a, id);
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "clocks"), 1);
    return th_at(r->json, "clocks.0");
}

static void
expect_clock(long a, long id, const char *state, const char *due, const char *used,
             const char *left, int overdue, const char *paused)
{
    const json_t *c = clock_of(a, id);
    char idtext[32];
    snprintf(idtext, sizeof(idtext), "%ld", id);
    assert_string_equal(th_str(c, "id"), idtext);
    assert_string_equal(th_str(c, "state"), state);
    assert_string_equal(th_str(c, "due"), due);
    assert_string_equal(th_str(c, "daysUsed"), used);
    assert_string_equal(th_str(c, "daysLeft"), left);
    assert_true(json_is_boolean(th_at(c, "overdue")));
    assert_int_equal(json_is_true(th_at(c, "overdue")), overdue);
    assert_string_equal(th_str(c, "pausedDays"), paused);
}

static int
setup(void **state)
{
    th_setup(state);
    calendar_cache_clear(); /* a fresh database: forget another run's overrides */
    th_user("taro", PW, 0);
    const char *fields = "{\"区分\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"区分\","
                         "\"label\":\"区分\"}}";
    app = th_app(fields);
    app_plain = th_app(fields);
    return 0;
}

static int
teardown(void **state)
{
    clock_set_fake_ms(0);
    calendar_cache_clear();
    return th_teardown(state);
}

/* ---- settings ---- */

static void
test_config(void **state)
{
    (void)state;
    const struct th_resp *r = th_getf("/k/v1/app/clock.json?app=%ld", app);
    TH_EXPECT_STATUS(200);
    assert_true(json_is_false(th_at(r->json, "enable")));
    assert_true(json_is_null(th_at(r->json, "days")));
    assert_int_equal(th_count(r->json, "startStatuses"), 0);

    /* bad input: nothing is saved */
    th_sendq("PUT", PREVIEW_CLOCK, "{'app':%ld,'enable':true,'days':0,'startStatuses':['受付']}",
             app);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("days");
    th_sendq("PUT", PREVIEW_CLOCK, "{'app':%ld,'enable':true,'days':3651,'startStatuses':['受付']}",
             app);
    TH_EXPECT_KEY("days");
    th_sendq("PUT", PREVIEW_CLOCK, "{'app':%ld,'enable':true,'days':'十','startStatuses':['受付']}",
             app);
    TH_EXPECT_KEY("days");
    th_sendq("PUT", PREVIEW_CLOCK, "{'app':%ld,'enable':true,'days':10}", app);
    TH_EXPECT_KEY("startStatuses");
    th_sendq("PUT", PREVIEW_CLOCK, "{'app':%ld,'enable':true,'startStatuses':['受付']}", app);
    TH_EXPECT_KEY("days");
    th_sendq("PUT", PREVIEW_CLOCK,
             "{'app':%ld,'enable':true,'days':10,'startStatuses':'受付'}", app);
    TH_EXPECT_KEY("startStatuses");
    th_sendq("PUT", PREVIEW_CLOCK,
             "{'app':%ld,'enable':true,'days':10,'startStatuses':['受付',3]}", app);
    TH_EXPECT_KEY("startStatuses[1]");
    th_sendq("PUT", PREVIEW_CLOCK,
             "{'app':%ld,'enable':true,'days':10,'startStatuses':['受付'],"
             "'stopStatuses':['完了','受付']}",
             app);
    TH_EXPECT_KEY("stopStatuses[1]");
    th_sendq("PUT", PREVIEW_CLOCK, "{'app':%ld,'enable':'yes','days':10}", app);
    TH_EXPECT_KEY("enable");
    th_sendq("PUT", PREVIEW_CLOCK, "{'app':%ld,'enable':true,'days':10,'startStatuses':['受付'],"
                                   "'revision':'99'}",
             app);
    TH_EXPECT_ERROR(409, "GAIA_CO02");
    /* live-only path, and rights: a staff member without management rights */
    th_sendq("PUT", "/k/v1/app/clock.json", "{'app':%ld,'enable':false}", app);
    assert_true(th_last_status() == 404 || th_last_status() == 405);
    const char *h[] = { th_auth_header("taro", PW), NULL };
    char body[128];
    snprintf(body, sizeof(body), "{\"app\":%ld,\"enable\":false}", app);
    th_request("PUT", PREVIEW_CLOCK, body, h, 0);
    TH_EXPECT_ERROR(403, "CB_NO02");

    r = th_sendq("PUT", PREVIEW_CLOCK,
                 "{'app':%ld,'enable':true,'days':'10','startStatuses':['受付'],"
                 "'pauseStatuses':['修正待ち'],'stopStatuses':['決裁完了','不許可','取下げ']}",
                 app);
    TH_EXPECT_STATUS(200);
    assert_non_null(th_str(r->json, "revision"));
    /* preview has it, live not yet */
    r = th_getf(PREVIEW_CLOCK "?app=%ld", app);
    assert_true(json_is_true(th_at(r->json, "enable")));
    assert_string_equal(th_str(r->json, "days"), "10");
    assert_string_equal(th_str(r->json, "stopStatuses.2"), "取下げ");
    r = th_getf("/k/v1/app/clock.json?app=%ld", app);
    assert_true(json_is_false(th_at(r->json, "enable")));
    assert_string_equal(ids_of(NULL, app, "$overdue = \"true\""), "error 400 GAIA_IQ11");
    /* other settings and the deploy keep the "clock" key */
    th_sendq("PUT", "/k/v1/preview/app/settings.json", "{'app':%ld,'description':'x'}", app);
    TH_EXPECT_STATUS(200);
    deploy(app);
    r = th_getf("/k/v1/app/clock.json?app=%ld", app);
    assert_true(json_is_true(th_at(r->json, "enable")));
    assert_string_equal(th_str(r->json, "startStatuses.0"), "受付");
    assert_string_equal(th_str(r->json, "pauseStatuses.0"), "修正待ち");
    /* a partial PUT keeps the other keys */
    th_sendq("PUT", PREVIEW_CLOCK, "{'app':%ld,'days':10}", app);
    TH_EXPECT_STATUS(200);
    r = th_getf(PREVIEW_CLOCK "?app=%ld", app);
    assert_string_equal(th_str(r->json, "pauseStatuses.0"), "修正待ち");
}

/* With a process definition in the preview, every named status must be one of its states. */
static void
test_config_process_states(void **state)
{
    (void)state;
    long a = th_app("{}");
    struct arena *ar = arena_new();
    struct fail f;
    struct ctx c;
    struct app_def d;
    int64_t rev;
    memset(&c, 0, sizeof(c));
    fail_init(&f, ar, LANG_JA);
    c.arena = ar;
    c.db = th_db();
    c.fail = &f;
    c.now = noon("2026-04-01");
    c.who.kind = PRIN_SYSTEM;
    c.who.login = "system";
    assert_int_equal(db_begin(c.db, true), DB_OK);
    assert_int_equal(app_load(&c, a, true, &d), ERR_OK);
    app_def_copy(&c, &d);
    json_object_set_new(d.root, "process",
                        json_pack("{s:b, s:{s:{}, s:{}, s:{}, s:{}}}", "enable", 1, "states",
                                  "受付中", "受付", "修正待ち", "決裁完了"));
    assert_int_equal(app_save_preview(&c, &d, NULL, &rev), ERR_OK);
    assert_int_equal(db_commit(c.db), DB_OK);
    arena_free(ar);
    th_sendq("PUT", PREVIEW_CLOCK,
             "{'app':%ld,'enable':true,'days':5,'startStatuses':['受付'],"
             "'pauseStatuses':['修正待ち'],'stopStatuses':['決裁完了','取下げ']}",
             a);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("stopStatuses[1]");
    th_sendq("PUT", PREVIEW_CLOCK,
             "{'app':%ld,'enable':true,'days':5,'startStatuses':['受付'],"
             "'pauseStatuses':['修正待ち'],'stopStatuses':['決裁完了']}",
             a);
    TH_EXPECT_STATUS(200);
}

/* ---- the clock of records ---- */

static void
test_clock_lifecycle(void **state)
{
    (void)state;
    for (int i = 1; i <= 6; i++)
        rec[i] = add(app, i == 2 ? "秘" : "一般");
    /* 1: receipt Mon 7/13; 10 open days skip 海の日 7/20: due 7/28 */
    move(app, rec[1], NULL, "受付中", "2026-07-10");
    move(app, rec[1], "受付中", "受付", "2026-07-13");
    today_is("2026-07-13");
    expect_clock(app, rec[1], "running", "2026-07-28", "0", "10", 0, "0");
    move(app, rec[1], "受付", "審査中", "2026-07-14");
    /* correction request Thu 7/16 (3 open days used: 7/14, 7/15, 7/16) */
    move(app, rec[1], "審査中", "修正待ち", "2026-07-16");
    today_is("2026-07-21");
    expect_clock(app, rec[1], "paused", "2026-07-28", "3", "7", 0, "2"); /* 7/17, 7/21 */
    /* the reply Wed 7/22: paused 7/17, 7/21, 7/22 (7/20 is 海の日): due moves 3 open days */
    move(app, rec[1], "修正待ち", "審査中", "2026-07-22");
    today_is("2026-07-24");
    expect_clock(app, rec[1], "running", "2026-07-31", "5", "5", 0, "3");
    /* a send-back to 受付 does not restart it */
    move(app, rec[1], "審査中", "受付", "2026-07-27");
    today_is("2026-07-27");
    expect_clock(app, rec[1], "running", "2026-07-31", "6", "4", 0, "3");
    /* decided Wed 7/29: 8 days used, frozen */
    move(app, rec[1], "受付", "決裁完了", "2026-07-29");
    today_is("2026-08-20");
    expect_clock(app, rec[1], "stopped", "2026-07-31", "8", "2", 0, "3");
    const json_t *c1 = clock_of(app, rec[1]);
    assert_string_equal(th_str(c1, "start"), "2026-07-13");
    /* leaving the stop status does not bring it back */
    move(app, rec[1], "決裁完了", "審査中", "2026-08-20");
    expect_clock(app, rec[1], "stopped", "2026-07-31", "8", "2", 0, "3");

    /* 2: received Mon 4/27 before Golden Week: due Fri 5/15; overdue from Mon 5/18 */
    move(app, rec[2], NULL, "受付", "2026-04-27");
    today_is("2026-05-15");
    expect_clock(app, rec[2], "running", "2026-05-15", "10", "0", 0, "0");
    today_is("2026-05-16"); /* Saturday after the due date: late, no open day used */
    expect_clock(app, rec[2], "running", "2026-05-15", "10", "0", 1, "0");
    today_is("2026-05-18");
    expect_clock(app, rec[2], "running", "2026-05-15", "11", "-1", 1, "0");

    /* 3: withdrawn while waiting for the applicant: stopped, the pause counted as paused */
    move(app, rec[3], NULL, "受付", "2026-07-13");
    move(app, rec[3], "受付", "修正待ち", "2026-07-15");
    move(app, rec[3], "修正待ち", "取下げ", "2026-07-21");
    today_is("2026-07-24");
    expect_clock(app, rec[3], "stopped", "2026-07-31", "2", "8", 0, "3");

    /* 4: withdrawn before receipt: no clock */
    move(app, rec[4], NULL, "受付中", "2026-07-01");
    move(app, rec[4], "受付中", "取下げ", "2026-07-02");
    const json_t *c4 = clock_of(app, rec[4]);
    assert_true(json_is_null(th_at(c4, "state")));
    assert_true(json_is_null(th_at(c4, "due")));
    assert_true(json_is_null(th_at(c4, "daysUsed")));
    assert_true(json_is_false(th_at(c4, "overdue")));

    /* 5: received 12/24, 10 open days over the year end and 成人の日 1/11: 12/25 12/28 1/4
     * 1/5 1/6 1/7 1/8 1/12 1/13 1/14 */
    move(app, rec[5], NULL, "受付", "2026-12-24");
    today_is("2027-01-06");
    expect_clock(app, rec[5], "running", "2027-01-14", "5", "5", 0, "0");
    today_is("2027-01-14");
    expect_clock(app, rec[5], "running", "2027-01-14", "10", "0", 0, "0");
    today_is("2027-01-15");
    expect_clock(app, rec[5], "running", "2027-01-14", "11", "-1", 1, "0");

    /* 6: paused after the due date stays overdue while paused */
    move(app, rec[6], NULL, "受付", "2026-04-27");
    move(app, rec[6], "受付", "修正待ち", "2026-05-18");
    today_is("2026-06-01");
    expect_clock(app, rec[6], "paused", "2026-05-15", "11", "-1", 1, "10");

    /* an app without a clock: status changes leave nothing */
    long plain = add(app_plain, "一般");
    move(app_plain, plain, NULL, "受付", "2026-07-13");
    th_getf("/k/v1/records/clock.json?app=%ld&ids[0]=%ld", app_plain, plain);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("app");
}

/* The pseudo-fields, on 2026-07-24 after the daily refresh (record 5 is received in December:
 * on 7/24 its clock has not used a day). */
static void
test_query(void **state)
{
    (void)state;
    refresh("2026-07-24");
    today_is("2026-07-24");
    char q[64];
    snprintf(q, sizeof(q), "$overdue = \"true\" order by $id asc");
    assert_string_equal(ids_of(NULL, app, q), "2,6");
    assert_string_equal(ids_of(NULL, app, "$overdue in (\"1\") order by $id asc"), "2,6");
    assert_string_equal(ids_of(NULL, app, "$overdue = \"false\" order by $id asc"), "1,3,4,5");
    assert_string_equal(ids_of(NULL, app, "$overdue != \"true\" order by $id asc"), "1,3,4,5");
    assert_string_equal(ids_of(NULL, app, "$overdue not in (\"false\") order by $id asc"), "2,6");
    assert_string_equal(ids_of(NULL, app, "$overdue in (\"true\", \"false\") order by $id asc"),
                        "1,2,3,4,5,6");
    assert_string_equal(ids_of(NULL, app, "$due_date = \"2026-07-31\" order by $id asc"), "1,3");
    assert_string_equal(ids_of(NULL, app, "$due_date < \"2026-07-01\" order by $id asc"), "2,6");
    assert_string_equal(ids_of(NULL, app, "$due_date >= \"2026-07-31\" order by $due_date desc"),
                        "5,3,1");
    assert_string_equal(ids_of(NULL, app, "$due_date = \"\" order by $id asc"), "4");
    assert_string_equal(ids_of(NULL, app, "$due_date > TODAY() order by $due_date asc, $id asc"),
                        "1,3,5");
    /* days used as of the refresh: 1 stopped at 8, 2 running since 4/27, 3 stopped at 2,
     * 5 not begun, 6 paused at 11 */
    assert_string_equal(ids_of(NULL, app, "$days_used >= 8 order by $days_used asc"), "1,6,2");
    assert_string_equal(ids_of(NULL, app, "$days_used in (2, 8) order by $id asc"), "1,3");
    assert_string_equal(ids_of(NULL, app, "$days_used = \"\""), "4");
    assert_string_equal(ids_of(NULL, app, "$days_used < 1"), "5");
    assert_string_equal(ids_of(NULL, app, "$overdue = \"true\" and $days_used > 50"), "2");
    /* wrong operators and values */
    assert_string_equal(ids_of(NULL, app, "$overdue like \"t\""), "error 400 GAIA_IQ03");
    assert_string_equal(ids_of(NULL, app, "$overdue > \"true\""), "error 400 GAIA_IQ03");
    assert_string_equal(ids_of(NULL, app, "$overdue = \"maybe\""), "error 400 CB_VA01");
    assert_string_equal(ids_of(NULL, app, "$due_date in (\"2026-07-31\")"), "error 400 GAIA_IQ03");
    assert_string_equal(ids_of(NULL, app, "$days_used like \"1\""), "error 400 GAIA_IQ03");
    assert_string_equal(ids_of(NULL, app, "order by $overdue asc"), "error 400 GAIA_IQ03");
    assert_string_equal(ids_of(NULL, app, "$clock = 1"), "error 400 GAIA_IQ11");
    /* apps without a clock do not know the fields */
    assert_string_equal(ids_of(NULL, app_plain, "$overdue = \"true\""), "error 400 GAIA_IQ11");
    assert_string_equal(ids_of(NULL, app_plain, "order by $due_date asc"), "error 400 GAIA_IQ11");
    /* a stale stored count is what $days_used sees until the next refresh; the due date and
     * $overdue are exact */
    today_is("2027-01-15");
    assert_string_equal(ids_of(NULL, app, "$overdue = \"true\" order by $id asc"), "2,5,6");
    /* views may filter and sort on them */
    th_sendq("PUT", "/k/v1/preview/app/views.json",
             "{'app':%ld,'views':{'期限順':{'type':'LIST','index':0,'fields':['区分'],"
             "'filterCond':'$overdue = \\'false\\'','sort':'$due_date asc'}}}",
             app);
    TH_EXPECT_STATUS(200);
    deploy(app);
}

/* Record permissions apply: taro may not see 秘 records (record 2). */
static void
test_permissions(void **state)
{
    (void)state;
    th_sendq("PUT", "/k/v1/preview/record/acl.json",
             "{'app':%ld,'rights':["
             "{'filterCond':'区分 in (\\'秘\\')','entities':["
             "{'entity':{'type':'USER','code':'admin'},'viewable':true,'editable':true,'deletable':true}]},"
             "{'filterCond':'','entities':["
             "{'entity':{'type':'GROUP','code':'everyone'},'viewable':true,'editable':true,'deletable':true}]}]}",
             app);
    TH_EXPECT_STATUS(200);
    deploy(app);
    today_is("2026-07-24");
    assert_string_equal(ids_of(NULL, app, "$overdue = \"true\" order by $id asc"), "2,6");
    assert_string_equal(ids_of("taro", app, "$overdue = \"true\" order by $id asc"), "6");
    assert_string_equal(ids_of("taro", app, "$due_date < \"2026-07-01\""), "6");
    char target[160];
    const char *h[] = { th_auth_header("taro", PW), NULL };
    snprintf(target, sizeof(target), "/k/v1/records/clock.json?app=%ld&ids[0]=%ld&ids[1]=%ld",
             app, rec[1], rec[2]);
    th_request("GET", target, NULL, h, 0);
    TH_EXPECT_ERROR(404, "GAIA_RE01");
    snprintf(target, sizeof(target), "/k/v1/records/clock.json?app=%ld&ids[0]=%ld", app, rec[1]);
    const struct th_resp *r = th_request("GET", target, NULL, h, 0);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "clocks.0.state"), "stopped");
}

static void
test_clock_json_shapes(void **state)
{
    (void)state;
    today_is("2026-07-24");
    const struct th_resp *r = th_getf(
        "/k/v1/records/clock.json?app=%ld&ids[0]=%ld&ids[1]=%ld&ids[2]=%ld", app, rec[2],
        rec[1], rec[4]);
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "clocks"), 3);
    char want[32];
    snprintf(want, sizeof(want), "%ld", rec[2]);
    assert_string_equal(th_str(r->json, "clocks.0.id"), want); /* in the order asked */
    assert_string_equal(th_str(r->json, "clocks.0.start"), "2026-04-27");
    assert_true(json_is_true(th_at(r->json, "clocks.0.overdue")));
    assert_int_equal(th_count(r->json, "clocks.0"), 8);
    assert_true(json_is_null(th_at(r->json, "clocks.2.state")));
    /* a JSON body and a single id */
    r = th_sendq("GET", "/k/v1/records/clock.json", "{'app':%ld,'ids':[%ld]}", app, rec[1]);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "clocks.0.due"), "2026-07-31");
    th_getf("/k/v1/records/clock.json?app=%ld&ids=%ld", app, rec[1]);
    TH_EXPECT_STATUS(200);
    /* errors */
    th_getf("/k/v1/records/clock.json?app=%ld", app);
    TH_EXPECT_KEY("ids");
    th_getf("/k/v1/records/clock.json?app=%ld&ids[0]=x", app);
    TH_EXPECT_KEY("ids[0]");
    th_getf("/k/v1/records/clock.json?app=%ld&ids[0]=9999", app);
    TH_EXPECT_ERROR(404, "GAIA_RE01");
    th_getf("/k/v1/records/clock.json?app=99999&ids[0]=1");
    TH_EXPECT_ERROR(404, "GAIA_AP01");
    char body[2048] = "";
    size_t n = (size_t)snprintf(body, sizeof(body), "{\"app\":%ld,\"ids\":[", app);
    for (int i = 1; i <= 101; i++)
        n += (size_t)snprintf(body + n, sizeof(body) - n, "%s%d", i > 1 ? "," : "", i);
    snprintf(body + n, sizeof(body) - n, "]}");
    th_request("GET", "/k/v1/records/clock.json", body, NULL, 1);
    TH_EXPECT_KEY("ids");
}

/* ---- the calendar ---- */

static void
test_calendar(void **state)
{
    (void)state;
    today_is("2026-12-25");
    const struct th_resp *r = th_get("/api/calendar.json?from=2026-12-25&to=2027-01-12");
    TH_EXPECT_STATUS(200);
    /* 12/29 12/30 12/31 1/1 (元日) 1/2 1/3 (年末年始) and 成人の日 1/11 */
    assert_int_equal(th_count(r->json, "days"), 7);
    assert_string_equal(th_str(r->json, "days.0.date"), "2026-12-29");
    assert_string_equal(th_str(r->json, "days.0.name"), "年末年始");
    assert_string_equal(th_str(r->json, "days.0.source"), "builtin");
    assert_true(json_is_false(th_at(r->json, "days.0.open")));
    assert_string_equal(th_str(r->json, "days.3.name"), "元日");
    assert_string_equal(th_str(r->json, "days.6.date"), "2027-01-11");
    r = th_get("/api/calendar.json");
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "from"), "2026-01-01");
    assert_string_equal(th_str(r->json, "to"), "2026-12-31");
    assert_int_equal(th_count(r->json, "days"), 23); /* 18 holidays + 12/29-31, 1/2, 1/3 */
    th_get("/api/calendar.json?from=2026-13-01");
    TH_EXPECT_KEY("from");
    th_get("/api/calendar.json?from=2026-02-01&to=2026-01-01");
    TH_EXPECT_KEY("to");
    th_get("/api/calendar.json?from=2020-01-01&to=2031-01-01");
    TH_EXPECT_KEY("to");
    /* any signed-in user may read it */
    const char *h[] = { th_auth_header("taro", PW), NULL };
    th_request("GET", "/api/calendar.json?from=2027-01-01&to=2027-01-31", NULL, h, 0);
    TH_EXPECT_STATUS(200);

    /* only administrators change it */
    char body[256];
    snprintf(body, sizeof(body),
             "{\"days\":[{\"date\":\"2027-01-05\",\"open\":false,\"name\":\"臨時閉庁日\"}]}");
    th_request("PUT", "/admin/api/calendar.json", body, h, 0);
    TH_EXPECT_ERROR(403, "CB_NO02");
    th_sendq("PUT", "/admin/api/calendar.json", "{'days':[{'date':'2027-1-5','open':false}]}");
    TH_EXPECT_KEY("days[0].date");
    th_sendq("PUT", "/admin/api/calendar.json", "{'days':[{'date':'2027-01-05'}]}");
    TH_EXPECT_KEY("days[0].open");
    th_sendq("PUT", "/admin/api/calendar.json", "{'days':[{'date':'2027-01-05','open':false,'name':3}]}");
    TH_EXPECT_KEY("days[0].name");
    th_sendq("PUT", "/admin/api/calendar.json", "{'delete':['x']}");
    TH_EXPECT_KEY("delete[0]");
    th_sendq("PUT", "/admin/api/calendar.json", "{}");
    TH_EXPECT_KEY("days");

    /* a 臨時閉庁日 on 1/5 moves record 5's due date from 1/14 to 1/15 at once */
    today_is("2027-01-06");
    expect_clock(app, rec[5], "running", "2027-01-14", "5", "5", 0, "0");
    r = th_sendq("PUT", "/admin/api/calendar.json",
                 "{'days':[{'date':'2027-01-05','open':false,'name':'臨時閉庁日'}]}");
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "set"), "1");
    expect_clock(app, rec[5], "running", "2027-01-15", "4", "6", 0, "0");
    assert_string_equal(ids_of(NULL, app, "$due_date = \"2027-01-15\""), "5");
    assert_string_equal(ids_of(NULL, app, "$days_used = 4"), "5");
    /* and opening 成人の日 1/11 brings it back to 1/14 */
    r = th_sendq("PUT", "/admin/api/calendar.json", "{'days':[{'date':'2027-01-11','open':true}]}");
    TH_EXPECT_STATUS(200);
    expect_clock(app, rec[5], "running", "2027-01-14", "4", "6", 0, "0");
    r = th_get("/api/calendar.json?from=2027-01-04&to=2027-01-12");
    assert_int_equal(th_count(r->json, "days"), 2);
    assert_string_equal(th_str(r->json, "days.0.name"), "臨時閉庁日");
    assert_string_equal(th_str(r->json, "days.0.source"), "override");
    assert_true(json_is_false(th_at(r->json, "days.0.open")));
    assert_string_equal(th_str(r->json, "days.1.name"), "成人の日");
    assert_string_equal(th_str(r->json, "days.1.source"), "override");
    assert_true(json_is_true(th_at(r->json, "days.1.open")));
    /* stopped clocks keep their dates */
    expect_clock(app, rec[1], "stopped", "2026-07-31", "8", "2", 0, "3");
    /* removing the overrides restores the rules */
    r = th_sendq("PUT", "/admin/api/calendar.json",
                 "{'delete':['2027-01-05','2027-01-11','2027-02-01']}");
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "deleted"), "2");
    expect_clock(app, rec[5], "running", "2027-01-14", "5", "5", 0, "0");
    assert_string_equal(ids_of(NULL, app, "$days_used = 5"), "5");
    r = th_get("/api/calendar.json?from=2027-01-04&to=2027-01-12");
    assert_int_equal(th_count(r->json, "days"), 1);
    assert_string_equal(th_str(r->json, "days.0.source"), "builtin");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config),
        cmocka_unit_test(test_config_process_states),
        cmocka_unit_test(test_clock_lifecycle),
        cmocka_unit_test(test_query),
        cmocka_unit_test(test_permissions),
        cmocka_unit_test(test_clock_json_shapes),
        cmocka_unit_test(test_calendar),
    };
    return cmocka_run_group_tests_name(th_backend(), tests, setup, teardown);
}
