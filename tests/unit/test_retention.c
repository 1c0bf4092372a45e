/* Unit tests for src/jobs/retention.c: daily/weekly/monthly selection across month and year
 * ends in Asia/Tokyo, and the chain rule. */
#include "jobs/backup_int.h"
#include "jobs/retention.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

static int64_t
jst(int y, int mo, int d, int h)
{
    struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h };
    return (int64_t)timegm(&tm) - 9 * 3600;
}

static const struct ret_policy tokyo = { .daily = 14, .weekly = 8, .monthly = 12, .offset_min = 540 };

/* One backup a day at 02:00 from 2025-06-01 to 2026-01-10 (224 days). */
static struct ret_item *
daily_series(size_t *n, char ids[][16])
{
    size_t cap = 400, k = 0;
    struct ret_item *it = calloc(cap, sizeof(*it));
    for (int64_t t = jst(2025, 6, 1, 2); t <= jst(2026, 1, 10, 2); t += 86400, k++) {
        time_t tt = (time_t)(t + 9 * 3600);
        struct tm tm;
        gmtime_r(&tt, &tm);
        strftime(ids[k], 16, "%Y%m%d", &tm);
        it[k] = (struct ret_item){ .id = ids[k], .taken_at = t };
    }
    *n = k;
    return it;
}

static bool
kept(struct ret_item *it, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(it[i].id, id))
            return it[i].keep;
    fail_msg("no %s", id);
    return false;
}

static void
test_gfs(void **state)
{
    (void)state;
    static char ids[400][16];
    size_t n;
    struct ret_item *it = daily_series(&n, ids);
    retention_select(it, n, &tokyo);
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += it[i].keep;
    /* 14 days (12-28..01-10); 8 weeks: the newest of each Monday-to-Sunday week from the week
     * of 01-10 back to the week ending 11-23; months: the last day of each month. */
    assert_true(kept(it, n, "20260110"));
    assert_true(kept(it, n, "20251228"));
    assert_false(kept(it, n, "20251227")); /* day 15: a Saturday, not a week's newest */
    assert_true(kept(it, n, "20251221")); /* Sunday: the newest of its week */
    assert_true(kept(it, n, "20251123")); /* 8th week (Monday 11-17 .. Sunday 11-23) */
    assert_false(kept(it, n, "20251116")); /* 9th week */
    assert_true(kept(it, n, "20251231")); /* month end, across the year end */
    assert_true(kept(it, n, "20251130"));
    assert_false(kept(it, n, "20251129"));
    assert_true(kept(it, n, "20250630"));
    assert_true(kept(it, n, "20250731"));
    assert_false(kept(it, n, "20250601"));
    /* 14 daily + weekly not already daily (01-10, 01-04, 12-28 are; 12-21, 12-14, 12-07, 11-30,
     * 11-23 = 5) + monthly not already kept (01-10, 12-31 daily; 11-30 weekly; 10-31, 09-30,
     * 08-31, 07-31, 06-30 = 5; only 8 months exist) */
    assert_int_equal(total, 14 + 5 + 5);
    free(it);
}

/* Local dates: an archive at 23:30 UTC is the next day in Tokyo. */
static void
test_tokyo_day(void **state)
{
    (void)state;
    struct ret_item it[3] = {
        { .id = "a", .taken_at = jst(2026, 1, 1, 8) },  /* 2025-12-31 23:00 UTC */
        { .id = "b", .taken_at = jst(2026, 1, 1, 10) }, /* 2026-01-01 01:00 UTC */
        { .id = "c", .taken_at = jst(2025, 12, 31, 23) },
    };
    struct ret_policy p = { .daily = 2, .offset_min = 540 };
    retention_select(it, 3, &p);
    assert_true(it[1].keep);  /* newest of 01-01 */
    assert_false(it[0].keep); /* same Tokyo day as b */
    assert_true(it[2].keep);  /* 12-31 */
    p.offset_min = 0; /* in UTC, a and c are both 12-31 and a is the newer */
    retention_select(it, 3, &p);
    assert_true(it[0].keep);
    assert_false(it[2].keep);
}

static void
test_chain(void **state)
{
    (void)state;
    static const char *const needs_b[] = { "a" };
    static const char *const needs_d[] = { "a", "c" };
    struct ret_item it[4] = {
        { .id = "a", .taken_at = jst(2026, 1, 1, 2) },
        { .id = "b", .taken_at = jst(2026, 1, 2, 2), .needs = needs_b, .nneeds = 1 },
        { .id = "c", .taken_at = jst(2026, 1, 3, 2), .needs = needs_b, .nneeds = 1 },
        { .id = "d", .taken_at = jst(2026, 1, 4, 2), .needs = needs_d, .nneeds = 2 },
    };
    struct ret_policy p = { .daily = 1, .offset_min = 540 };
    retention_select(it, 4, &p);
    assert_true(it[3].keep);
    assert_string_equal(it[3].why, "newest");
    assert_true(it[0].keep);
    assert_string_equal(it[0].why, "needed");
    assert_true(it[2].keep);
    assert_false(it[1].keep);
    /* nothing at all to keep but the newest */
    struct ret_policy none = { .offset_min = 540 };
    retention_select(it, 4, &none);
    assert_true(it[3].keep && it[0].keep && it[2].keep && !it[1].keep);
}

/* Two backups in the same second: the second, "-2", is the newer one (a plain strcmp would put
 * it first, and retention would delete the archive just taken). */
static void
test_same_second(void **state)
{
    (void)state;
    const struct ret_policy one = { .daily = 1, .weekly = 0, .monthly = 0, .offset_min = 540 };
    int64_t t = jst(2026, 11, 26, 21);
    const char *needs[] = { "madoguchi-20261126T121929Z.mbk" };
    struct ret_item it[3] = {
        { .id = "madoguchi-20261126T121929Z-2.mbk", .taken_at = t, .needs = needs, .nneeds = 1 },
        { .id = "madoguchi-20261126T121929Z.mbk", .taken_at = t },
        { .id = "madoguchi-20261126T121929Z-10.mbk", .taken_at = t },
    };
    retention_select(it, 3, &one);
    assert_true(it[2].keep); /* -10 is the newest */
    assert_false(it[0].keep);
    assert_false(it[1].keep);
    it[2].needs = (const char *const[]){ "madoguchi-20261126T121929Z-2.mbk" };
    it[2].nneeds = 1;
    retention_select(it, 3, &one);
    assert_true(it[2].keep && it[0].keep && it[1].keep); /* the chain: -10 → -2 → the first */
    assert_true(bk_id_cmp("madoguchi-20261126T121929Z.mbk", "madoguchi-20261126T121929Z-2.mbk") < 0);
    assert_true(bk_id_cmp("madoguchi-20261126T121929Z-2.mbk", "madoguchi-20261126T121929Z-10.mbk") < 0);
    assert_true(bk_id_cmp("madoguchi-20261126T121929Z-10.mbk", "madoguchi-20261126T122000Z.mbk") < 0);
    assert_int_equal(bk_id_cmp("a.mbk", "a.mbk"), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_gfs), cmocka_unit_test(test_tokyo_day),
                                        cmocka_unit_test(test_chain), cmocka_unit_test(test_same_second) };
    return cmocka_run_group_tests_name("retention", tests, NULL, NULL);
}
