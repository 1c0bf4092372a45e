/* Unit tests for src/core/bizcal: every national holiday of 2026 and 2027 listed explicitly
 * (内閣府's list for 2026; 2027 from the law and the equinox of 3/21), 振替休日 and 国民の休日,
 * the year-end closure, overrides, and counting open days across Golden Week and the year end
 * (標準処理期間 with the day of receipt not counted). */
#include "core/bizcal.h"
#include "core/clock.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

struct hol {
    const char *date, *name;
};

static int64_t
D(const char *s)
{
    int y, m, d;
    if (!clock_parse_date(s, &y, &m, &d))
        fail_msg("bad date %s", s);
    return clock_days_from_civil(y, m, d);
}

static const char *
fmt(int64_t day)
{
    static char buf[4][16];
    static int k;
    char *b = buf[k++ % 4];
    clock_format_date(day, b);
    return b;
}

/* Every day of year y: the holidays found must be exactly `want`. */
static void
check_year(int y, const struct hol *want, size_t n)
{
    size_t found = 0;
    for (int64_t day = clock_days_from_civil(y, 1, 1); day < clock_days_from_civil(y + 1, 1, 1);
         day++) {
        const char *h = bizcal_holiday(day);
        if (!h)
            continue;
        if (found >= n || strcmp(fmt(day), want[found].date) != 0) {
            fail_msg("unexpected holiday %s %s (expected %s)", fmt(day), h,
                     found < n ? want[found].date : "none");
        }
        assert_string_equal(h, want[found].name);
        found++;
    }
    assert_int_equal(found, n);
}

static void
test_holidays_2026(void **state)
{
    (void)state;
    static const struct hol h[] = {
        { "2026-01-01", "元日" },         { "2026-01-12", "成人の日" },
        { "2026-02-11", "建国記念の日" }, { "2026-02-23", "天皇誕生日" },
        { "2026-03-20", "春分の日" },     { "2026-04-29", "昭和の日" },
        { "2026-05-03", "憲法記念日" },   { "2026-05-04", "みどりの日" },
        { "2026-05-05", "こどもの日" },   { "2026-05-06", "振替休日" },
        { "2026-07-20", "海の日" },       { "2026-08-11", "山の日" },
        { "2026-09-21", "敬老の日" },     { "2026-09-22", "国民の休日" },
        { "2026-09-23", "秋分の日" },     { "2026-10-12", "スポーツの日" },
        { "2026-11-03", "文化の日" },     { "2026-11-23", "勤労感謝の日" },
    };
    check_year(2026, h, sizeof(h) / sizeof(h[0]));
}

static void
test_holidays_2027(void **state)
{
    (void)state;
    static const struct hol h[] = {
        { "2027-01-01", "元日" },         { "2027-01-11", "成人の日" },
        { "2027-02-11", "建国記念の日" }, { "2027-02-23", "天皇誕生日" },
        { "2027-03-21", "春分の日" },     { "2027-03-22", "振替休日" },
        { "2027-04-29", "昭和の日" },     { "2027-05-03", "憲法記念日" },
        { "2027-05-04", "みどりの日" },   { "2027-05-05", "こどもの日" },
        { "2027-07-19", "海の日" },       { "2027-08-11", "山の日" },
        { "2027-09-20", "敬老の日" },     { "2027-09-23", "秋分の日" },
        { "2027-10-11", "スポーツの日" }, { "2027-11-03", "文化の日" },
        { "2027-11-23", "勤労感謝の日" },
    };
    check_year(2027, h, sizeof(h) / sizeof(h[0]));
}

/* The table of 2026–2030 and the formula used for other years agree; a few years around it
 * checked against published dates. */
static void
test_equinoxes(void **state)
{
    (void)state;
    static const int spring[] = { 20, 21, 20, 20, 20 }, autumn[] = { 23, 23, 22, 23, 23 };
    for (int y = 2026; y <= 2030; y++) {
        assert_int_equal(bizcal_equinox(y, false), spring[y - 2026]);
        assert_int_equal(bizcal_equinox(y, true), autumn[y - 2026]);
    }
    /* published 暦要項: 2024 3/20 9/22, 2025 3/20 9/23; formula beyond: 2031 3/21 9/23 */
    assert_int_equal(bizcal_equinox(2024, false), 20);
    assert_int_equal(bizcal_equinox(2024, true), 22);
    assert_int_equal(bizcal_equinox(2025, false), 20);
    assert_int_equal(bizcal_equinox(2025, true), 23);
    assert_int_equal(bizcal_equinox(2031, false), 21);
    assert_int_equal(bizcal_equinox(2031, true), 23);
    assert_string_equal(bizcal_holiday(D("2031-03-21")), "春分の日");
}

static void
test_other_years(void **state)
{
    (void)state;
    /* 2028-2030 spot checks: 振替 and the autumn sandwich */
    assert_string_equal(bizcal_holiday(D("2028-09-22")), "秋分の日");
    assert_null(bizcal_holiday(D("2028-09-19"))); /* 敬老の日 is 9/18 in 2028 */
    assert_string_equal(bizcal_holiday(D("2028-09-18")), "敬老の日");
    assert_string_equal(bizcal_holiday(D("2029-02-12")), "振替休日"); /* 2/11 is a Sunday */
    assert_string_equal(bizcal_holiday(D("2030-05-06")), "振替休日"); /* 5/5 is a Sunday */
    assert_string_equal(bizcal_holiday(D("2032-09-21")), "国民の休日"); /* 9/20 敬老, 9/22 秋分 */
    /* years outside the table follow the same rules */
    assert_string_equal(bizcal_holiday(D("2025-02-24")), "振替休日");
    assert_string_equal(bizcal_holiday(D("2025-11-24")), "振替休日");
}

static void
test_open_days(void **state)
{
    (void)state;
    struct bizcal none = { 0 };
    assert_true(bizcal_is_open(&none, D("2026-04-28")));  /* Tuesday */
    assert_false(bizcal_is_open(&none, D("2026-04-25"))); /* Saturday */
    assert_false(bizcal_is_open(&none, D("2026-04-26"))); /* Sunday */
    assert_false(bizcal_is_open(&none, D("2026-05-06"))); /* 振替休日 */
    assert_false(bizcal_is_open(&none, D("2026-09-22"))); /* 国民の休日 */
    /* the year-end closure 2026-12-29 .. 2027-01-03 */
    assert_true(bizcal_is_open(&none, D("2026-12-28")));
    for (int64_t d = D("2026-12-29"); d <= D("2027-01-03"); d++) {
        assert_false(bizcal_is_open(&none, d));
        assert_true(bizcal_year_end(d));
    }
    assert_true(bizcal_is_open(&none, D("2027-01-04")));
    assert_string_equal(bizcal_name(&none, D("2026-12-30")), "年末年始");
    assert_string_equal(bizcal_name(&none, D("2027-01-01")), "元日");
    assert_null(bizcal_name(&none, D("2026-04-25")));
    assert_null(bizcal_name(&none, D("2026-04-28")));
}

static void
test_add_and_count(void **state)
{
    (void)state;
    struct bizcal none = { 0 };
    /* received Mon 2026-04-27, 10 open days: 4/28(1) 4/30(2) 5/1(3) 5/7(4) ... 5/15(10) */
    assert_string_equal(fmt(bizcal_add(&none, D("2026-04-27"), 10)), "2026-05-15");
    assert_string_equal(fmt(bizcal_add(&none, D("2026-04-27"), 4)), "2026-05-07");
    assert_string_equal(fmt(bizcal_add(&none, D("2026-04-27"), 0)), "2026-04-27");
    assert_string_equal(fmt(bizcal_add(&none, D("2026-05-07"), -1)), "2026-05-01");
    /* received on a closed day: day 1 is the next open day */
    assert_string_equal(fmt(bizcal_add(&none, D("2026-05-03"), 1)), "2026-05-07");
    /* open days in (4/27, 5/15] and over Golden Week alone */
    assert_int_equal(bizcal_count(&none, D("2026-04-28"), D("2026-05-16")), 10);
    assert_int_equal(bizcal_count(&none, D("2026-05-02"), D("2026-05-07")), 0);
    assert_int_equal(bizcal_count(&none, D("2026-05-07"), D("2026-05-02")), 0);
    /* year end: received Thu 2026-12-24, 5 open days: 12/25 12/28 1/4 1/5 1/6 */
    assert_string_equal(fmt(bizcal_add(&none, D("2026-12-24"), 5)), "2027-01-06");
    assert_int_equal(bizcal_count(&none, D("2026-12-25"), D("2027-01-07")), 5);
    /* a whole year: 365 days - 104 weekend days - holidays on weekdays - year end */
    assert_int_equal(bizcal_count(&none, D("2026-01-01"), D("2027-01-01")), 240);
    /* add and count are inverse */
    for (int n = 1; n <= 300; n += 7) {
        int64_t due = bizcal_add(&none, D("2026-03-19"), n);
        assert_int_equal(bizcal_count(&none, D("2026-03-20"), due + 1), n);
        assert_true(bizcal_is_open(&none, due));
    }
}

static void
test_overrides(void **state)
{
    (void)state;
    /* a 臨時閉庁日 on Thursday 5/7 and 振替休日 5/6 opened */
    static const struct bizcal_override o[] = {
        { 0, true, "" },
        { 0, false, "臨時閉庁日" },
    };
    struct bizcal_override ov[2];
    memcpy(ov, o, sizeof(ov));
    ov[0].day = D("2026-05-06");
    ov[1].day = D("2026-05-07");
    struct bizcal cal = { ov, 2 };
    assert_true(bizcal_is_open(&cal, D("2026-05-06")));
    assert_false(bizcal_is_open(&cal, D("2026-05-07")));
    assert_string_equal(bizcal_name(&cal, D("2026-05-07")), "臨時閉庁日");
    assert_string_equal(bizcal_name(&cal, D("2026-05-06")), "振替休日"); /* override without a name */
    assert_non_null(bizcal_find(&cal, D("2026-05-06")));
    assert_null(bizcal_find(&cal, D("2026-05-08")));
    assert_string_equal(fmt(bizcal_add(&cal, D("2026-05-01"), 1)), "2026-05-06");
    assert_string_equal(fmt(bizcal_add(&cal, D("2026-04-27"), 10)), "2026-05-15");
    assert_int_equal(bizcal_count(&cal, D("2026-05-01"), D("2026-05-09")), 3); /* 5/1 5/6 5/8 */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_holidays_2026), cmocka_unit_test(test_holidays_2027),
        cmocka_unit_test(test_equinoxes),     cmocka_unit_test(test_other_years),
        cmocka_unit_test(test_open_days),     cmocka_unit_test(test_add_and_count),
        cmocka_unit_test(test_overrides),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
