/* Unit tests for the audit log (domain/audit*.c) on SQLite: a chain is built and verifies;
 * direct tampering in the database — an UPDATE of one row, a DELETE, two rows' contents
 * swapped, the tail cut off, a checkpoint signature corrupted or a forged anchor — makes
 * verification fail and name the right seq; pruning keeps verification working; queued
 * entries are written by audit_flush; a wrong key is noticed. SQLite :memory:, or PostgreSQL
 * when TEST_PG_DSN is set (the schema is recreated for every test; single entries then take the
 * database function's path). Time is pinned with clock_set_fake_ms: nothing sleeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/config.h"
#include "db/db.h"
#include "domain/audit.h"
#include "domain/audit_int.h"
#include "sec/sec.h"
#include "sec/sign.h"

#define T0_MS 1900000000000LL
#define DAY_MS (86400LL * 1000)

static struct db *db;
static struct arena *arena;
static struct fail fl;
static struct ctx c;
static struct config cfg;
static char key_path[128];

static void
set_time(int64_t ms)
{
    clock_set_fake_ms(ms);
    c.now = ms / 1000;
}

static int
setup(void **state)
{
    (void)state;
    char *err = NULL;
    assert_true(sec_init() >= 0);
    const char *dsn = getenv("TEST_PG_DSN");
    assert_int_equal(db_open(dsn ? dsn : ":memory:", &db, &err), DB_OK);
    if (dsn)
        assert_int_equal(db_exec_script(db, "DROP SCHEMA IF EXISTS public CASCADE; "
                                            "CREATE SCHEMA public;"),
                         DB_OK);
    assert_int_equal(db_migrate(db, &err), DB_OK);
    snprintf(key_path, sizeof(key_path), "/tmp/madoguchi-audit-test-%d/audit.key", (int)getpid());
    assert_true(config_load(&cfg, ""));
    free(cfg.audit_key_file);
    cfg.audit_key_file = xstrdup(key_path);
    cfg.audit_checkpoint_every = 10;
    assert_true(audit_configure(&cfg));
    arena = arena_new();
    memset(&c, 0, sizeof(c));
    fail_init(&fl, arena, LANG_JA);
    c.arena = arena;
    c.db = db;
    c.fail = &fl;
    c.ip = "192.0.2.1";
    c.who.kind = PRIN_USER;
    c.who.login = "tanaka";
    set_time(T0_MS);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    if (audit_flush(db) != ERR_OK)
        return -1;
    arena_free(arena);
    db_close(db);
    audit_configure(NULL);
    config_release(&cfg);
    clock_set_fake_ms(0);
    char cmd[200];
    snprintf(cmd, sizeof(cmd), "rm -rf /tmp/madoguchi-audit-test-%d", (int)getpid());
    return system(cmd) == 0 ? 0 : -1;
}

/* n entries, one per transaction, a millisecond apart */
static void
add_entries(int n)
{
    for (int i = 0; i < n; i++) {
        char target[64], detail[64];
        snprintf(target, sizeof(target), "app:1/record:%d", i + 1);
        snprintf(detail, sizeof(detail), "{\"i\":%d,\"text\":\"申請\"}", i);
        assert_int_equal(db_begin(db, true), DB_OK);
        assert_int_equal(audit_add(&c, i % 2 ? "record.view" : "record.update", target, "ok",
                                   detail),
                         ERR_OK);
        assert_int_equal(db_commit(db), DB_OK);
        clock_set_fake_ms(clock_now_ms() + 1);
    }
}

static void
sql(const char *s)
{
    if (db_exec_script(db, s) != DB_OK)
        fail_msg("%s: %s", s, db_errmsg(db));
}

/* someone with the database in hand removes the append-only guard first */
static void
drop_trigger(void)
{
    sql(db_kind(db) == DB_PG ? "DROP TRIGGER audit_log_no_update ON audit_log"
                             : "DROP TRIGGER audit_log_no_update");
}

static int64_t
count(const char *q)
{
    int64_t v = -1;
    bool found;
    assert_int_equal(db_query_int(db, q, NULL, 0, &v, &found), DB_OK);
    return v;
}

static void
expect_bad(int64_t seq, const char *problem)
{
    struct audit_verify v;
    assert_int_equal(audit_verify(db, NULL, &v), ERR_OK);
    if (v.bad_seq != seq || !v.problem || strcmp(v.problem, problem) != 0)
        fail_msg("expected %s at %lld, got %s at %lld", problem, (long long)seq,
                 v.problem ? v.problem : "(none)", (long long)v.bad_seq);
}

static void
expect_ok(int64_t entries)
{
    struct audit_verify v;
    assert_int_equal(audit_verify(db, NULL, &v), ERR_OK);
    if (v.bad_seq)
        fail_msg("unexpected %s at %lld", v.problem, (long long)v.bad_seq);
    assert_int_equal(v.entries, entries);
}

/* ---- tests ------------------------------------------------------------------------------ */

static void
test_untouched_chain_verifies(void **state)
{
    (void)state;
    expect_ok(0); /* an empty log is intact */
    add_entries(45);
    struct audit_verify v;
    assert_int_equal(audit_verify(db, NULL, &v), ERR_OK);
    assert_int_equal(v.bad_seq, 0);
    assert_int_equal(v.entries, 45);
    assert_int_equal(v.last_seq, 45);
    /* the first entry (daily: none before) and every 10th */
    assert_int_equal(v.checkpoints, 5);
    assert_int_equal(count("SELECT COUNT(*) FROM audit_checkpoints WHERE kind = 'periodic'"), 4);
    assert_int_equal(count("SELECT seq FROM audit_head"), 45);
    /* the first entry links to zeros, every other to its predecessor */
    assert_int_equal(count("SELECT COUNT(*) FROM audit_log a JOIN audit_log b ON b.seq = a.seq + 1 "
                           "WHERE b.prev_hash <> a.hash"),
                     0);
    assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE seq = 1 AND prev_hash = "
                           "'0000000000000000000000000000000000000000000000000000000000000000'"),
                     1);
    /* and the row says who, from where, what, to what */
    assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE seq = 3 AND actor = 'tanaka' AND "
                           "ip = '192.0.2.1' AND action = 'record.update' AND "
                           "target = 'app:1/record:3' AND outcome = 'ok'"),
                     1);
}

static void
test_updated_row_is_named(void **state)
{
    (void)state;
    add_entries(30);
    /* the trigger stops mistakes; someone with the file drops it first */
    assert_int_not_equal(db_exec(db, "UPDATE audit_log SET actor = 'x' WHERE seq = 17", NULL, 0,
                                 NULL),
                         DB_OK);
    drop_trigger();
    sql("UPDATE audit_log SET target = 'app:1/record:999' WHERE seq = 17");
    expect_bad(17, "changed");
}

static void
test_deleted_row_is_named(void **state)
{
    (void)state;
    add_entries(30);
    sql("DELETE FROM audit_log WHERE seq = 12");
    expect_bad(12, "removed");
}

static void
test_deleted_first_row_is_named(void **state)
{
    (void)state;
    add_entries(5);
    sql("DELETE FROM audit_log WHERE seq = 1");
    expect_bad(1, "removed");
}

static void
test_swapped_rows_are_named(void **state)
{
    (void)state;
    add_entries(30);
    drop_trigger();
    /* rows 21 and 22 trade places (every column moves with its row, seq stays) */
    sql("CREATE TEMP TABLE t AS SELECT * FROM audit_log WHERE seq IN (21, 22);"
        "DELETE FROM audit_log WHERE seq IN (21, 22);"
        "INSERT INTO audit_log SELECT CASE seq WHEN 21 THEN 22 ELSE 21 END, at, actor, ip, action,"
        " target, outcome, detail, prev_hash, hash FROM t;");
    expect_bad(21, "reordered");
}

static void
test_truncated_tail_is_named(void **state)
{
    (void)state;
    add_entries(25);
    sql("DELETE FROM audit_log WHERE seq > 20");
    expect_bad(21, "removed");
    /* even with the head moved back, the checkpoint at 20 covers up to 20 only; cutting 19
     * and 20 is still seen through the signature */
    sql("DELETE FROM audit_log WHERE seq > 18; UPDATE audit_head SET seq = 18");
    expect_bad(19, "removed");
}

static void
test_rehashed_change_is_caught_by_checkpoint(void **state)
{
    (void)state;
    add_entries(12);
    /* rewrite entry 10 and give it the hash of its new content (anyone can compute SHA-256):
     * the entry itself looks sound, but the signed checkpoint at 10 names it */
    drop_trigger();
    struct db_res *res;
    assert_int_equal(db_query(db, "SELECT seq, at, actor, ip, action, target, outcome, detail, "
                                  "prev_hash FROM audit_log WHERE seq = 10", NULL, 0, &res),
                     DB_OK);
    assert_int_equal(db_step(res), 1);
    const char *text[AUDIT_NTEXT];
    struct audit_fields f = { .seq = 10, .at = db_col_int(res, 1) };
    for (int i = 0; i < AUDIT_NTEXT; i++)
        text[i] = arena_strdup(arena, db_col_text(res, 2 + i));
    db_res_free(res);
    text[3] = "app:1/record:777";
    for (int i = 0; i < AUDIT_NTEXT; i++)
        f.text[i] = (struct sign_part){ text[i], strlen(text[i]) };
    char hash[SIGN_HASH_HEX];
    audit_hash(&f, hash);
    struct db_param p[] = { DBP_TEXT(text[3]), DBP_TEXT(hash) };
    assert_int_equal(db_exec(db, "UPDATE audit_log SET target = $1, hash = $2 WHERE seq = 10", p,
                             2, NULL),
                     DB_OK);
    expect_bad(10, "changed");
}

static void
test_bad_checkpoint_signature_is_named(void **state)
{
    (void)state;
    add_entries(30);
    sql("UPDATE audit_checkpoints SET signature = "
        "CASE substr(signature, 1, 1) WHEN 'a' THEN 'b' ELSE 'a' END || substr(signature, 2) "
        "WHERE seq = 20");
    expect_bad(20, "bad checkpoint signature");
    /* a forged anchor (unsigned) does not move the start of the chain */
    sql("UPDATE audit_checkpoints SET signature = (SELECT signature FROM audit_checkpoints "
        "WHERE seq = 10) WHERE seq = 20");
    sql("INSERT INTO audit_checkpoints (seq, at, hash, key_id, signature, kind) "
        "SELECT seq, at, hash, key_id, signature, 'anchor' FROM audit_checkpoints WHERE seq = 10");
    sql("DELETE FROM audit_log WHERE seq <= 10");
    expect_bad(1, "removed");
}

static void
test_wrong_key_is_noticed(void **state)
{
    (void)state;
    add_entries(3);
    struct sign_key *other;
    assert_int_equal(sign_key_ephemeral(&other), ERR_OK);
    struct audit_verify v;
    assert_int_equal(audit_verify(db, sign_key_public(other), &v), ERR_OK);
    assert_int_equal(v.bad_seq, 1);
    assert_string_equal(v.problem, "unknown checkpoint key");
    sign_key_free(other);
    expect_ok(3);
}

static void
test_pruning_keeps_verification(void **state)
{
    (void)state;
    add_entries(23); /* day 0 */
    set_time(T0_MS + 10 * DAY_MS);
    add_entries(7); /* day 10: a daily checkpoint comes with the first */
    int64_t pruned = -1;
    set_time(T0_MS + 11 * DAY_MS);
    assert_int_equal(audit_prune(&c, clock_now_ms(), 5, &pruned), ERR_OK);
    assert_int_equal(pruned, 23);
    assert_int_equal(count("SELECT MIN(seq) FROM audit_log"), 24);
    assert_int_equal(count("SELECT COUNT(*) FROM audit_checkpoints WHERE kind = 'anchor' AND "
                           "seq = 23"),
                     1);
    assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE action = 'audit.prune'"), 1);
    expect_ok(8);
    /* nothing more to prune: no new anchor, no entry */
    assert_int_equal(audit_prune(&c, clock_now_ms(), 5, &pruned), ERR_OK);
    assert_int_equal(pruned, 0);
    expect_ok(8);
    /* tampering behind the anchor is still found */
    sql("DELETE FROM audit_log WHERE seq = 24");
    expect_bad(24, "removed");
}

static void
test_queued_entries_are_flushed(void **state)
{
    (void)state;
    add_entries(2);
    for (int i = 0; i < 40; i++) {
        struct audit_entry e = { .at = clock_now_ms(), .actor = "sato", .ip = "198.51.100.2",
                                 .action = "record.list", .target = "app:1", .outcome = "ok",
                                 .detail = "{\"query\":\"status in (\\\"受付\\\")\"}" };
        audit_enqueue(db, &e);
    }
    assert_int_equal(audit_queued(), 40);
    assert_int_equal(count("SELECT COUNT(*) FROM audit_log"), 2);
    assert_int_equal(audit_flush(db), ERR_OK);
    assert_int_equal(audit_queued(), 0);
    assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE actor = 'sato'"), 40);
    expect_ok(42);
}

static void
test_rolled_back_entry_leaves_no_trace(void **state)
{
    (void)state;
    add_entries(3);
    assert_int_equal(db_begin(db, true), DB_OK);
    assert_int_equal(audit_add(&c, "record.create", "app:1", "ok", NULL), ERR_OK);
    assert_int_equal(db_rollback(db), DB_OK);
    add_entries(1);
    assert_int_equal(count("SELECT MAX(seq) FROM audit_log"), 4);
    expect_ok(4);
}

static bool
collect(void *arg, const struct audit_row *row)
{
    int64_t *seqs = arg;
    seqs[++seqs[0]] = row->seq;
    return seqs[0] < 30;
}

static void
test_filters(void **state)
{
    (void)state;
    add_entries(20);
    int64_t seqs[32] = { 0 };
    struct audit_filter f = { .action = "record.view", .target = "app:1/record:1" };
    assert_int_equal(audit_each(&c, &f, collect, seqs), ERR_OK);
    /* views are the even seqs; targets record:1 and record:1x */
    assert_int_equal(seqs[0], 5);
    assert_int_equal(seqs[1], 10);
    assert_int_equal(seqs[5], 18);
    memset(seqs, 0, sizeof(seqs));
    struct audit_filter g = { .action = "record.*", .after = 15, .limit = 3 };
    assert_int_equal(audit_each(&c, &g, collect, seqs), ERR_OK);
    assert_int_equal(seqs[0], 3);
    assert_int_equal(seqs[1], 16);
    int64_t ms;
    assert_true(audit_parse_time("2026-11-26", false, 540, &ms));
    assert_int_equal(ms, 1795618800000LL); /* 2026-11-25T15:00:00Z */
    assert_true(audit_parse_time("2026-11-26", true, 540, &ms));
    assert_int_equal(ms, 1795705199999LL);
    assert_true(audit_parse_time("2026-11-26T00:00:00Z", false, 540, &ms));
    assert_int_equal(ms, 1795651200000LL);
    assert_false(audit_parse_time("yesterday", false, 540, &ms));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_untouched_chain_verifies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_updated_row_is_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deleted_row_is_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deleted_first_row_is_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_swapped_rows_are_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_tail_is_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rehashed_change_is_caught_by_checkpoint, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_checkpoint_signature_is_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_key_is_noticed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pruning_keeps_verification, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queued_entries_are_flushed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rolled_back_entry_leaves_no_trace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filters, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
