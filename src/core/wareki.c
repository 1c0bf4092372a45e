/* wareki: era table and kanji numerals (see wareki.h). */
#include "core/wareki.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int y, m, d;
} eras[] = {
    /* newest first: the first era whose start is on or before the date wins */
    { "令和", 2019, 5, 1 },
    { "平成", 1989, 1, 8 },
    { "昭和", 1926, 12, 25 },
    { "大正", 1912, 7, 30 },
    { "明治", 1868, 1, 25 },
};

bool
wareki_era(int y, int m, int d, const char **era, int *era_year)
{
    long key = (long)y * 10000 + m * 100 + d;
    for (size_t i = 0; i < sizeof(eras) / sizeof(eras[0]); i++) {
        if (key >= (long)eras[i].y * 10000 + eras[i].m * 100 + eras[i].d) {
            *era = eras[i].name;
            *era_year = y - eras[i].y + 1;
            return true;
        }
    }
    return false;
}

static const char *const digits[] = { "〇", "一", "二", "三", "四", "五", "六", "七", "八", "九" };

struct out {
    char *p;
    size_t left;
    bool ok;
};

static void
put(struct out *o, const char *s)
{
    size_t n = strlen(s);
    if (!o->ok || n >= o->left) {
        o->ok = false;
        return;
    }
    memcpy(o->p, s, n);
    o->p += n;
    o->left -= n;
    *o->p = '\0';
}

/* 1..9999 with 千百十 (no 一 before them: 千, 百, 十 as officially written) */
static void
put_under_10000(struct out *o, int v)
{
    static const char *const units[] = { "千", "百", "十", "" };
    static const int scale[] = { 1000, 100, 10, 1 };
    for (int i = 0; i < 4; i++) {
        int q = v / scale[i] % 10;
        if (q == 0)
            continue;
        if (q > 1 || i == 3)
            put(o, digits[q]);
        put(o, units[i]);
    }
}

static void
put_kanji(struct out *o, long long v)
{
    static const char *const big[] = { "兆", "億", "万", "" };
    static const long long scale[] = { 1000000000000LL, 100000000LL, 10000LL, 1 };
    if (v < 0) {
        put(o, "−");
        v = -v;
    }
    if (v == 0) {
        put(o, digits[0]);
        return;
    }
    if (v >= 10000000000000000LL) {
        o->ok = false;
        return;
    }
    for (int i = 0; i < 4; i++) {
        int q = (int)(v / scale[i] % 10000);
        if (q == 0)
            continue;
        /* 一万, 一億 keep their 一; 千 alone in front of 万 is written 一千万 */
        if (i < 3 && q >= 1000 && q / 1000 == 1)
            put(o, digits[1]);
        if (i < 3 && q == 1)
            put(o, digits[1]);
        else
            put_under_10000(o, q);
        put(o, big[i]);
    }
}

bool
wareki_kanji_number(long long v, char *buf, size_t n)
{
    struct out o = { buf, n, n > 0 };
    if (n)
        *buf = '\0';
    put_kanji(&o, v);
    return o.ok;
}

bool
wareki_format(int y, int m, int d, bool kanji, char *buf, size_t n)
{
    struct out o = { buf, n, n > 0 };
    const char *era;
    int ey;
    char num[64];
    if (n)
        *buf = '\0';
    if (!wareki_era(y, m, d, &era, &ey)) {
        int w = snprintf(buf, n, "%d年%d月%d日", y, m, d);
        return w >= 0 && (size_t)w < n;
    }
    put(&o, era);
    if (ey == 1) {
        put(&o, "元");
    } else if (kanji) {
        wareki_kanji_number(ey, num, sizeof(num));
        put(&o, num);
    } else {
        snprintf(num, sizeof(num), "%d", ey);
        put(&o, num);
    }
    put(&o, "年");
    if (kanji) {
        wareki_kanji_number(m, num, sizeof(num));
        put(&o, num);
        put(&o, "月");
        wareki_kanji_number(d, num, sizeof(num));
        put(&o, num);
        put(&o, "日");
    } else {
        snprintf(num, sizeof(num), "%d月%d日", m, d);
        put(&o, num);
    }
    return o.ok;
}
