/* lclock: the legal clock of a record (標準処理期間 counted in open days, 開庁日): started when
 * the record reaches a start status (受付), paused while it waits for the applicant (修正待ち),
 * resumed on reply, stopped at a final status. Keeps the due date, the open days used and
 * the overdue flag on the record so that queries and lists can use them. Configured per app
 * in the definition's "clock" object (see clock_api.c). */
#ifndef MADO_LCLOCK_H
#define MADO_LCLOCK_H

#include "domain/app.h"
#include "domain/ctx.h"

/* Called inside the caller's transaction whenever a record's status changes (from is NULL
 * when a record is created in its first status). A no-op for apps without a clock. */
enum err lclock_on_status(struct ctx *c, const struct app_def *d, int64_t record_id,
                          const char *from, const char *to) MUST_CHECK;

#endif
