/* In-process API tests of the 審査台帳 mirror (src/domain/ledger.c): a procedure app whose
 * setting "ledger" names a ledger app keeps one ledger record per record, keyed
 * "<app>-<id>", with the mapped fields and $app/$id/$status/$site — created with the record
 * (routing's office included), updated by an edit and by a process action, marked 削除済み on
 * delete; bulk creates are mirrored too; a broken ledger setting never blocks the procedure's
 * own write; a restored record's row comes back. The ledger is an ordinary app: searched and sorted with the query language.
 * Runs on PostgreSQL too. */
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
#include "domain/record.h"

static long ledger, app;

static long
create_app(const char *name, const char *fields)
{
    const struct th_resp *r = th_sendq("POST", "/k/v1/preview/app.json", "{'name':'%s'}", name);
    TH_EXPECT_STATUS(200);
    long a = strtol(th_str(r->json, "app"), NULL, 10);
    th_sendq("POST", "/k/v1/preview/app/form/fields.json", "{'app':%ld,'properties':%s}", a, fields);
    TH_EXPECT_STATUS(200);
    return a;
}

static void
deploy(long a)
{
    th_sendq("POST", "/k/v1/preview/app/deploy.json", "{'apps':[{'app':%ld}]}", a);
    TH_EXPECT_STATUS(200);
}

static int
setup(void **state)
{
    th_setup(state);
    th_sendq("POST", "/admin/api/orgs.json", "{'code':'kitazawa-machi','name':'北沢'}");
    TH_EXPECT_STATUS(200);
    ledger = create_app("審査台帳",
                        "{'台帳キー':{'type':'SINGLE_LINE_TEXT','code':'台帳キー','label':'台帳キー','unique':true},"
                        "'手続':{'type':'SINGLE_LINE_TEXT','code':'手続','label':'手続'},"
                        "'元レコード番号':{'type':'NUMBER','code':'元レコード番号','label':'元レコード番号'},"
                        "'受付番号':{'type':'SINGLE_LINE_TEXT','code':'受付番号','label':'受付番号'},"
                        "'窓口':{'type':'ORGANIZATION_SELECT','code':'窓口','label':'窓口'},"
                        "'処理状況':{'type':'SINGLE_LINE_TEXT','code':'処理状況','label':'処理状況'},"
                        "'建築場所':{'type':'SINGLE_LINE_TEXT','code':'建築場所','label':'建築場所'}}");
    deploy(ledger);
    app = create_app("地区計画の届出",
                     "{'受付番号':{'type':'SINGLE_LINE_TEXT','code':'受付番号','label':'受付番号'},"
                     "'地域':{'type':'SINGLE_LINE_TEXT','code':'地域','label':'地域'},"
                     "'町名':{'type':'SINGLE_LINE_TEXT','code':'町名','label':'町名'},"
                     "'窓口':{'type':'ORGANIZATION_SELECT','code':'窓口','label':'窓口'}}");
    th_sendq("PUT", "/k/v1/preview/app/settings.json",
             "{'app':%ld,'routing':{'siteField':['地域','町名'],'officeField':'窓口',"
             "'map':{'北沢/代沢':'kitazawa-machi'}},"
             "'ledger':{'app':%ld,'key':'台帳キー','fields':{'手続':'$app','元レコード番号':'$id',"
             "'受付番号':'受付番号','窓口':'窓口','処理状況':'$status','建築場所':'$site'}}}",
             app, ledger);
    TH_EXPECT_STATUS(200);
    th_sendq("PUT", "/k/v1/preview/app/status.json",
             "{'app':%ld,'enable':true,'states':{'受付中':{'name':'受付中','index':'0'},"
             "'審査中':{'name':'審査中','index':'1'}},"
             "'actions':[{'name':'受付する','from':'受付中','to':'審査中'}]}",
             app);
    TH_EXPECT_STATUS(200);
    deploy(app);
    return 0;
}

static int
teardown(void **state)
{
    return th_teardown(state);
}

/* The ledger record of record id: the response (its record at "records.0"), asserting one. */
static const struct th_resp *
row(long id)
{
    const struct th_resp *r =
        th_getf("/k/v1/records.json?app=%ld&query=%%E5%%8F%%B0%%E5%%B8%%B3%%E3%%82%%AD%%E3%%83%%BC%%20%%3D%%20%%22%ld-%ld%%22",
                ledger, app, id); /* 台帳キー = "app-id" */
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "records"), 1);
    return r;
}

/* `madoguchi record restore` (rec_restore) brings the ledger row back too. */
static void
restore(long id)
{
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
    int64_t rev;
    assert_int_equal(db_begin(th_db(), true), DB_OK);
    assert_int_equal(app_load(&c, app, false, &d), ERR_OK);
    assert_int_equal(rec_restore(&c, &d, id, &rev), ERR_OK);
    assert_int_equal(db_commit(th_db()), DB_OK);
    arena_free(a);
}

static void
test_create_edit_status_delete(void **state)
{
    (void)state;
    const struct th_resp *r = th_sendq(
        "POST", "/k/v1/record.json",
        "{'app':%ld,'record':{'地域':{'value':'北沢'},'町名':{'value':'代沢'}}}", app);
    TH_EXPECT_STATUS(200);
    long id = strtol(th_str(r->json, "id"), NULL, 10);
    r = row(id);
    assert_string_equal(th_str(r->json, "records.0.手続.value"), "地区計画の届出");
    assert_string_equal(th_str(r->json, "records.0.処理状況.value"), "受付中");
    assert_string_equal(th_str(r->json, "records.0.窓口.value.0.code"), "kitazawa-machi");
    assert_string_equal(th_str(r->json, "records.0.建築場所.value"), "北沢代沢");
    char num[32];
    snprintf(num, sizeof(num), "%ld", id);
    assert_string_equal(th_str(r->json, "records.0.元レコード番号.value"), num);

    th_sendq("PUT", "/k/v1/record.json", "{'app':%ld,'id':%ld,'record':{'受付番号':{'value':'R8-0001'}}}",
             app, id);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(row(id)->json, "records.0.受付番号.value"), "R8-0001");

    th_sendq("PUT", "/k/v1/record/status.json", "{'app':%ld,'id':%ld,'action':'受付する'}", app, id);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(row(id)->json, "records.0.処理状況.value"), "審査中");

    th_sendq("DELETE", "/k/v1/records.json", "{'app':%ld,'ids':[%ld]}", app, id);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(row(id)->json, "records.0.処理状況.value"), "削除済み");
    restore(id);
    assert_string_equal(th_str(row(id)->json, "records.0.処理状況.value"), "審査中");
}

static void
test_bulk_and_sort(void **state)
{
    (void)state;
    const struct th_resp *r = th_sendq(
        "POST", "/k/v1/records.json",
        "{'app':%ld,'records':[{'受付番号':{'value':'B-2'}},{'受付番号':{'value':'B-1'}}]}", app);
    TH_EXPECT_STATUS(200);
    long a = strtol(th_str(r->json, "ids.0"), NULL, 10), b = strtol(th_str(r->json, "ids.1"), NULL, 10);
    assert_string_equal(th_str(row(a)->json, "records.0.受付番号.value"), "B-2");
    assert_string_equal(th_str(row(b)->json, "records.0.受付番号.value"), "B-1");
    /* one ledger, sorted like any app: 受付番号 asc */
    r = th_getf("/k/v1/records.json?app=%ld&query=order%%20by%%20%%E5%%8F%%97%%E4%%BB%%98%%E7%%95%%AA%%E5%%8F%%B7%%20asc%%20limit%%202",
                ledger);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "records.0.受付番号.value"), "B-1");
}

static void
test_broken_ledger_never_blocks(void **state)
{
    (void)state;
    th_sendq("PUT", "/k/v1/preview/app/settings.json",
             "{'app':%ld,'ledger':{'app':99999,'key':'台帳キー','fields':{}}}", app);
    TH_EXPECT_STATUS(200);
    deploy(app);
    th_sendq("POST", "/k/v1/record.json", "{'app':%ld,'record':{'受付番号':{'value':'X'}}}", app);
    TH_EXPECT_STATUS(200);
    /* a mapping the ledger refuses (text into a number field) is logged, not an error */
    th_sendq("PUT", "/k/v1/preview/app/settings.json",
             "{'app':%ld,'ledger':{'app':%ld,'key':'台帳キー','fields':{'元レコード番号':'受付番号'}}}",
             app, ledger);
    TH_EXPECT_STATUS(200);
    deploy(app);
    th_sendq("POST", "/k/v1/record.json", "{'app':%ld,'record':{'受付番号':{'value':'not a number'}}}",
             app);
    TH_EXPECT_STATUS(200);
    th_sendq("PUT", "/k/v1/preview/app/settings.json", "{'app':%ld,'ledger':7}", app);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("ledger");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_edit_status_delete),
        cmocka_unit_test(test_bulk_and_sort),
        cmocka_unit_test(test_broken_ledger_never_blocks),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
