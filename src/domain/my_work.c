/* my_work: records assigned to the caller (see my_work.h). */
#include "domain/my_work.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/acl.h"
#include "domain/app.h"
#include "domain/lclock.h"
#include "domain/my_work_sql.h"

#include <stdbool.h>
#include <string.h>

/* Rows read per query: assignments the caller may not view are skipped after the read, so the
 * query asks for more than the answer holds. */
#define MY_WORK_SCAN 2000

/* '%"login"%' with LIKE's own characters escaped. */
static const char *
like_pattern(struct ctx *c, const char *login)
{
    struct strbuf sb;
    strbuf_init(&sb, c->arena, 0);
    strbuf_adds(&sb, "%\"");
    for (const char *p = login; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            strbuf_addc(&sb, '\\');
        strbuf_addc(&sb, *p);
    }
    strbuf_adds(&sb, "\"%");
    return sb.buf;
}

static bool
has_login(const char *assignees, size_t len, const char *login)
{
    json_t *a = json_loadb(assignees, len, 0, NULL);
    bool found = false;
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v)
    {
        /* entries are logins; an object form {"code": ...} is accepted too */
        const char *s = json_is_string(v) ? json_string_value(v)
                                          : json_string_value(json_object_get(v, "code"));
        if (s && strcmp(s, login) == 0)
            found = true;
    }
    json_decref(a);
    return found;
}

/* The app definitions met so far (a few apps per answer). */
struct app_seen {
    int64_t id;
    struct app_def def;
    bool ok; /* loaded and viewable at all */
};

enum err
my_work_assigned(struct ctx *c, int64_t limit, json_t **out)
{
    if (c->who.kind != PRIN_USER || !c->who.login)
        return fail_set(c->fail, ERR_FORBIDDEN, NULL);
    if (limit < 1 || limit > MY_WORK_LIMIT)
        limit = MY_WORK_LIMIT;
    char today[16];
    clock_format_date(lclock_day(c->now), today);

    struct db_param p[] = { DBP_TEXT(like_pattern(c, c->who.login)), DBP_INT(MY_WORK_SCAN) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, MY_WORK_SQL_ASSIGNED, p, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);

    /* rows first (the ACL checks run queries of their own on the same connection) */
    struct row {
        int64_t app, id, at;
        const char *app_name, *status, *state, *due, *since;
    } *rows = NULL;
    size_t n = 0, cap = 0;
    while ((rc = db_step(res)) == 1) {
        if (!has_login(db_col_text(res, 5), db_col_len(res, 5), c->who.login))
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 32;
            struct row *nr = arena_alloc(c->arena, ncap * sizeof(*nr));
            if (n)
                memcpy(nr, rows, n * sizeof(*nr));
            rows = nr;
            cap = ncap;
        }
        struct row *w = &rows[n++];
        w->app = db_col_int(res, 0);
        w->app_name = arena_strdup(c->arena, db_col_text(res, 1));
        w->id = db_col_int(res, 2);
        w->status = db_col_null(res, 3) ? NULL : arena_strdup(c->arena, db_col_text(res, 3));
        w->at = db_col_int(res, 4);
        w->state = db_col_null(res, 6) ? NULL : arena_strdup(c->arena, db_col_text(res, 6));
        w->due = db_col_null(res, 7) ? NULL : arena_strdup(c->arena, db_col_text(res, 7));
        w->since = db_col_null(res, 8) ? NULL : arena_strdup(c->arena, db_col_text(res, 8));
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);

    struct app_seen *apps = arena_alloc(c->arena, (n ? n : 1) * sizeof(*apps));
    size_t napps = 0;
    json_t *list = json_array();
    bool more = false;
    for (size_t i = 0; i < n; i++) {
        const struct row *w = &rows[i];
        struct app_seen *as = NULL;
        for (size_t k = 0; k < napps; k++)
            if (apps[k].id == w->app)
                as = &apps[k];
        if (!as) {
            as = &apps[napps++];
            as->id = w->app;
            as->ok = app_load(c, w->app, false, &as->def) == ERR_OK;
            if (!as->ok)
                fail_init(c->fail, c->arena, c->lang);
        }
        if (!as->ok)
            continue;
        enum err e = acl_record(c, &as->def, w->id, ACL_VIEW);
        if (e == ERR_FORBIDDEN || e == ERR_RECORD_NOT_FOUND) {
            fail_init(c->fail, c->arena, c->lang); /* not an error of this answer */
            continue;
        }
        if (e != ERR_OK) {
            json_decref(list);
            return e;
        }
        if ((int64_t)json_array_size(list) == limit) {
            more = true;
            break;
        }
        /* lclock.h: running and past due, or paused / stopped after the due date */
        bool overdue = false;
        if (w->due && w->state) {
            if (strcmp(w->state, "running") == 0)
                overdue = strcmp(today, w->due) > 0;
            else
                overdue = w->since && strcmp(w->since, w->due) > 0;
        }
        char at[32];
        clock_format_utc(w->at, at);
        json_array_append_new(
            list, json_pack("{s:s,s:s,s:s,s:s?,s:s,s:s?,s:s?,s:b}", "app",
                            arena_printf(c->arena, "%lld", (long long)w->app), "appName",
                            w->app_name, "record", arena_printf(c->arena, "%lld", (long long)w->id),
                            "status", w->status, "statusAt", at, "clock", w->state, "due", w->due,
                            "overdue", overdue));
    }
    *out = json_pack("{s:o,s:b}", "records", list, "more", more);
    return ERR_OK;
}
