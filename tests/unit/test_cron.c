/* Unit tests for src/jobs/cron.c: parsing and the next run in Asia/Tokyo. */
#include "jobs/cron.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

/* Unix seconds of a Tokyo wall-clock time. */
static int64_t
jst(int y, int mo, int d, int h, int mi)
{
    struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
                     .tm_min = mi };
    return (int64_t)timegm(&tm) - 9 * 3600;
}

static int64_t
next(const char *expr, int64_t after)
{
    struct cron c;
    const char *err = NULL;
    assert_true(cron_parse(expr, &c, &err));
    return cron_next(&c, after, CRON_TOKYO_OFFSET_MIN);
}

static void
test_parse(void **state)
{
    (void)state;
    struct cron c;
    const char *err = NULL;
    assert_true(cron_parse("0 2 * * *", &c, &err));
    assert_int_equal(c.minute, 1);
    assert_int_equal(c.hour, 1 << 2);
    assert_true(c.mday_any && c.wday_any);
    assert_true(cron_parse("*/15 1-5/2 1,15 */3 7", &c, &err));
    assert_int_equal(c.minute, (1ull << 0) | (1ull << 15) | (1ull << 30) | (1ull << 45));
    assert_int_equal(c.hour, (1 << 1) | (1 << 3) | (1 << 5));
    assert_int_equal(c.mday, (1u << 1) | (1u << 15));
    assert_int_equal(c.month, (1 << 1) | (1 << 4) | (1 << 7) | (1 << 10));
    assert_int_equal(c.wday, 1); /* 7 = Sunday */
    static const char *const bad[] = { "", "0 2 * *", "0 2 * * * *", "60 2 * * *", "0 24 * * *",
                                       "0 2 0 * *", "0 2 * 13 *", "0 2 * * 8", "a 2 * * *",
                                       "*/0 * * * *", "5-1 * * * *", "0 2 * * ,", "1- * * * *" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        err = NULL;
        if (cron_parse(bad[i], &c, &err))
            fail_msg("accepted '%s'", bad[i]);
        assert_non_null(err);
    }
}

static void
test_next(void **state)
{
    (void)state;
    /* default: daily 02:00 Tokyo = 17:00 UTC the day before */
    assert_int_equal(next("0 2 * * *", jst(2026, 11, 26, 1, 59)), jst(2026, 11, 26, 2, 0));
    assert_int_equal(next("0 2 * * *", jst(2026, 11, 26, 2, 0)), jst(2026, 11, 27, 2, 0));
    assert_int_equal(next("0 2 * * *", jst(2026, 12, 31, 23, 30)), jst(2027, 1, 1, 2, 0));
    /* the UTC date differs from the Tokyo date between 00:00 and 09:00 JST */
    assert_int_equal(next("30 3 1 * *", jst(2026, 11, 30, 12, 0)), jst(2026, 12, 1, 3, 30));
    /* weekdays: Sunday via 0 and 7; 2026-11-29 is a Sunday */
    assert_int_equal(next("0 9 * * 0", jst(2026, 11, 26, 10, 0)), jst(2026, 11, 29, 9, 0));
    assert_int_equal(next("0 9 * * 7", jst(2026, 11, 26, 10, 0)), jst(2026, 11, 29, 9, 0));
    /* both day fields restricted: either matches (cron) */
    assert_int_equal(next("0 0 1 * 1", jst(2026, 11, 26, 10, 0)), jst(2026, 11, 30, 0, 0));
    /* leap day */
    assert_int_equal(next("0 0 29 2 *", jst(2026, 3, 1, 0, 0)), jst(2028, 2, 29, 0, 0));
    assert_int_equal(next("0 0 31 2 *", jst(2026, 3, 1, 0, 0)), -1);
    /* every 15 minutes, seconds ignored */
    assert_int_equal(next("*/15 * * * *", jst(2026, 11, 26, 10, 7) + 42),
                     jst(2026, 11, 26, 10, 15));
}

int
main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_parse), cmocka_unit_test(test_next) };
    return cmocka_run_group_tests_name("cron", tests, NULL, NULL);
}
