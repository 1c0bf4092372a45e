/* The legal clock; see lclock.h for the conventions. A record's clock is a few columns
 * (lclock_sql.h): the state, the day of receipt, the day of the last state change (since),
 * the open days used before it, the open days of completed pauses, the period in force at
 * receipt, and what follows from those for a given day (due date, days used), stored so that
 * queries can filter and sort on them. */
#include "lclock.h"

#include "core/arena.h"
#include "core/bizcal.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/text.h"
#include "db/db.h"
#include "domain/calendar.h"
#include "domain/lclock_sql.h"

#include <stdlib.h>
#include <string.h>

#define JST_OFFSET (9 * 3600)
#define DAYS_MAX 3650
#define NO_DAY INT64_MIN

enum state { ST_NONE, ST_RUNNING, ST_PAUSED, ST_STOPPED };
static const char *const state_names[] = { NULL, "running", "paused", "stopped" };

struct clock_row {
    int64_t app_id, id;
    enum state state;
    int64_t start, since, used, paused, limit, due, days, asof;
};

/* What a clock says on a given day. */
struct clock_view {
    int64_t due, days, paused;
    bool overdue;
};

int64_t
lclock_day(int64_t unix_secs)
{
    int64_t t = unix_secs + JST_OFFSET;
    return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

/* ---- configuration ---- */

static bool
int_of(const json_t *v, int64_t *out)
{
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return true;
    }
    const char *s = json_string_value(v);
    if (!s || !*s)
        return false;
    char *end;
    long long n = strtoll(s, &end, 10);
    if (*end)
        return false;
    *out = n;
    return true;
}

bool
lclock_config_read(const struct app_def *d, struct lclock_config *out)
{
    memset(out, 0, sizeof(*out));
    const json_t *cfg = json_object_get(d->root, "clock");
    if (!json_is_object(cfg))
        return false;
    out->start = json_object_get(cfg, "startStatuses");
    out->pause = json_object_get(cfg, "pauseStatuses");
    out->stop = json_object_get(cfg, "stopStatuses");
    if (!int_of(json_object_get(cfg, "days"), &out->days) || out->days < 1)
        out->days = 0;
    out->enable = json_is_true(json_object_get(cfg, "enable")) && out->days > 0;
    return out->enable;
}

static bool
listed(const json_t *list, const char *status)
{
    size_t i;
    const json_t *v;
    json_array_foreach(list, i, v)
    {
        if (json_is_string(v) && strcmp(json_string_value(v), status) == 0)
            return true;
    }
    return false;
}

json_t *
lclock_config_json(const struct app_def *d)
{
    struct lclock_config cfg;
    lclock_config_read(d, &cfg);
    const json_t *raw = json_object_get(d->root, "clock");
    json_t *out = json_object();
    json_object_set_new(out, "enable", json_boolean(json_is_true(json_object_get(raw, "enable"))));
    json_object_set_new(out, "days",
                        cfg.days ? json_sprintf("%lld", (long long)cfg.days) : json_null());
    json_object_set_new(out, "startStatuses",
                        json_is_array(cfg.start) ? json_deep_copy(cfg.start) : json_array());
    json_object_set_new(out, "pauseStatuses",
                        json_is_array(cfg.pause) ? json_deep_copy(cfg.pause) : json_array());
    json_object_set_new(out, "stopStatuses",
                        json_is_array(cfg.stop) ? json_deep_copy(cfg.stop) : json_array());
    return out;
}

static const char *const list_keys[] = { "startStatuses", "pauseStatuses", "stopStatuses" };

/* One status list: strings, not empty, each once in all lists, known to the process
 * definition when there is one. */
static bool
check_list(struct ctx *c, const char *key, const json_t *list, const json_t *states,
           json_t *seen)
{
    bool ok = true;
    size_t i;
    const json_t *v;
    if (!json_is_array(list)) {
        fail_field(c->fail, key, MSG_BAD_TYPE, NULL);
        return false;
    }
    if (json_array_size(list) > 100) {
        fail_field(c->fail, key, MSG_MAX_ITEMS, "100");
        return false;
    }
    json_array_foreach(list, i, v)
    {
        const char *ik = arena_printf(c->arena, "%s[%zu]", key, i);
        const char *s = json_string_value(v);
        if (!s || !*s || text_blank(s)) {
            fail_field(c->fail, ik, s ? MSG_REQUIRED : MSG_BAD_TYPE, NULL);
            ok = false;
        } else if (json_object_get(seen, s)) {
            fail_field(c->fail, ik, MSG_DUPLICATE, NULL);
            ok = false;
        } else if (states && !json_object_get(states, s)) {
            fail_field(c->fail, ik, MSG_BAD_OPTION, s);
            ok = false;
        } else {
            json_object_set_new(seen, s, json_true());
        }
    }
    return ok;
}

enum err
lclock_config_apply(struct ctx *c, struct app_def *d, const json_t *in)
{
    json_t *cur = json_object_get(d->root, "clock");
    json_t *cfg = json_is_object(cur) ? json_deep_copy(cur) : json_object();
    json_t *seen = json_object();
    bool ok = true;
    const json_t *v;
    if ((v = json_object_get(in, "enable")) && !json_is_null(v)) {
        const char *s = json_string_value(v);
        if (json_is_boolean(v) || (s && (!strcmp(s, "true") || !strcmp(s, "false"))))
            json_object_set_new(cfg, "enable",
                                json_boolean(json_is_true(v) || (s && !strcmp(s, "true"))));
        else {
            fail_field(c->fail, "enable", MSG_BAD_TYPE, NULL);
            ok = false;
        }
    }
    if ((v = json_object_get(in, "days")) && !json_is_null(v))
        json_object_set(cfg, "days", (json_t *)v);
    for (size_t k = 0; k < 3; k++)
        if ((v = json_object_get(in, list_keys[k])) && !json_is_null(v))
            json_object_set(cfg, list_keys[k], (json_t *)v);
    bool enable = json_is_true(json_object_get(cfg, "enable"));
    int64_t days = 0;
    if ((v = json_object_get(cfg, "days"))) {
        if (!int_of(v, &days)) {
            fail_field(c->fail, "days", MSG_NOT_NUMBER, NULL);
            ok = false;
        } else if (days < 1 || days > DAYS_MAX) {
            fail_field(c->fail, "days", days < 1 ? MSG_TOO_SMALL : MSG_TOO_BIG,
                       days < 1 ? "1" : "3650");
            ok = false;
        } else {
            json_object_set_new(cfg, "days", json_integer(days));
        }
    } else if (enable) {
        fail_field(c->fail, "days", MSG_REQUIRED, NULL);
        ok = false;
    }
    /* statuses must be ones the process management of the same (preview) definition has */
    const json_t *states = json_object_get(json_object_get(d->root, "process"), "states");
    if (!json_is_object(states))
        states = NULL;
    for (size_t k = 0; k < 3; k++) {
        json_t *list = json_object_get(cfg, list_keys[k]);
        if (!list)
            json_object_set_new(cfg, list_keys[k], list = json_array());
        ok &= check_list(c, list_keys[k], list, states, seen);
    }
    if (ok && enable && !json_array_size(json_object_get(cfg, "startStatuses"))) {
        fail_field(c->fail, "startStatuses", MSG_REQUIRED, NULL);
        ok = false;
    }
    json_decref(seen);
    if (!ok) {
        json_decref(cfg);
        return ERR_INVALID;
    }
    json_object_set_new(cfg, "enable", json_boolean(enable));
    json_object_set_new(d->root, "clock", cfg);
    return ERR_OK;
}

/* ---- one record's clock ---- */

static int64_t
day_col(struct db_res *res, int col)
{
    int y, m, d;
    if (db_col_null(res, col) || !clock_parse_date(db_col_text(res, col), &y, &m, &d))
        return NO_DAY;
    return clock_days_from_civil(y, m, d);
}

/* Reads the clock columns starting at column `at` (LCLOCK_COLS order). */
static void
read_row(struct db_res *res, int at, struct clock_row *r)
{
    const char *st = db_col_text(res, at);
    r->state = !strcmp(st, "running")   ? ST_RUNNING
               : !strcmp(st, "paused")  ? ST_PAUSED
               : !strcmp(st, "stopped") ? ST_STOPPED
                                        : ST_NONE;
    r->start = day_col(res, at + 1);
    r->since = day_col(res, at + 2);
    r->used = db_col_int(res, at + 3);
    r->paused = db_col_int(res, at + 4);
    r->limit = db_col_int(res, at + 5);
    r->due = day_col(res, at + 6);
    r->days = db_col_int(res, at + 7);
    r->asof = day_col(res, at + 8);
    if (r->state != ST_NONE && (r->start == NO_DAY || r->since == NO_DAY))
        r->state = ST_NONE; /* unreadable: treated as no clock rather than failing reads */
}

static enum err
load_row(struct ctx *c, int64_t app_id, int64_t id, struct clock_row *r)
{
    struct db_param p[] = { DBP_INT(app_id), DBP_INT(id) };
    struct db_res *res = NULL;
    memset(r, 0, sizeof(*r));
    r->app_id = app_id;
    r->id = id;
    int rc = db_query(c->db, LCLOCK_SQL_GET, p, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    rc = db_step(res);
    if (rc == 1)
        read_row(res, 0, r);
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    if (rc == 0)
        return fail_set(c->fail, ERR_RECORD_NOT_FOUND,
                        arena_printf(c->arena, "%lld", (long long)id));
    return ERR_OK;
}

/* Open days in (a, b]. */
static int64_t
open_between(const struct bizcal *cal, int64_t a, int64_t b)
{
    return bizcal_count(cal, a + 1, b + 1);
}

static void
view_of(const struct bizcal *cal, const struct clock_row *r, int64_t today, struct clock_view *v)
{
    v->paused = r->paused;
    v->days = r->used;
    switch (r->state) {
    case ST_RUNNING:
        v->days = r->used + open_between(cal, r->since, today);
        v->due = bizcal_add(cal, r->start, r->limit + r->paused);
        v->overdue = today > v->due;
        break;
    case ST_PAUSED:
        /* the due date moves when the clock resumes, by the open days spent waiting */
        v->paused = r->paused + open_between(cal, r->since, today);
        v->due = bizcal_add(cal, r->start, r->limit + r->paused);
        v->overdue = r->since > v->due;
        break;
    case ST_STOPPED:
        v->due = r->due;
        v->overdue = r->due != NO_DAY && r->since > r->due;
        break;
    default:
        memset(v, 0, sizeof(*v));
        break;
    }
}

static struct db_param
day_param(struct ctx *c, int64_t day)
{
    if (day == NO_DAY)
        return DBP_NULL;
    char *buf = arena_alloc(c->arena, 16);
    clock_format_date(day, buf);
    return DBP_TEXT(buf);
}

static enum err
save_row(struct ctx *c, const struct clock_row *r)
{
    struct db_param p[] = { DBP_INT(r->app_id),       DBP_INT(r->id),
                            DBP_TEXT(state_names[r->state]), day_param(c, r->start),
                            day_param(c, r->since),   DBP_INT(r->used),
                            DBP_INT(r->paused),       DBP_INT(r->limit),
                            day_param(c, r->due),     DBP_INT(r->days),
                            day_param(c, r->asof) };
    int rc = db_exec(c->db, LCLOCK_SQL_SET, p, 11, NULL);
    return rc == DB_OK ? ERR_OK : app_db_fail(c, rc);
}

enum err
lclock_on_status(struct ctx *c, const struct app_def *d, int64_t record_id, const char *from,
                 const char *to)
{
    struct lclock_config cfg;
    if (!lclock_config_read(d, &cfg) || !to || (from && strcmp(from, to) == 0))
        return ERR_OK;
    bool to_start = listed(cfg.start, to), to_pause = listed(cfg.pause, to),
         to_stop = listed(cfg.stop, to);
    struct clock_row r;
    enum err e = load_row(c, d->id, record_id, &r);
    if (e != ERR_OK)
        return e;
    bool resume = r.state == ST_PAUSED && !to_pause; /* the applicant replied */
    bool start = r.state == ST_NONE && to_start;     /* receipt: day 0 */
    bool halt = (r.state == ST_RUNNING || resume) && (to_pause || to_stop);
    if (!resume && !start && !halt) /* includes every change of a stopped clock */
        return ERR_OK;
    struct bizcal cal;
    e = calendar_load(c, &cal);
    if (e != ERR_OK)
        return e;
    int64_t today = lclock_day(c->now);
    if (resume) {
        r.paused += open_between(&cal, r.since, today);
        r.since = today;
        r.state = ST_RUNNING;
    }
    if (start) {
        r.state = ST_RUNNING;
        r.start = r.since = today;
        r.used = r.paused = 0;
        r.limit = cfg.days;
    } else if (halt) {
        r.used += open_between(&cal, r.since, today);
        r.since = today;
        r.state = to_stop ? ST_STOPPED : ST_PAUSED;
    }
    r.due = bizcal_add(&cal, r.start, r.limit + r.paused);
    r.days = r.used; /* since = today: nothing used yet in the current span */
    r.asof = today;
    return save_row(c, &r);
}

enum err
lclock_get(struct ctx *c, const struct app_def *d, int64_t record_id, json_t **out)
{
    struct clock_row r;
    struct clock_view v;
    struct bizcal cal;
    enum err e = load_row(c, d->id, record_id, &r);
    if (e == ERR_OK)
        e = calendar_load(c, &cal);
    if (e != ERR_OK)
        return e;
    const char *id = arena_printf(c->arena, "%lld", (long long)record_id);
    if (r.state == ST_NONE) {
        *out = json_pack("{s:s, s:n, s:n, s:n, s:n, s:n, s:b, s:n}", "id", id, "state", "start",
                         "due", "daysUsed", "daysLeft", "overdue", 0, "pausedDays");
        return ERR_OK;
    }
    view_of(&cal, &r, lclock_day(c->now), &v);
    char start[16], due[16];
    clock_format_date(r.start, start);
    if (v.due != NO_DAY)
        clock_format_date(v.due, due);
    *out = json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s, s:b, s:s}", "id", id, "state",
                     state_names[r.state], "start", start, "due", v.due != NO_DAY ? due : NULL,
                     "daysUsed", arena_printf(c->arena, "%lld", (long long)v.days), "daysLeft",
                     arena_printf(c->arena, "%lld", (long long)(r.limit - v.days)), "overdue",
                     v.overdue, "pausedDays",
                     arena_printf(c->arena, "%lld", (long long)v.paused));
    return ERR_OK;
}

/* ---- the daily refresh ---- */

static enum err
refresh(struct ctx *c)
{
    struct bizcal cal;
    enum err e = calendar_load(c, &cal);
    if (e != ERR_OK)
        return e;
    /* read everything first: the updates below touch the rows the scan walks */
    struct db_res *res = NULL;
    int rc = db_query(c->db, LCLOCK_SQL_OPEN, NULL, 0, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    size_t n = 0, cap = 0;
    struct clock_row *rows = NULL;
    while ((rc = db_step(res)) == 1) {
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            rows = xrealloc(rows, cap * sizeof(*rows));
        }
        rows[n].app_id = db_col_int(res, 0);
        rows[n].id = db_col_int(res, 1);
        read_row(res, 2, &rows[n]);
        n++;
    }
    db_res_free(res);
    if (rc < 0) {
        free(rows);
        return app_db_fail(c, rc);
    }
    int64_t today = lclock_day(c->now), changed = 0;
    for (size_t i = 0; i < n && e == ERR_OK; i++) {
        struct clock_row *r = &rows[i];
        struct clock_view v;
        if (r->state != ST_RUNNING && r->state != ST_PAUSED)
            continue;
        view_of(&cal, r, today, &v);
        if (v.due == r->due && v.days == r->days && r->asof == today)
            continue;
        struct db_param p[] = { DBP_INT(r->app_id), DBP_INT(r->id), day_param(c, v.due),
                                DBP_INT(v.days), day_param(c, today) };
        rc = db_exec(c->db, LCLOCK_SQL_REFRESH, p, 5, NULL);
        if (rc != DB_OK)
            e = app_db_fail(c, rc);
        changed++;
    }
    free(rows);
    if (e == ERR_OK && changed)
        log_info("lclock: refreshed %lld clocks", (long long)changed);
    return e;
}

enum err
lclock_refresh_all(struct ctx *c)
{
    if (db_in_tx(c->db))
        return refresh(c);
    int rc = db_begin(c->db, true);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    enum err e = refresh(c);
    if (e == ERR_OK && (rc = db_commit(c->db)) != DB_OK)
        e = app_db_fail(c, rc);
    if (e != ERR_OK)
        db_rollback(c->db);
    return e;
}
