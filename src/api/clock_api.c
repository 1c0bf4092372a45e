/* The legal clock and the calendar of open days: records/clock.json (each record's clock,
 * computed for today), app/clock.json (an app's 標準処理期間 settings, edited on the preview and
 * published by deploy), api/calendar.json (holidays and the ward's overrides, for any signed-in
 * caller) and admin/api/calendar.json (editing the overrides; due dates follow at once). */
#include "api/api.h"

#include "api/common.h"
#include "api/params.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/text.h"
#include "domain/acl.h"
#include "domain/calendar.h"
#include "domain/event.h"
#include "domain/lclock.h"

#include <stdlib.h>
#include <string.h>

#define MAX_CLOCK_IDS 100
#define MAX_CAL_CHANGES 1000
#define MAX_CAL_SPAN 3660 /* days one calendar.json may list */
#define MAX_DAY_NAME 100

static enum err
not_enabled(struct req *r)
{
    return api_param_error(r, "app", MSG_TEXT,
                           r->ctx.lang == LANG_EN
                               ? "The legal clock (standard processing period) is not enabled for this app."
                               : "このアプリでは標準処理期間（法定期限）の管理が有効になっていません。");
}

/* ids[]=1&ids[]=2, ids=1 or a JSON array, as positive ids. */
static enum err
read_ids(struct req *r, json_t *p, int64_t **out, size_t *n)
{
    json_t *ids = json_object_get(p, "ids");
    if (json_is_string(ids) || json_is_integer(ids)) {
        json_object_set_new(p, "ids", json_pack("[O]", ids));
        ids = json_object_get(p, "ids");
    }
    if (!json_is_array(ids) || !json_array_size(ids))
        return api_param_error(r, "ids", MSG_REQUIRED, NULL);
    if (json_array_size(ids) > MAX_CLOCK_IDS)
        return api_param_error(r, "ids", MSG_MAX_ITEMS, api_i64(r, MAX_CLOCK_IDS));
    *n = json_array_size(ids);
    *out = arena_alloc(r->arena, sizeof(**out) * *n);
    size_t i;
    json_t *x;
    json_array_foreach(ids, i, x)
    {
        if (!jx_to_int(x, &(*out)[i]) || (*out)[i] <= 0)
            return api_param_error(r, arena_printf(r->arena, "ids[%zu]", i), MSG_BAD_PARAM, NULL);
    }
    return ERR_OK;
}

/* Read access to one record, the check GET record.json makes; a record the caller may not
 * see is reported as missing, so that its existence is not revealed. */
static enum err
can_read(struct req *r, const struct app_def *d, int64_t id)
{
    struct fail quiet;
    struct fail *saved = r->ctx.fail;
    fail_init(&quiet, r->arena, r->ctx.lang);
    r->ctx.fail = &quiet;
    enum err e = acl_record(&r->ctx, d, id, ACL_VIEW);
    r->ctx.fail = saved;
    if (e == ERR_OK)
        return ERR_OK;
    if (e == ERR_FORBIDDEN || e == ERR_RECORD_NOT_FOUND)
        return fail_set(saved, ERR_RECORD_NOT_FOUND, api_i64(r, id));
    return quiet.message ? fail_with_message(saved, e, quiet.message) : fail_set(saved, e, NULL);
}

enum err
api_records_clock_get(struct req *r, json_t *p)
{
    struct app_def d;
    struct lclock_config cfg;
    int64_t *ids = NULL;
    size_t n = 0;
    enum err e = api_load_app(r, p, "app", ACL_VIEW, &d);
    if (e != ERR_OK)
        return e;
    if (!lclock_config_read(&d, &cfg))
        return not_enabled(r);
    e = read_ids(r, p, &ids, &n);
    if (e != ERR_OK)
        return e;
    json_t *clocks = json_array();
    for (size_t i = 0; i < n && e == ERR_OK; i++) {
        json_t *one = NULL;
        e = can_read(r, &d, ids[i]);
        if (e == ERR_OK)
            e = lclock_get(&r->ctx, &d, ids[i], &one);
        if (e == ERR_OK)
            json_array_append_new(clocks, one);
    }
    if (e != ERR_OK) {
        json_decref(clocks);
        return e;
    }
    return api_json(r, json_pack("{s:o}", "clocks", clocks));
}

enum err
api_app_clock_get(struct req *r, json_t *p)
{
    struct app_def d;
    /* pre-live settings need management rights, as for the other settings */
    enum err e = api_load_app(r, p, "app", r->ctx.preview ? ACL_MANAGE : ACL_VIEW, &d);
    if (e != ERR_OK)
        return e;
    json_t *out = lclock_config_json(&d);
    json_object_set_new(out, "revision", json_string(api_i64(r, d.revision)));
    return api_json(r, out);
}

enum err
api_app_clock_put(struct req *r, json_t *p)
{
    struct app_def d;
    int64_t rev;
    enum err e = api_load_app(r, p, "app", ACL_MANAGE, &d);
    if (e != ERR_OK)
        return e;
    app_def_copy(&r->ctx, &d);
    e = app_check_revision(&r->ctx, json_object_get(p, "revision"), d.revision);
    if (e == ERR_OK)
        e = lclock_config_apply(&r->ctx, &d, p);
    if (e == ERR_OK)
        e = app_save_preview(&r->ctx, &d, json_object_get(p, "revision"), &rev);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:s}", "revision", api_i64(r, rev)));
}

static bool
parse_day(const json_t *v, int64_t *out)
{
    int y, m, d;
    const char *s = json_string_value(v);
    if (!s || !clock_parse_date(s, &y, &m, &d))
        return false;
    *out = clock_days_from_civil(y, m, d);
    return true;
}

enum err
api_calendar_get(struct req *r, json_t *p)
{
    /* default: the current year in Japan */
    int y, m, d;
    clock_civil_from_days(lclock_day(r->ctx.now), &y, &m, &d);
    int64_t from = clock_days_from_civil(y, 1, 1), to = clock_days_from_civil(y, 12, 31);
    const json_t *v;
    if ((v = json_object_get(p, "from")) && !parse_day(v, &from))
        return api_param_error(r, "from", MSG_BAD_DATE, NULL);
    if ((v = json_object_get(p, "to")) && !parse_day(v, &to))
        return api_param_error(r, "to", MSG_BAD_DATE, NULL);
    if (!json_object_get(p, "to") && json_object_get(p, "from")) {
        clock_civil_from_days(from, &y, &m, &d);
        to = clock_days_from_civil(y, 12, 31);
    }
    if (to < from)
        return api_param_error(r, "to", MSG_BAD_PARAM, NULL);
    if (to - from >= MAX_CAL_SPAN)
        return api_param_error(r, "to", MSG_TEXT,
                               r->ctx.lang == LANG_EN ? "At most 10 years at a time."
                                                      : "一度に指定できるのは10年までです。");
    json_t *days;
    enum err e = calendar_list(&r->ctx, from, to, &days);
    if (e != ERR_OK)
        return e;
    char f[16], t[16];
    clock_format_date(from, f);
    clock_format_date(to, t);
    return api_json(r, json_pack("{s:s, s:s, s:o}", "from", f, "to", t, "days", days));
}

/* Checks the whole body before changing anything. */
static enum err
check_changes(struct req *r, const json_t *days, const json_t *del)
{
    size_t i;
    const json_t *x;
    enum err e = ERR_OK;
    if (days && !json_is_array(days))
        return api_param_error(r, "days", MSG_BAD_TYPE, NULL);
    if (del && !json_is_array(del))
        return api_param_error(r, "delete", MSG_BAD_TYPE, NULL);
    if (!json_array_size(days) && !json_array_size(del))
        return api_param_error(r, "days", MSG_REQUIRED, NULL);
    if (json_array_size(days) > MAX_CAL_CHANGES)
        return api_param_error(r, "days", MSG_MAX_ITEMS, api_i64(r, MAX_CAL_CHANGES));
    if (json_array_size(del) > MAX_CAL_CHANGES)
        return api_param_error(r, "delete", MSG_MAX_ITEMS, api_i64(r, MAX_CAL_CHANGES));
    json_array_foreach(days, i, x)
    {
        int64_t day;
        const json_t *open = json_object_get(x, "open");
        const json_t *name = json_object_get(x, "name");
        const char *s = json_string_value(name);
        if (!json_is_object(x))
            e = api_param_error(r, arena_printf(r->arena, "days[%zu]", i), MSG_BAD_TYPE, NULL);
        else if (!parse_day(json_object_get(x, "date"), &day))
            e = api_param_error(r, arena_printf(r->arena, "days[%zu].date", i), MSG_BAD_DATE, NULL);
        else if (!json_is_boolean(open))
            e = api_param_error(r, arena_printf(r->arena, "days[%zu].open", i),
                                open ? MSG_BAD_TYPE : MSG_REQUIRED, NULL);
        else if (name && !json_is_null(name) && !s)
            e = api_param_error(r, arena_printf(r->arena, "days[%zu].name", i), MSG_BAD_TYPE, NULL);
        else if (s && text_length(s, strlen(s)) > MAX_DAY_NAME)
            e = api_param_error(r, arena_printf(r->arena, "days[%zu].name", i), MSG_TOO_LONG,
                                "101");
    }
    json_array_foreach(del, i, x)
    {
        int64_t day;
        if (!parse_day(x, &day))
            e = api_param_error(r, arena_printf(r->arena, "delete[%zu]", i), MSG_BAD_DATE, NULL);
    }
    return e;
}

enum err
api_admin_calendar_put(struct req *r, json_t *p)
{
    const json_t *days = json_object_get(p, "days");
    const json_t *del = json_object_get(p, "delete");
    enum err e = acl_admin(&r->ctx);
    if (e == ERR_OK)
        e = check_changes(r, days, del);
    if (e != ERR_OK)
        return e;
    size_t i;
    const json_t *x;
    int64_t day, removed = 0;
    json_array_foreach(del, i, x)
    {
        bool found = false;
        (void)parse_day(x, &day);
        e = calendar_unset(&r->ctx, day, &found);
        if (e != ERR_OK)
            return e;
        removed += found;
    }
    json_array_foreach(days, i, x)
    {
        (void)parse_day(json_object_get(x, "date"), &day);
        e = calendar_set(&r->ctx, day, json_is_true(json_object_get(x, "open")),
                         json_string_value(json_object_get(x, "name")));
        if (e != ERR_OK)
            return e;
    }
    /* running clocks' due dates follow the new calendar in the same transaction */
    e = lclock_refresh_all(&r->ctx);
    if (e != ERR_OK)
        return e;
    char *detail = json_dumps(p, JSON_COMPACT);
    event_log(&r->ctx, "admin.calendar", NULL, "calendar", detail);
    free(detail);
    return api_json(r, json_pack("{s:s, s:s}", "set", api_i64(r, (int64_t)json_array_size(days)),
                                 "deleted", api_i64(r, removed)));
}
