/* The open-day calendar; see bizcal.h. Holidays follow 国民の祝日に関する法律 as amended in 2018
 * (天皇誕生日 on 2/23 from 2020, 体育の日 renamed スポーツの日 from 2020). */
#include "bizcal.h"

#include "clock.h"

#include <string.h>

/* 春分の日 and 秋分の日 are fixed each February for the following year by the 暦要項 of the
 * 国立天文台 (published in the 官報), from the instant of the equinox in Japan time:
 *   2026: 暦要項 令和8年 (官報 2025-02-03): 3/20, 9/23.
 *   2027–2030: not yet in a 暦要項 when this was written; the days of the equinox instants
 *   (JST) computed by the 国立天文台 method (Meeus ch. 27, checked here independently): 2027
 *   3/21 05:24 and 9/23 15:01; 2028 3/20 11:17 and 9/22 20:45; 2029 3/20 17:01 and 9/23
 *   02:38; 2030 3/20 22:51 and 9/23 08:27. Note 2027: 3/21, a Sunday, so 3/22 is 振替休日.
 * They agree with the formula below, which serves every other year. */
static const struct {
    int year, spring, autumn;
} equinox_table[] = {
    { 2026, 20, 23 }, { 2027, 21, 23 }, { 2028, 20, 22 }, { 2029, 20, 23 }, { 2030, 20, 23 },
};

static int64_t
floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* The standard approximation (海上保安庁水路部 / 国立天文台 暦計算室), valid 1980–2099 and
 * used outside that span too: day = floor(20.8431 + 0.242194 (y - 1980) - floor((y - 1980)/4))
 * for March, 23.2488 instead of 20.8431 for September. In millionths to stay exact. */
static int
equinox_formula(int y, bool autumn)
{
    int64_t n = (int64_t)y - 1980;
    int64_t base = autumn ? 23248800 : 20843100;
    return (int)(floor_div(base + 242194 * n, 1000000) - floor_div(n, 4));
}

int
bizcal_equinox(int y, bool autumn)
{
    for (size_t i = 0; i < sizeof(equinox_table) / sizeof(equinox_table[0]); i++)
        if (equinox_table[i].year == y)
            return autumn ? equinox_table[i].autumn : equinox_table[i].spring;
    return equinox_formula(y, autumn);
}

/* The n-th Monday (Happy Monday holidays) falls on days 7n-6 .. 7n. */
static bool
nth_monday(int d, int wd, int n)
{
    return wd == 1 && d > 7 * (n - 1) && d <= 7 * n;
}

/* 国民の祝日 proper (article 2 of the law), without 振替休日 / 国民の休日. */
static const char *
national(int64_t day)
{
    int y, m, d;
    clock_civil_from_days(day, &y, &m, &d);
    int wd = clock_weekday(day);
    switch (m) {
    case 1:
        if (d == 1)
            return "元日";
        if (nth_monday(d, wd, 2))
            return "成人の日";
        break;
    case 2:
        if (d == 11)
            return "建国記念の日";
        if (d == 23)
            return "天皇誕生日";
        break;
    case 3:
        if (d == bizcal_equinox(y, false))
            return "春分の日";
        break;
    case 4:
        if (d == 29)
            return "昭和の日";
        break;
    case 5:
        if (d == 3)
            return "憲法記念日";
        if (d == 4)
            return "みどりの日";
        if (d == 5)
            return "こどもの日";
        break;
    case 7:
        if (nth_monday(d, wd, 3))
            return "海の日";
        break;
    case 8:
        if (d == 11)
            return "山の日";
        break;
    case 9:
        if (nth_monday(d, wd, 3))
            return "敬老の日";
        if (d == bizcal_equinox(y, true))
            return "秋分の日";
        break;
    case 10:
        if (nth_monday(d, wd, 2))
            return "スポーツの日";
        break;
    case 11:
        if (d == 3)
            return "文化の日";
        if (d == 23)
            return "勤労感謝の日";
        break;
    default:
        break;
    }
    return NULL;
}

const char *
bizcal_holiday(int64_t day)
{
    const char *name = national(day);
    if (name)
        return name;
    /* article 3(2): a holiday on a Sunday makes the nearest following day that is not itself
     * a holiday a 休日 (2026-05-03 → 05-06) */
    for (int64_t k = day - 1; national(k); k--)
        if (clock_weekday(k) == 0)
            return "振替休日";
    /* article 3(3): a day between two holidays (2026-09-22) */
    if (national(day - 1) && national(day + 1))
        return "国民の休日";
    return NULL;
}

bool
bizcal_year_end(int64_t day)
{
    int y, m, d;
    clock_civil_from_days(day, &y, &m, &d);
    return (m == 12 && d >= 29) || (m == 1 && d <= 3);
}

const struct bizcal_override *
bizcal_find(const struct bizcal *cal, int64_t day)
{
    if (!cal || !cal->n)
        return NULL;
    size_t lo = 0, hi = cal->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cal->over[mid].day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < cal->n && cal->over[lo].day == day ? &cal->over[lo] : NULL;
}

static bool
rules_open(int64_t day)
{
    int wd = clock_weekday(day);
    return wd != 0 && wd != 6 && !bizcal_year_end(day) && !bizcal_holiday(day);
}

bool
bizcal_is_open(const struct bizcal *cal, int64_t day)
{
    const struct bizcal_override *o = bizcal_find(cal, day);
    return o ? o->open : rules_open(day);
}

const char *
bizcal_name(const struct bizcal *cal, int64_t day)
{
    const struct bizcal_override *o = bizcal_find(cal, day);
    if (o && o->name && *o->name)
        return o->name;
    const char *h = bizcal_holiday(day);
    if (h)
        return h;
    return bizcal_year_end(day) ? "年末年始" : NULL;
}

int64_t
bizcal_add(const struct bizcal *cal, int64_t day, int64_t n)
{
    int64_t step = n < 0 ? -1 : 1;
    for (int64_t left = n < 0 ? -n : n; left > 0;) {
        day += step;
        if (bizcal_is_open(cal, day))
            left--;
    }
    return day;
}

int64_t
bizcal_count(const struct bizcal *cal, int64_t from, int64_t to)
{
    int64_t n = 0;
    for (int64_t day = from; day < to; day++)
        n += bizcal_is_open(cal, day);
    return n;
}
