/* In-process API tests: the staff record screen's rules (issue #8) are kept in the app settings
 * under "recordRules": an object stored as given on the preview, live after deploy, refused when
 * it is not an object; other unknown keys are still dropped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/harness.h"

#define PREVIEW_SETTINGS "/k/v1/preview/app/settings.json"

static void
test_record_rules_kept(void **state)
{
    (void)state;
    long app = th_app("{\"用途\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"用途\",\"label\":\"用途\"}}");
    th_sendq("PUT", PREVIEW_SETTINGS,
             "{'app':%ld,'bogus':1,'recordRules':{'rules':[{'effect':'hide','fields':['用途'],"
             "'when':{'field':'用途','op':'eq','value':'店舗'},'statuses':['審査中']}]}}",
             app);
    TH_EXPECT_STATUS(200);
    const struct th_resp *r = th_getf("/k/v1/app/settings.json?app=%ld", app);
    TH_EXPECT_STATUS(200);
    assert_null(th_at(r->json, "recordRules")); /* not live before deploy */
    th_sendq("POST", "/k/v1/preview/app/deploy.json", "{'apps':[{'app':%ld}]}", app);
    TH_EXPECT_STATUS(200);
    r = th_getf("/k/v1/app/settings.json?app=%ld", app);
    TH_EXPECT_STATUS(200);
    const json_t *rule = json_array_get(th_at(r->json, "recordRules.rules"), 0);
    assert_non_null(rule);
    assert_string_equal(json_string_value(json_object_get(rule, "effect")), "hide");
    assert_string_equal(json_string_value(json_array_get(json_object_get(rule, "statuses"), 0)), "審査中");
    assert_null(th_at(r->json, "bogus"));
}

static void
test_record_rules_not_object(void **state)
{
    (void)state;
    long app = th_app("{\"a\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"a\",\"label\":\"a\"}}");
    th_sendq("PUT", PREVIEW_SETTINGS, "{'app':%ld,'recordRules':[1]}", app);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("recordRules");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_rules_kept),
        cmocka_unit_test(test_record_rules_not_object),
    };
    return cmocka_run_group_tests_name(th_backend(), tests, th_setup, th_teardown);
}
