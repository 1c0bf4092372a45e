/* Online restore (POST /api/restore/preview.json, /api/restore.json) on the harness's backend.
 * A "backup" here is a snapshot made with snap_export of the test database plus the stored form
 * of every blob taken at the same moment (what an archive carries), opened through the test
 * opener (restore_api_set_opener). Covered: a record whose rows and attachment blob are gone
 * from live comes back with its id, status, assignees, comment, history and file; a soft-deleted
 * one is undeleted; a changed one is previewed (fields, status) then restored as a new,
 * revertible revision; an app of a few hundred records (changed, deleted, created after) is
 * restored; a deleted record goes back to a revision of its history; rights (system admin for
 * an app, app manage right for a record); errors (unknown backup / app / record, bad bodies, a
 * unique value taken meanwhile: nothing changes); and the audit rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "api/harness.h"
#include "api/restore_api.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/blob.h"
#include "domain/ctx.h"
#include "jobs/backup.h"
#include "jobs/backup_job.h"
#include "jobs/snapshot.h"
#include "sec/sec.h"

#include <fcntl.h>
#include <sodium.h>

#define PW "restore-test-password-1"
#define BOUNDARY "----restoreBoundary"

static long app, other_app, big_app;
static char dir[128], snap_path[256];
static json_t *stored_blobs; /* hash → base64 of the stored form, taken with the snapshot */

/* ---- the test "archive" ---- */

static enum err
fetch(void *u, const char *hash, struct strbuf *out, struct fail *f)
{
    (void)u;
    (void)f;
    const char *hex = json_string_value(json_object_get(stored_blobs, hash));
    if (!hex)
        return ERR_FILE_NOT_FOUND;
    size_t n = strlen(hex) / 2;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        strbuf_addc(out, (char)v);
    }
    return ERR_OK;
}

static enum err
test_open(const char *id, struct restore_src *src, void **handle, struct fail *f)
{
    if (strcmp(id, "snap-1") != 0)
        return fail_with_message(f, ERR_NOT_FOUND, "指定したバックアップが見つかりません。");
    struct db *snap = NULL;
    char *err = NULL;
    assert_int_equal(db_open(snap_path, &snap, &err), DB_OK);
    src->snap = snap;
    src->backup_id = "snap-1";
    src->taken_at = 1775001600;
    src->fetch = fetch;
    *handle = snap;
    return ERR_OK;
}

static void
test_close(void *handle)
{
    db_close(handle);
}

static struct ctx *
sys_ctx(struct ctx *c, struct fail *f, struct arena *a)
{
    memset(c, 0, sizeof(*c));
    fail_init(f, a, LANG_JA);
    c->arena = a;
    c->db = th_db();
    c->fail = f;
    c->now = th_now();
    c->who.kind = PRIN_SYSTEM;
    c->who.login = "system";
    return c;
}

/* snapshot + every referenced blob's stored form, replacing the previous backup */
static void
take_backup(void)
{
    unlink(snap_path);
    struct arena *a = arena_new();
    struct fail f;
    struct ctx c;
    sys_ctx(&c, &f, a);
    struct snap_count *cnt;
    size_t n;
    assert_int_equal(snap_export(th_db(), snap_path, a, &cnt, &n, &f), ERR_OK);
    json_decref(stored_blobs);
    stored_blobs = json_object();
    struct db_res *r = NULL;
    assert_int_equal(db_query(th_db(), "SELECT hash FROM blobs", NULL, 0, &r), DB_OK);
    while (db_step(r) == 1) {
        const char *h = db_col_text(r, 0);
        struct strbuf sb;
        strbuf_init(&sb, a, 0);
        assert_int_equal(blob_stored_get(&c, h, &sb), ERR_OK);
        char *hex = malloc(sb.len * 2 + 1);
        for (size_t i = 0; i < sb.len; i++)
            sprintf(hex + 2 * i, "%02x", (unsigned char)sb.buf[i]);
        hex[sb.len * 2] = '\0';
        json_object_set_new(stored_blobs, h, json_string(hex));
        free(hex);
    }
    db_res_free(r);
    arena_free(a);
}

/* ---- requests ---- */

static const struct th_resp *
as(const char *user, const char *target, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static const struct th_resp *
as(const char *user, const char *target, const char *fmt, ...)
{
    char body[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof(body), fmt, ap);
    va_end(ap);
    for (char *p = body; *p; p++)
        if (*p == '\'')
            *p = '"';
    const char *h[] = { th_auth_header(user, strcmp(user, TH_USER) == 0 ? TH_PASSWORD : PW), NULL };
    return th_request("POST", target, body, h, 0);
}

static void
expect_ok(const struct th_resp *r)
{
    if (r->status != 200)
        th_dump();
    assert_int_equal(r->status, 200);
}

static int64_t
count_sql(const char *sql, long a1, long a2)
{
    struct db_param p[] = { DBP_INT(a1), DBP_INT(a2) };
    int64_t v = -1;
    bool found;
    int np = strstr(sql, "$2") ? 2 : strstr(sql, "$1") ? 1 : 0;
    assert_int_equal(db_query_int(th_db(), sql, p, np, &v, &found), DB_OK);
    return v;
}

static void
exec_sql(const char *sql, long a1, long a2)
{
    struct db_param p[] = { DBP_INT(a1), DBP_INT(a2) };
    int np = strstr(sql, "$2") ? 2 : strstr(sql, "$1") ? 1 : 0;
    if (db_exec(th_db(), sql, p, np, NULL) != DB_OK)
        fprintf(stderr, "%s: %s\n", sql, db_errmsg(th_db()));
}

static const char *
upload(const char *name, const char *content)
{
    static char key[128];
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fprintf(f, "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
               "Content-Type: text/plain\r\n\r\n%s\r\n--%s--\r\n",
            BOUNDARY, name, content, BOUNDARY);
    fclose(f);
    const char *h[] = { "Content-Type: multipart/form-data; boundary=" BOUNDARY, NULL };
    const struct th_resp *r = th_request_n("POST", "/k/v1/file.json", buf, len, h, 1);
    free(buf);
    expect_ok(r);
    snprintf(key, sizeof(key), "%s", th_str(r->json, "fileKey"));
    return key;
}

static long
add_record(long a, const char *title, const char *file_key)
{
    const struct th_resp *r;
    if (file_key)
        r = th_sendq("POST", "/k/v1/record.json",
                     "{'app':%ld,'record':{'title':{'value':'%s'},'n':{'value':'7'},"
                     "'att':{'value':[{'fileKey':'%s'}]}}}",
                     a, title, file_key);
    else
        r = th_sendq("POST", "/k/v1/record.json",
                     "{'app':%ld,'record':{'title':{'value':'%s'},'n':{'value':'7'}}}", a, title);
    expect_ok(r);
    return atol(th_str(r->json, "id"));
}

static const char *
field_of(long a, long id, const char *path)
{
    static char buf[512];
    const struct th_resp *r = th_getf("/k/v1/record.json?app=%ld&id=%ld", a, id);
    if (r->status != 200)
        return NULL;
    const char *s = th_str(r->json, path);
    snprintf(buf, sizeof(buf), "%s", s ? s : "(null)");
    return buf;
}

#define FIELDS                                                                                     \
    "{\"title\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"title\",\"label\":\"件名\","            \
    "\"unique\":true},"                                                                            \
    "\"n\":{\"type\":\"NUMBER\",\"code\":\"n\",\"label\":\"数\"},"                                 \
    "\"att\":{\"type\":\"FILE\",\"code\":\"att\",\"label\":\"添付\"}}"

#define PROCESS                                                                                    \
    "{'app':%ld,'enable':true,'states':{"                                                          \
    "'未処理':{'name':'未処理','index':'0','assignee':{'type':'ONE','entities':["                 \
    "{'entity':{'type':'USER','code':'admin'}}]}},"                                                \
    "'完了':{'name':'完了','index':'1'}},"                                                         \
    "'actions':[{'name':'完了にする','from':'未処理','to':'完了'}]}"

static int
setup(void **state)
{
    th_setup(state);
    snprintf(dir, sizeof(dir), "/tmp/madoguchi-restore-test-%d", (int)getpid());
    snprintf(snap_path, sizeof(snap_path), "%s/snap.db", dir);
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf %s && mkdir -p %s", dir, dir);
    if (system(cmd) != 0)
        return -1;
    restore_api_set_opener(test_open, test_close);
    th_user("appadmin", PW, 0);
    th_user("otheradmin", PW, 0);
    th_user("plain", PW, 0);
    app = th_app(FIELDS);
    expect_ok(th_sendq("PUT", "/k/v1/preview/app/status.json", PROCESS, app));
    expect_ok(th_sendq("PUT", "/k/v1/preview/app/acl.json",
                       "{'app':%ld,'rights':["
                       "{'entity':{'type':'CREATOR'},'appEditable':true,'recordViewable':true,"
                       "'recordAddable':true,'recordEditable':true,'recordDeletable':true},"
                       "{'entity':{'type':'USER','code':'appadmin'},'appEditable':true,"
                       "'recordViewable':true,'recordEditable':true},"
                       "{'entity':{'type':'USER','code':'plain'},'recordViewable':true,"
                       "'recordEditable':true}]}",
                       app));
    expect_ok(th_send("POST", "/k/v1/preview/app/deploy.json", "{\"apps\":[{\"app\":%ld}]}", app));
    other_app = th_app(FIELDS);
    expect_ok(th_sendq("PUT", "/k/v1/preview/app/acl.json",
                       "{'app':%ld,'rights':["
                       "{'entity':{'type':'CREATOR'},'appEditable':true,'recordViewable':true},"
                       "{'entity':{'type':'USER','code':'otheradmin'},'appEditable':true,"
                       "'recordViewable':true}]}",
                       other_app));
    expect_ok(
        th_send("POST", "/k/v1/preview/app/deploy.json", "{\"apps\":[{\"app\":%ld}]}", other_app));
    return 0;
}

static int
teardown(void **state)
{
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd) != 0)
        return -1;
    json_decref(stored_blobs);
    stored_blobs = NULL;
    restore_api_set_opener(NULL, NULL);
    return th_teardown(state);
}

/* A record whose every row and whose attachment's blob are gone from live. */
static void
test_record_gone_restored(void **state)
{
    (void)state;
    long id = add_record(app, "消える申請", upload("申請書.txt", "the attachment body"));
    expect_ok(th_sendq("POST", "/k/v1/record/comment.json",
                       "{'app':%ld,'record':%ld,'comment':{'text':'確認しました'}}", app, id));
    expect_ok(th_sendq("PUT", "/k/v1/record.json",
                       "{'app':%ld,'id':%ld,'record':{'n':{'value':'8'}}}", app, id));
    assert_string_equal(field_of(app, id, "record.ステータス.value"), "未処理");
    int64_t revs = count_sql("SELECT COUNT(*) FROM record_revisions WHERE app_id = $1 AND "
                             "record_id = $2",
                             app, id);
    take_backup();

    /* gone: completed, then its rows purged and the blob collected */
    expect_ok(th_sendq("PUT", "/k/v1/record/status.json",
                       "{'app':%ld,'id':%ld,'action':'完了にする'}", app, id));
    /* the upload's own files row too (unattached uploads also hold the blob) */
    exec_sql("DELETE FROM files WHERE blob_hash IN (SELECT blob_hash FROM files WHERE app_id = $1 "
             "AND record_id = $2) AND (record_id IS NULL OR record_id <> $2)",
             app, id);
    const char *tables[] = { "files", "comments", "record_revisions", "record_unique",
                             "wf_approvals", "opinions", "inbox" };
    for (size_t i = 0; i < sizeof(tables) / sizeof(*tables); i++) {
        char sql[200];
        snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE app_id = $1 AND record_id = $2", tables[i]);
        exec_sql(sql, app, id);
    }
    exec_sql("DELETE FROM records WHERE app_id = $1 AND id = $2", app, id);
    struct arena *a = arena_new();
    struct fail f;
    struct ctx c;
    int64_t deleted = 0;
    assert_int_equal(blob_delete_unreferenced(sys_ctx(&c, &f, a), &deleted), ERR_OK);
    assert_true(deleted >= 1);
    arena_free(a);
    assert_null(field_of(app, id, "record.title.value"));

    const struct th_resp *r =
        as(TH_USER, "/api/restore/preview.json", "{'backup':'snap-1','app':%ld,'record':%ld}", app, id);
    expect_ok(r);
    assert_string_equal(th_str(r->json, "state"), "absent_in_live");
    assert_true(json_is_true(th_at(r->json, "absentInLive")));
    assert_int_equal(json_integer_value(th_at(r->json, "commentsAdded")), 1);
    assert_int_equal(json_integer_value(th_at(r->json, "filesAdded")), 1);
    assert_int_equal(json_integer_value(th_at(r->json, "blobsMissing")), 1);
    /* the preview wrote nothing */
    assert_null(field_of(app, id, "record.title.value"));

    r = as(TH_USER, "/api/restore.json", "{'backup':'snap-1','app':%ld,'record':%ld}", app, id);
    expect_ok(r);
    long rev = atol(th_str(r->json, "revision"));
    assert_int_equal(rev, revs + 1);
    assert_string_equal(field_of(app, id, "record.title.value"), "消える申請");
    assert_string_equal(field_of(app, id, "record.n.value"), "8");
    char idtext[32];
    snprintf(idtext, sizeof(idtext), "%ld", id);
    assert_string_equal(field_of(app, id, "record.$id.value"), idtext);
    assert_string_equal(field_of(app, id, "record.ステータス.value"), "未処理");
    assert_string_equal(field_of(app, id, "record.作業者.value.0.code"), "admin");
    r = th_getf("/k/v1/record/comments.json?app=%ld&record=%ld", app, id);
    expect_ok(r);
    assert_string_equal(th_str(r->json, "comments.0.text"), "確認しました");
    /* history: every old revision and the restore on top */
    assert_int_equal(count_sql("SELECT COUNT(*) FROM record_revisions WHERE app_id = $1 AND "
                               "record_id = $2",
                               app, id),
                     revs + 1);
    assert_int_equal(count_sql("SELECT COUNT(*) FROM record_revisions WHERE app_id = $1 AND "
                               "record_id = $2 AND action = 'restore' AND detail LIKE '%snap-1%'",
                               app, id),
                     1);
    /* the attachment downloads again */
    r = th_getf("/k/v1/record.json?app=%ld&id=%ld", app, id);
    char key[128];
    snprintf(key, sizeof(key), "%s", th_str(r->json, "record.att.value.0.fileKey"));
    r = th_getf("/k/v1/file.json?fileKey=%s", key);
    expect_ok(r);
    assert_int_equal(r->len, strlen("the attachment body"));
    assert_memory_equal(r->body, "the attachment body", r->len);
    /* audited: who, what, from which backup taken when */
    assert_int_equal(count_sql("SELECT COUNT(*) FROM audit_log WHERE action = 'record.restore' "
                               "AND actor = 'admin' AND detail LIKE '%snap-1%' AND detail LIKE "
                               "'%1775001600%'",
                               0, 0),
                     1);
}

/* Soft-deleted and changed records; the preview shows the differences. */
static void
test_changed_and_deleted(void **state)
{
    (void)state;
    long id = add_record(app, "変更前", NULL);
    long del = add_record(app, "削除される", NULL);
    take_backup();
    expect_ok(th_sendq("PUT", "/k/v1/record.json",
                       "{'app':%ld,'id':%ld,'record':{'title':{'value':'誤って変更'}}}", app, id));
    expect_ok(th_sendq("PUT", "/k/v1/record/status.json",
                       "{'app':%ld,'id':%ld,'action':'完了にする'}", app, id));
    expect_ok(th_sendq("DELETE", "/k/v1/records.json", "{'app':%ld,'ids':[%ld]}", app, del));

    const struct th_resp *r =
        as(TH_USER, "/api/restore/preview.json", "{'backup':'snap-1','app':%ld,'record':%ld}", app, id);
    expect_ok(r);
    assert_string_equal(th_str(r->json, "state"), "changed");
    assert_int_equal(th_count(r->json, "fields"), 1);
    assert_string_equal(th_str(r->json, "fields.0.code"), "title");
    assert_string_equal(th_str(r->json, "fields.0.label"), "件名");
    assert_string_equal(th_str(r->json, "fields.0.from"), "誤って変更");
    assert_string_equal(th_str(r->json, "fields.0.to"), "変更前");
    assert_string_equal(th_str(r->json, "status.from"), "完了");
    assert_string_equal(th_str(r->json, "status.to"), "未処理");
    assert_string_equal(th_str(r->json, "assignees.to.0"), "admin");

    r = as(TH_USER, "/api/restore.json", "{'backup':'snap-1','app':%ld,'record':%ld}", app, id);
    expect_ok(r);
    long rev = atol(th_str(r->json, "revision"));
    assert_string_equal(field_of(app, id, "record.title.value"), "変更前");
    assert_string_equal(field_of(app, id, "record.ステータス.value"), "未処理");
    /* the restore is itself undoable: revert to the revision before it */
    r = th_sendq("POST", "/k/v1/record/revert.json", "{'app':%ld,'id':%ld,'revision':%ld}", app,
                 id, rev - 1);
    expect_ok(r);
    assert_string_equal(field_of(app, id, "record.title.value"), "誤って変更");

    r = as(TH_USER, "/api/restore/preview.json", "{'backup':'snap-1','app':%ld,'record':%ld}", app,
           del);
    expect_ok(r);
    assert_string_equal(th_str(r->json, "state"), "deleted_in_live");
    r = as(TH_USER, "/api/restore.json", "{'backup':'snap-1','app':%ld,'record':%ld}", app, del);
    expect_ok(r);
    assert_string_equal(field_of(app, del, "record.title.value"), "削除される");
}

/* The existing revert refuses a deleted record; the restore API brings it back at a revision. */
static void
test_revision_restore(void **state)
{
    (void)state;
    long id = add_record(app, "版1", NULL);
    expect_ok(th_sendq("PUT", "/k/v1/record.json",
                       "{'app':%ld,'id':%ld,'record':{'title':{'value':'版2'}}}", app, id));
    expect_ok(th_sendq("DELETE", "/k/v1/records.json", "{'app':%ld,'ids':[%ld]}", app, id));
    const struct th_resp *r = th_sendq("POST", "/k/v1/record/revert.json",
                                       "{'app':%ld,'id':%ld,'revision':1}", app, id);
    assert_int_equal(r->status, 400);
    r = as(TH_USER, "/api/restore/preview.json", "{'app':%ld,'record':%ld,'revision':1}", app, id);
    expect_ok(r);
    assert_string_equal(th_str(r->json, "state"), "deleted_in_live");
    assert_string_equal(th_str(r->json, "fields.0.to"), "版1");
    r = as("appadmin", "/api/restore.json", "{'app':%ld,'record':%ld,'revision':1}", app, id);
    expect_ok(r);
    assert_int_equal(atol(th_str(r->json, "revision")), 4);
    assert_string_equal(field_of(app, id, "record.title.value"), "版1");
    r = as(TH_USER, "/api/restore.json", "{'app':%ld,'record':%ld,'revision':99}", app, id);
    TH_EXPECT_STATUS(404);
}

static void
test_permissions_and_errors(void **state)
{
    (void)state;
    long id = add_record(app, "権限", NULL);
    take_backup();
#define BODY "{'backup':'snap-1','app':%ld,'record':%ld}"
    /* the app's administrator may restore one record, not the app */
    expect_ok(as("appadmin", "/api/restore/preview.json", BODY, app, id));
    /* the preview shows only fields the caller may view; the hidden differences are counted */
    expect_ok(th_sendq("PUT", "/k/v1/record.json", "{'app':%ld,'id':%ld,'record':{'n':{'value':'8'}}}",
                       app, id));
    expect_ok(th_sendq("PUT", "/k/v1/preview/field/acl.json",
                       "{'app':%ld,'rights':[{'code':'n','entities':["
                       "{'accessibility':'NONE','entity':{'type':'USER','code':'appadmin'}},"
                       "{'accessibility':'WRITE','entity':{'type':'GROUP','code':'everyone'}}]}]}",
                       app));
    expect_ok(th_sendq("POST", "/k/v1/preview/app/deploy.json", "{'apps':[{'app':%ld}]}", app));
    const struct th_resp *pv = as("appadmin", "/api/restore/preview.json", BODY, app, id);
    expect_ok(pv);
    assert_int_equal(json_array_size(json_object_get(pv->json, "fields")), 0);
    assert_int_equal(json_integer_value(json_object_get(pv->json, "hiddenFields")), 1);
    assert_null(strstr(pv->body, "\"8\""));
    pv = as(TH_USER, "/api/restore/preview.json", BODY, app, id);
    expect_ok(pv);
    assert_string_equal(th_str(pv->json, "fields.0.code"), "n");
    assert_int_equal(json_integer_value(json_object_get(pv->json, "hiddenFields")), 0);
    expect_ok(th_sendq("PUT", "/k/v1/preview/field/acl.json", "{'app':%ld,'rights':[]}", app));
    expect_ok(th_sendq("POST", "/k/v1/preview/app/deploy.json", "{'apps':[{'app':%ld}]}", app));
    expect_ok(th_sendq("PUT", "/k/v1/record.json", "{'app':%ld,'id':%ld,'record':{'n':{'value':'7'}}}",
                       app, id));
    const struct th_resp *r = as("appadmin", "/api/restore/preview.json",
                                 "{'backup':'snap-1','app':%ld}", app);
    TH_EXPECT_ERROR(403, "CB_NO02");
    /* no manage right / another app's administrator */
    r = as("plain", "/api/restore.json", BODY, app, id);
    TH_EXPECT_ERROR(403, "CB_NO02");
    r = as("otheradmin", "/api/restore.json", BODY, app, id);
    TH_EXPECT_ERROR(403, "CB_NO02");
    /* ... who passes for their own app, where the backup has no such record */
    r = as("otheradmin", "/api/restore/preview.json", "{'backup':'snap-1','app':%ld,'record':%d}",
           other_app, 1);
    TH_EXPECT_STATUS(404);
    /* unknown backup, app, record; bad bodies */
    r = as(TH_USER, "/api/restore/preview.json", "{'backup':'nope','app':%ld,'record':%ld}", app, id);
    TH_EXPECT_STATUS(404);
    assert_non_null(strstr(th_str(r->json, "message"), "バックアップ"));
    r = as(TH_USER, "/api/restore/preview.json", "{'backup':'snap-1','app':%d}", 9999);
    TH_EXPECT_STATUS(404);
    r = as(TH_USER, "/api/restore/preview.json", "{'backup':'snap-1','app':%ld,'record':%d}", app,
           99999);
    TH_EXPECT_STATUS(404);
    assert_non_null(strstr(th_str(r->json, "message"), "99999"));
    r = as(TH_USER, "/api/restore.json", "{'backup':'snap-1'}%s", "");
    TH_EXPECT_STATUS(400);
    r = as(TH_USER, "/api/restore.json", "{'backup':'snap-1','app':'x'}%s", "");
    TH_EXPECT_STATUS(400);
    r = as(TH_USER, "/api/restore.json", "{'app':%ld}", app);
    TH_EXPECT_STATUS(400);
    r = as(TH_USER, "/api/restore.json", "{'backup':'snap-1','app':%ld,'record':1,'revision':1}",
           app);
    TH_EXPECT_STATUS(400);
    r = as(TH_USER, "/api/restore.json", "{not json%s", "");
    TH_EXPECT_STATUS(400);

    /* a failed restore changes nothing: the unique title is taken by another record since */
    expect_ok(th_sendq("PUT", "/k/v1/record.json",
                       "{'app':%ld,'id':%ld,'record':{'title':{'value':'権限2'}}}", app, id));
    long taker = add_record(app, "権限", NULL);
    (void)taker;
    int64_t revs = count_sql("SELECT COUNT(*) FROM record_revisions WHERE app_id = $1", app, 0);
    r = as(TH_USER, "/api/restore.json", BODY, app, id);
    TH_EXPECT_STATUS(400);
    assert_string_equal(field_of(app, id, "record.title.value"), "権限2");
    assert_int_equal(count_sql("SELECT COUNT(*) FROM record_revisions WHERE app_id = $1", app, 0),
                     revs);
}

static void
test_app_restore(void **state)
{
    (void)state;
    big_app = th_app(FIELDS);
    char *buf = malloc(200000);
    for (int k = 0; k < 3; k++) {
        size_t n = (size_t)snprintf(buf, 200000, "{\"app\":%ld,\"records\":[", big_app);
        for (int i = 0; i < 100; i++)
            n += (size_t)snprintf(buf + n, 200000 - n, "%s{\"title\":{\"value\":\"件%d\"}}",
                                  i ? "," : "", k * 100 + i);
        snprintf(buf + n, 200000 - n, "]}");
        expect_ok(th_request("POST", "/k/v1/records.json", buf, NULL, 1));
    }
    free(buf);
    take_backup();
    /* after the backup: 10 changed (two swapping their unique titles), 5 deleted, 1 new, and the
     * app renamed */
    for (long id = 1; id <= 10; id++)
        expect_ok(th_sendq("PUT", "/k/v1/record.json",
                           "{'app':%ld,'id':%ld,'record':{'title':{'value':'変更%ld'}}}", big_app,
                           id, id));
    expect_ok(th_sendq("PUT", "/k/v1/record.json",
                       "{'app':%ld,'id':11,'record':{'title':{'value':'件11x'}}}", big_app));
    expect_ok(th_sendq("PUT", "/k/v1/record.json",
                       "{'app':%ld,'id':12,'record':{'title':{'value':'件10'}}}", big_app));
    expect_ok(th_sendq("PUT", "/k/v1/record.json",
                       "{'app':%ld,'id':11,'record':{'title':{'value':'件11'}}}", big_app));
    expect_ok(th_sendq("DELETE", "/k/v1/records.json", "{'app':%ld,'ids':[100,101,102,103,104]}",
                       big_app));
    long late = add_record(big_app, "後から", NULL);
    expect_ok(th_sendq("PUT", "/k/v1/preview/app/settings.json", "{'app':%ld,'name':'改名'}",
                       big_app));
    expect_ok(th_sendq("POST", "/k/v1/preview/app/form/fields.json",
                       "{'app':%ld,'properties':{'extra':{'type':'SINGLE_LINE_TEXT','code':'extra',"
                       "'label':'後から'}}}",
                       big_app));
    /* record 200's rows gone altogether */
    int64_t revs200 = count_sql("SELECT COUNT(*) FROM record_revisions WHERE app_id = $1 AND "
                                "record_id = 200",
                                big_app, 0);
    exec_sql("DELETE FROM record_revisions WHERE app_id = $1 AND record_id = 200", big_app, 0);
    exec_sql("DELETE FROM record_unique WHERE app_id = $1 AND record_id = 200", big_app, 0);
    exec_sql("DELETE FROM records WHERE app_id = $1 AND id = 200", big_app, 0);
    expect_ok(
        th_send("POST", "/k/v1/preview/app/deploy.json", "{\"apps\":[{\"app\":%ld}]}", big_app));

    const struct th_resp *r =
        as(TH_USER, "/api/restore/preview.json", "{'backup':'snap-1','app':%ld}", big_app);
    expect_ok(r);
    assert_int_equal(json_integer_value(th_at(r->json, "records.changed")), 12);
    assert_int_equal(json_integer_value(th_at(r->json, "records.added")), 6);
    assert_int_equal(json_integer_value(th_at(r->json, "records.removed")), 1);
    assert_int_equal(json_integer_value(th_at(r->json, "records.unchanged")), 300 - 18);
    assert_string_equal(th_str(r->json, "definition.fieldsRemoved.0"), "extra");
    assert_true(json_is_true(th_at(r->json, "definition.changed")));
    assert_string_equal(th_str(r->json, "definition.name.from"), "改名");
    char old_name[128];
    snprintf(old_name, sizeof(old_name), "%s", th_str(r->json, "definition.name.to"));

    r = as(TH_USER, "/api/restore.json", "{'backup':'snap-1','app':%ld}", big_app);
    expect_ok(r);
    assert_int_equal(json_integer_value(th_at(r->json, "changed")), 12);
    assert_string_equal(field_of(big_app, 1, "record.title.value"), "件0");
    assert_string_equal(field_of(big_app, 11, "record.title.value"), "件10");
    assert_string_equal(field_of(big_app, 12, "record.title.value"), "件11");
    assert_string_equal(field_of(big_app, 101, "record.title.value"), "件100");
    assert_string_equal(field_of(big_app, 200, "record.title.value"), "件199");
    assert_int_equal(count_sql("SELECT COUNT(*) FROM record_revisions WHERE app_id = $1 AND "
                               "record_id = 200",
                               big_app, 0),
                     revs200 + 1);
    r = th_getf("/k/v1/app/form/fields.json?app=%ld", big_app);
    expect_ok(r);
    assert_null(th_at(r->json, "properties.extra"));
    assert_null(field_of(big_app, late, "record.title.value"));
    r = th_getf("/k/v1/app.json?id=%ld", big_app);
    assert_string_equal(th_str(r->json, "name"), old_name);
    r = th_getf("/k/v1/records.json?app=%ld&totalCount=true", big_app);
    assert_string_equal(th_str(r->json, "totalCount"), "300");
    /* the search index follows the restored values */
    r = th_getf("/k/v1/records.json?app=%ld&totalCount=true&query=%s", big_app,
                "title%20like%20%22%E5%A4%89%E6%9B%B4%22"); /* title like "変更" */
    expect_ok(r);
    assert_string_equal(th_str(r->json, "totalCount"), "0");
    r = th_getf("/k/v1/records.json?app=%ld&totalCount=true&query=%s", big_app,
                "title%20like%20%22%E4%BB%B6100%22"); /* title like "件100" */
    expect_ok(r);
    assert_string_equal(th_str(r->json, "totalCount"), "1");
    assert_int_equal(count_sql("SELECT COUNT(*) FROM audit_log WHERE action = 'app.restore' AND "
                               "detail LIKE '%snap-1%'",
                               0, 0),
                     1);
    /* a new record gets a fresh number */
    long next = add_record(big_app, "復元後", NULL);
    assert_true(next > late);
}

/* Through a real archive: backup_run, then the server's own opener (restore_api_configure). */
static void
test_real_archive(void **state)
{
    (void)state;
    long id = add_record(app, "アーカイブから", upload("a.txt", "archived attachment"));
    char keyfile[300], bdir[300];
    snprintf(keyfile, sizeof(keyfile), "%s/backup.key", dir);
    snprintf(bdir, sizeof(bdir), "%s/backups", dir);
    unsigned char raw[32];
    randombytes_buf(raw, sizeof(raw));
    int fd = open(keyfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, raw, sizeof(raw)), (long)sizeof(raw));
    close(fd);
    struct arena *a = arena_new();
    struct fail f;
    struct ctx c;
    struct sec_key *bkey = NULL;
    sys_ctx(&c, &f, a);
    assert_int_equal(backup_key_load(keyfile, &bkey, &f), ERR_OK);
    struct backup_opts o = { .dir = bdir, .bkey = bkey, .master = th_key() };
    struct backup_result res;
    if (backup_run(&c, &o, &res) != ERR_OK)
        fprintf(stderr, "backup_run: %s\n", f.message);
    char id_text[256];
    snprintf(id_text, sizeof(id_text), "%s", res.id);
    sec_key_free(bkey);
    arena_free(a);

    expect_ok(th_sendq("PUT", "/k/v1/record.json",
                       "{'app':%ld,'id':%ld,'record':{'title':{'value':'誤り'},'att':{'value':[]}}}",
                       app, id));
    restore_api_set_opener(NULL, NULL);
    restore_api_configure(bdir, keyfile, dir);
    const struct th_resp *r = as(TH_USER, "/api/restore/preview.json",
                                 "{'backup':'%s','app':%ld,'record':%ld}", id_text, app, id);
    expect_ok(r);
    assert_string_equal(th_str(r->json, "backup.id"), id_text);
    assert_string_equal(th_str(r->json, "fields.0.to"), "アーカイブから");
    r = as(TH_USER, "/api/restore.json", "{'backup':'%s','app':%ld,'record':%ld}", id_text, app, id);
    expect_ok(r);
    assert_string_equal(field_of(app, id, "record.title.value"), "アーカイブから");
    r = th_getf("/k/v1/record.json?app=%ld&id=%ld", app, id);
    char key[128];
    snprintf(key, sizeof(key), "%s", th_str(r->json, "record.att.value.0.fileKey"));
    r = th_getf("/k/v1/file.json?fileKey=%s", key);
    expect_ok(r);
    assert_memory_equal(r->body, "archived attachment", r->len);
    /* unknown ids and paths are one 404 */
    r = as(TH_USER, "/api/restore/preview.json", "{'backup':'nope.mbk','app':%ld,'record':%ld}",
           app, id);
    TH_EXPECT_STATUS(404);
    r = as(TH_USER, "/api/restore/preview.json",
           "{'backup':'../backups/%s','app':%ld,'record':%ld}", id_text, app, id);
    TH_EXPECT_STATUS(404);
    restore_api_configure(NULL, NULL, NULL);
    restore_api_set_opener(test_open, test_close);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_gone_restored),
        cmocka_unit_test(test_changed_and_deleted),
        cmocka_unit_test(test_revision_restore),
        cmocka_unit_test(test_permissions_and_errors),
        cmocka_unit_test(test_app_restore),
        cmocka_unit_test(test_real_archive),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
