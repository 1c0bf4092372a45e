/* Unit tests for src/db: the backend-neutral API of db.h run against SQLite (:memory: and a temp
 * file) and, when TEST_PG_DSN is set, against PostgreSQL, plus PostgreSQL-only behaviour
 * (session settings, aborted transactions, lock/timeouts → DB_BUSY, reconnect after the backend
 * was killed, multi-host conninfo, bounded statement cache). PostgreSQL tests own the database
 * they are given: every test starts from an empty public schema. */
#include "db/db.h"

#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

/* generated table of migrations (build/gen/migrations.c); numbers may have gaps (reserved) */
struct migration { int version; const char *name; const char *sqlite; const char *pg; };
extern const struct migration db_migrations[];
extern const int db_migrations_count;
#define LAST_MIGRATION (db_migrations[db_migrations_count - 1].version)

struct backend {
    const char *name;
    const char *url; /* NULL: temp file below */
};

static const struct backend *cur;
static char tmpdir[64];
static char sqlite_file[96];
static const char *pg_dsn;

/* ---- fixtures ---- */

static struct db *
open_cur(void)
{
    struct db *db = NULL;
    char *err = NULL;
    const char *url = cur->url ? cur->url : sqlite_file;
    int rc = db_open(url, &db, &err);
    if (rc != DB_OK) {
        fprintf(stderr, "cannot open %s: %s\n", url, err ? err : "?");
        free(err);
        return NULL;
    }
    return db;
}

static void
remove_sqlite_files(void)
{
    const char *suffix[] = { "", "-wal", "-shm", "-journal" };
    for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
        char p[128];
        snprintf(p, sizeof(p), "%s%s", sqlite_file, suffix[i]);
        unlink(p);
    }
}

static int
setup(void **state)
{
    if (!cur->url)
        remove_sqlite_files();
    struct db *db = open_cur();
    if (!db)
        return -1;
    if (db_kind(db) == DB_PG &&
        db_exec_script(db, "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;") !=
            DB_OK) {
        fprintf(stderr, "cannot reset schema: %s\n", db_errmsg(db));
        db_close(db);
        return -1;
    }
    *state = db;
    return 0;
}

static int
teardown(void **state)
{
    db_close(*state);
    if (!cur->url)
        remove_sqlite_files();
    return 0;
}

static int
setup_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/mado-test-db-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(sqlite_file, sizeof(sqlite_file), "%s/test.db", tmpdir);
    return 0;
}

static int
teardown_tmpdir(void **state)
{
    (void)state;
    remove_sqlite_files();
    return rmdir(tmpdir);
}

static bool
is_pg(struct db *db)
{
    return db_kind(db) == DB_PG;
}

/* A table with one column of each storage class. */
static void
make_table(struct db *db)
{
    const char *sql = is_pg(db) ? "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, i BIGINT,"
                                  " r DOUBLE PRECISION, s TEXT UNIQUE, b BYTEA)"
                                : "CREATE TABLE t (id INTEGER PRIMARY KEY, i BIGINT,"
                                  " r DOUBLE PRECISION, s TEXT UNIQUE, b BLOB)";
    assert_int_equal(db_exec(db, sql, NULL, 0, NULL), DB_OK);
}

static int64_t
count_t(struct db *db)
{
    int64_t n = -1;
    bool found = false;
    assert_int_equal(db_query_int(db, "SELECT COUNT(*) FROM t", NULL, 0, &n, &found), DB_OK);
    assert_true(found);
    return n;
}

static void
migrate_ok(struct db *db)
{
    char *err = NULL;
    int rc = db_migrate(db, &err);
    if (rc != DB_OK)
        fprintf(stderr, "migrate: %s\n", err ? err : "?");
    free(err);
    assert_int_equal(rc, DB_OK);
}

/* ---- common tests (every backend) ---- */

static void
test_placeholder_order(void **state)
{
    struct db *db = *state;
    make_table(db);
    struct db_param p[] = { DBP_INT(7), DBP_TEXT("seven") };
    assert_int_equal(db_exec(db, "INSERT INTO t (s, i) VALUES ($2, $1)", p, 2, NULL), DB_OK);
    struct db_res *r = NULL;
    assert_int_equal(db_query(db, "SELECT i, s FROM t", NULL, 0, &r), DB_OK);
    assert_int_equal(db_step(r), 1);
    assert_int_equal(db_col_int(r, 0), 7);
    assert_string_equal(db_col_text(r, 1), "seven");
    assert_int_equal(db_step(r), 0);
    db_res_free(r);

    struct db_param q[] = { DBP_TEXT("one"), DBP_TEXT("two"), DBP_TEXT("three") };
    assert_int_equal(db_query(db, "SELECT $3, $1, $2, $1", q, 3, &r), DB_OK);
    assert_int_equal(db_step(r), 1);
    assert_int_equal(db_ncols(r), 4);
    assert_string_equal(db_col_text(r, 0), "three");
    assert_string_equal(db_col_text(r, 1), "one");
    assert_string_equal(db_col_text(r, 2), "two");
    assert_string_equal(db_col_text(r, 3), "one");
    db_res_free(r);

    /* a '$1' inside a string literal is text, not a placeholder */
    struct db_param one[] = { DBP_TEXT("x") };
    assert_int_equal(db_query(db, "SELECT '$1', $1", one, 1, &r), DB_OK);
    assert_int_equal(db_step(r), 1);
    assert_string_equal(db_col_text(r, 0), "$1");
    assert_string_equal(db_col_text(r, 1), "x");
    db_res_free(r);
}

static void
test_roundtrip_null(void **state)
{
    struct db *db = *state;
    make_table(db);
    struct db_param p[] = { DBP_NULL, DBP_NULL, DBP_TEXT(NULL), DBP_NULL };
    assert_int_equal(db_exec(db, "INSERT INTO t (i, r, s, b) VALUES ($1, $2, $3, $4)", p, 4, NULL),
                     DB_OK);
    struct db_res *r = NULL;
    assert_int_equal(db_query(db, "SELECT i, r, s, b FROM t", NULL, 0, &r), DB_OK);
    assert_int_equal(db_step(r), 1);
    for (int c = 0; c < 4; c++) {
        assert_true(db_col_null(r, c));
        assert_string_equal(db_col_text(r, c), "");
        assert_int_equal(db_col_int(r, c), 0);
        assert_int_equal(db_col_len(r, c), 0);
    }
    assert_null(db_col_blob(r, 3));
    db_res_free(r);

    /* "" is not NULL */
    struct db_param e[] = { DBP_TEXT("") };
    assert_int_equal(db_exec(db, "UPDATE t SET s = $1", e, 1, NULL), DB_OK);
    int64_t n = 0;
    bool found = false;
    assert_int_equal(db_query_int(db, "SELECT COUNT(*) FROM t WHERE s IS NOT NULL AND s = ''", NULL,
                                  0, &n, &found),
                     DB_OK);
    assert_int_equal(n, 1);
}

static void
test_roundtrip_int(void **state)
{
    struct db *db = *state;
    make_table(db);
    const int64_t v[] = { 0, 1, -1, 42, INT32_MAX + 1LL, INT64_MAX, INT64_MIN };
    const int nv = (int)(sizeof(v) / sizeof(v[0]));
    for (int k = 0; k < nv; k++) {
        struct db_param p[] = { DBP_INT(k), DBP_INT(v[k]) };
        assert_int_equal(db_exec(db, "INSERT INTO t (id, i) VALUES ($1 + 1, $2)", p, 2, NULL),
                         DB_OK);
    }
    struct db_res *r = NULL;
    assert_int_equal(db_query(db, "SELECT i FROM t ORDER BY id", NULL, 0, &r), DB_OK);
    for (int k = 0; k < nv; k++) {
        assert_int_equal(db_step(r), 1);
        assert_false(db_col_null(r, 0));
        assert_true(db_col_int(r, 0) == v[k]);
        assert_true(db_col_real(r, 0) == (double)v[k]);
    }
    assert_int_equal(db_step(r), 0);
    db_res_free(r);

    /* an int parameter where the other side is a real column */
    struct db_param p[] = { DBP_INT(3) };
    assert_int_equal(db_exec(db, "UPDATE t SET r = $1", p, 1, NULL), DB_OK);
    assert_int_equal(db_query(db, "SELECT r FROM t LIMIT 1", NULL, 0, &r), DB_OK);
    assert_int_equal(db_step(r), 1);
    assert_true(db_col_real(r, 0) == 3.0);
    assert_int_equal(db_col_int(r, 0), 3);
    db_res_free(r);
}

static void
test_roundtrip_real(void **state)
{
    struct db *db = *state;
    make_table(db);
    const double v[] = { 0.0,
                         0.1,
                         -2.5,
                         3.141592653589793,
                         1e-300,
                         1.7976931348623157e308,
                         -123456789.123456789,
                         2.0 / 3.0 };
    const int nv = (int)(sizeof(v) / sizeof(v[0]));
    for (int k = 0; k < nv; k++) {
        struct db_param p[] = { DBP_INT(k + 1), DBP_REAL(v[k]) };
        assert_int_equal(db_exec(db, "INSERT INTO t (id, r) VALUES ($1, $2)", p, 2, NULL), DB_OK);
    }
    struct db_res *r = NULL;
    assert_int_equal(db_query(db, "SELECT r FROM t ORDER BY id", NULL, 0, &r), DB_OK);
    for (int k = 0; k < nv; k++) {
        assert_int_equal(db_step(r), 1);
        assert_true(db_col_real(r, 0) == v[k]); /* bit-exact round trip */
    }
    db_res_free(r);

    /* a real parameter compared in SQL */
    struct db_param p[] = { DBP_REAL(0.05) };
    int64_t n = 0;
    assert_int_equal(db_query_int(db, "SELECT COUNT(*) FROM t WHERE r > $1", p, 1, &n, NULL),
                     DB_OK);
    assert_int_equal(n, 4);
}

static void
test_roundtrip_text(void **state)
{
    struct db *db = *state;
    make_table(db);
    const char *ja = "申請書「住民票の写し」①㈱ 𠮷野家 🎌 ｶﾀｶﾅ";
    /* not NUL-terminated after 5 bytes: DBP_TEXTN must respect the length */
    const char buf[] = { 'h', 'e', 'l', 'l', 'o', 'X', 'Y', 'Z' };
    struct db_param p1[] = { DBP_INT(1), DBP_TEXT(ja) };
    struct db_param p2[] = { DBP_INT(2), DBP_TEXTN(buf, 5) };
    struct db_param p3[] = { DBP_INT(3), DBP_TEXT("quote ' \" \\ $1 ?1 %s") };
    assert_int_equal(db_exec(db, "INSERT INTO t (id, s) VALUES ($1, $2)", p1, 2, NULL), DB_OK);
    assert_int_equal(db_exec(db, "INSERT INTO t (id, s) VALUES ($1, $2)", p2, 2, NULL), DB_OK);
    assert_int_equal(db_exec(db, "INSERT INTO t (id, s) VALUES ($1, $2)", p3, 2, NULL), DB_OK);

    struct db_res *r = NULL;
    assert_int_equal(db_query(db, "SELECT s, length(s) FROM t ORDER BY id", NULL, 0, &r), DB_OK);
    assert_int_equal(db_step(r), 1);
    assert_string_equal(db_col_text(r, 0), ja);
    assert_int_equal(db_col_len(r, 0), strlen(ja));
    assert_int_equal(db_col_int(r, 1), 24); /* characters, not bytes: both engines UTF-8 */
    assert_int_equal(db_step(r), 1);
    assert_string_equal(db_col_text(r, 0), "hello");
    assert_int_equal(db_col_len(r, 0), 5);
    assert_int_equal(db_step(r), 1);
    assert_string_equal(db_col_text(r, 0), "quote ' \" \\ $1 ?1 %s");
    db_res_free(r);

    /* lookup by Japanese text */
    struct db_param k[] = { DBP_TEXT(ja) };
    int64_t id = 0;
    bool found = false;
    assert_int_equal(db_query_int(db, "SELECT id FROM t WHERE s = $1", k, 1, &id, &found), DB_OK);
    assert_true(found);
    assert_int_equal(id, 1);
}

static void
test_roundtrip_blob(void **state)
{
    struct db *db = *state;
    make_table(db);
    unsigned char bin[512];
    for (size_t i = 0; i < sizeof(bin); i++)
        bin[i] = (unsigned char)(i * 7 + (i >> 8));
    bin[0] = 0;
    bin[100] = 0;
    bin[511] = 0;
    struct db_param p1[] = { DBP_INT(1), DBP_BLOB(bin, sizeof(bin)) };
    struct db_param p2[] = { DBP_INT(2), DBP_BLOB("", 0) };
    struct db_param p3[] = { DBP_INT(3), DBP_BLOB("\0\0\0", 3) };
    assert_int_equal(db_exec(db, "INSERT INTO t (id, b) VALUES ($1, $2)", p1, 2, NULL), DB_OK);
    assert_int_equal(db_exec(db, "INSERT INTO t (id, b) VALUES ($1, $2)", p2, 2, NULL), DB_OK);
    assert_int_equal(db_exec(db, "INSERT INTO t (id, b) VALUES ($1, $2)", p3, 2, NULL), DB_OK);

    struct db_res *r = NULL;
    assert_int_equal(db_query(db, "SELECT b, id FROM t ORDER BY id", NULL, 0, &r), DB_OK);
    assert_int_equal(db_step(r), 1);
    assert_false(db_col_null(r, 0));
    assert_int_equal(db_col_len(r, 0), sizeof(bin));
    assert_memory_equal(db_col_blob(r, 0), bin, sizeof(bin));
    assert_int_equal(db_col_int(r, 1), 1);
    assert_int_equal(db_step(r), 1);
    assert_false(db_col_null(r, 0)); /* empty blob is not NULL */
    assert_int_equal(db_col_len(r, 0), 0);
    assert_int_equal(db_step(r), 1);
    assert_int_equal(db_col_len(r, 0), 3);
    assert_memory_equal(db_col_blob(r, 0), "\0\0\0", 3);
    assert_int_equal(db_step(r), 0);
    db_res_free(r);

    /* blob as a lookup key */
    int64_t id = 0;
    bool found = false;
    assert_int_equal(db_query_int(db, "SELECT id FROM t WHERE b = $1", p1 + 1, 1, &id, &found),
                     DB_OK);
    assert_true(found);
    assert_int_equal(id, 1);
}

static void
test_transactions(void **state)
{
    struct db *db = *state;
    make_table(db);
    struct db_param p[] = { DBP_TEXT("a") };
    assert_false(db_in_tx(db));
    assert_int_equal(db_begin(db, true), DB_OK);
    assert_true(db_in_tx(db));
    assert_int_equal(db_exec(db, "INSERT INTO t (s) VALUES ($1)", p, 1, NULL), DB_OK);
    assert_int_equal(count_t(db), 1); /* own writes visible */
    assert_int_equal(db_rollback(db), DB_OK);
    assert_false(db_in_tx(db));
    assert_int_equal(count_t(db), 0);
    assert_int_equal(db_rollback(db), DB_OK); /* no-op outside a transaction */

    assert_int_equal(db_begin(db, true), DB_OK);
    assert_int_equal(db_exec(db, "INSERT INTO t (s) VALUES ($1)", p, 1, NULL), DB_OK);
    assert_int_equal(db_commit(db), DB_OK);
    assert_false(db_in_tx(db));
    assert_int_equal(count_t(db), 1);

    /* read transaction */
    assert_int_equal(db_begin(db, false), DB_OK);
    assert_int_equal(count_t(db), 1);
    assert_int_equal(db_commit(db), DB_OK);
}

static void
test_constraints(void **state)
{
    struct db *db = *state;
    assert_int_equal(db_exec_script(db, "CREATE TABLE p (id BIGINT PRIMARY KEY,"
                                        " n BIGINT NOT NULL CHECK (n >= 0));"
                                        "CREATE TABLE c (id BIGINT PRIMARY KEY,"
                                        " p_id BIGINT NOT NULL REFERENCES p(id));"),
                     DB_OK);
    struct db_param ok[] = { DBP_INT(1), DBP_INT(5) };
    assert_int_equal(db_exec(db, "INSERT INTO p (id, n) VALUES ($1, $2)", ok, 2, NULL), DB_OK);
    /* unique / primary key */
    assert_int_equal(db_exec(db, "INSERT INTO p (id, n) VALUES ($1, $2)", ok, 2, NULL),
                     DB_CONSTRAINT);
    assert_true(strlen(db_errmsg(db)) > 0);
    /* not null */
    struct db_param nul[] = { DBP_INT(2), DBP_NULL };
    assert_int_equal(db_exec(db, "INSERT INTO p (id, n) VALUES ($1, $2)", nul, 2, NULL),
                     DB_CONSTRAINT);
    /* check */
    struct db_param neg[] = { DBP_INT(3), DBP_INT(-1) };
    assert_int_equal(db_exec(db, "INSERT INTO p (id, n) VALUES ($1, $2)", neg, 2, NULL),
                     DB_CONSTRAINT);
    /* foreign key */
    struct db_param fk[] = { DBP_INT(1), DBP_INT(99) };
    assert_int_equal(db_exec(db, "INSERT INTO c (id, p_id) VALUES ($1, $2)", fk, 2, NULL),
                     DB_CONSTRAINT);
    /* the connection is fine afterwards */
    struct db_param good[] = { DBP_INT(1), DBP_INT(1) };
    assert_int_equal(db_exec(db, "INSERT INTO c (id, p_id) VALUES ($1, $2)", good, 2, NULL), DB_OK);

    /* inside a transaction: constraint error, then rollback, nothing left behind */
    assert_int_equal(db_begin(db, true), DB_OK);
    struct db_param two[] = { DBP_INT(2), DBP_INT(2) };
    assert_int_equal(db_exec(db, "INSERT INTO p (id, n) VALUES ($1, $2)", two, 2, NULL), DB_OK);
    assert_int_equal(db_exec(db, "INSERT INTO p (id, n) VALUES ($1, $2)", two, 2, NULL),
                     DB_CONSTRAINT);
    assert_int_equal(db_rollback(db), DB_OK);
    int64_t n = 0;
    assert_int_equal(db_query_int(db, "SELECT COUNT(*) FROM p", NULL, 0, &n, NULL), DB_OK);
    assert_int_equal(n, 1);
}

/* A deferred foreign key is checked at COMMIT: the failed commit must be reported (and the
 * transaction closed), on both engines. */
static void
test_failed_commit(void **state)
{
    struct db *db = *state;
    assert_int_equal(db_exec_script(db, "CREATE TABLE p (id BIGINT PRIMARY KEY);"
                                        "CREATE TABLE c (id BIGINT PRIMARY KEY, p_id BIGINT"
                                        " REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED);"),
                     DB_OK);
    assert_int_equal(db_begin(db, true), DB_OK);
    struct db_param fk[] = { DBP_INT(1), DBP_INT(99) };
    assert_int_equal(db_exec(db, "INSERT INTO c (id, p_id) VALUES ($1, $2)", fk, 2, NULL), DB_OK);
    assert_int_equal(db_commit(db), DB_CONSTRAINT);
    assert_false(db_in_tx(db));
    int64_t n = -1;
    assert_int_equal(db_query_int(db, "SELECT COUNT(*) FROM c", NULL, 0, &n, NULL), DB_OK);
    assert_int_equal(n, 0);
    /* and a new transaction works */
    assert_int_equal(db_begin(db, true), DB_OK);
    assert_int_equal(db_exec(db, "INSERT INTO p (id) VALUES (99)", NULL, 0, NULL), DB_OK);
    assert_int_equal(db_exec(db, "INSERT INTO c (id, p_id) VALUES ($1, $2)", fk, 2, NULL), DB_OK);
    assert_int_equal(db_commit(db), DB_OK);
}

static void
test_query_int(void **state)
{
    struct db *db = *state;
    make_table(db);
    struct db_param p[] = { DBP_INT(10), DBP_TEXT("x") };
    assert_int_equal(db_exec(db, "INSERT INTO t (i, s) VALUES ($1, $2)", p, 2, NULL), DB_OK);
    int64_t v = 0;
    bool found = false;
    assert_int_equal(db_query_int(db, "SELECT i FROM t WHERE s = $1", p + 1, 1, &v, &found), DB_OK);
    assert_true(found);
    assert_int_equal(v, 10);
    struct db_param miss[] = { DBP_TEXT("nope") };
    v = 77;
    assert_int_equal(db_query_int(db, "SELECT i FROM t WHERE s = $1", miss, 1, &v, &found), DB_OK);
    assert_false(found);
    assert_int_equal(v, 77); /* untouched */
    assert_int_equal(db_query_int(db, "SELECT MAX(i) FROM t WHERE s = $1", miss, 1, &v, &found),
                     DB_OK);
    assert_true(found); /* aggregate row with NULL */
    assert_int_equal(v, 0);
    /* booleans read as 1/0 on both engines */
    assert_int_equal(db_query_int(db, "SELECT 1 = 1", NULL, 0, &v, NULL), DB_OK);
    assert_int_equal(v, 1);
    struct db_res *r = NULL;
    assert_int_equal(db_query(db, "SELECT 1 = 1, 1 = 2", NULL, 0, &r), DB_OK);
    assert_int_equal(db_step(r), 1);
    assert_string_equal(db_col_text(r, 0), "1");
    assert_string_equal(db_col_text(r, 1), "0");
    assert_true(db_col_real(r, 0) == 1.0);
    db_res_free(r);
    assert_int_equal(
        db_query_int(db, "SELECT EXISTS (SELECT 1 FROM t WHERE s = $1)", miss, 1, &v, NULL), DB_OK);
    assert_int_equal(v, 0);
}

static void
test_stmt_cache(void **state)
{
    struct db *db = *state;
    make_table(db);
    /* the same statement many times with different parameters */
    for (int k = 0; k < 500; k++) {
        char s[32];
        snprintf(s, sizeof(s), "row-%d", k);
        const char *sp = s; /* DBP_TEXT() of an array trips -Waddress */
        struct db_param p[] = { DBP_INT(k), DBP_TEXT(sp) };
        assert_int_equal(db_exec(db, "INSERT INTO t (i, s) VALUES ($1, $2)", p, 2, NULL), DB_OK);
    }
    for (int k = 0; k < 500; k += 7) {
        struct db_param p[] = { DBP_INT(k) };
        struct db_res *r = NULL;
        assert_int_equal(db_query(db, "SELECT s FROM t WHERE i = $1", p, 1, &r), DB_OK);
        assert_int_equal(db_step(r), 1);
        char want[32];
        snprintf(want, sizeof(want), "row-%d", k);
        assert_string_equal(db_col_text(r, 0), want);
        db_res_free(r);
    }
    /* more distinct statements than any cache holds, then the first ones again */
    for (int round = 0; round < 2; round++) {
        for (int k = 0; k < 300; k++) {
            char sql[80];
            snprintf(sql, sizeof(sql), "SELECT i + %d FROM t WHERE i = $1", k);
            struct db_param p[] = { DBP_INT(k) };
            int64_t v = -1;
            bool found = false;
            assert_int_equal(db_query_int(db, sql, p, 1, &v, &found), DB_OK);
            assert_true(found);
            assert_int_equal(v, 2 * k);
        }
    }
    /* two live results of the same statement */
    struct db_param a[] = { DBP_INT(1) }, b[] = { DBP_INT(2) };
    struct db_res *ra = NULL, *rb = NULL;
    assert_int_equal(db_query(db, "SELECT s FROM t WHERE i = $1", a, 1, &ra), DB_OK);
    assert_int_equal(db_query(db, "SELECT s FROM t WHERE i = $1", b, 1, &rb), DB_OK);
    assert_int_equal(db_step(rb), 1);
    assert_int_equal(db_step(ra), 1);
    assert_string_equal(db_col_text(ra, 0), "row-1");
    assert_string_equal(db_col_text(rb, 0), "row-2");
    db_res_free(ra);
    db_res_free(rb);
}

/* Other statements may run while a result is being iterated. */
static void
test_nested_and_changes(void **state)
{
    struct db *db = *state;
    make_table(db);
    for (int k = 1; k <= 5; k++) {
        struct db_param p[] = { DBP_INT(k) };
        assert_int_equal(db_exec(db, "INSERT INTO t (id, i) VALUES ($1, $1)", p, 1, NULL), DB_OK);
    }
    int64_t changes = -1;
    struct db_param lim[] = { DBP_INT(3) };
    assert_int_equal(db_exec(db, "UPDATE t SET r = 1.5 WHERE i <= $1", lim, 1, &changes), DB_OK);
    assert_int_equal(changes, 3);
    assert_int_equal(db_exec(db, "UPDATE t SET r = 2 WHERE i > 100", NULL, 0, &changes), DB_OK);
    assert_int_equal(changes, 0);

    struct db_res *r = NULL;
    int seen = 0;
    assert_int_equal(db_query(db, "SELECT id FROM t ORDER BY id", NULL, 0, &r), DB_OK);
    while (db_step(r) == 1) {
        struct db_param p[] = { DBP_INT(db_col_int(r, 0)) };
        int64_t i = 0;
        assert_int_equal(db_query_int(db, "SELECT i FROM t WHERE id = $1", p, 1, &i, NULL), DB_OK);
        assert_int_equal(i, db_col_int(r, 0));
        seen++;
    }
    db_res_free(r);
    assert_int_equal(seen, 5);
    assert_int_equal(db_exec(db, "DELETE FROM t WHERE id >= 4", NULL, 0, &changes), DB_OK);
    assert_int_equal(changes, 2);
}

static void
test_errors(void **state)
{
    struct db *db = *state;
    assert_int_equal(db_exec(db, "SELEKT 1", NULL, 0, NULL), DB_ERROR);
    assert_true(strlen(db_errmsg(db)) > 0);
    struct db_res *r = (struct db_res *)1;
    assert_int_equal(db_query(db, "SELECT * FROM no_such_table", NULL, 0, &r), DB_ERROR);
    assert_null(r);
    assert_int_equal(db_exec_script(db, "CREATE TABLE x (a INTEGER); BOGUS;"), DB_ERROR);
    /* still usable */
    int64_t v = 0;
    assert_int_equal(db_query_int(db, "SELECT 40 + 2", NULL, 0, &v, NULL), DB_OK);
    assert_int_equal(v, 42);
}

static void
test_migrate(void **state)
{
    struct db *db = *state;
    int ver = -1;
    assert_int_equal(db_schema_version(db, &ver), DB_OK);
    assert_int_equal(ver, 0);
    migrate_ok(db);
    assert_int_equal(db_schema_version(db, &ver), DB_OK);
    assert_true(db_migrations_count >= 1);
    assert_int_equal(ver, LAST_MIGRATION);
    /* second run: nothing to do */
    migrate_ok(db);
    int64_t n = 0;
    assert_int_equal(db_query_int(db, "SELECT COUNT(*) FROM schema_version", NULL, 0, &n, NULL),
                     DB_OK);
    assert_int_equal(n, db_migrations_count);
    /* every table of the schema exists and is empty */
    const char *tables[] = { "users",         "apps",          "records",    "record_revisions",
                             "record_unique", "record_search", "api_tokens", "blobs",
                             "files",         "comments",      "cursors",    "cursor_rows",
                             "settings" };
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        char sql[80];
        snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", tables[i]);
        n = -1;
        assert_int_equal(db_query_int(db, sql, NULL, 0, &n, NULL), DB_OK);
        assert_int_equal(n, 0);
    }
    /* a second connection sees the migrated schema and migrates nothing */
    struct db *db2 = open_cur();
    if (cur->url && strcmp(cur->url, ":memory:") == 0) {
        db_close(db2); /* a new :memory: connection is a different database */
        return;
    }
    assert_non_null(db2);
    migrate_ok(db2);
    assert_int_equal(db_schema_version(db2, &ver), DB_OK);
    assert_int_equal(ver, LAST_MIGRATION);
    db_close(db2);
}

static int64_t
add_app(struct db *db, const char *name)
{
    struct db_param p[] = { DBP_TEXT(name), DBP_TEXT("{}"), DBP_TEXT("{}"), DBP_TEXT("admin"),
                            DBP_INT(1700000000) };
    struct db_res *r = NULL;
    assert_int_equal(db_query(db,
                              "INSERT INTO apps (name, live, preview, creator, created_at,"
                              " modifier, modified_at) VALUES ($1, $2, $3, $4, $5, $4, $5)"
                              " RETURNING id, revision",
                              p, 5, &r),
                     DB_OK);
    assert_int_equal(db_step(r), 1);
    int64_t id = db_col_int(r, 0);
    assert_int_equal(db_col_int(r, 1), 1);
    assert_int_equal(db_step(r), 0);
    db_res_free(r);
    return id;
}

static void
test_returning(void **state)
{
    struct db *db = *state;
    migrate_ok(db);
    int64_t a = add_app(db, "申請受付");
    int64_t b = add_app(db, "second");
    assert_true(a >= 1);
    assert_int_equal(b, a + 1);
    /* UPDATE ... RETURNING hands out the new value: the record-number allocator pattern */
    struct db_param p[] = { DBP_INT(a) };
    struct db_res *r = NULL;
    assert_int_equal(db_exec(db, "INSERT INTO app_seq (app_id) VALUES ($1)", p, 1, NULL), DB_OK);
    for (int k = 1; k <= 3; k++) {
        assert_int_equal(db_query(db,
                                  "UPDATE app_seq SET next_record_id = next_record_id + 1"
                                  " WHERE app_id = $1 RETURNING next_record_id - 1",
                                  p, 1, &r),
                         DB_OK);
        assert_int_equal(db_step(r), 1);
        assert_int_equal(db_col_int(r, 0), k);
        db_res_free(r);
    }
    /* DELETE ... RETURNING with no match: no row */
    struct db_param miss[] = { DBP_INT(9999) };
    assert_int_equal(db_query(db, "DELETE FROM apps WHERE id = $1 RETURNING id", miss, 1, &r),
                     DB_OK);
    assert_int_equal(db_step(r), 0);
    db_res_free(r);
}

static void
test_upsert(void **state)
{
    struct db *db = *state;
    migrate_ok(db);
    const char *sql = "INSERT INTO settings (key, value) VALUES ($1, $2)"
                      " ON CONFLICT (key) DO UPDATE SET value = excluded.value";
    struct db_param v1[] = { DBP_TEXT("site.name"), DBP_TEXT("世田谷区") };
    struct db_param v2[] = { DBP_TEXT("site.name"), DBP_TEXT("目黒区") };
    struct db_param v3[] = { DBP_TEXT("other"), DBP_TEXT("x") };
    int64_t changes = 0;
    assert_int_equal(db_exec(db, sql, v1, 2, &changes), DB_OK);
    assert_int_equal(changes, 1);
    assert_int_equal(db_exec(db, sql, v2, 2, &changes), DB_OK);
    assert_int_equal(changes, 1);
    assert_int_equal(db_exec(db, sql, v3, 2, NULL), DB_OK);
    struct db_res *r = NULL;
    assert_int_equal(db_query(db, "SELECT key, value FROM settings ORDER BY key", NULL, 0, &r),
                     DB_OK);
    assert_int_equal(db_step(r), 1);
    assert_string_equal(db_col_text(r, 0), "other");
    assert_int_equal(db_step(r), 1);
    assert_string_equal(db_col_text(r, 0), "site.name");
    assert_string_equal(db_col_text(r, 1), "目黒区");
    assert_int_equal(db_step(r), 0);
    db_res_free(r);
    /* DO NOTHING reports no change */
    assert_int_equal(db_exec(db,
                             "INSERT INTO settings (key, value) VALUES ($1, $2)"
                             " ON CONFLICT (key) DO NOTHING",
                             v1, 2, &changes),
                     DB_OK);
    assert_int_equal(changes, 0);
}

static void
test_json_records(void **state)
{
    struct db *db = *state;
    migrate_ok(db);
    int64_t app = add_app(db, "json");
    const char *data[] = {
        "{\"氏名\":\"山田 太郎\",\"金額\":1200,\"区分\":[\"A\",\"B\"],\"日付\":\"2024-04-01\"}",
        "{\"氏名\":\"佐藤 花子\",\"金額\":350.5,\"区分\":[],\"日付\":null}",
        "{\"氏名\":\"\",\"金額\":null,\"区分\":[\"B\"],\"日付\":\"2023-12-31\"}",
    };
    for (int k = 0; k < 3; k++) {
        struct db_param p[] = { DBP_INT(app),      DBP_INT(k + 1),
                                DBP_TEXT(data[k]), DBP_TEXT(k == 0 ? "[\"sato\"]" : NULL),
                                DBP_TEXT("admin"), DBP_INT(1700000000 + k) };
        assert_int_equal(db_exec(db,
                                 "INSERT INTO records (app_id, id, revision, assignees, data,"
                                 " creator, created_at, modifier, updated_at)"
                                 " VALUES ($1, $2, 1, $4, $3, $5, $6, $5, $6)",
                                 p, 6, NULL),
                         DB_OK);
    }
    bool pg = is_pg(db);
    /* text field by key, as a bound parameter */
    const char *by_name = pg ? "SELECT id FROM records WHERE app_id = $1 AND data->>$2 = $3"
                             : "SELECT id FROM records WHERE app_id = $1"
                               " AND json_extract(data, '$.\"' || $2 || '\"') = $3";
    struct db_param q[] = { DBP_INT(app), DBP_TEXT("氏名"), DBP_TEXT("佐藤 花子") };
    int64_t id = 0;
    bool found = false;
    assert_int_equal(db_query_int(db, by_name, q, 3, &id, &found), DB_OK);
    assert_true(found);
    assert_int_equal(id, 2);

    /* numbers compare as numbers; JSON null reads as SQL NULL */
    const char *by_amount =
        pg ? "SELECT id, (data->>'金額')::double precision, data->>'日付' FROM records"
             " WHERE app_id = $1 ORDER BY (data->>'金額')::double precision DESC NULLS LAST"
           : "SELECT id, json_extract(data, '$.金額'), json_extract(data, '$.日付') FROM records"
             " WHERE app_id = $1 ORDER BY json_extract(data, '$.金額') IS NULL,"
             " json_extract(data, '$.金額') DESC";
    struct db_res *r = NULL;
    assert_int_equal(db_query(db, by_amount, q, 1, &r), DB_OK);
    assert_int_equal(db_step(r), 1);
    assert_int_equal(db_col_int(r, 0), 1);
    assert_true(db_col_real(r, 1) == 1200.0);
    assert_string_equal(db_col_text(r, 2), "2024-04-01");
    assert_int_equal(db_step(r), 1);
    assert_int_equal(db_col_int(r, 0), 2);
    assert_true(db_col_real(r, 1) == 350.5);
    assert_true(db_col_null(r, 2));
    assert_int_equal(db_step(r), 1);
    assert_int_equal(db_col_int(r, 0), 3);
    assert_true(db_col_null(r, 1));
    assert_int_equal(db_step(r), 0);
    db_res_free(r);

    /* array membership (CHECK_BOX "in") */
    const char *by_option =
        pg ? "SELECT COUNT(*) FROM records WHERE app_id = $1 AND data->'区分' ? $2"
           : "SELECT COUNT(*) FROM records WHERE app_id = $1 AND EXISTS (SELECT 1 FROM"
             " json_each(data, '$.区分') WHERE value = $2)";
    struct db_param o[] = { DBP_INT(app), DBP_TEXT("B") };
    int64_t n = 0;
    assert_int_equal(db_query_int(db, by_option, o, 2, &n, NULL), DB_OK);
    assert_int_equal(n, 2);

    /* the stored text parses back to the same JSON (PostgreSQL normalises spacing) */
    struct db_param one[] = { DBP_INT(app), DBP_INT(1) };
    const char *get = "SELECT data, assignees FROM records WHERE app_id = $1 AND id = $2";
    assert_int_equal(db_query(db, get, one, 2, &r), DB_OK);
    assert_int_equal(db_step(r), 1);
    assert_non_null(strstr(db_col_text(r, 0), "山田 太郎"));
    assert_string_equal(db_col_text(r, 1), "[\"sato\"]");
    db_res_free(r);

    /* replace the whole object with a text parameter */
    struct db_param upd[] = { DBP_TEXT("{\"氏名\":\"変更後\"}"), DBP_INT(app), DBP_INT(1) };
    int64_t changes = 0;
    assert_int_equal(db_exec(db,
                             "UPDATE records SET data = $1, revision = revision + 1"
                             " WHERE app_id = $2 AND id = $3",
                             upd, 3, &changes),
                     DB_OK);
    assert_int_equal(changes, 1);
    struct db_param q2[] = { DBP_INT(app), DBP_TEXT("氏名"), DBP_TEXT("変更後") };
    assert_int_equal(db_query_int(db, by_name, q2, 3, &id, &found), DB_OK);
    assert_true(found);
    assert_int_equal(id, 1);
}

/* ---- PostgreSQL only ---- */

static struct db *
open_pg(const char *conninfo)
{
    struct db *db = NULL;
    char *err = NULL;
    if (db_open(conninfo, &db, &err) != DB_OK) {
        fprintf(stderr, "cannot open %s: %s\n", conninfo, err ? err : "?");
        free(err);
        return NULL;
    }
    return db;
}

static void
query_text(struct db *db, const char *sql, char *out, size_t cap)
{
    struct db_res *r = NULL;
    assert_int_equal(db_query(db, sql, NULL, 0, &r), DB_OK);
    assert_int_equal(db_step(r), 1);
    snprintf(out, cap, "%s", db_col_text(r, 0));
    db_res_free(r);
}

static void
assert_session(struct db *db)
{
    char v[64];
    query_text(db, "SELECT current_setting('TimeZone')", v, sizeof(v));
    assert_string_equal(v, "UTC");
    query_text(db, "SELECT current_setting('statement_timeout')", v, sizeof(v));
    assert_string_equal(v, "30s");
    query_text(db, "SELECT current_setting('client_encoding')", v, sizeof(v));
    assert_string_equal(v, "UTF8");
}

static void
test_pg_session(void **state)
{
    struct db *db = *state;
    assert_int_equal(db_kind(db), DB_PG);
    assert_session(db);
    char v[64];
    struct db_param p[] = { DBP_INT(0) };
    struct db_res *r = NULL;
    assert_int_equal(db_query(db, "SELECT to_timestamp($1)::text", p, 1, &r), DB_OK);
    assert_int_equal(db_step(r), 1);
    snprintf(v, sizeof(v), "%s", db_col_text(r, 0));
    db_res_free(r);
    assert_string_equal(v, "1970-01-01 00:00:00+00");
}

static void
test_pg_open_errors(void **state)
{
    (void)state;
    struct db *db = (struct db *)1;
    char *err = NULL;
    assert_int_not_equal(db_open("host=/nonexistent-mado-dir dbname=x", &db, &err), DB_OK);
    assert_null(db);
    assert_non_null(err);
    assert_true(strlen(err) > 0);
    free(err);
    err = NULL;
    assert_int_not_equal(db_open("postgresql://%zz", &db, &err), DB_OK);
    assert_non_null(err);
    free(err);
}

/* Where the server listens, read from the server itself (works for any TEST_PG_DSN). */
static void
server_location(struct db *db, char *host, size_t hcap, char *port, size_t pcap, char *user,
                size_t ucap, char *dbname, size_t dcap)
{
    struct db_res *r = NULL;
    assert_int_equal(db_query(db,
                              "SELECT COALESCE(host(inet_server_addr()),"
                              " split_part(current_setting('unix_socket_directories'), ',', 1)),"
                              " current_setting('port'), current_user, current_database()",
                              NULL, 0, &r),
                     DB_OK);
    assert_int_equal(db_step(r), 1);
    snprintf(host, hcap, "%s", db_col_text(r, 0));
    snprintf(port, pcap, "%s", db_col_text(r, 1));
    snprintf(user, ucap, "%s", db_col_text(r, 2));
    snprintf(dbname, dcap, "%s", db_col_text(r, 3));
    db_res_free(r);
}

static void
url_escape(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    for (; *in && o + 4 < cap; in++) {
        unsigned char c = (unsigned char)*in;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.')
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, cap - o, "%%%02X", c);
    }
    out[o] = '\0';
}

static void
test_pg_conninfo_forms(void **state)
{
    struct db *db = *state;
    char host[256], port[16], user[64], dbname[64];
    server_location(db, host, sizeof(host), port, sizeof(port), user, sizeof(user), dbname,
                    sizeof(dbname));
    char ci[1024];
    /* multi-host, first host dead, only a writable node accepted: our failover setup */
    snprintf(ci, sizeof(ci),
             "host=/nonexistent-mado-a,%s port=%s,%s dbname=%s user=%s"
             " target_session_attrs=read-write connect_timeout=2",
             host, port, port, dbname, user);
    struct db *m = open_pg(ci);
    assert_non_null(m);
    assert_session(m);
    int64_t v = 0;
    assert_int_equal(db_query_int(m, "SELECT 7", NULL, 0, &v, NULL), DB_OK);
    assert_int_equal(v, 7);
    db_close(m);
    /* URI form */
    char h[512], u[128], d[128];
    url_escape(host, h, sizeof(h));
    url_escape(user, u, sizeof(u));
    url_escape(dbname, d, sizeof(d));
    snprintf(ci, sizeof(ci), "postgresql://%s@/%s?host=%s&port=%s&target_session_attrs=any", u, d,
             h, port);
    m = open_pg(ci);
    assert_non_null(m);
    assert_int_equal(db_kind(m), DB_PG);
    db_close(m);
    /* settings we depend on win over the caller's conninfo and server defaults */
    if (strncmp(pg_dsn, "postgres", 8) == 0)
        return; /* URI: cannot append keywords */
    snprintf(ci, sizeof(ci),
             "%s client_encoding=LATIN1 options='-c extra_float_digits=0 -c TimeZone=Asia/Tokyo'",
             pg_dsn);
    m = open_pg(ci);
    assert_non_null(m);
    assert_session(m);
    struct db_param p[] = { DBP_REAL(0.1 + 0.2) };
    struct db_res *r = NULL;
    assert_int_equal(db_query(m, "SELECT $1::float8", p, 1, &r), DB_OK);
    assert_int_equal(db_step(r), 1);
    assert_true(db_col_real(r, 0) == 0.1 + 0.2);
    db_res_free(r);
    db_close(m);
}

static void
test_pg_aborted_tx(void **state)
{
    struct db *db = *state;
    make_table(db);
    struct db_param p[] = { DBP_TEXT("a") };
    assert_int_equal(db_exec(db, "INSERT INTO t (s) VALUES ($1)", p, 1, NULL), DB_OK);
    assert_int_equal(db_begin(db, true), DB_OK);
    struct db_param q[] = { DBP_TEXT("b") };
    assert_int_equal(db_exec(db, "INSERT INTO t (s) VALUES ($1)", q, 1, NULL), DB_OK);
    assert_int_equal(db_exec(db, "INSERT INTO t (s) VALUES ($1)", p, 1, NULL), DB_CONSTRAINT);
    /* PostgreSQL aborted the transaction: later statements fail ... */
    assert_int_equal(db_exec(db, "INSERT INTO t (s) VALUES ('c')", NULL, 0, NULL), DB_ERROR);
    /* ... and COMMIT must not pretend it worked */
    assert_int_equal(db_commit(db), DB_ERROR);
    assert_non_null(strstr(db_errmsg(db), "rolled back"));
    assert_false(db_in_tx(db));
    assert_int_equal(count_t(db), 1);
    /* the connection is idle and usable */
    assert_int_equal(db_begin(db, true), DB_OK);
    assert_int_equal(db_exec(db, "INSERT INTO t (s) VALUES ($1)", q, 1, NULL), DB_OK);
    assert_int_equal(db_commit(db), DB_OK);
    assert_int_equal(count_t(db), 2);
}

static void
test_pg_busy(void **state)
{
    struct db *db = *state;
    make_table(db);
    assert_int_equal(db_exec(db, "INSERT INTO t (id, s) VALUES (1, 'x')", NULL, 0, NULL), DB_OK);
    /* statement timeout → DB_BUSY (57014) */
    assert_int_equal(db_begin(db, false), DB_OK);
    assert_int_equal(db_exec_script(db, "SET LOCAL statement_timeout = 50"), DB_OK);
    assert_int_equal(db_exec(db, "SELECT pg_sleep(2)", NULL, 0, NULL), DB_BUSY);
    assert_int_equal(db_rollback(db), DB_OK);
    assert_session(db); /* SET LOCAL ended with the transaction */

    /* row lock held by another connection, NOWAIT → DB_BUSY (55P03) */
    struct db *other = open_pg(pg_dsn);
    assert_non_null(other);
    assert_int_equal(db_begin(other, true), DB_OK);
    assert_int_equal(db_exec(other, "SELECT id FROM t WHERE id = 1 FOR UPDATE", NULL, 0, NULL),
                     DB_OK);
    assert_int_equal(db_begin(db, true), DB_OK);
    assert_int_equal(db_exec(db, "SELECT id FROM t WHERE id = 1 FOR UPDATE NOWAIT", NULL, 0, NULL),
                     DB_BUSY);
    assert_int_equal(db_rollback(db), DB_OK);

    /* serialization failure → DB_BUSY (40001) */
    assert_int_equal(db_begin(db, true), DB_OK);
    assert_int_equal(db_exec_script(db, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"), DB_OK);
    assert_int_equal(db_query_int(db, "SELECT COUNT(*) FROM t", NULL, 0, &(int64_t){ 0 }, NULL),
                     DB_OK); /* snapshot taken */
    assert_int_equal(db_exec(other, "UPDATE t SET i = 1 WHERE id = 1", NULL, 0, NULL), DB_OK);
    assert_int_equal(db_commit(other), DB_OK);
    assert_int_equal(db_exec(db, "UPDATE t SET i = 2 WHERE id = 1", NULL, 0, NULL), DB_BUSY);
    assert_int_equal(db_rollback(db), DB_OK);
    db_close(other);
}

static int64_t
backend_pid(struct db *db)
{
    int64_t pid = 0;
    assert_int_equal(db_query_int(db, "SELECT pg_backend_pid()", NULL, 0, &pid, NULL), DB_OK);
    return pid;
}

static void
kill_backend(int64_t pid)
{
    struct db *other = open_pg(pg_dsn);
    assert_non_null(other);
    struct db_param p[] = { DBP_INT(pid) };
    int64_t ok = 0;
    assert_int_equal(db_query_int(other, "SELECT pg_terminate_backend($1, 5000)", p, 1, &ok, NULL),
                     DB_OK);
    assert_int_equal(ok, 1);
    db_close(other);
}

static void
test_pg_reconnect(void **state)
{
    struct db *db = *state;
    make_table(db);
    struct db_param p[] = { DBP_INT(5) };
    const char *sql = "SELECT COUNT(*) + $1 FROM t";
    int64_t v = 0;
    assert_int_equal(db_query_int(db, sql, p, 1, &v, NULL), DB_OK); /* cached statement */
    int64_t pid = backend_pid(db);
    kill_backend(pid);
    /* the first call notices the broken connection ... */
    assert_int_equal(db_query_int(db, sql, p, 1, &v, NULL), DB_CONN);
    assert_true(strlen(db_errmsg(db)) > 0);
    /* ... the next one reconnects, re-prepares and re-applies the session settings */
    v = 0;
    assert_int_equal(db_query_int(db, sql, p, 1, &v, NULL), DB_OK);
    assert_int_equal(v, 5);
    assert_true(backend_pid(db) != pid);
    assert_session(db);

    /* inside a transaction there is no silent reconnect */
    pid = backend_pid(db);
    assert_int_equal(db_begin(db, true), DB_OK);
    assert_int_equal(db_exec(db, "INSERT INTO t (s) VALUES ('lost')", NULL, 0, NULL), DB_OK);
    kill_backend(pid);
    assert_int_equal(db_exec(db, "INSERT INTO t (s) VALUES ('x')", NULL, 0, NULL), DB_CONN);
    assert_int_equal(db_exec(db, "INSERT INTO t (s) VALUES ('y')", NULL, 0, NULL), DB_CONN);
    assert_int_equal(db_commit(db), DB_CONN);
    assert_false(db_in_tx(db));
    assert_int_equal(count_t(db), 0); /* reconnected; the transaction's work is gone */

    /* begin right after a kill: BEGIN itself reconnects (not inside a transaction yet) */
    kill_backend(backend_pid(db));
    assert_int_equal(db_exec(db, "SELECT 1", NULL, 0, NULL), DB_CONN);
    assert_int_equal(db_begin(db, true), DB_OK);
    assert_int_equal(db_exec(db, "INSERT INTO t (s) VALUES ('z')", NULL, 0, NULL), DB_OK);
    /* a statement cached on the old session must be prepared anew, even inside a transaction */
    assert_int_equal(db_query_int(db, sql, p, 1, &v, NULL), DB_OK);
    assert_int_equal(v, 6);
    assert_int_equal(db_commit(db), DB_OK);
    assert_int_equal(count_t(db), 1);

    /* a write refused because the session is read-only (a demoted primary) → DB_CONN, and the
     * next call reconnects so target_session_attrs=read-write can find the new primary */
    assert_int_equal(db_exec_script(db, "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"),
                     DB_OK);
    assert_int_equal(db_exec(db, "INSERT INTO t (s) VALUES ('ro')", NULL, 0, NULL), DB_CONN);
    assert_int_equal(db_exec(db, "INSERT INTO t (s) VALUES ('rw')", NULL, 0, NULL), DB_OK);
    assert_int_equal(count_t(db), 2);
}

/* A Unix-socket relay in front of the server that can drop every connection without a word
 * (what a crash or a network failure looks like to libpq) and refuse new ones (server down). */
#define PROXY_PAIRS 8

struct proxy {
    char dir[64];
    char upstream[300];
    int lfd;
    int wake[2];
    int fds[PROXY_PAIRS][2]; /* client side, server side; -1 when free */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int cut_req, cut_done;
    bool refuse, stop, goodbye;
};

/* What PostgreSQL sends its clients on an immediate shutdown before it closes the socket. */
static void
proxy_goodbye(int fd)
{
    static const char fields[] = "SWARNING\0VWARNING\0C57P01\0"
                                 "Mterminating connection due to immediate shutdown command\0";
    unsigned char msg[128];
    size_t flen = sizeof(fields) - 1 + 1; /* fields, then the terminating zero byte */
    uint32_t len = (uint32_t)(4 + flen);
    msg[0] = 'N';
    msg[1] = (unsigned char)(len >> 24);
    msg[2] = (unsigned char)(len >> 16);
    msg[3] = (unsigned char)(len >> 8);
    msg[4] = (unsigned char)len;
    memcpy(msg + 5, fields, flen);
    if (write(fd, msg, 1 + len) < 0)
        return;
}

static void
proxy_close_all(struct proxy *px)
{
    for (int i = 0; i < PROXY_PAIRS; i++) {
        if (px->goodbye && px->fds[i][0] >= 0)
            proxy_goodbye(px->fds[i][0]);
        for (int k = 0; k < 2; k++) {
            if (px->fds[i][k] >= 0)
                close(px->fds[i][k]);
            px->fds[i][k] = -1;
        }
    }
}

static int
unix_connect(const char *path)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static void
proxy_accept(struct proxy *px)
{
    int c = accept(px->lfd, NULL, NULL);
    if (c < 0)
        return;
    pthread_mutex_lock(&px->mu);
    bool refuse = px->refuse;
    pthread_mutex_unlock(&px->mu);
    int u = refuse ? -1 : unix_connect(px->upstream);
    for (int i = 0; u >= 0 && i < PROXY_PAIRS; i++) {
        if (px->fds[i][0] < 0) {
            px->fds[i][0] = c;
            px->fds[i][1] = u;
            return;
        }
    }
    close(c);
    if (u >= 0)
        close(u);
}

static void *
proxy_main(void *arg)
{
    struct proxy *px = arg;
    for (;;) {
        struct pollfd pf[2 + 2 * PROXY_PAIRS];
        int n = 0;
        pf[n++] = (struct pollfd){ .fd = px->wake[0], .events = POLLIN };
        pf[n++] = (struct pollfd){ .fd = px->lfd, .events = POLLIN };
        for (int i = 0; i < PROXY_PAIRS; i++)
            for (int k = 0; k < 2; k++)
                pf[n++] = (struct pollfd){ .fd = px->fds[i][k], .events = POLLIN };
        if (poll(pf, (nfds_t)n, -1) < 0)
            continue;
        if (pf[0].revents) {
            char b;
            if (read(px->wake[0], &b, 1) < 0)
                continue;
            pthread_mutex_lock(&px->mu);
            bool stop = px->stop;
            proxy_close_all(px);
            px->cut_done = px->cut_req;
            pthread_cond_broadcast(&px->cv);
            pthread_mutex_unlock(&px->mu);
            if (stop)
                return NULL;
            continue;
        }
        if (pf[1].revents)
            proxy_accept(px);
        for (int i = 0; i < PROXY_PAIRS; i++) {
            for (int k = 0; k < 2; k++) {
                if (px->fds[i][k] < 0 || !pf[2 + 2 * i + k].revents)
                    continue;
                char buf[65536];
                ssize_t got = read(px->fds[i][k], buf, sizeof(buf));
                bool ok = got > 0;
                for (ssize_t off = 0; ok && off < got;) {
                    ssize_t w = write(px->fds[i][!k], buf + off, (size_t)(got - off));
                    ok = w > 0;
                    off += w > 0 ? w : 0;
                }
                if (!ok) {
                    close(px->fds[i][0]);
                    close(px->fds[i][1]);
                    px->fds[i][0] = px->fds[i][1] = -1;
                    break;
                }
            }
        }
    }
}

static struct proxy *
proxy_start(const char *server_dir, const char *port)
{
    struct proxy *px = calloc(1, sizeof(*px));
    assert_non_null(px);
    snprintf(px->dir, sizeof(px->dir), "/tmp/mado-px-XXXXXX");
    assert_non_null(mkdtemp(px->dir));
    snprintf(px->upstream, sizeof(px->upstream), "%s/.s.PGSQL.%s", server_dir, port);
    for (int i = 0; i < PROXY_PAIRS; i++)
        px->fds[i][0] = px->fds[i][1] = -1;
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    snprintf(a.sun_path, sizeof(a.sun_path), "%s/.s.PGSQL.%s", px->dir, port);
    px->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(px->lfd >= 0);
    assert_int_equal(bind(px->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(px->lfd, 16), 0);
    assert_int_equal(pipe(px->wake), 0);
    pthread_mutex_init(&px->mu, NULL);
    pthread_cond_init(&px->cv, NULL);
    assert_int_equal(pthread_create(&px->thread, NULL, proxy_main, px), 0);
    return px;
}

/* Drops every relayed connection (after a shutdown notice when goodbye) and waits until done. */
static void
proxy_cut(struct proxy *px, bool goodbye)
{
    pthread_mutex_lock(&px->mu);
    px->goodbye = goodbye;
    int want = ++px->cut_req;
    assert_int_equal(write(px->wake[1], "x", 1), 1);
    while (px->cut_done < want)
        pthread_cond_wait(&px->cv, &px->mu);
    pthread_mutex_unlock(&px->mu);
}

static void
proxy_refuse(struct proxy *px, bool refuse)
{
    pthread_mutex_lock(&px->mu);
    px->refuse = refuse;
    pthread_mutex_unlock(&px->mu);
}

static void
proxy_free(struct proxy *px, const char *port)
{
    pthread_mutex_lock(&px->mu);
    px->stop = true;
    pthread_mutex_unlock(&px->mu);
    assert_int_equal(write(px->wake[1], "x", 1), 1);
    pthread_join(px->thread, NULL);
    close(px->lfd);
    close(px->wake[0]);
    close(px->wake[1]);
    char path[128];
    snprintf(path, sizeof(path), "%s/.s.PGSQL.%s", px->dir, port);
    unlink(path);
    rmdir(px->dir);
    pthread_mutex_destroy(&px->mu);
    pthread_cond_destroy(&px->cv);
    free(px);
}

static void
test_pg_server_crash(void **state)
{
    struct db *db = *state;
    make_table(db);
    char host[256], port[16], user[64], dbname[64];
    server_location(db, host, sizeof(host), port, sizeof(port), user, sizeof(user), dbname,
                    sizeof(dbname));
    if (host[0] != '/') {
        fprintf(stderr, "test_pg_server_crash: server not on a Unix socket, skipped\n");
        return;
    }
    struct proxy *px = proxy_start(host, port);
    char ci[512];
    snprintf(ci, sizeof(ci), "host=%s port=%s dbname=%s user=%s", px->dir, port, dbname, user);
    struct db *c = open_pg(ci);
    assert_non_null(c);
    const char *sql = "SELECT COUNT(*) + $1 FROM t";
    struct db_param p[] = { DBP_INT(3) };
    int64_t v = 0;
    assert_int_equal(db_query_int(c, sql, p, 1, &v, NULL), DB_OK);

    /* the server dies between two calls: a crash (dead socket) or an immediate shutdown (a
     * notice, then a dead socket; libpq still reports CONNECTION_OK after the failed call) */
    for (int goodbye = 0; goodbye < 2; goodbye++) {
        proxy_cut(px, goodbye);
        assert_int_equal(db_query_int(c, sql, p, 1, &v, NULL), DB_CONN);
        v = 0;
        assert_int_equal(db_query_int(c, sql, p, 1, &v, NULL), DB_OK); /* "restarted" */
        assert_int_equal(v, 3);
    }

    /* ... inside a transaction: the work is lost and every call says so until the rollback */
    assert_int_equal(db_begin(c, true), DB_OK);
    assert_int_equal(db_exec(c, "INSERT INTO t (s) VALUES ('lost')", NULL, 0, NULL), DB_OK);
    proxy_cut(px, true);
    assert_int_equal(db_exec(c, "INSERT INTO t (s) VALUES ('x')", NULL, 0, NULL), DB_CONN);
    assert_int_equal(db_commit(c), DB_CONN);
    assert_false(db_in_tx(c));
    assert_int_equal(count_t(c), 0);

    /* ... and stays down for a while: one reconnect attempt per call, then recovery */
    proxy_cut(px, false);
    proxy_refuse(px, true);
    assert_int_equal(db_query_int(c, sql, p, 1, &v, NULL), DB_CONN);
    assert_int_equal(db_query_int(c, sql, p, 1, &v, NULL), DB_CONN);
    assert_int_equal(db_begin(c, true), DB_CONN);
    assert_false(db_in_tx(c));
    assert_int_equal(db_query_int(c, sql, p, 1, &v, NULL), DB_CONN);
    proxy_refuse(px, false);
    v = 0;
    assert_int_equal(db_query_int(c, sql, p, 1, &v, NULL), DB_OK);
    assert_int_equal(v, 3);
    assert_session(c);
    db_close(c);
    proxy_free(px, port);
}

static int64_t
server_prepared(struct db *db)
{
    int64_t n = -1;
    assert_int_equal(
        db_query_int(db, "SELECT COUNT(*) FROM pg_prepared_statements", NULL, 0, &n, NULL), DB_OK);
    return n;
}

static void
test_pg_stmt_cache(void **state)
{
    struct db *db = *state;
    make_table(db);
    /* bounded: evicted statements are deallocated on the server */
    for (int k = 0; k < 400; k++) {
        char sql[64];
        snprintf(sql, sizeof(sql), "SELECT %d + $1", k);
        struct db_param p[] = { DBP_INT(1) };
        int64_t v = 0;
        assert_int_equal(db_query_int(db, sql, p, 1, &v, NULL), DB_OK);
        assert_int_equal(v, k + 1);
    }
    int64_t n = server_prepared(db);
    assert_true(n > 100 && n <= 128);

    /* eviction inside a transaction is deferred to its end, and does not disturb it */
    assert_int_equal(db_begin(db, true), DB_OK);
    for (int k = 0; k < 200; k++) {
        char sql[64];
        snprintf(sql, sizeof(sql), "INSERT INTO t (i) VALUES ($1 + %d)", k);
        struct db_param p[] = { DBP_INT(1000) };
        assert_int_equal(db_exec(db, sql, p, 1, NULL), DB_OK);
    }
    assert_true(server_prepared(db) > 128);
    assert_int_equal(db_commit(db), DB_OK);
    assert_int_equal(count_t(db), 200);
    assert_true(server_prepared(db) <= 128);

    /* statements dropped behind our back are prepared again (outside a transaction) */
    const char *sql = "SELECT COUNT(*) FROM t WHERE i >= $1";
    struct db_param p[] = { DBP_INT(1100) };
    int64_t v = 0;
    assert_int_equal(db_query_int(db, sql, p, 1, &v, NULL), DB_OK);
    assert_int_equal(v, 100);
    assert_int_equal(db_exec_script(db, "DEALLOCATE ALL"), DB_OK);
    v = 0;
    assert_int_equal(db_query_int(db, sql, p, 1, &v, NULL), DB_OK);
    assert_int_equal(v, 100);
    /* a result shape change of a cached SELECT * is survived too */
    assert_int_equal(db_query_int(db, "SELECT * FROM t WHERE i = 1000", NULL, 0, &v, NULL), DB_OK);
    assert_int_equal(db_exec_script(db, "ALTER TABLE t ADD COLUMN extra TEXT"), DB_OK);
    assert_int_equal(db_query_int(db, "SELECT * FROM t WHERE i = 1000", NULL, 0, &v, NULL), DB_OK);
}

static void
test_pg_params(void **state)
{
    struct db *db = *state;
    migrate_ok(db);
    int64_t app = add_app(db, "p");
    /* jsonb accepts text parameters wherever the server infers jsonb */
    const char *ins = "INSERT INTO records (app_id, id, revision, data, creator, created_at,"
                      " modifier, updated_at) VALUES ($1, $2, 1, $3, 'u', 0, 'u', 0)"
                      " ON CONFLICT (app_id, id) DO UPDATE SET data = excluded.data,"
                      " revision = records.revision + 1";
    struct db_param p1[] = { DBP_INT(app), DBP_INT(1), DBP_TEXT("{\"a\":1}") };
    struct db_param p2[] = { DBP_INT(app), DBP_INT(1), DBP_TEXT("{\"a\":2,\"b\":\"二\"}") };
    assert_int_equal(db_exec(db, ins, p1, 3, NULL), DB_OK);
    assert_int_equal(db_exec(db, ins, p2, 3, NULL), DB_OK);
    struct db_res *r = NULL;
    assert_int_equal(
        db_query(db,
                 "SELECT revision, data->>'b', (data->>'a')::bigint, data = $1"
                 " FROM records WHERE app_id = $2",
                 (struct db_param[]){ DBP_TEXT("{\"b\":\"二\",\"a\":2}"), DBP_INT(app) }, 2, &r),
        DB_OK);
    assert_int_equal(db_step(r), 1);
    assert_int_equal(db_col_int(r, 0), 2);
    assert_string_equal(db_col_text(r, 1), "二");
    assert_int_equal(db_col_int(r, 2), 2);
    assert_int_equal(db_col_int(r, 3), 1); /* jsonb equality ignores key order */
    db_res_free(r);
    /* invalid JSON is an error, not a constraint violation */
    struct db_param bad[] = { DBP_INT(app), DBP_INT(2), DBP_TEXT("{not json") };
    assert_int_equal(db_exec(db, ins, bad, 3, NULL), DB_ERROR);
    /* text with a NUL cannot be sent */
    struct db_param nul[] = { DBP_TEXTN("a\0b", 3) };
    assert_int_equal(db_exec(db, "SELECT $1::text", nul, 1, NULL), DB_ERROR);
    assert_non_null(strstr(db_errmsg(db), "NUL"));
    /* more parameters than fit inline */
    char sql[1024] = "SELECT 0";
    struct db_param many[40];
    for (int k = 0; k < 40; k++) {
        size_t len = strlen(sql);
        snprintf(sql + len, sizeof(sql) - len, " + $%d::bigint", k + 1);
        many[k] = DBP_INT(k + 1);
    }
    int64_t sum = 0;
    assert_int_equal(db_query_int(db, sql, many, 40, &sum, NULL), DB_OK);
    assert_int_equal(sum, 40 * 41 / 2);
    /* special reals */
    struct db_res *rr = NULL;
    struct db_param inf[] = { DBP_REAL(INFINITY), DBP_REAL(-INFINITY) };
    assert_int_equal(db_query(db, "SELECT $1::float8 > 1e308, $2::float8 < -1e308", inf, 2, &rr),
                     DB_OK);
    assert_int_equal(db_step(rr), 1);
    assert_int_equal(db_col_int(rr, 0), 1);
    assert_int_equal(db_col_int(rr, 1), 1);
    db_res_free(rr);
    /* numeric text read as int/real */
    assert_int_equal(db_query(db, "SELECT 2.75::numeric, 1e3::float8, 'abc'", NULL, 0, &rr), DB_OK);
    assert_int_equal(db_step(rr), 1);
    assert_int_equal(db_col_int(rr, 0), 2);
    assert_true(db_col_real(rr, 0) == 2.75);
    assert_int_equal(db_col_int(rr, 1), 1000);
    assert_int_equal(db_col_int(rr, 2), 0);
    assert_true(db_col_blob(rr, 2) != NULL); /* text columns also readable as bytes */
    assert_int_equal(db_col_len(rr, 2), 3);
    assert_true(db_col_null(rr, 9)); /* out of range column */
    assert_string_equal(db_col_text(rr, 9), "");
    db_res_free(rr);
}

/* ---- runner ---- */

#define COMMON_TESTS                                                               \
    cmocka_unit_test_setup_teardown(test_placeholder_order, setup, teardown),      \
        cmocka_unit_test_setup_teardown(test_roundtrip_null, setup, teardown),     \
        cmocka_unit_test_setup_teardown(test_roundtrip_int, setup, teardown),      \
        cmocka_unit_test_setup_teardown(test_roundtrip_real, setup, teardown),     \
        cmocka_unit_test_setup_teardown(test_roundtrip_text, setup, teardown),     \
        cmocka_unit_test_setup_teardown(test_roundtrip_blob, setup, teardown),     \
        cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),       \
        cmocka_unit_test_setup_teardown(test_constraints, setup, teardown),        \
        cmocka_unit_test_setup_teardown(test_failed_commit, setup, teardown),      \
        cmocka_unit_test_setup_teardown(test_query_int, setup, teardown),          \
        cmocka_unit_test_setup_teardown(test_stmt_cache, setup, teardown),         \
        cmocka_unit_test_setup_teardown(test_nested_and_changes, setup, teardown), \
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),             \
        cmocka_unit_test_setup_teardown(test_migrate, setup, teardown),            \
        cmocka_unit_test_setup_teardown(test_returning, setup, teardown),          \
        cmocka_unit_test_setup_teardown(test_upsert, setup, teardown),             \
        cmocka_unit_test_setup_teardown(test_json_records, setup, teardown)

int
main(void)
{
    static const struct backend mem = { "sqlite :memory:", ":memory:" };
    static const struct backend file = { "sqlite file", NULL };
    const struct CMUnitTest common_mem[] = { COMMON_TESTS };
    const struct CMUnitTest common_file[] = { COMMON_TESTS };
    int fails = 0;

    cur = &mem;
    fails += cmocka_run_group_tests_name("db sqlite :memory:", common_mem, NULL, NULL);
    cur = &file;
    fails +=
        cmocka_run_group_tests_name("db sqlite file", common_file, setup_tmpdir, teardown_tmpdir);

    pg_dsn = getenv("TEST_PG_DSN");
    if (!pg_dsn || !*pg_dsn) {
        fprintf(stderr, "test_db: TEST_PG_DSN not set, PostgreSQL tests skipped\n");
        return fails ? 1 : 0;
    }
    struct backend pg = { "postgresql", pg_dsn };
    cur = &pg;
    const struct CMUnitTest common_pg[] = { COMMON_TESTS };
    const struct CMUnitTest pg_only[] = {
        cmocka_unit_test_setup_teardown(test_pg_session, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pg_open_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pg_conninfo_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pg_aborted_tx, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pg_busy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pg_reconnect, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pg_server_crash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pg_stmt_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pg_params, setup, teardown),
    };
    fails += cmocka_run_group_tests_name("db postgresql", common_pg, NULL, NULL);
    fails += cmocka_run_group_tests_name("db postgresql only", pg_only, NULL, NULL);
    return fails ? 1 : 0;
}
