/* Unit tests for form field definitions (src/domain/field.c): the type table, kintone's field
 * code rule, the new-app system fields, POST/PUT/DELETE of fields with normalization and every
 * validation error (codes, types, numbers, ranges, options, defaults, enums, formulas, tables,
 * lookups), and the layout (sync after changes, validation of PUT layout). */
#include "core/arena.h"
#include "core/err.h"
#include "domain/ctx.h"
#include "domain/field.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

struct env {
    struct arena *a;
    struct fail f;
    struct ctx c;
    json_t *base; /* new app + a few fields */
};

static json_t *
J(struct env *e, const char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, JSON_DECODE_ANY, &err);
    if (!j)
        fail_msg("bad test JSON: %s: %s", err.text, text);
    arena_defer(e->a, (void (*)(void *))json_decref, j);
    return j;
}

static void
reset_fail(struct env *e, enum lang lang)
{
    fail_init(&e->f, e->a, lang);
    e->c.lang = lang;
}

static json_t *
apply_ok(struct env *e, const json_t *existing, const char *changes, bool add)
{
    json_t *out = NULL;
    reset_fail(e, LANG_JA);
    enum err rc = field_props_apply(&e->c, existing, J(e, changes), add, &out);
    if (rc != ERR_OK) {
        char *s = json_dumps(e->f.errors, JSON_COMPACT);
        print_error("errors: %s\n", s);
        free(s);
    }
    assert_int_equal(rc, ERR_OK);
    assert_non_null(out);
    arena_defer(e->a, (void (*)(void *))json_decref, out);
    return out;
}

/* Applies changes expecting ERR_INVALID with an error at key; returns its first message. */
static const char *
apply_err(struct env *e, const json_t *existing, const char *changes, bool add, const char *key)
{
    json_t *out = (json_t *)1;
    reset_fail(e, LANG_JA);
    assert_int_equal(field_props_apply(&e->c, existing, J(e, changes), add, &out), ERR_INVALID);
    assert_null(out);
    json_t *ent = json_object_get(e->f.errors, key);
    if (!ent) {
        char *s = json_dumps(e->f.errors, JSON_COMPACT);
        print_error("no error at %s; errors: %s\n", key, s ? s : "null");
        free(s);
    }
    assert_non_null(ent);
    return json_string_value(json_array_get(json_object_get(ent, "messages"), 0));
}

static int
setup(void **state)
{
    struct env *e = calloc(1, sizeof(*e));
    e->a = arena_new();
    fail_init(&e->f, e->a, LANG_JA);
    e->c.arena = e->a;
    e->c.fail = &e->f;
    e->c.now = 1710471600;
    e->c.tz_offset = 540;
    *state = e;
    json_t *sys = field_props_new_app(LANG_JA);
    arena_defer(e->a, (void (*)(void *))json_decref, sys);
    e->base =
        apply_ok(e, sys,
                 "{\"title\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"title\",\"label\":\"件名\"},"
                 "\"num\":{\"type\":\"NUMBER\",\"code\":\"num\",\"label\":\"数\"},"
                 "\"memo\":{\"type\":\"MULTI_LINE_TEXT\",\"code\":\"memo\",\"label\":\"メモ\"},"
                 "\"tbl\":{\"type\":\"SUBTABLE\",\"code\":\"tbl\",\"fields\":{"
                 "  \"qty\":{\"type\":\"NUMBER\",\"code\":\"qty\",\"label\":\"qty\"},"
                 "  \"price\":{\"type\":\"NUMBER\",\"code\":\"price\",\"label\":\"price\"}}},"
                 "\"total\":{\"type\":\"CALC\",\"code\":\"total\",\"label\":\"合計\","
                 "  \"expression\":\"SUM(qty) + num\"}}",
                 true);
    return 0;
}

static int
teardown(void **state)
{
    struct env *e = *state;
    arena_free(e->a);
    free(e);
    return 0;
}

static void
test_types(void **state)
{
    (void)state;
    assert_int_equal(field_type("SINGLE_LINE_TEXT"), FT_SINGLE_LINE_TEXT);
    assert_int_equal(field_type("HR"), FT_HR);
    assert_int_equal(field_type("single_line_text"), FT_UNKNOWN);
    assert_int_equal(field_type(""), FT_UNKNOWN);
    assert_int_equal(field_type(NULL), FT_UNKNOWN);
    for (int t = 1; t < FT__COUNT; t++)
        assert_int_equal(field_type(field_type_name((enum ftype)t)), t);
    assert_string_equal(field_type_name(FT_UNKNOWN), "");
    assert_true(field_type_is_system(FT_RECORD_NUMBER));
    assert_true(field_type_is_system(FT_CATEGORY));
    assert_false(field_type_is_system(FT_NUMBER));
    assert_true(field_type_has_value(FT_SUBTABLE));
    assert_true(field_type_has_value(FT_STATUS));
    assert_false(field_type_has_value(FT_GROUP));
    assert_false(field_type_has_value(FT_REFERENCE_TABLE));
    assert_false(field_type_has_value(FT_LABEL));
    assert_true(field_type_can_be_unique(FT_DATETIME));
    assert_false(field_type_can_be_unique(FT_MULTI_LINE_TEXT));
    assert_true(field_type_in_subtable(FT_FILE));
    assert_false(field_type_in_subtable(FT_SUBTABLE));
    assert_false(field_type_in_subtable(FT_CREATOR));
    assert_true(field_type_calc_ref(FT_DATE));
    assert_false(field_type_calc_ref(FT_RICH_TEXT));
}

static void
test_codes(void **state)
{
    (void)state;
    const char *good[] = { "abc",      "日本語", "a_b",  "コード・1",    "$x", "￥金額",
                           "ｆｕｌｌ", "＿x",    "Ａ１", "レコード番号", "x1", "々ー" };
    const char *bad[] = { "",     "1abc", "１abc", "a b", "a\"b", "a'b", "a\\b", "a-b",
                          "a\tb", "a（b", "a　b",  "a.b", "a@b",  "a,b", "a\nb" };
    for (size_t k = 0; k < sizeof(good) / sizeof(good[0]); k++) {
        if (!field_code_valid(good[k]))
            fail_msg("code '%s' should be valid", good[k]);
    }
    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        if (field_code_valid(bad[k]))
            fail_msg("code '%s' should be invalid", bad[k]);
    }
    char longcode[200];
    memset(longcode, 'a', 128);
    longcode[128] = '\0';
    assert_true(field_code_valid(longcode));
    longcode[128] = 'a';
    longcode[129] = '\0';
    assert_false(field_code_valid(longcode));
    assert_false(field_code_valid(NULL));
}

static void
test_new_app(void **state)
{
    (void)state;
    json_t *p = field_props_new_app(LANG_JA);
    assert_int_equal(json_object_size(p), 8);
    assert_string_equal(field_code_of_type(p, FT_RECORD_NUMBER), "レコード番号");
    assert_string_equal(field_code_of_type(p, FT_STATUS_ASSIGNEE), "作業者");
    json_t *st = json_object_get(p, "ステータス");
    assert_true(json_is_false(json_object_get(st, "enabled")));
    assert_null(json_object_get(st, "noLabel"));
    json_t *rn = json_object_get(p, "レコード番号");
    assert_string_equal(field_str(rn, "label"), "レコード番号");
    assert_true(json_is_false(json_object_get(rn, "noLabel")));
    assert_null(field_code_of_type(p, FT_NUMBER));
    json_decref(p);
    p = field_props_new_app(LANG_EN);
    assert_string_equal(field_code_of_type(p, FT_RECORD_NUMBER), "Record_number");
    assert_string_equal(field_code_of_type(p, FT_CATEGORY), "Categories");
    json_decref(p);
}

static void
test_add_normalizes(void **state)
{
    struct env *e = *state;
    json_t *p =
        apply_ok(e, e->base,
                 "{\"s\":{\"type\":\"SINGLE_LINE_TEXT\",\"maxLength\":64,\"minLength\":\"2\","
                 "\"unique\":\"true\",\"required\":true},"
                 "\"n\":{\"type\":\"NUMBER\",\"code\":\"n\",\"minValue\":-1.5,\"maxValue\":\"100\","
                 "\"defaultValue\":5,\"displayScale\":\"2\",\"unitPosition\":\"AFTER\"},"
                 "\"m\":{\"type\":\"MULTI_LINE_TEXT\",\"unique\":true,\"bogus\":1},"
                 "\"f\":{\"type\":\"FILE\",\"thumbnailSize\":250},"
                 "\"c\":{\"type\":\"CALC\",\"expression\":\"num*2\",\"format\":\"NUMBER_DIGIT\"}}",
                 true);
    json_t *s = json_object_get(p, "s");
    assert_string_equal(field_str(s, "code"), "s");
    assert_string_equal(field_str(s, "label"), "s");
    assert_string_equal(field_str(s, "maxLength"), "64");
    assert_string_equal(field_str(s, "minLength"), "2");
    assert_true(field_bool(s, "unique"));
    assert_true(json_is_true(json_object_get(s, "unique")));
    assert_true(json_is_true(json_object_get(s, "required")));
    assert_string_equal(field_str(s, "defaultValue"), "");
    assert_string_equal(field_str(s, "expression"), "");
    assert_true(json_is_false(json_object_get(s, "noLabel")));
    json_t *n = json_object_get(p, "n");
    assert_string_equal(field_str(n, "minValue"), "-1.5");
    assert_string_equal(field_str(n, "maxValue"), "100");
    assert_string_equal(field_str(n, "defaultValue"), "5");
    assert_string_equal(field_str(n, "displayScale"), "2");
    assert_string_equal(field_str(n, "unitPosition"), "AFTER");
    assert_true(json_is_false(json_object_get(n, "digit")));
    json_t *m = json_object_get(p, "m");
    assert_null(json_object_get(m, "unique")); /* silently dropped, as kintone */
    assert_null(json_object_get(m, "bogus"));
    assert_string_equal(field_str(json_object_get(p, "f"), "thumbnailSize"), "250");
    json_t *c = json_object_get(p, "c");
    assert_string_equal(field_str(c, "format"), "NUMBER_DIGIT");
    assert_string_equal(field_str(c, "unitPosition"), "BEFORE");
    /* existing fields kept, in order, new ones appended */
    void *it = json_object_iter(p);
    assert_string_equal(json_object_iter_key(it), "レコード番号");
    assert_non_null(json_object_get(p, "title"));
    /* the inner fields of the base table were normalized too */
    const char *table = NULL;
    const json_t *qty = field_find(p, "qty", &table);
    assert_non_null(qty);
    assert_string_equal(table, "tbl");
    assert_true(json_is_false(json_object_get(qty, "unique")));
    assert_null(field_find(p, "nope", &table));
    assert_null(table);
    assert_non_null(field_find(p, "title", &table));
    assert_null(table);
}

static void
test_add_code_errors(void **state)
{
    struct env *e = *state;
    assert_string_equal(
        apply_err(e, e->base, "{\"title\":{\"type\":\"NUMBER\"}}", true, "properties.title"),
        "フィールドコード「title」が重複しています。");
    apply_err(e, e->base, "{\"qty\":{\"type\":\"NUMBER\"}}", true, "properties.qty");
    apply_err(e, e->base, "{\"作成者\":{\"type\":\"NUMBER\"}}", true, "properties.作成者");
    apply_err(e, e->base, "{\"x\":{\"type\":\"NUMBER\",\"code\":\"y\"}}", true,
              "properties.x.code");
    assert_string_equal(
        apply_err(e, e->base, "{\"1a\":{\"type\":\"NUMBER\"}}", true, "properties.1a.code"),
        "先頭に数字が使用されているか、使用できない記号、またはスペースが含まれているため保存できま"
        "せん。");
    apply_err(e, e->base, "{\"a b\":{\"type\":\"NUMBER\"}}", true, "properties.a b.code");
    apply_err(e, e->base, "{\"x\":{\"type\":\"NUMBER\",\"code\":5}}", true, "properties.x.code");
    apply_err(e, e->base, "{\"x\":[]}", true, "properties.x");
    apply_err(e, e->base,
              "{\"t\":{\"type\":\"SUBTABLE\",\"fields\":{"
              "\"title\":{\"type\":\"NUMBER\"}}}}",
              true, "properties.t.fields.title");
    apply_err(e, e->base,
              "{\"t\":{\"type\":\"SUBTABLE\",\"fields\":{"
              "\"t\":{\"type\":\"NUMBER\"}}}}",
              true, "properties.t.fields.t");
    json_t *out = (json_t *)1;
    reset_fail(e, LANG_JA);
    assert_int_equal(field_props_apply(&e->c, e->base, J(e, "[]"), true, &out), ERR_INVALID);
    assert_non_null(json_object_get(e->f.errors, "properties"));
}

static void
test_add_type_errors(void **state)
{
    struct env *e = *state;
    assert_string_equal(
        apply_err(e, e->base, "{\"x\":{\"type\":\"FOO\"}}", true, "properties.x.type"),
        "フィールドの種類「FOO」は指定できません。");
    apply_err(e, e->base, "{\"x\":{}}", true, "properties.x.type");
    apply_err(e, e->base, "{\"x\":{\"type\":\"RECORD_NUMBER\"}}", true, "properties.x.type");
    apply_err(e, e->base, "{\"x\":{\"type\":\"STATUS\"}}", true, "properties.x.type");
    apply_err(e, e->base, "{\"x\":{\"type\":\"LABEL\"}}", true, "properties.x.type");
    apply_err(e, e->base,
              "{\"t\":{\"type\":\"SUBTABLE\",\"fields\":{"
              "\"in\":{\"type\":\"SUBTABLE\",\"fields\":{}}}}}",
              true, "properties.t.fields.in.type");
    apply_err(e, e->base,
              "{\"t\":{\"type\":\"SUBTABLE\",\"fields\":{"
              "\"in\":{\"type\":\"GROUP\"}}}}",
              true, "properties.t.fields.in.type");
    apply_err(e, e->base,
              "{\"t\":{\"type\":\"SUBTABLE\",\"fields\":{"
              "\"in\":{\"type\":\"CREATOR\"}}}}",
              true, "properties.t.fields.in.type");
    assert_string_equal(apply_err(e, e->base, "{\"t\":{\"type\":\"SUBTABLE\",\"fields\":{}}}", true,
                                  "properties.t.fields"),
                        "テーブルには1つ以上のフィールドが必要です。");
    apply_err(e, e->base, "{\"t\":{\"type\":\"SUBTABLE\"}}", true, "properties.t.fields");
    /* GROUP / REFERENCE_TABLE are creatable */
    json_t *p = apply_ok(e, e->base,
                         "{\"g\":{\"type\":\"GROUP\",\"openGroup\":true},"
                         "\"r\":{\"type\":\"REFERENCE_TABLE\",\"referenceTable\":{"
                         "\"relatedApp\":{\"app\":\"3\"},\"condition\":{\"field\":\"title\","
                         "\"relatedField\":\"x\"}}}}",
                         true);
    assert_true(field_bool(json_object_get(p, "g"), "openGroup"));
    apply_err(e, e->base, "{\"r\":{\"type\":\"REFERENCE_TABLE\"}}", true,
              "properties.r.referenceTable");
}

static void
test_add_numbers(void **state)
{
    struct env *e = *state;
    assert_string_equal(apply_err(e, e->base,
                                  "{\"x\":{\"type\":\"SINGLE_LINE_TEXT\",\"maxLength\":\"abc\"}}",
                                  true, "properties.x.maxLength"),
                        "数字でなければなりません。");
    apply_err(e, e->base, "{\"x\":{\"type\":\"SINGLE_LINE_TEXT\",\"maxLength\":true}}", true,
              "properties.x.maxLength");
    apply_err(e, e->base, "{\"x\":{\"type\":\"SINGLE_LINE_TEXT\",\"maxLength\":-1}}", true,
              "properties.x.maxLength");
    assert_string_equal(apply_err(e, e->base, "{\"x\":{\"type\":\"LINK\",\"maxLength\":\"2.5\"}}",
                                  true, "properties.x.maxLength"),
                        "整数でなければなりません。");
    assert_string_equal(apply_err(e, e->base,
                                  "{\"x\":{\"type\":\"SINGLE_LINE_TEXT\",\"minLength\":10,"
                                  "\"maxLength\":5}}",
                                  true, "properties.x.minLength"),
                        "最小値が最大値を超えています。");
    apply_err(e, e->base, "{\"x\":{\"type\":\"NUMBER\",\"minValue\":\"10\",\"maxValue\":\"9.5\"}}",
              true, "properties.x.minValue");
    apply_err(e, e->base, "{\"x\":{\"type\":\"NUMBER\",\"displayScale\":11}}", true,
              "properties.x.displayScale");
    apply_err(e, e->base, "{\"x\":{\"type\":\"NUMBER\",\"defaultValue\":\"abc\"}}", true,
              "properties.x.defaultValue");
    apply_err(e, e->base, "{\"x\":{\"type\":\"NUMBER\",\"defaultValue\":\"200\",\"maxValue\":100}}",
              true, "properties.x.defaultValue");
    apply_err(e, e->base,
              "{\"x\":{\"type\":\"SINGLE_LINE_TEXT\",\"defaultValue\":\"abcdef\",\"maxLength\":3}}",
              true, "properties.x.defaultValue");
    apply_err(e, e->base, "{\"x\":{\"type\":\"SINGLE_LINE_TEXT\",\"required\":\"yes\"}}", true,
              "properties.x.required");
    apply_err(e, e->base, "{\"x\":{\"type\":\"SINGLE_LINE_TEXT\",\"label\":5}}", true,
              "properties.x.label");
    /* same min and max are fine; "" means unset */
    json_t *p = apply_ok(e, e->base,
                         "{\"x\":{\"type\":\"NUMBER\",\"minValue\":\"5\",\"maxValue\":5},"
                         "\"y\":{\"type\":\"SINGLE_LINE_TEXT\",\"maxLength\":\"\"}}",
                         true);
    assert_string_equal(field_str(json_object_get(p, "y"), "maxLength"), "");
}

static void
test_add_options(void **state)
{
    struct env *e = *state;
    json_t *p =
        apply_ok(e, e->base,
                 "{\"cb\":{\"type\":\"CHECK_BOX\",\"options\":{\"A\":{\"label\":\"A\",\"index\":0},"
                 "\"B\":{\"index\":\"1\"}},\"defaultValue\":[\"B\"],\"align\":\"VERTICAL\"},"
                 "\"dd\":{\"type\":\"DROP_DOWN\",\"options\":{\"x\":{\"label\":\"x\"}},"
                 "\"defaultValue\":\"x\"},"
                 "\"rb\":{\"type\":\"RADIO_BUTTON\",\"options\":{\"x\":{}}}}",
                 true);
    json_t *cb = json_object_get(p, "cb");
    assert_string_equal(field_str(json_object_get(json_object_get(cb, "options"), "A"), "index"),
                        "0");
    assert_string_equal(field_str(json_object_get(json_object_get(cb, "options"), "B"), "label"),
                        "B");
    assert_string_equal(json_string_value(json_array_get(json_object_get(cb, "defaultValue"), 0)),
                        "B");
    assert_string_equal(field_str(cb, "align"), "VERTICAL");
    assert_string_equal(field_str(json_object_get(p, "rb"), "align"), "HORIZONTAL");
    assert_string_equal(field_str(json_object_get(p, "rb"), "defaultValue"), "");
    apply_err(e, e->base, "{\"cb\":{\"type\":\"CHECK_BOX\",\"options\":{\"A\":{\"label\":\"B\"}}}}",
              true, "properties.cb.options.A.label");
    apply_err(e, e->base, "{\"cb\":{\"type\":\"CHECK_BOX\",\"options\":[\"A\"]}}", true,
              "properties.cb.options");
    apply_err(e, e->base, "{\"cb\":{\"type\":\"CHECK_BOX\",\"options\":{\"A\":\"A\"}}}", true,
              "properties.cb.options.A");
    apply_err(e, e->base, "{\"cb\":{\"type\":\"CHECK_BOX\",\"options\":{\"A\":{\"index\":\"x\"}}}}",
              true, "properties.cb.options.A.index");
    assert_string_equal(apply_err(e, e->base,
                                  "{\"cb\":{\"type\":\"CHECK_BOX\",\"options\":{\"A\":{}},"
                                  "\"defaultValue\":[\"A\",\"Z\"]}}",
                                  true, "properties.cb.defaultValue[1]"),
                        "\"Z\"は選択肢にありません。");
    apply_err(e, e->base,
              "{\"cb\":{\"type\":\"MULTI_SELECT\",\"options\":{\"A\":{}},\"defaultValue\":\"A\"}}",
              true, "properties.cb.defaultValue");
    apply_err(e, e->base,
              "{\"dd\":{\"type\":\"DROP_DOWN\",\"options\":{\"A\":{}},\"defaultValue\":\"Q\"}}",
              true, "properties.dd.defaultValue");
    apply_err(e, e->base,
              "{\"rb\":{\"type\":\"RADIO_BUTTON\",\"options\":{\"A\":{}},\"align\":\"DIAGONAL\"}}",
              true, "properties.rb.align");
}

static void
test_add_dates_entities(void **state)
{
    struct env *e = *state;
    json_t *p = apply_ok(
        e, e->base,
        "{\"d\":{\"type\":\"DATE\",\"defaultValue\":\"2024-02-29\",\"unique\":true},"
        "\"t\":{\"type\":\"TIME\",\"defaultValue\":\"09:30:15\",\"defaultNowValue\":\"true\"},"
        "\"dt\":{\"type\":\"DATETIME\",\"defaultValue\":\"2012-07-19T09:00+09:00\"},"
        "\"u\":{\"type\":\"USER_SELECT\",\"entities\":[{\"code\":\"g1\",\"type\":\"GROUP\"}],"
        "  \"defaultValue\":[{\"code\":\"LOGINUSER()\",\"type\":\"FUNCTION\"}]},"
        "\"o\":{\"type\":\"ORGANIZATION_SELECT\",\"defaultValue\":[{\"code\":\"PRIMARY_"
        "ORGANIZATION()\",\"type\":\"FUNCTION\"}]}}",
        true);
    assert_string_equal(field_str(json_object_get(p, "d"), "defaultValue"), "2024-02-29");
    assert_true(field_bool(json_object_get(p, "d"), "unique"));
    assert_string_equal(field_str(json_object_get(p, "t"), "defaultValue"), "09:30");
    assert_true(field_bool(json_object_get(p, "t"), "defaultNowValue"));
    assert_null(json_object_get(json_object_get(p, "t"), "unique"));
    assert_string_equal(field_str(json_object_get(p, "dt"), "defaultValue"),
                        "2012-07-19T00:00:00Z");
    assert_int_equal(json_array_size(json_object_get(json_object_get(p, "u"), "entities")), 1);
    apply_err(e, e->base, "{\"d\":{\"type\":\"DATE\",\"defaultValue\":\"2023-02-29\"}}", true,
              "properties.d.defaultValue");
    apply_err(e, e->base, "{\"d\":{\"type\":\"TIME\",\"defaultValue\":\"25:00\"}}", true,
              "properties.d.defaultValue");
    apply_err(e, e->base, "{\"d\":{\"type\":\"DATETIME\",\"defaultValue\":\"yesterday\"}}", true,
              "properties.d.defaultValue");
    apply_err(e, e->base, "{\"d\":{\"type\":\"DATE\",\"defaultValue\":20240101}}", true,
              "properties.d.defaultValue");
    apply_err(
        e, e->base,
        "{\"g\":{\"type\":\"GROUP_SELECT\",\"entities\":[{\"code\":\"u\",\"type\":\"USER\"}]}}",
        true, "properties.g.entities[0]");
    apply_err(e, e->base,
              "{\"u\":{\"type\":\"USER_SELECT\",\"entities\":[{\"code\":\"LOGINUSER()\",\"type\":"
              "\"FUNCTION\"}]}}",
              true, "properties.u.entities[0]");
    apply_err(e, e->base, "{\"u\":{\"type\":\"USER_SELECT\",\"defaultValue\":[{\"code\":\"x\"}]}}",
              true, "properties.u.defaultValue[0]");
    apply_err(e, e->base, "{\"l\":{\"type\":\"LINK\",\"protocol\":\"FTP\"}}", true,
              "properties.l.protocol");
    apply_err(e, e->base, "{\"f\":{\"type\":\"FILE\",\"thumbnailSize\":\"100\"}}", true,
              "properties.f.thumbnailSize");
}

static void
test_formulas(void **state)
{
    struct env *e = *state;
    apply_err(e, e->base, "{\"c\":{\"type\":\"CALC\"}}", true, "properties.c.expression");
    assert_string_equal(apply_err(e, e->base,
                                  "{\"c\":{\"type\":\"CALC\",\"expression\":\"num +\"}}", true,
                                  "properties.c.expression"),
                        "計算式の文法が正しくありません。");
    assert_string_equal(apply_err(e, e->base,
                                  "{\"c\":{\"type\":\"CALC\",\"expression\":\"nope*2\"}}", true,
                                  "properties.c.expression"),
                        "計算式に含まれるフィールドコード（nope）が存在しません。");
    assert_string_equal(
        apply_err(e, e->base, "{\"c\":{\"type\":\"CALC\",\"expression\":\"memo\"}}", true,
                  "properties.c.expression"),
        "計算式で利用できないフィールドタイプ(MULTI_LINE_TEXT)が指定されています。");
    apply_err(e, e->base, "{\"c\":{\"type\":\"CALC\",\"expression\":\"レコード番号+1\"}}", true,
              "properties.c.expression");
    assert_string_equal(apply_err(e, e->base,
                                  "{\"c\":{\"type\":\"CALC\",\"expression\":\"qty*2\"}}", true,
                                  "properties.c.expression"),
                        "配列型の値に対して適切な関数が利用されていません。");
    apply_err(e, e->base, "{\"c\":{\"type\":\"CALC\",\"expression\":\"SUM(qty*2)\"}}", true,
              "properties.c.expression");
    apply_err(e, e->base, "{\"c\":{\"type\":\"CALC\",\"expression\":\"c+1\"}}", true,
              "properties.c.expression");
    assert_string_equal(
        apply_err(e, e->base,
                  "{\"c1\":{\"type\":\"CALC\",\"expression\":\"c2+1\"},"
                  "\"c2\":{\"type\":\"CALC\",\"expression\":\"c3*2\"},"
                  "\"c3\":{\"type\":\"SINGLE_LINE_TEXT\",\"expression\":\"c1&\\\"x\\\"\"}}",
                  true, "properties.c1.expression"),
        "フィールドの参照が循環しています。");
    apply_err(e, e->base,
              "{\"c\":{\"type\":\"CALC\",\"expression\":\"1\",\"format\":\"CURRENCY\"}}", true,
              "properties.c.format");
    apply_err(e, e->base, "{\"s\":{\"type\":\"SINGLE_LINE_TEXT\",\"expression\":\"FOO()\"}}", true,
              "properties.s.expression");
    /* a formula inside a table may read its row and the top level */
    apply_ok(e, e->base,
             "{\"t2\":{\"type\":\"SUBTABLE\",\"fields\":{"
             "\"a\":{\"type\":\"NUMBER\"},"
             "\"b\":{\"type\":\"CALC\",\"expression\":\"a * num + SUM(a)\"}}},"
             "\"s\":{\"type\":\"SINGLE_LINE_TEXT\",\"expression\":\"title & total & 作成日時\"},"
             "\"d\":{\"type\":\"CALC\",\"expression\":\"SUM(b)\"}}",
             true);
    /* but not another table's columns */
    apply_err(e, e->base,
              "{\"t2\":{\"type\":\"SUBTABLE\",\"fields\":{"
              "\"b\":{\"type\":\"CALC\",\"expression\":\"qty * 2\"}}}}",
              true, "properties.t2.fields.b.expression");
    reset_fail(e, LANG_EN);
    json_t *out = NULL;
    assert_int_equal(field_props_apply(&e->c, e->base,
                                       J(e, "{\"c\":{\"type\":\"CALC\",\"expression\":\"1+\"}}"),
                                       true, &out),
                     ERR_INVALID);
    assert_string_equal(
        json_string_value(json_array_get(
            json_object_get(json_object_get(e->f.errors, "properties.c.expression"), "messages"),
            0)),
        "The formula syntax is incorrect.");
}

static void
test_lookup(void **state)
{
    struct env *e = *state;
    json_t *p =
        apply_ok(e, e->base,
                 "{\"k\":{\"type\":\"SINGLE_LINE_TEXT\",\"lookup\":{\"relatedApp\":{\"app\":7},"
                 "\"relatedKeyField\":\"code\",\"fieldMappings\":[{\"field\":\"memo\","
                 "\"relatedField\":\"name\"}]}}}",
                 true);
    json_t *l = json_object_get(json_object_get(p, "k"), "lookup");
    assert_string_equal(field_str(json_object_get(l, "relatedApp"), "app"), "7");
    assert_string_equal(field_str(l, "filterCond"), "");
    assert_true(json_is_array(json_object_get(l, "lookupPickerFields")));
    apply_err(e, e->base,
              "{\"k\":{\"type\":\"SINGLE_LINE_TEXT\",\"lookup\":{\"relatedApp\":{\"app\":7},"
              "\"relatedKeyField\":\"code\",\"fieldMappings\":[{\"field\":\"nope\","
              "\"relatedField\":\"name\"}]}}}",
              true, "properties.k.lookup.fieldMappings[0].field");
    apply_err(e, e->base, "{\"k\":{\"type\":\"NUMBER\",\"lookup\":{\"relatedKeyField\":\"c\"}}}",
              true, "properties.k.lookup.relatedApp");
    apply_err(e, e->base,
              "{\"k\":{\"type\":\"NUMBER\",\"lookup\":{\"relatedApp\":{\"app\":\"1\"}}}}", true,
              "properties.k.lookup.relatedKeyField");
}

static void
test_update(void **state)
{
    struct env *e = *state;
    json_t *p = apply_ok(e, e->base,
                         "{\"title\":{\"label\":\"題名\",\"maxLength\":10},"
                         "\"num\":{\"type\":\"NUMBER\",\"code\":\"amount\"},"
                         "\"total\":{\"expression\":\"SUM(qty) + amount\"},"
                         "\"レコード番号\":{\"code\":\"No\",\"label\":\"番号\"},"
                         "\"tbl\":{\"fields\":{\"qty\":{\"maxValue\":9},"
                         "  \"note\":{\"type\":\"SINGLE_LINE_TEXT\"}}}}",
                         false);
    json_t *title = json_object_get(p, "title");
    assert_string_equal(field_str(title, "label"), "題名");
    assert_string_equal(field_str(title, "maxLength"), "10");
    assert_string_equal(field_str(title, "type"), "SINGLE_LINE_TEXT");
    assert_null(json_object_get(p, "num"));
    assert_string_equal(field_str(json_object_get(p, "amount"), "code"), "amount");
    assert_string_equal(field_str(json_object_get(p, "amount"), "label"), "数");
    assert_string_equal(field_code_of_type(p, FT_RECORD_NUMBER), "No");
    assert_string_equal(field_str(json_object_get(p, "No"), "label"), "番号");
    const json_t *qty = field_find(p, "qty", NULL);
    assert_string_equal(field_str(qty, "maxValue"), "9");
    assert_string_equal(field_str(qty, "label"), "qty");
    assert_non_null(field_find(p, "price", NULL));
    assert_non_null(field_find(p, "note", NULL));
    /* the renamed field keeps its place */
    const char *order[16];
    int n = 0;
    const char *k;
    json_t *v;
    json_object_foreach(p, k, v)
    {
        order[n++] = k;
    }
    int pos_amount = -1, pos_title = -1;
    for (int i = 0; i < n; i++) {
        if (strcmp(order[i], "amount") == 0)
            pos_amount = i;
        if (strcmp(order[i], "title") == 0)
            pos_title = i;
    }
    assert_int_equal(pos_amount, pos_title + 1);
    /* the base is untouched */
    assert_string_equal(field_str(json_object_get(e->base, "title"), "label"), "件名");
}

static void
test_update_errors(void **state)
{
    struct env *e = *state;
    assert_string_equal(
        apply_err(e, e->base, "{\"nope\":{\"label\":\"x\"}}", false, "properties.nope"),
        "指定したフィールド（nope）が見つかりません。");
    apply_err(e, e->base, "{\"qty\":{\"label\":\"x\"}}", false, "properties.qty");
    assert_string_equal(
        apply_err(e, e->base, "{\"title\":{\"type\":\"NUMBER\"}}", false, "properties.title.type"),
        "フィールドの種類は変更できません。");
    apply_err(e, e->base, "{\"title\":{\"code\":\"num\"}}", false, "properties.title");
    apply_err(e, e->base, "{\"title\":{\"code\":\"qty\"}}", false, "properties.title");
    apply_err(e, e->base, "{\"title\":{\"code\":\"bad code\"}}", false, "properties.title.code");
    apply_err(e, e->base, "{\"title\":{\"minLength\":5,\"maxLength\":2}}", false,
              "properties.title.minLength");
    apply_err(e, e->base, "{\"title\":\"x\"}", false, "properties.title");
    /* renaming a field a formula reads breaks the formula unless it is updated too */
    apply_err(e, e->base, "{\"num\":{\"code\":\"amount\"}}", false, "properties.total.expression");
    apply_err(e, e->base, "{\"tbl\":{\"fields\":{\"qty\":{\"type\":\"TIME\"}}}}", false,
              "properties.tbl.fields.qty.type");
    apply_err(e, e->base, "{\"tbl\":{\"fields\":{\"qty\":{\"code\":\"price\"}}}}", false,
              "properties.tbl.fields.qty.code");
    apply_err(e, e->base, "{\"tbl\":{\"fields\":{\"x\":{\"type\":\"SUBTABLE\"}}}}", false,
              "properties.tbl.fields.x.type");
    apply_err(e, e->base, "{\"tbl\":{\"fields\":[]}}", false, "properties.tbl.fields");
}

static void
test_delete(void **state)
{
    struct env *e = *state;
    json_t *out = NULL;
    reset_fail(e, LANG_JA);
    assert_int_equal(field_props_delete(&e->c, e->base, J(e, "[\"memo\",\"price\"]"), &out),
                     ERR_OK);
    assert_null(json_object_get(out, "memo"));
    assert_null(field_find(out, "price", NULL));
    assert_non_null(field_find(out, "qty", NULL));
    assert_non_null(field_find(e->base, "price", NULL));
    json_decref(out);

    struct {
        const char *codes, *key, *msg;
    } bad[] = {
        { "[\"nope\"]", "fields[0]", "指定したフィールド（nope）が見つかりません。" },
        { "[\"memo\", 5]", "fields[1]", NULL },
        { "[\"作成者\"]", "fields[0]", "このフィールドは削除できません。" },
        { "[\"num\"]", "fields[0]",
          "フィールド「total」の計算式で使用されているため削除できません。" },
        { "[\"qty\"]", "fields[0]", NULL },
        { "[\"tbl\"]", "fields[0]", NULL }, /* total reads SUM(qty) */
        { "[\"qty\", \"price\"]", "fields[1]", "テーブルには1つ以上のフィールドが必要です。" },
    };
    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        out = (json_t *)1;
        reset_fail(e, LANG_JA);
        assert_int_equal(field_props_delete(&e->c, e->base, J(e, bad[k].codes), &out), ERR_INVALID);
        assert_null(out);
        json_t *ent = json_object_get(e->f.errors, bad[k].key);
        if (!ent)
            fail_msg("case %zu: no error at %s", k, bad[k].key);
        if (bad[k].msg)
            assert_string_equal(
                json_string_value(json_array_get(json_object_get(ent, "messages"), 0)), bad[k].msg);
    }
    reset_fail(e, LANG_JA);
    assert_int_equal(field_props_delete(&e->c, e->base, J(e, "[]"), &out), ERR_INVALID);
    /* a formula deleted together with what it reads is fine */
    assert_int_equal(field_props_delete(&e->c, e->base, J(e, "[\"tbl\",\"total\"]"), &out), ERR_OK);
    assert_null(field_find(out, "qty", NULL));
    json_decref(out);
}

static void
test_layout_sync(void **state)
{
    struct env *e = *state;
    json_t *l = field_layout_sync(NULL, e->base);
    /* title, num, memo as ROWs, tbl as SUBTABLE, total as ROW */
    assert_int_equal(json_array_size(l), 5);
    json_t *row = json_array_get(l, 0);
    assert_string_equal(field_str(row, "type"), "ROW");
    json_t *el = json_array_get(json_object_get(row, "fields"), 0);
    assert_string_equal(field_str(el, "code"), "title");
    assert_string_equal(field_str(json_object_get(el, "size"), "width"), "193");
    json_t *memo = json_array_get(json_object_get(json_array_get(l, 2), "fields"), 0);
    assert_string_equal(field_str(json_object_get(memo, "size"), "innerHeight"), "125");
    json_t *tb = json_array_get(l, 3);
    assert_string_equal(field_str(tb, "type"), "SUBTABLE");
    assert_int_equal(json_array_size(json_object_get(tb, "fields")), 2);
    json_decref(l);

    json_t *layout =
        J(e, "[{\"type\":\"ROW\",\"fields\":["
             "  {\"type\":\"RECORD_NUMBER\",\"code\":\"old\",\"size\":{\"width\":\"100\"}},"
             "  {\"type\":\"LABEL\",\"label\":\"<b>x</b>\",\"size\":{\"width\":\"50\"}},"
             "  {\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"title\",\"size\":{\"width\":\"300\"}},"
             "  {\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"title\"}]},"
             " {\"type\":\"ROW\",\"fields\":[{\"type\":\"NUMBER\",\"code\":\"gone\"}]},"
             " {\"type\":\"SUBTABLE\",\"code\":\"tbl\",\"fields\":["
             "  {\"type\":\"NUMBER\",\"code\":\"price\"},{\"type\":\"NUMBER\",\"code\":\"x\"}]},"
             " {\"type\":\"GROUP\",\"code\":\"nogroup\",\"layout\":[]}]");
    l = field_layout_sync(layout, e->base);
    /* row 1 kept (system field followed by type, duplicate dropped), row 2 emptied → dropped,
     * table kept with qty appended, then num, memo, total appended */
    assert_int_equal(json_array_size(l), 5);
    json_t *r0 = json_object_get(json_array_get(l, 0), "fields");
    assert_int_equal(json_array_size(r0), 3);
    assert_string_equal(field_str(json_array_get(r0, 0), "code"), "レコード番号");
    assert_string_equal(field_str(json_object_get(json_array_get(r0, 2), "size"), "width"), "300");
    json_t *t = json_object_get(json_array_get(l, 1), "fields");
    assert_int_equal(json_array_size(t), 2);
    assert_string_equal(field_str(json_array_get(t, 0), "code"), "price");
    assert_string_equal(field_str(json_array_get(t, 1), "code"), "qty");
    assert_string_equal(
        field_str(json_array_get(json_object_get(json_array_get(l, 4), "fields"), 0), "code"),
        "total");
    json_decref(l);

    json_t *p = apply_ok(e, e->base, "{\"g\":{\"type\":\"GROUP\"}}", true);
    l = field_layout_sync(NULL, p);
    json_t *g = json_array_get(l, 5);
    assert_string_equal(field_str(g, "type"), "GROUP");
    assert_true(json_is_array(json_object_get(g, "layout")));
    json_decref(l);
}

static void
test_layout_validate(void **state)
{
    struct env *e = *state;
    json_t *p = apply_ok(e, e->base, "{\"g\":{\"type\":\"GROUP\"}}", true);
    reset_fail(e, LANG_JA);
    assert_int_equal(
        field_layout_validate(
            &e->c, p,
            J(e, "[{\"type\":\"ROW\",\"fields\":[{\"type\":\"SINGLE_LINE_TEXT\","
                 "\"code\":\"title\",\"size\":{\"width\":200}},{\"type\":\"HR\"},"
                 "{\"type\":\"RECORD_NUMBER\",\"code\":\"レコード番号\"}]},"
                 "{\"type\":\"SUBTABLE\",\"code\":\"tbl\",\"fields\":[{\"type\":\"NUMBER\","
                 "\"code\":\"qty\"}]},"
                 "{\"type\":\"GROUP\",\"code\":\"g\",\"layout\":[{\"type\":\"ROW\","
                 "\"fields\":[{\"type\":\"NUMBER\",\"code\":\"num\"}]}]}]")),
        ERR_OK);
    struct {
        const char *layout, *key;
    } bad[] = {
        { "{}", "layout" },
        { "[5]", "layout[0]" },
        { "[{\"type\":\"COLUMN\"}]", "layout[0].type" },
        { "[{\"type\":\"ROW\",\"fields\":{}}]", "layout[0].fields" },
        { "[{\"type\":\"ROW\",\"fields\":[{\"type\":\"NUMBER\",\"code\":\"nope\"}]}]",
          "layout[0].fields[0].code" },
        { "[{\"type\":\"ROW\",\"fields\":[{\"type\":\"NUMBER\",\"code\":\"title\"}]}]",
          "layout[0].fields[0].type" },
        { "[{\"type\":\"ROW\",\"fields\":[{\"type\":\"NUMBER\",\"code\":\"qty\"}]}]",
          "layout[0].fields[0].code" },
        { "[{\"type\":\"ROW\",\"fields\":[{\"type\":\"NUMBER\",\"code\":\"num\"},"
          "{\"type\":\"NUMBER\",\"code\":\"num\"}]}]",
          "layout[0].fields[1].code" },
        { "[{\"type\":\"ROW\",\"fields\":[{\"type\":\"SUBTABLE\",\"code\":\"tbl\"}]}]",
          "layout[0].fields[0].code" },
        { "[{\"type\":\"ROW\",\"fields\":[{\"type\":\"LABEL\"}]}]", "layout[0].fields[0].label" },
        { "[{\"type\":\"ROW\",\"fields\":[{\"type\":\"NUMBER\",\"code\":\"num\","
          "\"size\":{\"width\":\"wide\"}}]}]",
          "layout[0].fields[0].size" },
        { "[{\"type\":\"SUBTABLE\",\"code\":\"title\",\"fields\":[]}]", "layout[0].code" },
        { "[{\"type\":\"SUBTABLE\",\"code\":\"tbl\",\"fields\":[{\"type\":\"HR\"}]}]",
          "layout[0].fields[0].type" },
        { "[{\"type\":\"SUBTABLE\",\"code\":\"tbl\",\"fields\":[{\"type\":\"NUMBER\","
          "\"code\":\"num\"}]}]",
          "layout[0].fields[0].code" },
        { "[{\"type\":\"GROUP\",\"code\":\"g\",\"layout\":[{\"type\":\"SUBTABLE\","
          "\"code\":\"tbl\",\"fields\":[]}]}]",
          "layout[0].layout[0].type" },
        { "[{\"type\":\"GROUP\",\"code\":\"tbl\",\"layout\":[]}]", "layout[0].code" },
        { "[{\"type\":\"GROUP\",\"code\":\"g\"},{\"type\":\"GROUP\",\"code\":\"g\"}]",
          "layout[1].code" },
    };
    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        reset_fail(e, LANG_JA);
        assert_int_equal(field_layout_validate(&e->c, p, J(e, bad[k].layout)), ERR_INVALID);
        if (!json_object_get(e->f.errors, bad[k].key)) {
            char *s = json_dumps(e->f.errors, JSON_COMPACT);
            print_error("case %zu errors: %s\n", k, s);
            free(s);
            fail_msg("case %zu: no error at %s", k, bad[k].key);
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_codes),
        cmocka_unit_test(test_new_app),
        cmocka_unit_test_setup_teardown(test_add_normalizes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_code_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_type_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_options, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_dates_entities, setup, teardown),
        cmocka_unit_test_setup_teardown(test_formulas, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_layout_sync, setup, teardown),
        cmocka_unit_test_setup_teardown(test_layout_validate, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
