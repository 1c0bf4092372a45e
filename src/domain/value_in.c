/* value_in: validation of record writes and conversion to the stored `data` format
 * (value_apply, see value.h). Conversion never fails halfway: an invalid value is reported and
 * replaced by the empty value, so that the required check on the merged record reports what
 * kintone reports (e.g. a bad option is both "not in options" and "required"). */
#include "domain/value.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/text.h"
#include "domain/calc.h"
#include "domain/ctx.h"
#include "domain/field.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NUMBER_MAX_DIGITS 30

struct vin {
    struct ctx *c;
    const json_t *props;
    const struct value_hooks *h;
    enum value_mode mode;
    const char *prefix;
    int nerr;
    enum err fatal; /* a hook's hard error */
    const char *fatal_arg;
    int64_t next_row; /* fallback row ids */
};

static void
verr(struct vin *v, const char *key, enum msg m, const char *arg)
{
    fail_field(v->c->fail, key, m, arg);
    v->nerr++;
}

static const char *
kcat(struct vin *v, const char *base, const char *suffix)
{
    return arena_printf(v->c->arena, "%s%s", base, suffix);
}

static bool
is_formula(const json_t *def, enum ftype t)
{
    return t == FT_CALC || (t == FT_SINGLE_LINE_TEXT && *field_str(def, "expression"));
}

static json_t *
empty_value(enum ftype t)
{
    switch (t) {
    case FT_SINGLE_LINE_TEXT:
    case FT_MULTI_LINE_TEXT:
    case FT_RICH_TEXT:
    case FT_LINK:
        return json_string("");
    case FT_CHECK_BOX:
    case FT_MULTI_SELECT:
    case FT_USER_SELECT:
    case FT_ORGANIZATION_SELECT:
    case FT_GROUP_SELECT:
    case FT_FILE:
    case FT_SUBTABLE:
        return json_array();
    default:
        return json_null();
    }
}

static bool
is_empty(const json_t *val)
{
    return !val || json_is_null(val) || (json_is_string(val) && !*json_string_value(val)) ||
           (json_is_array(val) && json_array_size(val) == 0);
}

/* ---- scalars ------------------------------------------------------------------------------- */

/* Text from a JSON string or number; NULL for other types. */
static const char *
text_of(struct vin *v, const json_t *x)
{
    char buf[CALC_NUMBUF];
    if (!x || json_is_null(x))
        return "";
    if (json_is_string(x))
        return json_string_value(x);
    if (json_is_integer(x)) {
        snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(x));
        return arena_strdup(v->c->arena, buf);
    }
    if (json_is_real(x)) {
        calc_format_number(json_real_value(x), buf, sizeof(buf));
        return arena_strdup(v->c->arena, buf);
    }
    return NULL;
}

static void
check_length(struct vin *v, const json_t *def, const char *s, const char *key)
{
    char buf[32];
    size_t len = text_length(s, strlen(s));
    const char *mn = field_str(def, "minLength"), *mx = field_str(def, "maxLength");
    if (!*s)
        return;
    /* kintone names the first length out of range: "Enter less than (max+1) characters" */
    if (*mx && len > strtoull(mx, NULL, 10)) {
        snprintf(buf, sizeof(buf), "%llu", strtoull(mx, NULL, 10) + 1);
        verr(v, key, MSG_TOO_LONG, arena_strdup(v->c->arena, buf));
    }
    if (*mn && len < strtoull(mn, NULL, 10)) {
        snprintf(buf, sizeof(buf), "%llu", strtoull(mn, NULL, 10) - 1);
        verr(v, key, MSG_TOO_SHORT, arena_strdup(v->c->arena, buf));
    }
}

static bool
link_ok(const json_t *def, const char *s)
{
    const char *proto = field_str(def, "protocol");
    if (!*s)
        return true;
    for (const char *p = s; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return false;
    }
    if (strcmp(proto, "MAIL") == 0) {
        const char *at = strchr(s, '@');
        return at && at != s && at[1] && !strchr(at + 1, '@') && !strpbrk(s, " <>\"");
    }
    if (strcmp(proto, "CALL") == 0)
        return true;
    /* WEB: a scheme, when there is one, must be a web one (no javascript: or data: links) */
    size_t n = strcspn(s, ":/?#");
    if (s[n] != ':')
        return true;
    static const char *const schemes[] = { "http", "https", "ftp", "ftps" };
    for (size_t k = 0; k < sizeof(schemes) / sizeof(schemes[0]); k++) {
        if (strlen(schemes[k]) == n && strncasecmp(s, schemes[k], n) == 0)
            return true;
    }
    return false;
}

static json_t *
conv_text(struct vin *v, const json_t *def, enum ftype t, const json_t *x, const char *base)
{
    const char *key = kcat(v, base, ".value");
    const char *s = text_of(v, x);
    if (!s) {
        verr(v, key, MSG_BAD_TYPE, NULL);
        return json_string("");
    }
    if (t == FT_RICH_TEXT)
        s = value_html_sanitize(v->c->arena, s);
    if (t == FT_SINGLE_LINE_TEXT || t == FT_LINK)
        check_length(v, def, s, key);
    if (t == FT_LINK && !link_ok(def, s)) {
        verr(v, key, MSG_BAD_URL, NULL);
        return json_string("");
    }
    return json_string(s);
}

/* Digits before and after the point of a decimal literal (exponent applied). */
static bool
digits_ok(double d)
{
    char buf[CALC_NUMBUF];
    calc_format_number(fabs(d), buf, sizeof(buf));
    const char *dot = strchr(buf, '.');
    size_t ip = dot ? (size_t)(dot - buf) : strlen(buf);
    size_t fp = dot ? strlen(dot + 1) : 0;
    return ip <= NUMBER_MAX_DIGITS && fp <= NUMBER_MAX_DIGITS;
}

/* Stored NUMBER from a JSON integer keeps all its digits; other forms go through double. */
static json_t *
conv_number(struct vin *v, const json_t *def, const json_t *x, const char *base, bool in_table,
            const char *code)
{
    const char *key = kcat(v, base, ".value");
    double d;
    char buf[CALC_NUMBUF];
    json_t *out;
    if (!x || json_is_null(x))
        return json_null();
    if (json_is_integer(x)) {
        d = (double)json_integer_value(x);
        out = json_integer(json_integer_value(x));
    } else if (json_is_real(x)) {
        d = json_real_value(x);
        out = calc_number_json(d);
    } else if (json_is_string(x)) {
        const char *s = json_string_value(x);
        if (text_blank(s))
            return json_null();
        if (!calc_parse_number(s, &d)) {
            if (!in_table)
                verr(v, arena_printf(v->c->arena, "%s[%s].value", v->prefix, code), MSG_NOT_NUMBER,
                     NULL);
            return json_null();
        }
        char *end;
        errno = 0;
        long long ll = strtoll(s, &end, 10);
        while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
            end++;
        out = *end == '\0' && errno == 0 ? json_integer(ll) : calc_number_json(d);
    } else {
        if (!in_table)
            verr(v, key, MSG_BAD_TYPE, NULL);
        return json_null();
    }
    if (!digits_ok(d)) {
        json_decref(out);
        if (!in_table)
            verr(v, key, MSG_DIGITS, NULL);
        return json_null();
    }
    const char *mn = field_str(def, "minValue"), *mx = field_str(def, "maxValue");
    double lim;
    if (*mx && calc_parse_number(mx, &lim) && d > lim) {
        snprintf(buf, sizeof(buf), "%s", mx);
        verr(v, key, MSG_TOO_BIG, arena_strdup(v->c->arena, buf));
    }
    if (*mn && calc_parse_number(mn, &lim) && d < lim) {
        snprintf(buf, sizeof(buf), "%s", mn);
        verr(v, key, MSG_TOO_SMALL, arena_strdup(v->c->arena, buf));
    }
    return out;
}

static json_t *
conv_choice(struct vin *v, const json_t *def, const json_t *x, const char *base)
{
    const char *key = kcat(v, base, ".value");
    if (!x || json_is_null(x))
        return json_null();
    if (!json_is_string(x)) {
        verr(v, key, MSG_BAD_TYPE, NULL);
        return json_null();
    }
    const char *s = json_string_value(x);
    if (!*s)
        return json_null();
    if (!json_object_get(json_object_get(def, "options"), s)) {
        verr(v, key, MSG_BAD_OPTION, s);
        return json_null();
    }
    return json_string(s);
}

static bool
has_string(const json_t *arr, const char *s)
{
    size_t k;
    json_t *it;
    json_array_foreach(arr, k, it)
    {
        if (json_is_string(it) && strcmp(json_string_value(it), s) == 0)
            return true;
    }
    return false;
}

static json_t *
conv_multi(struct vin *v, const json_t *def, const json_t *x, const char *base)
{
    json_t *out = json_array();
    size_t i;
    json_t *it;
    if (!x || json_is_null(x))
        return out;
    if (!json_is_array(x)) {
        verr(v, kcat(v, base, ".value"), MSG_BAD_TYPE, NULL);
        return out;
    }
    const json_t *opts = json_object_get(def, "options");
    json_array_foreach(x, i, it)
    {
        const char *s = json_string_value(it);
        const char *ik = arena_printf(v->c->arena, "%s.values[%zu].value", base, i);
        if (!s) {
            verr(v, ik, MSG_BAD_TYPE, NULL);
        } else if (!json_object_get(opts, s)) {
            verr(v, ik, MSG_BAD_OPTION, s);
        } else if (!has_string(out, s)) {
            json_array_append_new(out, json_string(s));
        }
    }
    return out;
}

static json_t *
conv_date(struct vin *v, enum ftype t, const json_t *x, const char *base)
{
    const char *key = kcat(v, base, ".value");
    char buf[32];
    int y, m, d, h, mi;
    int64_t secs;
    if (!x || json_is_null(x))
        return json_null();
    const char *s = json_string_value(x);
    if (!s) {
        verr(v, key, MSG_BAD_TYPE, NULL);
        return json_null();
    }
    if (!*s)
        return json_null();
    if (t == FT_DATE) {
        if (clock_parse_date(s, &y, &m, &d))
            return json_string(s);
        verr(v, key, MSG_BAD_DATE, NULL);
    } else if (t == FT_TIME) {
        if (clock_parse_time(s, &h, &mi)) {
            snprintf(buf, sizeof(buf), "%02d:%02d", h, mi);
            return json_string(buf);
        }
        verr(v, key, MSG_BAD_TIME, NULL);
    } else {
        if (clock_parse_datetime(s, &secs)) {
            clock_format_utc_min(secs, buf);
            return json_string(buf);
        }
        /* without an offset kintone reads the time in the user's zone */
        char *z = arena_printf(v->c->arena, "%s%c%02d:%02d", s, v->c->tz_offset < 0 ? '-' : '+',
                               abs(v->c->tz_offset) / 60, abs(v->c->tz_offset) % 60);
        if (strlen(s) >= 16 && !strpbrk(s + 10, "Z+") && strchr(s + 10, '-') == NULL &&
            clock_parse_datetime(z, &secs)) {
            clock_format_utc_min(secs, buf);
            return json_string(buf);
        }
        verr(v, key, MSG_BAD_DATETIME, NULL);
    }
    return json_null();
}

static const char *
entity_kind(enum ftype t)
{
    return t == FT_USER_SELECT ? "USER" : t == FT_ORGANIZATION_SELECT ? "ORGANIZATION" : "GROUP";
}

static json_t *
conv_entities(struct vin *v, enum ftype t, const json_t *x, const char *base)
{
    json_t *out = json_array();
    size_t i;
    json_t *it;
    if (!x || json_is_null(x))
        return out;
    if (!json_is_array(x)) {
        verr(v, kcat(v, base, ".value"), MSG_BAD_TYPE, NULL);
        return out;
    }
    json_array_foreach(x, i, it)
    {
        const char *code = json_is_string(it) ? json_string_value(it)
                                              : json_string_value(json_object_get(it, "code"));
        const char *ik = arena_printf(v->c->arena, "%s.values[%zu].value", base, i);
        if (!code || !*code) {
            verr(v, ik, MSG_BAD_TYPE, NULL);
        } else if (v->h && v->h->entity_exists &&
                   !v->h->entity_exists(v->h->arg, entity_kind(t), code)) {
            verr(v, ik, MSG_BAD_ENTITY, code);
        } else if (!has_string(out, code)) {
            json_array_append_new(out, json_string(code));
        }
    }
    return out;
}

static const json_t *
find_file(const json_t *files, const char *key)
{
    size_t k;
    json_t *f;
    json_array_foreach(files, k, f)
    {
        const char *fk = json_string_value(json_object_get(f, "fileKey"));
        if (fk && strcmp(fk, key) == 0)
            return f;
    }
    return NULL;
}

static json_t *
conv_files(struct vin *v, const json_t *x, const char *base, const json_t *cur)
{
    json_t *out = json_array();
    size_t i;
    json_t *it;
    if (!x || json_is_null(x))
        return out;
    if (!json_is_array(x)) {
        verr(v, kcat(v, base, ".value"), MSG_BAD_TYPE, NULL);
        return out;
    }
    json_t *sent = json_object(); /* keys already handled: an upload is attached once */
    json_array_foreach(x, i, it)
    {
        const char *fk = json_is_string(it) ? json_string_value(it)
                                            : json_string_value(json_object_get(it, "fileKey"));
        const char *ik = arena_printf(v->c->arena, "%s.value[%zu].fileKey", base, i);
        const json_t *kept;
        json_t *obj = NULL;
        if (!fk || !*fk) {
            verr(v, ik, MSG_BAD_TYPE, NULL);
            continue;
        }
        if (json_object_get(sent, fk))
            continue;
        json_object_set_new(sent, fk, json_true());
        if ((kept = find_file(cur, fk))) {
            json_array_append(out, (json_t *)kept);
            continue;
        }
        enum err e =
            v->h && v->h->resolve_file ? v->h->resolve_file(v->h->arg, fk, &obj) : ERR_INVALID;
        if (e == ERR_OK && json_is_object(obj)) {
            json_array_append_new(out, obj);
        } else if (e == ERR_OK || e == ERR_INVALID) {
            json_decref(obj);
            verr(v, ik, MSG_BAD_FILE, fk);
        } else {
            /* ERR_FILE_NOT_FOUND: kintone answers an unknown key with GAIA_BL01 */
            json_decref(obj);
            if (v->fatal == ERR_OK) {
                v->fatal = e;
                v->fatal_arg = arena_strdup(v->c->arena, fk);
            }
        }
    }
    json_decref(sent);
    return out;
}

/* One sent value → stored value (never NULL). cur: current stored value (FILE keeps). */
static json_t *
convert(struct vin *v, const json_t *def, enum ftype t, const json_t *x, const char *base,
        const json_t *cur, bool in_table, const char *code)
{
    switch (t) {
    case FT_SINGLE_LINE_TEXT:
    case FT_MULTI_LINE_TEXT:
    case FT_RICH_TEXT:
    case FT_LINK:
        return conv_text(v, def, t, x, base);
    case FT_NUMBER:
        return conv_number(v, def, x, base, in_table, code);
    case FT_RADIO_BUTTON:
    case FT_DROP_DOWN:
        return conv_choice(v, def, x, base);
    case FT_CHECK_BOX:
    case FT_MULTI_SELECT:
        return conv_multi(v, def, x, base);
    case FT_DATE:
    case FT_TIME:
    case FT_DATETIME:
        return conv_date(v, t, x, base);
    case FT_USER_SELECT:
    case FT_ORGANIZATION_SELECT:
    case FT_GROUP_SELECT:
        return conv_entities(v, t, x, base);
    case FT_FILE:
        return conv_files(v, x, base, cur);
    default:
        return json_null();
    }
}

/* ---- defaults ------------------------------------------------------------------------------ */

static json_t *
default_entities(struct vin *v, enum ftype t, const json_t *def)
{
    json_t *out = json_array();
    size_t k;
    json_t *e;
    json_array_foreach(json_object_get(def, "defaultValue"), k, e)
    {
        const char *type = field_str(e, "type"), *code = field_str(e, "code");
        const char *val = NULL;
        if (strcmp(type, "FUNCTION") == 0 && strcmp(code, "LOGINUSER()") == 0)
            val = v->c->who.login;
        else if (strcmp(type, entity_kind(t)) == 0)
            val = code;
        if (val && *val && !has_string(out, val))
            json_array_append_new(out, json_string(val));
    }
    return out;
}

static json_t *
default_value(struct vin *v, const json_t *def, enum ftype t)
{
    const json_t *dv = json_object_get(def, "defaultValue");
    const char *s = json_string_value(dv);
    char buf[32];
    int64_t local = v->c->now + (int64_t)v->c->tz_offset * 60;
    int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    double d;
    switch (t) {
    case FT_SINGLE_LINE_TEXT:
    case FT_MULTI_LINE_TEXT:
    case FT_RICH_TEXT:
    case FT_LINK:
        return json_string(s ? s : "");
    case FT_NUMBER:
        return s && calc_parse_number(s, &d) ? calc_number_json(d) : json_null();
    case FT_RADIO_BUTTON:
    case FT_DROP_DOWN:
        return s && *s ? json_string(s) : json_null();
    case FT_CHECK_BOX:
    case FT_MULTI_SELECT: {
        json_t *out = json_array();
        size_t k;
        json_t *it;
        json_array_foreach(dv, k, it)
        {
            if (json_is_string(it) &&
                json_object_get(json_object_get(def, "options"), json_string_value(it)))
                json_array_append(out, it);
        }
        return out;
    }
    case FT_DATE:
        if (field_bool(def, "defaultNowValue")) {
            clock_format_date(days, buf);
            return json_string(buf);
        }
        return s && *s ? json_string(s) : json_null();
    case FT_TIME:
        if (field_bool(def, "defaultNowValue")) {
            int64_t rem = local - days * 86400;
            snprintf(buf, sizeof(buf), "%02d:%02d", (int)(rem / 3600), (int)(rem / 60 % 60));
            return json_string(buf);
        }
        return s && *s ? json_string(s) : json_null();
    case FT_DATETIME: {
        int64_t secs;
        if (field_bool(def, "defaultNowValue")) {
            clock_format_utc_min(v->c->now, buf);
            return json_string(buf);
        }
        if (s && clock_parse_datetime(s, &secs)) {
            clock_format_utc_min(secs, buf);
            return json_string(buf);
        }
        return json_null();
    }
    case FT_USER_SELECT:
    case FT_ORGANIZATION_SELECT:
    case FT_GROUP_SELECT:
        return default_entities(v, t, def);
    default:
        return empty_value(t);
    }
}

/* ---- required ------------------------------------------------------------------------------ */

static void
check_required(struct vin *v, const json_t *def, enum ftype t, const json_t *val, const char *base)
{
    /* kintone accepts "required" on CALC and RADIO_BUTTON without enforcing it */
    if (!field_bool(def, "required") || is_formula(def, t) || t == FT_RADIO_BUTTON ||
        !is_empty(val))
        return;
    const char *suffix = ".value";
    if (t == FT_CHECK_BOX || t == FT_MULTI_SELECT || t == FT_FILE)
        suffix = ".values";
    else if (t == FT_USER_SELECT || t == FT_ORGANIZATION_SELECT || t == FT_GROUP_SELECT)
        suffix = ".values.value";
    verr(v, kcat(v, base, suffix), MSG_REQUIRED, NULL);
}

/* ---- subtables ----------------------------------------------------------------------------- */

static int64_t
row_id_of(const json_t *id)
{
    if (json_is_integer(id))
        return json_integer_value(id);
    if (json_is_string(id)) {
        char *end;
        long long n = strtoll(json_string_value(id), &end, 10);
        if (end != json_string_value(id) && *end == '\0')
            return n;
    }
    return -1;
}

static const json_t *
find_row(const json_t *rows, int64_t id, json_t *used)
{
    size_t k;
    json_t *r;
    if (id < 0)
        return NULL;
    json_array_foreach(rows, k, r)
    {
        if (row_id_of(json_object_get(r, "id")) != id)
            continue;
        char key[32];
        snprintf(key, sizeof(key), "%lld", (long long)id);
        if (json_object_get(used, key))
            return NULL; /* the same id twice: the second one is a new row */
        json_object_set_new(used, key, json_true());
        return r;
    }
    return NULL;
}

static int64_t
new_row_id(struct vin *v)
{
    if (v->h && v->h->next_row_id)
        return v->h->next_row_id(v->h->arg);
    return ++v->next_row;
}

static json_t *
table_row(struct vin *v, const json_t *fields, const char *tcode, size_t i, const json_t *sent,
          const json_t *match)
{
    const json_t *in = json_object_get(sent, "value");
    const json_t *cur = json_object_get(match, "value");
    json_t *row = json_object();
    const char *code;
    json_t *def;
    const char *rbase = arena_printf(v->c->arena, "%s.%s.value[%zu].value", v->prefix, tcode, i);
    if (in && !json_is_object(in)) {
        verr(v, kcat(v, rbase, ""), MSG_BAD_TYPE, NULL);
        in = NULL;
    }
    json_object_foreach((json_t *)in, code, def)
    {
        if (!json_object_get(fields, code))
            verr(v, arena_printf(v->c->arena, "%s.%s", rbase, code), MSG_UNKNOWN_FIELD, code);
    }
    json_object_foreach((json_t *)fields, code, def)
    {
        enum ftype t = field_def_type(def);
        const json_t *w = json_object_get(in, code);
        const json_t *c = json_object_get(cur, code);
        const char *base = arena_printf(v->c->arena, "%s.%s", rbase, code);
        json_t *val;
        if (w && !json_is_object(w)) {
            verr(v, kcat(v, base, ".value"), MSG_BAD_TYPE, NULL);
            w = NULL;
        }
        if (is_formula(def, t))
            val = json_null();
        else if (w)
            val = convert(v, def, t, json_object_get(w, "value"), base, c, true, code);
        else if (match)
            val = c ? json_deep_copy(c) : empty_value(t);
        else
            val = default_value(v, def, t);
        json_object_set_new(row, code, val);
    }
    return row;
}

static json_t *
apply_table(struct vin *v, const json_t *def, const char *tcode, const json_t *w, const json_t *cur)
{
    const json_t *fields = json_object_get(def, "fields");
    const json_t *rows = json_object_get(w, "value");
    json_t *out = json_array(), *used = json_object();
    size_t i;
    json_t *r;
    json_array_foreach(cur, i, r)
    {
        int64_t id = row_id_of(json_object_get(r, "id"));
        if (id > v->next_row)
            v->next_row = id;
    }
    if (rows && !json_is_array(rows) && !json_is_null(rows))
        verr(v, arena_printf(v->c->arena, "%s.%s.value", v->prefix, tcode), MSG_BAD_TYPE, NULL);
    json_array_foreach(rows, i, r)
    {
        if (!json_is_object(r)) {
            verr(v, arena_printf(v->c->arena, "%s.%s.value[%zu]", v->prefix, tcode, i),
                 MSG_BAD_TYPE, NULL);
            continue;
        }
        const json_t *match = v->mode == VALUE_UPDATE
                                  ? find_row(cur, row_id_of(json_object_get(r, "id")), used)
                                  : NULL;
        json_t *row = table_row(v, fields, tcode, i, r, match);
        int64_t id = match ? row_id_of(json_object_get(match, "id")) : new_row_id(v);
        json_array_append_new(out, json_pack("{s:I,s:o}", "id", (json_int_t)id, "value", row));
    }
    json_decref(used);
    return out;
}

static void
check_table_required(struct vin *v, const json_t *def, const char *tcode, const json_t *rows)
{
    const json_t *fields = json_object_get(def, "fields");
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        const json_t *vals = json_object_get(r, "value");
        const char *code;
        json_t *idef;
        json_object_foreach((json_t *)fields, code, idef)
        {
            check_required(
                v, idef, field_def_type(idef), json_object_get(vals, code),
                arena_printf(v->c->arena, "%s.%s.value[%zu].value.%s", v->prefix, tcode, i, code));
        }
    }
}

/* ---- system fields ------------------------------------------------------------------------- */

static void
sys_input(struct vin *v, enum ftype t, const char *code, const json_t *x, struct value_sys *sys)
{
    const char *key = arena_printf(v->c->arena, "%s.%s.value", v->prefix, code);
    if (t == FT_CREATOR || t == FT_MODIFIER) {
        const char *login = json_string_value(json_object_get(x, "code"));
        if (!login || !*login) {
            verr(v, key, MSG_BAD_TYPE, NULL);
            return;
        }
        if (v->h && v->h->entity_exists && !v->h->entity_exists(v->h->arg, "USER", login)) {
            verr(v, key, MSG_BAD_ENTITY, login);
            return;
        }
        login = arena_strdup(v->c->arena, login);
        if (t == FT_CREATOR) {
            sys->creator = login;
            sys->has_creator = true;
        } else {
            sys->modifier = login;
            sys->has_modifier = true;
        }
        return;
    }
    int64_t secs;
    const char *s = json_string_value(x);
    if (!s || !clock_parse_datetime(s, &secs)) {
        verr(v, key, MSG_BAD_DATETIME, NULL);
        return;
    }
    secs -= ((secs % 60) + 60) % 60;
    if (t == FT_CREATED_TIME) {
        sys->created_at = secs;
        sys->has_created_at = true;
    } else {
        sys->updated_at = secs;
        sys->has_updated_at = true;
    }
}

/* ---- formulas ------------------------------------------------------------------------------ */

struct fnode {
    const char *code, *table;
    const json_t *def;
    struct calc_expr *e;
    int state;
};

struct forder {
    struct fnode *n;
    size_t count, cap;
    struct fnode **order;
    size_t done;
};

static struct fnode *
fnode_find(struct forder *o, const char *code)
{
    for (size_t k = 0; k < o->count; k++) {
        if (strcmp(o->n[k].code, code) == 0)
            return &o->n[k];
    }
    return NULL;
}

static void fvisit(struct forder *o, struct fnode *n);

static void
fvisit_ref(void *arg, const char *code, bool in_sum)
{
    struct forder *o = arg;
    (void)in_sum;
    struct fnode *to = fnode_find(o, code);
    if (to && to->state == 0)
        fvisit(o, to);
}

/* Post-order DFS: a formula comes after the formulas it reads (cycles were refused when the
 * fields were saved; here the node on the stack is simply not revisited). */
static void
fvisit(struct forder *o, struct fnode *n)
{
    n->state = 1;
    calc_refs(n->e, fvisit_ref, o);
    n->state = 2;
    o->order[o->done++] = n;
}

static void
fnode_add(struct vin *v, struct forder *o, const char *code, const char *table, const json_t *def)
{
    struct calc_expr *e;
    const char *msg;
    if (!is_formula(def, field_def_type(def)))
        return;
    if (calc_parse(v->c->arena, field_str(def, "expression"), &e, &msg) != ERR_OK)
        e = NULL;
    if (o->count == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 8;
        struct fnode *nn = arena_alloc(v->c->arena, cap * sizeof(*nn));
        if (o->count)
            memcpy(nn, o->n, o->count * sizeof(*nn));
        o->n = nn;
        o->cap = cap;
    }
    o->n[o->count++] = (struct fnode){ .code = code, .table = table, .def = def, .e = e };
}

static void
compute_formulas(struct vin *v, json_t *data, const struct calc_env *base_env)
{
    struct forder o = { 0 };
    const char *code, *in;
    json_t *def, *idef;
    json_object_foreach((json_t *)v->props, code, def)
    {
        fnode_add(v, &o, code, NULL, def);
        if (field_def_type(def) == FT_SUBTABLE) {
            json_object_foreach(json_object_get(def, "fields"), in, idef)
            {
                fnode_add(v, &o, in, code, idef);
            }
        }
    }
    if (!o.count)
        return;
    o.order = arena_alloc(v->c->arena, o.count * sizeof(*o.order));
    for (size_t k = 0; k < o.count; k++) {
        if (o.n[k].state == 0)
            fvisit(&o, &o.n[k]);
    }
    for (size_t k = 0; k < o.done; k++) {
        struct fnode *n = o.order[k];
        const char *fmt = field_def_type(n->def) == FT_CALC ? field_str(n->def, "format") : NULL;
        struct calc_env env = *base_env;
        env.data = data;
        if (!n->table) {
            json_object_set_new(data, n->code,
                                n->e ? calc_eval_env(n->e, &env, fmt)
                                     : (fmt ? json_null() : json_string("")));
            continue;
        }
        env.table = json_object_get(json_object_get(v->props, n->table), "fields");
        size_t i;
        json_t *r;
        json_array_foreach(json_object_get(data, n->table), i, r)
        {
            json_t *vals = json_object_get(r, "value");
            env.row = vals;
            json_object_set_new(vals, n->code,
                                n->e ? calc_eval_env(n->e, &env, fmt)
                                     : (fmt ? json_null() : json_string("")));
        }
    }
}

/* ---- entry point ------------------------------------------------------------------------- */

static void
scan_input(struct vin *v, const json_t *in, struct value_sys *sys)
{
    const char *code;
    json_t *w;
    json_object_foreach((json_t *)in, code, w)
    {
        const json_t *def = json_object_get(v->props, code);
        if (!def) {
            if (strcmp(code, "$id") != 0 && strcmp(code, "$revision") != 0)
                verr(v, arena_printf(v->c->arena, "%s.%s", v->prefix, code), MSG_UNKNOWN_FIELD,
                     code);
            continue;
        }
        enum ftype t = field_def_type(def);
        bool sysval =
            t == FT_CREATOR || t == FT_MODIFIER || t == FT_CREATED_TIME || t == FT_UPDATED_TIME;
        if (!json_is_object(w) && field_type_has_value(t) && !field_type_is_system(t)) {
            verr(v, arena_printf(v->c->arena, "%s.%s.value", v->prefix, code), MSG_BAD_TYPE, NULL);
            continue;
        }
        if (sysval && sys && v->mode == VALUE_CREATE && json_is_object(w))
            sys_input(v, t, code, json_object_get(w, "value"), sys);
    }
}

static json_t *
field_data(struct vin *v, const char *code, const json_t *def, enum ftype t, const json_t *in,
           const json_t *current)
{
    const json_t *w = json_object_get(in, code);
    const json_t *cur = json_object_get(current, code);
    const char *base = arena_printf(v->c->arena, "%s.%s", v->prefix, code);
    if (w && !json_is_object(w))
        w = NULL; /* reported by scan_input */
    if (is_formula(def, t))
        return json_null();
    if (t == FT_SUBTABLE) {
        if (w)
            return apply_table(v, def, code, w, cur);
        return v->mode == VALUE_UPDATE && cur ? json_deep_copy(cur) : json_array();
    }
    if (w)
        return convert(v, def, t, json_object_get(w, "value"), base, cur, false, code);
    if (v->mode == VALUE_CREATE)
        return default_value(v, def, t);
    return cur ? json_incref((json_t *)cur) : empty_value(t);
}

enum err
value_apply(struct ctx *c, const json_t *props, const json_t *in, const json_t *current,
            enum value_mode mode, const char *prefix, const struct value_hooks *h, json_t **out,
            struct value_sys *sys)
{
    struct vin v = {
        .c = c, .props = props, .h = h, .mode = mode, .prefix = prefix ? prefix : "record"
    };
    const char *code;
    json_t *def;
    *out = NULL;
    if (mode == VALUE_CREATE && sys)
        memset(sys, 0, sizeof(*sys));
    if (in && !json_is_object(in)) {
        verr(&v, v.prefix, MSG_BAD_TYPE, NULL);
        return ERR_INVALID;
    }
    scan_input(&v, in, sys);
    json_t *data = json_object();
    json_object_foreach((json_t *)props, code, def)
    {
        enum ftype t = field_def_type(def);
        if (!field_type_has_value(t) || field_type_is_system(t))
            continue;
        json_t *val = field_data(&v, code, def, t, in, mode == VALUE_UPDATE ? current : NULL);
        if (t == FT_SUBTABLE)
            check_table_required(&v, def, code, val);
        else
            check_required(&v, def, t, val, arena_printf(c->arena, "%s.%s", v.prefix, code));
        json_object_set_new(data, code, val);
    }
    if (v.fatal != ERR_OK || v.nerr) {
        json_decref(data);
        if (v.fatal == ERR_OK)
            return ERR_INVALID;
        /* keeps a message the hook set; fills one for a bare code */
        return fail_set(c->fail, v.fatal, v.fatal == ERR_FILE_NOT_FOUND ? v.fatal_arg : NULL);
    }
    struct calc_env env = {
        .props = props, .tz_offset = c->tz_offset, .has_created_at = true, .has_updated_at = true
    };
    env.created_at = env.updated_at = c->now;
    env.creator = env.modifier = c->who.login;
    if (mode == VALUE_CREATE && sys) {
        if (sys->has_created_at)
            env.created_at = sys->created_at;
        if (sys->has_updated_at)
            env.updated_at = sys->updated_at;
        if (sys->has_creator)
            env.creator = sys->creator;
        if (sys->has_modifier)
            env.modifier = sys->modifier;
    } else if (mode == VALUE_UPDATE) {
        env.creator = sys && sys->has_creator ? sys->creator : NULL;
        env.has_created_at = sys && sys->has_created_at;
        if (env.has_created_at)
            env.created_at = sys->created_at;
    }
    compute_formulas(&v, data, &env);
    *out = data;
    return ERR_OK;
}
