/* Unit tests for src/domain/file.c: upload / attach / download keys, file-name cleaning
 * (Japanese names, client paths, invalid UTF-8), content-type sniffing, expiry and the purge
 * of unattached uploads with a fake clock. SQLite :memory: + temp blob dir; PostgreSQL too
 * when TEST_PG_DSN is set (a throwaway database: blobs and files are emptied). */
#include "core/arena.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/blob.h"
#include "domain/ctx.h"
#include "domain/file.h"
#include "sec/sec.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define T0 1700000000
#define DAY (24 * 3600)

static const char *backend = ":memory:";
static char tmproot[64];
static int test_no;
static struct sec_key *key;

/* 1x1 transparent PNG */
static const char png[] = "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00"
                          "\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00"
                          "\x0b\x49\x44\x41\x54\x78\x9c\x63\x60\x00\x02\x00\x00\x05\x00\x01\x7a\x5e"
                          "\xab\x3f\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

struct fx {
    struct arena *a;
    struct fail f;
    struct ctx c;
};

static int
setup(void **state)
{
    struct fx *x = calloc(1, sizeof(*x));
    char *err = NULL;
    struct db *db = NULL;
    if (db_open(backend, &db, &err) != DB_OK || db_migrate(db, &err) != DB_OK) {
        fprintf(stderr, "db: %s\n", err ? err : "?");
        free(err);
        db_close(db);
        free(x);
        return -1;
    }
    if (db_kind(db) == DB_PG &&
        db_exec_script(db, "DELETE FROM files; DELETE FROM blobs;") != DB_OK)
        return -1;
    x->a = arena_new();
    fail_init(&x->f, x->a, LANG_JA);
    x->c = (struct ctx){ .arena = x->a, .db = db, .fail = &x->f, .now = T0 };
    x->c.who.login = "sato";
    char dir[128];
    snprintf(dir, sizeof(dir), "%s/t%d", tmproot, ++test_no);
    if (blob_init(dir, key) != 0)
        return -1;
    *state = x;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *x = *state;
    db_close(x->c.db);
    arena_free(x->a);
    blob_shutdown();
    free(x);
    return 0;
}

static int
setup_all(void **state)
{
    (void)state;
    if (sec_init() < 0 || file_init() < 0)
        return -1;
    strcpy(tmproot, "/tmp/mado-test-file-XXXXXX");
    if (!mkdtemp(tmproot))
        return -1;
    uint8_t raw[SEC_KEY_BYTES];
    memset(raw, 0x33, sizeof(raw));
    return sec_key_from_bytes(raw, &key) == ERR_OK ? 0 : -1;
}

static int
teardown_all(void **state)
{
    (void)state;
    sec_key_free(key);
    file_shutdown();
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmproot);
    return system(cmd) == 0 ? 0 : -1;
}

static int64_t
count(struct fx *x, const char *sql)
{
    int64_t n = -1;
    bool found = false;
    assert_int_equal(db_query_int(x->c.db, sql, NULL, 0, &n, &found), DB_OK);
    return n;
}

static const char *
upload(struct fx *x, const char *name, const char *type, const void *data, size_t n)
{
    const char *k = NULL;
    assert_int_equal(file_upload(&x->c, name, type, data, n, &k), ERR_OK);
    assert_non_null(k);
    return k;
}

static const char *
attach(struct fx *x, const char *upload_key, int64_t app, int64_t rec)
{
    json_t *o = NULL;
    assert_int_equal(file_attach(&x->c, upload_key, app, rec, &o), ERR_OK);
    assert_non_null(o);
    arena_defer(x->a, (void (*)(void *))json_decref, o);
    return json_string_value(json_object_get(o, "fileKey"));
}

static void
test_upload_get(void **state)
{
    struct fx *x = *state;
    const char *k = upload(x, "report.txt", "text/plain", "hello", 5);
    /* UUID v4 form */
    assert_int_equal(strlen(k), 36);
    assert_true(k[8] == '-' && k[13] == '-' && k[14] == '4' && k[18] == '-' && k[23] == '-');
    struct file_meta m;
    struct strbuf data;
    strbuf_init(&data, x->a, 0);
    assert_int_equal(file_get(&x->c, k, &m, &data), ERR_OK);
    assert_string_equal(m.file_key, k);
    assert_string_equal(m.name, "report.txt");
    assert_string_equal(m.content_type, "text/plain");
    assert_int_equal(m.size, 5);
    assert_string_equal(m.creator, "sato");
    assert_int_equal(m.created_at, T0);
    assert_false(m.attached);
    assert_string_equal(data.buf, "hello");
    /* metadata only */
    assert_int_equal(file_get(&x->c, k, &m, NULL), ERR_OK);
    assert_int_equal(m.size, 5);
    const char *k2 = upload(x, "report.txt", "text/plain", "hello", 5);
    assert_string_not_equal(k, k2);
}

static void
test_names(void **state)
{
    struct fx *x = *state;
    struct {
        const char *in, *want;
    } ok[] = {
        { "日本語.txt", "日本語.txt" },
        { "見積書 (2024年度)・最終版.xlsx", "見積書 (2024年度)・最終版.xlsx" },
        { "C:\\Users\\山田\\報告書.pdf", "報告書.pdf" },
        { "/etc/passwd", "passwd" },
        { "../../a.txt", "a.txt" },
        { " spaced .txt", " spaced .txt" },
        { "ｶﾀｶﾅ.txt", "ｶﾀｶﾅ.txt" }, /* kept as given: no normalisation */
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        const char *k = upload(x, ok[i].in, "text/plain", "x", 1);
        struct file_meta m;
        assert_int_equal(file_get(&x->c, k, &m, NULL), ERR_OK);
        assert_string_equal(m.name, ok[i].want);
    }
    char longname[FILE_NAME_MAX * 3 + 8];
    longname[0] = '\0';
    for (int i = 0; i < FILE_NAME_MAX + 1; i++)
        strcat(longname, "あ");
    const char *bad[] = { "", "dir/", "C:\\dir\\", "..", ".", "\xff\xfe.txt", "a\x01.txt",
                          "a\nb.txt", "\xe6\x97.txt", longname, NULL };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        fail_init(&x->f, x->a, LANG_JA);
        const char *k = "unchanged";
        assert_int_equal(file_upload(&x->c, bad[i], "text/plain", "x", 1, &k), ERR_INVALID);
        assert_null(k);
        assert_true(fail_has_fields(&x->f));
    }
    /* 255 characters is fine */
    longname[0] = '\0';
    for (int i = 0; i < FILE_NAME_MAX; i++)
        strcat(longname, "あ");
    upload(x, longname, NULL, "x", 1);
}

static const char *
type_of(struct fx *x, const char *k)
{
    struct file_meta m;
    assert_int_equal(file_get(&x->c, k, &m, NULL), ERR_OK);
    return m.content_type;
}

static void
test_content_type(void **state)
{
    struct fx *x = *state;
    size_t pn = sizeof(png) - 1;
    assert_string_equal(type_of(x, upload(x, "a.png", "application/octet-stream", png, pn)), "image/png");
    assert_string_equal(type_of(x, upload(x, "a.png", "Application/Octet-Stream; x=1", png, pn)),
                        "image/png");
    assert_string_equal(type_of(x, upload(x, "a.png", NULL, png, pn)), "image/png");
    assert_string_equal(type_of(x, upload(x, "a.png", "", png, pn)), "image/png");
    /* the client's usable type wins */
    assert_string_equal(type_of(x, upload(x, "a.csv", "text/csv", "a,b\n", 4)), "text/csv");
    assert_string_equal(type_of(x, upload(x, "a.txt", "text/plain; charset=utf-8", "a", 1)),
                        "text/plain; charset=utf-8");
    /* header injection or garbage: ignored and sniffed */
    assert_string_equal(type_of(x, upload(x, "a.png", "image/png\r\nX-Evil: 1", png, pn)), "image/png");
    assert_string_equal(type_of(x, upload(x, "a.png", "nonsense", png, pn)), "image/png");
    assert_string_equal(type_of(x, upload(x, "a.png", "image/", png, pn)), "image/png");
    assert_string_equal(type_of(x, upload(x, "a.txt", NULL, "just some text\n", 15)), "text/plain");
    /* empty file: nothing to sniff */
    const char *k = upload(x, "empty.bin", NULL, "", 0);
    assert_string_equal(type_of(x, k), "application/octet-stream");
    struct file_meta m;
    struct strbuf d;
    strbuf_init(&d, x->a, 0);
    assert_int_equal(file_get(&x->c, k, &m, &d), ERR_OK);
    assert_int_equal(m.size, 0);
    assert_int_equal(d.len, 0);
}

static void
test_attach(void **state)
{
    struct fx *x = *state;
    const char *up = upload(x, "写真.png", "image/png", png, sizeof(png) - 1);
    json_t *o = NULL;
    x->c.now = T0 + 60;
    assert_int_equal(file_attach(&x->c, up, 7, 42, &o), ERR_OK);
    arena_defer(x->a, (void (*)(void *))json_decref, o);
    const char *dk = json_string_value(json_object_get(o, "fileKey"));
    assert_non_null(dk);
    assert_string_not_equal(dk, up);
    assert_int_equal(strlen(dk), 46);
    assert_string_equal(json_string_value(json_object_get(o, "name")), "写真.png");
    assert_string_equal(json_string_value(json_object_get(o, "contentType")), "image/png");
    assert_true(json_is_integer(json_object_get(o, "size")));
    assert_int_equal(json_integer_value(json_object_get(o, "size")), sizeof(png) - 1);
    assert_int_equal(json_object_size(o), 4);
    struct file_meta m;
    struct strbuf d;
    strbuf_init(&d, x->a, 0);
    assert_int_equal(file_get(&x->c, dk, &m, &d), ERR_OK);
    assert_true(m.attached);
    assert_int_equal(m.app_id, 7);
    assert_int_equal(m.record_id, 42);
    assert_int_equal(m.created_at, T0 + 60);
    assert_string_equal(m.creator, "sato");
    assert_int_equal(d.len, sizeof(png) - 1);
    assert_memory_equal(d.buf, png, d.len);
    /* one blob for both keys */
    assert_int_equal(count(x, "SELECT count(*) FROM blobs"), 1);
    assert_int_equal(count(x, "SELECT count(*) FROM files"), 2);
    /* the upload key may be attached again while it lives (e.g. a retried request) */
    const char *dk2 = attach(x, up, 7, 43);
    assert_string_not_equal(dk, dk2);
}

static void
test_attach_not_found(void **state)
{
    struct fx *x = *state;
    json_t *o = (json_t *)1;
    const char *up = upload(x, "a.txt", "text/plain", "a", 1);
    const char *dk = attach(x, up, 1, 1);
    const char *bad[] = { "no-such-key", "", NULL, dk /* a download key is not an upload key */ };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(file_attach(&x->c, bad[i], 1, 2, &o), ERR_FILE_NOT_FOUND);
        assert_null(o);
    }
    char longkey[200];
    memset(longkey, 'a', sizeof(longkey) - 1);
    longkey[sizeof(longkey) - 1] = '\0';
    assert_int_equal(file_attach(&x->c, longkey, 1, 2, &o), ERR_FILE_NOT_FOUND);
    /* c->fail untouched: the record validator turns this into a field error */
    assert_int_equal(x->f.code, ERR_OK);
    /* expired upload key */
    x->c.now = T0 + 3 * DAY + 1;
    assert_int_equal(file_attach(&x->c, up, 1, 2, &o), ERR_FILE_NOT_FOUND);
    x->c.now = T0 + 3 * DAY; /* exactly at the limit: still valid */
    attach(x, up, 1, 2);
}

static void
test_get_not_found(void **state)
{
    struct fx *x = *state;
    struct file_meta m;
    struct strbuf d;
    strbuf_init(&d, x->a, 0);
    assert_int_equal(file_get(&x->c, "nope", &m, &d), ERR_FILE_NOT_FOUND);
    assert_int_equal(x->f.code, ERR_FILE_NOT_FOUND);
    assert_non_null(strstr(x->f.message, "nope"));
    assert_null(m.name);
    const char *up = upload(x, "a.txt", "text/plain", "a", 1);
    const char *dk = attach(x, up, 1, 1);
    /* a year later: the upload key is gone, the download key lives with its record */
    x->c.now = T0 + 365 * DAY;
    fail_init(&x->f, x->a, LANG_EN);
    assert_int_equal(file_get(&x->c, up, &m, &d), ERR_FILE_NOT_FOUND);
    assert_int_equal(file_get(&x->c, dk, &m, &d), ERR_OK);
    assert_string_equal(d.buf, "a");
}

static void
test_purge(void **state)
{
    struct fx *x = *state;
    const char *a = upload(x, "a.txt", "text/plain", "never attached", 14);
    const char *b = upload(x, "b.txt", "text/plain", "attached", 8);
    const char *shared1 = upload(x, "s1.txt", "text/plain", "shared", 6);
    x->c.now = T0 + 2 * DAY;
    const char *shared2 = upload(x, "s2.txt", "text/plain", "shared", 6); /* same blob, younger */
    const char *bk = attach(x, b, 5, 1);
    assert_int_equal(count(x, "SELECT count(*) FROM blobs"), 3);
    int64_t n = -1;
    /* one day later: nothing is old enough */
    x->c.now = T0 + 1 * DAY;
    assert_int_equal(file_purge_unattached(&x->c, FILE_UPLOAD_TTL, &n), ERR_OK);
    assert_int_equal(n, 0);
    /* three days and a second after the first uploads */
    x->c.now = T0 + 3 * DAY + 1;
    assert_int_equal(file_purge_unattached(&x->c, FILE_UPLOAD_TTL, &n), ERR_OK);
    assert_int_equal(n, 3); /* a, b's upload row, shared1 */
    assert_int_equal(count(x, "SELECT count(*) FROM files"), 2); /* bk, shared2 */
    assert_int_equal(count(x, "SELECT count(*) FROM blobs"), 2); /* "never attached" is gone */
    struct file_meta m;
    struct strbuf d;
    strbuf_init(&d, x->a, 0);
    assert_int_equal(file_get(&x->c, a, &m, &d), ERR_FILE_NOT_FOUND);
    assert_int_equal(file_get(&x->c, shared1, &m, &d), ERR_FILE_NOT_FOUND);
    assert_int_equal(file_get(&x->c, bk, &m, &d), ERR_OK);
    assert_string_equal(d.buf, "attached");
    strbuf_reset(&d);
    assert_int_equal(file_get(&x->c, shared2, &m, &d), ERR_OK);
    assert_string_equal(d.buf, "shared");
    /* later still: the younger duplicate goes too, and its blob with it */
    x->c.now = T0 + 6 * DAY;
    assert_int_equal(file_purge_unattached(&x->c, FILE_UPLOAD_TTL, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_int_equal(count(x, "SELECT count(*) FROM blobs"), 1);
    /* not inside a transaction */
    fail_init(&x->f, x->a, LANG_JA);
    assert_int_equal(db_begin(x->c.db, true), DB_OK);
    assert_int_equal(file_purge_unattached(&x->c, FILE_UPLOAD_TTL, NULL), ERR_INTERNAL);
    assert_int_equal(db_rollback(x->c.db), DB_OK);
}

static void
test_delete(void **state)
{
    struct fx *x = *state;
    const char *up = upload(x, "a.txt", "text/plain", "content", 7);
    const char *d1 = attach(x, up, 3, 10);
    const char *d2 = attach(x, up, 3, 10);
    const char *d3 = attach(x, up, 3, 11);
    int64_t n = -1;
    assert_int_equal(file_delete_key(&x->c, d3, &n), ERR_OK);
    assert_int_equal(n, 1);
    assert_int_equal(file_delete_key(&x->c, up, &n), ERR_OK); /* upload keys are not deleted here */
    assert_int_equal(n, 0);
    assert_int_equal(file_delete_record(&x->c, 3, 10, &n), ERR_OK);
    assert_int_equal(n, 2);
    struct file_meta m;
    assert_int_equal(file_get(&x->c, d1, &m, NULL), ERR_FILE_NOT_FOUND);
    assert_int_equal(file_get(&x->c, d2, &m, NULL), ERR_FILE_NOT_FOUND);
    x->c.now = T0 + 4 * DAY;
    assert_int_equal(file_purge_unattached(&x->c, FILE_UPLOAD_TTL, &n), ERR_OK);
    assert_int_equal(count(x, "SELECT count(*) FROM files"), 0);
    assert_int_equal(count(x, "SELECT count(*) FROM blobs"), 0);
}

/* Upload inside the caller's transaction: rolled back together. */
static void
test_upload_in_tx(void **state)
{
    struct fx *x = *state;
    assert_int_equal(db_begin(x->c.db, true), DB_OK);
    const char *k = upload(x, "a.txt", "text/plain", "tx", 2);
    assert_true(db_in_tx(x->c.db));
    assert_int_equal(db_rollback(x->c.db), DB_OK);
    struct file_meta m;
    assert_int_equal(file_get(&x->c, k, &m, NULL), ERR_FILE_NOT_FOUND);
    assert_int_equal(count(x, "SELECT count(*) FROM blobs"), 0);
}

static void
test_clean_name(void **state)
{
    struct fx *x = *state;
    assert_null(file_clean_name(x->a, NULL));
    assert_string_equal(file_clean_name(x->a, "a/b\\c.txt"), "c.txt");
    assert_null(file_clean_name(x->a, "a/"));
}

#define FILE_TESTS                                                                                 \
    cmocka_unit_test_setup_teardown(test_upload_get, setup, teardown),                            \
        cmocka_unit_test_setup_teardown(test_names, setup, teardown),                             \
        cmocka_unit_test_setup_teardown(test_content_type, setup, teardown),                      \
        cmocka_unit_test_setup_teardown(test_attach, setup, teardown),                            \
        cmocka_unit_test_setup_teardown(test_attach_not_found, setup, teardown),                  \
        cmocka_unit_test_setup_teardown(test_get_not_found, setup, teardown),                     \
        cmocka_unit_test_setup_teardown(test_purge, setup, teardown),                             \
        cmocka_unit_test_setup_teardown(test_delete, setup, teardown),                            \
        cmocka_unit_test_setup_teardown(test_upload_in_tx, setup, teardown),                      \
        cmocka_unit_test_setup_teardown(test_clean_name, setup, teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = { FILE_TESTS };
    int failed = cmocka_run_group_tests_name("file (sqlite)", tests, setup_all, teardown_all);
    const char *dsn = getenv("TEST_PG_DSN");
    if (dsn && *dsn) {
        backend = dsn;
        failed += cmocka_run_group_tests_name("file (postgresql)", tests, setup_all, teardown_all);
    }
    return failed;
}
