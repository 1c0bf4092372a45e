/* Security events; see event.h. */
#include "event.h"

#include "core/log.h"
#include "db/db.h"
#include "domain/audit.h"

#include <string.h>

#define EVENT_SQL_INSERT                                                                           \
    "INSERT INTO security_events (at, actor, ip, action, target, detail) "                        \
    "VALUES ($1, $2, $3, $4, $5, $6)"

/* Refusals are "denied"; logins, logouts and uses of rights are "ok". */
static const char *
event_outcome(const char *action)
{
    static const char *const refused[] = { ".fail", ".deny", ".reject", ".locked", ".replay",
                                           ".refused" };
    size_t n = strlen(action);
    if (strcmp(action, "ratelimit") == 0)
        return "denied";
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        size_t k = strlen(refused[i]);
        if (n >= k && strcmp(action + n - k, refused[i]) == 0)
            return "denied";
    }
    return "ok";
}

void
event_log(struct ctx *c, const char *action, const char *actor, const char *target,
          const char *detail_json)
{
    if (!actor)
        actor = c->who.login ? c->who.login : "";
    struct db_param p[] = {
        DBP_INT(c->now),
        DBP_TEXT(actor),
        DBP_TEXT(c->ip ? c->ip : ""),
        DBP_TEXT(action),
        DBP_TEXT(target ? target : ""),
        DBP_TEXT(detail_json ? detail_json : "{}"),
    };
    int rc = db_exec(c->db, EVENT_SQL_INSERT, p, 6, NULL);
    if (rc != DB_OK)
        log_error("security event %s (%s): %s", action, actor, db_errmsg(c->db));
    /* the same event on the hash chain: in the caller's transaction when there is one, else
     * in a small one of its own (refusals happen before the request's transaction) */
    struct audit_entry e = { .at = audit_now_ms(c),
                             .actor = actor,
                             .ip = c->ip,
                             .action = action,
                             .target = target,
                             .outcome = event_outcome(action),
                             .detail = detail_json };
    audit_append_own(c, &e);
    log_info("security: %s actor=%s ip=%s target=%s", action, actor, c->ip ? c->ip : "",
             target ? target : "");
}
