/* Routing of new records to an office; see routing.h. The settings shape:
 *   {"siteField": "code" | ["地域","町名","丁目"], "officeField": "窓口",
 *    "checkField": "窓口要確認", "checkValue": "要確認", "fixedOffice": "toshikeikaku",
 *    "map": {"世田谷/池尻/四丁目": "setagaya-machi", ...}, "check": ["世田谷/池尻/四丁目", ...]}
 * The site key is the answers of the site fields joined by "/". When it is not in the map the
 * last answer is dropped and the shorter key tried (a record that names only the 地域 still
 * reaches that region's office), and such a record is flagged for checking. */
#include "domain/routing.h"

#include "core/arena.h"
#include "domain/field.h"

#include <string.h>

static void
routing_decref(void *p)
{
    json_decref(p);
}

/* The answer of one field in the kintone write shape ({"value": ...}), a string or NULL. */
static const char *
answer(const json_t *in, const char *code)
{
    const json_t *v = json_object_get(json_object_get(in, code), "value");
    if (json_is_array(v)) /* a one-element selection */
        v = json_array_size(v) == 1 ? json_array_get(v, 0) : NULL;
    const char *s = json_string_value(v);
    return s && *s ? s : NULL;
}

static bool
in_check_list(const json_t *routing, const char *key)
{
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(routing, "check"), i, e)
    {
        if (json_is_string(e) && strcmp(json_string_value(e), key) == 0)
            return true;
    }
    return false;
}

const char *
routing_lookup(const json_t *routing, const json_t *site_values, bool *check)
{
    *check = false;
    const json_t *map = json_object_get(routing, "map");
    size_t n = json_array_size(site_values);
    if (!json_is_object(map))
        return NULL;
    /* longest key first, then shorter ones */
    for (size_t len = n; len > 0; len--) {
        char key[1024];
        size_t used = 0;
        bool ok = true;
        for (size_t i = 0; i < len && ok; i++) {
            const char *s = json_string_value(json_array_get(site_values, i));
            if (!s) {
                ok = false;
                break;
            }
            int w = snprintf(key + used, sizeof(key) - used, "%s%s", i ? "/" : "", s);
            if (w < 0 || (size_t)w >= sizeof(key) - used)
                ok = false;
            else
                used += (size_t)w;
        }
        if (!ok)
            continue;
        const char *office = json_string_value(json_object_get(map, key));
        if (office) {
            *check = len < n || in_check_list(routing, key);
            return office;
        }
    }
    *check = true;
    return NULL;
}

/* The site answers, top first; NULL answers end the list (a 丁目 without its 町名 means
 * nothing). */
static json_t *
site_values(const json_t *routing, const json_t *in)
{
    json_t *out = json_array();
    const json_t *f = json_object_get(routing, "siteField");
    if (json_is_string(f)) {
        const char *a = answer(in, json_string_value(f));
        if (a)
            json_array_append_new(out, json_string(a));
        return out;
    }
    size_t i;
    const json_t *e;
    json_array_foreach(f, i, e)
    {
        const char *a = json_is_string(e) ? answer(in, json_string_value(e)) : NULL;
        if (!a)
            break;
        json_array_append_new(out, json_string(a));
    }
    return out;
}

static bool
office_given(const json_t *in, const char *field)
{
    const json_t *v = json_object_get(json_object_get(in, field), "value");
    return json_is_array(v) && json_array_size(v) > 0;
}

/* The value the check field takes: a list for multi-valued types, else the text. */
static json_t *
check_value(const struct app_def *d, const json_t *routing, const char *field)
{
    const char *text = json_string_value(json_object_get(routing, "checkValue"));
    if (!text)
        text = "要確認";
    enum ftype t = field_def_type(json_object_get(d->props, field));
    if (t == FT_CHECK_BOX || t == FT_MULTI_SELECT)
        return json_pack("[s]", text);
    return json_string(text);
}

const json_t *
routing_apply(struct ctx *c, const struct app_def *d, const json_t *in)
{
    const json_t *routing = json_object_get(d->settings, "routing");
    const char *office_field = json_string_value(json_object_get(routing, "officeField"));
    if (!json_is_object(in) || !office_field || !json_object_get(d->props, office_field) ||
        office_given(in, office_field))
        return in;
    const char *office = json_string_value(json_object_get(routing, "fixedOffice"));
    bool check = false;
    if (!office) {
        json_t *site = site_values(routing, in);
        office = routing_lookup(routing, site, &check);
        const json_t *f = json_object_get(routing, "siteField");
        if (json_array_size(site) < (json_is_array(f) ? json_array_size(f) : 1))
            check = true; /* a site not given in full */
        json_decref(site);
    }
    json_t *out = json_deep_copy(in);
    if (!out)
        return in;
    arena_defer(c->arena, routing_decref, out);
    if (office) {
        office = arena_strdup(c->arena, office);
        json_object_set_new(out, office_field,
                            json_pack("{s:[{s:s}]}", "value", "code", office));
    }
    const char *check_field = json_string_value(json_object_get(routing, "checkField"));
    if (check && check_field && json_object_get(d->props, check_field))
        json_object_set_new(out, check_field,
                            json_pack("{s:o}", "value", check_value(d, routing, check_field)));
    return out;
}
