/* Reading security events; see event_list.h. */
#include "domain/event_list.h"

#include "core/clock.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

/* One statement for every filter combination: empty texts and 0 bounds match everything. */
#define EVENT_SQL_LIST                                                                             \
    "SELECT id, at, actor, ip, action, target, detail FROM security_events "                      \
    "WHERE at >= $1 AND at <= $2 "                                                                \
    "AND (CAST($3 AS TEXT) = '' OR action = $3) "                                                 \
    "AND (CAST($4 AS TEXT) = '' OR substr(action, 1, length(CAST($4 AS TEXT))) = $4) "            \
    "AND (CAST($5 AS TEXT) = '' OR actor = $5) "                                                  \
    "ORDER BY at DESC, id DESC LIMIT $6"

enum err
event_list(struct ctx *c, const struct event_filter *f, json_t **out)
{
    char prefix[256] = "";
    const char *exact = "";
    *out = NULL;
    if (f->action && *f->action) {
        size_t n = strlen(f->action);
        if (f->action[n - 1] == '*')
            snprintf(prefix, sizeof(prefix), "%.*s", (int)(n - 1), f->action);
        else
            exact = f->action;
    }
    int64_t limit = f->limit > 0 && f->limit <= EVENT_LIST_MAX ? f->limit : 100;
    struct db_param p[] = { DBP_INT(f->since), DBP_INT(f->until ? f->until : INT64_MAX),
                            DBP_TEXT(exact),   DBP_TEXT(prefix),
                            DBP_TEXT(f->actor ? f->actor : ""), DBP_INT(limit) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, EVENT_SQL_LIST, p, 6, &res);
    if (rc != DB_OK)
        return fail_set(c->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
    json_t *a = json_array();
    while ((rc = db_step(res)) == 1) {
        char at[32], id[24];
        clock_format_utc(db_col_int(res, 1), at);
        snprintf(id, sizeof(id), "%lld", (long long)db_col_int(res, 0));
        json_t *detail = json_loads(db_col_text(res, 6), 0, NULL);
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "id", id, "at",
                                           at, "actor", db_col_text(res, 2), "ip",
                                           db_col_text(res, 3), "action", db_col_text(res, 4),
                                           "target", db_col_text(res, 5), "detail",
                                           detail ? detail : json_object()));
    }
    db_res_free(res);
    if (rc < 0) {
        json_decref(a);
        return fail_set(c->fail, rc == DB_CONN ? ERR_UNAVAILABLE : ERR_INTERNAL, NULL);
    }
    *out = a;
    return ERR_OK;
}
