/* wareki: Japanese era dates (和暦) and kanji numerals (漢数字) for official documents:
 * 明治 from 1868-01-25, 大正 1912-07-30, 昭和 1926-12-25, 平成 1989-01-08, 令和 2019-05-01;
 * the first year of an era is 元年. Pure functions, thread-safe. */
#ifndef MADO_WAREKI_H
#define MADO_WAREKI_H

#include <stdbool.h>
#include <stddef.h>

/* Era name and year of a civil date ("令和", 8); false before 明治 (no era). */
bool wareki_era(int y, int m, int d, const char **era, int *era_year);

/* "令和8年4月1日" (kanji=false) or "令和八年四月一日" (kanji=true); "令和元年5月1日" for the
 * first year. Dates before 明治 are written as "1867年1月1日". Writes at most n bytes
 * (NUL-terminated); false when buf is too small. */
bool wareki_format(int y, int m, int d, bool kanji, char *buf, size_t n);

/* Kanji numeral of n: 0 "〇", 25 "二十五", 100 "百", 1000 "千", 10000 "一万",
 * 2026 "二千二十六", 100000000 "一億"; negative numbers get "−" in front. Up to 10^16 − 1
 * (兆). false when buf (n bytes) is too small. */
bool wareki_kanji_number(long long v, char *buf, size_t n);

#endif
