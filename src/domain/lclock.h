/* lclock: the legal clock of a record (標準処理期間 counted in open days, 開庁日): started when
 * the record reaches a start status (受付), paused while it waits for the applicant (修正待ち),
 * resumed on reply, stopped at a final status. Keeps the due date, the open days used and
 * the overdue flag on the record so that queries and lists can use them. Configured per app
 * in the definition's "clock" object (see clock_api.c).
 *
 * Conventions (docs/admin.md, "Legal clock and calendar"):
 *  - Days are Japan dates (UTC+9) of c->now, whatever the caller's time zone.
 *  - The day of receipt is day 0 and not counted (初日不算入); day 1 is the first open day
 *    after it; due = receipt + N open days. On the due date daysUsed = N, daysLeft = 0.
 *  - Pausing on day P counts P as used; resuming on day R does not count R; the open days of
 *    (P, R] are paused days and move the due date by as many open days.
 *  - Re-entering a start status (after a send-back) does not restart the clock; a stopped
 *    clock stays stopped; a record that reaches a stop status before a start status never
 *    gets a clock.
 *  - overdue: running and today > due; paused or stopped: it was paused / stopped after the
 *    due date. */
#ifndef MADO_LCLOCK_H
#define MADO_LCLOCK_H

#include "domain/app.h"
#include "domain/ctx.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* The app's "clock" object, read from d->root ({"enable", "days", "startStatuses",
 * "pauseStatuses", "stopStatuses"}); the arrays are borrowed (may be NULL). */
struct lclock_config {
    bool enable;
    int64_t days;
    const json_t *start, *pause, *stop;
};
/* false (and a disabled *out) when the app has no enabled clock. */
bool lclock_config_read(const struct app_def *d, struct lclock_config *out);

/* The Japan date (days since 1970-01-01) of a Unix time. */
int64_t lclock_day(int64_t unix_secs);

/* Called inside the caller's transaction whenever a record's status changes (from is NULL
 * when a record is created in its first status). A no-op for apps without a clock. */
enum err lclock_on_status(struct ctx *c, const struct app_def *d, int64_t record_id,
                          const char *from, const char *to) MUST_CHECK;

/* Brings the stored due date and days used of every running or paused clock up to today
 * (c->now) and the current calendar. Runs in the caller's write transaction, or in its own
 * when none is open. Call it daily (server housekeeping, at the first run after midnight
 * JST, and once at start-up) and after every calendar change. */
enum err lclock_refresh_all(struct ctx *c) MUST_CHECK;

/* GET records/clock.json entry of one record, computed for today:
 * {"id","state","start","due","daysUsed","daysLeft","overdue","pausedDays"}; values are null
 * (overdue false) while the record has no clock. ERR_RECORD_NOT_FOUND if there is no such
 * record. The caller checks read access. */
enum err lclock_get(struct ctx *c, const struct app_def *d, int64_t record_id,
                    json_t **out) MUST_CHECK;

/* GET app/clock.json body (without revision) of a definition, defaults filled in. */
json_t *lclock_config_json(const struct app_def *d);
/* PUT app/clock.json: merges the keys present in in ("enable", "days", "startStatuses",
 * "pauseStatuses", "stopStatuses") into the copied preview definition d (app_def_copy first)
 * and validates the result: days 1..3650, arrays of distinct non-empty strings, a status in
 * one list only, at least one start status when enabled, and, when d has a process
 * definition ("process":{"states":{...}}), every status named there. Field errors. */
enum err lclock_config_apply(struct ctx *c, struct app_def *d, const json_t *in) MUST_CHECK;

#endif
