/* calendar: the ward's open-day calendar as stored: the built-in rules of core/bizcal plus the
 * overrides administrators keep in calendar_days (臨時閉庁日, or a holiday made an open day).
 * The overrides are cached once per process and re-read when calendar_rev.stamp changed, so
 * an edit on another node is seen by the next load. Edits run in the caller's transaction;
 * callers re-run lclock_refresh_all() afterwards so that due dates follow. */
#ifndef MADO_CALENDAR_H
#define MADO_CALENDAR_H

#include "core/bizcal.h"
#include "domain/ctx.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* The calendar now in force; *out stays valid while c->arena lives. */
enum err calendar_load(struct ctx *c, struct bizcal *out) MUST_CHECK;

/* The days of [from, to] (inclusive) that are not plain weekdays or weekends: holidays, the
 * year-end closure and every override, in date order:
 * [{"date","name","open":bool,"source":"builtin"|"override"}]. New JSON array. */
enum err calendar_list(struct ctx *c, int64_t from, int64_t to, json_t **out) MUST_CHECK;

/* Adds or replaces the override of day (name may be NULL or ""). */
enum err calendar_set(struct ctx *c, int64_t day, bool open, const char *name) MUST_CHECK;
/* Removes the override of day; *found tells whether there was one. */
enum err calendar_unset(struct ctx *c, int64_t day, bool *found) MUST_CHECK;

/* Forgets the cached overrides (tests, which recreate the database). */
void calendar_cache_clear(void);

#endif
