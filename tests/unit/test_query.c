/* Unit tests for the query compiler (src/domain/query*.c): lexer and parser, every error code,
 * the shape of the SQL, and above all execution: 30 records of varied typed data plus their
 * search rows in a SQLite :memory: database (and, when TEST_PG_DSN is set, in PostgreSQL on a
 * fresh public schema), queried through query_compile() with the ids checked. The clock is
 * fixed at 2024-03-15 12:00 JST (a Friday) with the caller in Asia/Tokyo. */
#include "core/arena.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/ctx.h"
#include "domain/query.h"
#include "domain/search.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const char *props_json =
    "{"
    "\"レコード番号\":{\"type\":\"RECORD_NUMBER\",\"code\":\"レコード番号\",\"label\":"
    "\"レコード番号\"},"
    "\"作成者\":{\"type\":\"CREATOR\",\"code\":\"作成者\",\"label\":\"作成者\"},"
    "\"作成日時\":{\"type\":\"CREATED_TIME\",\"code\":\"作成日時\",\"label\":\"作成日時\"},"
    "\"更新者\":{\"type\":\"MODIFIER\",\"code\":\"更新者\",\"label\":\"更新者\"},"
    "\"更新日時\":{\"type\":\"UPDATED_TIME\",\"code\":\"更新日時\",\"label\":\"更新日時\"},"
    "\"ステータス\":{\"type\":\"STATUS\",\"code\":\"ステータス\",\"label\":\"ステータス\","
    "\"enabled\":true},"
    "\"作業者\":{\"type\":\"STATUS_ASSIGNEE\",\"code\":\"作業者\",\"label\":\"作業者\",\"enabled\":"
    "true},"
    "\"カテゴリー\":{\"type\":\"CATEGORY\",\"code\":\"カテゴリー\",\"label\":\"カテゴリー\","
    "\"enabled\":false},"
    "\"文字列\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"文字列\",\"label\":\"文字列\"},"
    "\"複数行\":{\"type\":\"MULTI_LINE_TEXT\",\"code\":\"複数行\",\"label\":\"複数行\"},"
    "\"リッチ\":{\"type\":\"RICH_TEXT\",\"code\":\"リッチ\",\"label\":\"リッチ\"},"
    "\"リンク\":{\"type\":\"LINK\",\"code\":\"リンク\",\"label\":\"リンク\",\"protocol\":\"WEB\"},"
    "\"数値\":{\"type\":\"NUMBER\",\"code\":\"数値\",\"label\":\"数値\"},"
    "\"計算\":{\"type\":\"CALC\",\"code\":\"計算\",\"label\":\"計算\",\"expression\":\"数値*2\","
    "\"format\":\"NUMBER\"},"
    "\"計算日付\":{\"type\":\"CALC\",\"code\":\"計算日付\",\"label\":\"計算日付\",\"expression\":"
    "\"日付\",\"format\":\"DATE\"},"
    "\"日付\":{\"type\":\"DATE\",\"code\":\"日付\",\"label\":\"日付\"},"
    "\"時刻\":{\"type\":\"TIME\",\"code\":\"時刻\",\"label\":\"時刻\"},"
    "\"日時\":{\"type\":\"DATETIME\",\"code\":\"日時\",\"label\":\"日時\"},"
    "\"チェック\":{\"type\":\"CHECK_BOX\",\"code\":\"チェック\",\"label\":\"チェック\",\"options\":"
    "{\"A\":{\"label\":\"A\",\"index\":\"0\"},\"B\":{\"label\":\"B\",\"index\":\"1\"},\"C\":{"
    "\"label\":\"C\",\"index\":\"2\"}}},"
    "\"複数選択\":{\"type\":\"MULTI_SELECT\",\"code\":\"複数選択\",\"label\":\"複数選択\"},"
    "\"ラジオ\":{\"type\":\"RADIO_BUTTON\",\"code\":\"ラジオ\",\"label\":\"ラジオ\"},"
    "\"ドロップ\":{\"type\":\"DROP_DOWN\",\"code\":\"ドロップ\",\"label\":\"ドロップ\"},"
    "\"ユーザー\":{\"type\":\"USER_SELECT\",\"code\":\"ユーザー\",\"label\":\"ユーザー\"},"
    "\"組織\":{\"type\":\"ORGANIZATION_SELECT\",\"code\":\"組織\",\"label\":\"組織\"},"
    "\"グループ\":{\"type\":\"GROUP_SELECT\",\"code\":\"グループ\",\"label\":\"グループ\"},"
    "\"添付\":{\"type\":\"FILE\",\"code\":\"添付\",\"label\":\"添付\"},"
    "\"悪い'コード\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"悪い'コード\",\"label\":\"x\"},"
    "\"関連レコード\":{\"type\":\"REFERENCE_TABLE\",\"code\":\"関連レコード\",\"referenceTable\":{"
    "  \"relatedApp\":{\"app\":\"2\",\"code\":\"\"},"
    "  \"condition\":{\"field\":\"文字列\",\"relatedField\":\"キー\"},"
    "  \"filterCond\":\"数値 > 0\",\"displayFields\":[\"名前\"],\"sort\":\"数値 "
    "desc\",\"size\":\"5\"}},"
    "\"番号関連\":{\"type\":\"REFERENCE_TABLE\",\"code\":\"番号関連\",\"referenceTable\":{"
    "  \"relatedApp\":{\"app\":\"2\",\"code\":\"\"},"
    "  \"condition\":{\"field\":\"レコード番号\",\"relatedField\":\"参照番号\"},"
    "  \"filterCond\":\"\",\"displayFields\":[\"名前\"],\"sort\":\"\",\"size\":\"5\"}},"
    "\"入れ子関連\":{\"type\":\"REFERENCE_TABLE\",\"code\":\"入れ子関連\",\"referenceTable\":{"
    "  \"relatedApp\":{\"app\":2},"
    "  \"condition\":{\"field\":\"文字列\",\"relatedField\":\"キー\"},"
    "  \"filterCond\":\"逆関連.名前 in (\\\"x\\\")\"}},"
    "\"壊れた関連\":{\"type\":\"REFERENCE_TABLE\",\"code\":\"壊れた関連\",\"referenceTable\":{"
    "  \"relatedApp\":{\"app\":\"99\",\"code\":\"\"},"
    "  \"condition\":{\"field\":\"文字列\",\"relatedField\":\"キー\"}}},"
    "\"明細\":{\"type\":\"SUBTABLE\",\"code\":\"明細\",\"fields\":{"
    "  \"品名\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"品名\",\"label\":\"品名\"},"
    "  \"数量\":{\"type\":\"NUMBER\",\"code\":\"数量\",\"label\":\"数量\"},"
    "  \"備考\":{\"type\":\"MULTI_LINE_TEXT\",\"code\":\"備考\",\"label\":\"備考\"},"
    "  \"タグ\":{\"type\":\"CHECK_BOX\",\"code\":\"タグ\",\"label\":\"タグ\"}"
    "}}"
    "}";

/* App 2, the related app of 関連レコード (records 101-105). */
static const char *props2_json =
    "{"
    "\"キー\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"キー\"},"
    "\"数値\":{\"type\":\"NUMBER\",\"code\":\"数値\"},"
    "\"参照番号\":{\"type\":\"NUMBER\",\"code\":\"参照番号\"},"
    "\"名前\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"名前\"},"
    "\"逆関連\":{\"type\":\"REFERENCE_TABLE\",\"code\":\"逆関連\",\"referenceTable\":{"
    "  \"relatedApp\":{\"app\":\"2\"},"
    "  \"condition\":{\"field\":\"名前\",\"relatedField\":\"名前\"}}},"
    "\"表\":{\"type\":\"SUBTABLE\",\"code\":\"表\",\"fields\":{"
    "  \"行\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"行\"}}}"
    "}";

#define NREC 30

/* ---- fixture ---- */

struct fx {
    struct arena *arena;
    struct fail fail;
    struct ctx c;
    json_t *props, *props2;
    struct db *db;
};

static struct fx *cur; /* the execution fixture of the running group */
static const char *pg_dsn;

static int64_t
ts(const char *iso)
{
    int64_t t = 0;
    if (!clock_parse_datetime(iso, &t))
        abort();
    return t;
}

static void
ctx_init(struct fx *f)
{
    f->arena = arena_new();
    fail_init(&f->fail, f->arena, LANG_JA);
    memset(&f->c, 0, sizeof(f->c));
    f->c.arena = f->arena;
    f->c.fail = &f->fail;
    f->c.lang = LANG_JA;
    f->c.db = f->db;
    f->c.now = ts("2024-03-15T03:00:00Z");
    f->c.tz_offset = 540;
    f->c.who.kind = PRIN_USER;
    f->c.who.login = "admin";
    clock_set_fake_ms(f->c.now * 1000);
}

/* Fresh arena and error state between checks. */
static void
ctx_reset(struct fx *f)
{
    arena_free(f->arena);
    ctx_init(f);
}

static json_t *
load_json(const char *text)
{
    json_error_t je;
    json_t *p = json_loads(text, 0, &je);
    if (!p) {
        fprintf(stderr, "props: %s\n", je.text);
        abort();
    }
    return p;
}

static json_t *
load_props(void)
{
    return load_json(props_json);
}

static json_t *app2_props; /* what the loader below serves */

static enum err
test_loader(struct ctx *c, int64_t app_id, const json_t **props)
{
    if (app_id != 2 || !app2_props)
        return fail_set(c->fail, ERR_APP_NOT_FOUND, "x");
    *props = app2_props;
    return ERR_OK;
}

static const char *
str_of(int i)
{
    static const char *special[] = {
        NULL,          "東京都千代田区", "ﾄｳｷｮｳ ﾀﾜｰ", "ＡＢＣ株式会社", "abc商事", "", "   ",
        "Hello World", "hello",          "大阪"
    };
    static char buf[16];
    if (i <= 9)
        return special[i];
    snprintf(buf, sizeof(buf), "item%02d", i);
    return buf;
}

static json_t *
number_of(int i)
{
    if (i % 10 == 0)
        return json_null();
    if (i == 7)
        return json_real(75.5);
    return json_integer(i * 10);
}

static const char *
date_of(int i)
{
    static const char *d[] = { NULL,         "2024-03-15", "2024-03-14", "2024-03-16",
                               "2024-03-10", "2024-03-09", "2024-03-17", "2024-03-01",
                               "2024-03-31", "2024-02-29", "2024-04-15", "2023-03-15",
                               "2025-01-01", "2024-03-22", "2024-03-20", NULL };
    static char buf[16];
    if (i <= 15)
        return d[i];
    snprintf(buf, sizeof(buf), "2024-01-%02d", i - 15);
    return buf;
}

static const char *
datetime_of(int i)
{
    static const char *d[] = { NULL,
                               "2024-03-15T03:00:00Z",
                               "2024-03-14T15:00:00Z",
                               "2024-03-14T14:59:00Z",
                               "2024-03-15T14:59:59Z",
                               "2024-03-15T15:00:00Z",
                               NULL };
    static char buf[32];
    if (i <= 6)
        return d[i];
    snprintf(buf, sizeof(buf), "2024-01-%02dT00:00:00Z", i - 6);
    return buf;
}

static json_t *
table_of(int i)
{
    switch (i) {
    case 1:
        return json_pack("[{s:i,s:{s:s,s:i,s:[s]}},{s:i,s:{s:s,s:i,s:[s]}}]", "id", 101, "value",
                         "品名", "りんご", "数量", 5, "タグ", "赤", "id", 102, "value", "品名",
                         "みかん", "数量", 10, "タグ", "黄");
    case 2:
        return json_pack("[{s:i,s:{s:s,s:i,s:[]}},{s:i,s:{s:s,s:i,s:[]}}]", "id", 201, "value",
                         "品名", "りんご", "数量", 10, "タグ", "id", 202, "value", "品名", "ぶどう",
                         "数量", 1, "タグ");
    case 3:
        return json_pack("[{s:i,s:{s:s,s:i}}]", "id", 301, "value", "品名", "みかん", "数量", 3);
    case 4:
        return json_array();
    case 5:
        return json_pack("[{s:i,s:{s:s,s:n}}]", "id", 501, "value", "品名", "", "数量");
    default:
        return json_pack("[{s:i,s:{s:s,s:i}}]", "id", i * 100 + 1, "value", "品名", "その他",
                         "数量", i);
    }
}

static json_t *
files_of(int i)
{
    if (i == 1)
        return json_pack("[{s:s,s:s,s:s,s:i}]", "fileKey", "k1", "name", "見積書.pdf",
                         "contentType", "application/pdf", "size", 10);
    if (i == 2)
        return json_pack("[{s:s,s:s,s:s,s:i},{s:s,s:s,s:s,s:i}]", "fileKey", "k2", "name",
                         "ﾚﾎﾟｰﾄ.docx", "contentType", "application/msword", "size", 20, "fileKey",
                         "k3", "name", "photo.JPG", "contentType", "image/jpeg", "size", 30);
    return json_array();
}

static json_t *
record_data(int i)
{
    static const char *multi[] = { NULL, "一行目\n二行目", " \n\t\xe3\x80\x80", "" };
    static const char *rich[] = { NULL, "<div>東京&amp;大阪</div>", "<p><br></p>",
                                  "<b>強調</b>テキスト" };
    static const char *radio[] = { "松", "竹", "梅" };
    char buf[32];
    json_t *d = json_object();
    json_object_set_new(d, "文字列", json_string(str_of(i)));
    if (i <= 3) {
        json_object_set_new(d, "複数行", json_string(multi[i]));
        json_object_set_new(d, "リッチ", json_string(rich[i]));
    } else {
        snprintf(buf, sizeof(buf), "メモ%d", i);
        json_object_set_new(d, "複数行", json_string(buf));
        json_object_set_new(d, "リッチ", json_string(""));
    }
    json_object_set_new(d, "リンク", json_string(i == 1 ? "https://example.com/a" : ""));
    json_t *n = number_of(i);
    json_object_set_new(d, "数値", n);
    json_object_set_new(d, "計算",
                        json_is_null(n) ? json_null() : json_real(json_number_value(n) * 2));
    json_object_set_new(d, "計算日付", i == 1 ? json_string("2024-03-15") : json_null());
    const char *dt = date_of(i);
    json_object_set_new(d, "日付", dt ? json_string(dt) : json_null());
    snprintf(buf, sizeof(buf), "%02d:30", i);
    json_object_set_new(d, "時刻", i <= 23 ? json_string(buf) : json_null());
    const char *dtm = datetime_of(i);
    json_object_set_new(d, "日時", dtm ? json_string(dtm) : json_null());
    switch (i % 4) {
    case 0:
        json_object_set_new(d, "チェック", json_array());
        break;
    case 1:
        json_object_set_new(d, "チェック", json_pack("[s]", "A"));
        break;
    case 2:
        json_object_set_new(d, "チェック", json_pack("[s,s]", "A", "B"));
        break;
    default:
        json_object_set_new(d, "チェック", json_pack("[s]", "C"));
        break;
    }
    json_object_set_new(d, "複数選択", i == 1 ? json_pack("[s,s]", "x", "y") : json_array());
    json_object_set_new(d, "ラジオ", json_string(radio[i % 3]));
    snprintf(buf, sizeof(buf), "d%d", i % 5);
    json_object_set_new(d, "ドロップ", i % 5 ? json_string(buf) : json_null());
    json_object_set_new(d, "ユーザー",
                        i % 3 == 0   ? json_pack("[s]", "admin")
                        : i % 3 == 1 ? json_pack("[s,s]", "user1", "admin")
                                     : json_array());
    json_object_set_new(d, "組織", i == 1 ? json_pack("[s]", "org1") : json_array());
    json_object_set_new(d, "グループ", i == 2 ? json_pack("[s]", "g1") : json_array());
    json_object_set_new(d, "添付", files_of(i));
    json_object_set_new(d, "明細", table_of(i));
    return d;
}

static void
must_exec(struct db *db, const char *sql, const struct db_param *p, int n)
{
    if (db_exec(db, sql, p, n, NULL) != DB_OK) {
        fprintf(stderr, "%s: %s\n", sql, db_errmsg(db));
        abort();
    }
}

static void
insert_record(struct fx *f, int64_t app, int64_t id, json_t *data, const char *status,
              const char *assignees, const char *creator, int64_t created, bool deleted)
{
    const json_t *props = app == 1 ? f->props : f->props2;
    bool pg = db_kind(f->db) == DB_PG;
    char *text = json_dumps(data, JSON_COMPACT);
    struct db_param p[] = { DBP_INT(app),
                            DBP_INT(id),
                            DBP_TEXT(status),
                            DBP_TEXT(assignees),
                            DBP_TEXT(text),
                            DBP_TEXT(creator),
                            DBP_INT(created),
                            DBP_INT(created + 3600),
                            deleted ? DBP_INT(created) : DBP_NULL };
    must_exec(f->db,
              pg ? "INSERT INTO records (app_id, id, revision, status, assignees, data, creator,"
                   " created_at, modifier, updated_at, deleted_at) VALUES ($1, $2, 1, $3, $4,"
                   " $5::jsonb, $6, $7, 'admin', $8, $9)"
                 : "INSERT INTO records (app_id, id, revision, status, assignees, data, creator,"
                   " created_at, modifier, updated_at, deleted_at) VALUES ($1, $2, 1, $3, $4,"
                   " $5, $6, $7, 'admin', $8, $9)",
              p, 9);
    free(text);
    if (search_index_record(&f->c, app, id, props, data) != ERR_OK) {
        fprintf(stderr, "search_index_record: %s\n", f->fail.message);
        abort();
    }
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
    if (db_kind(fx.db) == DB_PG)
        if (db_exec_script(fx.db, "DROP SCHEMA public CASCADE; CREATE SCHEMA public") != DB_OK) {
            fprintf(stderr, "reset schema: %s\n", db_errmsg(fx.db));
            return -1;
        }
    if (db_migrate(fx.db, &err) != DB_OK) {
        fprintf(stderr, "migrate: %s\n", err ? err : "?");
        free(err);
        return -1;
    }
    fx.props = load_props();
    fx.props2 = load_json(props2_json);
    app2_props = fx.props2;
    query_set_props_loader(test_loader);
    ctx_init(&fx);
    for (int app = 1; app <= 2; app++) {
        /* app 1 has the legal clock (its pseudo-fields resolve), app 2 not */
        const char *def = app == 1 ? "{\"clock\":{\"enable\":true,\"days\":10,"
                                     "\"startStatuses\":[\"未処理\"]}}"
                                   : "{}";
        struct db_param p[] = { DBP_INT(app), DBP_TEXT(def) };
        must_exec(fx.db,
                  "INSERT INTO apps (id, name, live, preview, creator, created_at, modifier,"
                  " modified_at) VALUES ($1, 'test', $2, $2, 'admin', 0, 'admin', 0)",
                  p, 2);
    }
    int64_t t0 = ts("2024-02-15T00:00:00Z");
    for (int i = 1; i <= NREC; i++) {
        static const char *assignees[] = { NULL, "[\"admin\"]", "[\"user1\"]" };
        json_t *d = record_data(i);
        insert_record(&fx, 1, i, d, i % 2 ? "未処理" : "完了", i <= 2 ? assignees[i] : NULL,
                      i % 2 ? "admin" : "user1", t0 + (int64_t)(i - 1) * 86400, false);
        json_decref(d);
    }
    /* a deleted record and another app's record that would match many conditions */
    json_t *d = record_data(8);
    insert_record(&fx, 1, 31, d, "完了", "[\"admin\"]", "admin", t0, true);
    json_object_set_new(d, "文字列", json_string("zzz hello"));
    json_t *p2 = fx.props2;
    fx.props2 = fx.props; /* indexed as if app 2 had app 1's fields */
    insert_record(&fx, 2, 8, d, "完了", "[\"admin\"]", "admin", t0, false);
    fx.props2 = p2;
    json_decref(d);
    static const struct {
        int id;
        const char *key, *name;
        int num, ref;
    } rel[] = { { 101, "大阪", "alpha", 5, 3 },
                { 102, "大阪", "beta", -1, 3 },
                { 103, "hello", "gamma", 7, 4 },
                { 104, "hello", "delta", 9, 0 },
                { 105, "item12", "alpha beta", 3, 4 } };
    for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
        d = json_pack("{s:s,s:s,s:i,s:i,s:[{s:i,s:{s:s}}]}", "キー", rel[i].key, "名前",
                      rel[i].name, "数値", rel[i].num, "参照番号", rel[i].ref, "表", "id", 1,
                      "value", "行", rel[i].name);
        insert_record(&fx, 2, rel[i].id, d, NULL, NULL, "admin", t0, false);
        json_decref(d);
    }
    ctx_reset(&fx);
    cur = &fx;
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
    arena_free(f->arena);
    json_decref(f->props);
    json_decref(f->props2);
    app2_props = NULL;
    db_close(f->db);
    cur = NULL;
    return 0;
}

/* ---- helpers ---- */

/* Runs query in app 1; ids in result order. Returns the compile error. */
static enum err
run(const char *query, int64_t *ids, int *n)
{
    struct fx *f = cur;
    struct query_plan plan;
    ctx_reset(f);
    *n = 0;
    enum err e = query_compile(&f->c, 1, f->props, query, db_kind(f->db), 0, &plan);
    if (e)
        return e;
    const char *sql =
        arena_printf(f->arena,
                     "SELECT r.id FROM records r WHERE %s ORDER BY %s LIMIT %lld"
                     " OFFSET %lld",
                     plan.where, plan.order_by, (long long)plan.limit, (long long)plan.offset);
    struct db_res *res = NULL;
    int rc = db_query(f->db, sql, plan.params, plan.nparams, &res);
    if (rc != DB_OK) {
        fprintf(stderr, "query %s\nSQL %s\nerror %s\n", query, sql, db_errmsg(f->db));
        fail();
    }
    while ((rc = db_step(res)) == 1)
        ids[(*n)++] = db_col_int(res, 0);
    db_res_free(res);
    if (rc < 0) {
        fprintf(stderr, "query %s\nSQL %s\nerror %s\n", query, sql, db_errmsg(f->db));
        fail();
    }
    return ERR_OK;
}

/* "1 2 5-9" → sorted id list */
static int
parse_ids(const char *spec, int64_t *ids)
{
    int n = 0;
    const char *p = spec;
    while (*p) {
        char *end;
        long a = strtol(p, &end, 10);
        if (end == p) {
            p++;
            continue;
        }
        long b = a;
        p = end;
        if (*p == '-') {
            b = strtol(p + 1, &end, 10);
            p = end;
        }
        for (long i = a; i <= b; i++)
            ids[n++] = i;
    }
    return n;
}

static int
cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static void
show(const char *label, const int64_t *ids, int n)
{
    fprintf(stderr, "%s:", label);
    for (int i = 0; i < n; i++)
        fprintf(stderr, " %lld", (long long)ids[i]);
    fprintf(stderr, "\n");
}

static void
expect(const char *query, const char *spec, bool ordered, int line)
{
    int64_t got[600], want[600];
    int ngot, nwant = parse_ids(spec, want);
    enum err e = run(query, got, &ngot);
    if (e) {
        fprintf(stderr, "line %d: %s: error %s %s\n", line, query, err_code(e),
                cur->fail.message ? cur->fail.message : "");
        if (cur->fail.errors)
            json_dumpf(cur->fail.errors, stderr, 0);
        fail();
    }
    if (!ordered)
        qsort(got, (size_t)ngot, sizeof(got[0]), cmp_id);
    bool same = ngot == nwant;
    for (int i = 0; same && i < ngot; i++)
        same = got[i] == want[i];
    if (!same) {
        fprintf(stderr, "line %d (%s): %s\n", line, db_kind(cur->db) == DB_PG ? "pg" : "sqlite",
                query);
        show("  want", want, nwant);
        show("  got ", got, ngot);
        fail();
    }
}

#define SET(q, ids) expect(q, ids, false, __LINE__)
#define SEQ(q, ids) expect(q, ids, true, __LINE__)

/* Compiles without a database (SQLite dialect unless kind says otherwise). */
static enum err
compile_kind(struct fx *f, const char *query, enum db_kind kind, unsigned flags,
             struct query_plan *plan)
{
    ctx_reset(f);
    return query_compile(&f->c, 1, f->props, query, kind, flags, plan);
}

static struct fx ufx; /* compile-only fixture */

static int
setup_unit(void **state)
{
    memset(&ufx, 0, sizeof(ufx));
    ufx.props = load_props();
    ufx.props2 = load_json(props2_json);
    app2_props = ufx.props2;
    query_set_props_loader(test_loader);
    ctx_init(&ufx);
    *state = &ufx;
    return 0;
}

static int
teardown_unit(void **state)
{
    struct fx *f = *state;
    arena_free(f->arena);
    json_decref(f->props);
    json_decref(f->props2);
    app2_props = NULL;
    return 0;
}

static void
expect_err(const char *query, unsigned flags, enum err want, int line)
{
    struct query_plan plan;
    enum err e = compile_kind(&ufx, query, DB_SQLITE, flags, &plan);
    if (e != want) {
        fprintf(stderr, "line %d: %s: want %s got %s (%s)\n", line, query, err_code(want),
                err_code(e), ufx.fail.message ? ufx.fail.message : "");
        fail();
    }
    if (want == ERR_INVALID) {
        /* syntax errors carry errors.query */
        json_t *q = json_object_get(ufx.fail.errors, "query");
        if (!q) {
            fprintf(stderr, "line %d: %s: no errors.query\n", line, query);
            fail();
        }
    }
}

#define ERR(q, e) expect_err(q, 0, e, __LINE__)

/* ---- compile-only tests ---- */

static void
test_defaults(void **state)
{
    struct fx *f = *state;
    struct query_plan p;
    assert_int_equal(compile_kind(f, "", DB_SQLITE, 0, &p), ERR_OK);
    assert_string_equal(p.where, "r.app_id = 1 AND r.deleted_at IS NULL");
    assert_string_equal(p.order_by, "r.id DESC");
    assert_int_equal(p.limit, 100);
    assert_int_equal(p.offset, 0);
    assert_false(p.has_limit);
    assert_false(p.has_offset);
    assert_int_equal(p.nparams, 0);
    assert_int_equal(compile_kind(f, NULL, DB_SQLITE, 0, &p), ERR_OK);
    assert_string_equal(p.order_by, "r.id DESC");
    assert_int_equal(compile_kind(f, " \t\xe3\x80\x80 ", DB_PG, 0, &p), ERR_OK);
    assert_string_equal(p.where, "r.app_id = 1 AND r.deleted_at IS NULL");
}

static void
test_limit_offset(void **state)
{
    struct fx *f = *state;
    struct query_plan p;
    assert_int_equal(compile_kind(f, "limit 500 offset 10000", DB_SQLITE, 0, &p), ERR_OK);
    assert_int_equal(p.limit, 500);
    assert_int_equal(p.offset, 10000);
    assert_true(p.has_limit && p.has_offset);
    assert_int_equal(compile_kind(f, "offset 3 limit 2", DB_SQLITE, 0, &p), ERR_OK);
    assert_int_equal(p.limit, 2);
    assert_int_equal(p.offset, 3);
    assert_int_equal(compile_kind(f, "数値 > 1 order by 数値 asc limit \"7\"", DB_SQLITE, 0, &p),
                     ERR_OK);
    assert_int_equal(p.limit, 7);
    ERR("limit 501", ERR_QUERY_LIMIT);
    ERR("limit 99999999999999999999999", ERR_QUERY_LIMIT);
    ERR("offset 10001", ERR_QUERY_OFFSET);
    ERR("limit -1", ERR_INVALID);
    ERR("limit 1.5", ERR_INVALID);
    ERR("limit", ERR_INVALID);
    ERR("limit 1 limit 2", ERR_INVALID);
    expect_err("limit 10", QUERY_CURSOR, ERR_INVALID, __LINE__);
    expect_err("offset 10", QUERY_CURSOR, ERR_INVALID, __LINE__);
    assert_int_equal(compile_kind(f, "数値 > 1 order by 数値 asc", DB_SQLITE, QUERY_CURSOR, &p),
                     ERR_OK);
    expect_err("数値 > 1 order by 数値 asc", QUERY_NO_ORDER, ERR_INVALID, __LINE__);
    expect_err("limit 1", QUERY_NO_ORDER, ERR_INVALID, __LINE__);
    assert_int_equal(compile_kind(f, "数値 > 1", DB_SQLITE, QUERY_NO_ORDER, &p), ERR_OK);
}

static void
test_syntax_errors(void **state)
{
    (void)state;
    ERR("数値 >", ERR_INVALID);
    ERR("数値", ERR_INVALID);
    ERR("(数値 = 1", ERR_INVALID);
    ERR("数値 = 1)", ERR_INVALID);
    ERR("数値 = 1 and", ERR_INVALID);
    ERR("数値 = 1 or or 数値 = 2", ERR_INVALID);
    ERR("and 数値 = 1", ERR_INVALID);
    ERR("文字列 = \"abc", ERR_INVALID);
    ERR("文字列 = \"a\tb\"", ERR_INVALID);
    ERR("文字列 = \"a\nb\"", ERR_INVALID);
    ERR("数値 = abc", ERR_INVALID);
    ERR("数値 == 1", ERR_INVALID);
    ERR("数値 ! 1", ERR_INVALID);
    ERR("文字列 in ()", ERR_INVALID);
    ERR("文字列 in (\"a\" \"b\")", ERR_INVALID);
    ERR("文字列 in \"a\"", ERR_INVALID);
    ERR("文字列 not = \"a\"", ERR_INVALID);
    ERR("複数行 is nothing", ERR_INVALID);
    ERR("複数行 is not", ERR_INVALID);
    ERR("order by", ERR_INVALID);
    ERR("order by 数値 sideways", ERR_INVALID);
    ERR("数値 = 1 order by 数値 limit 5 order by 数値", ERR_INVALID);
    ERR("数値 = 1 数値 = 2", ERR_INVALID);
    ERR("数値 = \"x\"", ERR_INVALID);
    ERR("日付 = \"2024-13-01\"", ERR_INVALID);
    ERR("日付 > \"2024-03-15T00:00:00Z\"", ERR_INVALID);
    ERR("日時 = \"yesterday\"", ERR_INVALID);
    ERR("時刻 = \"25:00\"", ERR_INVALID);
    ERR("$id = \"abc\"", ERR_INVALID);
    ERR("日付 = FOO()", ERR_INVALID);
    ERR("文字列 = \"\xff\"", ERR_INVALID);
    ERR("数値 > \"\"", ERR_INVALID);
    ERR("日付 > \"\"", ERR_INVALID);
}

static void
test_complexity(void **state)
{
    struct fx *f = *state;
    struct query_plan p;
    struct strbuf q;
    strbuf_init(&q, NULL, 0);
    for (int i = 0; i < 16; i++)
        strbuf_addc(&q, '(');
    strbuf_adds(&q, "数値 = 1");
    for (int i = 0; i < 16; i++)
        strbuf_addc(&q, ')');
    assert_int_equal(compile_kind(f, q.buf, DB_SQLITE, 0, &p), ERR_OK);
    strbuf_reset(&q);
    for (int i = 0; i < 17; i++)
        strbuf_addc(&q, '(');
    strbuf_adds(&q, "数値 = 1");
    for (int i = 0; i < 17; i++)
        strbuf_addc(&q, ')');
    ERR(q.buf, ERR_INVALID);
    /* nested levels of one kind are one level */
    assert_int_equal(
        compile_kind(f, "数値 = 1 and (数値 = 2 and (数値 = 3)) or (数値 = 4 or 数値 = 5)",
                     DB_SQLITE, 0, &p),
        ERR_OK);
    assert_string_equal(p.where,
                        "r.app_id = 1 AND r.deleted_at IS NULL AND ((json_extract(r.data, "
                        "'$.\"数値\"') IN ($1) AND json_extract(r.data, '$.\"数値\"') IN "
                        "($2) AND json_extract(r.data, '$.\"数値\"') IN ($3)) OR "
                        "json_extract(r.data, '$.\"数値\"') IN ($4) OR json_extract(r.data, "
                        "'$.\"数値\"') IN ($5))");
    strbuf_reset(&q);
    for (int i = 0; i < 100000; i++)
        strbuf_addc(&q, '(');
    ERR(q.buf, ERR_INVALID); /* no stack overflow */
    strbuf_reset(&q);
    for (int i = 0; i < 501; i++)
        strbuf_addf(&q, "%s数値 = %d", i ? " or " : "", i);
    ERR(q.buf, ERR_INVALID);
    strbuf_reset(&q);
    strbuf_adds(&q, "$id in (");
    for (int i = 0; i < 10001; i++)
        strbuf_addf(&q, "%s%d", i ? "," : "", i);
    strbuf_addc(&q, ')');
    ERR(q.buf, ERR_INVALID);
    strbuf_release(&q);
}

static void
test_field_errors(void **state)
{
    struct fx *f = *state;
    ERR("ない = 1", ERR_QUERY_FIELD);
    ERR("order by ない asc", ERR_QUERY_FIELD);
    ERR("$revision = 1", ERR_QUERY_FIELD);
    ERR("悪い'コード = \"x\"", ERR_QUERY_FIELD); /* a quote cannot reach the SQL */
    ERR("文字列 > \"a\"", ERR_QUERY_OP);
    ERR("文字列 is empty", ERR_QUERY_OP);
    ERR("複数行 = \"x\"", ERR_QUERY_OP);
    ERR("複数行 in (\"x\")", ERR_QUERY_OP);
    ERR("チェック = \"A\"", ERR_QUERY_OP);
    ERR("チェック like \"A\"", ERR_QUERY_OP);
    ERR("ラジオ = \"松\"", ERR_QUERY_OP);
    ERR("作成者 = \"admin\"", ERR_QUERY_OP);
    ERR("作成日時 in (\"2024-01-01\")", ERR_QUERY_OP);
    ERR("数値 like \"1\"", ERR_QUERY_OP);
    ERR("ステータス > \"a\"", ERR_QUERY_OP);
    ERR("作業者 = \"admin\"", ERR_QUERY_OP);
    ERR("明細 in (\"x\")", ERR_QUERY_OP);
    ERR("日付 = NOW()", ERR_QUERY_OP);
    ERR("数値 = TODAY()", ERR_QUERY_OP);
    ERR("文字列 in (LOGINUSER())", ERR_QUERY_OP);
    ERR("作成者 in (TODAY())", ERR_QUERY_OP);
    ERR("ユーザー in (PRIMARY_ORGANIZATION())", ERR_QUERY_OP);
    ERR("時刻 = NOW()", ERR_QUERY_OP);
    ERR("order by 複数行 asc", ERR_QUERY_OP);
    ERR("order by チェック asc", ERR_QUERY_OP);
    ERR("order by 品名 asc", ERR_QUERY_OP);
    ERR("order by 添付", ERR_QUERY_OP);
    ERR("品名 = \"りんご\"", ERR_QUERY_TABLE_EQ);
    ERR("数量 != 1", ERR_QUERY_TABLE_EQ);
    ERR("関連レコード.名前 = \"x\"", ERR_QUERY_TABLE_EQ);
    ERR("関連レコード.ない in (\"x\")", ERR_QUERY_FIELD);
    ERR("関連レコード.行 in (\"x\")", ERR_QUERY_FIELD); /* a table of the related app */
    ERR("ない.名前 in (\"x\")", ERR_QUERY_FIELD);
    ERR("文字列.名前 in (\"x\")", ERR_QUERY_FIELD);
    ERR("壊れた関連.名前 in (\"x\")", ERR_QUERY_FIELD); /* related app not found */
    ERR("入れ子関連.名前 in (\"x\")", ERR_QUERY_FIELD); /* filterCond names a related list */
    ERR("関連レコード.名前 > \"x\"", ERR_QUERY_OP);
    ERR("order by 関連レコード.数値 asc", ERR_QUERY_OP);
    ERR("日付 = FROM_TODAY(1)", ERR_QUERY_FUNC);
    ERR("日付 = FROM_TODAY(x, DAYS)", ERR_QUERY_FUNC);
    ERR("日付 = FROM_TODAY(1, HOURS)", ERR_QUERY_FUNC);
    ERR("日付 = THIS_WEEK(FUNDAY)", ERR_QUERY_FUNC);
    ERR("日付 = THIS_MONTH(32)", ERR_QUERY_FUNC);
    ERR("日付 = THIS_MONTH(0)", ERR_QUERY_FUNC);
    ERR("日付 = THIS_YEAR(1)", ERR_QUERY_FUNC);
    ERR("日付 = TODAY(1)", ERR_QUERY_FUNC);
    ERR("日時 = NOW(1)", ERR_QUERY_FUNC);
    ERR("ユーザー in (LOGINUSER(1))", ERR_QUERY_FUNC);
    /* error text names the field */
    struct query_plan p;
    assert_int_equal(compile_kind(f, "ない = 1", DB_SQLITE, 0, &p), ERR_QUERY_FIELD);
    assert_non_null(strstr(f->fail.message, "ない"));
    assert_int_equal(compile_kind(f, "関連レコード.名前 > \"x\"", DB_SQLITE, 0, &p), ERR_QUERY_OP);
    assert_non_null(strstr(f->fail.message, "関連レコード.名前"));
}

static void
test_lexer(void **state)
{
    struct fx *f = *state;
    struct query_plan p;
    /* escapes reach the bound value unescaped */
    assert_int_equal(compile_kind(f, "文字列 = \"a\\\"b\\\\c\\td\\ne\\rf\"", DB_SQLITE, 0, &p),
                     ERR_OK);
    assert_int_equal(p.nparams, 1);
    assert_int_equal(p.params[0].type, DB_T_TEXT);
    assert_string_equal(p.params[0].p, "a\"b\\c\td\ne\rf");
    /* U+3000 separates tokens, keywords in any case, no spaces around operators */
    assert_int_equal(compile_kind(f,
                                  "数値\xe3\x80\x80=\xe3\x80\x80\"10\"\xe3\x80\x80"
                                  "AND 文字列 LIKE \"abc\" Or "
                                  "数値>=20 ORDER BY 数値 DESC, $id Asc LIMIT 5 OFFSET 1",
                                  DB_SQLITE, 0, &p),
                     ERR_OK);
    assert_int_equal(p.limit, 5);
    assert_int_equal(p.offset, 1);
    assert_string_equal(p.order_by, "json_extract(r.data, '$.\"数値\"') DESC, r.id ASC");
    assert_int_equal(p.params[0].type, DB_T_INT);
    assert_int_equal(p.params[0].i, 10);
    /* numbers quoted or bare, reals and negatives */
    assert_int_equal(compile_kind(f, "数値 in (\"1.5\", -2, 3e2)", DB_SQLITE, 0, &p), ERR_OK);
    assert_int_equal(p.nparams, 3);
    assert_int_equal(p.params[0].type, DB_T_REAL);
    assert_int_equal(p.params[1].type, DB_T_INT);
    assert_int_equal(p.params[1].i, -2);
    assert_int_equal(p.params[2].type, DB_T_REAL);
    /* PostgreSQL gets the exact decimal text */
    assert_int_equal(compile_kind(f, "数値 = 0.1", DB_PG, 0, &p), ERR_OK);
    assert_int_equal(p.params[0].type, DB_T_TEXT);
    assert_string_equal(p.params[0].p, "0.1");
    assert_non_null(strstr(p.where, "$1::numeric"));
    /* function names and arguments case-insensitive */
    assert_int_equal(compile_kind(f, "日付 = from_today(-3, days) or 日付 = this_week(monday)",
                                  DB_SQLITE, 0, &p),
                     ERR_OK);
    assert_string_equal(p.params[0].p, "2024-03-12");
    assert_string_equal(p.params[1].p, "2024-03-11");
    /* a field may be named like a keyword when an operator follows */
    assert_int_equal(compile_kind(f, "limit 5", DB_SQLITE, 0, &p), ERR_OK);
    assert_int_equal(p.limit, 5);
}

static void
test_sql_shape(void **state)
{
    struct fx *f = *state;
    struct query_plan p;
    const char *prefix = "r.app_id = 1 AND r.deleted_at IS NULL AND ";
    assert_int_equal(
        compile_kind(f, "数値 = 5 and (文字列 = \"a\" or 文字列 = \"b\")", DB_SQLITE, 0, &p),
        ERR_OK);
    assert_string_equal(
        p.where,
        "r.app_id = 1 AND r.deleted_at IS NULL AND (json_extract(r.data, '$.\"数値\"') IN ($1)"
        " AND (json_extract(r.data, '$.\"文字列\"') IN ($2) OR "
        "json_extract(r.data, '$.\"文字列\"') IN ($3)))");
    assert_int_equal(p.nparams, 3);
    /* every value is a parameter: nothing of the query text is in the SQL */
    assert_int_equal(
        compile_kind(f, "文字列 in (\"x'); DROP TABLE records; --\")", DB_SQLITE, 0, &p), ERR_OK);
    assert_null(strstr(p.where, "DROP"));
    /* like: trigram for >= 3 code points, instr for shorter */
    assert_int_equal(compile_kind(f, "文字列 like \"東京都\"", DB_SQLITE, 0, &p), ERR_OK);
    assert_int_equal(strncmp(p.where, prefix, strlen(prefix)), 0);
    assert_non_null(
        strstr(p.where, "r.id IN (SELECT record_id FROM record_search WHERE record_search MATCH $1"
                        " AND app_id = 1 AND rowid BETWEEN 4398046511104 AND 8796093022207"
                        " AND field = $2)"));
    assert_string_equal(p.params[0].p, "body : \"東京都\"");
    assert_int_equal(compile_kind(f, "文字列 not like \"東京\"", DB_SQLITE, 0, &p), ERR_OK);
    assert_non_null(strstr(
        p.where, "r.id NOT IN (SELECT record_id FROM record_search WHERE instr(body, $1) > 0"));
    assert_int_equal(compile_kind(f, "文字列 like \"a\\\"b%_c\"", DB_PG, 0, &p), ERR_OK);
    assert_non_null(strstr(p.where, "body LIKE '%' || $1::text || '%'"));
    assert_string_equal(p.params[0].p, "a\"b\\%\\_c");
    assert_int_equal(compile_kind(f, "文字列 like \"ab\"", DB_PG, 0, &p), ERR_OK);
    assert_non_null(strstr(p.where, "strpos(body, $1::text) > 0"));
    assert_int_equal(compile_kind(f, "文字列 like \"a\\\"b\"", DB_SQLITE, 0, &p), ERR_OK);
    assert_string_equal(p.params[0].p, "body : \"a\"\"b\"");
    /* folded pattern: full-width and case do not matter */
    assert_int_equal(compile_kind(f, "文字列 like \"ＡＢＣ\"", DB_SQLITE, 0, &p), ERR_OK);
    assert_string_equal(p.params[0].p, "body : \"abc\"");
    /* arrays: no "?" operator on PostgreSQL */
    assert_int_equal(compile_kind(f, "チェック in (\"A\", \"\")", DB_PG, 0, &p), ERR_OK);
    assert_non_null(strstr(p.where, "jsonb_exists_any((r.data->'チェック'), ARRAY[$1::text])"));
    assert_null(strchr(p.where, '?'));
    /* tables: one EXISTS for same-row conditions */
    assert_int_equal(compile_kind(f, "品名 in (\"a\") and 数量 > 1", DB_SQLITE, 0, &p), ERR_OK);
    assert_string_equal(p.where, "r.app_id = 1 AND r.deleted_at IS NULL AND (EXISTS (SELECT 1 FROM "
                                 "json_each(r.data, '$.\"明細\"') AS t WHERE json_extract(t.value, "
                                 "'$.value.\"品名\"') IN ($1) AND json_extract(t.value, "
                                 "'$.value.\"数量\"') > $2))");
    /* system fields are columns */
    assert_int_equal(
        compile_kind(f, "作成日時 = TODAY() and ステータス = \"完了\" and 作成者 in (LOGINUSER())",
                     DB_SQLITE, 0, &p),
        ERR_OK);
    assert_non_null(strstr(p.where, "(r.created_at >= $1 AND r.created_at < $2)"));
    assert_int_equal(p.params[0].type, DB_T_INT);
    assert_int_equal(p.params[0].i, ts("2024-03-14T15:00:00Z"));
    assert_int_equal(p.params[1].i, ts("2024-03-15T15:00:00Z"));
    assert_non_null(strstr(p.where, "r.status IN ($3)"));
    assert_non_null(strstr(p.where, "r.creator IN ($4)"));
    assert_string_equal(p.params[3].p, "admin");
    /* PostgreSQL sorts bytewise with NULLs placed as SQLite does */
    assert_int_equal(compile_kind(f, "order by 文字列 asc, 数値 desc", DB_PG, 0, &p), ERR_OK);
    assert_string_equal(p.order_by, "((r.data->>'文字列') COLLATE \"C\") ASC NULLS FIRST, "
                                    "((r.data->>'数値')::numeric) DESC NULLS LAST, r.id DESC");
    assert_int_equal(compile_kind(f, "order by $id asc", DB_SQLITE, 0, &p), ERR_OK);
    assert_string_equal(p.order_by, "r.id ASC");
    assert_int_equal(compile_kind(f, "order by 作成日時", DB_SQLITE, 0, &p), ERR_OK);
    assert_string_equal(p.order_by, "r.created_at ASC, r.id ASC");
}

static void
test_field_expr(void **state)
{
    struct fx *f = *state;
    struct query_plan p;
    struct arena *a = arena_new();
    const char *x = query_field_expr(a, f->props, "数値", DB_SQLITE);
    assert_string_equal(x, "json_extract(r.data, '$.\"数値\"')");
    assert_int_equal(compile_kind(f, "order by 数値 desc", DB_SQLITE, 0, &p), ERR_OK);
    assert_int_equal(strncmp(p.order_by, x, strlen(x)), 0);
    x = query_field_expr(a, f->props, "数値", DB_PG);
    assert_string_equal(x, "((r.data->>'数値')::numeric)");
    assert_int_equal(compile_kind(f, "数値 > 1", DB_PG, 0, &p), ERR_OK);
    assert_non_null(strstr(p.where, x));
    assert_string_equal(query_field_expr(a, f->props, "$id", DB_PG), "r.id");
    assert_string_equal(query_field_expr(a, f->props, "レコード番号", DB_SQLITE), "r.id");
    assert_string_equal(query_field_expr(a, f->props, "更新日時", DB_SQLITE), "r.updated_at");
    assert_string_equal(query_field_expr(a, f->props, "作成者", DB_PG),
                        "(r.creator COLLATE \"C\")");
    assert_null(query_field_expr(a, f->props, "ない", DB_SQLITE));
    assert_null(query_field_expr(a, f->props, "複数行", DB_SQLITE));
    assert_null(query_field_expr(a, f->props, "品名", DB_SQLITE));
    assert_null(query_field_expr(a, f->props, "悪い'コード", DB_SQLITE));
    arena_free(a);
}

/* ---- execution ---- */

static void
test_exec_id_number(void **state)
{
    (void)state;
    SET("", "1-30");
    SET("$id = 5", "5");
    SET("$id != 1", "2-30");
    SET("レコード番号 >= 28", "28-30");
    SET("$id < \"3\"", "1 2");
    SET("$id <= 2", "1 2");
    SET("$id > 29", "30");
    SET("$id in (1, \"2\", \"APP-3\")", "1 2 3");
    SET("$id not in (1, 2)", "3-30");
    SET("数値 = 20", "2");
    SET("数値 = \"20\"", "2");
    SET("数値 > 250", "26-29");
    SET("数値 >= 75.5", "7 8 9 11-19 21-29");
    SET("数値 < 75.5", "1-6");
    SET("数値 <= 1e2", "1-9");
    SET("数値 > -1", "1-9 11-19 21-29");
    SET("数値 in (10, \"30\", 75.5)", "1 3 7");
    SET("数値 = \"\"", "10 20 30");
    SET("数値 in (\"\", 10)", "1 10 20 30");
    SET("数値 != 10", "2-30");
    SET("数値 not in (\"\")", "1-9 11-19 21-29");
    SET("数値 not in (10, 20)", "3-30");
    SET("計算 >= 100", "5-9 11-19 21-29");
    SET("計算 = 151", "7");
}

static void
test_exec_text(void **state)
{
    (void)state;
    SET("文字列 = \"hello\"", "8");
    SET("文字列 != \"hello\"", "1-7 9-30");
    SET("文字列 = \"\"", "5");
    SET("文字列 != \"\"", "1-4 6-30");
    SET("文字列 in (\"\", \"大阪\")", "5 9");
    SET("文字列 not in (\"\", \"大阪\")", "1-4 6-8 10-30");
    SET("リンク = \"https://example.com/a\"", "1");
    SET("ラジオ in (\"松\")", "3 6 9 12 15 18 21 24 27 30");
    SET("ラジオ not in (\"松\", \"竹\")", "2 5 8 11 14 17 20 23 26 29");
    SET("ドロップ in (\"\")", "5 10 15 20 25 30");
    SET("ドロップ in (\"d1\")", "1 6 11 16 21 26");
    SET("ドロップ not in (\"d1\", \"\")", "2-4 7-9 12-14 17-19 22-24 27-29");
    SET("ステータス = \"完了\"", "2 4 6 8 10 12 14 16 18 20 22 24 26 28 30");
    SET("ステータス != \"完了\"", "1 3 5 7 9 11 13 15 17 19 21 23 25 27 29");
    SET("ステータス in (\"未処理\")", "1 3 5 7 9 11 13 15 17 19 21 23 25 27 29");
    SET("作成者 in (LOGINUSER())", "1 3 5 7 9 11 13 15 17 19 21 23 25 27 29");
    SET("作成者 not in (\"admin\")", "2 4 6 8 10 12 14 16 18 20 22 24 26 28 30");
    SET("更新者 in (\"admin\")", "1-30");
    SET("複数行 is empty", "2 3");
    SET("複数行 is not empty", "1 4-30");
    SET("リッチ is empty", "2 4-30");
    SET("リッチ is not empty", "1 3");
}

static void
test_exec_like(void **state)
{
    (void)state;
    SET("文字列 like \"東京\"", "1");
    SET("文字列 like \"トウキョウ\"", "2"); /* data is half-width katakana */
    SET("文字列 like \"ﾄｳｷｮｳ\"", "2");
    SET("文字列 like \"abc\"", "3 4"); /* ＡＢＣ is full-width */
    SET("文字列 like \"ＡＢＣ\"", "3 4");
    SET("文字列 like \"HELLO\"", "7 8");
    SET("文字列 like \"o w\"", "7");
    SET("文字列 like \"株\"", "3");
    SET("文字列 like \"item1\"", "10-19");
    SET("文字列 like \"zzz\"", ""); /* another app's record */
    SET("文字列 like \"\"", "1-30");
    SET("文字列 not like \"hello\"", "1-6 9-30");
    SET("文字列 not like \"\"", "");
    SET("複数行 like \"二行目\"", "1");
    SET("複数行 like \"メモ1\"", "10-19");
    SET("リッチ like \"東京&大阪\"", "1");
    SET("リッチ like \"強調テキスト\"", "3");
    SET("リッチ like \"div\"", "");
    SET("リンク like \"example\"", "1");
    SET("添付 like \"レポート\"", "2");
    SET("添付 like \"jpg\"", "2");
    SET("添付 like \"見積\"", "1");
    SET("添付 not like \"pdf\"", "2-30");
    SET("添付 is empty", "3-30");
    SET("添付 is not empty", "1 2");
}

static void
test_exec_multi(void **state)
{
    (void)state;
    SET("チェック in (\"A\")", "1 2 5 6 9 10 13 14 17 18 21 22 25 26 29 30");
    SET("チェック not in (\"A\")", "3 4 7 8 11 12 15 16 19 20 23 24 27 28");
    SET("チェック in (\"\")", "4 8 12 16 20 24 28");
    SET("チェック not in (\"\")", "1-3 5-7 9-11 13-15 17-19 21-23 25-27 29 30");
    SET("チェック in (\"B\", \"C\")", "2 3 6 7 10 11 14 15 18 19 22 23 26 27 30");
    SET("チェック in (\"\", \"C\")", "3 4 7 8 11 12 15 16 19 20 23 24 27 28");
    SET("複数選択 in (\"y\")", "1");
    SET("ユーザー in (LOGINUSER())", "1 3 4 6 7 9 10 12 13 15 16 18 19 21 22 24 25 27 28 30");
    SET("ユーザー not in (\"admin\")", "2 5 8 11 14 17 20 23 26 29");
    SET("ユーザー in (\"user1\")", "1 4 7 10 13 16 19 22 25 28");
    SET("組織 in (PRIMARY_ORGANIZATION())", "1-30");
    SET("組織 not in (PRIMARY_ORGANIZATION())", "1-30");
    SET("組織 in (\"org1\")", "1");
    SET("組織 in (\"org1\", PRIMARY_ORGANIZATION())", "1");
    SET("グループ in (\"g1\")", "2");
    SET("作業者 in (LOGINUSER())", "1");
    SET("作業者 not in (LOGINUSER())", "2-30");
    SET("作業者 in (\"\")", "3-30");
    SET("カテゴリー in (\"\")", "1-30");
    SET("カテゴリー in (\"x\")", "");
    SET("カテゴリー not in (\"x\")", "1-30");
}

static void
test_exec_dates(void **state)
{
    (void)state;
    SET("日付 = TODAY()", "1");
    SET("日付 = YESTERDAY()", "2");
    SET("日付 = TOMORROW()", "3");
    SET("日付 = \"2024-03-15\"", "1");
    SET("日付 = THIS_WEEK()", "1 2 3 4");
    SET("日付 = THIS_WEEK(SUNDAY)", "4");
    SET("日付 = THIS_WEEK(SATURDAY)", "3");
    SET("日付 = LAST_WEEK()", "5");
    SET("日付 = LAST_WEEK(SATURDAY)", "5");
    SET("日付 = NEXT_WEEK()", "6 13 14");
    SET("日付 = THIS_MONTH()", "1-8 13 14");
    SET("日付 = THIS_MONTH(1)", "7");
    SET("日付 = THIS_MONTH(LAST)", "8");
    SET("日付 = LAST_MONTH()", "9");
    SET("日付 = LAST_MONTH(LAST)", "9");
    SET("日付 = LAST_MONTH(31)", "9"); /* clamped to February's last day */
    SET("日付 = NEXT_MONTH()", "10");
    SET("日付 = FROM_TODAY(1, MONTHS)", "10");
    SET("日付 = FROM_TODAY(-1, YEARS)", "11");
    SET("日付 = FROM_TODAY(1, WEEKS)", "13");
    SET("日付 = FROM_TODAY(5, DAYS)", "14");
    SET("日付 = THIS_YEAR()", "1-10 13 14 16-30");
    SET("日付 = LAST_YEAR()", "11");
    SET("日付 = NEXT_YEAR()", "12");
    SET("日付 != THIS_YEAR()", "11 12 15");
    SET("日付 > TODAY()", "3 6 8 10 12 13 14");
    SET("日付 >= TODAY()", "1 3 6 8 10 12 13 14");
    SET("日付 < THIS_MONTH()", "9 11 16-30");
    SET("日付 <= \"2024-01-05\"", "11 16-20");
    SET("日付 >= \"2024-03-31\"", "8 10 12");
    SET("日付 = \"\"", "15");
    SET("日付 != \"\"", "1-14 16-30");
    SET("日付 > THIS_WEEK() and 日付 < NEXT_MONTH()", "6 8 13 14");
    SET("計算日付 = TODAY()", "1");
    SET("日時 = TODAY()", "1 2 4");
    SET("日時 = YESTERDAY()", "3");
    SET("日時 = TOMORROW()", "5");
    SET("日時 = \"2024-03-15\"", "1 2 4");
    SET("日時 = NOW()", "1");
    SET("日時 > NOW()", "4 5");
    SET("日時 <= NOW()", "1 2 3 7-30");
    SET("日時 = \"2024-03-15T12:00:00+09:00\"", "1");
    SET("日時 = \"2024-03-15T12:00\"", "1");
    SET("日時 = \"2024-03-15T03:00:30Z\"", "1");
    SET("日時 < \"2024-01-03T00:00:00Z\"", "7 8");
    SET("日時 = \"\"", "6");
    SET("日時 >= THIS_WEEK()", "1-5");
    SET("日時 != TODAY()", "3 5-30");
    SET("作成日時 = TODAY()", "30");
    SET("作成日時 >= THIS_WEEK()", "25-30");
    SET("作成日時 < \"2024-02-17\"", "1 2");
    SET("作成日時 > \"2024-03-14T00:00:00Z\"", "30");
    SET("作成日時 = \"2024-03-14T00:00:30Z\"", "29");
    SET("作成日時 < NOW()", "1-30");
    SET("作成日時 = LAST_MONTH()", "1-15");
    SET("作成日時 != LAST_MONTH()", "16-30");
    SET("更新日時 = TODAY()", "30");
    SET("時刻 < \"03:00\"", "1 2");
    SET("時刻 = \"12:30:45\"", "12");
    SET("時刻 >= \"22:30\"", "22 23");
    SET("時刻 = \"\"", "24-30");
    SET("時刻 != \"\"", "1-23");
}

static void
test_exec_table(void **state)
{
    (void)state;
    SET("品名 in (\"りんご\")", "1 2");
    SET("品名 in (\"りんご\") and 数量 >= 10", "2"); /* same row */
    SET("数量 >= 10 and 品名 in (\"りんご\")", "2");
    SET("(品名 in (\"りんご\")) and (数量 >= 10)", "2");
    SET("品名 in (\"りんご\") and 数量 >= 5", "1 2");
    SET("品名 in (\"みかん\") and 数量 < 5", "3");
    SET("品名 in (\"りんご\") or 数量 >= 10", "1 2 10-30");
    SET("品名 in (\"りんご\") and 数値 = 20 and 数量 >= 10", "2");
    SET("品名 in (\"りんご\") and (数量 >= 10 or 数値 = 10)", "1 2");
    SET("品名 not in (\"りんご\")", "3 5-30");
    SET("数量 > 8", "1 2 9-30");
    SET("数量 not in (10)", "3 5-9 11-30");
    SET("品名 in (\"\")", "5");
    SET("品名 like \"りん\"", "1 2");
    SET("品名 like \"その他\"", "6-30");
    SET("品名 not like \"りんご\"", "3 5-30");
    SET("タグ in (\"赤\")", "1");
    SET("タグ in (\"赤\") and 品名 in (\"みかん\")", "");
    SET("タグ in (\"黄\") and 品名 in (\"みかん\")", "1");
    SET("タグ not in (\"赤\")", "2 3 5-30");
}

static void
test_exec_related(void **state)
{
    (void)state;
    /* 101 大阪/alpha/5, 102 大阪/beta/-1 (filtered out by 数値 > 0), 103 hello/gamma/7,
     * 104 hello/delta/9, 105 item12/"alpha beta"/3; app 1: r9 大阪, r8 hello, r12 item12 */
    SET("関連レコード.数値 > 4", "8 9");
    SET("関連レコード.数値 < 0", "");
    SET("関連レコード.名前 in (\"beta\")", "");
    SET("関連レコード.名前 in (\"gamma\")", "8");
    SET("関連レコード.名前 like \"alpha\"", "9 12");
    SET("関連レコード.名前 like \"ph\"", "9 12");
    SET("関連レコード.名前 not like \"alpha\"", "8");
    SET("関連レコード.数値 not in (7)", "9 12");
    SET("関連レコード.$id in (105)", "12");
    /* several conditions on one related list hold for the same related record */
    SET("関連レコード.名前 in (\"gamma\") and 関連レコード.数値 > 8", "");
    SET("関連レコード.名前 in (\"delta\") and 関連レコード.数値 > 8", "8");
    SET("関連レコード.名前 in (\"gamma\") or 関連レコード.数値 > 8", "8");
    SET("関連レコード.数値 > 4 and 数値 < 85", "8");
    /* a number field linked to the record number */
    SET("番号関連.名前 in (\"alpha\")", "3");
    SET("番号関連.数値 >= 3", "3 4");
    SET("番号関連.名前 not in (\"beta\")", "4");
}

static void
test_exec_order(void **state)
{
    (void)state;
    SEQ("数値 < 40", "3 2 1");
    SEQ("order by 数値 asc limit 5", "10 20 30 1 2");
    SEQ("order by 数値 desc limit 4", "29 28 27 26");
    SEQ("数値 >= 60 and 数値 <= 90 order by 数値 desc", "9 8 7 6");
    SEQ("order by ラジオ asc, 数値 desc limit 3", "27 24 21");
    SEQ("order by 文字列 asc limit 3", "5 6 7");
    SEQ("order by 日付 desc, $id asc limit 3", "12 10 8");
    SEQ("order by 作成者 asc, $id desc limit 2", "29 27");
    SEQ("order by レコード番号 asc limit 3 offset 2", "3 4 5");
    SEQ("limit 2 offset 28", "2 1");
    SEQ("offset 29", "1");
    SEQ("order by 時刻 desc limit 2", "23 22");
    SEQ("order by 作成日時 desc limit 2", "30 29");
    SEQ("order by 計算 desc limit 1", "29");
    SEQ("order by ステータス asc, $id asc limit 2", "2 4");
    SEQ("order by ドロップ asc, $id desc limit 3", "30 25 20");
}

/* The largest queries the parser accepts run on both databases. */
static void
test_exec_big(void **state)
{
    (void)state;
    struct strbuf q;
    strbuf_init(&q, NULL, 0);
    for (int i = 0; i < 499; i++)
        strbuf_addf(&q, "%s数値 = %d", i ? " or " : "", i * 10 + 10000);
    strbuf_adds(&q, " or 文字列 = \"hello\"");
    SET(q.buf, "8");
    strbuf_reset(&q);
    strbuf_adds(&q, "$id in (");
    for (int i = 0; i < 9999; i++)
        strbuf_addf(&q, "%d,", i + 29);
    strbuf_adds(&q, "\"APP-1\")");
    SET(q.buf, "1 29 30");
    /* the deepest nesting, alternating and/or, with table conditions inside */
    strbuf_reset(&q);
    for (int i = 0; i < 8; i++)
        strbuf_adds(&q, "(数値 > 0 and (数値 < 0 or ");
    strbuf_adds(&q, "$id < 3 and 品名 not in (\"x\") and 品名 in (\"りんご\") and 数量 > 1 and "
                    "品名 not like \"z\"");
    for (int i = 0; i < 16; i++)
        strbuf_addc(&q, ')');
    SET(q.buf, "1 2");
    strbuf_release(&q);
}

static void
test_exec_view_index(void **state)
{
    struct fx *f = *state;
    bool pg = db_kind(f->db) == DB_PG;
    const char *count_sql =
        pg ? "SELECT COUNT(*) FROM pg_indexes WHERE indexname LIKE 'records_q1\\_%'"
           : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'records_q1_%'";
    int64_t n = -1;
    bool found;
    ctx_reset(f);
    assert_int_equal(query_ensure_view_index(&f->c, 1, f->props, "ラジオ in (\"松\") and 数値 > 3",
                                             "数値 desc, $id desc"),
                     ERR_OK);
    assert_int_equal(db_query_int(f->db, count_sql, NULL, 0, &n, &found), DB_OK);
    assert_int_equal(n, 1);
    /* idempotent; only-id views need none; a new sort makes a new index */
    assert_int_equal(query_ensure_view_index(&f->c, 1, f->props, "ラジオ in (\"松\") and 数値 > 3",
                                             "数値 desc, $id desc"),
                     ERR_OK);
    assert_int_equal(query_ensure_view_index(&f->c, 1, f->props, "", "$id desc"), ERR_OK);
    assert_int_equal(query_ensure_view_index(&f->c, 1, f->props, NULL, NULL), ERR_OK);
    assert_int_equal(db_query_int(f->db, count_sql, NULL, 0, &n, &found), DB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(query_ensure_view_index(&f->c, 1, f->props, "", "日付 asc, 作成者 desc"),
                     ERR_OK);
    assert_int_equal(db_query_int(f->db, count_sql, NULL, 0, &n, &found), DB_OK);
    assert_int_equal(n, 2);
    /* errors */
    ctx_reset(f);
    assert_int_equal(query_ensure_view_index(&f->c, 1, f->props, "ない = 1", ""), ERR_QUERY_FIELD);
    ctx_reset(f);
    assert_int_equal(query_ensure_view_index(&f->c, 1, f->props, "", "複数行 asc"), ERR_QUERY_OP);
    ctx_reset(f);
    assert_int_equal(query_ensure_view_index(&f->c, 1, f->props, "", "ない asc"), ERR_QUERY_FIELD);
    ctx_reset(f);
    assert_int_equal(query_ensure_view_index(&f->c, 1, f->props, "", "数値 asc limit 3"),
                     ERR_INVALID);
    ctx_reset(f);
    assert_int_equal(query_ensure_view_index(&f->c, 1, f->props, "数値 > 1 limit 3", ""),
                     ERR_INVALID);
    /* the index matches the query's own expressions, so the planner can use it */
    if (!pg) {
        struct query_plan p;
        ctx_reset(f);
        assert_int_equal(query_compile(&f->c, 1, f->props,
                                       "ラジオ in (\"松\") and 数値 > 3 order by 数値 desc",
                                       DB_SQLITE, 0, &p),
                         ERR_OK);
        const char *sql = arena_printf(
            f->arena,
            "EXPLAIN QUERY PLAN SELECT r.id FROM records r WHERE %s ORDER BY %s LIMIT 100", p.where,
            p.order_by);
        struct db_res *res = NULL;
        struct strbuf plan;
        strbuf_init(&plan, f->arena, 0);
        assert_int_equal(db_query(f->db, sql, p.params, p.nparams, &res), DB_OK);
        while (db_step(res) == 1)
            strbuf_addf(&plan, "%s\n", db_col_text(res, 3));
        db_res_free(res);
        if (!strstr(plan.buf, "records_q1_") || strstr(plan.buf, "TEMP B-TREE")) {
            fprintf(stderr, "plan:\n%s", plan.buf);
            fail();
        }
    }
    SEQ("ラジオ in (\"松\") and 数値 > 3 order by 数値 desc limit 3", "27 24 21");
}

/* The legal clock's pseudo-fields need the app's definition: without a database (or for an
 * app without a clock) they are unknown fields; they are never pre-evaluated for permissions. */
static void
test_clock_fields(void **state)
{
    struct fx *f = *state;
    struct query_plan plan;
    assert_int_equal(compile_kind(f, "$due_date < \"2024-01-01\"", DB_SQLITE, 0, &plan),
                     ERR_QUERY_FIELD);
    assert_int_equal(compile_kind(f, "order by $days_used asc", DB_PG, 0, &plan), ERR_QUERY_FIELD);
    assert_false(query_cond_is_static(&f->c, "$overdue = \"true\""));
    assert_false(query_cond_is_static(&f->c, "数値 > 1 and $due_date < \"2024-01-01\""));
    assert_true(query_cond_is_static(&f->c, "$id > 3"));
    assert_null(query_field_expr(f->arena, f->props, "$due_date", DB_SQLITE));
}

/* Clock columns as lclock.c keeps them, on 2024-03-15 (the fixture's today, JST). */
static void
set_clock(struct fx *f, int id, const char *state, const char *since, const char *due, int days)
{
    struct db_param p[] = { DBP_TEXT(state), DBP_TEXT(since), DBP_TEXT(due), DBP_INT(days),
                            DBP_INT(id) };
    must_exec(f->db,
              "UPDATE records SET clock_state = $1, clock_start = '2024-03-01', clock_since = $2,"
              " clock_used = $4, clock_paused = 0, clock_limit = 10, clock_due = $3,"
              " clock_days = $4, clock_asof = '2024-03-15' WHERE app_id = 1 AND id = $5",
              p, 5);
}

static void
test_exec_clock(void **state)
{
    struct fx *f = *state;
    set_clock(f, 1, "running", "2024-03-01", "2024-03-14", 9);  /* late */
    set_clock(f, 2, "running", "2024-03-01", "2024-03-15", 10); /* due today: not late */
    set_clock(f, 3, "paused", "2024-03-12", "2024-03-11", 8);   /* paused after the due date */
    set_clock(f, 4, "paused", "2024-03-10", "2024-03-20", 3);
    set_clock(f, 5, "stopped", "2024-03-21", "2024-03-20", 12); /* decided late */
    set_clock(f, 6, "stopped", "2024-03-05", "2024-03-20", 2);
    SET("$overdue = \"true\"", "1 3 5");
    SET("$overdue = \"TRUE\"", "1 3 5");
    SET("$overdue in (\"1\")", "1 3 5");
    SET("$overdue in (\"0\")", "2 4 6-30");
    SET("$overdue = \"false\"", "2 4 6-30");
    SET("$overdue not in (\"true\")", "2 4 6-30");
    SET("$overdue != \"false\"", "1 3 5");
    SET("$overdue in (\"true\", \"false\")", "1-30");
    SET("$overdue = \"true\" and 数値 > 20", "3 5");
    SET("$overdue = \"true\" or $id = 30", "1 3 5 30");
    SET("$due_date < \"2024-03-15\"", "1 3");
    SET("$due_date <= TODAY()", "1 2 3");
    SET("$due_date = TODAY()", "2");
    SET("$due_date = \"2024-03-20\"", "4 5 6");
    SET("$due_date > FROM_TODAY(3, DAYS)", "4 5 6");
    SET("$due_date = \"\"", "7-30");
    SET("$due_date != \"2024-03-20\"", "1 2 3 7-30");
    SET("$days_used >= 9", "1 2 5");
    SET("$days_used in (2, 3)", "4 6");
    SET("$days_used = \"\"", "7-30");
    SEQ("$days_used > 0 order by $due_date asc, $id asc", "3 1 2 4 5 6");
    SEQ("$days_used > 0 order by $days_used desc limit 3", "5 2 1");
    SEQ("$overdue = \"false\" and $days_used > 0 order by $due_date desc", "6 4 2");
    /* the operators of their types */
    struct query_plan plan;
    int64_t ids[64];
    int n;
    assert_int_equal(run("$overdue like \"t\"", ids, &n), ERR_QUERY_OP);
    assert_int_equal(run("$overdue < \"true\"", ids, &n), ERR_QUERY_OP);
    assert_int_equal(run("$overdue = \"yes\"", ids, &n), ERR_INVALID);
    assert_int_equal(run("$overdue = TODAY()", ids, &n), ERR_QUERY_OP);
    assert_int_equal(run("$due_date in (\"2024-03-20\")", ids, &n), ERR_QUERY_OP);
    assert_int_equal(run("$due_date = \"2024-03-20T00:00:00Z\"", ids, &n), ERR_INVALID);
    assert_int_equal(run("$days_used like \"1\"", ids, &n), ERR_QUERY_OP);
    assert_int_equal(run("order by $overdue asc", ids, &n), ERR_QUERY_OP);
    assert_int_equal(run("$due_dates = 1", ids, &n), ERR_QUERY_FIELD);
    /* the day the flag is computed for is a parameter (Japan date of c->now) */
    ctx_reset(f);
    assert_int_equal(query_compile(&f->c, 1, f->props, "$overdue = \"true\"", db_kind(f->db), 0,
                                   &plan),
                     ERR_OK);
    assert_non_null(strstr(plan.where, "r.clock_state = 'running' AND r.clock_due < $1"));
    assert_int_equal(plan.nparams, 1);
    assert_string_equal((const char *)plan.params[0].p, "2024-03-15");
    /* app 2 has no clock */
    ctx_reset(f);
    assert_int_equal(query_compile(&f->c, 2, f->props2, "$overdue = \"true\"", db_kind(f->db),
                                   0, &plan),
                     ERR_QUERY_FIELD);
    assert_string_equal(f->fail.message, "指定されたフィールド（$overdue）が見つかりません。");
}

int
main(void)
{
    const struct CMUnitTest unit[] = {
        cmocka_unit_test(test_defaults),      cmocka_unit_test(test_limit_offset),
        cmocka_unit_test(test_syntax_errors), cmocka_unit_test(test_field_errors),
        cmocka_unit_test(test_lexer),         cmocka_unit_test(test_sql_shape),
        cmocka_unit_test(test_field_expr),    cmocka_unit_test(test_complexity),
        cmocka_unit_test(test_clock_fields),
    };
    const struct CMUnitTest exec[] = {
        cmocka_unit_test(test_exec_id_number), cmocka_unit_test(test_exec_text),
        cmocka_unit_test(test_exec_like),      cmocka_unit_test(test_exec_multi),
        cmocka_unit_test(test_exec_dates),     cmocka_unit_test(test_exec_table),
        cmocka_unit_test(test_exec_related),   cmocka_unit_test(test_exec_order),
        cmocka_unit_test(test_exec_big),       cmocka_unit_test(test_exec_view_index),
        cmocka_unit_test(test_exec_clock),
    };
    int failed = cmocka_run_group_tests_name("query", unit, setup_unit, teardown_unit);
    failed += cmocka_run_group_tests_name("query_exec_sqlite", exec, setup_sqlite, teardown_db);
    pg_dsn = getenv("TEST_PG_DSN");
    if (pg_dsn && *pg_dsn)
        failed += cmocka_run_group_tests_name("query_exec_pg", exec, setup_pg, teardown_db);
    clock_set_fake_ms(0);
    query_set_props_loader(NULL);
    return failed ? 1 : 0;
}
