/* my_work: the records where the caller is an assignee, across apps (the staff app's inbox
 * shows them as "my work"), oldest status change first, with the legal clock's due date as
 * stored on the record (refreshed daily by lclock_refresh_all) and whether it is overdue.
 * Only records the caller may view. */
#ifndef MADO_MY_WORK_H
#define MADO_MY_WORK_H

#include "domain/ctx.h"

#include <jansson.h>
#include <stdint.h>

#define MY_WORK_LIMIT 200

/* {"records":[{"app","appName","record","status","statusAt","clock":"running|paused|stopped"|null,
 *   "due":"YYYY-MM-DD"|null,"overdue":bool}], "more":bool}; at most limit (1..MY_WORK_LIMIT)
 * entries. Users only (ERR_FORBIDDEN for API tokens). */
enum err my_work_assigned(struct ctx *c, int64_t limit, json_t **out) MUST_CHECK;

#endif
