/* Unit tests for src/core/wareki.c: era boundaries, 元年, kanji numerals. */
#include "core/wareki.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static void
expect_date(int y, int m, int d, bool kanji, const char *want)
{
    char buf[64];
    assert_true(wareki_format(y, m, d, kanji, buf, sizeof(buf)));
    assert_string_equal(buf, want);
}

static void
test_eras(void **state)
{
    (void)state;
    expect_date(2026, 4, 1, false, "令和8年4月1日");
    expect_date(2026, 4, 1, true, "令和八年四月一日");
    expect_date(2019, 5, 1, false, "令和元年5月1日");
    expect_date(2019, 4, 30, false, "平成31年4月30日");
    expect_date(1989, 1, 8, true, "平成元年一月八日");
    expect_date(1989, 1, 7, false, "昭和64年1月7日");
    expect_date(1926, 12, 25, false, "昭和元年12月25日");
    expect_date(1926, 12, 24, false, "大正15年12月24日");
    expect_date(1912, 7, 30, false, "大正元年7月30日");
    expect_date(1912, 7, 29, false, "明治45年7月29日");
    expect_date(1868, 1, 25, false, "明治元年1月25日");
    expect_date(1868, 1, 24, false, "1868年1月24日");
    expect_date(2030, 12, 31, true, "令和十二年十二月三十一日");
    const char *era;
    int ey;
    assert_true(wareki_era(2026, 4, 1, &era, &ey));
    assert_string_equal(era, "令和");
    assert_int_equal(ey, 8);
    assert_false(wareki_era(1800, 1, 1, &era, &ey));
    char small[8];
    assert_false(wareki_format(2026, 4, 1, false, small, sizeof(small)));
}

static void
expect_kanji(long long v, const char *want)
{
    char buf[128];
    assert_true(wareki_kanji_number(v, buf, sizeof(buf)));
    assert_string_equal(buf, want);
}

static void
test_kanji(void **state)
{
    (void)state;
    expect_kanji(0, "〇");
    expect_kanji(1, "一");
    expect_kanji(10, "十");
    expect_kanji(11, "十一");
    expect_kanji(25, "二十五");
    expect_kanji(100, "百");
    expect_kanji(110, "百十");
    expect_kanji(1000, "千");
    expect_kanji(2026, "二千二十六");
    expect_kanji(10000, "一万");
    expect_kanji(10010, "一万十");
    expect_kanji(12345, "一万二千三百四十五");
    expect_kanji(10000000, "一千万");
    expect_kanji(100000000, "一億");
    expect_kanji(300000002, "三億二");
    expect_kanji(-5, "−五");
    char buf[4];
    assert_false(wareki_kanji_number(25, buf, sizeof(buf)));
    assert_false(wareki_kanji_number(10000000000000000LL, buf, sizeof(buf)));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eras),
        cmocka_unit_test(test_kanji),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
