/* The public forms' JSON API (/apply/api/...): open forms, one form version, the applicant's
 * draft, attachments and submission. These routes are public for staff authentication; every
 * handler except the form reads needs the applicant session (cookie APPLICANT_COOKIE), and
 * writes need the X-Requested-With header (a cross-site form cannot set it: CSRF). */
#include "api/api.h"

#include "api/auth_http.h"
#include "api/common.h"
#include "api/params.h"
#include "core/arena.h"
#include "domain/applicant.h"
#include "domain/form.h"
#include "http/multipart.h"

#include <stdlib.h>
#include <string.h>

static enum err
applicant(struct req *r, bool write, struct applicant *a)
{
    if (write) {
        const char *x = req_header(r, "x-requested-with");
        if (!x || !*x)
            return fail_set(&r->fail, ERR_CSRF, NULL);
    }
    return applicant_session(&r->ctx, api_cookie(r, APPLICANT_COOKIE), a);
}

static const char *
code_param(struct req *r, json_t *p)
{
    const char *code = params_str(p, "code");
    if (!code || !*code) {
        (void)api_param_error(r, "code", MSG_REQUIRED, NULL);
        return NULL;
    }
    return code;
}

enum err
api_apply_forms(struct req *r, json_t *p)
{
    (void)p;
    json_t *out;
    enum err e = form_public_list(&r->ctx, &out);
    return e == ERR_OK ? api_json(r, out) : e;
}

enum err
api_apply_form(struct req *r, json_t *p)
{
    struct form f;
    const char *code = code_param(r, p);
    if (!code)
        return ERR_INVALID;
    enum err e = form_load(&r->ctx, code, 0, &f);
    if (e == ERR_OK)
        e = form_check_open(&r->ctx, &f);
    if (e != ERR_OK)
        return e;
    /* the app's field types and options, so that a client can render the inputs */
    json_t *fields = json_object();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)f.props, k, v) {
        const json_t *fe;
        if (form_field(&f, k, &fe))
            json_object_set_new(fields, k, json_pack("{sO* sO* sO*}", "type", json_object_get(v, "type"),
                                                     "label", json_object_get(v, "label"), "options",
                                                     json_object_get(v, "options")));
    }
    return api_json(r, json_pack("{ss sI so so}", "code", f.code, "version", (json_int_t)f.version, "form",
                                 json_deep_copy(f.def), "fields", fields));
}

enum err
api_apply_draft_get(struct req *r, json_t *p)
{
    struct applicant a;
    struct form_draft d;
    bool found;
    const char *code = code_param(r, p);
    if (!code)
        return ERR_INVALID;
    enum err e = applicant(r, false, &a);
    if (e == ERR_OK)
        e = form_draft_get(&r->ctx, &a, code, &d, &found);
    if (e != ERR_OK)
        return e;
    if (!found)
        return api_json(r, json_pack("{sn}", "draft"));
    json_t *out;
    e = form_draft_json(&r->ctx, &d, code, &out);
    return e == ERR_OK ? api_json(r, json_pack("{so}", "draft", out)) : e;
}

enum err
api_apply_draft_put(struct req *r, json_t *p)
{
    struct applicant a;
    struct form_draft d;
    int64_t step = 0;
    const char *code = code_param(r, p);
    if (!code)
        return ERR_INVALID;
    const json_t *st = json_object_get(p, "step");
    if (st && !params_int(p, "step", &step))
        return api_param_error(r, "step", MSG_BAD_PARAM, NULL);
    struct form_draft_in in = { .answers = json_object_get(p, "answers"), .step = step,
                                .merge = json_is_true(json_object_get(p, "merge")),
                                .remove_files = json_object_get(p, "removeFiles") };
    enum err e = applicant(r, true, &a);
    json_t *errors = NULL, *out;
    if (e == ERR_OK)
        e = form_draft_save(&r->ctx, &a, code, &in, &d, &errors);
    if (e == ERR_OK)
        e = form_draft_json(&r->ctx, &d, code, &out);
    if (e != ERR_OK) {
        json_decref(errors);
        return e;
    }
    return api_json(r, json_pack("{so so sb}", "draft", out, "errors", errors, "valid",
                                 json_object_size(errors) == 0));
}

static const char *
part_text(struct req *r, const struct mpart *parts, size_t n, json_t *p, const char *name)
{
    const struct mpart *m = multipart_find(parts, n, name);
    if (m && !m->filename)
        return arena_strndup(r->arena, m->data, m->len);
    return params_str(p, name);
}

enum err
api_apply_file_post(struct req *r, json_t *p)
{
    struct applicant a;
    enum err e = applicant(r, true, &a);
    if (e != ERR_OK)
        return e;
    const char *ct = req_header(r, "content-type");
    struct mpart *parts = NULL;
    size_t n = 0;
    if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0 ||
        multipart_parse(r->arena, ct, r->body, r->body_len, &parts, &n) != ERR_OK)
        return api_param_error(r, "file", MSG_BAD_PARAM, NULL);
    const struct mpart *file = multipart_find(parts, n, "file");
    const char *code = part_text(r, parts, n, p, "code");
    const char *field = part_text(r, parts, n, p, "field");
    if (!file || !file->filename || !*file->filename)
        return api_param_error(r, "file", MSG_REQUIRED, NULL);
    if (!code || !*code)
        return api_param_error(r, "code", MSG_REQUIRED, NULL);
    json_t *out;
    e = form_draft_file(&r->ctx, &a, code, field, file->filename, file->data, file->len, &out);
    return e == ERR_OK ? api_json(r, json_pack("{so}", "file", out)) : e;
}

enum err
api_apply_submit(struct req *r, json_t *p)
{
    struct applicant a;
    struct form_receipt rc;
    const char *code = code_param(r, p);
    if (!code)
        return ERR_INVALID;
    const char *key = params_str(p, "idempotencyKey");
    if (key && strlen(key) > 128)
        return api_param_error(r, "idempotencyKey", MSG_TOO_LONG, "128");
    enum err e = applicant(r, true, &a);
    if (e == ERR_OK)
        e = form_submit(&r->ctx, &a, code, key, &rc);
    if (e != ERR_OK)
        return e;
    return api_json(r, json_pack("{ss s{sI sI} sb}", "receiptNumber", rc.receipt_no, "record", "app",
                                 (json_int_t)rc.app_id, "id", (json_int_t)rc.record_id, "repeated",
                                 rc.repeated));
}
