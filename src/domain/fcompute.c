/* Computed answers of forms (a field's "compute"): sums, products, text joined from other
 * answers, and a choice by condition; the same results as computeValue in web/js/fcond.js
 * (shared vectors in tests/vectors/fcompute.json). Results are text, as answers are. */
#include "fcond.h"
#include "fcond_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COMPUTE_MAX_DEPTH 8
#define COMPUTE_MAX_LEN 4000

struct out {
    char buf[COMPUTE_MAX_LEN + 1];
    size_t len;
    bool overflow;
};

static void
put(struct out *o, const char *s, size_t n)
{
    if (o->len + n > COMPUTE_MAX_LEN) {
        o->overflow = true;
        return;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = '\0';
}

static bool is_expr(const json_t *e, int depth);

static bool
is_list(const json_t *a, int depth)
{
    if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > 50)
        return false;
    size_t i;
    const json_t *x;
    json_array_foreach(a, i, x)
    if (!is_expr(x, depth + 1))
        return false;
    return true;
}

static bool
is_expr(const json_t *e, int depth)
{
    if (depth > COMPUTE_MAX_DEPTH)
        return false;
    if (json_is_string(e) || json_is_integer(e) || json_is_real(e))
        return true;
    if (!json_is_object(e) || json_object_size(e) == 0)
        return false;
    const json_t *f = json_object_get(e, "field");
    if (f)
        return json_object_size(e) == 1 && json_is_string(f) && *json_string_value(f);
    const char *ops[] = { "sum", "product", "concat" };
    for (size_t i = 0; i < 3; i++) {
        const json_t *a = json_object_get(e, ops[i]);
        if (a)
            return json_object_size(e) == 1 && is_list(a, depth);
    }
    const json_t *c = json_object_get(e, "if");
    const char *why;
    if (c)
        return json_object_size(e) == 3 && fcond_valid(c, &why) &&
               is_expr(json_object_get(e, "then"), depth + 1) &&
               is_expr(json_object_get(e, "else"), depth + 1);
    return false;
}

bool
fcompute_valid(const json_t *expr)
{
    return is_expr(expr, 1);
}

/* A number in the shortest form both sides print alike: integers plainly, others with up to
 * 10 decimals and no trailing zeros. */
static void
put_number(struct out *o, double d)
{
    char buf[64];
    if (!isfinite(d)) {
        o->overflow = true;
        return;
    }
    if (d == floor(d) && fabs(d) < 9e15) {
        snprintf(buf, sizeof(buf), "%.0f", d);
    } else {
        snprintf(buf, sizeof(buf), "%.10f", d);
        char *end = buf + strlen(buf) - 1;
        while (end > buf && *end == '0')
            *end-- = '\0';
        if (*end == '.')
            *end = '\0';
    }
    if (strcmp(buf, "-0") == 0)
        strcpy(buf, "0");
    put(o, buf, strlen(buf));
}

static bool eval_into(const json_t *e, const json_t *answers, const struct fcond_env *env,
                      struct out *o, int depth);

/* The text of an expression (for sums: then parsed as a number). */
static bool
text_of(const json_t *e, const json_t *answers, const struct fcond_env *env, struct out *o,
        int depth)
{
    o->len = 0;
    o->buf[0] = '\0';
    o->overflow = false;
    return eval_into(e, answers, env, o, depth) && !o->overflow;
}

static bool
eval_into(const json_t *e, const json_t *answers, const struct fcond_env *env, struct out *o,
          int depth)
{
    if (depth > COMPUTE_MAX_DEPTH)
        return false;
    if (json_is_string(e)) {
        put(o, json_string_value(e), json_string_length(e));
        return true;
    }
    if (json_is_integer(e) || json_is_real(e)) {
        put_number(o, json_number_value(e));
        return true;
    }
    const json_t *f = json_object_get(e, "field");
    if (f) {
        const json_t *v = json_object_get(answers, json_string_value(f));
        if (json_is_string(v)) {
            put(o, json_string_value(v), json_string_length(v));
        } else if (json_is_array(v)) {
            size_t i;
            const json_t *x;
            json_array_foreach(v, i, x)
            {
                if (!json_is_string(x))
                    continue;
                if (i)
                    put(o, "、", strlen("、"));
                put(o, json_string_value(x), json_string_length(x));
            }
        }
        return true;
    }
    const json_t *a;
    if ((a = json_object_get(e, "concat"))) {
        size_t i;
        const json_t *x;
        json_array_foreach(a, i, x)
        if (!eval_into(x, answers, env, o, depth + 1))
            return false;
        return true;
    }
    bool sum = (a = json_object_get(e, "sum")) != NULL;
    if (sum || (a = json_object_get(e, "product"))) {
        /* every operand must be a number; an empty or other answer leaves the result empty */
        double acc = sum ? 0 : 1;
        size_t i;
        const json_t *x;
        json_array_foreach(a, i, x)
        {
            struct out t;
            if (!text_of(x, answers, env, &t, depth + 1))
                return false;
            double d;
            if (!fcond_parse_number(t.buf, &d))
                return true; /* empty result */
            acc = sum ? acc + d : acc * d;
        }
        put_number(o, acc);
        return true;
    }
    const json_t *c = json_object_get(e, "if");
    if (c)
        return eval_into(fcond_eval(c, answers, env) ? json_object_get(e, "then")
                                                    : json_object_get(e, "else"),
                         answers, env, o, depth + 1);
    return false;
}

bool
fcompute_eval(const json_t *expr, const json_t *answers, const struct fcond_env *env,
              char *out, size_t n)
{
    struct out o;
    if (!n || !is_expr(expr, 1) || !text_of(expr, answers, env, &o, 1) || o.len >= n) {
        if (n)
            out[0] = '\0';
        return false;
    }
    memcpy(out, o.buf, o.len + 1);
    return true;
}
