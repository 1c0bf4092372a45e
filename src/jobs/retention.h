/* retention: which archives of a backup directory to keep — the newest of each of the last
 * keep_daily days, keep_weekly weeks (Monday to Sunday) and keep_monthly months, in local
 * time, plus always the newest one — and then every archive a kept one still needs for its
 * blobs (the chain rule), so a kept archive always restores. */
#ifndef MADO_RETENTION_H
#define MADO_RETENTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fail;

struct ret_item {
    const char *id;
    int64_t taken_at;          /* Unix seconds */
    const char *const *needs;  /* ids of the archives it needs */
    size_t nneeds;
    bool keep;                 /* out */
    const char *why;           /* out: "daily", "weekly", "monthly", "newest", "needed" or NULL */
};

struct ret_policy {
    long daily, weekly, monthly;
    int offset_min; /* local time (Asia/Tokyo: 540) */
};

/* Sets keep/why of every item (any order). */
void retention_select(struct ret_item *items, size_t n, const struct ret_policy *p);

/* Applies the policy to the archives of dir: deletes those not kept. *deleted = how many
 * (may be NULL). -1 when dir cannot be listed. */
int retention_apply(const char *dir, const struct ret_policy *p, int *deleted);

#endif
