/* event: the security event trail (security_events): refusals (bad passwords, replayed TOTP
 * codes, CSRF, IP denials, foreign tokens), account locks, logins and every use of
 * administrator rights. Issue #4 folds these into the hash-chained audit log. An event is
 * written in the caller's transaction when there is one; refusals happen before the request
 * transaction starts, so they persist even though the request fails. */
#ifndef MADO_EVENT_H
#define MADO_EVENT_H

#include "domain/ctx.h"

/* actor: login code or NULL (taken from c->who); target and detail_json may be NULL.
 * Failures are logged, never returned: an event must not turn a refusal into a 500. */
void event_log(struct ctx *c, const char *action, const char *actor, const char *target,
               const char *detail_json);

#endif
