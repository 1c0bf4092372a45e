/* field: form field definitions: type table, code rules, POST/PUT/DELETE of preview fields with
 * normalization to kintone's GET shape, formula checks, and the layout (sync + validation).
 * Definitions are never modified in place: every change builds new objects, unchanged ones are
 * shared by reference. */
#include "domain/field.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/text.h"
#include "domain/calc.h"
#include "domain/ctx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <unistr.h>

#define F_SYS 1u /* system field */
#define F_VAL 2u /* has a record value */
#define F_NEW 4u /* may be created through the form API */
#define F_IN  8u /* allowed inside a SUBTABLE */
#define F_UNQ 16u
#define F_REF 32u /* usable in formulas */

static const struct {
    const char *name;
    unsigned flags;
} ftypes[FT__COUNT] = {
    [FT_UNKNOWN] = { "", 0 },
    [FT_RECORD_NUMBER] = { "RECORD_NUMBER", F_SYS | F_VAL },
    [FT_CREATOR] = { "CREATOR", F_SYS | F_VAL | F_REF },
    [FT_CREATED_TIME] = { "CREATED_TIME", F_SYS | F_VAL | F_REF },
    [FT_MODIFIER] = { "MODIFIER", F_SYS | F_VAL | F_REF },
    [FT_UPDATED_TIME] = { "UPDATED_TIME", F_SYS | F_VAL | F_REF },
    [FT_STATUS] = { "STATUS", F_SYS | F_VAL },
    [FT_STATUS_ASSIGNEE] = { "STATUS_ASSIGNEE", F_SYS | F_VAL },
    [FT_CATEGORY] = { "CATEGORY", F_SYS | F_VAL },
    [FT_SINGLE_LINE_TEXT] = { "SINGLE_LINE_TEXT", F_VAL | F_NEW | F_IN | F_UNQ | F_REF },
    [FT_NUMBER] = { "NUMBER", F_VAL | F_NEW | F_IN | F_UNQ | F_REF },
    [FT_CALC] = { "CALC", F_VAL | F_NEW | F_IN | F_REF },
    [FT_MULTI_LINE_TEXT] = { "MULTI_LINE_TEXT", F_VAL | F_NEW | F_IN },
    [FT_RICH_TEXT] = { "RICH_TEXT", F_VAL | F_NEW | F_IN },
    [FT_CHECK_BOX] = { "CHECK_BOX", F_VAL | F_NEW | F_IN | F_REF },
    [FT_RADIO_BUTTON] = { "RADIO_BUTTON", F_VAL | F_NEW | F_IN | F_REF },
    [FT_DROP_DOWN] = { "DROP_DOWN", F_VAL | F_NEW | F_IN | F_REF },
    [FT_MULTI_SELECT] = { "MULTI_SELECT", F_VAL | F_NEW | F_IN | F_REF },
    [FT_DATE] = { "DATE", F_VAL | F_NEW | F_IN | F_UNQ | F_REF },
    [FT_TIME] = { "TIME", F_VAL | F_NEW | F_IN | F_REF },
    [FT_DATETIME] = { "DATETIME", F_VAL | F_NEW | F_IN | F_UNQ | F_REF },
    [FT_LINK] = { "LINK", F_VAL | F_NEW | F_IN | F_UNQ },
    [FT_FILE] = { "FILE", F_VAL | F_NEW | F_IN },
    [FT_USER_SELECT] = { "USER_SELECT", F_VAL | F_NEW | F_IN },
    [FT_ORGANIZATION_SELECT] = { "ORGANIZATION_SELECT", F_VAL | F_NEW | F_IN },
    [FT_GROUP_SELECT] = { "GROUP_SELECT", F_VAL | F_NEW | F_IN },
    [FT_SUBTABLE] = { "SUBTABLE", F_VAL | F_NEW },
    [FT_REFERENCE_TABLE] = { "REFERENCE_TABLE", F_NEW },
    [FT_GROUP] = { "GROUP", F_NEW },
    [FT_LABEL] = { "LABEL", 0 },
    [FT_SPACER] = { "SPACER", 0 },
    [FT_HR] = { "HR", 0 },
};

enum ftype
field_type(const char *name)
{
    if (!name || !*name)
        return FT_UNKNOWN;
    for (int t = 1; t < FT__COUNT; t++) {
        if (ftypes[t].name[0] == name[0] && strcmp(ftypes[t].name, name) == 0)
            return (enum ftype)t;
    }
    return FT_UNKNOWN;
}

const char *
field_type_name(enum ftype t)
{
    return (unsigned)t < FT__COUNT ? ftypes[t].name : "";
}

static unsigned
tflags(enum ftype t)
{
    return (unsigned)t < FT__COUNT ? ftypes[t].flags : 0;
}

bool
field_type_is_system(enum ftype t)
{
    return tflags(t) & F_SYS;
}

bool
field_type_has_value(enum ftype t)
{
    return tflags(t) & F_VAL;
}

bool
field_type_can_be_unique(enum ftype t)
{
    return tflags(t) & F_UNQ;
}

bool
field_type_in_subtable(enum ftype t)
{
    return tflags(t) & F_IN;
}

bool
field_type_calc_ref(enum ftype t)
{
    return tflags(t) & F_REF;
}

enum ftype
field_def_type(const json_t *def)
{
    return field_type(json_string_value(json_object_get(def, "type")));
}

const char *
field_str(const json_t *def, const char *key)
{
    const char *s = json_string_value(json_object_get(def, key));
    return s ? s : "";
}

bool
field_bool(const json_t *def, const char *key)
{
    const json_t *v = json_object_get(def, key);
    return json_is_true(v) || (json_is_string(v) && strcmp(json_string_value(v), "true") == 0);
}

/* ---- field codes ------------------------------------------------------------------------ */

static bool
code_char(ucs4_t cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
               cp == '_' || cp == '$';
    if (cp == 0x30FB || cp == 0xFF3F || cp == 0xFF04 || cp == 0xFFE5) /* ・ ＿ ＄ ￥ */
        return true;
    if (cp >= 0xFF01 && cp <= 0xFF5E) /* full-width ASCII: only letters and digits */
        return (cp >= 0xFF10 && cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF3A) ||
               (cp >= 0xFF41 && cp <= 0xFF5A);
    return uc_is_alpha(cp) || uc_is_general_category(cp, UC_CATEGORY_N) ||
           uc_is_general_category(cp, UC_CATEGORY_M);
}

/* 0 valid, 1 bad length, 2 bad characters */
static int
code_check(const char *code)
{
    if (!code || !*code)
        return 1;
    /* the record keys of the system: a field under these codes would be shadowed */
    if (strcmp(code, "$id") == 0 || strcmp(code, "$revision") == 0)
        return 2;
    size_t n = strlen(code), chars = 0;
    const uint8_t *s = (const uint8_t *)code, *end = s + n;
    if (!text_valid_utf8(code, n))
        return 2;
    while (s < end) {
        ucs4_t cp;
        int l = u8_mbtouc(&cp, s, (size_t)(end - s));
        if (chars == 0 && ((cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19)))
            return 2;
        if (!code_char(cp))
            return 2;
        chars++;
        s += l;
    }
    return chars > 128 ? 1 : 0;
}

bool
field_code_valid(const char *code)
{
    return code_check(code) == 0;
}

/* ---- lookups ------------------------------------------------------------------------------ */

const json_t *
field_find(const json_t *props, const char *code, const char **table)
{
    const char *k;
    json_t *v;
    if (table)
        *table = NULL;
    if (!props || !code)
        return NULL;
    const json_t *def = json_object_get(props, code);
    if (def)
        return def;
    json_object_foreach((json_t *)props, k, v)
    {
        if (field_def_type(v) != FT_SUBTABLE)
            continue;
        def = json_object_get(json_object_get(v, "fields"), code);
        if (def) {
            if (table)
                *table = k;
            return def;
        }
    }
    return NULL;
}

const char *
field_code_of_type(const json_t *props, enum ftype t)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)props, k, v)
    {
        if (field_def_type(v) == t)
            return k;
    }
    return NULL;
}

/* ---- new app ------------------------------------------------------------------------------ */

json_t *
field_props_new_app(enum lang lang)
{
    static const struct {
        enum ftype t;
        const char *ja, *en_code, *en_label;
    } sys[] = {
        { FT_RECORD_NUMBER, "レコード番号", "Record_number", "Record number" },
        { FT_CREATOR, "作成者", "Created_by", "Created by" },
        { FT_CREATED_TIME, "作成日時", "Created_datetime", "Created datetime" },
        { FT_MODIFIER, "更新者", "Updated_by", "Updated by" },
        { FT_UPDATED_TIME, "更新日時", "Updated_datetime", "Updated datetime" },
        { FT_STATUS, "ステータス", "Status", "Status" },
        { FT_STATUS_ASSIGNEE, "作業者", "Assignee", "Assignee" },
        { FT_CATEGORY, "カテゴリー", "Categories", "Categories" },
    };
    json_t *props = json_object();
    for (size_t k = 0; k < sizeof(sys) / sizeof(sys[0]); k++) {
        const char *code = lang == LANG_EN ? sys[k].en_code : sys[k].ja;
        const char *label = lang == LANG_EN ? sys[k].en_label : sys[k].ja;
        bool status_like = sys[k].t >= FT_STATUS;
        json_t *d = json_pack("{s:s,s:s,s:s}", "type", field_type_name(sys[k].t), "code", code,
                              "label", label);
        json_object_set_new(d, status_like ? "enabled" : "noLabel", json_false());
        json_object_set_new(props, code, d);
    }
    return props;
}

/* ---- error texts ---------------------------------------------------------------------- */

enum ftext {
    FX_CODE_CHARS,
    FX_CODE_LEN,
    FX_CODE_DUP,
    FX_CODE_MISMATCH,
    FX_TYPE,
    FX_TYPE_CHANGE,
    FX_SYSTEM,
    FX_ENUM,
    FX_MINMAX,
    FX_NESTED,
    FX_EMPTY_TABLE,
    FX_IN_USE,
    FX_OPTION_LABEL,
    FX_CALC_UNKNOWN,
    FX_CALC_TYPE,
    FX_CALC_ARRAY,
    FX_CALC_CYCLE,
    FX_LAYOUT_DUP,
    FX_LAYOUT_TYPE,
    FX_LAYOUT_PLACE,
    FX_INTEGER,
};

static const char *const ftext[][2] = {
    [FX_CODE_CHARS] = { "先頭に数字が使用されているか、使用できない記号、またはスペースが含まれてい"
                        "るため保存できません。",
                        "The field code cannot start with a number or contain symbols other "
                        "than \"_\", \"・\", \"$\", \"￥\", or spaces." },
    [FX_CODE_LEN] = { "フィールドコードは1文字以上128文字以下で指定してください。",
                      "The field code must be 1 to 128 characters long." },
    [FX_CODE_DUP] = { "フィールドコード「%s」が重複しています。",
                      "The field code \"%s\" is duplicated." },
    [FX_CODE_MISMATCH] = { "フィールドコードがプロパティ名と一致しません。",
                           "The field code does not match the property name." },
    [FX_TYPE] = { "フィールドの種類「%s」は指定できません。",
                  "The field type \"%s\" cannot be specified." },
    [FX_TYPE_CHANGE] = { "フィールドの種類は変更できません。",
                         "The field type cannot be changed." },
    [FX_SYSTEM] = { "このフィールドは削除できません。", "This field cannot be deleted." },
    [FX_ENUM] = { "Enum値のいずれかでなければなりません。", "must be one of the enum value" },
    [FX_MINMAX] = { "最小値が最大値を超えています。", "The minimum exceeds the maximum." },
    [FX_NESTED] = { "テーブル内に配置できないフィールドです。",
                    "This field cannot be placed in a table." },
    [FX_EMPTY_TABLE] = { "テーブルには1つ以上のフィールドが必要です。",
                         "A table needs at least one field." },
    [FX_IN_USE] = { "フィールド「%s」の計算式で使用されているため削除できません。",
                    "The field is used in the formula of \"%s\"." },
    [FX_OPTION_LABEL] = { "選択肢のlabelはプロパティ名と同じにしてください。",
                          "The option label must be the same as its property name." },
    [FX_CALC_UNKNOWN] = { "計算式に含まれるフィールドコード（%s）が存在しません。",
                          "The field code (%s) in the formula does not exist." },
    [FX_CALC_TYPE] = { "計算式で利用できないフィールドタイプ(%s)が指定されています。",
                       "A field of type %s cannot be used in a formula." },
    [FX_CALC_ARRAY] = { "配列型の値に対して適切な関数が利用されていません。",
                        "A table field must be used inside an aggregate function (SUM)." },
    [FX_CALC_CYCLE] = { "フィールドの参照が循環しています。",
                        "The field references are circular." },
    [FX_LAYOUT_DUP] = { "フィールド「%s」がレイアウトに複数回含まれています。",
                        "The field \"%s\" appears more than once in the layout." },
    [FX_LAYOUT_TYPE] = { "レイアウトの要素の種類が正しくありません。",
                         "The layout element type is invalid." },
    [FX_LAYOUT_PLACE] = { "フィールド「%s」はこの位置に配置できません。",
                          "The field \"%s\" cannot be placed here." },
    [FX_INTEGER] = { "整数でなければなりません。", "Only integers are allowed." },
};

struct apply {
    struct ctx *c;
    int nerr;
};

static const char *
key2(struct apply *st, const char *base, const char *prop)
{
    return arena_printf(st->c->arena, "%s.%s", base, prop);
}

static void
ferr(struct apply *st, const char *key, enum ftext m, const char *arg)
{
    const char *tpl = ftext[m][st->c->fail->lang == LANG_EN];
    const char *at = strstr(tpl, "%s");
    const char *text =
        at ? arena_printf(st->c->arena, "%.*s%s%s", (int)(at - tpl), tpl, arg ? arg : "", at + 2)
           : tpl;
    fail_field(st->c->fail, key, MSG_TEXT, text);
    st->nerr++;
}

static void
merr(struct apply *st, const char *key, enum msg m, const char *arg)
{
    fail_field(st->c->fail, key, m, arg);
    st->nerr++;
}

/* ---- property normalizers ------------------------------------------------------------- */

/* One definition being normalized: src is the (merged) input, dst the GET-shaped output,
 * key the error key prefix ("properties.<code>"). */
struct norm {
    struct apply *st;
    const json_t *src;
    json_t *dst;
    const char *key;
    enum ftype t;
    bool inner;
};

static void
n_str(struct norm *n, const char *k, const char *def)
{
    const json_t *v = json_object_get(n->src, k);
    if (v && !json_is_string(v) && !json_is_null(v)) {
        merr(n->st, key2(n->st, n->key, k), MSG_BAD_TYPE, NULL);
        return;
    }
    json_object_set_new(n->dst, k, json_string(json_is_string(v) ? json_string_value(v) : def));
}

static void
n_bool(struct norm *n, const char *k, bool def)
{
    const json_t *v = json_object_get(n->src, k);
    bool b = def;
    if (json_is_boolean(v)) {
        b = json_is_true(v);
    } else if (json_is_string(v) && (strcmp(json_string_value(v), "true") == 0 ||
                                     strcmp(json_string_value(v), "false") == 0)) {
        b = strcmp(json_string_value(v), "true") == 0;
    } else if (v && !json_is_null(v)) {
        merr(n->st, key2(n->st, n->key, k), MSG_BAD_TYPE, NULL);
        return;
    }
    json_object_set_new(n->dst, k, json_boolean(b));
}

static void
n_enum(struct norm *n, const char *k, const char *const *vals, const char *def)
{
    const json_t *v = json_object_get(n->src, k);
    const char *s = json_string_value(v);
    if (!v || json_is_null(v) || (s && !*s)) {
        json_object_set_new(n->dst, k, json_string(def));
        return;
    }
    for (; s && *vals; vals++) {
        if (strcmp(s, *vals) == 0) {
            json_object_set_new(n->dst, k, json_string(s));
            return;
        }
    }
    ferr(n->st, key2(n->st, n->key, k), FX_ENUM, NULL);
}

/* Numeric property given as a number or a numeric string; "" / missing = unset. Stored back
 * as a string (kintone's GET shape). integer: whole numbers in [lo, hi] only. Returns false
 * on error; *out (if not NULL) gets the value and *set whether one was given. */
static bool
n_number(struct norm *n, const char *k, bool integer, double lo, double hi, double *out, bool *set)
{
    const json_t *v = json_object_get(n->src, k);
    char buf[CALC_NUMBUF];
    double d = 0;
    const char *text = NULL;
    *set = false;
    if (json_is_number(v)) {
        d = json_number_value(v);
        calc_format_number(d, buf, sizeof(buf));
        text = buf;
    } else if (json_is_string(v) && *json_string_value(v)) {
        text = json_string_value(v);
        if (!calc_parse_number(text, &d)) {
            merr(n->st, key2(n->st, n->key, k), MSG_NOT_NUMBER, NULL);
            return false;
        }
    } else if (v && !json_is_null(v) && !json_is_string(v)) {
        merr(n->st, key2(n->st, n->key, k), MSG_NOT_NUMBER, NULL);
        return false;
    }
    if (text) {
        if (d < lo || d > hi) {
            calc_format_number(d < lo ? lo : hi, buf, sizeof(buf));
            merr(n->st, key2(n->st, n->key, k), d < lo ? MSG_TOO_SMALL : MSG_TOO_BIG,
                 arena_strdup(n->st->c->arena, buf));
            return false;
        }
        if (integer && d != floor(d)) {
            ferr(n->st, key2(n->st, n->key, k), FX_INTEGER, NULL);
            return false;
        }
        if (integer) {
            snprintf(buf, sizeof(buf), "%lld", (long long)d);
            text = buf;
        }
        *set = true;
        if (out)
            *out = d;
    }
    json_object_set_new(n->dst, k, json_string(text ? text : ""));
    return true;
}

static void
n_minmax(struct norm *n, const char *lo_key, const char *hi_key, bool integer)
{
    double lo = 0, hi = 0;
    bool has_lo, has_hi;
    double min = integer ? 0 : -1e30, max = integer ? 1e9 : 1e30;
    bool ok = n_number(n, lo_key, integer, min, max, &lo, &has_lo);
    ok = n_number(n, hi_key, integer, min, max, &hi, &has_hi) && ok;
    if (ok && has_lo && has_hi && lo > hi)
        ferr(n->st, key2(n->st, n->key, lo_key), FX_MINMAX, NULL);
}

static void
n_options(struct norm *n)
{
    const json_t *opts = json_object_get(n->src, "options");
    const char *name;
    json_t *o;
    json_t *out = json_object();
    int idx = 0;
    const char *okey = key2(n->st, n->key, "options");
    if (opts && !json_is_object(opts)) {
        merr(n->st, okey, MSG_BAD_TYPE, NULL);
        opts = NULL;
    }
    json_object_foreach((json_t *)opts, name, o)
    {
        const char *k = key2(n->st, okey, name);
        if (!*name || !json_is_object(o)) {
            merr(n->st, k, MSG_BAD_TYPE, NULL);
            continue;
        }
        const json_t *label = json_object_get(o, "label");
        if (label && !(json_is_string(label) && strcmp(json_string_value(label), name) == 0)) {
            ferr(n->st, key2(n->st, k, "label"), FX_OPTION_LABEL, NULL);
            continue;
        }
        struct norm on = { .st = n->st, .src = o, .dst = json_object(), .key = k };
        double ix = idx;
        bool set;
        n_number(&on, "index", true, 0, 1e6, &ix, &set);
        json_object_set_new(out, name,
                            json_pack("{s:s,s:s}", "label", name, "index",
                                      arena_printf(n->st->c->arena, "%d", set ? (int)ix : idx)));
        json_decref(on.dst);
        idx++;
    }
    json_object_set_new(n->dst, "options", out);
}

/* Length of a text default against minLength/maxLength already normalized into dst. */
static bool
text_within(const json_t *dst, const char *s)
{
    size_t len = text_length(s, strlen(s));
    const char *mn = field_str(dst, "minLength"), *mx = field_str(dst, "maxLength");
    if (!*s)
        return true;
    if (*mn && len < (size_t)strtoull(mn, NULL, 10))
        return false;
    return !*mx || len <= (size_t)strtoull(mx, NULL, 10);
}

static void
n_default_text(struct norm *n)
{
    n_str(n, "defaultValue", "");
    const char *s = field_str(n->dst, "defaultValue");
    if ((n->t == FT_SINGLE_LINE_TEXT || n->t == FT_LINK) && !text_within(n->dst, s))
        merr(n->st, key2(n->st, n->key, "defaultValue"), MSG_BAD_PARAM, NULL);
}

static void
n_default_number(struct norm *n)
{
    double d;
    bool set;
    if (!n_number(n, "defaultValue", false, -1e300, 1e300, &d, &set) || !set)
        return;
    const char *mn = field_str(n->dst, "minValue"), *mx = field_str(n->dst, "maxValue");
    double lim;
    if ((*mn && calc_parse_number(mn, &lim) && d < lim) ||
        (*mx && calc_parse_number(mx, &lim) && d > lim))
        merr(n->st, key2(n->st, n->key, "defaultValue"), MSG_BAD_PARAM, NULL);
}

static void
n_default_options(struct norm *n, bool multi)
{
    const json_t *v = json_object_get(n->src, "defaultValue");
    const json_t *opts = json_object_get(n->dst, "options");
    const char *k = key2(n->st, n->key, "defaultValue");
    size_t i;
    json_t *it;
    if (!multi) {
        const char *s = json_is_string(v) ? json_string_value(v) : "";
        if (v && !json_is_string(v) && !json_is_null(v))
            merr(n->st, k, MSG_BAD_TYPE, NULL);
        else if (*s && !json_object_get(opts, s))
            merr(n->st, k, MSG_BAD_OPTION, s);
        json_object_set_new(n->dst, "defaultValue", json_string(s));
        return;
    }
    json_t *out = json_array();
    if (v && !json_is_array(v) && !json_is_null(v))
        merr(n->st, k, MSG_BAD_TYPE, NULL);
    json_array_foreach((json_t *)v, i, it)
    {
        const char *s = json_string_value(it);
        const char *ik = arena_printf(n->st->c->arena, "%s[%zu]", k, i);
        if (!s)
            merr(n->st, ik, MSG_BAD_TYPE, NULL);
        else if (!json_object_get(opts, s))
            merr(n->st, ik, MSG_BAD_OPTION, s);
        else
            json_array_append_new(out, json_string(s));
    }
    json_object_set_new(n->dst, "defaultValue", out);
}

static void
n_default_time(struct norm *n)
{
    const json_t *v = json_object_get(n->src, "defaultValue");
    const char *s = json_is_string(v) ? json_string_value(v) : "";
    const char *k = key2(n->st, n->key, "defaultValue");
    char buf[32];
    int y, m, d, h, mi;
    int64_t secs;
    n_bool(n, "defaultNowValue", false);
    if (v && !json_is_string(v) && !json_is_null(v)) {
        merr(n->st, k, MSG_BAD_TYPE, NULL);
        return;
    }
    if (!*s) {
        json_object_set_new(n->dst, "defaultValue", json_string(""));
        return;
    }
    if (n->t == FT_DATE) {
        if (!clock_parse_date(s, &y, &m, &d)) {
            merr(n->st, k, MSG_BAD_DATE, NULL);
            return;
        }
        snprintf(buf, sizeof(buf), "%s", s);
    } else if (n->t == FT_TIME) {
        if (!clock_parse_time(s, &h, &mi)) {
            merr(n->st, k, MSG_BAD_TIME, NULL);
            return;
        }
        snprintf(buf, sizeof(buf), "%02d:%02d", h, mi);
    } else {
        if (!clock_parse_datetime(s, &secs)) {
            merr(n->st, k, MSG_BAD_DATETIME, NULL);
            return;
        }
        clock_format_utc_min(secs, buf);
    }
    json_object_set_new(n->dst, "defaultValue", json_string(buf));
}

/* entities / defaultValue of USER_SELECT, ORGANIZATION_SELECT, GROUP_SELECT: [{code,type}] */
static void
n_entities(struct norm *n, const char *k, bool is_default)
{
    const json_t *v = json_object_get(n->src, k);
    const char *ek = key2(n->st, n->key, k);
    json_t *out = json_array();
    size_t i;
    json_t *it;
    if (v && !json_is_array(v) && !json_is_null(v))
        merr(n->st, ek, MSG_BAD_TYPE, NULL);
    json_array_foreach((json_t *)v, i, it)
    {
        const char *code = json_string_value(json_object_get(it, "code"));
        const char *type = json_string_value(json_object_get(it, "type"));
        const char *ik = arena_printf(n->st->c->arena, "%s[%zu]", ek, i);
        bool ok = code && *code && type;
        if (ok && n->t == FT_ORGANIZATION_SELECT)
            ok =
                strcmp(type, "ORGANIZATION") == 0 || (is_default && strcmp(type, "FUNCTION") == 0 &&
                                                      strcmp(code, "PRIMARY_ORGANIZATION()") == 0);
        else if (ok && n->t == FT_GROUP_SELECT)
            ok = strcmp(type, "GROUP") == 0;
        else if (ok)
            ok = strcmp(type, "USER") == 0 || strcmp(type, "GROUP") == 0 ||
                 strcmp(type, "ORGANIZATION") == 0 ||
                 (is_default && strcmp(type, "FUNCTION") == 0 && strcmp(code, "LOGINUSER()") == 0);
        if (!ok) {
            merr(n->st, ik, MSG_BAD_PARAM, NULL);
            continue;
        }
        json_array_append_new(out, json_pack("{s:s,s:s}", "code", code, "type", type));
    }
    json_object_set_new(n->dst, k, out);
}

/* lookup (SINGLE_LINE_TEXT / NUMBER): shape only; the related app is checked by the app
 * module, the mapped fields by check_lookups(). */
static void
n_lookup(struct norm *n)
{
    const json_t *l = json_object_get(n->src, "lookup");
    const char *lk = key2(n->st, n->key, "lookup");
    if (!l || json_is_null(l))
        return;
    const json_t *ra = json_object_get(l, "relatedApp");
    const json_t *app = json_object_get(ra, "app");
    const json_t *maps = json_object_get(l, "fieldMappings");
    if (!json_is_object(l) || !json_is_object(ra) ||
        !(json_is_string(app) || json_is_integer(app))) {
        merr(n->st, key2(n->st, lk, "relatedApp"), MSG_REQUIRED, NULL);
        return;
    }
    if (!json_is_string(json_object_get(l, "relatedKeyField"))) {
        merr(n->st, key2(n->st, lk, "relatedKeyField"), MSG_REQUIRED, NULL);
        return;
    }
    if (maps && !json_is_array(maps)) {
        merr(n->st, key2(n->st, lk, "fieldMappings"), MSG_BAD_TYPE, NULL);
        return;
    }
    char appbuf[32];
    if (json_is_integer(app))
        snprintf(appbuf, sizeof(appbuf), "%lld", (long long)json_integer_value(app));
    else
        snprintf(appbuf, sizeof(appbuf), "%s", json_string_value(app));
    json_t *out = json_object();
    json_object_set_new(out, "relatedApp",
                        json_pack("{s:s,s:s}", "app", appbuf, "code", field_str(ra, "code")));
    json_object_set_new(out, "relatedKeyField", json_string(field_str(l, "relatedKeyField")));
    json_object_set_new(out, "fieldMappings", maps ? json_deep_copy(maps) : json_array());
    const json_t *pick = json_object_get(l, "lookupPickerFields");
    json_object_set_new(out, "lookupPickerFields",
                        json_is_array(pick) ? json_deep_copy(pick) : json_array());
    json_object_set_new(out, "filterCond", json_string(field_str(l, "filterCond")));
    json_object_set_new(out, "sort", json_string(field_str(l, "sort")));
    json_object_set_new(n->dst, "lookup", out);
}

static void
n_reference_table(struct norm *n)
{
    const json_t *r = json_object_get(n->src, "referenceTable");
    const char *rk = key2(n->st, n->key, "referenceTable");
    if (!json_is_object(r) || !json_is_object(json_object_get(r, "relatedApp")) ||
        !json_is_object(json_object_get(r, "condition"))) {
        merr(n->st, rk, MSG_REQUIRED, NULL);
        return;
    }
    json_object_set_new(n->dst, "referenceTable", json_deep_copy(r));
}

static const char *const unit_positions[] = { "BEFORE", "AFTER", NULL };
static const char *const aligns[] = { "HORIZONTAL", "VERTICAL", NULL };
static const char *const protocols[] = { "WEB", "CALL", "MAIL", NULL };
static const char *const calc_formats[] = { "NUMBER", "NUMBER_DIGIT", "DATETIME",        "DATE",
                                            "TIME",   "HOUR_MINUTE",  "DAY_HOUR_MINUTE", NULL };
static const char *const thumbs[] = { "50", "150", "250", "500", NULL };

static void
n_unique(struct norm *n)
{
    if (!n->inner) {
        n_bool(n, "unique", false);
    } else {
        json_object_set_new(n->dst, "unique", json_false()); /* not settable inside a table */
    }
}

static void n_fields_add(struct norm *n, const json_t *fields, json_t *dst);

/* Type-specific keys, in the order of kintone's GET app/form/fields.json. */
static void
n_type(struct norm *n)
{
    bool set;
    switch (n->t) {
    case FT_SINGLE_LINE_TEXT:
        n_minmax(n, "minLength", "maxLength", true);
        n_default_text(n);
        n_unique(n);
        n_str(n, "expression", "");
        n_bool(n, "hideExpression", false);
        n_lookup(n);
        break;
    case FT_NUMBER:
        n_minmax(n, "minValue", "maxValue", false);
        n_default_number(n);
        n_unique(n);
        n_bool(n, "digit", false);
        n_number(n, "displayScale", true, 0, 10, NULL, &set);
        n_str(n, "unit", "");
        n_enum(n, "unitPosition", unit_positions, "BEFORE");
        n_lookup(n);
        break;
    case FT_CALC:
        n_str(n, "expression", "");
        if (!*field_str(n->dst, "expression"))
            merr(n->st, key2(n->st, n->key, "expression"), MSG_REQUIRED, NULL);
        n_bool(n, "hideExpression", false);
        n_enum(n, "format", calc_formats, "NUMBER");
        n_number(n, "displayScale", true, 0, 10, NULL, &set);
        n_str(n, "unit", "");
        n_enum(n, "unitPosition", unit_positions, "BEFORE");
        break;
    case FT_MULTI_LINE_TEXT:
    case FT_RICH_TEXT:
        n_default_text(n);
        break;
    case FT_LINK:
        n_minmax(n, "minLength", "maxLength", true);
        n_default_text(n);
        n_unique(n);
        n_enum(n, "protocol", protocols, "WEB");
        break;
    case FT_CHECK_BOX:
    case FT_MULTI_SELECT:
        n_options(n);
        n_default_options(n, true);
        if (n->t == FT_CHECK_BOX)
            n_enum(n, "align", aligns, "HORIZONTAL");
        break;
    case FT_RADIO_BUTTON:
    case FT_DROP_DOWN:
        n_options(n);
        n_default_options(n, false);
        if (n->t == FT_RADIO_BUTTON)
            n_enum(n, "align", aligns, "HORIZONTAL");
        break;
    case FT_FILE: {
        const json_t *v = json_object_get(n->src, "thumbnailSize");
        if (json_is_integer(v)) {
            json_t *tmp = json_object();
            json_object_set_new(tmp, "thumbnailSize",
                                json_string(arena_printf(n->st->c->arena, "%lld",
                                                         (long long)json_integer_value(v))));
            struct norm tn = *n;
            tn.src = tmp;
            n_enum(&tn, "thumbnailSize", thumbs, "150");
            json_decref(tmp);
        } else {
            n_enum(n, "thumbnailSize", thumbs, "150");
        }
        break;
    }
    case FT_DATE:
    case FT_DATETIME:
        n_default_time(n);
        n_unique(n);
        break;
    case FT_TIME:
        n_default_time(n);
        break;
    case FT_USER_SELECT:
    case FT_ORGANIZATION_SELECT:
    case FT_GROUP_SELECT:
        n_entities(n, "entities", false);
        n_entities(n, "defaultValue", true);
        break;
    case FT_GROUP:
        n_bool(n, "openGroup", false);
        break;
    case FT_REFERENCE_TABLE:
        n_reference_table(n);
        break;
    default:
        break;
    }
}

/* Normalizes one definition (add, or merged update). code: the final code. Returns a new
 * reference (possibly partial when errors were recorded). */
static json_t *
normalize(struct apply *st, const char *key, const char *code, enum ftype t, const json_t *src,
          bool inner, json_t *fields)
{
    struct norm n = {
        .st = st, .src = src, .dst = json_object(), .key = key, .t = t, .inner = inner
    };
    json_object_set_new(n.dst, "type", json_string(field_type_name(t)));
    json_object_set_new(n.dst, "code", json_string(code));
    n_str(&n, "label", code);
    if (t >= FT_STATUS && t <= FT_CATEGORY) {
        json_object_set_new(n.dst, "enabled", json_boolean(field_bool(src, "enabled")));
        return n.dst;
    }
    n_bool(&n, "noLabel", false);
    if (field_type_is_system(t) || t == FT_SUBTABLE || t == FT_GROUP || t == FT_REFERENCE_TABLE) {
        if (t == FT_SUBTABLE) {
            if (!fields) {
                fields = json_object();
                n_fields_add(&n, json_object_get(src, "fields"), fields);
            }
            json_object_set_new(n.dst, "fields", fields);
        }
        n_type(&n);
        return n.dst;
    }
    n_bool(&n, "required", false);
    n_type(&n);
    return n.dst;
}

static bool
check_code(struct apply *st, const char *key, const char *code)
{
    int r = code_check(code);
    if (r)
        ferr(st, key, r == 1 ? FX_CODE_LEN : FX_CODE_CHARS, NULL);
    return r == 0;
}

/* Resolves the code of a definition sent under property name `name`; add: must match. */
static const char *
def_code(struct apply *st, const char *key, const char *name, const json_t *def, bool add)
{
    const json_t *c = json_object_get(def, "code");
    if (!c || json_is_null(c))
        return name;
    if (!json_is_string(c)) {
        merr(st, key2(st, key, "code"), MSG_BAD_TYPE, NULL);
        return NULL;
    }
    if (add && strcmp(json_string_value(c), name) != 0) {
        ferr(st, key2(st, key, "code"), FX_CODE_MISMATCH, NULL);
        return NULL;
    }
    return json_string_value(c);
}

/* A new inner field of a subtable. */
static json_t *
add_inner(struct norm *tn, const char *name, const json_t *def)
{
    struct apply *st = tn->st;
    const char *key = arena_printf(st->c->arena, "%s.fields.%s", tn->key, name);
    if (!json_is_object(def)) {
        merr(st, key, MSG_BAD_TYPE, NULL);
        return NULL;
    }
    const char *code = def_code(st, key, name, def, true);
    if (!code || !check_code(st, key2(st, key, "code"), code))
        return NULL;
    enum ftype t = field_def_type(def);
    const char *tname = field_str(def, "type");
    if (!(tflags(t) & F_NEW)) {
        ferr(st, key2(st, key, "type"), FX_TYPE, tname);
        return NULL;
    }
    if (!field_type_in_subtable(t)) {
        ferr(st, key2(st, key, "type"), FX_NESTED, NULL);
        return NULL;
    }
    return normalize(st, key, code, t, def, true, NULL);
}

static void
n_fields_add(struct norm *n, const json_t *fields, json_t *dst)
{
    const char *name;
    json_t *def;
    if (!json_is_object(fields) || json_object_size(fields) == 0) {
        ferr(n->st, key2(n->st, n->key, "fields"), FX_EMPTY_TABLE, NULL);
        return;
    }
    json_object_foreach((json_t *)fields, name, def)
    {
        json_t *d = add_inner(n, name, def);
        if (d)
            json_object_set_new(dst, json_string_value(json_object_get(d, "code")), d);
    }
}

/* ---- applying changes ----------------------------------------------------------------- */

/* Registers code (and the inner codes of a SUBTABLE) as used; duplicates are errors. */
static void
register_codes(struct apply *st, json_t *codes, const char *code, const json_t *def,
               const char *key)
{
    if (json_object_get(codes, code))
        ferr(st, key, FX_CODE_DUP, code);
    else
        json_object_set_new(codes, code, json_true());
    if (field_def_type(def) != FT_SUBTABLE)
        return;
    const char *in;
    json_t *idef;
    json_object_foreach(json_object_get(def, "fields"), in, idef)
    {
        if (json_object_get(codes, in))
            ferr(st, arena_printf(st->c->arena, "%s.fields.%s", key, in), FX_CODE_DUP, in);
        else
            json_object_set_new(codes, in, json_true());
    }
}

static json_t *
add_field(struct apply *st, const char *name, const json_t *def)
{
    const char *key = arena_printf(st->c->arena, "properties.%s", name);
    if (!json_is_object(def)) {
        merr(st, key, MSG_BAD_TYPE, NULL);
        return NULL;
    }
    const char *code = def_code(st, key, name, def, true);
    if (!code || !check_code(st, key2(st, key, "code"), code))
        return NULL;
    enum ftype t = field_def_type(def);
    if (!(tflags(t) & F_NEW)) {
        ferr(st, key2(st, key, "type"), FX_TYPE, field_str(def, "type"));
        return NULL;
    }
    return normalize(st, key, code, t, def, false, NULL);
}

/* Merged subtable "fields" for PUT: existing inner fields updated/renamed in place, new ones
 * appended. */
static json_t *
merge_inner(struct norm *tn, const json_t *base, const json_t *change)
{
    struct apply *st = tn->st;
    json_t *out = json_object();
    const char *name;
    json_t *def;
    if (change && !json_is_object(change)) {
        merr(st, key2(st, tn->key, "fields"), MSG_BAD_TYPE, NULL);
        change = NULL;
    }
    json_t *kept = json_object(); /* unchanged inner codes: a rename must not take one */
    json_object_foreach((json_t *)base, name, def)
    {
        if (!json_object_get(change, name))
            json_object_set_new(kept, name, json_true());
    }
    json_object_foreach((json_t *)base, name, def)
    {
        const json_t *ch = json_object_get(change, name);
        if (!ch) {
            if (!json_object_get(out, name))
                json_object_set(out, name, def);
            continue;
        }
        const char *key = arena_printf(st->c->arena, "%s.fields.%s", tn->key, name);
        if (!json_is_object(ch)) {
            merr(st, key, MSG_BAD_TYPE, NULL);
            continue;
        }
        const char *code = def_code(st, key, name, ch, false);
        const json_t *ty = json_object_get(ch, "type");
        if (ty && field_type(json_string_value(ty)) != field_def_type(def)) {
            ferr(st, key2(st, key, "type"), FX_TYPE_CHANGE, NULL);
            continue;
        }
        if (!code || !check_code(st, key2(st, key, "code"), code))
            continue;
        json_t *merged = json_copy(def);
        json_object_update(merged, (json_t *)ch);
        json_t *d = normalize(st, key, code, field_def_type(def), merged, true, NULL);
        json_decref(merged);
        if (json_object_get(out, code) || json_object_get(kept, code)) {
            ferr(st, key2(st, key, "code"), FX_CODE_DUP, code);
            json_decref(d);
            continue;
        }
        json_object_set_new(out, code, d);
    }
    json_decref(kept);
    json_object_foreach((json_t *)change, name, def)
    {
        if (json_object_get(base, name))
            continue;
        json_t *d = add_inner(tn, name, def);
        if (!d)
            continue;
        const char *code = json_string_value(json_object_get(d, "code"));
        if (json_object_get(out, code)) {
            ferr(st, arena_printf(st->c->arena, "%s.fields.%s", tn->key, name), FX_CODE_DUP, code);
            json_decref(d);
            continue;
        }
        json_object_set_new(out, code, d);
    }
    return out;
}

static json_t *
update_field(struct apply *st, const char *name, const json_t *base, const json_t *ch,
             const char **newcode)
{
    const char *key = arena_printf(st->c->arena, "properties.%s", name);
    *newcode = NULL;
    if (!json_is_object(ch)) {
        merr(st, key, MSG_BAD_TYPE, NULL);
        return NULL;
    }
    enum ftype t = field_def_type(base);
    const json_t *ty = json_object_get(ch, "type");
    if (ty && field_type(json_string_value(ty)) != t) {
        ferr(st, key2(st, key, "type"), FX_TYPE_CHANGE, NULL);
        return NULL;
    }
    const char *code = def_code(st, key, name, ch, false);
    if (!code || !check_code(st, key2(st, key, "code"), code))
        return NULL;
    json_t *merged = json_copy((json_t *)base);
    if (field_type_is_system(t)) {
        /* only the code and the label of system fields can change here */
        if (json_object_get(ch, "label"))
            json_object_set(merged, "label", json_object_get(ch, "label"));
        if (json_object_get(ch, "noLabel"))
            json_object_set(merged, "noLabel", json_object_get(ch, "noLabel"));
    } else {
        json_object_update(merged, (json_t *)ch);
    }
    json_t *fields = NULL;
    if (t == FT_SUBTABLE) {
        struct norm tn = { .st = st, .key = key };
        fields = merge_inner(&tn, json_object_get(base, "fields"), json_object_get(ch, "fields"));
        if (json_object_size(fields) == 0)
            ferr(st, key2(st, key, "fields"), FX_EMPTY_TABLE, NULL);
    }
    json_t *d = normalize(st, key, code, t, merged, false, fields);
    json_decref(merged);
    *newcode = code;
    return d;
}

/* ---- formulas --------------------------------------------------------------------------- */

struct cnode {
    const char *code, *table, *key;
    struct calc_expr *e;
    int state; /* 0 new, 1 on the DFS stack, 2 done */
};

struct cgraph {
    struct apply *st;
    const json_t *props;
    struct cnode *nodes;
    size_t n, cap;
    struct cnode *cur; /* node whose references are being checked */
    bool cycle;
};

static bool
is_formula(const json_t *def)
{
    enum ftype t = field_def_type(def);
    return t == FT_CALC || (t == FT_SINGLE_LINE_TEXT && *field_str(def, "expression"));
}

static void
graph_add(struct cgraph *g, const char *code, const char *table, const json_t *def, const char *key)
{
    struct apply *st = g->st;
    const char *msg;
    struct calc_expr *e;
    const char *expr = field_str(def, "expression");
    if (!*expr)
        return; /* a CALC without expression was already reported */
    if (calc_parse_lang(st->c->arena, expr, st->c->fail->lang, &e, &msg) != ERR_OK) {
        fail_field(st->c->fail, key2(st, key, "expression"), MSG_TEXT, msg);
        st->nerr++;
        return;
    }
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 16;
        struct cnode *nn = arena_alloc(st->c->arena, cap * sizeof(*nn));
        if (g->n)
            memcpy(nn, g->nodes, g->n * sizeof(*nn));
        g->nodes = nn;
        g->cap = cap;
    }
    g->nodes[g->n++] = (struct cnode){ .code = code, .table = table, .key = key, .e = e };
}

static struct cnode *
graph_node(struct cgraph *g, const char *code)
{
    for (size_t k = 0; k < g->n; k++) {
        if (strcmp(g->nodes[k].code, code) == 0)
            return &g->nodes[k];
    }
    return NULL;
}

static void
check_ref(void *arg, const char *code, bool in_sum)
{
    struct cgraph *g = arg;
    struct cnode *cur = g->cur;
    const char *table;
    const char *k = key2(g->st, cur->key, "expression");
    const json_t *def = field_find(g->props, code, &table);
    if (!def) {
        ferr(g->st, k, FX_CALC_UNKNOWN, code);
        return;
    }
    enum ftype t = field_def_type(def);
    if (!field_type_calc_ref(t)) {
        ferr(g->st, k, FX_CALC_TYPE, field_type_name(t));
        return;
    }
    if (table && !(cur->table && strcmp(cur->table, table) == 0) && !(!cur->table && in_sum))
        ferr(g->st, k, FX_CALC_ARRAY, NULL);
}

static void visit(struct cgraph *g, struct cnode *n);

static void
visit_ref(void *arg, const char *code, bool in_sum)
{
    struct cgraph *g = arg;
    (void)in_sum;
    struct cnode *to = graph_node(g, code);
    if (!to || g->cycle)
        return;
    if (to->state == 1) {
        g->cycle = true;
        return;
    }
    if (to->state == 0) {
        struct cnode *saved = g->cur;
        visit(g, to);
        g->cur = saved;
    }
}

static void
visit(struct cgraph *g, struct cnode *n)
{
    n->state = 1;
    g->cur = n;
    calc_refs(n->e, visit_ref, g);
    n->state = 2;
}

static void
graph_build(struct cgraph *g)
{
    const char *code, *in;
    json_t *def, *idef;
    json_object_foreach((json_t *)g->props, code, def)
    {
        const char *key = arena_printf(g->st->c->arena, "properties.%s", code);
        if (is_formula(def))
            graph_add(g, code, NULL, def, key);
        if (field_def_type(def) != FT_SUBTABLE)
            continue;
        json_object_foreach(json_object_get(def, "fields"), in, idef)
        {
            if (is_formula(idef))
                graph_add(g, in, code, idef,
                          arena_printf(g->st->c->arena, "%s.fields.%s", key, in));
        }
    }
}

/* References exist, are usable and acyclic. */
static void
check_formulas(struct apply *st, const json_t *props)
{
    struct cgraph g = { .st = st, .props = props };
    graph_build(&g);
    for (size_t k = 0; k < g.n; k++) {
        g.cur = &g.nodes[k];
        calc_refs(g.nodes[k].e, check_ref, &g);
    }
    for (size_t k = 0; k < g.n; k++) {
        for (size_t j = 0; j < g.n; j++)
            g.nodes[j].state = 0;
        g.cycle = false;
        visit(&g, &g.nodes[k]);
        if (g.cycle)
            ferr(st, key2(st, g.nodes[k].key, "expression"), FX_CALC_CYCLE, NULL);
    }
}

static void
check_lookups(struct apply *st, const json_t *props)
{
    const char *code;
    json_t *def;
    json_object_foreach((json_t *)props, code, def)
    {
        const json_t *maps = json_object_get(json_object_get(def, "lookup"), "fieldMappings");
        size_t i;
        json_t *m;
        json_array_foreach(maps, i, m)
        {
            const char *f = json_string_value(json_object_get(m, "field"));
            const json_t *target = f ? json_object_get(props, f) : NULL;
            if (!target || !json_is_string(json_object_get(m, "relatedField")) ||
                strcmp(f, code) == 0 || !field_type_has_value(field_def_type(target)) ||
                field_type_is_system(field_def_type(target)))
                merr(st,
                     arena_printf(st->c->arena, "properties.%s.lookup.fieldMappings[%zu].field",
                                  code, i),
                     MSG_UNKNOWN_FIELD, f ? f : "");
        }
    }
}

enum err
field_props_apply(struct ctx *c, const json_t *existing, const json_t *changes, bool add,
                  json_t **out)
{
    struct apply st = { .c = c };
    json_t *res = json_object(), *codes = json_object();
    const char *name;
    json_t *def;
    *out = NULL;
    if (!json_is_object(changes)) {
        fail_field(c->fail, "properties", MSG_REQUIRED, NULL);
        goto fail;
    }
    if (!add) {
        json_object_foreach((json_t *)changes, name, def)
        {
            if (!json_object_get(existing, name))
                merr(&st, arena_printf(c->arena, "properties.%s", name), MSG_UNKNOWN_FIELD, name);
        }
        if (st.nerr)
            goto fail;
    }
    /* unchanged fields first, so that a clash is reported on the field being changed */
    json_object_foreach((json_t *)existing, name, def)
    {
        if (add || !json_object_get(changes, name))
            register_codes(&st, codes, name, def, arena_printf(c->arena, "properties.%s", name));
    }
    json_object_foreach((json_t *)existing, name, def)
    {
        const json_t *ch = add ? NULL : json_object_get(changes, name);
        const char *code = name;
        json_t *d = ch ? update_field(&st, name, def, ch, &code) : json_incref(def);
        if (!d)
            continue;
        if (ch)
            register_codes(&st, codes, code, d, arena_printf(c->arena, "properties.%s", name));
        if (json_object_get(res, code))
            json_decref(d); /* a clash, already reported */
        else
            json_object_set_new(res, code, d);
    }
    if (add) {
        json_object_foreach((json_t *)changes, name, def)
        {
            json_t *d = add_field(&st, name, def);
            if (!d)
                continue;
            register_codes(&st, codes, name, d, arena_printf(c->arena, "properties.%s", name));
            if (!json_object_get(res, name))
                json_object_set_new(res, name, d);
            else
                json_decref(d);
        }
    }
    if (st.nerr)
        goto fail;
    check_formulas(&st, res);
    check_lookups(&st, res);
    if (st.nerr)
        goto fail;
    json_decref(codes);
    *out = res;
    return ERR_OK;
fail:
    json_decref(codes);
    json_decref(res);
    return ERR_INVALID;
}

/* ---- delete ------------------------------------------------------------------------------ */

struct in_use {
    const json_t *gone; /* code → index in the request */
    struct apply *st;
    const char *user;
};

static void
use_ref(void *arg, const char *code, bool in_sum)
{
    struct in_use *u = arg;
    (void)in_sum;
    const json_t *idx = json_object_get(u->gone, code);
    if (idx)
        ferr(u->st,
             arena_printf(u->st->c->arena, "fields[%lld]", (long long)json_integer_value(idx)),
             FX_IN_USE, u->user);
}

static void
check_in_use(struct apply *st, const json_t *props, const json_t *gone)
{
    struct cgraph g = { .st = st, .props = props };
    graph_build(&g);
    for (size_t k = 0; k < g.n; k++) {
        struct in_use u = { .gone = gone, .st = st, .user = g.nodes[k].code };
        calc_refs(g.nodes[k].e, use_ref, &u);
    }
}

enum err
field_props_delete(struct ctx *c, const json_t *existing, const json_t *codes, json_t **out)
{
    struct apply st = { .c = c };
    json_t *gone = json_object(), *res = json_object();
    size_t i;
    json_t *it;
    const char *name;
    json_t *def;
    *out = NULL;
    if (!json_is_array(codes) || json_array_size(codes) == 0) {
        fail_field(c->fail, "fields", MSG_REQUIRED, NULL);
        goto fail;
    }
    json_array_foreach(codes, i, it)
    {
        const char *code = json_string_value(it);
        const char *key = arena_printf(c->arena, "fields[%zu]", i);
        const json_t *d = field_find(existing, code, NULL);
        if (!d)
            merr(&st, key, MSG_UNKNOWN_FIELD, code ? code : "");
        else if (field_type_is_system(field_def_type(d)))
            ferr(&st, key, FX_SYSTEM, NULL);
        else
            json_object_set_new(gone, code, json_integer((json_int_t)i));
        if (d && field_def_type(d) == FT_SUBTABLE && json_object_get(existing, code)) {
            const char *in;
            json_t *idef;
            json_object_foreach(json_object_get(d, "fields"), in, idef)
            {
                json_object_set_new(gone, in, json_integer((json_int_t)i));
            }
        }
    }
    json_object_foreach((json_t *)existing, name, def)
    {
        if (json_object_get(gone, name))
            continue;
        if (field_def_type(def) != FT_SUBTABLE) {
            json_object_set(res, name, def);
            continue;
        }
        json_t *fields = json_object(), *copy = json_copy(def);
        const char *in;
        json_t *idef;
        const json_t *last = NULL;
        json_object_foreach(json_object_get(def, "fields"), in, idef)
        {
            if (!json_object_get(gone, in))
                json_object_set(fields, in, idef);
            else
                last = json_object_get(gone, in);
        }
        if (last && json_object_size(fields) == 0)
            ferr(&st, arena_printf(c->arena, "fields[%lld]", (long long)json_integer_value(last)),
                 FX_EMPTY_TABLE, NULL);
        json_object_set_new(copy, "fields", fields);
        json_object_set_new(res, name, copy);
    }
    if (!st.nerr)
        check_in_use(&st, res, gone);
    if (st.nerr)
        goto fail;
    json_decref(gone);
    *out = res;
    return ERR_OK;
fail:
    json_decref(gone);
    json_decref(res);
    return ERR_INVALID;
}

/* ---- layout ----------------------------------------------------------------------------- */

static json_t *
layout_elem(const char *code, enum ftype t)
{
    if (t == FT_REFERENCE_TABLE)
        return json_pack("{s:s,s:s}", "type", field_type_name(t), "code", code);
    json_t *size = json_pack("{s:s}", "width", "193");
    if (t == FT_MULTI_LINE_TEXT || t == FT_RICH_TEXT)
        json_object_set_new(size, "innerHeight", json_string("125"));
    return json_pack("{s:s,s:s,s:o}", "type", field_type_name(t), "code", code, "size", size);
}

static bool
is_decoration(enum ftype t)
{
    return t == FT_LABEL || t == FT_SPACER || t == FT_HR;
}

/* Keeps the elements of a row (or subtable block) that still name a field of `fields`;
 * system fields renamed since are followed by type. */
static json_t *
sync_elems(const json_t *elems, const json_t *fields, const json_t *props, json_t *seen)
{
    json_t *out = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(elems, i, e)
    {
        enum ftype t = field_def_type(e);
        const char *code = json_string_value(json_object_get(e, "code"));
        if (is_decoration(t)) {
            json_array_append(out, e);
            continue;
        }
        const json_t *def = code ? json_object_get(fields, code) : NULL;
        if ((!def || field_def_type(def) != t) && field_type_is_system(t) && fields == props) {
            code = field_code_of_type(props, t);
            def = code ? json_object_get(props, code) : NULL;
        }
        if (!def || field_def_type(def) != t || t == FT_SUBTABLE || t == FT_GROUP ||
            json_object_get(seen, code))
            continue;
        json_object_set_new(seen, code, json_true());
        json_t *copy = json_copy(e);
        json_object_set_new(copy, "code", json_string(code));
        json_array_append_new(out, copy);
    }
    return out;
}

static void
append_missing_inner(json_t *elems, const json_t *fields, json_t *seen)
{
    const char *in;
    json_t *idef;
    json_object_foreach((json_t *)fields, in, idef)
    {
        if (json_object_get(seen, in))
            continue;
        json_object_set_new(seen, in, json_true());
        json_array_append_new(elems, layout_elem(in, field_def_type(idef)));
    }
}

static json_t *
sync_rows(const json_t *rows, const json_t *props, json_t *seen)
{
    json_t *out = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        if (strcmp(field_str(row, "type"), "ROW") != 0)
            continue;
        json_t *f = sync_elems(json_object_get(row, "fields"), props, props, seen);
        if (json_array_size(f))
            json_array_append_new(out, json_pack("{s:s,s:o}", "type", "ROW", "fields", f));
        else
            json_decref(f);
    }
    return out;
}

json_t *
field_layout_sync(const json_t *layout, const json_t *props)
{
    json_t *out = json_array(), *seen = json_object();
    size_t i;
    json_t *b;
    json_array_foreach(layout, i, b)
    {
        const char *type = field_str(b, "type");
        const char *code = field_str(b, "code");
        const json_t *def = json_object_get(props, code);
        if (strcmp(type, "ROW") == 0) {
            json_t *f = sync_elems(json_object_get(b, "fields"), props, props, seen);
            if (json_array_size(f))
                json_array_append_new(out, json_pack("{s:s,s:o}", "type", "ROW", "fields", f));
            else
                json_decref(f);
        } else if (strcmp(type, "SUBTABLE") == 0 && field_def_type(def) == FT_SUBTABLE &&
                   !json_object_get(seen, code)) {
            json_object_set_new(seen, code, json_true());
            const json_t *inner = json_object_get(def, "fields");
            json_t *f = sync_elems(json_object_get(b, "fields"), inner, props, seen);
            append_missing_inner(f, inner, seen);
            json_array_append_new(
                out, json_pack("{s:s,s:s,s:o}", "type", "SUBTABLE", "code", code, "fields", f));
        } else if (strcmp(type, "GROUP") == 0 && field_def_type(def) == FT_GROUP &&
                   !json_object_get(seen, code)) {
            json_object_set_new(seen, code, json_true());
            json_array_append_new(
                out, json_pack("{s:s,s:s,s:o}", "type", "GROUP", "code", code, "layout",
                               sync_rows(json_object_get(b, "layout"), props, seen)));
        }
    }
    const char *code;
    json_t *def;
    json_object_foreach((json_t *)props, code, def)
    {
        enum ftype t = field_def_type(def);
        if (json_object_get(seen, code) || field_type_is_system(t) || t == FT_UNKNOWN)
            continue;
        json_object_set_new(seen, code, json_true());
        if (t == FT_SUBTABLE) {
            json_t *f = json_array();
            append_missing_inner(f, json_object_get(def, "fields"), seen);
            json_array_append_new(
                out, json_pack("{s:s,s:s,s:o}", "type", "SUBTABLE", "code", code, "fields", f));
        } else if (t == FT_GROUP) {
            json_array_append_new(
                out, json_pack("{s:s,s:s,s:[]}", "type", "GROUP", "code", code, "layout"));
        } else {
            json_array_append_new(
                out, json_pack("{s:s,s:[o]}", "type", "ROW", "fields", layout_elem(code, t)));
        }
    }
    json_decref(seen);
    return out;
}

static bool
size_ok(const json_t *v)
{
    double d;
    return !v || json_is_number(v) ||
           (json_is_string(v) &&
            (!*json_string_value(v) || calc_parse_number(json_string_value(v), &d)));
}

/* Elements of a ROW (fields = props, table = NULL) or of a SUBTABLE block. */
static void
validate_elems(struct apply *st, const json_t *props, const json_t *fields, bool in_table,
               const json_t *elems, const char *key, json_t *seen)
{
    size_t j;
    json_t *e;
    if (!json_is_array(elems)) {
        merr(st, key, MSG_BAD_TYPE, NULL);
        return;
    }
    json_array_foreach(elems, j, e)
    {
        const char *ek = arena_printf(st->c->arena, "%s[%zu]", key, j);
        enum ftype t = field_def_type(e);
        const json_t *size = json_object_get(e, "size");
        if (size && (!json_is_object(size) || !size_ok(json_object_get(size, "width")) ||
                     !size_ok(json_object_get(size, "height")) ||
                     !size_ok(json_object_get(size, "innerHeight"))))
            merr(st, key2(st, ek, "size"), MSG_NOT_NUMBER, NULL);
        if (is_decoration(t)) {
            if (in_table)
                ferr(st, key2(st, ek, "type"), FX_LAYOUT_TYPE, NULL);
            else if (t == FT_LABEL && !json_is_string(json_object_get(e, "label")))
                merr(st, key2(st, ek, "label"), MSG_REQUIRED, NULL);
            continue;
        }
        const char *code = json_string_value(json_object_get(e, "code"));
        const char *table = NULL;
        const json_t *def = code ? field_find(props, code, &table) : NULL;
        if (!def) {
            merr(st, key2(st, ek, "code"), MSG_UNKNOWN_FIELD, code ? code : "");
            continue;
        }
        if (field_def_type(def) != t) {
            ferr(st, key2(st, ek, "type"), FX_LAYOUT_TYPE, NULL);
            continue;
        }
        if (!json_object_get(fields, code) || t == FT_SUBTABLE || t == FT_GROUP ||
            (!in_table && table)) {
            ferr(st, key2(st, ek, "code"), FX_LAYOUT_PLACE, code);
            continue;
        }
        if (json_object_get(seen, code))
            ferr(st, key2(st, ek, "code"), FX_LAYOUT_DUP, code);
        json_object_set_new(seen, code, json_true());
    }
}

static void
validate_block(struct apply *st, const json_t *props, const json_t *b, const char *key,
               json_t *seen, bool in_group)
{
    const char *type = field_str(b, "type");
    if (!json_is_object(b)) {
        merr(st, key, MSG_BAD_TYPE, NULL);
    } else if (strcmp(type, "ROW") == 0) {
        validate_elems(st, props, props, false, json_object_get(b, "fields"),
                       key2(st, key, "fields"), seen);
    } else if (!in_group && (strcmp(type, "SUBTABLE") == 0 || strcmp(type, "GROUP") == 0)) {
        const char *code = field_str(b, "code");
        const json_t *def = json_object_get(props, code);
        enum ftype want = type[0] == 'S' ? FT_SUBTABLE : FT_GROUP;
        if (field_def_type(def) != want) {
            merr(st, key2(st, key, "code"), MSG_UNKNOWN_FIELD, code);
            return;
        }
        if (json_object_get(seen, code))
            ferr(st, key2(st, key, "code"), FX_LAYOUT_DUP, code);
        json_object_set_new(seen, code, json_true());
        if (want == FT_SUBTABLE) {
            validate_elems(st, props, json_object_get(def, "fields"), true,
                           json_object_get(b, "fields"), key2(st, key, "fields"), seen);
            return;
        }
        const json_t *rows = json_object_get(b, "layout");
        size_t i;
        json_t *r;
        if (rows && !json_is_array(rows))
            merr(st, key2(st, key, "layout"), MSG_BAD_TYPE, NULL);
        json_array_foreach(rows, i, r)
        {
            validate_block(st, props, r, arena_printf(st->c->arena, "%s.layout[%zu]", key, i), seen,
                           true);
        }
    } else {
        ferr(st, key2(st, key, "type"), FX_LAYOUT_TYPE, NULL);
    }
}

enum err
field_layout_validate(struct ctx *c, const json_t *props, const json_t *layout)
{
    struct apply st = { .c = c };
    size_t i;
    json_t *b;
    if (!json_is_array(layout)) {
        fail_field(c->fail, "layout", MSG_REQUIRED, NULL);
        return ERR_INVALID;
    }
    json_t *seen = json_object();
    json_array_foreach(layout, i, b)
    {
        validate_block(&st, props, b, arena_printf(c->arena, "layout[%zu]", i), seen, false);
    }
    json_decref(seen);
    return st.nerr ? ERR_INVALID : ERR_OK;
}
