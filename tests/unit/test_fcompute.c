/* The computed-answer vectors (tests/vectors/fcompute.json) against src/domain/fcompute.c;
 * the JavaScript twin runs the same file (tests/vectors/fcompute.test.mjs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/clock.h"
#include "domain/fcond.h"

static json_t *vectors;

static int
setup(void **state)
{
    (void)state;
    json_error_t err;
    vectors = json_load_file("tests/vectors/fcompute.json", 0, &err);
    if (!vectors)
        fprintf(stderr, "tests/vectors/fcompute.json: %s (line %d)\n", err.text, err.line);
    return vectors ? 0 : -1;
}

static int
teardown(void **state)
{
    (void)state;
    json_decref(vectors);
    fcond_cache_free();
    return 0;
}

static void
test_cases(void **state)
{
    (void)state;
    int y, m, d;
    assert_true(clock_parse_date(json_string_value(json_object_get(vectors, "today")), &y, &m, &d));
    struct fcond_env env = { .today = clock_days_from_civil(y, m, d) };
    size_t i;
    json_t *c;
    int bad = 0;
    json_array_foreach(json_object_get(vectors, "cases"), i, c)
    {
        char out[4096];
        fcompute_eval(json_object_get(c, "expr"), json_object_get(c, "answers"), &env, out,
                      sizeof(out));
        const char *want = json_string_value(json_object_get(c, "expect"));
        bool ok = strcmp(out, want) == 0;
        printf("%s compute: %s\n", ok ? "ok" : "MISMATCH", json_string_value(json_object_get(c, "name")));
        if (!ok) {
            fprintf(stderr, "  got \"%s\", want \"%s\"\n", out, want);
            bad++;
        }
    }
    assert_true(i >= 30);
    assert_int_equal(bad, 0);
}

static void
test_shapes(void **state)
{
    (void)state;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(vectors, "valid"), i, c)
    {
        bool want = json_is_true(json_object_get(c, "valid"));
        if (fcompute_valid(json_object_get(c, "expr")) != want) {
            char *s = json_dumps(json_object_get(c, "expr"), JSON_ENCODE_ANY);
            fprintf(stderr, "shape %zu (%s): want %s\n", i, s, want ? "valid" : "invalid");
            free(s);
            fail();
        }
    }
    /* an output buffer too small gives "" and false, never a partial result */
    char small[4];
    json_t *e = json_pack("{s:[s]}", "concat", "長い文字列");
    struct fcond_env env = { 0 };
    assert_false(fcompute_eval(e, NULL, &env, small, sizeof(small)));
    assert_string_equal(small, "");
    json_decref(e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_cases), cmocka_unit_test(test_shapes) };
    return cmocka_run_group_tests_name("fcompute", tests, setup, teardown);
}
