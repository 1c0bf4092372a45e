/* Query-string parsing into jansson values. */
#include "params.h"

#include "core/arena.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int
hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *
params_decode(struct arena *a, const char *s, size_t n)
{
    char *out = arena_alloc(a, n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else if (s[i] == '+') {
            out[o++] = ' ';
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

#define PARAMS_MAX_ITEMS 10000
#define PARAMS_MAX_GAP 1000

/* Sets obj[key] (with optional [index] suffix already split off) to val, building arrays.
 * Returns false when val is not valid UTF-8. */
static bool
put(json_t *obj, const char *key, long index, bool bracket, const char *val)
{
    json_t *cur = json_object_get(obj, key);
    json_t *v = json_string(val);
    if (!v)
        return false;
    if (!bracket) {
        if (!cur) {
            json_object_set_new(obj, key, v);
        } else if (json_is_array(cur)) {
            json_array_append_new(cur, v);
        } else {
            json_t *arr = json_array();
            json_array_append(arr, cur);
            json_array_append_new(arr, v);
            json_object_set_new(obj, key, arr);
        }
        return true;
    }
    if (!cur || !json_is_array(cur)) {
        cur = json_array();
        json_object_set_new(obj, key, cur);
    }
    if (json_array_size(cur) >= PARAMS_MAX_ITEMS) {
        json_decref(v); /* more values than any API takes: the rest is dropped */
    } else if (index < 0 || (size_t)index >= json_array_size(cur)) {
        /* out-of-order indexes (a[1]=y&a[0]=x) leave a gap to fill later; a gap is bounded,
         * so a[99999]=x cannot build a 100,000-element array (found by fuzz_params.c) */
        size_t gap = index < 0 ? 0 : (size_t)index - json_array_size(cur);
        if (gap > 0 && gap <= PARAMS_MAX_GAP)
            for (; gap > 0; gap--)
                json_array_append_new(cur, json_null());
        json_array_append_new(cur, v);
    } else {
        json_array_set_new(cur, (size_t)index, v);
    }
    return true;
}

const char *
params_parse_query(struct arena *a, json_t *obj, const char *qs)
{
    const char *p = qs, *bad = NULL;
    while (*p) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        size_t klen = eq ? (size_t)(eq - p) : len;
        char *key = params_decode(a, p, klen);
        char *val = eq ? params_decode(a, eq + 1, len - klen - 1) : arena_strdup(a, "");
        if (*key) {
            char *br = strchr(key, '[');
            long index = -1;
            bool bracket = false;
            if (br && br != key && key[strlen(key) - 1] == ']') {
                bracket = true;
                *br = '\0';
                char *end = NULL;
                errno = 0;
                long ix = strtol(br + 1, &end, 10);
                if (end && *end == ']' && end != br + 1 && errno == 0 && ix >= 0)
                    index = ix;
            }
            if (!json_is_object(obj) || !key[0]) {
                /* nothing */
            } else if (!put(obj, key, index, bracket, val) && !bad) {
                bad = key;
            }
        }
        if (!amp)
            break;
        p = amp + 1;
    }
    return bad;
}

bool
jx_to_int(const json_t *v, int64_t *out)
{
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return true;
    }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        if (d != (double)(int64_t)d)
            return false;
        *out = (int64_t)d;
        return true;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end;
        if (!*s)
            return false;
        errno = 0;
        long long x = strtoll(s, &end, 10);
        if (*end || errno)
            return false;
        *out = x;
        return true;
    }
    return false;
}

bool
params_int(const json_t *obj, const char *key, int64_t *out)
{
    return jx_to_int(json_object_get(obj, key), out);
}

const char *
params_str(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

bool
params_bool(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (json_is_true(v))
        return true;
    return json_is_string(v) && strcmp(json_string_value(v), "true") == 0;
}
