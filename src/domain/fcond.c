/* Conditions of the form language, and the scalar parsing (numbers, dates) that conditions
 * and validators share. Semantics are mirrored line by line in web/js/fcond.js. */
#include "fcond.h"

#include "core/text.h"
#include "fcond_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uninorm.h>

bool
fcond_nfkc_trim(const char *s, char *buf, size_t cap)
{
    size_t n = strlen(s);
    bool ascii = true;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80) {
            ascii = false;
            break;
        }
    if (ascii) {
        if (n >= cap)
            return false;
        memcpy(buf, s, n + 1);
    } else {
        size_t len = cap - 1;
        uint8_t *r = u8_normalize(UNINORM_NFKC, (const uint8_t *)s, n, (uint8_t *)buf, &len);
        if (!r)
            return false;
        if (r != (uint8_t *)buf) { /* did not fit: libunistring allocated */
            free(r);
            return false;
        }
        buf[len] = 0;
        n = len;
    }
    size_t a = 0;
    while (a < n && strchr(" \t\n\r", buf[a]))
        a++;
    while (n > a && strchr(" \t\n\r", buf[n - 1]))
        n--;
    memmove(buf, buf + a, n - a);
    buf[n - a] = 0;
    return true;
}

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool
fcond_parse_number(const char *s, double *out)
{
    char buf[128];
    if (!fcond_nfkc_trim(s, buf, sizeof buf))
        return false;
    const char *p = buf;
    if (*p == '+' || *p == '-')
        p++;
    size_t ip = 0, fp = 0;
    while (is_digit(p[ip]))
        ip++;
    if (p[ip] == '.') {
        while (is_digit(p[ip + 1 + fp]))
            fp++;
        if (fp == 0 || p[ip + 1 + fp])
            return false;
    } else if (p[ip] || ip == 0)
        return false;
    *out = strtod(buf, NULL);
    return true;
}

static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void
fcond_format_date(int64_t z, char out[16])
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    snprintf(out, 16, "%04lld-%02u-%02u", (long long)y, m, d);
}

bool
fcond_parse_date(const char *s, bool rel, int64_t today, int64_t *out)
{
    char b[64];
    if (!fcond_nfkc_trim(s, b, sizeof b))
        return false;
    if (rel && strncmp(b, "today", 5) == 0) {
        const char *p = b + 5;
        if (!*p) {
            *out = today;
            return true;
        }
        if (*p != '+' && *p != '-')
            return false;
        size_t nd = 0;
        while (is_digit(p[1 + nd]))
            nd++;
        if (nd == 0 || nd > 5 || p[1 + nd])
            return false;
        long v = strtol(p + 1, NULL, 10);
        *out = *p == '+' ? today + v : today - v;
        return true;
    }
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? b[i] != '-' : !is_digit(b[i]))
            return false;
    if (b[10])
        return false;
    int y = atoi(b), m = atoi(b + 5), d = atoi(b + 8);
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return false;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] + (m == 2 && leap))
        return false;
    *out = days_from_civil(y, (unsigned)m, (unsigned)d);
    return true;
}

/* ---- conditions ---- */

enum op { OP_EQ, OP_NE, OP_IN, OP_NIN, OP_EMPTY, OP_NOTEMPTY, OP_LT, OP_LE, OP_GT, OP_GE, OP_BAD };
static const char *const op_names[] = {"eq",    "ne",       "in", "nin", "empty",
                                       "notempty", "lt", "le",  "gt",    "ge"};

static enum op
op_of(const json_t *o)
{
    const char *s = json_string_value(o);
    if (s)
        for (int i = 0; i < OP_BAD; i++)
            if (strcmp(s, op_names[i]) == 0)
                return (enum op)i;
    return OP_BAD;
}

static bool
cmp_value_ok(const json_t *v)
{
    double d;
    int64_t t;
    if (json_is_number(v))
        return true;
    const char *s = json_string_value(v);
    return s && (fcond_parse_date(s, true, 0, &t) || fcond_parse_number(s, &d));
}

static bool
valid_at(const json_t *c, int depth, const char **why)
{
    if (depth > FCOND_MAX_DEPTH)
        return *why = "nested deeper than 16", false;
    if (!json_is_object(c))
        return *why = "a condition is an object", false;
    static const char *const comb[] = {"all", "any", "not"};
    for (int i = 0; i < 3; i++) {
        const json_t *sub = json_object_get(c, comb[i]);
        if (!sub)
            continue;
        if (json_object_size(c) != 1)
            return *why = "all/any/not stand alone in their object", false;
        if (i == 2)
            return valid_at(sub, depth + 1, why);
        if (!json_is_array(sub))
            return *why = "all/any take an array", false;
        size_t k;
        const json_t *e;
        json_array_foreach(sub, k, e) if (!valid_at(e, depth + 1, why)) return false;
        return true;
    }
    const char *field = json_string_value(json_object_get(c, "field"));
    if (!field || !*field)
        return *why = "field is a non-empty string", false;
    enum op op = op_of(json_object_get(c, "op"));
    if (op == OP_BAD)
        return *why = "unknown op", false;
    const json_t *v = json_object_get(c, "value");
    if (json_object_size(c) != (v ? 3u : 2u))
        return *why = "a condition has only field, op and value", false;
    switch (op) {
    case OP_EQ:
    case OP_NE:
        if (!json_is_string(v) && !json_is_number(v))
            return *why = "eq/ne compare with a string or a number", false;
        return true;
    case OP_IN:
    case OP_NIN: {
        if (!json_is_array(v))
            return *why = "in/nin take an array", false;
        size_t k;
        const json_t *e;
        json_array_foreach(v, k, e) if (!json_is_string(e) && !json_is_number(e)) return *why =
            "in/nin lists strings or numbers", false;
        return true;
    }
    case OP_EMPTY:
    case OP_NOTEMPTY:
        if (v)
            return *why = "empty/notempty take no value", false;
        return true;
    default:
        if (!cmp_value_ok(v))
            return *why = "lt/le/gt/ge compare with a number or a date", false;
        return true;
    }
}

bool
fcond_valid(const json_t *cond, const char **why)
{
    const char *dummy;
    return valid_at(cond, 1, why ? why : &dummy);
}

/* One answer string against one scalar of a condition: strings compare exactly, numbers
 * numerically. */
static bool
eq_one(const char *a, const json_t *v)
{
    if (json_is_string(v))
        return strcmp(a, json_string_value(v)) == 0;
    double x;
    return fcond_parse_number(a, &x) && x == json_number_value(v);
}

static bool
in_one(const char *a, const json_t *list)
{
    size_t k;
    const json_t *e;
    json_array_foreach(list, k, e) if (eq_one(a, e)) return true;
    return false;
}

static bool
cmp_one(const char *a, enum op op, const json_t *v, const struct fcond_env *env)
{
    double x, y;
    int64_t dx, dy;
    int c;
    const char *vs = json_string_value(v);
    if (vs && fcond_parse_date(vs, true, env->today, &dy)) {
        if (!fcond_parse_date(a, false, 0, &dx))
            return false;
        c = dx < dy ? -1 : dx > dy;
    } else {
        if (vs ? !fcond_parse_number(vs, &y) : (y = json_number_value(v), false))
            return false;
        if (!fcond_parse_number(a, &x))
            return false;
        c = x < y ? -1 : x > y;
    }
    switch (op) {
    case OP_LT: return c < 0;
    case OP_LE: return c <= 0;
    case OP_GT: return c > 0;
    default: return c >= 0;
    }
}

/* Answers other than strings and arrays of strings count as missing; non-string elements
 * of an array are skipped. "Any element" is the rule for arrays throughout. */
static bool
leaf_any(const json_t *ans, enum op op, const json_t *v, const struct fcond_env *env)
{
    if (json_is_string(ans)) {
        const char *a = json_string_value(ans);
        return op == OP_EQ ? eq_one(a, v) : op == OP_IN ? in_one(a, v) : cmp_one(a, op, v, env);
    }
    if (json_is_array(ans)) {
        size_t k;
        const json_t *e;
        json_array_foreach(ans, k, e) if (json_is_string(e) && leaf_any(e, op, v, env)) return true;
    }
    return false;
}

static bool
is_empty(const json_t *ans)
{
    if (json_is_string(ans))
        return text_blank(json_string_value(ans));
    if (json_is_array(ans)) {
        size_t k;
        const json_t *e;
        json_array_foreach(ans, k, e) if (json_is_string(e) && !text_blank(json_string_value(e)))
            return false;
    }
    return true;
}

static bool
eval_at(const json_t *c, const json_t *answers, const struct fcond_env *env)
{
    const json_t *sub;
    size_t k;
    const json_t *e;
    if ((sub = json_object_get(c, "all"))) {
        json_array_foreach(sub, k, e) if (!eval_at(e, answers, env)) return false;
        return true;
    }
    if ((sub = json_object_get(c, "any"))) {
        json_array_foreach(sub, k, e) if (eval_at(e, answers, env)) return true;
        return false;
    }
    if ((sub = json_object_get(c, "not")))
        return !eval_at(sub, answers, env);
    const json_t *ans = json_object_get(answers, json_string_value(json_object_get(c, "field")));
    const json_t *v = json_object_get(c, "value");
    switch (op_of(json_object_get(c, "op"))) {
    case OP_EQ: return leaf_any(ans, OP_EQ, v, env);
    case OP_NE: return !leaf_any(ans, OP_EQ, v, env);
    case OP_IN: return leaf_any(ans, OP_IN, v, env);
    case OP_NIN: return !leaf_any(ans, OP_IN, v, env);
    case OP_EMPTY: return is_empty(ans);
    case OP_NOTEMPTY: return !is_empty(ans);
    case OP_BAD: return false;
    default: return leaf_any(ans, op_of(json_object_get(c, "op")), v, env);
    }
}

bool
fcond_eval(const json_t *cond, const json_t *answers, const struct fcond_env *env)
{
    static const struct fcond_env zero;
    if (!fcond_valid(cond, NULL))
        return false;
    return eval_at(cond, json_is_object(answers) ? answers : NULL, env ? env : &zero);
}
