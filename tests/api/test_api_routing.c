/* In-process API tests of routing (src/domain/routing.c): the app setting "routing" sends a
 * new record to the office its site (地域/町名/丁目) belongs to — through the staff API
 * (record.json, records.json) and the public form submission alike (both go through
 * rec_create) — flags an unsure site (池尻四丁目) or an unknown one for staff to confirm,
 * falls back to the region's office when only the 地域 is known, keeps an office the caller
 * chose, lets staff re-route by editing the field, and a fixed office (53条: 都市計画課)
 * ignores the site. The setting's type is checked. Runs on PostgreSQL too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/harness.h"
#include "domain/applicant.h"

static long app, app53;
static char last_code[16];

static void
observe(const char *email, const char *code)
{
    (void)email;
    snprintf(last_code, sizeof(last_code), "%s", code);
}

static const struct th_resp *
apply(const char *method, const char *path, const char *body)
{
    const char *h[] = { "X-Requested-With: XMLHttpRequest", "Content-Type: application/json", NULL };
    return th_request(method, path, body, h, 0);
}

#define FIELDS                                                                                     \
    "{'地域':{'type':'SINGLE_LINE_TEXT','code':'地域','label':'地域'},"                            \
    "'町名':{'type':'SINGLE_LINE_TEXT','code':'町名','label':'町名'},"                             \
    "'丁目':{'type':'SINGLE_LINE_TEXT','code':'丁目','label':'丁目'},"                             \
    "'窓口':{'type':'ORGANIZATION_SELECT','code':'窓口','label':'窓口'},"                          \
    "'要確認':{'type':'CHECK_BOX','code':'要確認','label':'要確認',"                               \
    "'options':{'窓口要確認':{'label':'窓口要確認','index':'0'}}}}"

#define ROUTING                                                                                    \
    "{'siteField':['地域','町名','丁目'],'officeField':'窓口','checkField':'要確認',"               \
    "'checkValue':'窓口要確認','map':{'世田谷':'setagaya-machi','北沢':'kitazawa-machi',"          \
    "'世田谷/池尻':'setagaya-machi','世田谷/池尻/四丁目':'setagaya-machi',"                         \
    "'北沢/代沢':'kitazawa-machi','北沢/代沢/一丁目':'kitazawa-machi'},"                            \
    "'check':['世田谷/池尻/四丁目']}"

static long
new_app(const char *routing)
{
    const struct th_resp *r = th_sendq("POST", "/k/v1/preview/app.json", "{'name':'routing'}");
    TH_EXPECT_STATUS(200);
    long a = strtol(th_str(r->json, "app"), NULL, 10);
    th_sendq("POST", "/k/v1/preview/app/form/fields.json", "{'app':%ld,'properties':" FIELDS "}", a);
    TH_EXPECT_STATUS(200);
    th_sendq("PUT", "/k/v1/preview/app/settings.json", "{'app':%ld,'routing':%s}", a, routing);
    TH_EXPECT_STATUS(200);
    th_sendq("POST", "/k/v1/preview/app/deploy.json", "{'apps':[{'app':%ld}]}", a);
    TH_EXPECT_STATUS(200);
    return a;
}

static int
setup(void **state)
{
    th_setup(state);
    applicant_observe_codes(observe);
    const char *orgs[] = { "setagaya-machi", "kitazawa-machi", "toshikeikaku" };
    for (int i = 0; i < 3; i++) {
        th_sendq("POST", "/admin/api/orgs.json", "{'code':'%s','name':'%s'}", orgs[i], orgs[i]);
        TH_EXPECT_STATUS(200);
    }
    app = new_app(ROUTING);
    app53 = new_app("{'officeField':'窓口','fixedOffice':'toshikeikaku','siteField':'地域'}");
    return 0;
}

static int
teardown(void **state)
{
    return th_teardown(state);
}

/* Creates a record in app a with the site answers (NULL = not answered) and the optional
 * office; returns its id. */
static long
add(long a, const char *region, const char *town, const char *chome, const char *office)
{
    char body[1024];
    int n = snprintf(body, sizeof(body), "{'app':%ld,'record':{", a);
    const char *codes[] = { "地域", "町名", "丁目" };
    const char *vals[] = { region, town, chome };
    const char *sep = "";
    for (int i = 0; i < 3; i++)
        if (vals[i]) {
            n += snprintf(body + n, sizeof(body) - (size_t)n, "%s'%s':{'value':'%s'}", sep,
                          codes[i], vals[i]);
            sep = ",";
        }
    if (office)
        n += snprintf(body + n, sizeof(body) - (size_t)n, "%s'窓口':{'value':[{'code':'%s'}]}",
                      sep, office);
    snprintf(body + n, sizeof(body) - (size_t)n, "}}");
    const struct th_resp *r = th_sendq("POST", "/k/v1/record.json", "%s", body);
    TH_EXPECT_STATUS(200);
    return strtol(th_str(r->json, "id"), NULL, 10);
}

/* The office code of a record ("" when none) and whether it is flagged. */
static const char *
office_of(long a, long id, int *flagged)
{
    const struct th_resp *r = th_getf("/k/v1/record.json?app=%ld&id=%ld", a, id);
    TH_EXPECT_STATUS(200);
    const char *code = th_str(r->json, "record.窓口.value.0.code");
    *flagged = th_count(r->json, "record.要確認.value") == 1;
    static char buf[64];
    snprintf(buf, sizeof(buf), "%s", code ? code : "");
    return buf;
}

static void
test_site_decides(void **state)
{
    (void)state;
    int flagged;
    long id = add(app, "北沢", "代沢", "一丁目", NULL);
    assert_string_equal(office_of(app, id, &flagged), "kitazawa-machi");
    assert_false(flagged);
    /* 池尻四丁目: the first region listed, flagged for staff */
    id = add(app, "世田谷", "池尻", "四丁目", NULL);
    assert_string_equal(office_of(app, id, &flagged), "setagaya-machi");
    assert_true(flagged);
}

static void
test_partial_and_unknown(void **state)
{
    (void)state;
    int flagged;
    long id = add(app, "北沢", NULL, NULL, NULL); /* region only: its office, flagged */
    assert_string_equal(office_of(app, id, &flagged), "kitazawa-machi");
    assert_true(flagged);
    id = add(app, "北沢", "代沢", "九丁目", NULL); /* unknown 丁目: the town's office, flagged */
    assert_string_equal(office_of(app, id, &flagged), "kitazawa-machi");
    assert_true(flagged);
    id = add(app, "どこか", "代沢", "一丁目", NULL); /* nothing known: no office, flagged */
    assert_string_equal(office_of(app, id, &flagged), "");
    assert_true(flagged);
    id = add(app, NULL, NULL, NULL, NULL);
    assert_string_equal(office_of(app, id, &flagged), "");
    assert_true(flagged);
}

static void
test_given_office_and_reroute(void **state)
{
    (void)state;
    int flagged;
    long id = add(app, "北沢", "代沢", "一丁目", "setagaya-machi"); /* staff chose */
    assert_string_equal(office_of(app, id, &flagged), "setagaya-machi");
    assert_false(flagged);
    /* re-route: an edit of the office field, routing does not run again */
    id = add(app, "世田谷", "池尻", "四丁目", NULL);
    th_sendq("PUT", "/k/v1/record.json",
             "{'app':%ld,'id':%ld,'record':{'窓口':{'value':[{'code':'kitazawa-machi'}]}}}", app,
             id);
    TH_EXPECT_STATUS(200);
    assert_string_equal(office_of(app, id, &flagged), "kitazawa-machi");
    th_sendq("PUT", "/k/v1/record.json",
             "{'app':%ld,'id':%ld,'record':{'地域':{'value':'北沢'}}}", app, id);
    TH_EXPECT_STATUS(200);
    assert_string_equal(office_of(app, id, &flagged), "kitazawa-machi");
}

static void
test_bulk_and_fixed(void **state)
{
    (void)state;
    const struct th_resp *r = th_sendq(
        "POST", "/k/v1/records.json",
        "{'app':%ld,'records':[{'地域':{'value':'北沢'},'町名':{'value':'代沢'},'丁目':{'value':'一丁目'}},"
        "{'地域':{'value':'世田谷'},'町名':{'value':'池尻'}}]}",
        app);
    TH_EXPECT_STATUS(200);
    long a = strtol(th_str(r->json, "ids.0"), NULL, 10), b = strtol(th_str(r->json, "ids.1"), NULL, 10);
    int flagged;
    assert_string_equal(office_of(app, a, &flagged), "kitazawa-machi");
    assert_false(flagged);
    assert_string_equal(office_of(app, b, &flagged), "setagaya-machi");
    assert_true(flagged); /* the 丁目 is missing: the town's office, to be confirmed */
    long id = add(app53, "北沢", "代沢", "一丁目", NULL);
    assert_string_equal(office_of(app53, id, &flagged), "toshikeikaku");
    assert_false(flagged);
}

/* An application through the public form is routed like a staff entry (form_submit.c creates
 * it with rec_create). */
static void
test_public_form(void **state)
{
    (void)state;
    th_sendq("PUT", "/admin/api/forms.json",
             "{'form':{'code':'route','app':%ld,'title':'届出','verification':'required',"
             "'receipt':{'sequence':'route','format':'R-{n:4}','reset':'NONE'},"
             "'pages':[{'title':'場所','sections':[{'title':'場所','fields':["
             "{'code':'地域','rules':{'required':true}},{'code':'町名','rules':{'required':true}},"
             "{'code':'丁目','rules':{'required':true}}]}]}]}}",
             app);
    TH_EXPECT_STATUS(200);
    th_sendq("POST", "/admin/api/form/publish.json", "{'code':'route'}");
    TH_EXPECT_STATUS(200);
    th_cookies_clear();
    apply("POST", "/apply/api/verify.json", "{\"email\":\"a@example.jp\"}");
    TH_EXPECT_STATUS(200);
    char body[128];
    snprintf(body, sizeof(body), "{\"email\":\"a@example.jp\",\"code\":\"%s\"}", last_code);
    apply("POST", "/apply/api/confirm.json", body);
    TH_EXPECT_STATUS(200);
    apply("PUT", "/apply/api/draft.json",
          "{\"code\":\"route\",\"answers\":{\"地域\":\"世田谷\",\"町名\":\"池尻\",\"丁目\":\"四丁目\"},\"step\":0}");
    TH_EXPECT_STATUS(200);
    apply("POST", "/apply/api/submit.json", "{\"code\":\"route\",\"idempotencyKey\":\"k\"}");
    TH_EXPECT_STATUS(200);
    th_cookies_clear();
    const struct th_resp *r = th_getf("/k/v1/records.json?app=%ld&query=order%%20by%%20%%24id%%20desc%%20limit%%201", app);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "records.0.丁目.value"), "四丁目");
    assert_string_equal(th_str(r->json, "records.0.窓口.value.0.code"), "setagaya-machi");
    assert_int_equal(th_count(r->json, "records.0.要確認.value"), 1);
}

static void
test_setting_type(void **state)
{
    (void)state;
    th_sendq("PUT", "/k/v1/preview/app/settings.json", "{'app':%ld,'routing':'x'}", app);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("routing");
    const struct th_resp *r = th_getf("/k/v1/app/settings.json?app=%ld", app);
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "routing.officeField"), "窓口");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_site_decides),
        cmocka_unit_test(test_partial_and_unknown),
        cmocka_unit_test(test_given_office_and_reroute),
        cmocka_unit_test(test_bulk_and_fixed),
        cmocka_unit_test(test_public_form),
        cmocka_unit_test(test_setting_type),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
