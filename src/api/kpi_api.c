/* GET /api/kpi.json: the staff dashboard's figures (kpi.h) for one app or every app the
 * caller may view, optionally for one office, with the decided statistics over [from, to]
 * (default: this fiscal year up to today). */
#include "api/api.h"

#include "api/common.h"
#include "api/params.h"
#include "core/clock.h"
#include "domain/kpi.h"
#include "domain/lclock.h"

#include <string.h>

#define KPI_SPAN_MAX 3660 /* days: ten years of decisions at most */
#define KPI_CODE_MAX 100

/* params[key] as a Japan date (YYYY-MM-DD), or dflt when absent. */
static enum err
date_param(struct req *r, json_t *p, const char *key, int64_t dflt, int64_t *out)
{
    const json_t *v = json_object_get(p, key);
    const char *s = json_string_value(v);
    int y, m, d;
    *out = dflt;
    if (!v || json_is_null(v) || (s && !*s))
        return ERR_OK;
    if (!s || !clock_parse_date(s, &y, &m, &d))
        return api_param_error(r, key, MSG_BAD_DATE, NULL);
    *out = clock_days_from_civil(y, m, d);
    return ERR_OK;
}

/* An optional short string parameter; "" counts as absent. */
static enum err
code_param(struct req *r, json_t *p, const char *key, const char **out)
{
    const json_t *v = json_object_get(p, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return ERR_OK;
    const char *s = json_string_value(v);
    if (!s)
        return api_param_error(r, key, MSG_BAD_TYPE, NULL);
    if (strlen(s) > KPI_CODE_MAX)
        return api_param_error(r, key, MSG_TOO_LONG, "100");
    *out = *s ? s : NULL;
    return ERR_OK;
}

enum err
api_kpi_get(struct req *r, json_t *p)
{
    struct kpi_query q = { 0 };
    int64_t today = lclock_day(r->ctx.now);
    enum err e = ERR_OK;
    const json_t *app = json_object_get(p, "app");
    if (app && !json_is_null(app) && !(json_is_string(app) && !*json_string_value(app)))
        e = api_id(r, p, "app", &q.app);
    if (e == ERR_OK)
        e = date_param(r, p, "from", kpi_fiscal_start(today), &q.from);
    if (e == ERR_OK)
        e = date_param(r, p, "to", today, &q.to);
    if (e == ERR_OK)
        e = code_param(r, p, "office", &q.office);
    if (e == ERR_OK)
        e = code_param(r, p, "officeField", &q.office_field);
    if (e != ERR_OK)
        return e;
    if (q.from > q.to)
        return api_param_error(r, "from", MSG_TEXT,
                               r->ctx.lang == LANG_EN ? "from must not be after to."
                                                      : "開始日は終了日以前にしてください。");
    if (q.to - q.from > KPI_SPAN_MAX)
        return api_param_error(r, "to", MSG_TEXT,
                               r->ctx.lang == LANG_EN ? "The period must be ten years or shorter."
                                                      : "期間は10年以内にしてください。");
    json_t *out = NULL;
    e = kpi_compute(&r->ctx, &q, &out);
    if (e != ERR_OK)
        return e;
    return api_json(r, out);
}
