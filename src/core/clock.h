/* clock: wall time, civil-date arithmetic (proleptic Gregorian, no libc time zone state, so
 * thread-safe), ISO 8601 parsing/formatting and the time zones callers may name. */
#ifndef MADO_CLOCK_H
#define MADO_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

int64_t clock_now_ms(void);
/* Test hook: when non-zero, clock_now_ms() returns it. */
void clock_set_fake_ms(int64_t ms);
/* Test hook: added to every clock_now_ms() (real or fake), so tests can let idle timeouts and
 * lockouts pass without sleeping. 0 in production. */
void clock_set_offset_ms(int64_t ms);
int64_t clock_offset_ms(void);

/* Days since 1970-01-01 for a civil date, and back. */
int64_t clock_days_from_civil(int y, int m, int d);
void clock_civil_from_days(int64_t days, int *y, int *m, int *d);
int clock_days_in_month(int y, int m);
/* 0 = Sunday ... 6 = Saturday */
int clock_weekday(int64_t days);

/* "YYYY-MM-DD" strictly (valid calendar date). */
bool clock_parse_date(const char *s, int *y, int *m, int *d);
/* "HH:MM" or "HH:MM:SS" */
bool clock_parse_time(const char *s, int *h, int *min);
/* ISO 8601 date-time with Z or ±HH:MM offset (seconds and fractions optional) → Unix seconds. */
bool clock_parse_datetime(const char *s, int64_t *out);

/* Formats Unix seconds as "YYYY-MM-DDTHH:MM:SSZ" (buf ≥ 21 bytes). */
void clock_format_utc(int64_t secs, char *buf);
/* Same, seconds forced to 00 (kintone's minute precision for system times). */
void clock_format_utc_min(int64_t secs, char *buf);
void clock_format_date(int64_t days, char *buf); /* buf ≥ 11 */

/* Offset in minutes east of UTC for a zone name ("Asia/Tokyo", "UTC", "+09:00"); false if unknown. */
bool clock_zone_offset(const char *zone, int *minutes);

#endif
