/* Civil-date algorithms after Howard Hinnant's days_from_civil. */
#include "clock.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int64_t fake_ms;
/* atomic: tests move it on the main thread while server workers may read the clock */
static _Atomic int64_t offset_ms;

void
clock_set_fake_ms(int64_t ms)
{
    fake_ms = ms;
}

void
clock_set_offset_ms(int64_t ms)
{
    atomic_store_explicit(&offset_ms, ms, memory_order_relaxed);
}

int64_t
clock_offset_ms(void)
{
    return atomic_load_explicit(&offset_ms, memory_order_relaxed);
}

int64_t
clock_now_ms(void)
{
    int64_t off = atomic_load_explicit(&offset_ms, memory_order_relaxed);
    if (fake_ms)
        return fake_ms + off;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + off;
}

int64_t
clock_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void
clock_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

int
clock_days_in_month(int y, int m)
{
    static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[(m - 1) % 12];
}

int
clock_weekday(int64_t days)
{
    return (int)(days >= -4 ? (days + 4) % 7 : (days + 5) % 7 + 6);
}

static bool
digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool
clock_parse_date(const char *s, int *y, int *m, int *d)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    if (!digits(s, 4, y) || !digits(s + 5, 2, m) || !digits(s + 8, 2, d))
        return false;
    return *m >= 1 && *m <= 12 && *d >= 1 && *d <= clock_days_in_month(*y, *m);
}

bool
clock_parse_time(const char *s, int *h, int *min)
{
    size_t n = strlen(s);
    int sec = 0;
    if ((n != 5 && n != 8) || s[2] != ':')
        return false;
    if (!digits(s, 2, h) || !digits(s + 3, 2, min))
        return false;
    if (n == 8 && (s[5] != ':' || !digits(s + 6, 2, &sec) || sec > 59))
        return false;
    return *h <= 23 && *min <= 59;
}

bool
clock_parse_datetime(const char *s, int64_t *out)
{
    int y, mo, d, h, mi, sec = 0;
    if (strlen(s) < 16 || s[10] != 'T')
        return false;
    char date[11];
    memcpy(date, s, 10);
    date[10] = '\0';
    if (!clock_parse_date(date, &y, &mo, &d))
        return false;
    const char *p = s + 11;
    if (!digits(p, 2, &h) || p[2] != ':' || !digits(p + 3, 2, &mi) || h > 23 || mi > 59)
        return false;
    p += 5;
    if (*p == ':') {
        if (!digits(p + 1, 2, &sec) || sec > 60)
            return false;
        p += 3;
        if (*p == '.') {
            p++;
            if (*p < '0' || *p > '9')
                return false;
            while (*p >= '0' && *p <= '9')
                p++;
        }
    }
    int off = 0;
    if (*p == 'Z' && p[1] == '\0') {
        off = 0;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || !digits(p + 4, 2, &om) || oh > 23 || om > 59)
            return false;
        off = (oh * 60 + om) * (*p == '-' ? -1 : 1);
    } else {
        return false;
    }
    *out = clock_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off * 60;
    return true;
}

void
clock_format_utc(int64_t secs, char *buf)
{
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t rem = secs - days * 86400;
    int y, m, d;
    clock_civil_from_days(days, &y, &m, &d);
    snprintf(buf, 21, "%04d-%02d-%02dT%02d:%02d:%02dZ", y % 10000, m, d, (int)(rem / 3600),
             (int)(rem / 60 % 60), (int)(rem % 60));
}

void
clock_format_utc_min(int64_t secs, char *buf)
{
    int64_t r = secs % 60;
    clock_format_utc(secs - (r < 0 ? r + 60 : r), buf);
}

void
clock_format_date(int64_t days, char *buf)
{
    int y, m, d;
    clock_civil_from_days(days, &y, &m, &d);
    snprintf(buf, 11, "%04d-%02d-%02d", y % 10000, m, d);
}

bool
clock_zone_offset(const char *zone, int *minutes)
{
    static const struct {
        const char *name;
        int off;
    } zones[] = {
        { "Asia/Tokyo", 540 }, { "Japan", 540 }, { "JST", 540 },     { "UTC", 0 },
        { "Etc/UTC", 0 },      { "GMT", 0 },     { "Asia/Seoul", 540 }, { "Asia/Shanghai", 480 },
        { "Asia/Taipei", 480 }, { "Asia/Singapore", 480 }, { "Asia/Kolkata", 330 },
    };
    if (!zone || !*zone) {
        *minutes = 540;
        return true;
    }
    for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
        if (strcmp(zone, zones[i].name) == 0) {
            *minutes = zones[i].off;
            return true;
        }
    }
    int h, m;
    if ((zone[0] == '+' || zone[0] == '-') && strlen(zone) == 6 && zone[3] == ':' &&
        digits(zone + 1, 2, &h) && digits(zone + 4, 2, &m)) {
        *minutes = (h * 60 + m) * (zone[0] == '-' ? -1 : 1);
        return true;
    }
    return false;
}
