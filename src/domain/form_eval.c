/* Evaluating an applicant's answers against a form version: which sections and fields the
 * rules show, what is required now, the validators of each answer, and dropping the answers of
 * hidden fields (they are never stored). */
#include "form.h"

#include "core/arena.h"
#include "domain/fcond.h"
#include "domain/field.h"

#include <string.h>

static bool
empty(const json_t *v)
{
    return !v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)) ||
           (json_is_array(v) && json_array_size(v) == 0);
}

/* Answers are strings or arrays of strings, nothing else. */
static bool
well_formed(const json_t *v)
{
    if (json_is_string(v) || json_is_null(v))
        return true;
    if (!json_is_array(v))
        return false;
    size_t i;
    const json_t *x;
    json_array_foreach(v, i, x)
        if (!json_is_string(x))
            return false;
    return true;
}

static bool
shown(const json_t *obj, const json_t *answers, const struct fcond_env *env)
{
    const json_t *cond = json_object_get(obj, "showIf");
    return !cond || json_is_null(cond) || fcond_eval(cond, answers, env);
}

static int64_t
today(const struct ctx *c)
{
    int64_t local = c->now + (int64_t)c->tz_offset * 60;
    return (local >= 0 ? local : local - 86399) / 86400;
}

static bool
is_file(const struct form *f, const char *code)
{
    return field_def_type(json_object_get(f->props, code)) == FT_FILE;
}

/* The validator's message, shared with the browser (fval_message: Japanese or English). */
static const char *
message(struct ctx *c, const struct fval_error *e)
{
    return arena_strdup(c->arena, fval_message(e->code, c->lang == LANG_EN ? "en" : "ja", e->arg));
}

static void
add_error(json_t *errors, const char *code, const char *msg)
{
    json_t *e = json_object_get(errors, code);
    if (!e) {
        e = json_pack("{s[]}", "messages");
        json_object_set_new(errors, code, e);
    }
    json_array_append_new(json_object_get(e, "messages"), json_string(msg));
}

/* Only rules other than required need the validator. */
static bool
has_validators(const json_t *rules)
{
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)rules, k, v)
        if (strcmp(k, "required") != 0)
            return true;
    return false;
}

/* One pass: the answers of fields visible under `basis`. */
static json_t *
visible_answers(const struct form *f, const json_t *answers, const json_t *basis,
                const struct fcond_env *env)
{
    json_t *clean = json_object();
    size_t i, j, k;
    const json_t *pg, *sec, *fe;
    json_array_foreach(json_object_get(f->def, "pages"), i, pg) {
        if (!shown(pg, basis, env))
            continue;
        json_array_foreach(json_object_get(pg, "sections"), j, sec) {
            if (!shown(sec, basis, env))
                continue;
            json_array_foreach(json_object_get(sec, "fields"), k, fe) {
                const char *code = json_string_value(json_object_get(fe, "code"));
                json_t *v = json_object_get(answers, code);
                if (v && !is_file(f, code) && well_formed(v) && !empty(v) && shown(fe, basis, env))
                    json_object_set(clean, code, v);
            }
        }
    }
    return clean;
}

/* Computed answers replace whatever was posted for their fields (shown fields only; a
 * computation may use another's result, so twice). */
static void
apply_computed(const struct form *f, json_t *clean, const struct fcond_env *env)
{
    char out[4096];
    for (int pass = 0; pass < 2; pass++) {
        size_t i, j, k;
        const json_t *pg, *sec, *fe;
        json_array_foreach(json_object_get(f->def, "pages"), i, pg) {
            if (!shown(pg, clean, env))
                continue;
            json_array_foreach(json_object_get(pg, "sections"), j, sec) {
                if (!shown(sec, clean, env))
                    continue;
                json_array_foreach(json_object_get(sec, "fields"), k, fe) {
                    const json_t *expr = json_object_get(fe, "compute");
                    const char *code = json_string_value(json_object_get(fe, "code"));
                    if (!expr || json_is_null(expr) || !code || !shown(fe, clean, env))
                        continue;
                    fcompute_eval(expr, clean, env, out, sizeof(out));
                    if (*out)
                        json_object_set_new(clean, code, json_string(out));
                    else
                        json_object_del(clean, code);
                }
            }
        }
    }
}

void
form_eval(struct ctx *c, const struct form *f, const json_t *answers, const json_t *files, int step,
          json_t **clean_out, json_t **errors_out)
{
    struct fcond_env env = { .today = today(c) };
    /* conditions see only answers that are themselves visible: iterate to a fixed point (a
     * hidden answer must not open a branch); forms are shallow, a few passes suffice */
    json_t *clean = visible_answers(f, answers, answers, &env);
    for (int pass = 0; pass < 4; pass++) {
        json_t *next = visible_answers(f, answers, clean, &env);
        bool same = json_equal(next, clean);
        json_decref(clean);
        clean = next;
        if (same)
            break;
    }
    apply_computed(f, clean, &env);
    json_t *errors = json_object();
    size_t i, j, k;
    const json_t *pg, *sec, *fe;
    json_array_foreach(json_object_get(f->def, "pages"), i, pg) {
        if ((step >= 0 && (size_t)step != i) || !shown(pg, clean, &env))
            continue;
        json_array_foreach(json_object_get(pg, "sections"), j, sec) {
            if (!shown(sec, clean, &env))
                continue;
            json_array_foreach(json_object_get(sec, "fields"), k, fe) {
                const char *code = json_string_value(json_object_get(fe, "code"));
                if (!shown(fe, clean, &env))
                    continue;
                const json_t *rules = json_object_get(fe, "rules");
                const json_t *rif = json_object_get(fe, "requiredIf");
                bool required = json_is_true(json_object_get(rules, "required")) ||
                                (rif && fcond_eval(rif, clean, &env));
                const json_t *raw = json_object_get(answers, code);
                if (is_file(f, code)) {
                    if (required && json_integer_value(json_object_get(files, code)) <= 0)
                        add_error(errors, code, message(c, &(struct fval_error){ "required", NULL }));
                    continue;
                }
                if (raw && !well_formed(raw)) {
                    add_error(errors, code, message(c, &(struct fval_error){ "invalid", NULL }));
                    continue;
                }
                const json_t *v = json_object_get(clean, code);
                struct fval_error err = { 0 };
                if (!v) {
                    if (required)
                        add_error(errors, code, message(c, &(struct fval_error){ "required", NULL }));
                } else if (rules && has_validators(rules) && !fval_check_in(rules, clean, code, required, &env, &err)) {
                    add_error(errors, code, message(c, &err));
                }
            }
        }
    }
    *clean_out = clean;
    *errors_out = errors;
}

json_t *
form_page_fields(const struct form *f, int64_t step)
{
    json_t *out = json_array();
    const json_t *pg = step >= 0 ? json_array_get(json_object_get(f->def, "pages"), (size_t)step) : NULL;
    size_t j, k;
    const json_t *sec, *fe;
    json_array_foreach(json_object_get(pg, "sections"), j, sec)
        json_array_foreach(json_object_get(sec, "fields"), k, fe)
            json_array_append(out, json_object_get(fe, "code"));
    return out;
}

bool
form_visible(struct ctx *c, const struct form *f, const json_t *clean, const char *code)
{
    struct fcond_env env = { .today = today(c) };
    size_t i, j, k;
    const json_t *pg, *sec, *fe;
    json_array_foreach(json_object_get(f->def, "pages"), i, pg)
        json_array_foreach(json_object_get(pg, "sections"), j, sec)
            json_array_foreach(json_object_get(sec, "fields"), k, fe) {
                const char *fc = json_string_value(json_object_get(fe, "code"));
                if (fc && strcmp(fc, code) == 0)
                    return shown(pg, clean, &env) && shown(sec, clean, &env) && shown(fe, clean, &env);
            }
    return false;
}

bool
form_field(const struct form *f, const char *code, const json_t **entry)
{
    size_t i, j, k;
    const json_t *pg, *sec, *fe;
    json_array_foreach(json_object_get(f->def, "pages"), i, pg)
        json_array_foreach(json_object_get(pg, "sections"), j, sec)
            json_array_foreach(json_object_get(sec, "fields"), k, fe) {
                const char *fc = json_string_value(json_object_get(fe, "code"));
                if (fc && code && strcmp(fc, code) == 0) {
                    *entry = fe;
                    return true;
                }
            }
    return false;
}

const char *
form_field_label(struct ctx *c, const struct form *f, const char *code)
{
    const json_t *fe;
    const char *l = NULL;
    if (form_field(f, code, &fe))
        l = json_string_value(json_object_get(fe, "label"));
    if (!l)
        l = json_string_value(json_object_get(json_object_get(f->props, code), "label"));
    return arena_strdup(c->arena, l ? l : code);
}
