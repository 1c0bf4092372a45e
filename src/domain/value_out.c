/* value_out: stored record → kintone GET record JSON (value_to_wire), and the unique-index
 * feed. This is the hot path of every record read: one pass over the properties, stored
 * arrays of strings are shared by reference instead of copied, no temporary JSON, and stored
 * strings (valid UTF-8 since jansson parsed them) are not re-validated. */
#include "domain/value.h"

#include "core/clock.h"
#include "domain/calc.h"
#include "domain/ctx.h"
#include "domain/field.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Decimal text of an int64 without printf (ids and integers are on every record read). */
static const char *
i64_text(int64_t v, char *buf, size_t n)
{
    char tmp[24];
    size_t k = sizeof(tmp);
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    tmp[--k] = '\0';
    do {
        tmp[--k] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[--k] = '-';
    size_t len = sizeof(tmp) - k; /* with the NUL */
    if (len > n)
        return "";
    memcpy(buf, tmp + k, len);
    return buf;
}

const char *
value_scalar_text(const json_t *v, char *buf, size_t n)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v))
        return i64_text(json_integer_value(v), buf, n);
    if (json_is_real(v)) {
        calc_format_number(json_real_value(v), buf, n);
        return buf;
    }
    return "";
}

static json_t *
typed(enum ftype t, json_t *value)
{
    json_t *o = json_object();
    json_object_set_new_nocheck(o, "type", json_string_nocheck(field_type_name(t)));
    json_object_set_new_nocheck(o, "value", value);
    return o;
}

static json_t *
id_string(int64_t id)
{
    char buf[24];
    return json_string_nocheck(i64_text(id, buf, sizeof(buf)));
}

static json_t *
entity(const char *code, const char *kind, value_name_fn *name, void *arg)
{
    const char *nm = name && code ? name(arg, kind, code) : NULL;
    json_t *o = json_object();
    json_object_set_new_nocheck(o, "code", json_string(code ? code : ""));
    json_object_set_new_nocheck(o, "name", json_string(nm ? nm : code ? code : ""));
    return o;
}

static json_t *
entities(const json_t *codes, const char *kind, value_name_fn *name, void *arg)
{
    json_t *out = json_array();
    size_t k;
    json_t *c;
    json_array_foreach(codes, k, c)
    {
        if (json_is_string(c))
            json_array_append_new(out, entity(json_string_value(c), kind, name, arg));
    }
    return out;
}

static json_t *
files(const json_t *stored)
{
    json_t *out = json_array();
    size_t k;
    json_t *f;
    char buf[CALC_NUMBUF];
    json_array_foreach(stored, k, f)
    {
        json_t *o = json_object();
        json_object_set_new_nocheck(o, "contentType", json_string(field_str(f, "contentType")));
        json_object_set_new_nocheck(o, "fileKey", json_string(field_str(f, "fileKey")));
        json_object_set_new_nocheck(o, "name", json_string(field_str(f, "name")));
        json_object_set_new_nocheck(
            o, "size",
            json_string(value_scalar_text(json_object_get(f, "size"), buf, sizeof(buf))));
        json_array_append_new(out, o);
    }
    return out;
}

static json_t *
strings(const json_t *stored)
{
    /* stored arrays of option strings are immutable: share them */
    return json_is_array(stored) ? json_incref((json_t *)stored) : json_array();
}

static json_t *wire_table(const json_t *def, const json_t *rows, value_name_fn *name, void *arg);

/* Wire value of a non-system field (new reference). */
static json_t *
wire_value(const json_t *def, enum ftype t, const json_t *v, value_name_fn *name, void *arg)
{
    char buf[CALC_NUMBUF];
    switch (t) {
    case FT_SINGLE_LINE_TEXT:
    case FT_MULTI_LINE_TEXT:
    case FT_RICH_TEXT:
    case FT_LINK:
    case FT_NUMBER:
    case FT_CALC:
        return json_string_nocheck(value_scalar_text(v, buf, sizeof(buf)));
    case FT_DATETIME:
        return json_string_nocheck(json_is_string(v) ? json_string_value(v) : "");
    case FT_RADIO_BUTTON:
    case FT_DROP_DOWN:
    case FT_DATE:
    case FT_TIME:
        return json_is_string(v) && *json_string_value(v)
                   ? json_string_nocheck(json_string_value(v))
                   : json_null();
    case FT_CHECK_BOX:
    case FT_MULTI_SELECT:
    case FT_CATEGORY:
        return strings(v);
    case FT_USER_SELECT:
        return entities(v, "USER", name, arg);
    case FT_ORGANIZATION_SELECT:
        return entities(v, "ORGANIZATION", name, arg);
    case FT_GROUP_SELECT:
        return entities(v, "GROUP", name, arg);
    case FT_FILE:
        return files(v);
    case FT_SUBTABLE:
        return wire_table(def, v, name, arg);
    default:
        return json_null();
    }
}

static json_t *
wire_table(const json_t *def, const json_t *rows, value_name_fn *name, void *arg)
{
    const json_t *fields = json_object_get(def, "fields");
    json_t *out = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        const json_t *vals = json_object_get(r, "value");
        const json_t *id = json_object_get(r, "id");
        char buf[CALC_NUMBUF];
        json_t *row = json_object(), *wv = json_object();
        const char *code;
        json_t *idef;
        json_object_foreach((json_t *)fields, code, idef)
        {
            enum ftype t = field_def_type(idef);
            json_object_set_new(
                wv, code, typed(t, wire_value(idef, t, json_object_get(vals, code), name, arg)));
        }
        json_object_set_new_nocheck(row, "id",
                                    json_string(value_scalar_text(id, buf, sizeof(buf))));
        json_object_set_new_nocheck(row, "value", wv);
        json_array_append_new(out, row);
    }
    return out;
}

static bool
selected(const json_t *fields, const char *code)
{
    size_t k;
    json_t *f;
    if (!fields)
        return true;
    json_array_foreach(fields, k, f)
    {
        const char *s = json_string_value(f);
        if (s && strcmp(s, code) == 0)
            return true;
    }
    return false;
}

/* System field value, or NULL when the field is not shown (process management disabled). */
static json_t *
wire_system(const json_t *def, enum ftype t, const struct value_row *row, value_name_fn *name,
            void *arg)
{
    char buf[32];
    switch (t) {
    case FT_RECORD_NUMBER:
        return id_string(row->id);
    case FT_CREATOR:
        return entity(row->creator, "USER", name, arg);
    case FT_MODIFIER:
        return entity(row->modifier, "USER", name, arg);
    case FT_CREATED_TIME:
        clock_format_utc_min(row->created_at, buf);
        return json_string_nocheck(buf);
    case FT_UPDATED_TIME:
        clock_format_utc_min(row->updated_at, buf);
        return json_string_nocheck(buf);
    case FT_STATUS:
        if (!field_bool(def, "enabled"))
            return NULL;
        return json_string(row->status ? row->status : "");
    case FT_STATUS_ASSIGNEE:
        if (!field_bool(def, "enabled"))
            return NULL;
        return entities(row->assignees, "USER", name, arg);
    default: /* FT_CATEGORY: categories are not implemented, so always empty */
        if (!field_bool(def, "enabled"))
            return NULL;
        return json_array();
    }
}

json_t *
value_to_wire(struct ctx *c, const json_t *props, const struct value_row *row, const json_t *fields,
              value_name_fn *name, void *arg)
{
    (void)c;
    json_t *out = json_object();
    const char *code;
    json_t *def;
    if (fields && !json_is_array(fields))
        fields = NULL;
    json_object_foreach((json_t *)props, code, def)
    {
        enum ftype t = field_def_type(def);
        if (!field_type_has_value(t) || !selected(fields, code))
            continue;
        json_t *v = field_type_is_system(t)
                        ? wire_system(def, t, row, name, arg)
                        : wire_value(def, t, json_object_get(row->data, code), name, arg);
        if (v)
            json_object_set_new(out, code, typed(t, v));
    }
    json_t *id = json_object(), *rev = json_object();
    json_object_set_new_nocheck(id, "type", json_string_nocheck("__ID__"));
    json_object_set_new_nocheck(id, "value", id_string(row->id));
    json_object_set_new_nocheck(rev, "type", json_string_nocheck("__REVISION__"));
    json_object_set_new_nocheck(rev, "value", id_string(row->revision));
    json_object_set_new_nocheck(out, "$id", id);
    json_object_set_new_nocheck(out, "$revision", rev);
    return out;
}

void
value_unique_each(const json_t *props, const json_t *data,
                  void (*fn)(void *arg, const char *code, const char *value), void *arg)
{
    const char *code;
    json_t *def;
    char buf[CALC_NUMBUF];
    json_object_foreach((json_t *)props, code, def)
    {
        enum ftype t = field_def_type(def);
        if (!field_type_can_be_unique(t) || !field_bool(def, "unique"))
            continue;
        const char *s = value_scalar_text(json_object_get(data, code), buf, sizeof(buf));
        if (*s)
            fn(arg, code, s);
    }
}
