/* Snapshots (src/jobs/snapshot.h) on the harness's backend (SQLite, or PostgreSQL with
 * TEST_PG_DSN): every live table is either in a snapshot or deliberately transient; export then
 * count; export → change live → import gives back exactly the exported rows (and PostgreSQL
 * sequences hand out fresh ids afterwards); a write committed during an export is not in it;
 * a newer schema is refused and a failing import leaves live as it was. */
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
#include "core/arena.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "jobs/snapshot.h"

static long app;
static char dir[128];

static const char *
tmp_path(const char *name)
{
    static char buf[4][256];
    static int k;
    char *p = buf[k++ % 4];
    snprintf(p, 256, "%s/%s", dir, name);
    return p;
}

static int
setup(void **state)
{
    th_setup(state);
    snprintf(dir, sizeof(dir), "/tmp/madoguchi-snap-test-%d", (int)getpid());
    char cmd[200];
    snprintf(cmd, sizeof(cmd), "rm -rf %s && mkdir -p %s", dir, dir);
    if (system(cmd) != 0)
        return -1;
    app = th_app("{\"title\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"title\",\"label\":\"件名\"},"
                 "\"n\":{\"type\":\"NUMBER\",\"code\":\"n\",\"label\":\"数\"}}");
    for (int i = 0; i < 20; i++) {
        const struct th_resp *r = th_send("POST", "/k/v1/record.json",
                                          "{\"app\":%ld,\"record\":{\"title\":{\"value\":\"件名 %d "
                                          "'quoted'\"},\"n\":{\"value\":\"%d.5\"}}}",
                                          app, i, i);
        assert_int_equal(r->status, 200);
    }
    const struct th_resp *r =
        th_send("POST", "/k/v1/record/comment.json",
                "{\"app\":%ld,\"record\":1,\"comment\":{\"text\":\"確認お願いします\"}}", app);
    assert_int_equal(r->status, 200);
    return 0;
}

static int
teardown(void **state)
{
    char cmd[200];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd) != 0)
        return -1;
    return th_teardown(state);
}

/* Every row of every snapshot table of db, ordered by all columns, as one text. */
static char *
dump(struct db *db, struct arena *a)
{
    struct strbuf sb;
    strbuf_init(&sb, a, 0);
    size_t nt;
    const char *const *t = snap_tables(&nt);
    for (size_t i = 0; i < nt; i++) {
        struct db_res *r = NULL;
        char sql[200];
        snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"", t[i]);
        assert_int_equal(db_query(db, sql, NULL, 0, &r), DB_OK);
        int nc = db_ncols(r);
        db_res_free(r);
        struct strbuf q;
        strbuf_init(&q, a, 0);
        strbuf_addf(&q, "SELECT * FROM \"%s\" ORDER BY ", t[i]);
        for (int c = 1; c <= nc; c++)
            strbuf_addf(&q, c > 1 ? ",%d" : "%d", c);
        assert_int_equal(db_query(db, q.buf, NULL, 0, &r), DB_OK);
        strbuf_addf(&sb, "[%s]\n", t[i]);
        while (db_step(r) == 1) {
            for (int c = 0; c < nc; c++) {
                /* blobs.data never travels; REAL prints the same on both sides */
                if (strcmp(t[i], "blobs") == 0 && c == nc - 1)
                    continue;
                if (db_col_type(r, c) == DB_T_REAL)
                    strbuf_addf(&sb, "%g|", db_col_real(r, c));
                else
                    strbuf_addf(&sb, "%s%s|", db_col_null(r, c) ? "∅" : "", db_col_text(r, c));
            }
            strbuf_addc(&sb, '\n');
        }
        db_res_free(r);
    }
    return sb.buf;
}

static int64_t
count_of(const struct snap_count *c, size_t n, const char *table)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(c[i].table, table) == 0)
            return c[i].rows;
    return -1;
}

static void
test_tables_cover_schema(void **state)
{
    (void)state;
    const char *q = strcmp(th_backend(), "sqlite") == 0
                        ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                          "'sqlite_%' AND name NOT LIKE 'record_search_%'"
                        : "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                          "current_schema() AND table_type = 'BASE TABLE'";
    static const char *const transient[] = { "sessions", "applicant_sessions", "cursors",
                                             "cursor_rows", "schema_version" };
    struct db_res *r = NULL;
    assert_int_equal(db_query(th_db(), q, NULL, 0, &r), DB_OK);
    size_t nt;
    const char *const *t = snap_tables(&nt);
    int seen = 0;
    while (db_step(r) == 1) {
        const char *name = db_col_text(r, 0);
        int found = 0;
        for (size_t i = 0; i < nt; i++)
            found |= strcmp(t[i], name) == 0;
        for (size_t i = 0; i < sizeof(transient) / sizeof(*transient); i++)
            found |= strcmp(transient[i], name) == 0;
        if (!found)
            fprintf(stderr, "table %s is neither in a snapshot nor transient\n", name);
        assert_true(found);
        seen++;
    }
    db_res_free(r);
    assert_true(seen >= (int)nt);
}

static void
test_export_count_import(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct fail f;
    fail_init(&f, a, LANG_JA);
    struct snap_count *c = NULL, *c2 = NULL;
    size_t n = 0, n2 = 0;
    const char *p = tmp_path("one.db");
    assert_int_equal(snap_export(th_db(), p, a, &c, &n, &f), ERR_OK);
    assert_int_equal(access(tmp_path("one.db.tmp"), F_OK), -1);
    assert_int_equal(count_of(c, n, "records"), 20);
    assert_int_equal(count_of(c, n, "comments"), 1);
    assert_true(count_of(c, n, "audit_log") > 0);
    assert_int_equal(count_of(c, n, "sessions"), -1);
    /* a second export to the same path is refused */
    assert_int_equal(snap_export(th_db(), p, a, &c2, &n2, &f), ERR_INVALID);

    assert_int_equal(snap_count_rows(p, a, &c2, &n2, &f), ERR_OK);
    assert_int_equal(n2, n);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(c[i].table, c2[i].table);
        assert_int_equal(c[i].rows, c2[i].rows);
    }
    char *before = dump(th_db(), a);

    /* live moves on: a record more, one deleted, a comment more, a new app */
    const struct th_resp *r = th_send("POST", "/k/v1/record.json",
                                      "{\"app\":%ld,\"record\":{\"title\":{\"value\":\"後\"}}}", app);
    assert_int_equal(r->status, 200);
    r = th_send("DELETE", "/k/v1/records.json", "{\"app\":%ld,\"ids\":[2]}", app);
    assert_int_equal(r->status, 200);
    th_app("{}");
    assert_string_not_equal(dump(th_db(), a), before);

    assert_int_equal(snap_import(th_db(), p, &f), ERR_OK);
    char *after = dump(th_db(), a);
    if (strcmp(before, after) != 0)
        fprintf(stderr, "BEFORE\n%s\nAFTER\n%s\n", before, after);
    assert_string_equal(before, after);

    /* live works after it: new rows get fresh ids (PostgreSQL sequences moved) */
    r = th_send("POST", "/k/v1/record.json",
                "{\"app\":%ld,\"record\":{\"title\":{\"value\":\"復元後\"}}}", app);
    assert_int_equal(r->status, 200);
    assert_string_equal(th_str(r->json, "id"), "21");
    long other = th_app("{}");
    assert_true(other > app);
    /* the search index came back usable: a changed title is found by its new text only */
    r = th_send("PUT", "/k/v1/record.json",
                "{\"app\":%ld,\"id\":3,\"record\":{\"title\":{\"value\":\"差し替え\"}}}", app);
    assert_int_equal(r->status, 200);
    r = th_getf("/k/v1/records.json?app=%ld&totalCount=true&query=%s", app,
                "title%20like%20%22%E4%BB%B6%E5%90%8D%202%20%22"); /* title like "件名 2 " */
    assert_int_equal(r->status, 200);
    assert_string_equal(th_str(r->json, "totalCount"), "0");
    r = th_getf("/k/v1/records.json?app=%ld&totalCount=true&query=%s", app,
                "title%20like%20%22%E5%B7%AE%E3%81%97%E6%9B%BF%22"); /* title like "差し替" */
    assert_string_equal(th_str(r->json, "totalCount"), "1");
    /* ... and the old text's rows are gone, not left behind (SQLite finds them by rowid) */
    int64_t rows = 0;
    bool found = false;
    struct db_param q[] = { DBP_INT(app) };
    assert_int_equal(db_query_int(th_db(),
                                  "SELECT COUNT(*) FROM record_search WHERE app_id = $1 AND "
                                  "record_id = 3",
                                  q, 1, &rows, &found),
                     DB_OK);
    assert_int_equal(rows, 1);
    r = th_send("POST", "/k/v1/record/comment.json",
                "{\"app\":%ld,\"record\":1,\"comment\":{\"text\":\"二つ目\"}}", app);
    assert_int_equal(r->status, 200);
    arena_free(a);
}

/* The hook runs inside the export's read transaction: another connection commits a write. */
static void
write_elsewhere(void *arg)
{
    const char *url = arg;
    struct db *db2 = NULL;
    char *err = NULL;
    assert_int_equal(db_open(url, &db2, &err), DB_OK);
    assert_int_equal(db_exec(db2, "INSERT INTO settings (key, value) VALUES ('during', 'x')",
                             NULL, 0, NULL),
                     DB_OK);
    db_close(db2);
}

static void
test_concurrent_write_not_seen(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct fail f;
    fail_init(&f, a, LANG_JA);
    const char *dsn = getenv("TEST_PG_DSN");
    /* SQLite: the harness's database is :memory:, so this one is a file of its own */
    const char *url = dsn ? dsn : tmp_path("live.db");
    struct db *live = NULL;
    char *err = NULL;
    if (dsn) {
        live = th_db();
    } else {
        assert_int_equal(db_open(url, &live, &err), DB_OK);
        assert_int_equal(db_migrate(live, &err), DB_OK);
    }
    snap_test_hook = write_elsewhere;
    snap_test_arg = (void *)url;
    struct snap_count *c = NULL;
    size_t n = 0;
    const char *p = tmp_path("during.db");
    enum err e = snap_export(live, p, a, &c, &n, &f);
    snap_test_hook = NULL;
    assert_int_equal(e, ERR_OK);
    int64_t v = 0;
    bool found = false;
    struct db *snap = NULL;
    assert_int_equal(db_open(p, &snap, &err), DB_OK);
    assert_int_equal(db_query_int(snap, "SELECT COUNT(*) FROM settings WHERE key = 'during'", NULL,
                                  0, &v, &found),
                     DB_OK);
    assert_int_equal(v, 0);
    db_close(snap);
    /* but it is in live */
    assert_int_equal(db_query_int(live, "SELECT COUNT(*) FROM settings WHERE key = 'during'", NULL,
                                  0, &v, &found),
                     DB_OK);
    assert_int_equal(v, 1);
    assert_int_equal(db_exec(live, "DELETE FROM settings WHERE key = 'during'", NULL, 0, NULL),
                     DB_OK);
    if (!dsn)
        db_close(live);
    arena_free(a);
}

static void
test_newer_schema_and_failed_import(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct fail f;
    fail_init(&f, a, LANG_JA);
    struct snap_count *c = NULL;
    size_t n = 0;
    const char *p = tmp_path("newer.db"), *q = tmp_path("broken.db");
    assert_int_equal(snap_export(th_db(), p, a, &c, &n, &f), ERR_OK);
    assert_int_equal(snap_export(th_db(), q, a, &c, &n, &f), ERR_OK);
    char *before = dump(th_db(), a);

    struct db *snap = NULL;
    char *err = NULL;
    assert_int_equal(db_open(p, &snap, &err), DB_OK);
    assert_int_equal(db_exec(snap, "INSERT INTO schema_version (version) VALUES (9999)", NULL, 0,
                             NULL),
                     DB_OK);
    db_close(snap);
    fail_init(&f, a, LANG_JA);
    assert_int_equal(snap_import(th_db(), p, &f), ERR_INVALID);
    assert_non_null(strstr(f.message, "新しい"));

    /* a comment of a record whose app does not exist anywhere: the import fails at the end */
    assert_int_equal(db_open(q, &snap, &err), DB_OK);
    assert_int_equal(db_exec(snap,
                             "PRAGMA foreign_keys=OFF; ", NULL, 0, NULL),
                     DB_OK);
    assert_int_equal(db_exec(snap,
                             "INSERT INTO records (app_id, id, revision, data, creator, created_at, "
                             "modifier, updated_at) VALUES (99999, 1, 1, '{}', 'x', 0, 'x', 0)",
                             NULL, 0, NULL),
                     DB_OK);
    db_close(snap);
    fail_init(&f, a, LANG_JA);
    assert_int_not_equal(snap_import(th_db(), q, &f), ERR_OK);
    assert_false(db_in_tx(th_db()));
    assert_string_equal(dump(th_db(), a), before);
    arena_free(a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables_cover_schema),
        cmocka_unit_test(test_export_count_import),
        cmocka_unit_test(test_concurrent_write_not_seen),
        cmocka_unit_test(test_newer_schema_and_failed_import),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
