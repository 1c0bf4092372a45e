/* Unit tests for record values (src/domain/value_in.c, value_out.c, value_html.c): defaults,
 * required (with kintone's key suffixes), lengths, numbers, options, dates, links, entities,
 * files through the hooks, subtable create/update semantics, formulas, system fields, unknown
 * codes, rich text sanitising, the GET wire shape and the unique feed. The app is built with
 * field_props_apply() so the properties have exactly the stored shape. The clock is fixed at
 * 2024-03-15T16:30:00Z (2024-03-16 01:30 in Asia/Tokyo, the caller's zone). */
#include "core/arena.h"
#include "core/err.h"
#include "domain/ctx.h"
#include "domain/field.h"
#include "domain/value.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define NOW 1710520200 /* 2024-03-15T16:30:00Z */

static const char *fields_json =
    "{"
    "\"title\":{\"type\":\"SINGLE_LINE_TEXT\",\"required\":true,\"minLength\":2,\"maxLength\":5,"
    "\"unique\":true},"
    "\"def_text\":{\"type\":\"SINGLE_LINE_TEXT\",\"defaultValue\":\"デフォルト\"},"
    "\"req_def\":{\"type\":\"SINGLE_LINE_TEXT\",\"required\":true,\"defaultValue\":\"x\"},"
    "\"num\":{\"type\":\"NUMBER\",\"minValue\":0,\"maxValue\":100,\"unique\":true},"
    "\"req_num\":{\"type\":\"NUMBER\",\"required\":true},"
    "\"big\":{\"type\":\"NUMBER\"},"
    "\"memo\":{\"type\":\"MULTI_LINE_TEXT\",\"defaultValue\":\"m\"},"
    "\"rich\":{\"type\":\"RICH_TEXT\"},"
    "\"link\":{\"type\":\"LINK\",\"unique\":true},"
    "\"mail\":{\"type\":\"LINK\",\"protocol\":\"MAIL\"},"
    "\"radio\":{\"type\":\"RADIO_BUTTON\",\"required\":true,\"options\":{\"A\":{},\"B\":{}},"
    "\"defaultValue\":\"A\"},"
    "\"drop\":{\"type\":\"DROP_DOWN\",\"options\":{\"X\":{},\"Y\":{}}},"
    "\"chk\":{\"type\":\"CHECK_BOX\",\"required\":true,\"options\":{\"A\":{},\"B\":{},\"C\":{}},"
    "\"defaultValue\":[\"A\"]},"
    "\"multi\":{\"type\":\"MULTI_SELECT\",\"options\":{\"P\":{},\"Q\":{}}},"
    "\"d\":{\"type\":\"DATE\",\"defaultNowValue\":true,\"unique\":true},"
    "\"d2\":{\"type\":\"DATE\",\"defaultValue\":\"2020-01-15\"},"
    "\"tm\":{\"type\":\"TIME\",\"defaultNowValue\":true},"
    "\"dt\":{\"type\":\"DATETIME\",\"defaultNowValue\":true},"
    "\"dt2\":{\"type\":\"DATETIME\"},"
    "\"user\":{\"type\":\"USER_SELECT\",\"required\":true,\"defaultValue\":[{\"code\":\"LOGINUSER()"
    "\",\"type\":\"FUNCTION\"}]},"
    "\"org\":{\"type\":\"ORGANIZATION_SELECT\"},"
    "\"file\":{\"type\":\"FILE\"},"
    "\"calc\":{\"type\":\"CALC\",\"expression\":\"num * 2\"},"
    "\"sumc\":{\"type\":\"CALC\",\"expression\":\"SUM(sub)\"},"
    "\"ctime\":{\"type\":\"CALC\",\"expression\":\"作成日時\",\"format\":\"DATETIME\"},"
    "\"text_calc\":{\"type\":\"SINGLE_LINE_TEXT\",\"expression\":\"title & \\\"-\\\" & num\"},"
    "\"grp\":{\"type\":\"GROUP\"},"
    "\"items\":{\"type\":\"SUBTABLE\",\"fields\":{"
    "  \"name\":{\"type\":\"SINGLE_LINE_TEXT\",\"required\":true},"
    "  \"qty\":{\"type\":\"NUMBER\"},"
    "  \"price\":{\"type\":\"NUMBER\",\"defaultValue\":\"10\"},"
    "  \"kind\":{\"type\":\"RADIO_BUTTON\",\"options\":{\"A\":{},\"B\":{}},\"defaultValue\":\"A\"},"
    "  \"cbx\":{\"type\":\"CHECK_BOX\",\"options\":{\"X\":{},\"Y\":{},\"Z\":{}}},"
    "  \"sub\":{\"type\":\"CALC\",\"expression\":\"qty * price\"}}}"
    "}";

struct hooks_state {
    int file_calls;
    int64_t next_id;
};

struct env {
    struct arena *a;
    struct fail f;
    struct ctx c;
    json_t *props;
    struct hooks_state hs;
    struct value_hooks h;
};

static enum err
resolve_file(void *arg, const char *key, json_t **obj)
{
    struct hooks_state *hs = arg;
    hs->file_calls++;
    if (strcmp(key, "boom") == 0)
        return ERR_FILE_NOT_FOUND;
    if (strncmp(key, "up", 2) != 0)
        return ERR_INVALID;
    *obj = json_pack("{s:s,s:s,s:s,s:i}", "fileKey", key[2] == '1' ? "dl1" : "dl2", "name", "a.txt",
                     "contentType", "text/plain", "size", 12);
    return ERR_OK;
}

static bool
entity_exists(void *arg, const char *kind, const char *code)
{
    (void)arg;
    if (strcmp(kind, "USER") == 0)
        return strcmp(code, "alice") == 0 || strcmp(code, "bob") == 0;
    return strcmp(kind, "ORGANIZATION") == 0 && strcmp(code, "org1") == 0;
}

static int64_t
next_row_id(void *arg)
{
    struct hooks_state *hs = arg;
    return hs->next_id++;
}

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

static int
setup(void **state)
{
    struct env *e = calloc(1, sizeof(*e));
    e->a = arena_new();
    fail_init(&e->f, e->a, LANG_JA);
    e->c.arena = e->a;
    e->c.fail = &e->f;
    e->c.now = NOW;
    e->c.tz_offset = 540;
    e->c.who.kind = PRIN_USER;
    e->c.who.login = "alice";
    e->hs.next_id = 100;
    e->h = (struct value_hooks){ .arg = &e->hs,
                                 .resolve_file = resolve_file,
                                 .entity_exists = entity_exists,
                                 .next_row_id = next_row_id };
    json_t *sys = field_props_new_app(LANG_JA);
    arena_defer(e->a, (void (*)(void *))json_decref, sys);
    enum err rc = field_props_apply(&e->c, sys, J(e, fields_json), true, &e->props);
    if (rc != ERR_OK) {
        char *s = json_dumps(e->f.errors, 0);
        print_error("%s\n", s);
        free(s);
    }
    assert_int_equal(rc, ERR_OK);
    arena_defer(e->a, (void (*)(void *))json_decref, e->props);
    *state = e;
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
reset(struct env *e, enum lang lang)
{
    fail_init(&e->f, e->a, lang);
}

/* A valid minimal record plus `extra` members (a JSON object body without braces). */
static json_t *
rec(struct env *e, const char *extra)
{
    char *s =
        arena_printf(e->a, "{\"title\":{\"value\":\"abc\"},\"req_num\":{\"value\":\"1\"}%s%s}",
                     *extra ? "," : "", extra);
    return J(e, s);
}

static json_t *
apply(struct env *e, const json_t *in, const json_t *cur, enum value_mode mode, enum err want,
      struct value_sys *sys)
{
    json_t *out = (json_t *)1;
    enum err rc = value_apply(&e->c, e->props, in, cur, mode, "record", &e->h, &out, sys);
    if (rc != want) {
        char *s = json_dumps(e->f.errors, JSON_COMPACT);
        print_error("rc %d, errors: %s\n", rc, s ? s : "null");
        free(s);
    }
    assert_int_equal(rc, want);
    if (want != ERR_OK) {
        assert_null(out);
        return NULL;
    }
    assert_non_null(out);
    arena_defer(e->a, (void (*)(void *))json_decref, out);
    return out;
}

static json_t *
create_ok(struct env *e, const char *extra)
{
    reset(e, LANG_JA);
    return apply(e, rec(e, extra), NULL, VALUE_CREATE, ERR_OK, NULL);
}

/* First message at key after a failed create of rec(extra); NULL if there is no such key. */
static const char *
msg_at(struct env *e, const char *key)
{
    json_t *ent = json_object_get(e->f.errors, key);
    return ent ? json_string_value(json_array_get(json_object_get(ent, "messages"), 0)) : NULL;
}

static const char *
create_err(struct env *e, const char *extra, const char *key)
{
    reset(e, LANG_JA);
    apply(e, rec(e, extra), NULL, VALUE_CREATE, ERR_INVALID, NULL);
    const char *m = msg_at(e, key);
    if (!m) {
        char *s = json_dumps(e->f.errors, JSON_COMPACT);
        print_error("no error at %s; errors: %s\n", key, s ? s : "null");
        free(s);
    }
    assert_non_null(m);
    return m;
}

static const char *
str(const json_t *data, const char *code)
{
    return json_string_value(json_object_get(data, code));
}

static char *
dump(struct env *e, const json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    char *r = arena_strdup(e->a, s);
    free(s);
    return r;
}

static void
test_create_defaults(void **state)
{
    struct env *e = *state;
    json_t *d = create_ok(e, "");
    assert_string_equal(str(d, "title"), "abc");
    assert_int_equal(json_integer_value(json_object_get(d, "req_num")), 1);
    assert_string_equal(str(d, "def_text"), "デフォルト");
    assert_string_equal(str(d, "req_def"), "x");
    assert_string_equal(str(d, "memo"), "m");
    assert_string_equal(str(d, "rich"), "");
    assert_string_equal(str(d, "radio"), "A");
    assert_true(json_is_null(json_object_get(d, "drop")));
    assert_string_equal(dump(e, json_object_get(d, "chk")), "[\"A\"]");
    assert_string_equal(dump(e, json_object_get(d, "multi")), "[]");
    assert_string_equal(str(d, "d"), "2024-03-16"); /* today in Tokyo */
    assert_string_equal(str(d, "d2"), "2020-01-15");
    assert_string_equal(str(d, "tm"), "01:30");
    assert_string_equal(str(d, "dt"), "2024-03-15T16:30:00Z");
    assert_true(json_is_null(json_object_get(d, "dt2")));
    assert_true(json_is_null(json_object_get(d, "num")));
    assert_string_equal(dump(e, json_object_get(d, "user")), "[\"alice\"]");
    assert_string_equal(dump(e, json_object_get(d, "org")), "[]");
    assert_string_equal(dump(e, json_object_get(d, "file")), "[]");
    assert_string_equal(dump(e, json_object_get(d, "items")), "[]");
    assert_int_equal(json_integer_value(json_object_get(d, "calc")), 0);
    assert_string_equal(str(d, "text_calc"), "abc-");
    assert_string_equal(str(d, "ctime"), "2024-03-15T16:30:00Z");
    /* no system, layout-only or unknown keys in data */
    assert_null(json_object_get(d, "レコード番号"));
    assert_null(json_object_get(d, "作成者"));
    assert_null(json_object_get(d, "grp"));
    assert_null(json_object_get(d, "ステータス"));
}

static void
test_explicit_empty_and_required(void **state)
{
    struct env *e = *state;
    json_t *d = create_ok(e, "\"def_text\":{\"value\":\"\"},\"d\":{\"value\":null},"
                             "\"radio\":{\"value\":\"\"}");
    assert_string_equal(str(d, "def_text"), "");
    assert_true(json_is_null(json_object_get(d, "d")));
    assert_true(json_is_null(json_object_get(d, "radio"))); /* required not enforced */
    assert_string_equal(create_err(e, "\"req_def\":{\"value\":\"\"}", "record.req_def.value"),
                        "必須です。");
    create_err(e, "\"chk\":{\"value\":[]}", "record.chk.values");
    create_err(e, "\"user\":{\"value\":[]}", "record.user.values.value");
    create_err(e, "\"req_num\":{}", "record.req_num.value"); /* no "value" = empty */
    reset(e, LANG_EN);
    apply(e, J(e, "{}"), NULL, VALUE_CREATE, ERR_INVALID, NULL);
    assert_string_equal(msg_at(e, "record.title.value"), "Required.");
    assert_non_null(msg_at(e, "record.req_num.value"));
    assert_null(msg_at(e, "record.req_def.value"));
    assert_null(msg_at(e, "record.chk.values"));
    assert_null(msg_at(e, "record.user.values.value"));
    assert_int_equal(json_object_size(e->f.errors), 2);
    assert_int_equal(e->f.code, ERR_INVALID);
}

static void
test_text_length(void **state)
{
    struct env *e = *state;
    reset(e, LANG_EN);
    apply(e, J(e, "{\"title\":{\"value\":\"123456\"},\"req_num\":{\"value\":1}}"), NULL,
          VALUE_CREATE, ERR_INVALID, NULL);
    assert_string_equal(msg_at(e, "record.title.value"), "Enter less than 6 characters.");
    /* characters, not bytes */
    create_ok(e, "\"title\":{\"value\":\"あいうえお\"}");
    create_err(e, "\"title\":{\"value\":\"あいうえおか\"}", "record.title.value");
    create_err(e, "\"title\":{\"value\":\"a\"}", "record.title.value");
    create_err(e, "\"title\":{\"value\":[\"a\"]}", "record.title.value");
    json_t *d = create_ok(e, "\"memo\":{\"value\":42}");
    assert_string_equal(str(d, "memo"), "42");
}

static void
test_numbers(void **state)
{
    struct env *e = *state;
    json_t *d = create_ok(e, "\"num\":{\"value\":\"1.5e1\"},\"big\":{\"value\":\" 42 \"}");
    assert_true(json_is_integer(json_object_get(d, "num")));
    assert_int_equal(json_integer_value(json_object_get(d, "num")), 15);
    assert_int_equal(json_integer_value(json_object_get(d, "big")), 42);
    assert_int_equal(json_integer_value(json_object_get(d, "calc")), 30);
    d = create_ok(e, "\"num\":{\"value\":3.5},\"big\":{\"value\":\"12345678901234567890\"}");
    assert_true(json_real_value(json_object_get(d, "num")) == 3.5);
    assert_true(json_is_real(json_object_get(d, "big")));
    d = create_ok(e, "\"num\":{\"value\":\"\"},\"big\":{\"value\":\"-0.000001\"}");
    assert_true(json_is_null(json_object_get(d, "num")));
    assert_true(json_real_value(json_object_get(d, "big")) == -0.000001);
    d = create_ok(e, "\"big\":{\"value\":9007199254740993}");
    assert_int_equal(json_integer_value(json_object_get(d, "big")), 9007199254740993LL);
    assert_string_equal(create_err(e, "\"num\":{\"value\":\"abc\"}", "record[num].value"),
                        "数字でなければなりません。");
    assert_null(msg_at(e, "record.num.value"));
    create_err(e, "\"req_num\":{\"value\":\"abc\"}", "record[req_num].value");
    assert_string_equal(msg_at(e, "record.req_num.value"), "必須です。");
    create_err(e, "\"num\":{\"value\":\"12abc\"}", "record[num].value");
    create_err(e, "\"num\":{\"value\":\"1,000\"}", "record[num].value");
    create_err(e, "\"num\":{\"value\":\"0x10\"}", "record[num].value");
    assert_string_equal(create_err(e, "\"num\":{\"value\":150}", "record.num.value"),
                        "100以下である必要があります。");
    assert_string_equal(create_err(e, "\"num\":{\"value\":\"-1\"}", "record.num.value"),
                        "0以上である必要があります。");
    assert_string_equal(create_err(e, "\"big\":{\"value\":\"1234567890123456789012345678901\"}",
                                   "record.big.value"),
                        "桁数が多すぎます。");
    create_err(e, "\"big\":{\"value\":true}", "record.big.value");
}

static void
test_options(void **state)
{
    struct env *e = *state;
    assert_string_equal(create_err(e, "\"radio\":{\"value\":\"Z\"}", "record.radio.value"),
                        "\"Z\"は選択肢にありません。");
    create_err(e, "\"drop\":{\"value\":5}", "record.drop.value");
    assert_string_equal(
        create_err(e, "\"chk\":{\"value\":[\"A\",\"X\"]}", "record.chk.values[1].value"),
        "\"X\"は選択肢にありません。");
    assert_null(msg_at(e, "record.chk.values"));
    create_err(e, "\"chk\":{\"value\":[\"X\"]}", "record.chk.values[0].value");
    assert_string_equal(msg_at(e, "record.chk.values"), "必須です。");
    create_err(e, "\"multi\":{\"value\":\"P\"}", "record.multi.value");
    create_err(e, "\"multi\":{\"value\":[1]}", "record.multi.values[0].value");
    json_t *d = create_ok(e, "\"chk\":{\"value\":[\"B\",\"B\",\"A\"]},\"drop\":{\"value\":\"\"},"
                             "\"multi\":{\"value\":null}");
    assert_string_equal(dump(e, json_object_get(d, "chk")), "[\"B\",\"A\"]");
    assert_true(json_is_null(json_object_get(d, "drop")));
    assert_string_equal(dump(e, json_object_get(d, "multi")), "[]");
}

static void
test_dates(void **state)
{
    struct env *e = *state;
    assert_string_equal(create_err(e, "\"d\":{\"value\":\"2024-02-30\"}", "record.d.value"),
                        "日付の形式が不正です。");
    create_err(e, "\"d\":{\"value\":\"2024/01/01\"}", "record.d.value");
    create_err(e, "\"d\":{\"value\":20240101}", "record.d.value");
    create_err(e, "\"tm\":{\"value\":\"24:00\"}", "record.tm.value");
    create_err(e, "\"dt2\":{\"value\":\"2024-03-15\"}", "record.dt2.value");
    create_err(e, "\"dt2\":{\"value\":\"2024-03-15T10:20+9\"}", "record.dt2.value");
    json_t *d = create_ok(e, "\"tm\":{\"value\":\"12:34:56\"},"
                             "\"dt\":{\"value\":\"2024-03-15T10:20:30+09:00\"},"
                             "\"dt2\":{\"value\":\"2024-03-15T10:20\"},"
                             "\"d\":{\"value\":\"2024-02-29\"}");
    assert_string_equal(str(d, "tm"), "12:34");
    assert_string_equal(str(d, "dt"), "2024-03-15T01:20:00Z");
    assert_string_equal(str(d, "dt2"), "2024-03-15T01:20:00Z"); /* caller's zone */
    assert_string_equal(str(d, "d"), "2024-02-29");
    d = create_ok(e, "\"dt2\":{\"value\":\"2024-03-15T23:59:59.999Z\"},\"dt\":{\"value\":\"\"}");
    assert_string_equal(str(d, "dt2"), "2024-03-15T23:59:00Z");
    assert_true(json_is_null(json_object_get(d, "dt")));
}

static void
test_links(void **state)
{
    struct env *e = *state;
    assert_string_equal(
        create_err(e, "\"link\":{\"value\":\"javascript:alert(1)\"}", "record.link.value"),
        "URLの形式が不正です。");
    create_err(e, "\"link\":{\"value\":\"data:text/html,x\"}", "record.link.value");
    create_err(e, "\"link\":{\"value\":\"https://a.example/\\nx\"}", "record.link.value");
    create_err(e, "\"mail\":{\"value\":\"nope\"}", "record.mail.value");
    create_err(e, "\"mail\":{\"value\":\"a@b@c\"}", "record.mail.value");
    json_t *d = create_ok(e, "\"link\":{\"value\":\"HTTPS://example.com/a?b=c:d\"},"
                             "\"mail\":{\"value\":\"a@b.example\"}");
    assert_string_equal(str(d, "link"), "HTTPS://example.com/a?b=c:d");
    d = create_ok(e, "\"link\":{\"value\":\"example.com/x\"}");
    assert_string_equal(str(d, "link"), "example.com/x");
}

static void
test_entities(void **state)
{
    struct env *e = *state;
    json_t *d = create_ok(e, "\"user\":{\"value\":[{\"code\":\"bob\"},{\"code\":\"alice\"},"
                             "{\"code\":\"bob\"}]},\"org\":{\"value\":[{\"code\":\"org1\"}]}");
    assert_string_equal(dump(e, json_object_get(d, "user")), "[\"bob\",\"alice\"]");
    assert_string_equal(dump(e, json_object_get(d, "org")), "[\"org1\"]");
    assert_string_equal(
        create_err(e, "\"user\":{\"value\":[{\"code\":\"zed\"}]}", "record.user.values[0].value"),
        "\"zed\"は存在しません。");
    assert_non_null(msg_at(e, "record.user.values.value"));
    create_err(e, "\"org\":{\"value\":[{\"code\":\"alice\"}]}", "record.org.values[0].value");
    create_err(e, "\"user\":{\"value\":\"alice\"}", "record.user.value");
    create_err(e, "\"user\":{\"value\":[{\"name\":\"alice\"}]}", "record.user.values[0].value");
    /* without the hook every code is accepted */
    e->h.entity_exists = NULL;
    d = create_ok(e, "\"user\":{\"value\":[{\"code\":\"zed\"}]}");
    assert_string_equal(dump(e, json_object_get(d, "user")), "[\"zed\"]");
}

static void
test_files(void **state)
{
    struct env *e = *state;
    json_t *d = create_ok(e, "\"file\":{\"value\":[{\"fileKey\":\"up1\"}]}");
    assert_int_equal(e->hs.file_calls, 1);
    json_t *f = json_array_get(json_object_get(d, "file"), 0);
    assert_string_equal(str(f, "fileKey"), "dl1");
    assert_int_equal(json_integer_value(json_object_get(f, "size")), 12);
    assert_string_equal(create_err(e, "\"file\":{\"value\":[{\"fileKey\":\"missing\"}]}",
                                   "record.file.value[0].fileKey"),
                        "ファイルキー（missing）が見つかりません。");
    create_err(e, "\"file\":{\"value\":[{}]}", "record.file.value[0].fileKey");
    create_err(e, "\"file\":{\"value\":{\"fileKey\":\"up1\"}}", "record.file.value");

    /* update: a download key already attached is kept without the hook */
    e->hs.file_calls = 0;
    reset(e, LANG_JA);
    json_t *cur =
        J(e,
          "{\"title\":\"abc\",\"req_def\":\"x\",\"req_num\":1,\"chk\":[\"A\"],\"user\":[\"alice\"],"
          "\"file\":[{\"fileKey\":\"dl1\",\"name\":\"a.txt\",\"contentType\":\"text/"
          "plain\",\"size\":12}]}");
    d = apply(e,
              J(e, "{\"file\":{\"value\":[{\"fileKey\":\"dl1\"},{\"fileKey\":\"up2\"},"
                   "{\"fileKey\":\"up2\"}]}}"),
              cur, VALUE_UPDATE, ERR_OK, NULL);
    assert_int_equal(e->hs.file_calls, 1);
    assert_int_equal(json_array_size(json_object_get(d, "file")), 2);
    assert_string_equal(str(json_array_get(json_object_get(d, "file"), 1), "fileKey"), "dl2");
    /* a hard error of the hook aborts with its code */
    reset(e, LANG_JA);
    apply(e, rec(e, "\"file\":{\"value\":[{\"fileKey\":\"boom\"}]}"), NULL, VALUE_CREATE,
          ERR_FILE_NOT_FOUND, NULL);
    assert_int_equal(e->f.code, ERR_FILE_NOT_FOUND);
    assert_string_equal(e->f.message, "指定したファイル（id: boom）が見つかりません。");
    /* no hook: every new key is unknown */
    e->h.resolve_file = NULL;
    create_err(e, "\"file\":{\"value\":[{\"fileKey\":\"up1\"}]}", "record.file.value[0].fileKey");
}

static void
test_subtable_create(void **state)
{
    struct env *e = *state;
    json_t *d = create_ok(
        e, "\"items\":{\"value\":[{\"id\":\"5\",\"value\":{\"name\":{\"value\":\"apple\"},"
           "\"qty\":{\"value\":\"3\"},\"sub\":{\"value\":\"999\"}}},"
           "{\"value\":{\"name\":{\"value\":\"kiwi\"},\"qty\":{\"value\":\"abc\"},"
           "\"cbx\":{\"value\":[\"Y\"]},\"price\":{\"value\":\"\"}}}]}");
    json_t *rows = json_object_get(d, "items");
    assert_int_equal(json_array_size(rows), 2);
    json_t *r0 = json_array_get(rows, 0), *r1 = json_array_get(rows, 1);
    assert_int_equal(json_integer_value(json_object_get(r0, "id")), 100);
    assert_int_equal(json_integer_value(json_object_get(r1, "id")), 101);
    json_t *v0 = json_object_get(r0, "value"), *v1 = json_object_get(r1, "value");
    assert_int_equal(json_integer_value(json_object_get(v0, "price")), 10); /* default */
    assert_string_equal(str(v0, "kind"), "A");
    assert_int_equal(json_integer_value(json_object_get(v0, "sub")), 30);
    assert_true(json_is_null(json_object_get(v1, "qty"))); /* silently emptied in a table */
    assert_true(json_is_null(json_object_get(v1, "price")));
    assert_int_equal(json_integer_value(json_object_get(v1, "sub")), 0);
    assert_string_equal(dump(e, json_object_get(v1, "cbx")), "[\"Y\"]");
    assert_int_equal(json_integer_value(json_object_get(d, "sumc")), 30);

    create_err(e, "\"items\":{\"value\":[{\"value\":{\"qty\":{\"value\":1}}}]}",
               "record.items.value[0].value.name.value");
    create_err(e,
               "\"items\":{\"value\":[{\"value\":{\"name\":{\"value\":\"a\"},"
               "\"cbx\":{\"value\":[\"X\",\"Q\"]}}}]}",
               "record.items.value[0].value.cbx.values[1].value");
    create_err(e,
               "\"items\":{\"value\":[{\"value\":{\"name\":{\"value\":\"a\"},"
               "\"kind\":{\"value\":\"C\"}}}]}",
               "record.items.value[0].value.kind.value");
    create_err(e,
               "\"items\":{\"value\":[{\"value\":{\"name\":{\"value\":\"a\"},"
               "\"zzz\":{\"value\":1}}}]}",
               "record.items.value[0].value.zzz");
    create_err(e, "\"items\":{\"value\":[5]}", "record.items.value[0]");
    create_err(e, "\"items\":{\"value\":[{\"value\":{\"name\":\"a\"}}]}",
               "record.items.value[0].value.name.value");
    create_err(e, "\"items\":{\"value\":{}}", "record.items.value");
    create_err(e, "\"qty\":{\"value\":1}", "record.qty"); /* inner codes are not top-level */
}

static json_t *
current_with_rows(struct env *e)
{
    return J(e, "{\"title\":\"abc\",\"req_def\":\"x\",\"req_num\":1,\"num\":5,\"chk\":[\"A\"],"
                "\"user\":[\"alice\"],"
                "\"items\":["
                "{\"id\":1,\"value\":{\"name\":\"a\",\"qty\":1,\"price\":2,\"kind\":\"A\",\"cbx\":["
                "],\"sub\":2}},"
                "{\"id\":2,\"value\":{\"name\":\"b\",\"qty\":3,\"price\":4,\"kind\":\"B\",\"cbx\":["
                "],\"sub\":12}},"
                "{\"id\":7,\"value\":{\"name\":\"c\",\"qty\":5,\"price\":6,\"kind\":\"A\",\"cbx\":["
                "],\"sub\":30}}]}");
}

static void
test_subtable_update(void **state)
{
    struct env *e = *state;
    json_t *cur = current_with_rows(e);
    char *before = dump(e, cur);
    reset(e, LANG_JA);
    json_t *d = apply(e,
                      J(e, "{\"items\":{\"value\":["
                           "{\"id\":\"1\",\"value\":{\"qty\":{\"value\":\"99\"}}},"
                           "{\"value\":{\"name\":{\"value\":\"new\"}}},"
                           "{\"id\":\"999\",\"value\":{\"name\":{\"value\":\"x\"}}},"
                           "{\"id\":1,\"value\":{\"name\":{\"value\":\"dup\"}}}]}}"),
                      cur, VALUE_UPDATE, ERR_OK, NULL);
    json_t *rows = json_object_get(d, "items");
    assert_int_equal(json_array_size(rows), 4);
    json_t *v0 = json_object_get(json_array_get(rows, 0), "value");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "id")), 1);
    assert_string_equal(str(v0, "name"), "a"); /* kept */
    assert_int_equal(json_integer_value(json_object_get(v0, "qty")), 99);
    assert_int_equal(json_integer_value(json_object_get(v0, "sub")), 198);
    json_t *v1 = json_object_get(json_array_get(rows, 1), "value");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 1), "id")), 100);
    assert_int_equal(json_integer_value(json_object_get(v1, "price")),
                     10); /* defaults in new rows */
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 2), "id")), 101);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 3), "id")), 102);
    assert_int_equal(json_integer_value(json_object_get(d, "sumc")), 198);
    assert_string_equal(dump(e, cur), before); /* the current record is not modified */

    /* table omitted: rows kept (and recomputed on a copy) */
    reset(e, LANG_JA);
    d = apply(e, J(e, "{\"num\":{\"value\":6}}"), cur, VALUE_UPDATE, ERR_OK, NULL);
    assert_int_equal(json_array_size(json_object_get(d, "items")), 3);
    assert_int_equal(json_integer_value(json_object_get(d, "sumc")), 44);
    assert_string_equal(dump(e, cur), before);
    /* "value": [] deletes every row */
    reset(e, LANG_JA);
    d = apply(e, J(e, "{\"items\":{\"value\":[]}}"), cur, VALUE_UPDATE, ERR_OK, NULL);
    assert_int_equal(json_array_size(json_object_get(d, "items")), 0);
    assert_int_equal(json_integer_value(json_object_get(d, "sumc")), 0);
    /* no row id hook: after the highest id of the record */
    e->h.next_row_id = NULL;
    reset(e, LANG_JA);
    d = apply(e,
              J(e, "{\"items\":{\"value\":[{\"value\":{\"name\":{\"value\":\"n\"}}},"
                   "{\"value\":{\"name\":{\"value\":\"m\"}}}]}}"),
              cur, VALUE_UPDATE, ERR_OK, NULL);
    rows = json_object_get(d, "items");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "id")), 8);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 1), "id")), 9);
    /* a merged row is validated too */
    reset(e, LANG_JA);
    apply(e, J(e, "{\"items\":{\"value\":[{\"id\":2,\"value\":{\"name\":{\"value\":\"\"}}}]}}"),
          cur, VALUE_UPDATE, ERR_INVALID, NULL);
    assert_non_null(msg_at(e, "record.items.value[0].value.name.value"));
}

static void
test_update_merge(void **state)
{
    struct env *e = *state;
    json_t *cur = current_with_rows(e);
    reset(e, LANG_JA);
    json_t *d = apply(e,
                      J(e, "{\"num\":{\"value\":\"7\"},\"calc\":{\"value\":\"1000\"},"
                           "\"$id\":{\"value\":\"3\"},\"$revision\":{\"value\":\"2\"}}"),
                      cur, VALUE_UPDATE, ERR_OK, NULL);
    assert_string_equal(str(d, "title"), "abc");
    assert_int_equal(json_integer_value(json_object_get(d, "num")), 7);
    assert_int_equal(json_integer_value(json_object_get(d, "calc")), 14); /* sent value ignored */
    assert_string_equal(str(d, "def_text"), "");                          /* no defaults */
    assert_string_equal(dump(e, json_object_get(d, "multi")), "[]");
    assert_true(json_is_null(json_object_get(d, "d")));
    assert_true(json_is_null(json_object_get(d, "ctime"))); /* creation time unknown here */
    /* the merged record must satisfy required fields, even ones not sent */
    reset(e, LANG_JA);
    apply(e, J(e, "{\"num\":{\"value\":\"7\"}}"), J(e, "{\"title\":\"abc\",\"chk\":[\"A\"]}"),
          VALUE_UPDATE, ERR_INVALID, NULL);
    assert_non_null(msg_at(e, "record.req_num.value"));
    assert_non_null(msg_at(e, "record.user.values.value"));
    assert_null(msg_at(e, "record.title.value"));
    /* creation time given by the caller on update */
    struct value_sys sys = { .has_created_at = true, .created_at = 1577836800 };
    reset(e, LANG_JA);
    d = apply(e, J(e, "{}"), cur, VALUE_UPDATE, ERR_OK, &sys);
    assert_string_equal(str(d, "ctime"), "2020-01-01T00:00:00Z");
}

static void
test_unknown_and_ignored(void **state)
{
    struct env *e = *state;
    assert_string_equal(create_err(e, "\"nope\":{\"value\":1}", "record.nope"),
                        "指定したフィールド（nope）が見つかりません。");
    json_t *d = create_ok(e, "\"レコード番号\":{\"value\":\"9\"},\"ステータス\":{\"value\":\"x\"},"
                             "\"作業者\":{\"value\":[]},\"カテゴリー\":{\"value\":[]},"
                             "\"grp\":{\"value\":1},\"$id\":{\"value\":1},\"calc\":{\"value\":5},"
                             "\"作成者\":{\"value\":{\"code\":\"bob\"}}");
    assert_null(json_object_get(d, "レコード番号"));
    assert_null(json_object_get(d, "grp"));
    create_err(e, "\"title\":\"abc\"", "record.title.value");
    reset(e, LANG_JA);
    apply(e, J(e, "[]"), NULL, VALUE_CREATE, ERR_INVALID, NULL);
    assert_non_null(msg_at(e, "record"));
    /* another prefix */
    reset(e, LANG_JA);
    json_t *out = NULL;
    assert_int_equal(value_apply(&e->c, e->props,
                                 J(e, "{\"title\":{\"value\":\"x\"},\"num\":{\"value\":\"q\"}}"),
                                 NULL, VALUE_CREATE, "records[3]", &e->h, &out, NULL),
                     ERR_INVALID);
    assert_non_null(msg_at(e, "records[3].title.value"));
    assert_non_null(msg_at(e, "records[3][num].value"));
    assert_non_null(msg_at(e, "records[3].req_num.value"));
}

static void
test_sys_fields(void **state)
{
    struct env *e = *state;
    struct value_sys sys = { .has_creator = true, .creator = "stale" };
    reset(e, LANG_JA);
    json_t *d = apply(e,
                      rec(e, "\"作成者\":{\"value\":{\"code\":\"bob\"}},"
                             "\"作成日時\":{\"value\":\"2020-01-02T03:04:59Z\"},"
                             "\"更新日時\":{\"value\":\"2020-01-03T00:00:00+09:00\"}"),
                      NULL, VALUE_CREATE, ERR_OK, &sys);
    assert_true(sys.has_creator);
    assert_string_equal(sys.creator, "bob");
    assert_false(sys.has_modifier);
    assert_true(sys.has_created_at);
    assert_int_equal(sys.created_at, 1577934240); /* 2020-01-02T03:04:00Z */
    assert_true(sys.has_updated_at);
    assert_int_equal(sys.updated_at, 1577977200);
    assert_string_equal(str(d, "ctime"), "2020-01-02T03:04:00Z");
    reset(e, LANG_JA);
    apply(e,
          rec(e, "\"更新者\":{\"value\":{\"code\":\"zed\"}},\"作成日時\":{\"value\":\"x\"},"
                 "\"作成者\":{\"value\":\"bob\"}"),
          NULL, VALUE_CREATE, ERR_INVALID, &sys);
    assert_string_equal(msg_at(e, "record.更新者.value"), "\"zed\"は存在しません。");
    assert_string_equal(msg_at(e, "record.作成日時.value"), "日時の形式が不正です。");
    assert_non_null(msg_at(e, "record.作成者.value"));
    /* on update they are ignored */
    struct value_sys us = { 0 };
    reset(e, LANG_JA);
    apply(e, J(e, "{\"作成者\":{\"value\":{\"code\":\"zed\"}}}"), current_with_rows(e),
          VALUE_UPDATE, ERR_OK, &us);
    assert_false(us.has_creator);
}

static void
test_rich_text(void **state)
{
    struct env *e = *state;
    json_t *d = create_ok(e, "\"rich\":{\"value\":\"<p onclick=\\\"x()\\\" style=\\\"color:red\\\">"
                             "Hi<script>alert(1)</script><a href=\\\"javascript:alert(1)\\\" "
                             "target=_blank>l</a></p>\"}");
    assert_string_equal(str(d, "rich"),
                        "<p style=\"color:red\">Hi<a target=\"_blank\" rel=\"noopener "
                        "noreferrer\">l</a></p>");
}

static void
test_sanitize(void **state)
{
    struct env *e = *state;
    struct {
        const char *in, *out;
    } cases[] = {
        { "plain text", "plain text" },
        { "a < b > c", "a &lt; b > c" },
        { "<b>bold</b><i>it</i><br/><hr>", "<b>bold</b><i>it</i><br><hr>" },
        { "<DIV ALIGN=center>x</DIV>", "<div align=\"center\">x</div>" },
        { "<script>alert(1)</script>ok", "ok" },
        { "<SCRIPT src=x></SCRIPT >ok", "ok" },
        { "<style>*{}</style><iframe src=x></iframe>ok", "ok" },
        { "<img src=x onerror=alert(1)>", "<img src=\"x\">" },
        { "<img src=\"data:image/png;base64,AAA\">", "<img src=\"data:image/png;base64,AAA\">" },
        { "<img src=\"data:image/svg+xml,<svg>\">", "<img>" },
        { "<a href=\"&#106;avascript:alert(1)\">x</a>", "<a>x</a>" },
        { "<a href=\"java&#x09;script:alert(1)\">x</a>", "<a>x</a>" },
        { "<a href=\" JaVaScRiPt:x\">x</a>", "<a>x</a>" },
        { "<a href=\"https://example.com/?a=1&amp;b=2\">x</a>",
          "<a href=\"https://example.com/?a=1&amp;b=2\">x</a>" },
        { "<a href='mailto:a@b' title='say \"hi\"'>m</a>",
          "<a href=\"mailto:a@b\" title=\"say &quot;hi&quot;\">m</a>" },
        { "<span style=\"background:url(javascript:x)\">s</span>", "<span>s</span>" },
        { "<span style=\"width: expr/**/ession(alert(1))\">s</span>", "<span>s</span>" },
        { "<!-- comment -->x<!DOCTYPE html><?xml?>", "x" },
        { "<form action=x><input name=y>t</form>", "t" },
        { "<svg><script>alert(1)</script></svg>after", "after" },
        { "<b", "" },
        { "<a href=\"x", "" },
        { "x<", "x&lt;" },
        { "<p id=\"main\" class=\"c\" data-x=\"1\">p</p>", "<p class=\"c\">p</p>" },
        { "<font color=red face=\"MS Gothic\" size=3>f</font>",
          "<font color=\"red\" face=\"MS Gothic\" size=\"3\">f</font>" },
        { "<table border=1><tr><td colspan=2>c</td></tr></table>",
          "<table border=\"1\"><tr><td colspan=\"2\">c</td></tr></table>" },
        { "</unknown>text</b>", "text</b>" },
        { "", "" },
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        const char *got = value_html_sanitize(e->a, cases[k].in);
        if (strcmp(got, cases[k].out) != 0)
            fail_msg("case %zu: '%s' → '%s', want '%s'", k, cases[k].in, got, cases[k].out);
    }
    assert_string_equal(value_html_sanitize(e->a, NULL), "");
}

static const char *
names(void *arg, const char *kind, const char *code)
{
    (void)arg;
    if (strcmp(kind, "USER") == 0 && strcmp(code, "alice") == 0)
        return "Alice";
    if (strcmp(kind, "ORGANIZATION") == 0 && strcmp(code, "org1") == 0)
        return "営業部";
    return NULL;
}

static json_t *
wire(struct env *e, const json_t *props, const json_t *data, const json_t *fields)
{
    struct value_row row = { .id = 12,
                             .revision = 3,
                             .created_at = NOW + 45,
                             .updated_at = NOW + 125,
                             .creator = "alice",
                             .modifier = "bob",
                             .status = "未処理",
                             .assignees = J(e, "[\"alice\",\"bob\"]"),
                             .data = data };
    json_t *w = value_to_wire(&e->c, props, &row, fields, names, NULL);
    arena_defer(e->a, (void (*)(void *))json_decref, w);
    return w;
}

#define WIRE(w, code, want) assert_string_equal(dump(e, json_object_get(w, code)), want)

static void
test_wire(void **state)
{
    struct env *e = *state;
    json_t *d = create_ok(
        e, "\"num\":{\"value\":\"1.5e1\"},\"big\":{\"value\":1e20},\"user\":{\"value\":[{\"code\":"
           "\"alice\"},"
           "{\"code\":\"bob\"}]},\"org\":{\"value\":[{\"code\":\"org1\"}]},"
           "\"file\":{\"value\":[{\"fileKey\":\"up1\"}]},\"rich\":{\"value\":\"<b>x</b>\"},"
           "\"items\":{\"value\":[{\"value\":{\"name\":{\"value\":\"n\"},\"qty\":{\"value\":\"1."
           "5\"}}}]}");
    json_t *w = wire(e, e->props, d, NULL);
    WIRE(w, "$id", "{\"type\":\"__ID__\",\"value\":\"12\"}");
    WIRE(w, "$revision", "{\"type\":\"__REVISION__\",\"value\":\"3\"}");
    WIRE(w, "レコード番号", "{\"type\":\"RECORD_NUMBER\",\"value\":\"12\"}");
    WIRE(w, "作成者", "{\"type\":\"CREATOR\",\"value\":{\"code\":\"alice\",\"name\":\"Alice\"}}");
    WIRE(w, "更新者", "{\"type\":\"MODIFIER\",\"value\":{\"code\":\"bob\",\"name\":\"bob\"}}");
    WIRE(w, "作成日時", "{\"type\":\"CREATED_TIME\",\"value\":\"2024-03-15T16:30:00Z\"}");
    WIRE(w, "更新日時", "{\"type\":\"UPDATED_TIME\",\"value\":\"2024-03-15T16:32:00Z\"}");
    assert_null(json_object_get(w, "ステータス"));
    assert_null(json_object_get(w, "作業者"));
    assert_null(json_object_get(w, "カテゴリー"));
    assert_null(json_object_get(w, "grp"));
    WIRE(w, "title", "{\"type\":\"SINGLE_LINE_TEXT\",\"value\":\"abc\"}");
    WIRE(w, "num", "{\"type\":\"NUMBER\",\"value\":\"15\"}");
    WIRE(w, "big", "{\"type\":\"NUMBER\",\"value\":\"100000000000000000000\"}");
    WIRE(w, "calc", "{\"type\":\"CALC\",\"value\":\"30\"}");
    WIRE(w, "sumc", "{\"type\":\"CALC\",\"value\":\"15\"}");
    WIRE(w, "ctime", "{\"type\":\"CALC\",\"value\":\"2024-03-15T16:30:00Z\"}");
    WIRE(w, "text_calc", "{\"type\":\"SINGLE_LINE_TEXT\",\"value\":\"abc-15\"}");
    WIRE(w, "rich", "{\"type\":\"RICH_TEXT\",\"value\":\"<b>x</b>\"}");
    WIRE(w, "drop", "{\"type\":\"DROP_DOWN\",\"value\":null}");
    WIRE(w, "radio", "{\"type\":\"RADIO_BUTTON\",\"value\":\"A\"}");
    WIRE(w, "chk", "{\"type\":\"CHECK_BOX\",\"value\":[\"A\"]}");
    WIRE(w, "multi", "{\"type\":\"MULTI_SELECT\",\"value\":[]}");
    WIRE(w, "d", "{\"type\":\"DATE\",\"value\":\"2024-03-16\"}");
    WIRE(w, "dt2", "{\"type\":\"DATETIME\",\"value\":\"\"}");
    WIRE(w, "link", "{\"type\":\"LINK\",\"value\":\"\"}");
    WIRE(w, "user",
         "{\"type\":\"USER_SELECT\",\"value\":[{\"code\":\"alice\",\"name\":\"Alice\"},"
         "{\"code\":\"bob\",\"name\":\"bob\"}]}");
    WIRE(w, "org",
         "{\"type\":\"ORGANIZATION_SELECT\",\"value\":[{\"code\":\"org1\",\"name\":\"営業部\"}]}");
    WIRE(w, "file",
         "{\"type\":\"FILE\",\"value\":[{\"contentType\":\"text/plain\",\"fileKey\":\"dl1\","
         "\"name\":\"a.txt\",\"size\":\"12\"}]}");
    WIRE(w, "items",
         "{\"type\":\"SUBTABLE\",\"value\":[{\"id\":\"100\",\"value\":{"
         "\"name\":{\"type\":\"SINGLE_LINE_TEXT\",\"value\":\"n\"},"
         "\"qty\":{\"type\":\"NUMBER\",\"value\":\"1.5\"},"
         "\"price\":{\"type\":\"NUMBER\",\"value\":\"10\"},"
         "\"kind\":{\"type\":\"RADIO_BUTTON\",\"value\":\"A\"},"
         "\"cbx\":{\"type\":\"CHECK_BOX\",\"value\":[]},"
         "\"sub\":{\"type\":\"CALC\",\"value\":\"15\"}}}]}");

    /* fields added after the record was stored come out empty */
    w = wire(e, e->props, J(e, "{}"), NULL);
    WIRE(w, "num", "{\"type\":\"NUMBER\",\"value\":\"\"}");
    WIRE(w, "d", "{\"type\":\"DATE\",\"value\":null}");
    WIRE(w, "tm", "{\"type\":\"TIME\",\"value\":null}");
    WIRE(w, "memo", "{\"type\":\"MULTI_LINE_TEXT\",\"value\":\"\"}");
    WIRE(w, "chk", "{\"type\":\"CHECK_BOX\",\"value\":[]}");
    WIRE(w, "items", "{\"type\":\"SUBTABLE\",\"value\":[]}");
    WIRE(w, "calc", "{\"type\":\"CALC\",\"value\":\"\"}");

    /* fields filter; a subtable is selected by its code; $id/$revision always */
    w = wire(e, e->props, d, J(e, "[\"num\",\"items\",\"nope\",\"qty\"]"));
    assert_int_equal(json_object_size(w), 4);
    assert_non_null(json_object_get(w, "items"));
    assert_non_null(json_object_get(w, "$id"));

    /* process management enabled: status and assignees appear */
    json_t *props = json_deep_copy(e->props);
    arena_defer(e->a, (void (*)(void *))json_decref, props);
    json_object_set_new(json_object_get(props, "ステータス"), "enabled", json_true());
    json_object_set_new(json_object_get(props, "作業者"), "enabled", json_true());
    json_object_set_new(json_object_get(props, "カテゴリー"), "enabled", json_true());
    w = wire(e, props, d, NULL);
    WIRE(w, "ステータス", "{\"type\":\"STATUS\",\"value\":\"未処理\"}");
    WIRE(w, "作業者",
         "{\"type\":\"STATUS_ASSIGNEE\",\"value\":[{\"code\":\"alice\",\"name\":\"Alice\"},"
         "{\"code\":\"bob\",\"name\":\"bob\"}]}");
    WIRE(w, "カテゴリー", "{\"type\":\"CATEGORY\",\"value\":[]}");
}

struct uniq {
    char buf[512];
};

static void
uniq_cb(void *arg, const char *code, const char *value)
{
    struct uniq *u = arg;
    size_t n = strlen(u->buf);
    snprintf(u->buf + n, sizeof(u->buf) - n, "%s=%s;", code, value);
}

static void
test_unique_each(void **state)
{
    struct env *e = *state;
    struct uniq u = { "" };
    value_unique_each(e->props,
                      J(e, "{\"title\":\"abc\",\"num\":2.50,\"link\":\"\",\"d\":\"2024-01-02\","
                           "\"def_text\":\"not unique\"}"),
                      uniq_cb, &u);
    assert_string_equal(u.buf, "title=abc;num=2.5;d=2024-01-02;");
    u.buf[0] = '\0';
    value_unique_each(e->props, J(e, "{\"num\":null,\"title\":\"\"}"), uniq_cb, &u);
    assert_string_equal(u.buf, "");
    char buf[64];
    assert_string_equal(value_scalar_text(J(e, "15"), buf, sizeof(buf)), "15");
    assert_string_equal(value_scalar_text(J(e, "1e20"), buf, sizeof(buf)), "100000000000000000000");
    assert_string_equal(value_scalar_text(J(e, "null"), buf, sizeof(buf)), "");
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_create_defaults),
        T(test_explicit_empty_and_required),
        T(test_text_length),
        T(test_numbers),
        T(test_options),
        T(test_dates),
        T(test_links),
        T(test_entities),
        T(test_files),
        T(test_subtable_create),
        T(test_subtable_update),
        T(test_update_merge),
        T(test_unknown_and_ignored),
        T(test_sys_fields),
        T(test_rich_text),
        T(test_sanitize),
        T(test_wire),
        T(test_unique_each),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
