/* Unit tests for kintone formulas (src/domain/calc.c): parser errors (syntax, functions,
 * argument counts, full-width symbols, depth), references, arithmetic and kintone's rounding
 * rules, field values (empty numbers = 0, empty dates = empty result), subtable columns in SUM,
 * every output format, text formulas (&, DATE_FORMAT, YEN) and the number formatter. */
#include "core/arena.h"
#include "core/clock.h"
#include "core/err.h"
#include "domain/calc.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const char *props_json =
    "{"
    "\"a\":{\"type\":\"NUMBER\",\"code\":\"a\"},"
    "\"b\":{\"type\":\"NUMBER\",\"code\":\"b\"},"
    "\"e\":{\"type\":\"NUMBER\",\"code\":\"e\"},"
    "\"t\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"t\"},"
    "\"d\":{\"type\":\"DATE\",\"code\":\"d\"},"
    "\"d0\":{\"type\":\"DATE\",\"code\":\"d0\"},"
    "\"tm\":{\"type\":\"TIME\",\"code\":\"tm\"},"
    "\"dt\":{\"type\":\"DATETIME\",\"code\":\"dt\"},"
    "\"chk\":{\"type\":\"CHECK_BOX\",\"code\":\"chk\"},"
    "\"dd\":{\"type\":\"DROP_DOWN\",\"code\":\"dd\"},"
    "\"c1\":{\"type\":\"CALC\",\"code\":\"c1\",\"format\":\"NUMBER\"},"
    "\"cd\":{\"type\":\"CALC\",\"code\":\"cd\",\"format\":\"DATE\"},"
    "\"作成日時\":{\"type\":\"CREATED_TIME\",\"code\":\"作成日時\"},"
    "\"作成者\":{\"type\":\"CREATOR\",\"code\":\"作成者\"},"
    "\"数量\":{\"type\":\"NUMBER\",\"code\":\"数量\"},"
    "\"tbl\":{\"type\":\"SUBTABLE\",\"code\":\"tbl\",\"fields\":{"
    "  \"qty\":{\"type\":\"NUMBER\",\"code\":\"qty\"},"
    "  \"price\":{\"type\":\"NUMBER\",\"code\":\"price\"},"
    "  \"sub\":{\"type\":\"CALC\",\"code\":\"sub\",\"format\":\"NUMBER\"}"
    "}}"
    "}";

static const char *data_json =
    "{\"a\":5,\"b\":3,\"e\":null,\"t\":\"abc\",\"d\":\"2026-04-25\",\"d0\":null,\"tm\":\"11:30\","
    "\"dt\":\"2026-04-25T10:00:00Z\",\"chk\":[\"A\",\"B\"],\"dd\":\"x\",\"c1\":10,"
    "\"cd\":\"2026-04-26\",\"数量\":2,"
    "\"tbl\":[{\"id\":1,\"value\":{\"qty\":10,\"price\":100,\"sub\":1000}},"
    "         {\"id\":2,\"value\":{\"qty\":20,\"price\":null,\"sub\":0}},"
    "         {\"id\":3,\"value\":{\"qty\":null,\"price\":5,\"sub\":null}}]}";

struct env {
    struct arena *a;
    json_t *props, *data;
};

static int
setup(void **state)
{
    struct env *e = calloc(1, sizeof(*e));
    e->a = arena_new();
    e->props = json_loads(props_json, 0, NULL);
    e->data = json_loads(data_json, 0, NULL);
    assert_non_null(e->props);
    assert_non_null(e->data);
    *state = e;
    return 0;
}

static int
teardown(void **state)
{
    struct env *e = *state;
    json_decref(e->props);
    json_decref(e->data);
    arena_free(e->a);
    free(e);
    return 0;
}

static struct calc_expr *
parse_ok(struct env *e, const char *expr)
{
    struct calc_expr *x = NULL;
    const char *msg = NULL;
    enum err rc = calc_parse(e->a, expr, &x, &msg);
    if (rc != ERR_OK)
        fail_msg("parse of '%s' failed: %s", expr, msg ? msg : "?");
    assert_non_null(x);
    return x;
}

static const char *
parse_err(struct env *e, const char *expr, enum lang lang)
{
    struct calc_expr *x = (struct calc_expr *)1;
    const char *msg = NULL;
    assert_int_equal(calc_parse_lang(e->a, expr, lang, &x, &msg), ERR_INVALID);
    assert_null(x);
    assert_non_null(msg);
    return msg;
}

/* Evaluates with a fixed environment; returns the compact JSON text of the result. */
static const char *
evalf(struct env *e, const char *expr, const char *format)
{
    struct calc_env env = { .props = e->props,
                            .data = e->data,
                            .tz_offset = 540,
                            .has_created_at = true,
                            .created_at = 1710520200,
                            .creator = "alice" };
    json_t *r = calc_eval_env(parse_ok(e, expr), &env, format);
    char *s = json_dumps(r, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(15));
    char *copy = arena_strdup(e->a, s);
    free(s);
    json_decref(r);
    return copy;
}

#define EVAL(expr, format, want) assert_string_equal(evalf(e, expr, format), want)
#define NUM(expr, want)          EVAL(expr, "NUMBER", want)
#define TXT(expr, want)          EVAL(expr, NULL, "\"" want "\"")

static void
test_parse_errors(void **state)
{
    struct env *e = *state;
    const char *syntax = "計算式の文法が正しくありません。";
    assert_string_equal(parse_err(e, "", LANG_JA), syntax);
    assert_string_equal(parse_err(e, "1 +", LANG_JA), syntax);
    assert_string_equal(parse_err(e, "(1", LANG_JA), syntax);
    assert_string_equal(parse_err(e, "1)", LANG_JA), syntax);
    assert_string_equal(parse_err(e, "1 2", LANG_JA), syntax);
    assert_string_equal(parse_err(e, "a !b", LANG_JA), syntax);
    assert_string_equal(parse_err(e, "\"abc", LANG_JA), syntax);
    assert_string_equal(parse_err(e, "a # b", LANG_JA), syntax);
    assert_string_equal(parse_err(e, "SUM(1,)", LANG_JA), syntax);
    assert_string_equal(parse_err(e, "SUM(1 2)", LANG_JA), syntax);
    assert_string_equal(parse_err(e, "FOO(1)", LANG_JA), "FOO関数は使用できません。");
    assert_string_equal(parse_err(e, "FOO(1)", LANG_EN), "The function FOO cannot be used.");
    assert_string_equal(parse_err(e, "IF(1,2)", LANG_JA), "IF関数の引数の数が正しくありません。");
    assert_string_equal(parse_err(e, "NOT(1,2)", LANG_JA), "NOT関数の引数の数が正しくありません。");
    assert_string_equal(parse_err(e, "SUM()", LANG_JA), "SUM関数の引数の数が正しくありません。");
    assert_string_equal(parse_err(e, "a＋b", LANG_JA),
                        "全角記号「＋」が入力されています。半角記号「+」を入力してください。");
    assert_string_equal(parse_err(e, "SUM（a）", LANG_EN),
                        "The full-width symbol \"（\" is used. Enter the half-width \"(\".");
    char deep[400];
    memset(deep, '(', 150);
    deep[150] = '1';
    memset(deep + 151, ')', 150);
    deep[301] = '\0';
    assert_string_equal(parse_err(e, deep, LANG_JA), "計算式が複雑すぎます。");
}

static void
test_parse_ok(void **state)
{
    struct env *e = *state;
    parse_ok(e, "a+b");
    parse_ok(e, "  a\t+\n b　*　2 "); /* ASCII and ideographic spaces */
    parse_ok(e, "sum(a, 1)");
    parse_ok(e, "IF(AND(a>1, b<=3), \"x\", \"y\")");
    parse_ok(e, "a <> b");
    parse_ok(e, "-(-a)");
    parse_ok(e, "\"say \\\"hi\\\"\"");
    parse_ok(e, "数量 * 2");
    parse_ok(e, ".5 + 5.");
}

struct refs {
    char buf[256];
};

static void
collect(void *arg, const char *code, bool in_sum)
{
    struct refs *r = arg;
    size_t n = strlen(r->buf);
    snprintf(r->buf + n, sizeof(r->buf) - n, "%s%s;", code, in_sum ? "*" : "");
}

static void
test_refs(void **state)
{
    struct env *e = *state;
    struct refs r = { "" };
    calc_refs(parse_ok(e, "a + SUM(qty, b * 2) + IF(数量 > 0, SUM(c1), t)"), collect, &r);
    assert_string_equal(r.buf, "a;qty*;b;数量;c1*;t;");
    r.buf[0] = '\0';
    calc_refs(parse_ok(e, "1 + 2"), collect, &r);
    assert_string_equal(r.buf, "");
}

static void
test_arithmetic(void **state)
{
    struct env *e = *state;
    NUM("1+2*3", "7");
    NUM("(1+2)*3", "9");
    NUM("10-3", "7");
    NUM("-5+3", "-2");
    NUM("2^3", "8");
    NUM("2^3^2", "64"); /* left associative, as Excel */
    NUM("-2^2", "4");   /* unary minus binds tighter, as Excel */
    NUM("4^1.5", "4");  /* fraction of the exponent dropped */
    NUM("4^-2", "0.0625");
    NUM("2^101", "null");
    NUM("0^-1", "null");
    NUM("1/3", "0.3333");
    NUM("10/3", "3.3333");
    NUM("1/7", "0.1429");
    NUM("2/3", "0.6667");
    NUM("1/3*3", "0.9999"); /* every quotient is rounded */
    NUM("1/0", "null");
    NUM("0/0", "null");
    NUM("7*0.1", "0.7");
    NUM("100*0.1", "10");
    NUM("0.1+0.2", "0.3");
    NUM("+3", "3");
}

static void
test_fields(void **state)
{
    struct env *e = *state;
    NUM("a+b", "8");
    NUM("a*e", "0"); /* empty NUMBER counts as 0 */
    NUM("e+e", "0");
    NUM("e", "null"); /* but an empty field alone stays empty */
    NUM("c1*2", "20");
    NUM("nope+1", "null");
    NUM("t+1", "null"); /* text in arithmetic */
    NUM("t", "null");   /* string result in a numeric CALC */
    NUM("chk", "null");
    NUM("qty", "null"); /* a table column outside SUM */
}

static void
test_compare_logic(void **state)
{
    struct env *e = *state;
    NUM("a>3", "1");
    NUM("a<3", "0");
    NUM("a=5", "1");
    NUM("a!=5", "0");
    NUM("a<>5", "0");
    NUM("a>=5", "1");
    NUM("a<=4", "0");
    NUM("t=\"abc\"", "1");
    NUM("t<\"abd\"", "1");
    NUM("e=\"\"", "1");
    NUM("a=\"\"", "0");
    NUM("d0=\"\"", "1");
    NUM("\"5\"=a", "1");
    NUM("IF(a>10, a*2, a/2)", "2.5");
    NUM("IF(a>4, a*2, 1/0)", "10"); /* the other branch is not evaluated */
    NUM("IF(t, 1, 2)", "1");
    NUM("AND(a>1, b>1)", "1");
    NUM("AND(a>1, b>3)", "0");
    NUM("OR(a>9, b>2)", "1");
    NUM("NOT(a>9)", "1");
    NUM("NOT(1/0)", "null");
    NUM("AND(1, chk)", "1");
}

static void
test_round(void **state)
{
    struct env *e = *state;
    NUM("ROUND(3.14159, 2)", "3.14");
    NUM("ROUNDUP(3.14159, 2)", "3.15");
    NUM("ROUNDDOWN(3.14159, 2)", "3.14");
    NUM("ROUND(2.5)", "3");
    NUM("ROUND(-2.5)", "-3");
    NUM("ROUNDUP(-1.1)", "-2");
    NUM("ROUNDDOWN(-1.9)", "-1");
    NUM("ROUND(1234, -2)", "1200");
    NUM("ROUND(1.005, 2)", "1.01");
    NUM("ROUND(a, 1/0)", "null");
    NUM("ROUND(e)", "0");
    assert_true(calc_round(0.285, 2, 0) == 0.29);
    assert_true(calc_round(-0.001, 2, 0) == 0);
}

static void
test_sum_table(void **state)
{
    struct env *e = *state;
    NUM("SUM(qty)", "30");
    NUM("SUM(sub)", "1000");
    NUM("SUM(qty, a, 1)", "36");
    NUM("SUM(price)*2", "210");
    NUM("SUM(t)", "null");
    /* row context: a column is the row's value, outside fields are still visible */
    struct calc_env env = { .props = e->props, .data = e->data, .tz_offset = 540 };
    json_t *tbl = json_object_get(e->props, "tbl");
    env.table = json_object_get(tbl, "fields");
    env.row = json_object_get(json_array_get(json_object_get(e->data, "tbl"), 0), "value");
    json_t *r = calc_eval_env(parse_ok(e, "qty * price + a"), &env, "NUMBER");
    assert_int_equal(json_integer_value(r), 1005);
    json_decref(r);
    env.row = json_object_get(json_array_get(json_object_get(e->data, "tbl"), 2), "value");
    r = calc_eval_env(parse_ok(e, "qty * price"), &env, "NUMBER");
    assert_int_equal(json_integer_value(r), 0);
    json_decref(r);
}

static void
test_dates(void **state)
{
    struct env *e = *state;
    EVAL("d + 86400", "DATE", "\"2026-04-26\"");
    EVAL("dt + 3600", "DATETIME", "\"2026-04-25T11:00:00Z\"");
    NUM("dt - d", "36000");
    NUM("(cd - d) / 86400", "1");
    EVAL("90061", "TIME", "\"01:01\"");
    EVAL("90061", "HOUR_MINUTE", "\"25:01\"");
    EVAL("90061", "DAY_HOUR_MINUTE", "\"25:01\"");
    EVAL("-5400", "HOUR_MINUTE", "\"-01:30\"");
    EVAL("90061 * 3600", "DATETIME", "\"1980-04-10T13:00:00Z\"");
    EVAL("tm + 1800", "TIME", "\"12:00\"");
    EVAL("59", "DATETIME", "\"1970-01-01T00:00:00Z\"");
    EVAL("d0 + 86400", "DATE", "null"); /* an empty date empties the result */
    NUM("d0 - d", "null");
    NUM("ISBLANK(d0)", "1");
    NUM("ISBLANK(d)", "0");
    NUM("ISBLANK(e)", "1");
    NUM("ISBLANK(a)", "0");
    NUM("ISBLANK(t)", "0");
    NUM("作成日時 - 1710520200", "0");
    EVAL("t", "DATE", "null");
}

static void
test_text(void **state)
{
    struct env *e = *state;
    TXT("a & \"円\"", "5円");
    TXT("t & \"-\" & e & \"-\" & d0", "abc--");
    TXT("1/3", "0.3333");
    TXT("1/0", "");
    TXT("chk", "");
    TXT("作成者 & \"さん\"", "aliceさん");
    TXT("DATE_FORMAT(1745574000, \"YYYY-MM-dd\", \"Asia/Tokyo\")", "2025-04-25");
    TXT("DATE_FORMAT(1745574000, \"YYYY年M月d日 H時m分\", \"Asia/Tokyo\")",
        "2025年4月25日 18時40分");
    TXT("DATE_FORMAT(1745574000, \"HH:mm\", \"Etc/GMT\")", "09:40");
    TXT("DATE_FORMAT(1745574000, \"HH:mm\", \"Etc/GMT-9\")", "18:40");
    TXT("DATE_FORMAT(1745574000, \"HH:mm\", \"UTC\")", "09:40");
    TXT("DATE_FORMAT(1745574000, \"yy/MM/dd E\", \"system\")", "25/04/25 Fri");
    TXT("DATE_FORMAT(1745574000, \"'at' h a\", \"Asia/Tokyo\")", "at 6 PM");
    TXT("DATE_FORMAT(d, \"YYYY/MM/dd\", \"Etc/GMT\")", "2026/04/25");
    TXT("DATE_FORMAT(dt, \"MMM d, YYYY\", \"Asia/Tokyo\")", "Apr 25, 2026");
    TXT("DATE_FORMAT(d0, \"YYYY\", \"Asia/Tokyo\")", "");
    TXT("DATE_FORMAT(1, \"YYYY\", \"Mars/Base\")", "");
    TXT("YEN(1234.5, 0)", "¥1,235");
    TXT("YEN(-1234567.891, 2)", "-¥1,234,567.89");
    TXT("YEN(999)", "¥999");
    TXT("YEN(1000000, 1)", "¥1,000,000.0");
    TXT("\"say \\\"hi\\\"\"", "say \\\"hi\\\"");
    NUM("YEN(1, 0)", "null"); /* a string in a numeric CALC */
    NUM("CONTAINS(chk, \"A\")", "1");
    NUM("CONTAINS(chk, \"Z\")", "0");
    NUM("CONTAINS(dd, \"x\")", "null");
    NUM("CONTAINS(1, \"x\")", "null");
}

static void
test_number_format(void **state)
{
    (void)state;
    char buf[CALC_NUMBUF];
    struct {
        double d;
        const char *want;
    } cases[] = {
        { 0, "0" },
        { -0.0, "0" },
        { 15, "15" },
        { -2.5, "-2.5" },
        { 1e20, "100000000000000000000" },
        { 1e-7, "0.0000001" },
        { 0.1 + 0.2, "0.3" },
        { 123456789.123, "123456789.123" },
        { 1.0 / 3, "0.333333333333333" },
        { -1234.5678, "-1234.5678" },
        { 9007199254740993.0, "9007199254740990" },
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        calc_format_number(cases[k].d, buf, sizeof(buf));
        assert_string_equal(buf, cases[k].want);
    }
    json_t *j = calc_number_json(10.000000000000002);
    assert_true(json_is_integer(j));
    assert_int_equal(json_integer_value(j), 10);
    json_decref(j);
    j = calc_number_json(2.5);
    assert_true(json_is_real(j));
    json_decref(j);
    double d;
    assert_true(calc_parse_number("1.5e1", &d) && d == 15);
    assert_true(calc_parse_number(" 42 ", &d) && d == 42);
    assert_true(calc_parse_number("-.5", &d) && d == -0.5);
    assert_false(calc_parse_number("0x10", &d));
    assert_false(calc_parse_number("1,000", &d));
    assert_false(calc_parse_number("Infinity", &d));
    assert_false(calc_parse_number("12abc", &d));
    assert_false(calc_parse_number("", &d));
    assert_false(calc_parse_number("1e", &d));
    assert_true(calc_format_valid("DAY_HOUR_MINUTE"));
    assert_false(calc_format_valid("CURRENCY"));
    assert_true(calc_format_is_time("DATE"));
    assert_false(calc_format_is_time("NUMBER_DIGIT"));
}

static void
test_eval_wrapper(void **state)
{
    struct env *e = *state;
    json_t *r = calc_eval(parse_ok(e, "a * b"), e->props, e->data, "NUMBER_DIGIT", 2);
    assert_int_equal(json_integer_value(r), 15);
    json_decref(r);
    r = calc_eval(parse_ok(e, "作成日時"), e->props, e->data, "NUMBER", -1);
    assert_true(json_is_null(r)); /* no record times without an env */
    json_decref(r);
    r = calc_eval(NULL, e->props, e->data, NULL, -1);
    assert_string_equal(json_string_value(r), "");
    json_decref(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_parse_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_ok, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arithmetic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compare_logic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sum_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_number_format, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eval_wrapper, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
