/* Unit tests for the search index (src/domain/search.c): rich-text stripping, the text taken
 * from each field type, and the rows search_index_record() writes, replaces and deletes in
 * record_search, on SQLite and, when TEST_PG_DSN is set, on PostgreSQL (fresh public schema). */
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "domain/ctx.h"
#include "domain/search.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const char *props_json = "{"
                                "\"文字列\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"文字列\"},"
                                "\"複数行\":{\"type\":\"MULTI_LINE_TEXT\",\"code\":\"複数行\"},"
                                "\"リッチ\":{\"type\":\"RICH_TEXT\",\"code\":\"リッチ\"},"
                                "\"リンク\":{\"type\":\"LINK\",\"code\":\"リンク\"},"
                                "\"添付\":{\"type\":\"FILE\",\"code\":\"添付\"},"
                                "\"数値\":{\"type\":\"NUMBER\",\"code\":\"数値\"},"
                                "\"選択\":{\"type\":\"DROP_DOWN\",\"code\":\"選択\"},"
                                "\"空\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"空\"},"
                                "\"作成者\":{\"type\":\"CREATOR\",\"code\":\"作成者\"},"
                                "\"明細\":{\"type\":\"SUBTABLE\",\"code\":\"明細\",\"fields\":{"
                                "  \"品名\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"品名\"},"
                                "  \"数量\":{\"type\":\"NUMBER\",\"code\":\"数量\"},"
                                "  \"資料\":{\"type\":\"FILE\",\"code\":\"資料\"}"
                                "}}"
                                "}";

static const char *data_json =
    "{"
    "\"文字列\":\"ＡＢＣ ﾃｽﾄ Mixed\","
    "\"複数行\":\"一行目\\n二行目\","
    "\"リッチ\":\"<div>東京&amp;<b>大阪</b></div><div>&lt;x&gt; &#x41;&#66;&nbsp;&unknown;</div>\","
    "\"リンク\":\"https://Example.com/\","
    "\"添付\":[{\"fileKey\":\"k1\",\"name\":\"見積書.PDF\",\"contentType\":\"a\",\"size\":1},"
    "         {\"fileKey\":\"k2\",\"name\":\"ﾚﾎﾟｰﾄ.docx\",\"contentType\":\"b\",\"size\":2}],"
    "\"数値\":12,"
    "\"選択\":\"a\","
    "\"空\":\" \\t\\u3000\","
    "\"明細\":[{\"id\":1,\"value\":{\"品名\":\"りんご\",\"数量\":1,"
    "             "
    "\"資料\":[{\"fileKey\":\"k3\",\"name\":\"a.txt\",\"contentType\":\"t\",\"size\":1}]}},"
    "         {\"id\":2,\"value\":{\"品名\":\"\",\"数量\":2,\"資料\":[]}},"
    "         {\"id\":3,\"value\":{\"品名\":\"ミカン\",\"数量\":3}}]"
    "}";

struct fx {
    struct arena *arena;
    struct fail fail;
    struct ctx c;
    struct db *db;
    json_t *props, *data;
};

static const char *pg_dsn;

static json_t *
load(const char *s)
{
    json_error_t je;
    json_t *j = json_loads(s, 0, &je);
    if (!j) {
        fprintf(stderr, "json: %s\n", je.text);
        abort();
    }
    return j;
}

static int
setup_db(void **state, const char *url)
{
    static struct fx fx;
    char *err = NULL;
    memset(&fx, 0, sizeof(fx));
    if (db_open(url, &fx.db, &err) != DB_OK) {
        fprintf(stderr, "cannot open %s: %s\n", url, err ? err : "?");
        free(err);
        return -1;
    }
    if (db_kind(fx.db) == DB_PG &&
        db_exec_script(fx.db, "DROP SCHEMA public CASCADE; CREATE SCHEMA public") != DB_OK) {
        fprintf(stderr, "reset schema: %s\n", db_errmsg(fx.db));
        return -1;
    }
    if (db_migrate(fx.db, &err) != DB_OK) {
        fprintf(stderr, "migrate: %s\n", err ? err : "?");
        free(err);
        return -1;
    }
    fx.arena = arena_new();
    fail_init(&fx.fail, fx.arena, LANG_JA);
    fx.c.arena = fx.arena;
    fx.c.fail = &fx.fail;
    fx.c.db = fx.db;
    fx.c.lang = LANG_JA;
    fx.props = load(props_json);
    fx.data = load(data_json);
    *state = &fx;
    return 0;
}

static int
setup_sqlite(void **state)
{
    return setup_db(state, ":memory:");
}

static int
setup_pg(void **state)
{
    return setup_db(state, pg_dsn);
}

static int
teardown_db(void **state)
{
    struct fx *f = *state;
    json_decref(f->props);
    json_decref(f->data);
    arena_free(f->arena);
    db_close(f->db);
    return 0;
}

/* "field=body|field=body" of one record's rows, ordered by field. */
static char *
rows_of(struct fx *f, int64_t app, int64_t rec)
{
    struct db_param p[] = { DBP_INT(app), DBP_INT(rec) };
    struct db_res *res = NULL;
    static char out[4096];
    size_t n = 0;
    out[0] = '\0';
    /* bytewise order on both backends */
    int rc = db_query(f->db,
                      db_kind(f->db) == DB_PG
                          ? "SELECT field, body FROM record_search WHERE app_id = $1 AND"
                            " record_id = $2 ORDER BY field COLLATE \"C\", body COLLATE \"C\""
                          : "SELECT field, body FROM record_search WHERE app_id = $1 AND"
                            " record_id = $2 ORDER BY field, body",
                      p, 2, &res);
    assert_int_equal(rc, DB_OK);
    while (db_step(res) == 1)
        n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s=%s", n ? "|" : "",
                              db_col_text(res, 0), db_col_text(res, 1));
    db_res_free(res);
    return out;
}

static int64_t
count_rows(struct fx *f)
{
    int64_t n = -1;
    bool found;
    assert_int_equal(db_query_int(f->db, "SELECT COUNT(*) FROM record_search", NULL, 0, &n, &found),
                     DB_OK);
    return n;
}

/* ---- pure functions ---- */

static void
test_html_to_text(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    assert_string_equal(search_html_to_text(a, "<div>東京&amp;<b>大阪</b></div>"), "東京&大阪\n");
    assert_string_equal(search_html_to_text(a, "a<br>b<br/>c"), "a\nb\nc");
    assert_string_equal(search_html_to_text(a, "<p><br></p>"), "");
    assert_string_equal(search_html_to_text(a, "&lt;x&gt; &quot;q&quot; &#39;s&#39; &#x41;&#66;"),
                        "<x> \"q\" 's' AB");
    assert_string_equal(search_html_to_text(a, "&#x3042;&#12356;"), "あい");
    assert_string_equal(search_html_to_text(a, "a &unknown; & b &#xZZ; &#0;"),
                        "a &unknown; & b &#xZZ; ");
    assert_string_equal(search_html_to_text(a, "1 < 2 and <!-- note --> 3 > 2"),
                        "1 < 2 and  3 > 2");
    assert_string_equal(search_html_to_text(a, "<span style=\"color:red\">赤</span>字"), "赤字");
    assert_string_equal(search_html_to_text(a, "unterminated <b"), "unterminated <b");
    assert_string_equal(search_html_to_text(a, ""), "");
    arena_free(a);
}

static void
test_field_text(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    json_t *props = load(props_json), *data = load(data_json);
#define TEXT(code) search_field_text(a, json_object_get(props, code), json_object_get(data, code))
    assert_string_equal(TEXT("文字列"), "ＡＢＣ ﾃｽﾄ Mixed");
    assert_string_equal(TEXT("複数行"), "一行目\n二行目");
    assert_string_equal(TEXT("リッチ"), "東京&大阪\n<x> AB &unknown;\n");
    assert_string_equal(TEXT("リンク"), "https://Example.com/");
    assert_string_equal(TEXT("添付"), "見積書.PDF\nﾚﾎﾟｰﾄ.docx");
    assert_null(TEXT("数値"));
    assert_null(TEXT("選択"));
    assert_null(TEXT("空")); /* blank */
    assert_null(TEXT("作成者"));
    assert_null(TEXT("ない"));
#undef TEXT
    json_t *file_no_name = load("[{\"fileKey\":\"k\"}]");
    assert_null(search_field_text(a, json_object_get(props, "添付"), file_no_name));
    json_t *wrong = json_integer(5);
    assert_null(search_field_text(a, json_object_get(props, "文字列"), wrong));
    json_decref(file_no_name);
    json_decref(wrong);
    int64_t lo, hi;
    assert_true(search_sqlite_app_rowids(1, &lo, &hi));
    assert_int_equal(lo, (int64_t)1 << 42);
    assert_int_equal(hi, ((int64_t)2 << 42) - 1);
    assert_false(search_sqlite_app_rowids((int64_t)1 << 21, &lo, &hi));
    assert_false(search_sqlite_app_rowids(-1, &lo, &hi));
    json_decref(props);
    json_decref(data);
    arena_free(a);
}

/* ---- index rows ---- */

static void
test_index_rows(void **state)
{
    struct fx *f = *state;
    assert_int_equal(search_index_record(&f->c, 1, 5, f->props, f->data), ERR_OK);
    /* bodies are NFKC-casefolded; blank and non-text fields get no row; table fields are the
     * rows' values joined under the inner code */
    assert_string_equal(rows_of(f, 1, 5), "リッチ=東京&大阪\n<x> ab &unknown;\n"
                                          "|リンク=https://example.com/"
                                          "|品名=りんご\nミカン"
                                          "|文字列=abc テスト mixed"
                                          "|添付=見積書.pdf\nレポート.docx"
                                          "|複数行=一行目\n二行目"
                                          "|資料=a.txt");
    assert_int_equal(count_rows(f), 7);
}

static void
test_reindex_and_delete(void **state)
{
    struct fx *f = *state;
    json_t *d2 = load("{\"文字列\":\"other\",\"複数行\":\"\"}");
    /* neighbours: the same record id in app 2, the next record of app 1 */
    assert_int_equal(search_index_record(&f->c, 2, 5, f->props, d2), ERR_OK);
    assert_int_equal(search_index_record(&f->c, 1, 6, f->props, d2), ERR_OK);
    assert_int_equal(search_index_record(&f->c, 1, 5, f->props, f->data), ERR_OK);
    assert_int_equal(count_rows(f), 9);
    /* replacing keeps no stale rows */
    assert_int_equal(search_index_record(&f->c, 1, 5, f->props, d2), ERR_OK);
    assert_string_equal(rows_of(f, 1, 5), "文字列=other");
    assert_int_equal(search_index_record(&f->c, 1, 5, f->props, d2), ERR_OK);
    assert_int_equal(count_rows(f), 3);
    /* a record that loses all its text loses all its rows */
    json_t *empty = json_object();
    assert_int_equal(search_index_record(&f->c, 1, 5, f->props, empty), ERR_OK);
    assert_string_equal(rows_of(f, 1, 5), "");
    json_decref(empty);
    assert_int_equal(search_index_record(&f->c, 1, 5, f->props, f->data), ERR_OK);
    assert_int_equal(search_delete_record(&f->c, 1, 5), ERR_OK);
    assert_string_equal(rows_of(f, 1, 5), "");
    assert_string_equal(rows_of(f, 2, 5), "文字列=other");
    assert_string_equal(rows_of(f, 1, 6), "文字列=other");
    assert_int_equal(search_delete_record(&f->c, 1, 5), ERR_OK); /* nothing left: fine */
    assert_int_equal(search_delete_record(&f->c, 2, 5), ERR_OK);
    assert_int_equal(search_delete_record(&f->c, 1, 6), ERR_OK);
    assert_int_equal(count_rows(f), 0);
    /* inside a transaction that rolls back, nothing changes */
    assert_int_equal(db_begin(f->db, true), DB_OK);
    assert_int_equal(search_index_record(&f->c, 1, 7, f->props, f->data), ERR_OK);
    assert_int_equal(db_rollback(f->db), DB_OK);
    assert_int_equal(count_rows(f), 0);
    json_decref(d2);
}

static void
test_id_limits(void **state)
{
    struct fx *f = *state;
    enum err want = db_kind(f->db) == DB_SQLITE ? ERR_INTERNAL : ERR_OK;
    assert_int_equal(search_index_record(&f->c, 1, (int64_t)1 << 32, f->props, f->data), want);
    fail_init(&f->fail, f->arena, LANG_JA);
    assert_int_equal(search_index_record(&f->c, (int64_t)1 << 21, 1, f->props, f->data), want);
    fail_init(&f->fail, f->arena, LANG_JA);
    /* the largest encodable ids still work and stay apart */
    int64_t big = ((int64_t)1 << 32) - 1;
    assert_int_equal(search_index_record(&f->c, 1, big, f->props, f->data), ERR_OK);
    assert_int_equal(search_index_record(&f->c, 2, 0, f->props, f->data), ERR_OK);
    assert_int_equal(search_delete_record(&f->c, 1, big), ERR_OK);
    assert_string_equal(rows_of(f, 1, big), "");
    assert_int_equal(count_rows(f), 7 + (want == ERR_OK ? 14 : 0));
    assert_int_equal(search_delete_record(&f->c, 2, 0), ERR_OK);
    if (want == ERR_OK) {
        assert_int_equal(search_delete_record(&f->c, 1, (int64_t)1 << 32), ERR_OK);
        assert_int_equal(search_delete_record(&f->c, (int64_t)1 << 21, 1), ERR_OK);
    }
    assert_int_equal(count_rows(f), 0);
}

int
main(void)
{
    const struct CMUnitTest unit[] = {
        cmocka_unit_test(test_html_to_text),
        cmocka_unit_test(test_field_text),
    };
    const struct CMUnitTest rows[] = {
        cmocka_unit_test(test_index_rows),
        cmocka_unit_test(test_reindex_and_delete),
        cmocka_unit_test(test_id_limits),
    };
    int failed = cmocka_run_group_tests_name("search", unit, NULL, NULL);
    /* the row tests run in order on one database: each ends with what the next expects */
    failed += cmocka_run_group_tests_name("search_sqlite", rows, setup_sqlite, teardown_db);
    pg_dsn = getenv("TEST_PG_DSN");
    if (pg_dsn && *pg_dsn)
        failed += cmocka_run_group_tests_name("search_pg", rows, setup_pg, teardown_db);
    return failed ? 1 : 0;
}
