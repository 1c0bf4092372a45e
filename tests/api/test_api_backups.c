/* API test of GET /api/backups.json (the staff dashboard's backup status): system
 * administrators only; runs newest first with the last one's status; archives with the ones
 * they need; server paths never shown. Status written as backup_job does (backup.h). */
#include "harness.h"

#include "api/api.h"
#include "jobs/backup.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define PW "backup-user-pw-123"

static void
status_list(void **state)
{
    (void)state;
    char dir[] = "/tmp/mado-api-backups-XXXXXX";
    assert_non_null(mkdtemp(dir));
    api_backup_configure(NULL);
    const struct th_resp *r = th_get("/api/backups.json");
    TH_EXPECT_STATUS(200);
    assert_false(json_is_true(th_at(r->json, "ok")));
    assert_int_equal(th_count(r->json, "runs"), 0);

    api_backup_configure(dir);
    json_t *a = json_pack("{s:s s:s s:i s:i s:s s:b s:n}", "id", "madoguchi-1.mbk", "path",
                          "/secret/path/madoguchi-1.mbk", "taken_at", 100, "size", 10, "status",
                          "ok", "verified", 1, "error");
    backup_status_add(dir, a);
    json_decref(a);
    a = json_pack("{s:n s:i s:s s:b s:s}", "id", "taken_at", 200, "status", "failed", "verified", 0,
                  "error", "バックアップ鍵がありません / no key");
    backup_status_add(dir, a);
    json_decref(a);
    r = th_get("/api/backups.json");
    TH_EXPECT_STATUS(200);
    assert_false(json_is_true(th_at(r->json, "ok"))); /* the newest run failed */
    assert_int_equal(th_count(r->json, "runs"), 2);
    assert_string_equal(th_str(r->json, "last.status"), "failed");
    assert_non_null(strstr(th_str(r->json, "last.error"), "no key"));
    assert_string_equal(th_str(r->json, "runs.1.id"), "madoguchi-1.mbk");
    assert_false(json_is_true(th_at(r->json, "runs.1.present"))); /* no such file */
    assert_null(strstr(r->body, "/secret/path"));

    a = json_pack("{s:s s:i s:s s:b}", "id", "madoguchi-2.mbk", "taken_at", 300, "status", "ok",
                  "verified", 1);
    backup_status_add(dir, a);
    json_decref(a);
    r = th_get("/api/backups.json");
    assert_true(json_is_true(th_at(r->json, "ok")));
    api_backup_configure(NULL);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void
admin_only(void **state)
{
    (void)state;
    th_user("backupuser", PW, 0);
    const char *h[] = { th_auth_header("backupuser", PW), NULL };
    th_request("GET", "/api/backups.json", NULL, h, 0);
    assert_int_equal(th_last_status(), 403);
    th_request("GET", "/api/backups.json", NULL, NULL, 0);
    assert_true(th_last_status() == 401 || th_last_status() == 403);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(status_list),
        cmocka_unit_test(admin_only),
    };
    return cmocka_run_group_tests_name(th_backend(), tests, th_setup, th_teardown);
}
