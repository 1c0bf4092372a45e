/* GET records/export.csv and records/export.xlsx: the records of an app a caller may view, for
 * spreadsheets (formatting: domain/export.c). Same parameters as records.json (app, query,
 * fields) plus encoding (CSV: utf-8, the default, or shift_jis). Audited as record.export. */
#include "api/api.h"

#include "api/common.h"
#include "api/params.h"
#include "core/arena.h"
#include "core/strbuf.h"
#include "domain/export.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "<app name>_<YYYY-MM-DD>.<ext>" (Japan date of the request) as an attachment. */
static const char *
disposition(struct req *r, const struct app_def *d, const char *ext)
{
    time_t t = (time_t)(r->ctx.now + (int64_t)r->ctx.tz_offset * 60);
    struct tm tm;
    gmtime_r(&t, &tm);
    return api_attachment(r, arena_printf(r->arena, "%s_%04d-%02d-%02d.%s",
                                          d->name && *d->name ? d->name : "records",
                                          tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, ext));
}

static enum err
collect(struct req *r, json_t *p, struct app_def *d, struct export_table *t)
{
    const json_t *fields;
    /* kintone's 「ファイルに書き出す」 right (recordExportable) on top of viewing */
    enum err e = api_load_app(r, p, "app", ACL_VIEW | ACL_EXPORT, d);
    if (e == ERR_OK)
        e = api_fields(r, p, &fields);
    const json_t *q = json_object_get(p, "query");
    if (e == ERR_OK && q && !json_is_string(q) && !json_is_null(q))
        e = api_param_error(r, "query", MSG_BAD_TYPE, NULL);
    if (e != ERR_OK)
        return e;
    return export_collect(&r->ctx, d, json_string_value(q), fields, t);
}

static enum err
send(struct req *r, struct strbuf *sb, const char *type, const char *disp)
{
    if (!strbuf_ok(sb)) {
        strbuf_release(sb);
        return fail_set(&r->fail, ERR_TOO_LARGE, NULL);
    }
    size_t len = sb->len;
    req_set_body(r, 200, type, sb->cap ? sb->buf : strdup(""), len);
    req_set_header(r, "Content-Disposition", disp);
    req_set_header(r, "X-Content-Type-Options", "nosniff");
    req_set_header(r, "Cache-Control", "no-store");
    return ERR_OK;
}

enum err
api_export_csv_get(struct req *r, json_t *p)
{
    const char *enc = params_str(p, "encoding");
    enum export_enc ee = EXPORT_UTF8;
    if (enc && *enc && strcmp(enc, "utf-8") != 0) {
        if (strcmp(enc, "shift_jis") != 0)
            return api_param_error(r, "encoding", MSG_BAD_PARAM, NULL);
        ee = EXPORT_SJIS;
    }
    struct app_def d;
    struct export_table t;
    enum err e = collect(r, p, &d, &t);
    if (e != ERR_OK)
        return e;
    struct strbuf sb;
    strbuf_init(&sb, NULL, 0);
    int64_t replaced = 0;
    e = export_csv(&r->ctx, &t, ee, &sb, &replaced);
    if (e != ERR_OK) {
        strbuf_release(&sb);
        return e;
    }
    e = send(r, &sb, ee == EXPORT_SJIS ? "text/csv; charset=Shift_JIS" : "text/csv; charset=utf-8",
             disposition(r, &d, "csv"));
    if (e == ERR_OK && ee == EXPORT_SJIS)
        req_set_header(r, "X-Madoguchi-Replaced", api_i64(r, replaced));
    return e;
}

enum err
api_export_xlsx_get(struct req *r, json_t *p)
{
    struct app_def d;
    struct export_table t;
    enum err e = collect(r, p, &d, &t);
    if (e != ERR_OK)
        return e;
    struct strbuf sb;
    strbuf_init(&sb, NULL, 0);
    e = export_xlsx(&r->ctx, &t, &sb);
    if (e != ERR_OK) {
        strbuf_release(&sb);
        return e;
    }
    return send(r, &sb, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                disposition(r, &d, "xlsx"));
}
