/* Security events; see event.h. */
#include "event.h"

#include "core/log.h"
#include "db/db.h"

#define EVENT_SQL_INSERT                                                                           \
    "INSERT INTO security_events (at, actor, ip, action, target, detail) "                        \
    "VALUES ($1, $2, $3, $4, $5, $6)"

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
    log_info("security: %s actor=%s ip=%s target=%s", action, actor, c->ip ? c->ip : "",
             target ? target : "");
}
