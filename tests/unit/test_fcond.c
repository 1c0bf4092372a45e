/* Unit tests for the form condition/validation language (src/domain/fcond.c, fval.c,
 * fcond_re.c): every shared vector in tests/vectors/fcond*.json (the JavaScript twin runs
 * the same files), then random mutations of the vectors that must never crash, and the
 * per-thread pattern cache past its capacity. Run from the repository root. */
#include "domain/fcond.h"
#include "domain/fcond_int.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define VEC_DIR "tests/vectors"

static int
load_all(json_t **docs, int max)
{
    DIR *d = opendir(VEC_DIR);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    char names[16][256];
    while ((e = readdir(d)) && n < max && n < 16) {
        size_t l = strlen(e->d_name);
        if (strncmp(e->d_name, "fcond", 5) == 0 && l > 5 && strcmp(e->d_name + l - 5, ".json") == 0)
            snprintf(names[n++], sizeof names[0], "%s", e->d_name);
    }
    closedir(d);
    for (int i = 0; i < n; i++) {
        char path[512];
        json_error_t je;
        snprintf(path, sizeof path, "%s/%s", VEC_DIR, names[i]);
        docs[i] = json_load_file(path, 0, &je);
        if (!docs[i])
            fail_msg("%s: %s (line %d)", path, je.text, je.line);
    }
    return n;
}

static struct fcond_env
env_of(const json_t *doc)
{
    struct fcond_env env = {0};
    const char *t = json_string_value(json_object_get(json_object_get(doc, "env"), "today"));
    assert_true(t && fcond_parse_date(t, false, 0, &env.today));
    return env;
}

static bool
str_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int
run_doc(const json_t *doc)
{
    int bad = 0, total = 0;
    struct fcond_env env = env_of(doc);
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(doc, "conditions"), i, v)
    {
        const json_t *answers = json_object_get(v, "answers");
        if (!answers)
            answers = json_object_get(doc, "answers");
        bool got = fcond_eval(json_object_get(v, "cond"), answers, &env);
        bool ok = got == json_is_true(json_object_get(v, "expect"));
        printf("%s condition %zu: %s\n", ok ? "ok  " : "FAIL", i,
               json_string_value(json_object_get(v, "name")));
        bad += !ok, total++;
    }
    json_array_foreach(json_object_get(doc, "condValid"), i, v)
    {
        const char *why = NULL;
        bool got = fcond_valid(json_object_get(v, "cond"), &why);
        bool want = json_is_true(json_object_get(v, "valid"));
        bool ok = got == want &&
                  (want || str_eq(why, json_string_value(json_object_get(v, "why"))));
        printf("%s condValid %zu: %s%s%s\n", ok ? "ok  " : "FAIL", i,
               json_string_value(json_object_get(v, "name")), ok ? "" : " — got: ",
               ok ? "" : (got ? "valid" : why));
        bad += !ok, total++;
    }
    json_array_foreach(json_object_get(doc, "checks"), i, v)
    {
        struct fval_error err = {0};
        bool req = json_is_true(json_object_get(v, "required"));
        const json_t *rules = json_object_get(v, "rules");
        const char *field = json_string_value(json_object_get(v, "field"));
        bool got = field ? fval_check_in(rules, json_object_get(v, "answers"), field, req, &env, &err)
                         : fval_check(rules, json_object_get(v, "value"), req, &env, &err);
        const json_t *ex = json_object_get(v, "expect");
        bool ok = json_is_null(ex)
                      ? got
                      : !got && str_eq(err.code, json_string_value(json_object_get(ex, "code"))) &&
                            str_eq(err.arg, json_string_value(json_object_get(ex, "arg")));
        printf("%s check %zu: %s%s%s %s\n", ok ? "ok  " : "FAIL", i,
               json_string_value(json_object_get(v, "name")), ok ? "" : " — got: ",
               ok ? "" : (got ? "valid" : err.code), ok || !err.arg ? "" : err.arg);
        bad += !ok, total++;
    }
    json_array_foreach(json_object_get(doc, "rulesValid"), i, v)
    {
        const char *why = NULL;
        bool got = fval_rules_valid(json_object_get(v, "rules"), &why);
        bool want = json_is_true(json_object_get(v, "valid"));
        bool ok = got == want &&
                  (want || str_eq(why, json_string_value(json_object_get(v, "why"))));
        printf("%s rulesValid %zu: %s%s%s\n", ok ? "ok  " : "FAIL", i,
               json_string_value(json_object_get(v, "name")), ok ? "" : " — got: ",
               ok ? "" : (got ? "valid" : why));
        bad += !ok, total++;
    }
    json_array_foreach(json_object_get(doc, "messages"), i, v)
    {
        const char *got =
            fval_message(json_string_value(json_object_get(v, "code")),
                         json_string_value(json_object_get(v, "lang")),
                         json_string_value(json_object_get(v, "arg")));
        bool ok = str_eq(got, json_string_value(json_object_get(v, "text")));
        printf("%s message %zu: %s%s%s\n", ok ? "ok  " : "FAIL", i,
               json_string_value(json_object_get(v, "code")), ok ? "" : " — got: ", ok ? "" : got);
        bad += !ok, total++;
    }
    printf("%d of %d vectors pass\n", total - bad, total);
    return bad;
}

static void
test_vectors(void **state)
{
    (void)state;
    json_t *docs[16];
    int n = load_all(docs, 16), bad = 0;
    assert_true(n >= 1);
    for (int i = 0; i < n; i++) {
        bad += run_doc(docs[i]);
        json_decref(docs[i]);
    }
    assert_int_equal(bad, 0);
}

/* ---- random mutations: arbitrary JSON must never crash or trip the sanitizers ---- */

static uint64_t rng = 0x9e3779b97f4a7c15u;
static unsigned
rnd(unsigned n)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static json_t *
random_leaf(void)
{
    static const char *const strs[] = {"eq", "in", "lt", "empty", "all", "any", "not", "field",
                                       "op", "value", "today+30", "today-99999", "１２", "",
                                       "2026-02-29", "(a", "[", "\\p{", "ｶﾅ", "𠮷", "-1e9",
                                       "9999-12-31", "0001-01-01", "today+", "用途"};
    switch (rnd(7)) {
    case 0: return json_null();
    case 1: return json_true();
    case 2: return json_integer((json_int_t)rnd(2000) - 1000);
    case 3: return json_real((double)rnd(1000) / 7.0 - 50);
    case 4: return json_array();
    case 5: return json_object();
    default: return json_string(strs[rnd(sizeof strs / sizeof strs[0])]);
    }
}

/* Replaces, wraps or deletes one random node of j (a deep copy). */
static json_t *
mutate(json_t *j, int depth)
{
    if (depth > 40 || rnd(4) == 0) {
        json_decref(j);
        if (rnd(3) == 0) { /* wrap in a combinator */
            json_t *o = json_object(), *a = json_array();
            json_array_append_new(a, random_leaf());
            json_object_set_new(o, rnd(2) ? "all" : "not", a);
            return o;
        }
        return random_leaf();
    }
    if (json_is_object(j) && json_object_size(j)) {
        const char *key;
        json_t *v;
        unsigned pick = rnd((unsigned)json_object_size(j)), k = 0;
        json_object_foreach(j, key, v)
        {
            if (k++ != pick)
                continue;
            if (rnd(5) == 0) {
                json_object_del(j, key);
            } else {
                json_t *m = mutate(json_incref(v), depth + 1);
                json_object_set_new(j, key, m);
            }
            break;
        }
    } else if (json_is_array(j) && json_array_size(j)) {
        size_t idx = rnd((unsigned)json_array_size(j));
        json_t *m = mutate(json_incref(json_array_get(j, idx)), depth + 1);
        json_array_set_new(j, idx, m);
    }
    return j;
}

static void
test_mutations_never_crash(void **state)
{
    (void)state;
    json_t *docs[16];
    int n = load_all(docs, 16);
    struct fcond_env env = env_of(docs[0]);
    const json_t *answers = json_object_get(docs[0], "answers");
    int rounds = 0;
    for (int d = 0; d < n; d++) {
        size_t i;
        const json_t *v;
        json_array_foreach(json_object_get(docs[d], "conditions"), i, v)
        {
            for (int r = 0; r < 30; r++, rounds++) {
                json_t *m = json_deep_copy(json_object_get(v, "cond"));
                for (int k = 0; k <= (int)rnd(4); k++)
                    m = mutate(m, 0);
                const char *why;
                bool valid = fcond_valid(m, &why);
                bool got = fcond_eval(m, answers, &env);
                /* an invalid condition is always false */
                assert_true(valid || !got);
                json_decref(m);
            }
        }
        json_array_foreach(json_object_get(docs[d], "checks"), i, v)
        {
            for (int r = 0; r < 30; r++, rounds++) {
                json_t *rules = mutate(json_deep_copy(json_object_get(v, "rules")), 0);
                json_t *val = mutate(json_deep_copy(json_object_get(v, "value")), 0);
                struct fval_error err;
                const char *why;
                (void)fval_rules_valid(rules, &why);
                if (!fval_check(rules, val, rnd(2), &env, &err))
                    assert_non_null(fval_message(err.code, "ja", err.arg));
                (void)fval_check_in(rules, answers, "用途", rnd(2), &env, &err);
                json_decref(rules);
                json_decref(val);
            }
        }
        json_decref(docs[d]);
    }
    assert_true(rounds > 1000);
    /* a very deep condition is refused without deep recursion trouble */
    json_t *deep = json_pack("{s:s,s:s}", "field", "a", "op", "empty");
    for (int k = 0; k < 10000; k++)
        deep = json_pack("{s:o}", "not", deep);
    assert_false(fcond_valid(deep, NULL));
    assert_false(fcond_eval(deep, answers, &env));
    json_decref(deep);
}

static void
test_pattern_cache_evicts(void **state)
{
    (void)state;
    struct fcond_env env = {0};
    struct fval_error err;
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < 100; i++) {
            char pat[32], val[16];
            snprintf(pat, sizeof pat, "x%d[0-9]*", i);
            snprintf(val, sizeof val, "x%d42", i);
            json_t *rules = json_pack("{s:s}", "pattern", pat);
            json_t *ok = json_string(val), *ng = json_string("y");
            assert_true(fval_check(rules, ok, false, &env, &err));
            assert_false(fval_check(rules, ng, false, &env, &err));
            assert_string_equal(err.code, "pattern");
            json_decref(rules), json_decref(ok), json_decref(ng);
        }
    fcond_cache_free();
    fcond_cache_free(); /* twice is harmless */
    json_t *rules = json_pack("{s:s}", "pattern", "a+"), *v = json_string("aaa");
    assert_true(fval_check(rules, v, false, &env, &err));
    json_decref(rules), json_decref(v);
    fcond_cache_free();
}

static void
test_dates_round_trip(void **state)
{
    (void)state;
    /* every day from 1900 to 2100 formats back to itself */
    int64_t from, to, d;
    char buf[16];
    assert_true(fcond_parse_date("1900-01-01", false, 0, &from));
    assert_true(fcond_parse_date("2100-12-31", false, 0, &to));
    for (int64_t z = from; z <= to; z++) {
        fcond_format_date(z, buf);
        assert_true(fcond_parse_date(buf, false, 0, &d));
        assert_int_equal(d, z);
    }
    assert_true(fcond_parse_date("1970-01-01", false, 0, &d));
    assert_int_equal(d, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_mutations_never_crash),
        cmocka_unit_test(test_pattern_cache_evicts),
        cmocka_unit_test(test_dates_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
