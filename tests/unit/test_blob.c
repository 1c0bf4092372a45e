/* Unit tests for src/domain/blob.c: round trips, dedup, keyed addresses, encryption at rest,
 * tampering and wrong keys, unreferenced-blob deletion and its crash repair. Runs on SQLite
 * (:memory: + a temp blob dir, and DB-stored mode), and on PostgreSQL when TEST_PG_DSN is set
 * (a throwaway database: blobs and files are emptied). */
#include "core/arena.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/blob.h"
#include "domain/ctx.h"
#include "sec/sec.h"

#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static const char *backend = ":memory:";
static bool use_blob_dir = true;
static char tmproot[64];
static int test_no;
static struct sec_key *key1, *key2;

struct fx {
    struct arena *a;
    struct fail f;
    struct ctx c;
    char dir[128];
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
    fail_init(&x->f, x->a, LANG_EN);
    x->c = (struct ctx){ .arena = x->a, .db = db, .fail = &x->f, .now = 1700000000 };
    x->c.who.login = "tester";
    snprintf(x->dir, sizeof(x->dir), "%s/t%d", tmproot, ++test_no);
    if (blob_init(use_blob_dir ? x->dir : NULL, key1) != 0)
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
    if (sec_init() < 0)
        return -1;
    strcpy(tmproot, "/tmp/mado-test-blob-XXXXXX");
    if (!mkdtemp(tmproot))
        return -1;
    uint8_t raw[SEC_KEY_BYTES];
    memset(raw, 0x11, sizeof(raw));
    if (sec_key_from_bytes(raw, &key1) != ERR_OK)
        return -1;
    memset(raw, 0x22, sizeof(raw));
    return sec_key_from_bytes(raw, &key2) == ERR_OK ? 0 : -1;
}

static int
teardown_all(void **state)
{
    (void)state;
    sec_key_free(key1);
    sec_key_free(key2);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmproot);
    return system(cmd) == 0 ? 0 : -1;
}

static bool
files_mode(const struct fx *x)
{
    return use_blob_dir && db_kind(x->c.db) == DB_SQLITE;
}

static int64_t
count(struct fx *x, const char *sql)
{
    int64_t n = -1;
    bool found = false;
    assert_int_equal(db_query_int(x->c.db, sql, NULL, 0, &n, &found), DB_OK);
    return n;
}

static char *
path_of(struct fx *x, const char *hash)
{
    return arena_printf(x->a, "%s/%.2s/%s", x->dir, hash, hash + 2);
}

static void
get_ok(struct fx *x, const char *hash, const void *want, size_t n)
{
    struct strbuf out;
    strbuf_init(&out, x->a, 0);
    assert_int_equal(blob_get(&x->c, hash, &out), ERR_OK);
    assert_int_equal(out.len, n);
    if (n)
        assert_memory_equal(out.buf, want, n);
}

static void
roundtrip(struct fx *x, const void *data, size_t n)
{
    char h[BLOB_HASH_LEN + 1];
    assert_int_equal(blob_put(&x->c, data, n, h), ERR_OK);
    assert_true(blob_hash_valid(h));
    get_ok(x, h, data, n);
    int64_t size = -1;
    assert_int_equal(blob_size(&x->c, h, &size), ERR_OK);
    assert_int_equal(size, (int64_t)n);
}

static void
test_roundtrip(void **state)
{
    struct fx *x = *state;
    roundtrip(x, "", 0);
    roundtrip(x, "hello", 5);
    const char *ja = "日本語のテキスト。添付ファイル";
    roundtrip(x, ja, strlen(ja));
    size_t n = 1 << 20; /* compressible: zstd path */
    char *big = malloc(n);
    for (size_t i = 0; i < n; i++)
        big[i] = "abcabcabd\n"[i % 10];
    roundtrip(x, big, n);
    sec_random(big, 200000); /* incompressible: raw path, several chunks */
    roundtrip(x, big, 200000);
    free(big);
    assert_int_equal(count(x, "SELECT count(*) FROM blobs"), 5);
}

static void
test_dedup(void **state)
{
    struct fx *x = *state;
    char h1[BLOB_HASH_LEN + 1], h2[BLOB_HASH_LEN + 1], h3[BLOB_HASH_LEN + 1];
    assert_int_equal(blob_put(&x->c, "same", 4, h1), ERR_OK);
    x->c.now += 100;
    assert_int_equal(blob_put(&x->c, "same", 4, h2), ERR_OK);
    assert_int_equal(blob_put(&x->c, "other", 5, h3), ERR_OK);
    assert_string_equal(h1, h2);
    assert_string_not_equal(h1, h3);
    assert_int_equal(count(x, "SELECT count(*) FROM blobs"), 2);
    assert_int_equal(count(x, "SELECT min(created_at) FROM blobs"), 1700000000);
    if (files_mode(x)) {
        struct stat st;
        assert_int_equal(stat(path_of(x, h1), &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        /* no temp files left behind */
        DIR *d = opendir(arena_printf(x->a, "%s/%.2s", x->dir, h1));
        assert_non_null(d);
        int n = 0;
        struct dirent *de;
        while ((de = readdir(d)))
            if (de->d_name[0] != '.' || (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")))
                n++;
        closedir(d);
        assert_int_equal(n, 1);
    }
}

/* The address is keyed: not the plain BLAKE2b (which would reveal known content), and
 * different per master key. */
static void
test_address_keyed(void **state)
{
    struct fx *x = *state;
    char h1[BLOB_HASH_LEN + 1], h2[BLOB_HASH_LEN + 1], plain[SEC_HEX256_MAX];
    assert_int_equal(blob_put(&x->c, "content", 7, h1), ERR_OK);
    sec_token_hash("content", 7, plain);
    assert_string_not_equal(h1, plain);
    blob_shutdown();
    assert_int_equal(blob_init(use_blob_dir ? x->dir : NULL, key2), 0);
    assert_int_equal(blob_put(&x->c, "content", 7, h2), ERR_OK);
    assert_string_not_equal(h1, h2);
    /* and key2 cannot read key1's blob */
    struct strbuf out;
    strbuf_init(&out, x->a, 0);
    assert_int_equal(blob_get(&x->c, h1, &out), ERR_INTERNAL);
    assert_int_equal(out.len, 0);
    assert_int_equal(x->f.code, ERR_INTERNAL);
}

/* Reads the stored ciphertext (file or row). */
static struct strbuf
stored(struct fx *x, const char *hash)
{
    struct strbuf sb;
    strbuf_init(&sb, x->a, 0);
    if (files_mode(x)) {
        FILE *f = fopen(path_of(x, hash), "rb");
        assert_non_null(f);
        char buf[4096];
        size_t r;
        while ((r = fread(buf, 1, sizeof(buf), f)) > 0)
            strbuf_add(&sb, buf, r);
        fclose(f);
        assert_int_equal(count(x, "SELECT count(*) FROM blobs WHERE data IS NULL"),
                         count(x, "SELECT count(*) FROM blobs"));
    } else {
        struct db_param p[] = { DBP_TEXT(hash) };
        struct db_res *res;
        assert_int_equal(db_query(x->c.db, "SELECT data FROM blobs WHERE hash = $1", p, 1, &res), DB_OK);
        assert_int_equal(db_step(res), 1);
        assert_false(db_col_null(res, 0));
        strbuf_add(&sb, db_col_blob(res, 0), db_col_len(res, 0));
        db_res_free(res);
    }
    return sb;
}

static void
store(struct fx *x, const char *hash, const void *p, size_t n)
{
    if (files_mode(x)) {
        FILE *f = fopen(path_of(x, hash), "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(p, 1, n, f), n);
        fclose(f);
    } else {
        struct db_param q[] = { DBP_BLOB(p, n), DBP_TEXT(hash) };
        assert_int_equal(db_exec(x->c.db, "UPDATE blobs SET data = $1 WHERE hash = $2", q, 2, NULL),
                         DB_OK);
    }
}

static void
test_encrypted_at_rest(void **state)
{
    struct fx *x = *state;
    const char *secret = "TOP-SECRET-MARKER TOP-SECRET-MARKER TOP-SECRET-MARKER";
    char h[BLOB_HASH_LEN + 1];
    assert_int_equal(blob_put(&x->c, secret, strlen(secret), h), ERR_OK);
    struct strbuf ct = stored(x, h);
    assert_true(ct.len > 24);
    assert_null(memmem(ct.buf, ct.len, "TOP-SECRET", 10));
}

static void
expect_corrupt(struct fx *x, const char *hash)
{
    struct strbuf out;
    strbuf_init(&out, x->a, 0);
    strbuf_adds(&out, "pre");
    fail_init(&x->f, x->a, LANG_EN);
    assert_int_equal(blob_get(&x->c, hash, &out), ERR_INTERNAL);
    assert_string_equal(out.buf, "pre");
    assert_int_equal(x->f.code, ERR_INTERNAL);
}

static void
test_tamper(void **state)
{
    struct fx *x = *state;
    char h[BLOB_HASH_LEN + 1];
    assert_int_equal(blob_put(&x->c, "precious data", 13, h), ERR_OK);
    struct strbuf orig = stored(x, h);
    char *t = arena_memdup(x->a, orig.buf, orig.len);
    t[orig.len / 2] ^= 0x20;
    store(x, h, t, orig.len);
    expect_corrupt(x, h);
    store(x, h, orig.buf, orig.len - 1); /* truncated */
    expect_corrupt(x, h);
    store(x, h, orig.buf, orig.len); /* restored: readable again */
    get_ok(x, h, "precious data", 13);
}

/* A valid ciphertext under the right key but for another address must not be accepted:
 * blob_get verifies the content against its address. */
static void
test_swapped_content(void **state)
{
    struct fx *x = *state;
    char ha[BLOB_HASH_LEN + 1], hb[BLOB_HASH_LEN + 1];
    assert_int_equal(blob_put(&x->c, "AAAA", 4, ha), ERR_OK);
    assert_int_equal(blob_put(&x->c, "BBBB", 4, hb), ERR_OK);
    struct strbuf b = stored(x, hb);
    store(x, ha, b.buf, b.len);
    expect_corrupt(x, ha);
}

static void
test_not_found(void **state)
{
    struct fx *x = *state;
    struct strbuf out;
    strbuf_init(&out, x->a, 0);
    const char *bad[] = { "0000000000000000000000000000000000000000000000000000000000000000",
                          "../../../../etc/passwd", "", "abc",
                          "0000000000000000000000000000000000000000000000000000000000000000/",
                          "ABCDEF0000000000000000000000000000000000000000000000000000000000" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(blob_get(&x->c, bad[i], &out), ERR_FILE_NOT_FOUND);
        int64_t size;
        assert_int_equal(blob_size(&x->c, bad[i], &size), ERR_FILE_NOT_FOUND);
    }
    assert_int_equal(blob_get(&x->c, NULL, &out), ERR_FILE_NOT_FOUND);
    assert_int_equal(x->f.code, ERR_OK); /* the caller reports not-found with its own key */
    assert_false(blob_hash_valid(NULL));
}

static void
test_capped_output(void **state)
{
    struct fx *x = *state;
    char h[BLOB_HASH_LEN + 1];
    char data[1000];
    memset(data, 'x', sizeof(data));
    assert_int_equal(blob_put(&x->c, data, sizeof(data), h), ERR_OK);
    struct strbuf out;
    strbuf_init(&out, x->a, 100);
    assert_int_equal(blob_get(&x->c, h, &out), ERR_TOO_LARGE);
}

static void
insert_file_row(struct fx *x, const char *key, const char *hash)
{
    struct db_param p[] = { DBP_TEXT(key), DBP_TEXT(hash) };
    assert_int_equal(db_exec(x->c.db,
                             "INSERT INTO files (file_key, blob_hash, name, content_type, size, "
                             "creator, created_at) VALUES ($1, $2, 'n', 't', 0, 'u', 0)",
                             p, 2, NULL),
                     DB_OK);
}

static void
test_delete_unreferenced(void **state)
{
    struct fx *x = *state;
    char ha[BLOB_HASH_LEN + 1], hb[BLOB_HASH_LEN + 1];
    assert_int_equal(blob_put(&x->c, "kept", 4, ha), ERR_OK);
    assert_int_equal(blob_put(&x->c, "orphan", 6, hb), ERR_OK);
    insert_file_row(x, "k1", ha);
    int64_t n = -1;
    assert_int_equal(blob_delete_unreferenced(&x->c, &n), ERR_OK);
    assert_int_equal(n, 1);
    get_ok(x, ha, "kept", 4);
    struct strbuf out;
    strbuf_init(&out, x->a, 0);
    assert_int_equal(blob_get(&x->c, hb, &out), ERR_FILE_NOT_FOUND);
    if (files_mode(x)) {
        assert_int_equal(access(path_of(x, hb), F_OK), -1);
        assert_int_equal(access(path_of(x, ha), F_OK), 0);
    }
    assert_int_equal(blob_delete_unreferenced(&x->c, &n), ERR_OK);
    assert_int_equal(n, 0);
    /* not allowed inside a transaction */
    assert_int_equal(db_begin(x->c.db, true), DB_OK);
    assert_int_equal(blob_delete_unreferenced(&x->c, NULL), ERR_INTERNAL);
    assert_int_equal(db_rollback(x->c.db), DB_OK);
}

/* Crash between unlink and COMMIT: the row survives, the file does not. Putting the same
 * content again must restore the file instead of trusting the row. */
static void
test_repair_missing_file(void **state)
{
    struct fx *x = *state;
    if (!files_mode(x))
        skip();
    char h[BLOB_HASH_LEN + 1];
    assert_int_equal(blob_put(&x->c, "phoenix", 7, h), ERR_OK);
    assert_int_equal(unlink(path_of(x, h)), 0);
    expect_corrupt(x, h);
    assert_int_equal(blob_put(&x->c, "phoenix", 7, h), ERR_OK);
    get_ok(x, h, "phoenix", 7);
    assert_int_equal(count(x, "SELECT count(*) FROM blobs"), 1);
}

/* blob_put joins the caller's transaction: a rollback takes the row with it. */
static void
test_caller_tx(void **state)
{
    struct fx *x = *state;
    char h[BLOB_HASH_LEN + 1];
    assert_int_equal(db_begin(x->c.db, true), DB_OK);
    assert_int_equal(blob_put(&x->c, "rolled back", 11, h), ERR_OK);
    assert_true(db_in_tx(x->c.db));
    assert_int_equal(db_rollback(x->c.db), DB_OK);
    assert_int_equal(count(x, "SELECT count(*) FROM blobs"), 0);
    assert_int_equal(db_begin(x->c.db, true), DB_OK);
    assert_int_equal(blob_put(&x->c, "committed", 9, h), ERR_OK);
    assert_int_equal(db_commit(x->c.db), DB_OK);
    get_ok(x, h, "committed", 9);
}

static void
test_uninitialised(void **state)
{
    struct fx *x = *state;
    blob_shutdown();
    char h[BLOB_HASH_LEN + 1];
    assert_int_equal(blob_put(&x->c, "x", 1, h), ERR_INTERNAL);
    assert_string_equal(h, "");
}

/* Stored form: copied out unchanged, written back only when it decrypts to its address. */
static void
test_stored_form(void **state)
{
    struct fx *x = *state;
    char h[BLOB_HASH_LEN + 1], h2[BLOB_HASH_LEN + 1];
    assert_int_equal(blob_put(&x->c, "stored form", 11, h), ERR_OK);
    assert_int_equal(blob_put(&x->c, "other", 5, h2), ERR_OK);
    struct strbuf st;
    strbuf_init(&st, x->a, 0);
    assert_int_equal(blob_stored_get(&x->c, h, &st), ERR_OK);
    assert_int_equal(st.len, sec_encrypted_len(1 + 11));
    struct strbuf none;
    strbuf_init(&none, x->a, 0);
    assert_int_equal(blob_stored_get(&x->c, "00000000000000000000000000000000000000000000000000"
                                            "00000000000000", &none), ERR_FILE_NOT_FOUND);
    /* a wrong address, tampered bytes, another master key: refused, nothing written */
    assert_int_equal(blob_stored_put(&x->c, h2, st.buf, st.len), ERR_INVALID);
    char *bad = arena_alloc(x->a, st.len);
    memcpy(bad, st.buf, st.len);
    bad[st.len - 3] ^= 1;
    assert_int_equal(blob_stored_put(&x->c, h, bad, st.len), ERR_INVALID);
    get_ok(x, h2, "other", 5);
    /* gone (row and data) and written back */
    assert_int_equal(db_exec_script(x->c.db, "DELETE FROM blobs"), DB_OK);
    if (files_mode(x))
        assert_int_equal(unlink(path_of(x, h)), 0);
    struct strbuf out;
    strbuf_init(&out, x->a, 0);
    assert_int_equal(blob_get(&x->c, h, &out), ERR_FILE_NOT_FOUND);
    assert_int_equal(blob_stored_put(&x->c, h, st.buf, st.len), ERR_OK);
    get_ok(x, h, "stored form", 11);
    int64_t size = 0;
    assert_int_equal(blob_size(&x->c, h, &size), ERR_OK);
    assert_int_equal(size, 11);
    /* row present with data NULL (a snapshot import): written again, idempotent */
    assert_int_equal(db_exec_script(x->c.db, "UPDATE blobs SET data = NULL"), DB_OK);
    if (files_mode(x))
        assert_int_equal(unlink(path_of(x, h)), 0);
    assert_int_equal(blob_stored_put(&x->c, h, st.buf, st.len), ERR_OK);
    assert_int_equal(blob_stored_put(&x->c, h, st.buf, st.len), ERR_OK);
    get_ok(x, h, "stored form", 11);
    assert_int_equal(count(x, "SELECT count(*) FROM blobs"), 1);
}

#define BLOB_TESTS                                                                                 \
    cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),                             \
        cmocka_unit_test_setup_teardown(test_dedup, setup, teardown),                             \
        cmocka_unit_test_setup_teardown(test_address_keyed, setup, teardown),                     \
        cmocka_unit_test_setup_teardown(test_encrypted_at_rest, setup, teardown),                 \
        cmocka_unit_test_setup_teardown(test_tamper, setup, teardown),                            \
        cmocka_unit_test_setup_teardown(test_swapped_content, setup, teardown),                   \
        cmocka_unit_test_setup_teardown(test_not_found, setup, teardown),                         \
        cmocka_unit_test_setup_teardown(test_capped_output, setup, teardown),                     \
        cmocka_unit_test_setup_teardown(test_delete_unreferenced, setup, teardown),               \
        cmocka_unit_test_setup_teardown(test_repair_missing_file, setup, teardown),               \
        cmocka_unit_test_setup_teardown(test_caller_tx, setup, teardown),                         \
        cmocka_unit_test_setup_teardown(test_stored_form, setup, teardown),                       \
        cmocka_unit_test_setup_teardown(test_uninitialised, setup, teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = { BLOB_TESTS };
    int failed = cmocka_run_group_tests_name("blob (sqlite, blob files)", tests, setup_all,
                                             teardown_all);
    use_blob_dir = false;
    failed += cmocka_run_group_tests_name("blob (sqlite, in database)", tests, setup_all,
                                          teardown_all);
    const char *dsn = getenv("TEST_PG_DSN");
    if (dsn && *dsn) {
        backend = dsn;
        use_blob_dir = true; /* ignored on PostgreSQL: data goes to blobs.data */
        failed += cmocka_run_group_tests_name("blob (postgresql)", tests, setup_all, teardown_all);
    }
    return failed;
}
