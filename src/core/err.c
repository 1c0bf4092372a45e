/* Error table and the per-request error collector. */
#include "err.h"

#include "arena.h"

#include <string.h>

static const struct {
    int status;
    const char *code;
    const char *text[2];
} err_table[] = {
#define X(name, status, code, ja, en) { status, code, { ja, en } },
    ERR_LIST(X)
#undef X
};

static const char *msg_table[][2] = {
#define X(name, ja, en) { ja, en },
    MSG_LIST(X)
#undef X
};

int
err_status(enum err e)
{
    return (unsigned)e < ERR__COUNT ? err_table[e].status : 500;
}

const char *
err_code(enum err e)
{
    return (unsigned)e < ERR__COUNT ? err_table[e].code : "CB_IS01";
}

const char *
err_template(enum err e, enum lang lang)
{
    return err_table[(unsigned)e < ERR__COUNT ? e : ERR_INTERNAL].text[lang == LANG_EN];
}

const char *
msg_template(enum msg m, enum lang lang)
{
    return msg_table[(unsigned)m < MSG__COUNT ? m : MSG_BAD_PARAM][lang == LANG_EN];
}

static void
decref(void *p)
{
    json_decref(p);
}

void
fail_init(struct fail *f, struct arena *a, enum lang lang)
{
    memset(f, 0, sizeof(*f));
    f->arena = a;
    f->lang = lang;
}

/* Fills the one "%s" of a template; templates are ours, so a plain replace is enough. */
static const char *
fill(struct arena *a, const char *tpl, const char *arg)
{
    const char *p = strstr(tpl, "%s");
    if (!p)
        return tpl;
    return arena_printf(a, "%.*s%s%s", (int)(p - tpl), tpl, arg ? arg : "", p + 2);
}

enum err
fail_with_message(struct fail *f, enum err e, const char *message)
{
    if (f->code == ERR_OK || (f->code == ERR_INVALID && e != ERR_INVALID)) {
        f->code = e;
        f->message = message;
    }
    return f->code;
}

enum err
fail_set(struct fail *f, enum err e, const char *arg)
{
    return fail_with_message(f, e, fill(f->arena, err_template(e, f->lang), arg));
}

void
fail_field(struct fail *f, const char *key, enum msg m, const char *arg)
{
    if (!f->errors) {
        f->errors = json_object();
        arena_defer(f->arena, decref, f->errors);
    }
    json_t *ent = json_object_get(f->errors, key);
    if (!ent) {
        ent = json_pack("{s:[]}", "messages");
        json_object_set_new(f->errors, key, ent);
    }
    const char *text = fill(f->arena, msg_template(m, f->lang), arg);
    json_array_append_new(json_object_get(ent, "messages"), json_string(text));
    if (f->code == ERR_OK) {
        f->code = ERR_INVALID;
        f->message = err_template(ERR_INVALID, f->lang);
    }
}

bool
fail_has_fields(const struct fail *f)
{
    return f->errors && json_object_size(f->errors) > 0;
}

void
fail_merge_prefixed(struct fail *dst, struct fail *src, const char *prefix)
{
    const char *key;
    json_t *val;
    if (src->errors) {
        if (!dst->errors) {
            dst->errors = json_object();
            arena_defer(dst->arena, decref, dst->errors);
        }
        json_object_foreach(src->errors, key, val)
        {
            json_object_set(dst->errors, arena_printf(dst->arena, "%s%s", prefix, key), val);
        }
    }
    if (src->code != ERR_OK)
        fail_with_message(dst, src->code, src->message);
}
