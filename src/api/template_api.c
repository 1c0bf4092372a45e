/* Document templates of an app (app/templates.json, app/template.json, the preview) and the
 * documents made from them on a record (record/print.json, record/document/revoke.json).
 * Reading templates needs view rights on the app, changing them app management; printing and
 * revoking need edit rights on the record. Upload keys in a template (background, images)
 * become blob addresses here: the pdf layer knows only the blob store. */
#include "api/api.h"
#include "api/common.h"
#include "api/params.h"
#include "core/arena.h"
#include "core/strbuf.h"
#include "domain/acl.h"
#include "domain/audit.h"
#include "domain/doc_template.h"
#include "domain/document.h"
#include "domain/file.h"
#include "pdf/pdf.h"
#include "pdf/pdf_bundle.h"
#include "pdf/pdf_issue.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PREVIEW_DPI 96

static void
decref(void *p)
{
    json_decref(p);
}

static const char *
tr(const struct req *r, const char *ja, const char *en)
{
    return r->ctx.lang == LANG_EN ? en : ja;
}

/* The declared type (parameters cut off) is one of types. */
static bool
type_is(const char *ct, const char *const *types)
{
    size_t n = strcspn(ct ? ct : "", "; ");
    for (; *types; types++)
        if (n == strlen(*types) && strncasecmp(ct, *types, n) == 0)
            return true;
    return false;
}

/* The upload under obj.fileKey (key names it in errors) becomes obj.file = its blob address.
 * keep: the template is being saved — the upload is attached to the app (record 0) so the
 * blob outlives the upload key's expiry (the purge keeps blobs that files rows name). */
static enum err
resolve_key(struct req *r, int64_t app_id, json_t *obj, const char *key, bool is_pdf, bool keep)
{
    static const char *const pdf_types[] = { "application/pdf", NULL };
    static const char *const image_types[] = { "image/png", "image/jpeg", NULL };
    struct ctx *c = &r->ctx;
    const char *upload = json_string_value(json_object_get(obj, "fileKey"));
    if (!upload) {
        fail_field(c->fail, key, MSG_BAD_TYPE, NULL);
        return ERR_INVALID;
    }
    const char *fkey = upload;
    if (keep) {
        json_t *att = NULL;
        enum err e = file_attach(c, upload, app_id, 0, &att);
        if (e == ERR_FILE_NOT_FOUND) {
            fail_field(c->fail, key, MSG_BAD_FILE, upload);
            return ERR_INVALID;
        }
        if (e != ERR_OK)
            return e;
        arena_defer(c->arena, decref, att);
        fkey = json_string_value(json_object_get(att, "fileKey"));
    }
    struct file_meta m;
    struct strbuf data;
    strbuf_init(&data, c->arena, 0);
    /* an unknown key is the template's field error, not the request's GAIA_BL01 */
    struct fail *real = c->fail, scratch;
    fail_init(&scratch, c->arena, c->lang);
    c->fail = &scratch;
    enum err e = file_get(c, fkey, &m, &data);
    c->fail = real;
    if (e == ERR_FILE_NOT_FOUND) {
        fail_field(c->fail, key, MSG_BAD_FILE, upload);
        return ERR_INVALID;
    }
    if (e != ERR_OK)
        return fail_with_message(c->fail, e, scratch.message);
    bool ok = type_is(m.content_type, is_pdf ? pdf_types : image_types);
    if (ok && is_pdf)
        ok = data.len >= 5 && memcmp(data.buf, "%PDF-", 5) == 0;
    else if (ok)
        ok = (data.len >= 8 && memcmp(data.buf, "\x89PNG\r\n\x1a\n", 8) == 0) ||
             (data.len >= 3 && memcmp(data.buf, "\xff\xd8\xff", 3) == 0);
    if (!ok) {
        fail_field(c->fail, key, MSG_TEXT,
                   is_pdf ? tr(r, "PDFファイルを指定してください。", "Specify a PDF file.")
                          : tr(r, "PNGまたはJPEGの画像を指定してください。",
                               "Specify a PNG or JPEG image."));
        return ERR_INVALID;
    }
    json_object_del(obj, "fileKey");
    json_object_set_new(obj, "file", json_string(m.blob_hash));
    return ERR_OK;
}

/* A copy of the request's template with every fileKey resolved (arena-owned). Field errors
 * are keyed by the template's paths ("background.fileKey", "elements[2].fileKey"). */
static enum err
read_def(struct req *r, int64_t app_id, const json_t *in, bool keep, json_t **out)
{
    *out = NULL;
    if (!json_is_object(in))
        return api_param_error(r, "template", json_is_null(in) || !in ? MSG_REQUIRED : MSG_BAD_TYPE,
                               NULL);
    json_t *def = json_deep_copy(in);
    if (!def)
        return fail_set(r->ctx.fail, ERR_INTERNAL, NULL);
    arena_defer(r->arena, decref, def);
    enum err e = ERR_OK;
    json_t *bg = json_object_get(def, "background");
    if (json_is_object(bg) && json_object_get(bg, "fileKey"))
        e = resolve_key(r, app_id, bg, "background.fileKey", true, keep);
    size_t i;
    json_t *el;
    json_array_foreach(json_object_get(def, "elements"), i, el)
    {
        if (e != ERR_OK && e != ERR_INVALID)
            break;
        if (!json_is_object(el) || !json_object_get(el, "fileKey"))
            continue;
        enum err e2 = resolve_key(r, app_id, el, arena_printf(r->arena, "elements[%zu].fileKey", i),
                                  false, keep);
        if (e2 != ERR_OK)
            e = e2;
    }
    if (e != ERR_OK)
        return e;
    *out = def;
    return ERR_OK;
}

static enum err
need_code(struct req *r, json_t *p, const char **code)
{
    *code = params_str(p, "code");
    if (!*code || !**code)
        return api_param_error(r, "code", MSG_REQUIRED, NULL);
    return ERR_OK;
}

enum err
api_templates_get(struct req *r, json_t *p)
{
    struct app_def d;
    json_t *out;
    enum err e = api_load_app(r, p, "app", ACL_VIEW, &d);
    if (e == ERR_OK)
        e = tpl_list(&r->ctx, d.id, &out);
    if (e != ERR_OK)
        return e;
    return api_json(r, out);
}

enum err
api_template_get(struct req *r, json_t *p)
{
    struct app_def d;
    const char *code;
    int64_t version = 0;
    struct tpl t;
    enum err e = api_load_app(r, p, "app", ACL_VIEW, &d);
    if (e == ERR_OK)
        e = need_code(r, p, &code);
    if (e != ERR_OK)
        return e;
    const json_t *v = json_object_get(p, "version");
    if (v && !json_is_null(v) && (!params_int(p, "version", &version) || version < 0))
        return api_param_error(r, "version", MSG_BAD_PARAM, NULL);
    e = tpl_load(&r->ctx, d.id, code, version, &t);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:O,s:I}", "template", t.def, "version", (json_int_t)t.version));
}

enum err
api_template_put(struct req *r, json_t *p)
{
    struct app_def d;
    json_t *def;
    int64_t version;
    enum err e = api_load_app(r, p, "app", ACL_MANAGE, &d);
    if (e == ERR_OK)
        e = read_def(r, d.id, json_object_get(p, "template"), true, &def);
    if (e == ERR_OK)
        e = pdf_template_check(&r->ctx, def, d.props);
    if (e == ERR_OK)
        e = tpl_save(&r->ctx, d.id, def, &version);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:O,s:I}", "code", json_object_get(def, "code"), "version",
                                 (json_int_t)version));
}

enum err
api_template_delete(struct req *r, json_t *p)
{
    struct app_def d;
    const char *code;
    enum err e = api_load_app(r, p, "app", ACL_MANAGE, &d);
    if (e == ERR_OK)
        e = need_code(r, p, &code);
    if (e == ERR_OK)
        e = tpl_delete(&r->ctx, d.id, code);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_object());
}

/* page (0-based, default 0) and dpi (72..300, default PREVIEW_DPI) of a preview request. */
static enum err
preview_opts(struct req *r, json_t *p, int *page, double *dpi)
{
    int64_t v;
    *page = 0;
    *dpi = PREVIEW_DPI;
    const json_t *pg = json_object_get(p, "page");
    if (pg && !json_is_null(pg)) {
        if (!params_int(p, "page", &v) || v < 0 || v > 10000)
            return api_param_error(r, "page", MSG_BAD_PARAM, NULL);
        *page = (int)v;
    }
    const json_t *dj = json_object_get(p, "dpi");
    if (dj && !json_is_null(dj)) {
        if (!params_int(p, "dpi", &v) || v < 72 || v > 300)
            return api_param_error(r, "dpi", MSG_BAD_PARAM, NULL);
        *dpi = (double)v;
    }
    return ERR_OK;
}

enum err
api_template_preview(struct req *r, json_t *p)
{
    struct ctx *c = &r->ctx;
    struct app_def d;
    const json_t *def;
    int page;
    double dpi;
    enum err e = api_load_app(r, p, "app", ACL_VIEW, &d);
    if (e == ERR_OK)
        e = preview_opts(r, p, &page, &dpi);
    if (e != ERR_OK)
        return e;
    if (json_object_get(p, "template") && !json_is_null(json_object_get(p, "template"))) {
        json_t *in;
        e = read_def(r, d.id, json_object_get(p, "template"), false, &in);
        if (e == ERR_OK)
            e = pdf_template_check(c, in, d.props);
        def = in;
    } else {
        const char *code;
        struct tpl t;
        e = need_code(r, p, &code);
        if (e == ERR_OK)
            e = tpl_load(c, d.id, code, 0, &t);
        def = t.def;
    }
    if (e != ERR_OK)
        return e;

    struct pdf_record rec = { 0 };
    const json_t *rid = json_object_get(p, "record");
    if (rid && !json_is_null(rid)) {
        int64_t id;
        e = api_id(r, p, "record", &id);
        if (e == ERR_OK)
            e = acl_record(c, &d, id, ACL_VIEW);
        if (e == ERR_OK)
            e = pdf_issue_record(c, &d, id, &rec);
        if (e != ERR_OK)
            return e;
    } else {
        rec.data = pdf_sample_data(c, d.props);
        rec.receipt_no = "R0000-0000";
    }
    rec.verify_code = "PREVIEW000"; /* the QR and $docCode are drawn as on a real document */
    struct pdf_job job = { .def = def,
                           .props = d.props,
                           .records = &rec,
                           .nrecords = 1,
                           .verify_base = pdf_verify_base(c),
                           .today = pdf_today(c) };
    struct strbuf png;
    strbuf_init(&png, NULL, 0);
    e = pdf_render_png(c, &job, page, dpi, &png);
    if (e == ERR_OK && !strbuf_ok(&png))
        e = fail_set(c->fail, ERR_TOO_LARGE, NULL);
    if (e != ERR_OK) {
        strbuf_release(&png);
        return e;
    }
    char *body = malloc(png.len ? png.len : 1);
    if (!body) {
        strbuf_release(&png);
        return fail_set(c->fail, ERR_INTERNAL, NULL);
    }
    memcpy(body, png.buf, png.len);
    size_t len = png.len;
    strbuf_release(&png);
    req_add_header(r, "Cache-Control", "no-store");
    req_set_body(r, 200, "image/png", body, len);
    return ERR_OK;
}

/* The app (perm on it) and the record (perm on it) of a request. */
static enum err
load_record(struct req *r, json_t *p, unsigned perm, struct app_def *d, int64_t *record)
{
    enum err e = api_load_app(r, p, "app", perm, d);
    if (e == ERR_OK)
        e = api_id(r, p, "record", record);
    if (e == ERR_OK)
        e = acl_record(&r->ctx, d, *record, perm);
    return e;
}

enum err
api_record_print(struct req *r, json_t *p)
{
    struct app_def d;
    int64_t record;
    struct pdf_issued out;
    enum err e = load_record(r, p, ACL_EDIT, &d, &record);
    if (e != ERR_OK)
        return e;
    const char *code = params_str(p, "template");
    if (!code || !*code)
        return api_param_error(r, "template", MSG_REQUIRED, NULL);
    const json_t *dv = json_object_get(p, "deliver");
    if (dv && !json_is_null(dv) && !json_is_boolean(dv) &&
        !(json_is_string(dv) &&
          (!strcmp(json_string_value(dv), "true") || !strcmp(json_string_value(dv), "false"))))
        return api_param_error(r, "deliver", MSG_BAD_TYPE, NULL);
    e = pdf_issue(&r->ctx, &d, record, code, params_bool(p, "deliver"), &out);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{s:I,s:s,s:s?,s:s}", "id", (json_int_t)out.id, "fileKey",
                                 out.file_key, "verifyCode", out.verify_code, "name", out.name));
}

/* At most this many records per bulk print: one request, one transaction, ~10 ms a document. */
#define BULK_PRINT_MAX 100

/* POST records/print.zip {app, ids, template, deliver?}: the staff list's bulk 「文書を作成」.
 * Issues template on every record (edit rights on each) in the request's one transaction, so
 * either every document is issued or none is, and answers the PDFs as one zip. Each issue is
 * its own audit entry on its record; the request's entry names the template and the ids. */
enum err
api_records_print_zip(struct req *r, json_t *p)
{
    struct app_def d;
    enum err e = api_load_app(r, p, "app", ACL_EDIT, &d);
    if (e != ERR_OK)
        return e;
    const char *code = params_str(p, "template");
    if (!code || !*code)
        return api_param_error(r, "template", MSG_REQUIRED, NULL);
    const json_t *dv = json_object_get(p, "deliver");
    if (dv && !json_is_null(dv) && !json_is_boolean(dv))
        return api_param_error(r, "deliver", MSG_BAD_TYPE, NULL);
    const json_t *ids = json_object_get(p, "ids");
    if (!json_is_array(ids) || !json_array_size(ids))
        return api_param_error(r, "ids", MSG_REQUIRED, NULL);
    size_t n = json_array_size(ids);
    if (n > BULK_PRINT_MAX)
        return api_param_error(r, "ids", MSG_MAX_ITEMS, api_i64(r, BULK_PRINT_MAX));
    int64_t *v = arena_alloc(r->arena, sizeof(*v) * n);
    struct pdf_bundle_item *items = arena_alloc(r->arena, sizeof(*items) * n);
    json_t *done = json_array();
    arena_defer(r->arena, decref, done);
    for (size_t i = 0; i < n; i++) {
        if (!jx_to_int(json_array_get(ids, i), &v[i]) || v[i] <= 0)
            return api_param_error(r, arena_printf(r->arena, "ids[%zu]", i), MSG_BAD_PARAM, NULL);
        for (size_t k = 0; k < i; k++)
            if (v[k] == v[i])
                return api_param_error(r, arena_printf(r->arena, "ids[%zu]", i), MSG_BAD_PARAM, NULL);
    }
    for (size_t i = 0; i < n; i++) {
        struct pdf_issued out;
        e = acl_record(&r->ctx, &d, v[i], ACL_EDIT);
        if (e == ERR_OK)
            e = pdf_issue(&r->ctx, &d, v[i], code, json_is_true(dv), &out);
        struct file_meta meta;
        struct strbuf pdf;
        strbuf_init(&pdf, r->arena, 0);
        if (e == ERR_OK)
            e = file_get(&r->ctx, out.file_key, &meta, &pdf);
        if (e != ERR_OK)
            return e;
        items[i] = (struct pdf_bundle_item){ .name = out.name, .data = pdf.buf, .len = pdf.len };
        json_t *issue = json_object_get(audit_notes(&r->ctx), "issue");
        json_t *note = json_pack("{s:O}", "issue", issue);
        char *detail = json_dumps(note, JSON_COMPACT);
        json_decref(note);
        e = audit_add(&r->ctx, "record.document.issue",
                      arena_printf(r->arena, "app:%lld/record:%lld", (long long)d.id, (long long)v[i]),
                      "ok", detail);
        free(detail);
        if (e != ERR_OK)
            return e;
        json_array_append(done, issue);
    }
    json_object_del(audit_notes(&r->ctx), "issue");
    audit_note(&r->ctx, "bulk", json_pack("{s:s,s:I,s:O}", "template", code, "count", (json_int_t)n,
                                          "issued", done));
    struct strbuf zip;
    strbuf_init(&zip, NULL, 0);
    e = pdf_bundle_zip(&r->ctx, items, n, &zip);
    if (e != ERR_OK) {
        strbuf_release(&zip);
        return e;
    }
    req_set_body(r, 200, "application/zip", zip.buf, zip.len);
    req_set_header(r, "Content-Disposition",
                   api_attachment(r, arena_printf(r->arena, "%s_%zu.zip", code, n)));
    req_set_header(r, "X-Content-Type-Options", "nosniff");
    req_set_header(r, "Cache-Control", "no-store");
    req_set_header(r, "X-Madoguchi-Documents", api_i64(r, (int64_t)n));
    return ERR_OK;
}

enum err
api_document_revoke(struct req *r, json_t *p)
{
    struct app_def d;
    int64_t record, id;
    enum err e = load_record(r, p, ACL_EDIT, &d, &record);
    if (e == ERR_OK)
        e = api_id(r, p, "id", &id);
    if (e != ERR_OK)
        return e;
    const json_t *reason = json_object_get(p, "reason");
    if (reason && !json_is_null(reason) && !json_is_string(reason))
        return api_param_error(r, "reason", MSG_BAD_TYPE, NULL);
    e = doc_revoke(&r->ctx, &d, record, id, json_string_value(reason));
    if (e != ERR_OK)
        return e;
    return api_json(r, json_object());
}
