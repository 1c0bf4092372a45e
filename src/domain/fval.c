/* Validators of the form language: one answer against a field's rules, with error codes and
 * messages shared with web/js/fcond.js (checkValue, MESSAGES). */
#include "fcond.h"

#include "core/text.h"
#include "fcond_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uninorm.h>
#include <unistr.h>

static _Thread_local char arg_buf[40];

static bool
set_err(struct fval_error *err, const char *code, const char *arg)
{
    err->code = code;
    err->arg = arg;
    return false;
}

static const char *
fmt_int(long long v)
{
    snprintf(arg_buf, sizeof arg_buf, "%lld", v);
    return arg_buf;
}

/* A rule's bound as text: strings as written; numbers as JavaScript's String(n) prints them
 * for ordinary magnitudes (integers plainly, other values with the shortest round trip). */
static const char *
fmt_bound(const json_t *r)
{
    if (json_is_string(r))
        return json_string_value(r);
    if (json_is_integer(r))
        return fmt_int(json_integer_value(r));
    double v = json_number_value(r);
    if (v == floor(v) && fabs(v) < 1e15)
        return fmt_int((long long)v);
    for (int p = 1; p <= 17; p++) {
        snprintf(arg_buf, sizeof arg_buf, "%.*g", p, v);
        if (strtod(arg_buf, NULL) == v)
            break;
    }
    return arg_buf;
}

static bool
bound_of(const json_t *r, double *out)
{
    if (json_is_number(r))
        return *out = json_number_value(r), true;
    return json_is_string(r) && fcond_parse_number(json_string_value(r), out);
}

static size_t
nfc_length(const char *s)
{
    size_t n = strlen(s), len = 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            goto unicode;
    return n;
unicode:;
    uint8_t *r = u8_normalize(UNINORM_NFC, (const uint8_t *)s, n, NULL, &len);
    if (!r)
        return text_length(s, n);
    size_t cps = text_length((const char *)r, len);
    free(r);
    return cps;
}

static bool
is_hyphen(ucs4_t c)
{
    return c == '-' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0x30FC;
}

/* Digits (after NFKC) in groups separated by single hyphens; counts the digits and keeps
 * the first. lead_ok lets a hyphen come first (right after "+81"). */
static bool
digit_groups(const char *s, bool lead_ok, int *ndigits, char *first)
{
    const uint8_t *p = (const uint8_t *)s;
    size_t n = strlen(s);
    bool prev_hyphen = !lead_ok, any = false;
    *ndigits = 0;
    while (n) {
        ucs4_t c;
        int l = u8_mbtouc(&c, p, n);
        if (c >= '0' && c <= '9') {
            if (!*ndigits)
                *first = (char)c;
            (*ndigits)++;
            prev_hyphen = false;
            any = true;
        } else if (is_hyphen(c)) {
            if (prev_hyphen)
                return false;
            prev_hyphen = true;
        } else {
            return false;
        }
        p += l, n -= (size_t)l;
    }
    return any && !prev_hyphen;
}

static bool
is_phone(const char *s)
{
    char t[128], first = 0;
    int nd;
    if (!fcond_nfkc_trim(s, t, sizeof t))
        return false;
    if (strncmp(t, "+81", 3) == 0)
        return digit_groups(t + 3, true, &nd, &first) && nd >= 9 && nd <= 10 && first != '0';
    return digit_groups(t, false, &nd, &first) && nd >= 10 && nd <= 11 && first == '0';
}

static bool
is_postcode(const char *s)
{
    char t[64];
    if (!fcond_nfkc_trim(s, t, sizeof t))
        return false;
    const uint8_t *p = (const uint8_t *)t;
    for (int i = 0; i < 3; i++)
        if (*p < '0' || *p > '9')
            return false;
        else
            p++;
    if (*p && !(*p >= '0' && *p <= '9')) {
        ucs4_t c;
        int l = u8_mbtouc(&c, p, strlen((const char *)p));
        if (!is_hyphen(c))
            return false;
        p += l;
    }
    for (int i = 0; i < 4; i++)
        if (*p < '0' || *p > '9')
            return false;
        else
            p++;
    return *p == 0;
}

static bool
is_atext(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+/=?^_`{|}~-", c));
}

/* A practical subset of RFC 5321: dot-atom local part (≤ 64), host name of ≥ 2 labels
 * (letters, digits, inner hyphens, ≤ 63 each), top label not all digits, ≤ 254 in all.
 * ASCII only; surrounding whitespace is ignored. */
static bool
is_email(const char *s)
{
    char t[300];
    size_t n = strlen(s);
    while (n && strchr(" \t\n\r", s[n - 1]))
        n--;
    while (n && strchr(" \t\n\r", *s))
        s++, n--;
    if (n == 0 || n > 254)
        return false;
    memcpy(t, s, n);
    t[n] = 0;
    char *at = strchr(t, '@');
    if (!at)
        return false;
    size_t ll = (size_t)(at - t);
    if (ll == 0 || ll > 64 || t[0] == '.' || t[ll - 1] == '.')
        return false;
    for (size_t i = 0; i < ll; i++)
        if (!(is_atext(t[i]) || (t[i] == '.' && t[i + 1] != '.')))
            return false;
    const char *d = at + 1;
    int labels = 0;
    for (;;) {
        size_t k = 0;
        bool digits_only = true;
        while (d[k] && d[k] != '.') {
            char c = d[k];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-'))
                return false;
            if (!(c >= '0' && c <= '9'))
                digits_only = false;
            k++;
        }
        if (k == 0 || k > 63 || d[0] == '-' || d[k - 1] == '-')
            return false;
        labels++;
        if (!d[k])
            return labels >= 2 && !digits_only;
        d += k + 1;
    }
}

/* 全角カタカナ (ァ..ヺ), ー, ・, ヽ ヾ, and spaces (U+0020, U+3000), after NFC so that a
 * combining (han)dakuten joins its letter; half-width katakana is refused. */
static bool
is_katakana(const char *s)
{
    size_t n = strlen(s), len = 0;
    uint8_t *r = u8_normalize(UNINORM_NFC, (const uint8_t *)s, n, NULL, &len);
    if (!r)
        return false;
    bool ok = true;
    for (size_t i = 0; i < len && ok;) {
        ucs4_t c;
        i += (size_t)u8_mbtouc(&c, r + i, len - i);
        ok = (c >= 0x30A1 && c <= 0x30FA) || (c >= 0x30FB && c <= 0x30FE) || c == 0x20 ||
             c == 0x3000;
    }
    free(r);
    return ok;
}

/* The node of optionsTree that lists this field's allowed values: follow the answers of the
 * "parent" field codes (top level first) from the root. NULL when an answer is missing. */
static const json_t *
tree_node(const json_t *rules, const json_t *answers)
{
    const json_t *node = json_object_get(rules, "optionsTree");
    const json_t *par = json_object_get(rules, "parent");
    size_t np = json_is_array(par) ? json_array_size(par) : json_is_string(par) ? 1 : 0;
    for (size_t i = 0; i < np && node; i++) {
        const json_t *code = json_is_array(par) ? json_array_get(par, i) : par;
        const char *a = json_string_value(json_object_get(answers, json_string_value(code)));
        node = a && json_is_object(node) ? json_object_get(node, a) : NULL;
    }
    return node;
}

static bool
in_list(const json_t *node, const char *s)
{
    if (json_is_object(node))
        return json_object_get(node, s) != NULL;
    size_t k;
    const json_t *e;
    json_array_foreach(node, k, e) if (json_is_string(e) && strcmp(json_string_value(e), s) == 0)
        return true;
    return false;
}

static bool
check_str(const json_t *rules, const char *s, const json_t *answers, const struct fcond_env *env,
          struct fval_error *err)
{
    const json_t *r;
    size_t len = 0;
    bool counted = false;
    if (json_is_integer(r = json_object_get(rules, "minLength"))) {
        len = nfc_length(s), counted = true;
        if ((json_int_t)len < json_integer_value(r))
            return set_err(err, "too_short", fmt_int(json_integer_value(r)));
    }
    if (json_is_integer(r = json_object_get(rules, "maxLength"))) {
        if (!counted)
            len = nfc_length(s);
        if ((json_int_t)len > json_integer_value(r))
            return set_err(err, "too_long", fmt_int(json_integer_value(r)));
    }
    if (json_is_string(r = json_object_get(rules, "pattern")) &&
        fcond_re_match(json_string_value(r), s, strlen(s)) != 1)
        return set_err(err, "pattern", NULL);
    const char *fmt = json_string_value(json_object_get(rules, "format"));
    if (fmt) {
        if (strcmp(fmt, "email") == 0 && !is_email(s))
            return set_err(err, "email", NULL);
        if (strcmp(fmt, "phone") == 0 && !is_phone(s))
            return set_err(err, "phone", NULL);
        if (strcmp(fmt, "postcode") == 0 && !is_postcode(s))
            return set_err(err, "postcode", NULL);
        if (strcmp(fmt, "katakana") == 0 && !is_katakana(s))
            return set_err(err, "katakana", NULL);
    }
    double lo, hi, x;
    const json_t *rmin = json_object_get(rules, "min"), *rmax = json_object_get(rules, "max");
    bool has_lo = bound_of(rmin, &lo), has_hi = bound_of(rmax, &hi);
    if (has_lo || has_hi) {
        if (!fcond_parse_number(s, &x))
            return set_err(err, "not_number", NULL);
        if (has_lo && x < lo)
            return set_err(err, "min", fmt_bound(rmin));
        if (has_hi && x > hi)
            return set_err(err, "max", fmt_bound(rmax));
    }
    int64_t dlo, dhi, dx;
    const char *smin = json_string_value(json_object_get(rules, "minDate"));
    const char *smax = json_string_value(json_object_get(rules, "maxDate"));
    bool has_dlo = smin && fcond_parse_date(smin, true, env->today, &dlo);
    bool has_dhi = smax && fcond_parse_date(smax, true, env->today, &dhi);
    if (has_dlo || has_dhi) {
        if (!fcond_parse_date(s, false, 0, &dx))
            return set_err(err, "not_date", NULL);
        if (has_dlo && dx < dlo)
            return fcond_format_date(dlo, arg_buf), set_err(err, "min_date", arg_buf);
        if (has_dhi && dx > dhi)
            return fcond_format_date(dhi, arg_buf), set_err(err, "max_date", arg_buf);
    }
    if (json_is_array(r = json_object_get(rules, "options")) && !in_list(r, s))
        return set_err(err, "option", NULL);
    if (json_object_get(rules, "optionsTree")) {
        const json_t *node = tree_node(rules, answers);
        if (!node || !in_list(node, s))
            return set_err(err, "option", NULL);
    }
    return true;
}

static bool
check(const json_t *rules, const json_t *value, bool required, const struct fcond_env *env,
      const json_t *answers, struct fval_error *err)
{
    static const struct fcond_env zero;
    if (!env)
        env = &zero;
    err->code = NULL, err->arg = NULL;
    if (value && !json_is_null(value) && !json_is_string(value) && !json_is_array(value))
        return set_err(err, "invalid", NULL);
    size_t k;
    const json_t *e;
    bool empty = true;
    if (json_is_string(value))
        empty = text_blank(json_string_value(value));
    json_array_foreach(value, k, e)
    {
        if (!json_is_string(e))
            return set_err(err, "invalid", NULL);
        if (!text_blank(json_string_value(e)))
            empty = false;
    }
    if (empty)
        return required ? set_err(err, "required", NULL) : true;
    if (!json_is_object(rules))
        return true;
    if (json_is_string(value))
        return check_str(rules, json_string_value(value), answers, env, err);
    json_array_foreach(value, k, e) if (!text_blank(json_string_value(e)) &&
                                        !check_str(rules, json_string_value(e), answers, env, err))
        return false;
    return true;
}

bool
fval_check(const json_t *rules, const json_t *value, bool required, const struct fcond_env *env,
           struct fval_error *err)
{
    return check(rules, value, required, env, NULL, err);
}

bool
fval_check_in(const json_t *rules, const json_t *answers, const char *code, bool required,
              const struct fcond_env *env, struct fval_error *err)
{
    return check(rules, json_object_get(answers, code), required, env, answers, err);
}

static bool
tree_valid(const json_t *node, int depth)
{
    if (depth > FCOND_MAX_DEPTH)
        return false;
    const char *key;
    const json_t *v;
    size_t k;
    if (json_is_object(node)) {
        json_object_foreach((json_t *)node, key, v) if (!tree_valid(v, depth + 1)) return false;
        return true;
    }
    if (!json_is_array(node))
        return false;
    json_array_foreach(node, k, v) if (!json_is_string(v)) return false;
    return true;
}

bool
fval_rules_valid(const json_t *rules, const char **why)
{
    const char *dummy, *key;
    const json_t *v;
    double d;
    int64_t t;
    if (!why)
        why = &dummy;
    if (!json_is_object(rules))
        return *why = "rules are an object", false;
    json_object_foreach((json_t *)rules, key, v)
    {
        if (strcmp(key, "required") == 0) {
            if (!json_is_boolean(v))
                return *why = "required is true or false", false;
        } else if (strcmp(key, "minLength") == 0 || strcmp(key, "maxLength") == 0) {
            if (!json_is_integer(v) || json_integer_value(v) < 0)
                return *why = "minLength/maxLength are non-negative integers", false;
        } else if (strcmp(key, "pattern") == 0) {
            if (!json_is_string(v))
                return *why = "pattern is a string", false;
            if (!fcond_re_allowed(json_string_value(v), why))
                return false;
            if (fcond_re_match(json_string_value(v), "", 0) < 0)
                return *why = "pattern does not compile", false;
        } else if (strcmp(key, "min") == 0 || strcmp(key, "max") == 0) {
            if (!bound_of(v, &d))
                return *why = "min/max are numbers", false;
        } else if (strcmp(key, "minDate") == 0 || strcmp(key, "maxDate") == 0) {
            if (!json_is_string(v) || !fcond_parse_date(json_string_value(v), true, 0, &t))
                return *why = "minDate/maxDate are YYYY-MM-DD or today±N", false;
        } else if (strcmp(key, "format") == 0) {
            const char *f = json_string_value(v);
            if (!f || (strcmp(f, "email") && strcmp(f, "phone") && strcmp(f, "postcode") &&
                       strcmp(f, "katakana")))
                return *why = "format is email, phone, postcode or katakana", false;
        } else if (strcmp(key, "options") == 0) {
            if (!json_is_array(v) || !tree_valid(v, 1))
                return *why = "options is an array of strings", false;
        } else if (strcmp(key, "optionsTree") == 0) {
            if (!json_is_object(v) || !tree_valid(v, 1))
                return *why = "optionsTree is an object of objects ending in arrays of strings",
                       false;
        } else if (strcmp(key, "parent") == 0) {
            size_t k;
            const json_t *e;
            bool ok = json_is_string(v) || (json_is_array(v) && json_array_size(v) > 0);
            json_array_foreach(v, k, e) ok = ok && json_is_string(e);
            if (!ok || !json_object_get(rules, "optionsTree"))
                return *why = "parent is a field code (or a list of them) with optionsTree", false;
        } else {
            return *why = "unknown rule", false;
        }
    }
    return true;
}

/* Messages: Japanese first, English second; {arg} is replaced by the error's argument.
 * web/js/fcond.js holds the same table (MESSAGES); a vector compares both. */
static const struct {
    const char *code, *ja, *en;
} messages[] = {
    {"required", "入力してください。", "Enter a value."},
    {"too_short", "{arg}文字以上で入力してください。", "Enter at least {arg} characters."},
    {"too_long", "{arg}文字以内で入力してください。", "Enter at most {arg} characters."},
    {"pattern", "入力の形式が正しくありません。", "The value is not in the expected format."},
    {"min", "{arg}以上の数値を入力してください。", "Enter a number of at least {arg}."},
    {"max", "{arg}以下の数値を入力してください。", "Enter a number of at most {arg}."},
    {"min_date", "{arg}以降の日付を入力してください。", "Enter a date on or after {arg}."},
    {"max_date", "{arg}以前の日付を入力してください。", "Enter a date on or before {arg}."},
    {"email", "メールアドレスを入力してください（例: taro@example.jp）。",
     "Enter an e-mail address, e.g. taro@example.jp."},
    {"phone", "電話番号を数字とハイフンで入力してください（例: 03-1234-5678）。",
     "Enter a phone number in digits and hyphens, e.g. 03-1234-5678."},
    {"postcode", "郵便番号を7桁で入力してください（例: 154-0004）。",
     "Enter a 7-digit postcode, e.g. 154-0004."},
    {"katakana", "全角カタカナで入力してください。", "Enter in full-width katakana."},
    {"option", "選択肢から選んでください。", "Choose one of the options."},
    {"not_number", "数値を入力してください。", "Enter a number."},
    {"not_date", "日付を「2026-04-01」の形式で入力してください。",
     "Enter a date in the form 2026-04-01."},
    {"invalid", "入力内容を確認してください。", "Check this value."},
};

static _Thread_local char msg_buf[512];

const char *
fval_message(const char *code, const char *lang, const char *arg)
{
    size_t n = sizeof messages / sizeof messages[0], i = n - 1; /* unknown codes: "invalid" */
    for (size_t j = 0; code && j < n; j++)
        if (strcmp(messages[j].code, code) == 0)
            i = j;
    const char *t = lang && strcmp(lang, "en") == 0 ? messages[i].en : messages[i].ja;
    const char *p = strstr(t, "{arg}");
    if (!p)
        return t;
    snprintf(msg_buf, sizeof msg_buf, "%.*s%s%s", (int)(p - t), t, arg ? arg : "", p + 5);
    return msg_buf;
}
