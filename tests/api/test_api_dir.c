/* In-process API tests of the staff directory: organisations (tree, cycles, deletion rules),
 * groups (kintone's virtual group codes refused), users and memberships through the admin
 * API, CSV import (BOM, quoting, CRLF, parents defined later, line-numbered errors that
 * change nothing, dry runs), the cybozu User API shapes, account actions, the event list,
 * and who may call what (administrators only for /admin/api, no API tokens for /v1). */
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
#include "domain/ctx.h"
#include "domain/dir.h"

#define CLERK "clerk"
#define CLERK_PW "clerk-password-1"

static const char *const json_hdr[] = { "Content-Type: application/json", NULL };

/* Sends body (stolen) as admin. */
static const struct th_resp *
send_json(const char *method, const char *path, json_t *body)
{
    char *s = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    const struct th_resp *r = th_request(method, path, s, json_hdr, 1);
    free(s);
    return r;
}

static const struct th_resp *
as_clerk(const char *method, const char *path, const char *body)
{
    const char *hdr[] = { th_auth_header(CLERK, CLERK_PW), "Content-Type: application/json",
                          NULL };
    return th_request(method, path, body, hdr, 0);
}

static const struct th_resp *
import_csv(const char *kind, const char *csv, int dry)
{
    return send_json("POST", "/admin/api/import.json",
                     json_pack("{s:s, s:s, s:b}", "kind", kind, "csv", csv, "dryRun", dry));
}

static int64_t
db_int(const char *sql, const char *param)
{
    int64_t v = -1;
    bool found = false;
    struct db_param p[] = { DBP_TEXT(param) };
    assert_int_equal(db_query_int(th_db(), sql, p, param ? 1 : 0, &v, &found), DB_OK);
    return found ? v : -1;
}

static void
db_run(const char *sql, const char *param)
{
    struct db_param p[] = { DBP_TEXT(param) };
    assert_int_equal(db_exec(th_db(), sql, p, 1, NULL), DB_OK);
}

static long
count_orgs(void)
{
    return (long)db_int("SELECT COUNT(*) FROM orgs", NULL);
}

static long
count_users(void)
{
    return (long)db_int("SELECT COUNT(*) FROM users", NULL);
}

static const char *
org_id(const char *code)
{
    static char buf[32];
    int64_t id = db_int("SELECT id FROM orgs WHERE code = $1", code);
    snprintf(buf, sizeof(buf), "%lld", (long long)id);
    return buf;
}

static void
post_org(const char *code, const char *name, const char *parent)
{
    send_json("POST", "/admin/api/orgs.json",
              json_pack("{s:s, s:s, s:s?}", "code", code, "name", name, "parentCode", parent));
    TH_EXPECT_STATUS(200);
}

static void
post_group(const char *code, const char *name)
{
    send_json("POST", "/admin/api/groups.json", json_pack("{s:s, s:s}", "code", code, "name", name));
    TH_EXPECT_STATUS(200);
}

static int
setup(void **state)
{
    int rc = th_setup(state);
    th_user(CLERK, CLERK_PW, 0);
    return rc;
}

/* ---- organisations ---- */

static void
test_org_tree(void **state)
{
    (void)state;
    post_org("toshi", "都市整備政策部", NULL);
    post_org("toshi-keikaku", "都市計画課", "toshi");
    post_org("kitazawa", "北沢総合支所", NULL);
    post_org("kitazawa-machi", "街づくり課", "kitazawa");
    const struct th_resp *r = th_get("/v1/organizations.json");
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "organizations"), 4);
    assert_string_equal(th_str(r->json, "organizations.1.code"), "toshi-keikaku");
    assert_string_equal(th_str(r->json, "organizations.1.name"), "都市計画課");
    assert_string_equal(th_str(r->json, "organizations.1.parentCode"), "toshi");
    assert_true(json_is_null(th_at(r->json, "organizations.0.parentCode")));
    assert_string_equal(th_str(r->json, "organizations.0.id"), org_id("toshi"));

    /* duplicate code, unknown parent */
    send_json("POST", "/admin/api/orgs.json", json_pack("{s:s, s:s}", "code", "toshi", "name", "x"));
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("code");
    send_json("POST", "/admin/api/orgs.json",
              json_pack("{s:s, s:s, s:s}", "code", "x1", "name", "x", "parentCode", "nothing"));
    TH_EXPECT_KEY("parentCode");
    /* name required on create; a bad code */
    send_json("POST", "/admin/api/orgs.json", json_pack("{s:s}", "code", "x2"));
    TH_EXPECT_KEY("name");
    send_json("POST", "/admin/api/orgs.json", json_pack("{s:s, s:s}", "code", "a b", "name", "x"));
    TH_EXPECT_KEY("code");
    assert_int_equal(count_orgs(), 4);
}

static void
test_org_cycles_refused(void **state)
{
    (void)state;
    /* itself, and its own child */
    send_json("PUT", "/admin/api/orgs.json",
              json_pack("{s:s, s:s}", "code", "toshi", "parentCode", "toshi"));
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("parentCode");
    send_json("PUT", "/admin/api/orgs.json",
              json_pack("{s:s, s:s}", "code", "toshi", "parentCode", "toshi-keikaku"));
    TH_EXPECT_KEY("parentCode");
    assert_int_equal(db_int("SELECT COUNT(*) FROM orgs WHERE parent_id IS NULL", NULL), 2);
    /* a legal move and back; null = top level */
    send_json("PUT", "/admin/api/orgs.json",
              json_pack("{s:s, s:s}", "code", "kitazawa", "parentCode", "toshi"));
    TH_EXPECT_STATUS(200);
    const struct th_resp *r = th_get("/v1/organizations.json?codes[0]=kitazawa");
    assert_string_equal(th_str(r->json, "organizations.0.parentCode"), "toshi");
    send_json("PUT", "/admin/api/orgs.json", json_pack("{s:s, s:n}", "code", "kitazawa", "parentCode"));
    TH_EXPECT_STATUS(200);
    r = th_get("/v1/organizations.json?codes[0]=kitazawa");
    assert_true(json_is_null(th_at(r->json, "organizations.0.parentCode")));
    /* unknown org */
    send_json("PUT", "/admin/api/orgs.json", json_pack("{s:s, s:s}", "code", "nope", "name", "x"));
    TH_EXPECT_ERROR(404, "MD_NF01");
}

static void
test_org_delete_rules(void **state)
{
    (void)state;
    send_json("DELETE", "/admin/api/orgs.json", json_pack("{s:s}", "code", "toshi"));
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("code");
    post_org("tmp-leaf", "仮の組織", "toshi");
    send_json("DELETE", "/admin/api/orgs.json", json_pack("{s:s}", "code", "tmp-leaf"));
    TH_EXPECT_STATUS(200);
    assert_int_equal(db_int("SELECT COUNT(*) FROM orgs WHERE code = $1", "tmp-leaf"), 0);
    send_json("DELETE", "/admin/api/orgs.json", json_pack("{s:s}", "code", "tmp-leaf"));
    TH_EXPECT_ERROR(404, "MD_NF01");
}

/* ---- groups ---- */

static void
test_groups(void **state)
{
    (void)state;
    post_group("tanto", "担当");
    post_group("kakaricho", "係長");
    post_group("shinsa-kakaricho", "審査係長");
    post_group("kacho", "課長");
    post_group("bucho", "部長");
    send_json("POST", "/admin/api/groups.json",
              json_pack("{s:s, s:s}", "code", "everyone", "name", "全員"));
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("code");
    send_json("POST", "/admin/api/groups.json",
              json_pack("{s:s, s:s}", "code", "Administrators", "name", "管理者"));
    TH_EXPECT_KEY("code");
    send_json("POST", "/admin/api/groups.json",
              json_pack("{s:s, s:s}", "code", "administrators", "name", "管理者"));
    TH_EXPECT_KEY("code");
    send_json("PUT", "/admin/api/groups.json",
              json_pack("{s:s, s:s}", "code", "kacho", "description", "課の長"));
    TH_EXPECT_STATUS(200);
    const struct th_resp *r = th_get("/v1/groups.json?codes[0]=kacho&codes[1]=tanto");
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "groups"), 2);
    assert_string_equal(th_str(r->json, "groups.0.code"), "tanto"); /* id order */
    assert_string_equal(th_str(r->json, "groups.1.description"), "課の長");
    assert_true(json_is_null(th_at(r->json, "groups.0.description")));
}

/* ---- users and memberships ---- */

static void
test_users_and_memberships(void **state)
{
    (void)state;
    const struct th_resp *r = send_json(
        "POST", "/admin/api/users.json",
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s]}", "code", "sato", "name", "佐藤 昇", "nameEn",
                  "Noboru Sato", "email", "sato@example.jp", "primaryOrg", "toshi-keikaku",
                  "groups", "tanto"));
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "result"), "created");
    const char *pw = th_str(r->json, "password");
    assert_non_null(pw);
    assert_int_equal(strlen(pw), DIR_TEMP_PASSWORD_LEN);
    assert_int_equal(db_int("SELECT must_change_password FROM users WHERE login = $1", "sato"), 1);
    assert_int_equal(db_int("SELECT COUNT(*) FROM users WHERE login = $1 AND password_hash IS NULL",
                            "sato"),
                     0);
    /* a given temporary password is not echoed */
    r = send_json("POST", "/admin/api/users.json",
                  json_pack("{s:s, s:s, s:s}", "code", "suzuki", "name", "鈴木 花子", "password",
                            "temporary-pass-123"));
    TH_EXPECT_STATUS(200);
    assert_null(th_str(r->json, "password"));

    r = th_get("/v1/user/organizations.json?code=sato");
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "organizationTitles"), 1);
    assert_string_equal(th_str(r->json, "organizationTitles.0.organization.code"), "toshi-keikaku");
    assert_true(json_is_null(th_at(r->json, "organizationTitles.0.title")));

    /* replace memberships; the primary org is added to the orgs */
    send_json("PUT", "/admin/api/memberships.json",
              json_pack("{s:s, s:[s], s:[s,s], s:s}", "user", "sato", "orgs", "kitazawa-machi",
                        "groups", "tanto", "kakaricho", "primaryOrg", "toshi-keikaku"));
    TH_EXPECT_STATUS(200);
    r = th_get("/v1/user/organizations.json?code=sato");
    assert_int_equal(th_count(r->json, "organizationTitles"), 2);
    r = th_get("/v1/users.json?codes[0]=sato");
    assert_string_equal(th_str(r->json, "users.0.primaryOrganization"), org_id("toshi-keikaku"));
    r = th_get("/v1/user/groups.json?code=sato");
    assert_int_equal(th_count(r->json, "groups"), 2);
    r = th_get("/v1/organization/users.json?code=kitazawa-machi");
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "userTitles.0.user.code"), "sato");
    assert_true(json_is_null(th_at(r->json, "userTitles.0.title")));
    r = th_get("/v1/group/users.json?code=kakaricho");
    assert_int_equal(th_count(r->json, "users"), 1);
    assert_string_equal(th_str(r->json, "users.0.code"), "sato");

    /* dropping the primary org moves the primary to a remaining one */
    send_json("PUT", "/admin/api/memberships.json",
              json_pack("{s:s, s:[s], s:[s]}", "user", "sato", "orgs", "kitazawa-machi", "groups",
                        "tanto"));
    TH_EXPECT_STATUS(200);
    r = th_get("/v1/users.json?codes[0]=sato");
    assert_string_equal(th_str(r->json, "users.0.primaryOrganization"), org_id("kitazawa-machi"));

    /* errors: unknown group / org, virtual group, bad email, unknown user */
    send_json("PUT", "/admin/api/memberships.json",
              json_pack("{s:s, s:[s], s:[s,s]}", "user", "sato", "orgs", "nothing", "groups",
                        "tanto", "everyone"));
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("orgs[0]");
    TH_EXPECT_KEY("groups[1]");
    send_json("PUT", "/admin/api/users.json",
              json_pack("{s:s, s:s}", "code", "sato", "email", "not-an-address"));
    TH_EXPECT_KEY("email");
    send_json("PUT", "/admin/api/memberships.json",
              json_pack("{s:s, s:[]}", "user", "ghost", "orgs"));
    TH_EXPECT_ERROR(404, "MD_NF01");

    /* an org with members cannot be deleted */
    send_json("DELETE", "/admin/api/orgs.json", json_pack("{s:s}", "code", "kitazawa-machi"));
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("code");
    /* nor a group */
    send_json("DELETE", "/admin/api/groups.json", json_pack("{s:s}", "code", "tanto"));
    TH_EXPECT_KEY("code");

    /* DELETE disables (records keep naming the login) */
    send_json("DELETE", "/admin/api/users.json", json_pack("{s:s}", "code", "suzuki"));
    TH_EXPECT_STATUS(200);
    r = th_get("/v1/users.json?codes[0]=suzuki");
    assert_int_equal(th_count(r->json, "users"), 1);
    assert_true(json_is_false(th_at(r->json, "users.0.valid")));
    /* unchanged writes say so */
    r = send_json("PUT", "/admin/api/users.json", json_pack("{s:s, s:s}", "code", "sato", "name",
                                                            "佐藤 昇"));
    assert_string_equal(th_str(r->json, "result"), "unchanged");
}

static void
test_admin_cannot_lock_self_out(void **state)
{
    (void)state;
    send_json("PUT", "/admin/api/users.json", json_pack("{s:s, s:b}", "code", TH_USER, "disabled", 1));
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("disabled");
    send_json("PUT", "/admin/api/users.json", json_pack("{s:s, s:b}", "code", TH_USER, "admin", 0));
    TH_EXPECT_KEY("admin");
    send_json("DELETE", "/admin/api/users.json", json_pack("{s:s}", "code", TH_USER));
    TH_EXPECT_KEY("disabled");
}

/* ---- CSV import ---- */

static void
test_import_good(void **state)
{
    (void)state;
    /* BOM, CRLF, a parent defined further down, quoted names with a comma */
    const char *orgs = "\xEF\xBB\xBF"
                       "code,name,name_en,parent,sort\r\n"
                       "seikatsu-kankyo,生活環境課,Living Environment,setagaya-shisho,2\r\n"
                       "setagaya-shisho,\"世田谷総合支所\",\"Setagaya, Branch\",,1\r\n"
                       "\r\n"
                       "kitazawa-machi,街づくり課,,kitazawa,5\r\n";
    const struct th_resp *r = import_csv("orgs", orgs, 0);
    TH_EXPECT_STATUS(200);
    assert_int_equal(json_integer_value(th_at(r->json, "created")), 2);
    assert_int_equal(json_integer_value(th_at(r->json, "updated")), 1); /* sort 0 → 5 */
    assert_int_equal(json_integer_value(th_at(r->json, "unchanged")), 0);
    assert_int_equal(th_count(r->json, "rows"), 3);
    assert_int_equal(json_integer_value(th_at(r->json, "rows.1.line")), 3);
    r = th_get("/v1/organizations.json?codes[0]=seikatsu-kankyo&codes[1]=setagaya-shisho");
    assert_string_equal(th_str(r->json, "organizations.0.parentCode"), "setagaya-shisho");
    assert_string_equal(th_str(r->json, "organizations.1.localName"), "Setagaya, Branch");
    /* the same file again changes nothing */
    r = import_csv("orgs", orgs, 0);
    TH_EXPECT_STATUS(200);
    assert_int_equal(json_integer_value(th_at(r->json, "unchanged")), 3);

    /* groups: quoted description with a comma, a doubled quote and a line break */
    r = import_csv("groups",
                   "code,name,description\n"
                   "kansa,監査担当,\"内部監査, \"\"定期\"\"\n年2回\"\n"
                   "sysadmin,システム管理者,\n",
                   0);
    TH_EXPECT_STATUS(200);
    assert_int_equal(json_integer_value(th_at(r->json, "created")), 2);
    r = th_get("/v1/groups.json?codes[0]=kansa");
    assert_string_equal(th_str(r->json, "groups.0.description"), "内部監査, \"定期\"\n年2回");

    /* users: lists with ';', flags, one given password, the others generated */
    r = import_csv("users",
                   "code,name,name_en,email,primary_org,orgs,groups,admin,service,disabled,password\n"
                   "tanaka,\"田中, 一郎\",Ichiro Tanaka,tanaka@example.jp,seikatsu-kankyo,"
                   "setagaya-shisho;seikatsu-kankyo,tanto;kakaricho,0,0,0,\n"
                   "yamada,山田 太郎,,,,kitazawa-machi,kacho; kansa ,1,,,initial-pass-12345\n",
                   0);
    TH_EXPECT_STATUS(200);
    assert_int_equal(json_integer_value(th_at(r->json, "created")), 2);
    assert_int_equal(strlen(th_str(r->json, "rows.0.password")), DIR_TEMP_PASSWORD_LEN);
    assert_null(th_str(r->json, "rows.1.password"));
    r = th_get("/v1/users.json?codes[0]=tanaka");
    assert_string_equal(th_str(r->json, "users.0.name"), "田中, 一郎");
    assert_string_equal(th_str(r->json, "users.0.primaryOrganization"), org_id("seikatsu-kankyo"));
    assert_int_equal(db_int("SELECT is_admin FROM users WHERE login = $1", "yamada"), 1);
    r = th_get("/v1/user/groups.json?code=yamada");
    assert_int_equal(th_count(r->json, "groups"), 2);

    /* memberships: the file replaces what it names */
    r = import_csv("memberships",
                   "user,org,group,primary\n"
                   "tanaka,kitazawa-machi,tanto,\n"
                   "tanaka,setagaya-shisho,,1\n"
                   "yamada,,bucho,\n",
                   0);
    TH_EXPECT_STATUS(200);
    assert_int_equal(json_integer_value(th_at(r->json, "updated")), 2);
    r = th_get("/v1/users.json?codes[0]=tanaka&codes[1]=yamada");
    assert_string_equal(th_str(r->json, "users.0.primaryOrganization"), org_id("setagaya-shisho"));
    assert_true(json_is_null(th_at(r->json, "users.1.primaryOrganization")));
    r = th_get("/v1/user/groups.json?code=tanaka");
    assert_int_equal(th_count(r->json, "groups"), 1);
    r = th_get("/v1/user/organizations.json?code=yamada");
    assert_int_equal(th_count(r->json, "organizationTitles"), 0);
}

static void
test_import_bad_line_changes_nothing(void **state)
{
    (void)state;
    long users = count_users(), orgs = count_orgs();
    const struct th_resp *r = import_csv("users",
                                         "code,name,email\n"
                                         "new1,新人 一,new1@example.jp\n"
                                         "new2,新人 二,new2@example.jp\n"
                                         "new3,新人 三,broken-address\n",
                                         0);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("lines[4].email");
    assert_int_equal(count_users(), users);
    assert_int_equal(db_int("SELECT COUNT(*) FROM users WHERE login = $1", "new1"), 0);

    /* several problems at once, each on its line */
    r = import_csv("users",
                   "code,name,groups,admin\n"
                   "new4,,tanto,0\n"
                   "new5,新人 五,nothing,2\n"
                   "new4,新人 四,,\n",
                   0);
    TH_EXPECT_KEY("lines[2].name");
    TH_EXPECT_KEY("lines[3].admin");
    TH_EXPECT_KEY("lines[4].code");
    /* unknown column, wrong column count, unterminated quote */
    import_csv("groups", "code,name,colour\nx,y,z\n", 0);
    TH_EXPECT_KEY("lines[1]");
    import_csv("groups", "code,name\nx1,一\nx2,二,余分\n", 0);
    TH_EXPECT_KEY("lines[3]");
    import_csv("groups", "code,name\nx1,\"一\nx2,二\n", 0);
    TH_EXPECT_KEY("lines[2]");
    /* a cycle made by the file itself: nothing is kept, not even the new org */
    r = import_csv("orgs",
                   "code,name,parent\n"
                   "loop-a,ループA,loop-b\n"
                   "loop-b,ループB,loop-a\n",
                   0);
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("lines[3].parent");
    assert_int_equal(count_orgs(), orgs);
    /* a virtual group in a users file */
    import_csv("users", "code,name,groups\nnew6,新人 六,everyone\n", 0);
    TH_EXPECT_KEY("lines[2].groups");
    /* empty file, no header */
    import_csv("users", "", 0);
    TH_EXPECT_KEY("lines[1]");
    assert_int_equal(count_users(), users);
    (void)r;
}

static void
test_import_dry_run(void **state)
{
    (void)state;
    long users = count_users(), orgs = count_orgs();
    int64_t events = db_int("SELECT COUNT(*) FROM security_events WHERE action <> 'admin.use'", NULL);
    const struct th_resp *r = import_csv("orgs",
                                         "code,name,parent\n"
                                         "dry-child,試しの課,dry-parent\n"
                                         "dry-parent,試しの部,\n"
                                         "toshi,都市整備政策部,\n",
                                         1);
    TH_EXPECT_STATUS(200);
    assert_true(json_is_true(th_at(r->json, "dryRun")));
    assert_int_equal(json_integer_value(th_at(r->json, "created")), 2);
    assert_int_equal(json_integer_value(th_at(r->json, "unchanged")), 1);
    assert_int_equal(count_orgs(), orgs);
    r = import_csv("users", "code,name,orgs\ndry-user,試し 太郎,toshi\n", 1);
    TH_EXPECT_STATUS(200);
    assert_int_equal(json_integer_value(th_at(r->json, "created")), 1);
    assert_null(th_str(r->json, "rows.0.password")); /* nothing to hand out */
    assert_int_equal(count_users(), users);
    assert_int_equal(db_int("SELECT COUNT(*) FROM security_events WHERE action <> 'admin.use'", NULL), events);
    /* a dry run reports errors like the real thing */
    import_csv("users", "code,name\n,名無し\n", 1);
    TH_EXPECT_KEY("lines[2].code");
}

/* The engine itself (the CLI's path): invalid UTF-8 is reported with its line. */
static void
test_import_invalid_utf8(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct fail f;
    struct ctx c;
    memset(&c, 0, sizeof(c));
    fail_init(&f, a, LANG_EN);
    c.arena = a;
    c.db = th_db();
    c.fail = &f;
    c.now = clock_now_ms() / 1000;
    c.who.kind = PRIN_SYSTEM;
    c.who.login = "system";
    struct dir_import_report rep;
    assert_int_equal(db_begin(th_db(), true), DB_OK);
    const char bad[] = "code,name\nok1,一\nbad,\xff\xfe\n";
    assert_int_equal(dir_import(&c, DIR_IMPORT_GROUPS, bad, sizeof(bad) - 1, false, &rep),
                     ERR_INVALID);
    assert_non_null(json_object_get(f.errors, "lines[3]"));
    assert_int_equal(db_rollback(th_db()), DB_OK);
    assert_int_equal(db_int("SELECT COUNT(*) FROM user_groups WHERE code = $1", "ok1"), 0);
    arena_free(a);
}

/* ---- User API shapes and access ---- */

static void
test_user_api_shapes(void **state)
{
    (void)state;
    const struct th_resp *r = th_get("/v1/users.json?codes[0]=tanaka");
    TH_EXPECT_STATUS(200);
    json_t *u = th_at(r->json, "users.0");
    static const char *const keys[] = { "id", "code", "ctime", "mtime", "valid", "name",
                                        "surName", "givenName", "localName", "localNameLocale",
                                        "timezone", "locale", "email", "primaryOrganization",
                                        "sortOrder", "customItemValues", "employeeNumber" };
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (!json_object_get(u, keys[i]))
            fprintf(stderr, "missing key %s\n", keys[i]);
        assert_non_null(json_object_get(u, keys[i]));
    }
    assert_true(json_is_string(json_object_get(u, "id")));
    assert_string_equal(th_str(u, "localName"), "Ichiro Tanaka");
    assert_string_equal(th_str(u, "localNameLocale"), "en");
    assert_string_equal(th_str(u, "timezone"), "Asia/Tokyo");
    assert_int_equal(strlen(th_str(u, "ctime")), 20);
    /* no secrets, no login state */
    static const char *const never[] = { "password", "passwordHash", "password_hash", "totp",
                                         "totpSecret", "totpEnabled", "failedLogins",
                                         "lockedUntil", "admin", "lastLoginIp" };
    for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
        assert_null(json_object_get(u, never[i]));
    assert_null(strstr(r->body, "argon2"));

    /* paging, ids, limits */
    long all = count_users();
    r = th_get("/v1/users.json");
    assert_int_equal(th_count(r->json, "users"), all);
    r = th_get("/v1/users.json?offset=1&size=2");
    assert_int_equal(th_count(r->json, "users"), 2);
    assert_string_equal(th_str(r->json, "users.0.id"), "2");
    r = th_get("/v1/users.json?ids[0]=1");
    assert_string_equal(th_str(r->json, "users.0.code"), TH_USER);
    th_get("/v1/users.json?size=101");
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("size");
    th_get("/v1/users.json?ids[0]=1&codes[0]=tanaka");
    TH_EXPECT_ERROR(400, "CB_VA01");
    th_get("/v1/user/organizations.json");
    TH_EXPECT_KEY("code");
    th_get("/v1/user/organizations.json?code=ghost");
    TH_EXPECT_ERROR(404, "MD_NF01");
    th_get("/v1/organization/users.json?code=ghost");
    TH_EXPECT_ERROR(404, "MD_NF01");
    r = th_get("/v1/organizations.json?size=1&offset=1");
    assert_int_equal(th_count(r->json, "organizations"), 1);
}

static void
test_non_admin_forbidden(void **state)
{
    (void)state;
    /* any signed-in account reads the directory */
    const struct th_resp *r = as_clerk("GET", "/v1/users.json?codes[0]=sato", NULL);
    TH_EXPECT_STATUS(200);
    assert_int_equal(th_count(r->json, "users"), 1);
    static const char *const writes[][2] = {
        { "POST", "/admin/api/users.json" },        { "PUT", "/admin/api/users.json" },
        { "DELETE", "/admin/api/users.json" },      { "POST", "/admin/api/orgs.json" },
        { "PUT", "/admin/api/orgs.json" },          { "DELETE", "/admin/api/orgs.json" },
        { "POST", "/admin/api/groups.json" },       { "PUT", "/admin/api/memberships.json" },
        { "POST", "/admin/api/import.json" },       { "POST", "/admin/api/user/unlock.json" },
        { "POST", "/admin/api/user/reset-mfa.json" }, { "POST", "/admin/api/user/password.json" },
        { "GET", "/admin/api/events.json" },
    };
    long users = count_users();
    for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
        as_clerk(writes[i][0], writes[i][1],
                 strcmp(writes[i][0], "GET") ? "{\"code\":\"hacker\",\"name\":\"x\"}" : NULL);
        TH_EXPECT_ERROR(403, "CB_NO02");
    }
    assert_int_equal(count_users(), users);
    /* no credentials at all */
    th_request("GET", "/v1/users.json", NULL, NULL, 0);
    TH_EXPECT_ERROR(401, "CB_AU01");
}

static void
test_tokens_refused(void **state)
{
    (void)state;
    long app = th_app("{\"title\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"title\",\"label\":\"件名\"}}");
    char hdr[128];
    snprintf(hdr, sizeof(hdr), "X-Cybozu-API-Token: %s", th_token(app, ACL_ALL));
    const char *hdrs[] = { hdr, NULL };
    static const char *const reads[] = { "/v1/users.json", "/v1/organizations.json",
                                         "/v1/groups.json", "/v1/user/groups.json?code=sato",
                                         "/v1/group/users.json?code=tanto" };
    for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
        th_request("GET", reads[i], NULL, hdrs, 0);
        TH_EXPECT_ERROR(403, "CB_NO02");
    }
    th_request("POST", "/admin/api/orgs.json", "{\"code\":\"t\",\"name\":\"t\"}", hdrs, 0);
    TH_EXPECT_ERROR(403, "CB_NO02");
}

/* ---- account actions and events ---- */

static void
test_account_actions(void **state)
{
    (void)state;
    db_run("UPDATE users SET failed_logins = 7, locked_until = 4000000000 WHERE login = $1",
           "sato");
    const struct th_resp *r = send_json("POST", "/admin/api/user/unlock.json",
                                        json_pack("{s:s}", "code", "sato"));
    TH_EXPECT_STATUS(200);
    assert_string_equal(th_str(r->json, "result"), "updated");
    assert_int_equal(db_int("SELECT failed_logins + locked_until FROM users WHERE login = $1",
                            "sato"),
                     0);
    r = send_json("POST", "/admin/api/user/unlock.json", json_pack("{s:s}", "code", "sato"));
    assert_string_equal(th_str(r->json, "result"), "unchanged");

    db_run("UPDATE users SET totp_secret = 'sealed', totp_enabled = 1, totp_last_step = 99 "
           "WHERE login = $1",
           "sato");
    db_run("INSERT INTO recovery_codes (user_id, code_hash) "
           "SELECT id, 'h1' FROM users WHERE login = $1",
           "sato");
    send_json("POST", "/admin/api/user/reset-mfa.json", json_pack("{s:s}", "code", "sato"));
    TH_EXPECT_STATUS(200);
    assert_int_equal(db_int("SELECT COUNT(*) FROM users WHERE login = $1 AND totp_secret IS NULL "
                            "AND totp_enabled = 0 AND totp_last_step = 0",
                            "sato"),
                     1);
    assert_int_equal(db_int("SELECT COUNT(*) FROM recovery_codes", NULL), 0);

    int64_t ver = db_int("SELECT pw_version FROM users WHERE login = $1", "sato");
    r = send_json("POST", "/admin/api/user/password.json", json_pack("{s:s}", "code", "sato"));
    TH_EXPECT_STATUS(200);
    assert_int_equal(strlen(th_str(r->json, "password")), DIR_TEMP_PASSWORD_LEN);
    assert_true(db_int("SELECT pw_version FROM users WHERE login = $1", "sato") > ver);
    assert_int_equal(db_int("SELECT must_change_password FROM users WHERE login = $1", "sato"), 1);
    r = send_json("POST", "/admin/api/user/password.json",
                  json_pack("{s:s, s:s}", "code", "sato", "password", "given-password-99"));
    TH_EXPECT_STATUS(200);
    assert_null(th_str(r->json, "password"));
    send_json("POST", "/admin/api/user/password.json",
              json_pack("{s:s, s:s}", "code", "sato", "password", "short"));
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("password");
    send_json("POST", "/admin/api/user/unlock.json", json_pack("{s:s}", "code", "ghost"));
    TH_EXPECT_ERROR(404, "MD_NF01");
}

static void
test_events(void **state)
{
    (void)state;
    const struct th_resp *r = th_get("/admin/api/events.json?action=admin.org.*&limit=500");
    TH_EXPECT_STATUS(200);
    long n = th_count(r->json, "events");
    assert_true(n >= 4);
    assert_string_equal(th_str(r->json, "events.0.actor"), TH_USER);
    assert_int_equal(strncmp(th_str(r->json, "events.0.action"), "admin.org.", 10), 0);
    /* newest first */
    long id0 = strtol(th_str(r->json, "events.0.id"), NULL, 10);
    long id1 = strtol(th_str(r->json, "events.1.id"), NULL, 10);
    assert_true(id0 > id1);
    r = th_get("/admin/api/events.json?action=admin.user.password&limit=1");
    assert_int_equal(th_count(r->json, "events"), 1);
    assert_string_equal(th_str(r->json, "events.0.target"), "sato");
    /* passwords never reach the trail */
    r = th_get("/admin/api/events.json?limit=500");
    assert_null(strstr(r->body, "given-password-99"));
    assert_null(strstr(r->body, "initial-pass-12345"));
    r = th_get("/admin/api/events.json?action=admin.import");
    assert_true(th_count(r->json, "events") >= 4);
    assert_string_equal(th_str(r->json, "events.0.detail.kind"), "memberships");
    r = th_get("/admin/api/events.json?actor=nobody");
    assert_int_equal(th_count(r->json, "events"), 0);
    r = th_get("/admin/api/events.json?since=2999-01-01T00:00:00Z");
    assert_int_equal(th_count(r->json, "events"), 0);
    th_get("/admin/api/events.json?limit=501");
    TH_EXPECT_ERROR(400, "CB_VA01");
    TH_EXPECT_KEY("limit");
    th_get("/admin/api/events.json?since=yesterday");
    TH_EXPECT_KEY("since");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_org_tree),
        cmocka_unit_test(test_org_cycles_refused),
        cmocka_unit_test(test_org_delete_rules),
        cmocka_unit_test(test_groups),
        cmocka_unit_test(test_users_and_memberships),
        cmocka_unit_test(test_admin_cannot_lock_self_out),
        cmocka_unit_test(test_import_good),
        cmocka_unit_test(test_import_bad_line_changes_nothing),
        cmocka_unit_test(test_import_dry_run),
        cmocka_unit_test(test_import_invalid_utf8),
        cmocka_unit_test(test_user_api_shapes),
        cmocka_unit_test(test_non_admin_forbidden),
        cmocka_unit_test(test_tokens_refused),
        cmocka_unit_test(test_account_actions),
        cmocka_unit_test(test_events),
    };
    return cmocka_run_group_tests_name(th_backend(), tests, setup, th_teardown);
}
