/* cron: the 5-field schedule of [backup] schedule ("minute hour day-of-month month
 * day-of-week": *, N, a-b, lists, and a step "/n" after * or a-b; day of week 0-7, 0 and 7 = Sunday; when both
 * day fields are restricted either may match, as in cron). Times are evaluated at a fixed UTC
 * offset: Asia/Tokyo (+09:00) has no daylight saving. */
#ifndef MADO_CRON_H
#define MADO_CRON_H

#include <stdbool.h>
#include <stdint.h>

struct cron {
    uint64_t minute;  /* bit n = minute n */
    uint32_t hour;    /* bits 0-23 */
    uint32_t mday;    /* bits 1-31 */
    uint16_t month;   /* bits 1-12 */
    uint8_t wday;     /* bits 0-6 */
    bool mday_any, wday_any;
};

#define CRON_TOKYO_OFFSET_MIN 540

/* False for a malformed expression (*err: what is wrong, English). */
bool cron_parse(const char *expr, struct cron *out, const char **err);
/* The first matching minute strictly after `after` (Unix seconds), at the given UTC offset in
 * minutes; -1 when none within 5 years (e.g. "0 0 31 2 *"). */
int64_t cron_next(const struct cron *c, int64_t after, int offset_min);

#endif
