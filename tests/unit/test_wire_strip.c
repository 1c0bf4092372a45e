/* rec_wire_strip: removing hidden fields from stored renderings must give exactly what
 * deleting the keys with jansson gives, whatever the values contain (look-alike keys inside
 * strings, escapes, tables whose rows repeat field-like objects, first/last/only members). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/strbuf.h"
#include "domain/record_int.h"

/* The stored form: one member per line, as rec_render writes it. */
static char *
lines_form(const json_t *obj)
{
    struct strbuf sb;
    strbuf_init(&sb, NULL, 0);
    strbuf_addc(&sb, '{');
    const char *key;
    json_t *v;
    bool first = true;
    json_object_foreach((json_t *)obj, key, v)
    {
        json_t *k = json_string(key);
        char *ks = json_dumps(k, JSON_ENCODE_ANY), *vs = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        strbuf_addf(&sb, "%s%s:%s", first ? "" : ",\n", ks, vs);
        first = false;
        free(ks);
        free(vs);
        json_decref(k);
    }
    strbuf_addc(&sb, '}');
    return sb.buf;
}

static void check_form(const char *form, json_t *orig, const char *const *hidden);

static void
check(const char *wire_json, const char *const *hidden)
{
    json_t *orig = json_loads(wire_json, 0, NULL);
    assert_non_null(orig);
    char *lines = lines_form(orig);
    check_form(lines, orig, hidden);
    free(lines);
    char *compact = json_dumps(orig, JSON_COMPACT | JSON_PRESERVE_ORDER);
    check_form(compact, orig, hidden);
    free(compact);
    json_decref(orig);
}

static void
check_form(const char *compact, json_t *orig_in, const char *const *hidden)
{
    json_t *orig = json_deep_copy(orig_in);
    struct strbuf sb;
    strbuf_init(&sb, NULL, 0);
    assert_true(rec_wire_strip(compact, strlen(compact), hidden, &sb));
    assert_null(memchr(sb.buf, '\n', sb.len)); /* clients get compact JSON */
    json_t *got = json_loadb(sb.buf, sb.len, 0, NULL);
    if (!got)
        fprintf(stderr, "not JSON: %.*s\n", (int)sb.len, sb.buf);
    assert_non_null(got);
    for (const char *const *h = hidden; *h; h++)
        json_object_del(orig, *h);
    if (!json_equal(orig, got)) {
        fprintf(stderr, "in:  %s\nout: %.*s\n", compact, (int)sb.len, sb.buf);
        fail();
    }
    json_decref(got);
    json_decref(orig);
    strbuf_release(&sb);
}

static void
test_positions(void **state)
{
    (void)state;
    const char *rec = "{\"a\":{\"type\":\"SINGLE_LINE_TEXT\",\"value\":\"x\"},"
                      "\"b\":{\"type\":\"NUMBER\",\"value\":\"1\"},"
                      "\"c\":{\"type\":\"CHECK_BOX\",\"value\":[\"p\",\"q\"]}}";
    const char *first[] = { "a", NULL }, *mid[] = { "b", NULL }, *last[] = { "c", NULL };
    const char *all[] = { "c", "a", "b", NULL }, *none[] = { NULL }, *absent[] = { "zz", NULL };
    check(rec, first);
    check(rec, mid);
    check(rec, last);
    check(rec, all);
    check(rec, none);
    check(rec, absent);
    const char *only = "{\"a\":{\"type\":\"SINGLE_LINE_TEXT\",\"value\":\"x\"}}";
    check(only, first);
}

/* every subset of four members */
static void
test_subsets(void **state)
{
    (void)state;
    const char *rec = "{\"f0\":{\"type\":\"NUMBER\",\"value\":\"0\"},"
                      "\"f1\":{\"type\":\"SUBTABLE\",\"value\":[{\"id\":\"1\",\"value\":{}}]},"
                      "\"f2\":{\"type\":\"USER_SELECT\",\"value\":[]},"
                      "\"f3\":{\"type\":\"SINGLE_LINE_TEXT\",\"value\":\",}\"}}";
    static const char *names[] = { "f0", "f1", "f2", "f3" };
    for (unsigned mask = 0; mask < 16; mask++) {
        const char *h[5];
        int k = 0;
        for (int i = 3; i >= 0; i--) /* reversed: the order of the list must not matter */
            if (mask & (1u << i))
                h[k++] = names[i];
        h[k] = NULL;
        check(rec, h);
    }
}

static void
test_lookalikes(void **state)
{
    (void)state;
    /* a value that spells the hidden key's pattern, quotes, backslashes, braces in strings */
    const char *rec =
        "{\"memo\":{\"type\":\"MULTI_LINE_TEXT\",\"value\":\"line\\n,\\n\\\"secret\\\":{\\\"type\\\":\\\"x\\\"} }{][,\\\\\"},"
        "\"secret\":{\"type\":\"SINGLE_LINE_TEXT\",\"value\":\"}{\\\"],\"},"
        "\"tbl\":{\"type\":\"SUBTABLE\",\"value\":[{\"id\":\"1\",\"value\":{\"col\":{\"type\":"
        "\"SINGLE_LINE_TEXT\",\"value\":\"secret\"}}}]},"
        "\"user\":{\"type\":\"USER_SELECT\",\"value\":[{\"code\":\"secret\",\"name\":\"秘密\"}]}}";
    const char *h1[] = { "secret", NULL }, *h2[] = { "tbl", NULL }, *h3[] = { "memo", "user", NULL };
    check(rec, h1);
    check(rec, h2);
    check(rec, h3);
}

static void
test_refuses_foreign_text(void **state)
{
    (void)state;
    const char *h[] = { "a", NULL };
    struct strbuf sb;
    strbuf_init(&sb, NULL, 0);
    assert_false(rec_wire_strip("[1,2]", 5, h, &sb));
    assert_false(rec_wire_strip("{", 1, h, &sb));
    /* a truncated value */
    const char *bad = "{\"a\":{\"type\":\"X\",\"value\":\"unterminated}";
    assert_false(rec_wire_strip(bad, strlen(bad), h, &sb));
    assert_int_equal(sb.len, 0);
    strbuf_release(&sb);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_subsets),
        cmocka_unit_test(test_lookalikes),
        cmocka_unit_test(test_refuses_foreign_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
