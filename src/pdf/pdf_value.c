/* pdf_value: record values as the text drawn on documents — joined choices, names of users
 * and files, dates in 和暦 or patterns, numbers with separators, decimals, units or kanji,
 * padding, prefixes and suffixes — and the record as answers for conditions. */
#include "core/arena.h"
#include "core/clock.h"
#include "core/strbuf.h"
#include "core/wareki.h"
#include "domain/calc.h"
#include "domain/value.h"
#include "pdf/pdf_int.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Plain text of a stored value: strings as is, numbers canonical, lists joined with 、,
 * entities and files by name. */
static const char *
plain(struct arena *a, const json_t *v)
{
    char buf[CALC_NUMBUF];
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_number(v))
        return arena_strdup(a, value_scalar_text(v, buf, sizeof(buf)));
    if (!json_is_array(v))
        return "";
    struct strbuf sb;
    strbuf_init(&sb, a, 0);
    size_t i;
    json_t *it;
    json_array_foreach(v, i, it)
    {
        const char *s = NULL;
        if (json_is_string(it))
            s = json_string_value(it);
        else if (json_is_object(it)) {
            s = json_string_value(json_object_get(it, "name"));
            if (!s || !*s)
                s = json_string_value(json_object_get(it, "code"));
        }
        if (!s || !*s)
            continue;
        if (sb.len)
            strbuf_adds(&sb, "、");
        strbuf_adds(&sb, s);
    }
    return sb.buf;
}

bool
pdf_date_pattern_valid(const char *p)
{
    if (!p || !*p || strlen(p) > 64)
        return false;
    if (!strcmp(p, "wareki") || !strcmp(p, "wareki-kanji"))
        return true;
    bool any = false;
    while (*p) {
        if (!strncmp(p, "yyyy", 4)) {
            p += 4;
            any = true;
        } else if (*p == 'm' || *p == 'd') {
            p += p[1] == p[0] ? 2 : 1;
            any = true;
        } else if (isalpha((unsigned char)*p)) {
            return false;
        } else {
            p++;
        }
    }
    return any;
}

/* The civil date of a DATE ("2026-04-01") or of a DATETIME (UTC, shown in the caller's
 * zone: tz minutes east of UTC). */
static bool
civil_date(const char *s, int tz, int *y, int *m, int *d)
{
    int64_t secs;
    if (strlen(s) > 10 && clock_parse_datetime(s, &secs)) {
        int64_t t = secs + (int64_t)tz * 60;
        int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
        clock_civil_from_days(days, y, m, d);
        return true;
    }
    char day[11];
    if (strlen(s) < 10)
        return false;
    memcpy(day, s, 10);
    day[10] = '\0';
    return clock_parse_date(day, y, m, d);
}

static const char *
date_text(struct arena *a, const char *s, const char *pat, int tz)
{
    int y, m, d;
    char buf[128];
    if (!civil_date(s, tz, &y, &m, &d))
        return s;
    if (!strcmp(pat, "wareki") || !strcmp(pat, "wareki-kanji")) {
        if (!wareki_format(y, m, d, pat[6] == '-', buf, sizeof(buf)))
            return s;
        return arena_strdup(a, buf);
    }
    struct strbuf sb;
    strbuf_init(&sb, a, 0);
    for (const char *p = pat; *p;) {
        if (!strncmp(p, "yyyy", 4)) {
            strbuf_addf(&sb, "%04d", y);
            p += 4;
        } else if (*p == 'm' || *p == 'd') {
            int v = *p == 'm' ? m : d;
            bool two = p[1] == p[0];
            strbuf_addf(&sb, two ? "%02d" : "%d", v);
            p += two ? 2 : 1;
        } else {
            strbuf_addc(&sb, *p++);
        }
    }
    return sb.buf;
}

/* "1234567.5" → "1,234,567.5" */
static const char *
group(struct arena *a, const char *s)
{
    struct strbuf sb;
    strbuf_init(&sb, a, 0);
    if (*s == '-')
        strbuf_addc(&sb, *s++);
    size_t digits = strspn(s, "0123456789");
    for (size_t i = 0; i < digits; i++) {
        if (i && (digits - i) % 3 == 0)
            strbuf_addc(&sb, ',');
        strbuf_addc(&sb, s[i]);
    }
    strbuf_adds(&sb, s + digits);
    return sb.buf;
}

static bool
parse_number(const char *s, double *out)
{
    char *end;
    if (!s || !*s)
        return false;
    errno = 0;
    *out = strtod(s, &end);
    return !*end && errno == 0 && isfinite(*out);
}

static const char *
number_text(struct arena *a, const char *s, const json_t *nf)
{
    double v;
    if (!parse_number(s, &v))
        return s;
    const json_t *dec = json_object_get(nf, "decimals");
    const char *out = s;
    char buf[512];
    if (json_is_true(json_object_get(nf, "kanji"))) {
        if (fabs(v) >= 1e16 || !wareki_kanji_number((long long)llround(v), buf, sizeof(buf)))
            return s;
        out = arena_strdup(a, buf);
    } else {
        if (json_is_integer(dec)) {
            snprintf(buf, sizeof(buf), "%.*f", (int)json_integer_value(dec), v);
            out = arena_strdup(a, buf);
        }
        if (json_is_true(json_object_get(nf, "separator")))
            out = group(a, out);
    }
    const char *unit = json_string_value(json_object_get(nf, "unit"));
    return unit ? arena_printf(a, "%s%s", out, unit) : out;
}

const char *
pdf_format(struct pdf_doc *d, const json_t *v, const json_t *format)
{
    struct arena *a = d->c->arena;
    const char *s = plain(a, v);
    if (!json_is_object(format) || !*s)
        return s;
    const char *date = json_string_value(json_object_get(format, "date"));
    if (date)
        s = date_text(a, s, date, d->c->tz_offset);
    const json_t *nf = json_object_get(format, "number");
    if (json_is_object(nf))
        s = number_text(a, s, nf);
    const json_t *pad = json_object_get(format, "pad");
    if (json_is_integer(pad) && *s && strspn(s, "0123456789") == strlen(s)) {
        int w = (int)json_integer_value(pad);
        if ((size_t)w > strlen(s))
            s = arena_printf(a, "%0*d%s", w - (int)strlen(s), 0, s);
    }
    const char *pre = json_string_value(json_object_get(format, "prefix"));
    const char *suf = json_string_value(json_object_get(format, "suffix"));
    if (pre || suf)
        s = arena_printf(a, "%s%s%s", pre ? pre : "", s, suf ? suf : "");
    return s;
}

const char *
pdf_value(struct pdf_doc *d, const json_t *data, const char *code, const json_t *format)
{
    struct arena *a = d->c->arena;
    const struct pdf_record *r = d->rec;
    json_t *tmp = NULL;
    const json_t *v;
    char buf[16];
    if (!strcmp(code, "$id")) {
        v = tmp = r ? json_integer(r->id) : json_string("");
    } else if (!strcmp(code, "$today")) {
        clock_format_date(d->job->today, buf);
        v = tmp = json_string(buf);
    } else if (!strcmp(code, "$receiptNo")) {
        v = tmp = json_string(r && r->receipt_no ? r->receipt_no : "");
    } else if (!strcmp(code, "$docCode")) {
        v = tmp = json_string(r && r->verify_code ? r->verify_code : "");
    } else {
        v = json_object_get(data, code);
        if (!v && r && data == r->data) {
            /* record number fields are not in the stored data: they are the id */
            const json_t *def = json_object_get(d->job->props, code);
            if (!strcmp(json_string_value(json_object_get(def, "type")) ?: "", "RECORD_NUMBER"))
                v = tmp = json_integer(r->id);
        }
    }
    const char *s = pdf_format(d, v, format);
    if (tmp) {
        s = arena_strdup(a, s);
        json_decref(tmp);
    }
    return s;
}

const char *
pdf_fill(struct pdf_doc *d, const json_t *data, const char *tmpl, const json_t *format)
{
    struct arena *a = d->c->arena;
    struct strbuf sb;
    strbuf_init(&sb, a, 0);
    for (const char *p = tmpl; *p;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        if (!close) {
            strbuf_addc(&sb, *p++);
            continue;
        }
        char *in = arena_strndup(a, p + 1, (size_t)(close - p - 1));
        char *colon = strchr(in, ':');
        const json_t *fmt = format;
        json_t *own = NULL;
        if (colon) {
            *colon = '\0';
            fmt = own = json_pack("{s:s}", "date", colon + 1);
        }
        if (!strcmp(in, "帳票名"))
            strbuf_adds(&sb, json_string_value(json_object_get(d->def, "name")) ?: "");
        else
            strbuf_adds(&sb, pdf_value(d, data, in, fmt));
        json_decref(own);
        p = close + 1;
    }
    return sb.buf;
}

bool
pdf_format_valid(const json_t *f, const char **why)
{
    const char *k;
    json_t *v;
    if (!json_is_object(f)) {
        *why = "format";
        return false;
    }
    json_object_foreach((json_t *)f, k, v)
    {
        if (!strcmp(k, "date")) {
            if (!pdf_date_pattern_valid(json_string_value(v))) {
                *why = "date";
                return false;
            }
        } else if (!strcmp(k, "number")) {
            const char *nk;
            json_t *nv;
            if (!json_is_object(v)) {
                *why = "number";
                return false;
            }
            json_object_foreach(v, nk, nv)
            {
                bool ok = (!strcmp(nk, "separator") || !strcmp(nk, "kanji")) ? json_is_boolean(nv)
                          : !strcmp(nk, "decimals") ? json_is_integer(nv) &&
                                                          json_integer_value(nv) >= 0 &&
                                                          json_integer_value(nv) <= 10
                          : !strcmp(nk, "unit") ? json_is_string(nv) && strlen(json_string_value(nv)) <= 32
                                                : false;
                if (!ok) {
                    *why = "number";
                    return false;
                }
            }
        } else if (!strcmp(k, "pad")) {
            if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 20) {
                *why = "pad";
                return false;
            }
        } else if (!strcmp(k, "prefix") || !strcmp(k, "suffix")) {
            if (!json_is_string(v) || strlen(json_string_value(v)) > 100) {
                *why = k[0] == 'p' ? "prefix" : "suffix";
                return false;
            }
        } else {
            *why = "format";
            return false;
        }
    }
    return true;
}

json_t *
pdf_answers(const struct pdf_record *r)
{
    json_t *out = json_object();
    const char *k;
    json_t *v;
    char buf[CALC_NUMBUF];
    if (!r)
        return out;
    json_object_foreach((json_t *)r->data, k, v)
    {
        if (json_is_string(v)) {
            json_object_set(out, k, v);
        } else if (json_is_number(v)) {
            json_object_set_new(out, k, json_string(value_scalar_text(v, buf, sizeof(buf))));
        } else if (json_is_array(v)) {
            json_t *arr = json_array();
            size_t i;
            json_t *it;
            json_array_foreach(v, i, it)
            {
                const char *s = json_string_value(it);
                if (!s && json_is_object(it) && !json_object_get(it, "value"))
                    s = json_string_value(json_object_get(it, "code"));
                if (s)
                    json_array_append_new(arr, json_string(s));
            }
            json_object_set_new(out, k, arr);
        }
    }
    snprintf(buf, sizeof(buf), "%lld", (long long)r->id);
    json_object_set_new(out, "$id", json_string(buf));
    return out;
}
