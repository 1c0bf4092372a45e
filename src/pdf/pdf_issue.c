/* Issuing documents from templates (see pdf_issue.h). */
#include "pdf/pdf_issue.h"

#include "core/arena.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/audit.h"
#include "domain/doc_template.h"
#include "domain/dir.h"
#include "domain/document.h"
#include "domain/field.h"
#include "domain/file.h"
#include "domain/lclock.h"
#include "domain/portal.h"
#include "pdf/pdf_issue_sql.h"
#include "sec/sec.h"

#include <ctype.h>
#include <string.h>

#define CODE_TRIES 8

/* Crockford's base32 without I, L, O and U: nothing to misread when typed from paper. */
static const char code_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static void
decref(void *p)
{
    json_decref(p);
}

static json_t *
owned(struct ctx *c, json_t *v)
{
    if (v)
        arena_defer(c->arena, decref, v);
    return v;
}

int64_t
pdf_today(const struct ctx *c)
{
    return lclock_day(c->now);
}

const char *
pdf_verify_base(struct ctx *c)
{
    return arena_printf(c->arena, "%s/verify/", portal_public_url());
}

const char *
pdf_verify_code_norm(struct ctx *c, const char *typed)
{
    if (!typed)
        return NULL;
    char buf[PDF_VERIFY_CODE_LEN + 1];
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)typed; *p; p++) {
        if (*p == '-' || *p == ' ')
            continue;
        int ch = toupper(*p);
        if (!ch || !strchr(code_alphabet, ch) || n == PDF_VERIFY_CODE_LEN)
            return NULL;
        buf[n++] = (char)ch;
    }
    if (n != PDF_VERIFY_CODE_LEN)
        return NULL;
    buf[n] = '\0';
    return arena_strdup(c->arena, buf);
}

/* A fresh code no document has. 32 symbols: 5 random bits each, so % is unbiased. */
static enum err
new_code(struct ctx *c, const char **out)
{
    for (int t = 0; t < CODE_TRIES; t++) {
        unsigned char rnd[PDF_VERIFY_CODE_LEN];
        char code[PDF_VERIFY_CODE_LEN + 1];
        sec_random(rnd, sizeof(rnd));
        for (size_t i = 0; i < sizeof(rnd); i++)
            code[i] = code_alphabet[rnd[i] % 32];
        code[PDF_VERIFY_CODE_LEN] = '\0';
        struct db_param p[] = { DBP_TEXT(code) };
        int64_t n = 0;
        bool found = false;
        int rc = db_query_int(c->db, PDFI_SQL_CODE_USED, p, 1, &n, &found);
        if (rc != DB_OK)
            return app_db_fail(c, rc);
        if (n == 0) {
            *out = arena_strdup(c->arena, code);
            return ERR_OK;
        }
    }
    return fail_set(c->fail, ERR_INTERNAL, NULL);
}

/* The display name of a user, organisation or group selected in a record (the code when the
 * directory no longer has it: a document still prints). */
static const char *
entity_name(struct ctx *c, const char *type, const char *code)
{
    struct fail quiet, *saved = c->fail;
    fail_init(&quiet, c->arena, c->lang);
    c->fail = &quiet;
    const char *name = NULL;
    if (!strcmp(type, "USER_SELECT")) {
        struct dir_user u;
        if (dir_user_get(c, code, &u) == ERR_OK)
            name = u.name;
    } else if (!strcmp(type, "ORGANIZATION_SELECT")) {
        struct dir_org o;
        if (dir_org_get(c, code, &o) == ERR_OK)
            name = o.name;
    } else {
        struct dir_group g;
        if (dir_group_get(c, code, &g) == ERR_OK)
            name = g.name;
    }
    c->fail = saved;
    return name && *name ? name : code;
}

json_t *
pdf_record_names(struct ctx *c, const json_t *props, const json_t *data)
{
    json_t *out = owned(c, json_deep_copy(data));
    const char *k;
    json_t *def;
    json_object_foreach((json_t *)props, k, def)
    {
        const char *type = json_string_value(json_object_get(def, "type"));
        json_t *v = json_object_get(out, k);
        if (!type || !json_is_array(v) ||
            (strcmp(type, "USER_SELECT") && strcmp(type, "ORGANIZATION_SELECT") &&
             strcmp(type, "GROUP_SELECT")))
            continue;
        json_t *named = json_array();
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            const char *code = json_is_string(x) ? json_string_value(x)
                                                  : json_string_value(json_object_get(x, "code"));
            if (code)
                json_array_append_new(named, json_pack("{s:s,s:s}", "code", code, "name",
                                                       entity_name(c, type, code)));
        }
        json_object_set_new(out, k, named);
    }
    return out;
}

enum err
pdf_issue_record(struct ctx *c, const struct app_def *d, int64_t record_id,
                 struct pdf_record *out)
{
    memset(out, 0, sizeof(*out));
    struct db_param p[] = { DBP_INT(d->id), DBP_INT(record_id) };
    struct db_res *res = NULL;
    int rc = db_query(c->db, PDFI_SQL_RECORD, p, 2, &res);
    if (rc != DB_OK)
        return app_db_fail(c, rc);
    json_t *data = NULL;
    rc = db_step(res);
    if (rc == 1) {
        data = owned(c, json_loads(db_col_text(res, 0), 0, NULL));
        if (!db_col_null(res, 1))
            out->receipt_no = arena_strdup(c->arena, db_col_text(res, 1));
    }
    db_res_free(res);
    if (rc < 0)
        return app_db_fail(c, rc);
    if (rc == 0)
        return fail_set(c->fail, ERR_RECORD_NOT_FOUND,
                        arena_printf(c->arena, "%lld", (long long)record_id));
    if (!data)
        return fail_set(c->fail, ERR_INTERNAL, NULL);
    out->id = record_id;
    out->data = pdf_record_names(c, d->props, data);
    return ERR_OK;
}

/* A plausible stored value of a field of def's type (new reference or NULL: none). */
static json_t *
sample_value(const json_t *def)
{
    const char *label = json_string_value(json_object_get(def, "label"));
    const json_t *opts = json_object_get(def, "options");
    const char *first = NULL;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)opts, k, v)
    {
        first = k;
        break;
    }
    switch (field_def_type(def)) {
    case FT_SINGLE_LINE_TEXT:
    case FT_MULTI_LINE_TEXT:
    case FT_RICH_TEXT:
    case FT_LINK:
        return json_string(label && *label ? label : "サンプル");
    case FT_NUMBER:
    case FT_CALC:
        return json_string("1234");
    case FT_DATE:
        return json_string("2026-04-01");
    case FT_TIME:
        return json_string("09:00");
    case FT_DATETIME:
        return json_string("2026-04-01T00:00:00Z");
    case FT_RADIO_BUTTON:
    case FT_DROP_DOWN:
        return json_string(first ? first : "");
    case FT_CHECK_BOX:
    case FT_MULTI_SELECT:
        return first ? json_pack("[s]", first) : json_array();
    case FT_SUBTABLE: {
        json_t *vals = json_object();
        json_object_foreach(json_object_get(def, "fields"), k, v)
        {
            json_t *s = sample_value(v);
            if (s)
                json_object_set_new(vals, k, s);
        }
        return json_pack("[{s:i,s:o}]", "id", 1, "value", vals);
    }
    default:
        return NULL;
    }
}

const json_t *
pdf_sample_data(struct ctx *c, const json_t *props)
{
    json_t *data = owned(c, json_object());
    const char *k;
    json_t *def;
    json_object_foreach((json_t *)props, k, def)
    {
        json_t *s = sample_value(def);
        if (s)
            json_object_set_new(data, k, s);
    }
    return data;
}

enum err
pdf_issue(struct ctx *c, const struct app_def *d, int64_t record_id, const char *template_code,
          bool deliver, struct pdf_issued *out)
{
    memset(out, 0, sizeof(*out));
    struct tpl t;
    struct pdf_record rec;
    enum err e = tpl_load(c, d->id, template_code, 0, &t);
    if (e == ERR_OK)
        e = pdf_issue_record(c, d, record_id, &rec);
    if (e != ERR_OK)
        return e;
    /* verify is true by default for records; a register (kind list) has none unless asked */
    const char *kind = json_string_value(json_object_get(t.def, "kind"));
    const json_t *verify = json_object_get(t.def, "verify");
    bool want_code = verify ? !json_is_false(verify)
                            : !(kind && strcmp(kind, "list") == 0);
    if (want_code && (e = new_code(c, &rec.verify_code)) != ERR_OK)
        return e;

    struct pdf_job job = { .def = t.def,
                           .props = d->props,
                           .records = &rec,
                           .nrecords = 1,
                           .verify_base = pdf_verify_base(c),
                           .today = pdf_today(c) };
    struct strbuf pdf;
    strbuf_init(&pdf, c->arena, 0);
    e = pdf_render(c, &job, &pdf);
    if (e != ERR_OK)
        return e;
    if (!strbuf_ok(&pdf))
        return fail_set(c->fail, ERR_TOO_LARGE, NULL);
    const char *name = pdf_file_name(c, &job, &rec);
    const char *upload_key = NULL;
    e = file_upload(c, name, "application/pdf", pdf.buf, pdf.len, &upload_key);
    if (e != ERR_OK)
        return e;
    struct doc_in in = { .title = t.name,
                         .upload_key = upload_key,
                         .template_code = t.code,
                         .template_version = t.version,
                         .deliver = deliver,
                         .verify_code = rec.verify_code };
    e = doc_issue(c, d, record_id, &in, &out->id, &out->file_key);
    if (e != ERR_OK)
        return e;
    out->verify_code = rec.verify_code;
    out->name = name;
    audit_note(c, "issue",
               json_pack("{s:I,s:s,s:I,s:I,s:b}", "record", (json_int_t)record_id, "template",
                         t.code, "version", (json_int_t)t.version, "id", (json_int_t)out->id,
                         "deliver", deliver));
    return ERR_OK;
}

enum err
pdf_on_status(struct ctx *c, const struct app_def *d, int64_t id, const char *status)
{
    json_t *list = NULL;
    enum err e = tpl_auto_for(c, d->id, status, &list);
    if (e != ERR_OK)
        return e;
    owned(c, list);
    size_t i;
    const json_t *a;
    json_array_foreach(list, i, a)
    {
        struct pdf_issued out;
        e = pdf_issue(c, d, id, json_string_value(json_object_get(a, "code")),
                      json_is_true(json_object_get(a, "deliver")), &out);
        if (e != ERR_OK)
            return e;
    }
    return ERR_OK;
}
