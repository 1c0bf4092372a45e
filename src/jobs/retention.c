/* retention: see retention.h. */
#include "jobs/retention.h"

#include "core/log.h"
#include "jobs/backup_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int
newest_first(const void *a, const void *b)
{
    const struct ret_item *x = *(const struct ret_item *const *)a;
    const struct ret_item *y = *(const struct ret_item *const *)b;
    if (x->taken_at != y->taken_at)
        return x->taken_at > y->taken_at ? -1 : 1;
    return bk_id_cmp(y->id, x->id);
}

/* Bucket of t: 0 = day number, 1 = week number (weeks start on Monday), 2 = year*12+month. */
static int64_t
bucket(int64_t t, int off_min, int kind)
{
    int64_t local = t + (int64_t)off_min * 60;
    int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    if (kind == 0)
        return day;
    if (kind == 1) /* 1970-01-01 was a Thursday: day + 3 counts from a Monday */
        return (day + 3 >= 0 ? day + 3 : day - 3) / 7;
    time_t tt = (time_t)local;
    struct tm tm;
    gmtime_r(&tt, &tm);
    return (int64_t)tm.tm_year * 12 + tm.tm_mon;
}

void
retention_select(struct ret_item *items, size_t n, const struct ret_policy *p)
{
    if (!n)
        return;
    struct ret_item **s = malloc(n * sizeof(*s));
    for (size_t i = 0; i < n; i++) {
        s[i] = &items[i];
        items[i].keep = false;
        items[i].why = NULL;
    }
    qsort(s, n, sizeof(*s), newest_first);
    s[0]->keep = true;
    s[0]->why = "newest";
    static const char *const why[3] = { "daily", "weekly", "monthly" };
    long want[3] = { p->daily, p->weekly, p->monthly };
    for (int k = 0; k < 3; k++) {
        long got = 0;
        bool have_last = false;
        int64_t last = 0;
        for (size_t i = 0; i < n && got < want[k]; i++) {
            int64_t b = bucket(s[i]->taken_at, p->offset_min, k);
            if (have_last && b == last)
                continue; /* an older archive of a bucket already counted */
            have_last = true;
            last = b;
            got++;
            if (!s[i]->keep) {
                s[i]->keep = true;
                s[i]->why = why[k];
            }
        }
    }
    /* the chain rule, to a fixed point */
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < n; i++) {
            if (!items[i].keep)
                continue;
            for (size_t j = 0; j < items[i].nneeds; j++)
                for (size_t m = 0; m < n; m++)
                    if (!items[m].keep && strcmp(items[m].id, items[i].needs[j]) == 0) {
                        items[m].keep = true;
                        items[m].why = "needed";
                        changed = true;
                    }
        }
    }
    free(s);
}

int
retention_apply(const char *dir, const struct ret_policy *p, int *deleted)
{
    if (deleted)
        *deleted = 0;
    struct bk_head *h = NULL;
    size_t n = 0;
    if (bk_list_dir(dir, &h, &n) < 0)
        return -1;
    struct ret_item *it = calloc(n ? n : 1, sizeof(*it));
    const char ***needs = calloc(n ? n : 1, sizeof(*needs));
    for (size_t i = 0; i < n; i++) {
        size_t m = json_array_size(h[i].needs);
        needs[i] = calloc(m ? m : 1, sizeof(**needs));
        for (size_t j = 0; j < m; j++)
            needs[i][j] = json_string_value(json_array_get(h[i].needs, j));
        it[i] = (struct ret_item){ .id = h[i].id, .taken_at = h[i].taken_at, .needs = needs[i],
                                   .nneeds = m };
    }
    retention_select(it, n, p);
    for (size_t i = 0; i < n; i++) {
        if (it[i].keep)
            continue;
        if (unlink(h[i].path) != 0) {
            log_warn("backup retention: cannot delete %s: %s", h[i].path, strerror(errno));
            continue;
        }
        log_info("backup retention: deleted %s", h[i].path);
        if (deleted)
            (*deleted)++;
    }
    for (size_t i = 0; i < n; i++)
        free(needs[i]);
    free(needs);
    free(it);
    bk_heads_free(h, n);
    return 0;
}
