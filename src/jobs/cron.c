/* cron: see cron.h. */
#include "jobs/cron.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static bool
num(const char **p, long *v)
{
    char *end;
    if (**p < '0' || **p > '9')
        return false;
    *v = strtol(*p, &end, 10);
    *p = end;
    return true;
}

/* One field into bits (lo..hi). */
static bool
field(const char *s, size_t len, int lo, int hi, uint64_t *bits, bool *any)
{
    char buf[128];
    if (len == 0 || len >= sizeof(buf))
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    *bits = 0;
    *any = strcmp(buf, "*") == 0;
    char *save = NULL;
    for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        const char *p = item;
        long a, b, step = 1;
        if (*p == '*') {
            a = lo;
            b = hi;
            p++;
        } else {
            if (!num(&p, &a))
                return false;
            b = a;
            if (*p == '-') {
                p++;
                if (!num(&p, &b))
                    return false;
            }
        }
        if (*p == '/') {
            p++;
            if (!num(&p, &step) || step < 1)
                return false;
            if (item[0] != '*' && b == a)
                b = hi; /* "5/15" = from 5 every 15 */
        }
        if (*p || a < lo || b > hi || a > b)
            return false;
        for (long v = a; v <= b; v += step)
            *bits |= (uint64_t)1 << v;
    }
    return *bits != 0;
}

bool
cron_parse(const char *expr, struct cron *out, const char **err)
{
    static const int lo[5] = { 0, 0, 1, 1, 0 }, hi[5] = { 59, 23, 31, 12, 7 };
    static const char *const names[5] = { "minute", "hour", "day of month", "month",
                                          "day of week" };
    memset(out, 0, sizeof(*out));
    const char *p = expr ? expr : "";
    uint64_t bits[5];
    bool any[5];
    for (int i = 0; i < 5; i++) {
        while (*p == ' ' || *p == '\t')
            p++;
        size_t n = strcspn(p, " \t");
        if (!n) {
            *err = "five fields are needed: minute hour day-of-month month day-of-week";
            return false;
        }
        if (!field(p, n, lo[i], hi[i], &bits[i], &any[i])) {
            *err = names[i];
            return false;
        }
        p += n;
    }
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p) {
        *err = "more than five fields";
        return false;
    }
    out->minute = bits[0];
    out->hour = (uint32_t)bits[1];
    out->mday = (uint32_t)bits[2];
    out->month = (uint16_t)bits[3];
    out->wday = (uint8_t)((bits[4] | (bits[4] >> 7)) & 0x7f); /* 7 = Sunday = 0 */
    out->mday_any = any[2];
    out->wday_any = any[4];
    return true;
}

static bool
day_matches(const struct cron *c, const struct tm *tm)
{
    if (!(c->month >> (tm->tm_mon + 1) & 1))
        return false;
    bool md = c->mday >> tm->tm_mday & 1, wd = c->wday >> tm->tm_wday & 1;
    if (c->mday_any || c->wday_any)
        return md && wd;
    return md || wd;
}

int64_t
cron_next(const struct cron *c, int64_t after, int offset_min)
{
    int64_t off = (int64_t)offset_min * 60;
    int64_t t = (after + off) / 60 * 60 + 60; /* local wall clock, next whole minute */
    int64_t limit = t + (int64_t)5 * 366 * 86400;
    while (t < limit) {
        time_t tt = (time_t)t;
        struct tm tm;
        gmtime_r(&tt, &tm);
        if (!day_matches(c, &tm)) {
            t += 86400 - (tm.tm_hour * 3600 + tm.tm_min * 60);
            continue;
        }
        if (!(c->hour >> tm.tm_hour & 1)) {
            t += 3600 - tm.tm_min * 60;
            continue;
        }
        if (!(c->minute >> tm.tm_min & 1)) {
            t += 60;
            continue;
        }
        return t - off;
    }
    return -1;
}
