/* bizcal: the ward's calendar of open days (開庁日), the unit in which 標準処理期間 is counted.
 * A day is closed on Saturdays and Sundays, on Japan's national holidays (国民の祝日, with
 * 振替休日 and 国民の休日) and during the year-end closure 12/29–1/3; the caller may pass
 * overrides (an extra closed day such as a 臨時閉庁日, or a listed holiday made an open day).
 * Dates are days since 1970-01-01 (clock_days_from_civil): no time zones here, the caller
 * decides which day "today" is. Pure computation, thread-safe. */
#ifndef MADO_BIZCAL_H
#define MADO_BIZCAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One day the ward decided differently from the rules; name may be "" (then the rule's name,
 * if any, is shown). */
struct bizcal_override {
    int64_t day;
    bool open;
    const char *name;
};

/* Overrides sorted by day, each day at most once. A zeroed struct = the rules alone. */
struct bizcal {
    const struct bizcal_override *over;
    size_t n;
};

/* The national holiday on day (国民の祝日 by name, "振替休日" or "国民の休日"), or NULL. The
 * law as it stands (天皇誕生日 2/23, スポーツの日, 山の日 8/11) applies to every year; the one-off
 * moves of 2020/2021 and the imperial events of 2019 are not modelled. */
const char *bizcal_holiday(int64_t day);
/* Day of March (autumn=false) or September (true) of 春分の日 / 秋分の日 in year y. */
int bizcal_equinox(int y, bool autumn);
/* Whether day is inside the year-end closure 12/29–1/3. */
bool bizcal_year_end(int64_t day);

/* Open day after overrides. */
bool bizcal_is_open(const struct bizcal *cal, int64_t day);
/* The name that explains the day: an override's name, else the holiday's, else "年末年始";
 * NULL for ordinary weekdays and weekends. */
const char *bizcal_name(const struct bizcal *cal, int64_t day);
/* The override of day, or NULL. */
const struct bizcal_override *bizcal_find(const struct bizcal *cal, int64_t day);

/* The n-th open day after day (n > 0), before it (n < 0), or day itself (n = 0). With
 * day = the date of receipt and n = 標準処理期間 this is the due date: the day of receipt is not
 * counted (初日不算入) and day 1 is the first open day after it. */
int64_t bizcal_add(const struct bizcal *cal, int64_t day, int64_t n);
/* Open days in [from, to) (0 when to <= from). Open days in (a, b] = bizcal_count(a+1, b+1). */
int64_t bizcal_count(const struct bizcal *cal, int64_t from, int64_t to);

#endif
