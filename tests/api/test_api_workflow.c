/* In-process API tests of process management: the ward's approval chain 受付中 → 受付 → 審査中
 * → 係長確認 → 審査係長確認 (ALL) → 課長決裁 / 部長決裁 → 決裁完了 driven by different users
 * with the right roles, send-back with a reason, a correction round trip, withdrawal, bulk
 * status changes (all or nothing), assignees, the actions open to a user, opinions, the
 * inbox, automatic actions from conditions and from time, and every refusal kintone gives. */
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
#include "domain/wf.h"

#define PW "wf-test-password-1"

static long app, plain_app;

static void
sql(const char *text, const char *a, const char *b)
{
    struct db_param p[2] = { DBP_TEXT(a ? a : ""), DBP_TEXT(b ? b : "") };
    int n = a ? (b ? 2 : 1) : 0;
    if (db_exec(th_db(), text, p, n, NULL) != DB_OK) {
        fprintf(stderr, "sql failed: %s: %s\n", text, db_errmsg(th_db()));
        abort();
    }
}

static long long
sql_int(const char *text, long id)
{
    struct db_param p[2] = { DBP_INT(app), DBP_INT(id) };
    int64_t v = -1;
    bool found = false;
    if (db_query_int(th_db(), text, p, 2, &v, &found) != DB_OK)
        abort();
    return found ? v : -1;
}

static const struct th_resp *
asf(const char *user, const char *method, const char *target, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static const struct th_resp *
asf(const char *user, const char *method, const char *target, const char *fmt, ...)
{
    char body[8192];
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
    char target[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(target, sizeof(target), fmt, ap);
    va_end(ap);
    const char *h[] = { th_auth_header(user, PW), NULL };
    return th_request("GET", target, NULL, h, 0);
}

/* Runs an action as user; returns the HTTP status. */
static int
act(const char *user, long id, const char *action, const char *extra)
{
    asf(user, "PUT", "/k/v1/record/status.json", "{'app':%ld,'id':%ld,'action':'%s'%s%s}", app,
        id, action, extra ? "," : "", extra ? extra : "");
    return th_last_status();
}

static const char *
status_of(const char *user, long id)
{
    static char buf[128];
    const struct th_resp *r = as_get(user, "/k/v1/record.json?app=%ld&id=%ld", app, id);
    const char *s = th_str(r->json, "record.ステータス.value");
    snprintf(buf, sizeof(buf), "%s", s ? s : "(none)");
    return buf;
}

static long
revision_of(long id)
{
    const struct th_resp *r = th_getf("/k/v1/record.json?app=%ld&id=%ld", app, id);
    const char *s = th_str(r->json, "record.$revision.value");
    return s ? atol(s) : -1;
}

static int
assignee_count(long id)
{
    const struct th_resp *r = th_getf("/k/v1/record.json?app=%ld&id=%ld", app, id);
    return (int)th_count(r->json, "record.作業者.value");
}

static const char *
assignee(long id, int i)
{
    static char buf[64];
    const struct th_resp *r = th_getf("/k/v1/record.json?app=%ld&id=%ld", app, id);
    char path[64];
    snprintf(path, sizeof(path), "record.作業者.value.%d.code", i);
    const char *s = th_str(r->json, path);
    snprintf(buf, sizeof(buf), "%s", s ? s : "");
    return buf;
}

#define PROCESS_JSON \
    "{'app':%ld,'enable':true," \
    "'states':{" \
    "'受付中':{'name':'受付中','index':'0','assignee':{'type':'ANY','entities':[{'entity':{'type':'GROUP','code':'tanto'}}]}}," \
    "'受付':{'name':'受付','index':'1','assignee':{'type':'ANY','entities':[{'entity':{'type':'GROUP','code':'tanto'}}]}}," \
    "'審査中':{'name':'審査中','index':'2','assignee':{'type':'ONE','entities':[{'entity':{'type':'FIELD_ENTITY','code':'担当者'}}]}}," \
    "'係長確認':{'name':'係長確認','index':'3','assignee':{'type':'ANY','entities':[{'entity':{'type':'GROUP','code':'kakari'}}]}}," \
    "'審査係長確認':{'name':'審査係長確認','index':'4','assignee':{'type':'ALL','entities':[{'entity':{'type':'GROUP','code':'shinsa'}}]}}," \
    "'課長決裁':{'name':'課長決裁','index':'5','assignee':{'type':'ANY','entities':[{'entity':{'type':'GROUP','code':'kacho'}}]}}," \
    "'部長決裁':{'name':'部長決裁','index':'6','assignee':{'type':'ANY','entities':[{'entity':{'type':'USER','code':'b1'}}]}}," \
    "'決裁完了':{'name':'決裁完了','index':'7','applicantLabel':'決裁完了'}," \
    "'修正待ち':{'name':'修正待ち','index':'8','assignee':{'type':'ONE','entities':[{'entity':{'type':'CREATOR'}}]},'applicantLabel':'修正依頼中'}," \
    "'取下げ':{'name':'取下げ','index':'9'}}," \
    "'actions':[" \
    "{'name':'受付する','from':'受付中','to':'受付','set':[{'field':'受付日','value':'TODAY()'},"  \
    "{'field':'収受番号','value':{'sequence':'収受','format':'世都計第{n:4}号'}}]}," \
    "{'name':'審査開始','from':'受付','to':'審査中','set':[{'field':'担当者','value':'LOGINUSER()'}]}," \
    "{'name':'確認依頼','from':'審査中','to':'係長確認'}," \
    "{'name':'修正依頼','from':'審査中','to':'修正待ち','reason':'REQUIRED'}," \
    "{'name':'修正回答','from':'修正待ち','to':'審査中','applicant':true}," \
    "{'name':'承認','from':'係長確認','to':'審査係長確認'}," \
    "{'name':'承認','from':'審査係長確認','to':'課長決裁'}," \
    "{'name':'決裁','from':'課長決裁','to':'決裁完了','filterCond':'決裁区分 in (\\'課長\\')','set':[{'field':'決裁日','value':'TODAY()'}]}," \
    "{'name':'部長決裁へ','from':'課長決裁','to':'部長決裁','filterCond':'決裁区分 in (\\'部長\\')'}," \
    "{'name':'決裁','from':'部長決裁','to':'決裁完了','set':[{'field':'決裁日','value':'TODAY()'}]}," \
    "{'name':'差戻し','from':'係長確認','to':'審査中','reason':'REQUIRED'}," \
    "{'name':'差戻し','from':'審査係長確認','to':'審査中','reason':'REQUIRED'}," \
    "{'name':'差戻し','from':'課長決裁','to':'審査中','reason':'REQUIRED'}," \
    "{'name':'差戻し','from':'部長決裁','to':'審査中','reason':'REQUIRED'}," \
    "{'name':'取下げ','from':'受付中','to':'取下げ','reason':'REQUIRED','applicant':true}," \
    "{'name':'取下げ','from':'受付','to':'取下げ','reason':'REQUIRED','applicant':true}," \
    "{'name':'取下げ','from':'審査中','to':'取下げ','reason':'REQUIRED','applicant':true}," \
    "{'name':'取下げ','from':'修正待ち','to':'取下げ','reason':'REQUIRED','applicant':true}]," \
    "'autoActions':[" \
    "{'name':'書類完備で受付','action':'受付する','condition':'書類 in (\\'全部\\')'}," \
    "{'name':'修正催促','status':'修正待ち','afterDays':30,'notify':{'to':'ASSIGNEES','title':'修正依頼から30日'}}]}"

/* th_app with single quotes for double quotes */
static long
app_q(const char *fields)
{
    char *s = strdup(fields);
    for (char *p = s; *p; p++)
        if (*p == '\'')
            *p = '"';
    long id = th_app(s);
    free(s);
    return id;
}

static int
setup(void **state)
{
    th_setup(state);
    const char *users[] = { "t1", "t2", "k1", "s1", "s2", "ka1", "b1", "outsider", "viewer" };
    for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++)
        th_user(users[i], PW, 0);
    const char *groups[][2] = { { "tanto", "担当" },     { "kakari", "係長" },
                                { "shinsa", "審査係長" }, { "kacho", "課長" },
                                { "bucho", "部長" } };
    for (size_t i = 0; i < 5; i++)
        sql("INSERT INTO user_groups (code, name, created_at) VALUES ($1, $2, 0)", groups[i][0],
            groups[i][1]);
    const char *members[][2] = { { "t1", "tanto" },  { "t2", "tanto" }, { "k1", "kakari" },
                                 { "s1", "shinsa" }, { "s2", "shinsa" }, { "ka1", "kacho" },
                                 { "b1", "bucho" } };
    for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++)
        sql("INSERT INTO group_members (group_id, user_id) SELECT g.id, u.id FROM user_groups g, "
            "users u WHERE g.code = $2 AND u.login = $1",
            members[i][0], members[i][1]);
    app = app_q("{'件名':{'type':'SINGLE_LINE_TEXT','code':'件名','label':'件名'},"
                 "'決裁区分':{'type':'DROP_DOWN','code':'決裁区分','label':'決裁区分',"
                 "'options':{'課長':{'label':'課長','index':'0'},'部長':{'label':'部長','index':'1'}}},"
                 "'書類':{'type':'CHECK_BOX','code':'書類','label':'書類',"
                 "'options':{'全部':{'label':'全部','index':'0'},'一部':{'label':'一部','index':'1'}}},"
                 "'受付日':{'type':'DATE','code':'受付日','label':'受付日'},"
                 "'決裁日':{'type':'DATE','code':'決裁日','label':'決裁日'},"
                 "'担当者':{'type':'USER_SELECT','code':'担当者','label':'担当者'},"
                 "'収受番号':{'type':'SINGLE_LINE_TEXT','code':'収受番号','label':'収受番号'}}");
    plain_app = app_q("{'件名':{'type':'SINGLE_LINE_TEXT','code':'件名','label':'件名'}}");
    /* the viewer may only look */
    th_sendq("PUT", "/k/v1/preview/app/acl.json",
             "{'app':%ld,'rights':[{'entity':{'type':'USER','code':'viewer'},'recordViewable':true},"
             "{'entity':{'type':'GROUP','code':'everyone'},'appEditable':true,'recordViewable':true,"
             "'recordAddable':true,'recordEditable':true,'recordDeletable':true}]}",
             app);
    TH_EXPECT_STATUS(200);
    th_sendq("PUT", "/k/v1/preview/app/status.json", PROCESS_JSON, app);
    TH_EXPECT_STATUS(200);
    /* 標準処理期間 20 open days from 受付, paused while the applicant has the record */
    th_sendq("PUT", "/k/v1/preview/app/clock.json",
             "{'app':%ld,'enable':true,'days':20,'startStatuses':['受付'],"
             "'pauseStatuses':['修正待ち'],'stopStatuses':['決裁完了','取下げ']}",
             app);
    TH_EXPECT_STATUS(200);
    th_sendq("POST", "/k/v1/preview/app/deploy.json", "{'apps':[{'app':%ld}]}", app);
    TH_EXPECT_STATUS(200);
    return 0;
}

static long
new_record(const char *user, const char *kubun, const char *docs)
{
    asf(user, "POST", "/k/v1/record.json",
        "{'app':%ld,'record':{'件名':{'value':'建築計画'},'決裁区分':{'value':'%s'},"
        "'書類':{'value':[%s]}}}",
        app, kubun, docs ? docs : "");
    TH_EXPECT_STATUS(200);
    return sql_int("SELECT MAX(id) FROM records WHERE app_id = $1 AND $2 = $2", 0);
}

static const char *
clock_state(long id)
{
    static char buf[32];
    const struct th_resp *r = th_getf("/k/v1/records/clock.json?app=%ld&ids[0]=%ld", app, id);
    const char *s = th_str(r->json, "clocks.0.state");
    snprintf(buf, sizeof(buf), "%s", s ? s : "(none)");
    return buf;
}

static void
test_settings(void **state)
{
    (void)state;
    const struct th_resp *r = th_getf("/k/v1/app/status.json?app=%ld", app);
    TH_EXPECT_STATUS(200);
    assert_true(json_is_true(json_object_get(r->json, "enable")));
    assert_string_equal(th_str(r->json, "states.審査係長確認.assignee.type"), "ALL");
    assert_string_equal(th_str(r->json, "states.受付中.index"), "0");
    assert_int_equal(th_count(r->json, "actions"), 18);
    assert_string_equal(th_str(r->json, "actions.3.reason"), "REQUIRED");
    /* validation: unknown status, unknown group, bad condition, bad assignee type */
    th_sendq("PUT", "/k/v1/preview/app/status.json",
             "{'app':%ld,'actions':[{'name':'x','from':'受付中','to':'無い'}]}", app);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("actions[0].to");
    th_sendq("PUT", "/k/v1/preview/app/status.json",
             "{'app':%ld,'states':{'A':{'name':'A','index':'0','assignee':{'type':'ANY',"
             "'entities':[{'entity':{'type':'GROUP','code':'nosuchgroup'}}]}}},'actions':[]}",
             app);
    TH_EXPECT_KEY("states.A.assignee.entities[0].entity.code");
    th_sendq("PUT", "/k/v1/preview/app/status.json",
             "{'app':%ld,'actions':[{'name':'x','from':'受付中','to':'受付','filterCond':'無い = 1'}]}",
             app);
    TH_EXPECT_KEY("actions[0].filterCond");
    th_sendq("PUT", "/k/v1/preview/app/status.json",
             "{'app':%ld,'states':{'A':{'name':'A','index':'0','assignee':{'type':'SOME'}}}}", app);
    TH_EXPECT_KEY("states.A.assignee.type");
    /* a non-manager cannot change the process */
    asf("viewer", "PUT", "/k/v1/preview/app/status.json", "{'app':%ld,'enable':false}", app);
    TH_EXPECT_ERROR(403, "CB_NO02");
    /* the refused edits left the preview as deployed */
    r = th_getf("/k/v1/preview/app/status.json?app=%ld", app);
    assert_int_equal(th_count(r->json, "actions"), 18);
}

/* The whole chain by five people (課長 path), with a send-back, a correction round trip and
 * an ALL step. */
static void
test_full_chain(void **state)
{
    (void)state;
    long id = new_record("t1", "課長", NULL);
    assert_string_equal(status_of("t1", id), "受付中");
    assert_int_equal(assignee_count(id), 2); /* both 担当 */
    assert_int_equal(revision_of(id), 1);

    /* not an assignee; an action from another status; a stale revision: nothing changes */
    assert_int_equal(act("outsider", id, "受付する", NULL), 403);
    TH_EXPECT_ERROR(403, "MD_WF01");
    assert_int_equal(act("t1", id, "確認依頼", NULL), 400);
    TH_EXPECT_ERROR(400, "GAIA_IL03");
    assert_int_equal(act("t1", id, "受付する", "'revision':'7'"), 409);
    TH_EXPECT_ERROR(409, "GAIA_CO02");
    assert_int_equal(revision_of(id), 1);

    /* 受付: two revisions, 受付日 written by the action */
    assert_int_equal(act("t1", id, "受付する", "'revision':'1'"), 200);
    const struct th_resp *r = th_getf("/k/v1/record.json?app=%ld&id=%ld", app, id);
    assert_string_equal(th_str(r->json, "record.$revision.value"), "3");
    assert_non_null(th_str(r->json, "record.受付日.value"));
    assert_true(strlen(th_str(r->json, "record.受付日.value")) == 10);
    assert_string_equal(th_str(r->json, "record.収受番号.value"), "世都計第0001号");
    assert_string_equal(status_of("t1", id), "受付");

    /* 審査開始 names the 担当者 (LOGINUSER()) who becomes the ONE assignee */
    assert_int_equal(act("t2", id, "審査開始", NULL), 200);
    assert_string_equal(status_of("t2", id), "審査中");
    assert_int_equal(assignee_count(id), 1);
    assert_string_equal(assignee(id, 0), "t2");
    assert_int_equal(act("t1", id, "確認依頼", NULL), 403); /* t1 is not the one */

    /* 修正依頼 needs a reason; the record waits for its creator; the reply brings it back */
    assert_int_equal(act("t2", id, "修正依頼", NULL), 400);
    TH_EXPECT_KEY("reason");
    assert_string_equal(clock_state(id), "running"); /* started at 受付 */
    assert_int_equal(act("t2", id, "修正依頼", "'reason':'配置図を添付してください'"), 200);
    assert_string_equal(status_of("t2", id), "修正待ち");
    assert_string_equal(assignee(id, 0), "t1");
    assert_string_equal(clock_state(id), "paused"); /* the applicant's time does not count */
    assert_int_equal(act("t1", id, "修正回答", NULL), 200);
    assert_string_equal(status_of("t1", id), "審査中");
    assert_string_equal(assignee(id, 0), "t2");
    assert_string_equal(clock_state(id), "running");

    /* 係長 sends it back (reason required), then approves the second time */
    assert_int_equal(act("t2", id, "確認依頼", NULL), 200);
    assert_string_equal(assignee(id, 0), "k1");
    assert_int_equal(act("k1", id, "差戻し", NULL), 400);
    TH_EXPECT_KEY("reason");
    assert_int_equal(act("k1", id, "差戻し", "'reason':'面積の計算を確認'"), 200);
    assert_string_equal(status_of("k1", id), "審査中");
    r = as_get("t2", "/api/inbox.json?unread=true");
    TH_EXPECT_STATUS(200);
    assert_true(th_count(r->json, "items") >= 1);
    int returned = 0;
    for (long i = 0; i < th_count(r->json, "items"); i++) {
        char path[64];
        snprintf(path, sizeof(path), "items.%ld.kind", i);
        if (strcmp(th_str(r->json, path), "returned") == 0)
            returned = 1;
    }
    assert_true(returned);
    assert_int_equal(act("t2", id, "確認依頼", NULL), 200);
    assert_int_equal(act("k1", id, "承認", NULL), 200);

    /* ALL: both 審査係長 must approve; the first approval is one revision */
    assert_string_equal(status_of("s1", id), "審査係長確認");
    assert_int_equal(assignee_count(id), 2);
    long before = revision_of(id);
    assert_int_equal(act("s1", id, "承認", NULL), 200);
    assert_int_equal(revision_of(id), before + 1);
    assert_string_equal(status_of("s1", id), "審査係長確認");
    assert_int_equal(assignee_count(id), 1);
    assert_int_equal(act("s1", id, "承認", NULL), 403); /* already approved */
    /* an opinion stays with this step */
    asf("s2", "POST", "/k/v1/record/opinion.json",
        "{'app':%ld,'record':%ld,'opinion':{'text':'建蔽率は適合'}}", app, id);
    TH_EXPECT_STATUS(200);
    assert_int_equal(act("s2", id, "承認", NULL), 200);
    assert_string_equal(status_of("s2", id), "課長決裁");
    r = as_get("t1", "/k/v1/record/opinions.json?app=%ld&record=%ld", app, id);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "opinions.0.status"), "審査係長確認");
    assert_string_equal(th_str(r->json, "opinions.0.creator.code"), "s2");

    /* 課長 decides: the 部長 route is closed by its condition */
    assert_int_equal(act("ka1", id, "部長決裁へ", NULL), 400);
    TH_EXPECT_ERROR(400, "GAIA_IL03");
    assert_int_equal(act("ka1", id, "決裁", NULL), 200);
    r = th_getf("/k/v1/record.json?app=%ld&id=%ld", app, id);
    assert_string_equal(th_str(r->json, "record.ステータス.value"), "決裁完了");
    assert_non_null(th_str(r->json, "record.決裁日.value"));
    assert_int_equal(th_count(r->json, "record.作業者.value"), 0);
    assert_string_equal(clock_state(id), "stopped");

    /* the history shows each step with its reason, and the opinion in the timeline */
    r = as_get("t1", "/k/v1/record/history.json?app=%ld&id=%ld&comments=true&order=asc", app, id);
    TH_EXPECT_STATUS(200);
    int opinions = 0, reasons = 0, statuses = 0;
    for (long i = 0; i < th_count(r->json, "timeline"); i++) {
        char path[64];
        snprintf(path, sizeof(path), "timeline.%ld.kind", i);
        opinions += strcmp(th_str(r->json, path), "opinion") == 0;
        snprintf(path, sizeof(path), "timeline.%ld.reason", i);
        const char *why = th_str(r->json, path);
        reasons += why && strcmp(why, "面積の計算を確認") == 0;
        snprintf(path, sizeof(path), "timeline.%ld.status.to", i);
        statuses += th_str(r->json, path) != NULL;
    }
    assert_int_equal(opinions, 1);
    assert_int_equal(reasons, 1);
    assert_true(statuses >= 10);
    /* every action is in the audit log with its transition, in the same transaction */
    assert_int_equal(sql_int("SELECT COUNT(*) FROM audit_log WHERE action = 'record.status' AND "
                             "actor = 'k1' AND outcome = 'ok' AND detail LIKE '%差戻し%' AND "
                             "$1 = $1 AND $2 = $2",
                             0),
                     1);
    assert_true(sql_int("SELECT COUNT(*) FROM audit_log WHERE action = 'record.status' AND "
                        "outcome <> 'ok' AND $1 = $1 AND $2 = $2",
                        0) >= 3); /* the refusals */
    /* every step is in the revisions, with its reason */
    assert_true(sql_int("SELECT COUNT(*) FROM record_revisions WHERE app_id = $1 AND record_id = $2",
                        id) == revision_of(id));
    assert_int_equal(sql_int("SELECT COUNT(*) FROM record_revisions WHERE app_id = $1 AND "
                             "record_id = $2 AND reason = '面積の計算を確認'",
                             id),
                     1);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM wf_approvals WHERE app_id = $1 AND record_id = $2",
                             id),
                     1);
}

/* The 部長 path: five different people from 受付 to 決裁完了. */
static void
test_bucho_path(void **state)
{
    (void)state;
    long id = new_record("t2", "部長", NULL);
    assert_int_equal(act("t1", id, "受付する", NULL), 200);
    assert_int_equal(act("t1", id, "審査開始", NULL), 200);
    assert_int_equal(act("t1", id, "確認依頼", NULL), 200);
    assert_int_equal(act("k1", id, "承認", NULL), 200);
    assert_int_equal(act("s2", id, "承認", NULL), 200);
    assert_int_equal(act("s1", id, "承認", NULL), 200);
    assert_int_equal(act("ka1", id, "決裁", NULL), 400); /* 部長 decides this one */
    assert_int_equal(act("ka1", id, "部長決裁へ", NULL), 200);
    assert_int_equal(act("ka1", id, "決裁", NULL), 403);
    assert_int_equal(act("b1", id, "決裁", NULL), 200);
    assert_string_equal(status_of("b1", id), "決裁完了");
}

static void
test_withdrawal(void **state)
{
    (void)state;
    long id = new_record("t1", "課長", NULL);
    assert_int_equal(act("t1", id, "取下げ", NULL), 400);
    TH_EXPECT_KEY("reason");
    assert_int_equal(act("t1", id, "取下げ", "'reason':'計画を見直すため'"), 200);
    assert_string_equal(status_of("t1", id), "取下げ");
    assert_int_equal(act("t1", id, "受付する", NULL), 400); /* closed */
}

static void
test_bulk_all_or_nothing(void **state)
{
    (void)state;
    long a = new_record("t1", "課長", NULL);
    long b = new_record("t1", "課長", NULL);
    asf("t1", "PUT", "/k/v1/records/status.json",
        "{'app':%ld,'records':[{'id':%ld,'action':'受付する'},{'id':%ld,'action':'確認依頼'}]}", app,
        a, b);
    TH_EXPECT_ERROR(400, "GAIA_IL03");
    assert_string_equal(status_of("t1", a), "受付中"); /* rolled back */
    asf("t1", "PUT", "/k/v1/records/status.json",
        "{'app':%ld,'records':[{'id':%ld,'action':'受付する','revision':1},{'id':%ld,'action':'受付する'}]}",
        app, a, b);
    TH_EXPECT_STATUS(200);
    assert_string_equal(status_of("t1", a), "受付");
    assert_string_equal(status_of("t1", b), "受付");
    /* the rolled-back attempt gave its 収受番号 back: the two are consecutive */
    const struct th_resp *ra = th_getf("/k/v1/record.json?app=%ld&id=%ld", app, a);
    int na = atoi(th_str(ra->json, "record.収受番号.value") + strlen("世都計第"));
    const struct th_resp *rb = th_getf("/k/v1/record.json?app=%ld&id=%ld", app, b);
    int nb = atoi(th_str(rb->json, "record.収受番号.value") + strlen("世都計第"));
    assert_int_equal(nb, na + 1);
    assert_int_equal(na, 3); /* chain: 1, 部長 path: 2 (withdrawal never received) */
    /* bad input */
    asf("t1", "PUT", "/k/v1/records/status.json", "{'app':%ld,'records':[{'action':'受付する'}]}",
        app);
    TH_EXPECT_KEY("records[0].id");
    asf("t1", "PUT", "/k/v1/records/status.json", "{'app':%ld,'records':'x'}", app);
    TH_EXPECT_ERROR(400, "CB_VA01");
    asf("t1", "PUT", "/k/v1/record/status.json", "{'app':%ld,'id':999999,'action':'受付する'}",
        app);
    TH_EXPECT_ERROR(404, "GAIA_RE01");
    /* bulkRequest carries status changes too */
    long c2 = new_record("t1", "課長", NULL);
    asf("t1", "POST", "/k/v1/bulkRequest.json",
        "{'requests':[{'method':'PUT','api':'/k/v1/record/status.json','payload':{'app':%ld,'id':%ld,"
        "'action':'受付する'}}]}",
        app, c2);
    TH_EXPECT_STATUS(200);
    assert_string_equal(status_of("t1", c2), "受付");
}

static void
test_assignees_and_actions(void **state)
{
    (void)state;
    long id = new_record("t1", "課長", NULL);
    assert_int_equal(act("t1", id, "受付する", NULL), 200);
    assert_int_equal(act("t1", id, "審査開始", NULL), 200);
    /* what t1 may do now */
    const struct th_resp *r = as_get("t1", "/k/v1/record/actions.json?app=%ld&id=%ld", app, id);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "status"), "審査中");
    assert_true(th_count(r->json, "actions") >= 3);
    r = as_get("t2", "/k/v1/record/actions.json?app=%ld&id=%ld", app, id);
    assert_int_equal(th_count(r->json, "actions"), 0);
    /* the assignee (or an app manager) hands over; others may not */
    asf("viewer", "PUT", "/k/v1/record/assignees.json", "{'app':%ld,'id':%ld,'assignees':['t2']}", app,
        id);
    TH_EXPECT_ERROR(403, "MD_WF01");
    long rev = revision_of(id);
    asf("t1", "PUT", "/k/v1/record/assignees.json",
        "{'app':%ld,'id':%ld,'assignees':['t2'],'revision':%ld}", app, id, rev);
    TH_EXPECT_STATUS(200);
    assert_int_equal(revision_of(id), rev + 1);
    assert_string_equal(assignee(id, 0), "t2");
    asf("t2", "PUT", "/k/v1/record/assignees.json", "{'app':%ld,'id':%ld,'assignees':['t1','k1']}",
        app, id);
    TH_EXPECT_KEY("assignees"); /* a ONE step has one assignee */
    asf("t2", "PUT", "/k/v1/record/assignees.json", "{'app':%ld,'id':%ld,'assignees':['nobody']}",
        app, id);
    TH_EXPECT_KEY("assignees[0]");
    /* a viewer cannot act */
    assert_int_equal(act("viewer", id, "確認依頼", NULL), 403);
}

static void
test_auto_actions(void **state)
{
    (void)state;
    /* all documents ticked → 受付 at once, by the system */
    long id = new_record("t1", "課長", "'全部'");
    assert_string_equal(status_of("t1", id), "受付");
    assert_int_equal(revision_of(id), 3);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM record_revisions WHERE app_id = $1 AND "
                             "record_id = $2 AND actor = 'system'",
                             id),
                     2);
    /* a later edit that ticks them moves a waiting record too */
    long id2 = new_record("t1", "課長", "'一部'");
    assert_string_equal(status_of("t1", id2), "受付中");
    asf("t1", "PUT", "/k/v1/record.json", "{'app':%ld,'id':%ld,'record':{'書類':{'value':['全部']}}}",
        app, id2);
    TH_EXPECT_STATUS(200);
    assert_string_equal(status_of("t1", id2), "受付");

    /* time rule: 30 days in 修正待ち without a reply → a reminder to the assignee, once */
    assert_int_equal(act("t2", id2, "審査開始", NULL), 200);
    assert_int_equal(act("t2", id2, "修正依頼", "'reason':'図面不足'"), 200);
    assert_int_equal(wf_auto_tick(th_db(), th_now()), 0);
    assert_int_equal(wf_auto_tick(th_db(), th_now() + 31 * 86400), 1);
    assert_int_equal(wf_auto_tick(th_db(), th_now() + 32 * 86400), 0);
    const struct th_resp *r = as_get("t1", "/api/inbox.json");
    TH_EXPECT_STATUS(200);
    int reminders = 0;
    for (long i = 0; i < th_count(r->json, "items"); i++) {
        char path[64];
        snprintf(path, sizeof(path), "items.%ld.kind", i);
        reminders += strcmp(th_str(r->json, path), "reminder") == 0;
    }
    assert_int_equal(reminders, 1);
    /* mark everything read */
    asf("t1", "POST", "/api/inbox/read.json", "{'all':true}");
    TH_EXPECT_STATUS(200);
    r = as_get("t1", "/api/inbox.json?unread=true");
    assert_int_equal(th_count(r->json, "items"), 0);
    assert_string_equal(th_str(r->json, "unread"), "0");
}

static void
test_disabled_process(void **state)
{
    (void)state;
    th_sendq("POST", "/k/v1/record.json", "{'app':%ld,'record':{'件名':{'value':'x'}}}", plain_app);
    TH_EXPECT_STATUS(200);
    th_sendq("PUT", "/k/v1/record/status.json", "{'app':%ld,'id':1,'action':'受付する'}", plain_app);
    TH_EXPECT_ERROR(400, "GAIA_ST02");
    const struct th_resp *r = th_getf("/k/v1/record.json?app=%ld&id=1", plain_app);
    assert_null(th_at(r->json, "record.ステータス"));
    /* switching the process on gives existing records the first status */
    th_sendq("PUT", "/k/v1/preview/app/status.json",
             "{'app':%ld,'enable':true,'states':{'未処理':{'name':'未処理','index':'0'},"
             "'完了':{'name':'完了','index':'1'}},'actions':[{'name':'完了する','from':'未処理','to':'完了'}]}",
             plain_app);
    TH_EXPECT_STATUS(200);
    th_sendq("POST", "/k/v1/preview/app/deploy.json", "{'apps':[{'app':%ld}]}", plain_app);
    TH_EXPECT_STATUS(200);
    r = th_getf("/k/v1/record.json?app=%ld&id=1", plain_app);
    assert_string_equal(th_str(r->json, "record.ステータス.value"), "未処理");
    th_sendq("PUT", "/k/v1/record/status.json", "{'app':%ld,'id':1,'action':'完了する'}", plain_app);
    TH_EXPECT_STATUS(200);
    r = th_getf("/k/v1/record.json?app=%ld&id=1", plain_app);
    assert_string_equal(th_str(r->json, "record.ステータス.value"), "完了");
    /* queries on the status work */
    r = th_getf("/k/v1/records.json?app=%ld&query=%s", plain_app,
                "%E3%82%B9%E3%83%86%E3%83%BC%E3%82%BF%E3%82%B9%20in%20(%22%E5%AE%8C%E4%BA%86%22)");
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "records"), 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_settings),        cmocka_unit_test(test_full_chain),
        cmocka_unit_test(test_bucho_path),      cmocka_unit_test(test_withdrawal),
        cmocka_unit_test(test_bulk_all_or_nothing), cmocka_unit_test(test_assignees_and_actions),
        cmocka_unit_test(test_auto_actions),    cmocka_unit_test(test_disabled_process),
    };
    return cmocka_run_group_tests_name(th_backend(), tests, setup, th_teardown);
}
