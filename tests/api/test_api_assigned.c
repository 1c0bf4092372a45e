/* In-process API tests of GET /api/assigned.json (domain/my_work.c): the records where the
 * caller is an assignee across apps, oldest status change first, with the legal clock's due
 * date and overdue flag; records the caller may not view are left out; a login is matched as
 * a whole JSON string (no prefix matches, LIKE wildcards in logins are literal). */
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

#define PW "assigned-test-password-1"

static long app, hidden_app;


static const struct th_resp *
as_user(const char *user, const char *method, const char *target, const char *body)
{
    const char *h[] = { th_auth_header(user, PW), NULL };
    return th_request(method, target, body, h, 0);
}

static char *
quotes(const char *s)
{
    char *out = strdup(s);
    for (char *p = out; *p; p++)
        if (*p == '\'')
            *p = '"';
    return out;
}

static long
app_q(const char *fields)
{
    char *s = quotes(fields);
    long id = th_app(s);
    free(s);
    return id;
}

static void
new_record(long in_app, const char *title)
{
    th_sendq("POST", "/k/v1/record.json", "{'app':%ld,'record':{'件名':{'value':'%s'}}}", in_app,
             title);
    TH_EXPECT_STATUS(200);
}

static long
last_id(long in_app)
{
    struct db_param p[] = { DBP_INT(in_app) };
    int64_t v = 0;
    bool found = false;
    assert_int_equal(db_query_int(th_db(), "SELECT MAX(id) FROM records WHERE app_id = $1", p, 1,
                                  &v, &found),
                     DB_OK);
    return (long)v;
}

static void
set_assignees(long in_app, long id, const char *json)
{
    struct db_param p[] = { DBP_TEXT(json), DBP_INT(in_app), DBP_INT(id) };
    assert_int_equal(db_exec(th_db(), "UPDATE records SET assignees = $1 WHERE app_id = $2 AND id = $3",
                             p, 3, NULL),
                     DB_OK);
}

#define PROCESS                                                                                    \
    "{'app':%ld,'enable':true,'states':{"                                                          \
    "'受付中':{'name':'受付中','index':'0','assignee':{'type':'ANY','entities':["                  \
    "{'entity':{'type':'USER','code':'a1'}},{'entity':{'type':'USER','code':'ab1'}}]}},"          \
    "'審査中':{'name':'審査中','index':'1','assignee':{'type':'ANY','entities':["                  \
    "{'entity':{'type':'USER','code':'a2'}}]}},"                                                   \
    "'完了':{'name':'完了','index':'2'}},"                                                        \
    "'actions':[{'name':'審査開始','from':'受付中','to':'審査中'},"                                \
    "{'name':'完了する','from':'審査中','to':'完了'}]}"

static int
setup(void **state)
{
    th_setup(state);
    const char *users[] = { "a1", "a2", "ab1", "a_1", "a1x" };
    for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++)
        th_user(users[i], PW, 0);
    const char *fields = "{'件名':{'type':'SINGLE_LINE_TEXT','code':'件名','label':'件名'}}";
    app = app_q(fields);
    hidden_app = app_q(fields);
    th_sendq("PUT", "/k/v1/preview/app/status.json", PROCESS, app);
    TH_EXPECT_STATUS(200);
    th_sendq("PUT", "/k/v1/preview/app/clock.json",
             "{'app':%ld,'enable':true,'days':10,'startStatuses':['受付中'],"
             "'stopStatuses':['完了']}",
             app);
    TH_EXPECT_STATUS(200);
    th_sendq("POST", "/k/v1/preview/app/deploy.json", "{'apps':[{'app':%ld}]}", app);
    TH_EXPECT_STATUS(200);
    /* a record of the second app assigned to a1 and a2 (oldest of all); only a2 may view it */
    new_record(hidden_app, "見えない");
    set_assignees(hidden_app, last_id(hidden_app), "[\"a1\",\"a2\"]");
    th_clock_advance(3600);
    th_sendq("PUT", "/k/v1/preview/app/acl.json",
             "{'app':%ld,'rights':[{'entity':{'type':'USER','code':'a2'},'recordViewable':true}]}",
             hidden_app);
    TH_EXPECT_STATUS(200);
    th_sendq("POST", "/k/v1/preview/app/deploy.json", "{'apps':[{'app':%ld}]}", hidden_app);
    TH_EXPECT_STATUS(200);
    return 0;
}

static void
test_assigned(void **state)
{
    (void)state;
    new_record(app, "一件目");
    long first = last_id(app);
    th_clock_advance(3600);
    new_record(app, "二件目");
    long second = last_id(app);

    /* a1: both records of the first app, oldest first; not the app it may not view */
    const struct th_resp *r = as_user("a1", "GET", "/api/assigned.json", NULL);
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "records"), 2);
    char want[32];
    snprintf(want, sizeof(want), "%ld", first);
    assert_string_equal(th_str(r->json, "records.0.record"), want);
    snprintf(want, sizeof(want), "%ld", second);
    assert_string_equal(th_str(r->json, "records.1.record"), want);
    snprintf(want, sizeof(want), "%ld", app);
    assert_string_equal(th_str(r->json, "records.0.app"), want);
    assert_non_null(th_str(r->json, "records.0.appName"));
    assert_string_equal(th_str(r->json, "records.0.status"), "受付中");
    assert_non_null(th_str(r->json, "records.0.statusAt"));
    assert_string_equal(th_str(r->json, "records.0.clock"), "running");
    assert_non_null(th_str(r->json, "records.0.due"));
    assert_true(json_is_false(th_at(r->json, "records.0.overdue")));
    assert_true(json_is_false(th_at(r->json, "more")));

    /* whole logins only: a1x and a_1 are not a1 / ab1 */
    r = as_user("a1x", "GET", "/api/assigned.json", NULL);
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "records"), 0);
    r = as_user("a_1", "GET", "/api/assigned.json", NULL);
    assert_int_equal(th_count(r->json, "records"), 0);
    r = as_user("ab1", "GET", "/api/assigned.json", NULL);
    assert_int_equal(th_count(r->json, "records"), 2);

    /* a2 sees the second app's record; after 審査開始 the first record is a2's, not a1's */
    r = as_user("a2", "GET", "/api/assigned.json", NULL);
    assert_int_equal(th_count(r->json, "records"), 1);
    char body[256];
    snprintf(body, sizeof(body), "{\"app\":%ld,\"id\":%ld,\"action\":\"審査開始\"}", app, first);
    as_user("a1", "PUT", "/k/v1/record/status.json", body);
    TH_EXPECT_STATUS(200);
    r = as_user("a1", "GET", "/api/assigned.json", NULL);
    assert_int_equal(th_count(r->json, "records"), 1);
    r = as_user("a2", "GET", "/api/assigned.json", NULL);
    assert_int_equal(th_count(r->json, "records"), 2);
    /* oldest status change first: the hidden app's record (created before the action) */
    snprintf(want, sizeof(want), "%ld", hidden_app);
    assert_string_equal(th_str(r->json, "records.0.app"), want);
    assert_string_equal(th_str(r->json, "records.1.status"), "審査中");

    /* 10 open days pass well within 40 calendar days: overdue */
    th_clock_advance(40L * 86400);
    r = as_user("a1", "GET", "/api/assigned.json", NULL);
    assert_true(json_is_true(th_at(r->json, "records.0.overdue")));

    /* limit */
    r = as_user("a2", "GET", "/api/assigned.json?limit=1", NULL);
    assert_int_equal(th_count(r->json, "records"), 1);
    assert_true(json_is_true(th_at(r->json, "more")));
    as_user("a2", "GET", "/api/assigned.json?limit=0", NULL);
    TH_EXPECT_KEY("limit");
    th_clock_reset();
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assigned),
    };
    return cmocka_run_group_tests_name(th_backend(), tests, setup, th_teardown);
}
