/* calc: tokenizer, recursive-descent parser and evaluator of kintone formulas (see calc.h).
 * Numbers are doubles cleaned to 15 significant digits when shown or rounded, which makes
 * decimal inputs such as 7 * 0.1 come out as kintone's decimal arithmetic does ("0.7"). */
#include "domain/calc.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/strbuf.h"
#include "domain/field.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CALC_MAX_DEPTH   64
#define CALC_MAX_ARGS    255
#define CALC_MAX_SECONDS 253402300800.0 /* 10000-01-01: dates beyond are errors */

enum node_kind {
    N_NUM,
    N_STR,
    N_REF,
    N_NEG,
    N_BIN,
    N_CALL
};
enum bin_op {
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DIV,
    OP_POW,
    OP_CAT,
    OP_EQ,
    OP_NE,
    OP_LT,
    OP_LE,
    OP_GT,
    OP_GE
};
enum fn_id {
    FN_SUM,
    FN_IF,
    FN_AND,
    FN_OR,
    FN_NOT,
    FN_ROUND,
    FN_ROUNDUP,
    FN_ROUNDDOWN,
    FN_YEN,
    FN_DATE_FORMAT,
    FN_CONTAINS,
    FN_ISBLANK
};

static const struct {
    const char *name;
    int min, max;
} fns[] = {
    [FN_SUM] = { "SUM", 1, CALC_MAX_ARGS },
    [FN_IF] = { "IF", 3, 3 },
    [FN_AND] = { "AND", 1, 32 },
    [FN_OR] = { "OR", 1, 32 },
    [FN_NOT] = { "NOT", 1, 1 },
    [FN_ROUND] = { "ROUND", 1, 2 },
    [FN_ROUNDUP] = { "ROUNDUP", 1, 2 },
    [FN_ROUNDDOWN] = { "ROUNDDOWN", 1, 2 },
    [FN_YEN] = { "YEN", 1, 2 },
    [FN_DATE_FORMAT] = { "DATE_FORMAT", 3, 3 },
    [FN_CONTAINS] = { "CONTAINS", 2, 2 },
    [FN_ISBLANK] = { "ISBLANK", 1, 1 },
};

struct calc_expr {
    enum node_kind kind;
    int op; /* enum bin_op for N_BIN, enum fn_id for N_CALL */
    double num;
    const char *str; /* N_STR text, N_REF field code */
    int nargs;
    struct calc_expr **args;
};

/* ---- messages ---------------------------------------------------------------------- */

enum cmsg {
    CM_SYNTAX,
    CM_FUNC,
    CM_NARGS,
    CM_FULLWIDTH,
    CM_DEPTH
};

static const char *const cmsg_text[][2] = {
    [CM_SYNTAX] = { "計算式の文法が正しくありません。", "The formula syntax is incorrect." },
    [CM_FUNC] = { "%s関数は使用できません。", "The function %s cannot be used." },
    [CM_NARGS] = { "%s関数の引数の数が正しくありません。",
                   "The number of arguments of the function %s is incorrect." },
    [CM_FULLWIDTH] = { "全角記号「%s」が入力されています。半角記号「%s」を入力してください。",
                       "The full-width symbol \"%s\" is used. Enter the half-width \"%s\"." },
    [CM_DEPTH] = { "計算式が複雑すぎます。", "The formula is too complex." },
};

/* ---- lexer --------------------------------------------------------------------------- */

enum tok {
    T_END,
    T_NUM,
    T_STR,
    T_IDENT,
    T_OP,
    T_LP,
    T_RP,
    T_COMMA
};

struct parser {
    struct arena *a;
    enum lang lang;
    const char *s;
    size_t i;
    const char *err; /* first error wins */
    int depth;
    enum tok t;
    char op[3];
    const char *text; /* T_IDENT / T_STR (arena copy) */
    double num;
};

static void
perr(struct parser *p, enum cmsg m, const char *a1, const char *a2)
{
    if (p->err)
        return;
    const char *tpl = cmsg_text[m][p->lang == LANG_EN];
    if (m == CM_FULLWIDTH) {
        /* two arguments: fill them one after the other */
        const char *mid = strstr(tpl, "%s");
        const char *end = mid ? strstr(mid + 2, "%s") : NULL;
        if (mid && end) {
            p->err = arena_printf(p->a, "%.*s%s%.*s%s%s", (int)(mid - tpl), tpl, a1,
                                  (int)(end - mid - 2), mid + 2, a2, end + 2);
            return;
        }
    }
    const char *at = strstr(tpl, "%s");
    p->err = at ? arena_printf(p->a, "%.*s%s%s", (int)(at - tpl), tpl, a1 ? a1 : "", at + 2) : tpl;
}

/* Decodes one UTF-8 code point; returns its length (1 for invalid bytes). */
static int
utf8_cp(const char *s, unsigned *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    if ((u[0] & 0xE0) == 0xC0 && (u[1] & 0xC0) == 0x80) {
        *cp = ((u[0] & 0x1Fu) << 6) | (u[1] & 0x3Fu);
        return 2;
    }
    if ((u[0] & 0xF0) == 0xE0 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80) {
        *cp = ((u[0] & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu);
        return 3;
    }
    if ((u[0] & 0xF8) == 0xF0 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80 &&
        (u[3] & 0xC0) == 0x80) {
        *cp = ((u[0] & 0x07u) << 18) | ((u[1] & 0x3Fu) << 12) | ((u[2] & 0x3Fu) << 6) |
              (u[3] & 0x3Fu);
        return 4;
    }
    *cp = 0xFFFD;
    return 1;
}

/* Half-width equivalent of a full-width or typographic symbol users paste into formulas
 * (kintone rejects them with a dedicated message); 0 when cp is not such a symbol. */
static char
halfwidth_symbol(unsigned cp)
{
    if (cp >= 0xFF01 && cp <= 0xFF5E) {
        char c = (char)(cp - 0xFEE0);
        bool code_char = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
                         (c >= 'a' && c <= 'z') || c == '_' || c == '$';
        return code_char ? 0 : c;
    }
    switch (cp) {
    case 0x3001:
        return ',';
    case 0x201C:
    case 0x201D:
        return '"';
    case 0x2212:
        return '-';
    case 0x00D7:
        return '*';
    case 0x00F7:
        return '/';
    default:
        return 0;
    }
}

static bool
ascii_code_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
           c == '$';
}

static void
lex_number(struct parser *p)
{
    const char *start = p->s + p->i;
    size_t j = p->i;
    while (p->s[j] >= '0' && p->s[j] <= '9')
        j++;
    if (p->s[j] == '.') {
        j++;
        while (p->s[j] >= '0' && p->s[j] <= '9')
            j++;
    }
    char *tmp = arena_strndup(p->a, start, j - p->i);
    p->num = strtod(tmp, NULL);
    p->i = j;
    p->t = T_NUM;
}

static void
lex_string(struct parser *p)
{
    struct strbuf sb;
    strbuf_init(&sb, p->a, 0);
    size_t j = p->i + 1;
    for (;;) {
        char c = p->s[j];
        if (c == '\0') {
            perr(p, CM_SYNTAX, NULL, NULL);
            p->t = T_END;
            return;
        }
        if (c == '"') {
            j++;
            break;
        }
        if (c == '\\' && (p->s[j + 1] == '"' || p->s[j + 1] == '\\')) {
            strbuf_addc(&sb, p->s[j + 1]);
            j += 2;
            continue;
        }
        strbuf_addc(&sb, c);
        j++;
    }
    p->text = sb.buf;
    p->i = j;
    p->t = T_STR;
}

/* Reads a field code or function name: everything up to an ASCII delimiter, a space or a
 * full-width symbol. Whether the code exists is the caller's business (calc_refs). */
static void
lex_ident(struct parser *p)
{
    size_t j = p->i;
    for (;;) {
        char c = p->s[j];
        if (c == '\0')
            break;
        if ((unsigned char)c < 0x80) {
            if (!ascii_code_char(c))
                break;
            j++;
            continue;
        }
        unsigned cp;
        int n = utf8_cp(p->s + j, &cp);
        if (cp == 0x3000 || halfwidth_symbol(cp))
            break;
        j += (size_t)n;
    }
    p->text = arena_strndup(p->a, p->s + p->i, j - p->i);
    p->i = j;
    p->t = T_IDENT;
}

static void
next(struct parser *p)
{
    for (;;) {
        char c = p->s[p->i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            p->i++;
            continue;
        }
        if ((unsigned char)c == 0xE3 && (unsigned char)p->s[p->i + 1] == 0x80 &&
            (unsigned char)p->s[p->i + 2] == 0x80) {
            p->i += 3; /* U+3000 ideographic space */
            continue;
        }
        break;
    }
    p->text = NULL;
    char c = p->s[p->i];
    char c1 = c ? p->s[p->i + 1] : '\0';
    if (c == '\0') {
        p->t = T_END;
        return;
    }
    if ((c >= '0' && c <= '9') || (c == '.' && c1 >= '0' && c1 <= '9')) {
        lex_number(p);
        return;
    }
    if (c == '"') {
        lex_string(p);
        return;
    }
    p->t = T_OP;
    p->op[1] = p->op[2] = '\0';
    p->op[0] = c;
    switch (c) {
    case '(':
        p->t = T_LP;
        p->i++;
        return;
    case ')':
        p->t = T_RP;
        p->i++;
        return;
    case ',':
        p->t = T_COMMA;
        p->i++;
        return;
    case '+':
    case '-':
    case '*':
    case '/':
    case '^':
    case '&':
    case '=':
        p->i++;
        return;
    case '<':
        if (c1 == '=' || c1 == '>') {
            p->op[1] = c1;
            p->i++;
        }
        p->i++;
        return;
    case '>':
        if (c1 == '=') {
            p->op[1] = c1;
            p->i++;
        }
        p->i++;
        return;
    case '!':
        if (c1 == '=') {
            p->op[1] = c1;
            p->i += 2;
            return;
        }
        break;
    default:
        break;
    }
    if (ascii_code_char(c) || (unsigned char)c >= 0x80) {
        unsigned cp;
        int n = utf8_cp(p->s + p->i, &cp);
        char half = (unsigned char)c >= 0x80 ? halfwidth_symbol(cp) : 0;
        if (half) {
            char hs[2] = { half, '\0' };
            perr(p, CM_FULLWIDTH, arena_strndup(p->a, p->s + p->i, (size_t)n), hs);
            p->t = T_END;
            return;
        }
        lex_ident(p);
        return;
    }
    perr(p, CM_SYNTAX, NULL, NULL);
    p->t = T_END;
}

/* ---- parser -------------------------------------------------------------------------- */

static struct calc_expr *
node(struct parser *p, enum node_kind k, int op, int nargs)
{
    struct calc_expr *e = arena_zalloc(p->a, sizeof(*e));
    e->kind = k;
    e->op = op;
    e->nargs = nargs;
    if (nargs)
        e->args = arena_zalloc(p->a, sizeof(*e->args) * (size_t)nargs);
    return e;
}

static struct calc_expr *parse_cmp(struct parser *p);

static struct calc_expr *
parse_call(struct parser *p, const char *name)
{
    int id = -1;
    for (size_t k = 0; k < sizeof(fns) / sizeof(fns[0]); k++) {
        if (strcasecmp(name, fns[k].name) == 0)
            id = (int)k;
    }
    if (id < 0) {
        perr(p, CM_FUNC, name, NULL);
        return NULL;
    }
    next(p); /* '(' */
    struct calc_expr **args = NULL;
    int n = 0, cap = 0;
    if (p->t != T_RP) {
        for (;;) {
            if (n == CALC_MAX_ARGS) {
                perr(p, CM_NARGS, fns[id].name, NULL);
                return NULL;
            }
            if (n == cap) {
                cap = cap ? cap * 2 : 4;
                struct calc_expr **grown = arena_alloc(p->a, sizeof(*grown) * (size_t)cap);
                if (n)
                    memcpy(grown, args, sizeof(*grown) * (size_t)n);
                args = grown;
            }
            args[n] = parse_cmp(p);
            if (!args[n])
                return NULL;
            n++;
            if (p->t != T_COMMA)
                break;
            next(p);
        }
    }
    if (p->t != T_RP) {
        perr(p, CM_SYNTAX, NULL, NULL);
        return NULL;
    }
    next(p);
    if (n < fns[id].min || n > fns[id].max) {
        perr(p, CM_NARGS, fns[id].name, NULL);
        return NULL;
    }
    struct calc_expr *e = node(p, N_CALL, id, 0);
    e->nargs = n;
    e->args = args;
    return e;
}

static struct calc_expr *
parse_primary(struct parser *p)
{
    struct calc_expr *e;
    if (p->err)
        return NULL;
    switch (p->t) {
    case T_NUM:
        e = node(p, N_NUM, 0, 0);
        e->num = p->num;
        next(p);
        return e;
    case T_STR:
        e = node(p, N_STR, 0, 0);
        e->str = p->text;
        next(p);
        return e;
    case T_LP:
        next(p);
        e = parse_cmp(p);
        if (!e)
            return NULL;
        if (p->t != T_RP) {
            perr(p, CM_SYNTAX, NULL, NULL);
            return NULL;
        }
        next(p);
        return e;
    case T_IDENT: {
        const char *name = p->text;
        next(p);
        if (p->t == T_LP)
            return parse_call(p, name);
        e = node(p, N_REF, 0, 0);
        e->str = name;
        return e;
    }
    default:
        perr(p, CM_SYNTAX, NULL, NULL);
        return NULL;
    }
}

static struct calc_expr *
parse_unary(struct parser *p)
{
    if (++p->depth > CALC_MAX_DEPTH) {
        perr(p, CM_DEPTH, NULL, NULL);
        return NULL;
    }
    struct calc_expr *e;
    if (p->t == T_OP && (p->op[0] == '-' || p->op[0] == '+') && !p->op[1]) {
        bool neg = p->op[0] == '-';
        next(p);
        struct calc_expr *x = parse_unary(p);
        if (!x)
            return NULL;
        if (!neg) {
            e = x;
        } else {
            e = node(p, N_NEG, 0, 1);
            e->args[0] = x;
        }
    } else {
        e = parse_primary(p);
    }
    p->depth--;
    return e;
}

static struct calc_expr *
binary(struct parser *p, int op, struct calc_expr *l, struct calc_expr *r)
{
    struct calc_expr *e = node(p, N_BIN, op, 2);
    e->args[0] = l;
    e->args[1] = r;
    return e;
}

static struct calc_expr *
parse_pow(struct parser *p)
{
    struct calc_expr *l = parse_unary(p);
    while (l && p->t == T_OP && p->op[0] == '^') {
        next(p);
        struct calc_expr *r = parse_unary(p);
        l = r ? binary(p, OP_POW, l, r) : NULL;
    }
    return l;
}

static struct calc_expr *
parse_mul(struct parser *p)
{
    struct calc_expr *l = parse_pow(p);
    while (l && p->t == T_OP && (p->op[0] == '*' || p->op[0] == '/')) {
        int op = p->op[0] == '*' ? OP_MUL : OP_DIV;
        next(p);
        struct calc_expr *r = parse_pow(p);
        l = r ? binary(p, op, l, r) : NULL;
    }
    return l;
}

static struct calc_expr *
parse_add(struct parser *p)
{
    struct calc_expr *l = parse_mul(p);
    while (l && p->t == T_OP && (p->op[0] == '+' || p->op[0] == '-')) {
        int op = p->op[0] == '+' ? OP_ADD : OP_SUB;
        next(p);
        struct calc_expr *r = parse_mul(p);
        l = r ? binary(p, op, l, r) : NULL;
    }
    return l;
}

static struct calc_expr *
parse_cat(struct parser *p)
{
    struct calc_expr *l = parse_add(p);
    while (l && p->t == T_OP && p->op[0] == '&') {
        next(p);
        struct calc_expr *r = parse_add(p);
        l = r ? binary(p, OP_CAT, l, r) : NULL;
    }
    return l;
}

static int
cmp_op(const struct parser *p)
{
    if (p->t != T_OP)
        return -1;
    if (strcmp(p->op, "=") == 0)
        return OP_EQ;
    if (strcmp(p->op, "!=") == 0 || strcmp(p->op, "<>") == 0)
        return OP_NE;
    if (strcmp(p->op, "<") == 0)
        return OP_LT;
    if (strcmp(p->op, "<=") == 0)
        return OP_LE;
    if (strcmp(p->op, ">") == 0)
        return OP_GT;
    if (strcmp(p->op, ">=") == 0)
        return OP_GE;
    return -1;
}

static struct calc_expr *
parse_cmp(struct parser *p)
{
    if (++p->depth > CALC_MAX_DEPTH) {
        perr(p, CM_DEPTH, NULL, NULL);
        return NULL;
    }
    struct calc_expr *l = parse_cat(p);
    int op;
    while (l && (op = cmp_op(p)) >= 0) {
        next(p);
        struct calc_expr *r = parse_cat(p);
        l = r ? binary(p, op, l, r) : NULL;
    }
    p->depth--;
    return l;
}

enum err
calc_parse_lang(struct arena *a, const char *expr, enum lang lang, struct calc_expr **out,
                const char **errmsg)
{
    struct parser p = { .a = a, .lang = lang, .s = expr ? expr : "" };
    *out = NULL;
    *errmsg = NULL;
    next(&p);
    struct calc_expr *e = p.t == T_END ? NULL : parse_cmp(&p);
    if (e && (p.t != T_END || p.err))
        e = NULL;
    if (!e) {
        perr(&p, CM_SYNTAX, NULL, NULL);
        *errmsg = p.err;
        return ERR_INVALID;
    }
    *out = e;
    return ERR_OK;
}

enum err
calc_parse(struct arena *a, const char *expr, struct calc_expr **out, const char **errmsg)
{
    return calc_parse_lang(a, expr, LANG_JA, out, errmsg);
}

static void
refs_walk(const struct calc_expr *e, calc_ref_fn *fn, void *arg, bool in_sum)
{
    if (e->kind == N_REF) {
        fn(arg, e->str, in_sum);
        return;
    }
    bool sum = e->kind == N_CALL && e->op == FN_SUM;
    for (int k = 0; k < e->nargs; k++)
        refs_walk(e->args[k], fn, arg, sum);
}

void
calc_refs(const struct calc_expr *e, calc_ref_fn *fn, void *arg)
{
    if (e)
        refs_walk(e, fn, arg, false);
}

/* ---- numbers --------------------------------------------------------------------------- */

void
calc_format_number(double d, char *buf, size_t n)
{
    if (!isfinite(d)) {
        snprintf(buf, n, "%s", "");
        return;
    }
    if (d == 0) {
        snprintf(buf, n, "0");
        return;
    }
    if (d == floor(d) && fabs(d) < 9e15) {
        snprintf(buf, n, "%.0f", d);
        return;
    }
    char tmp[64];
    snprintf(tmp, sizeof(tmp), "%.14e", d); /* -d.dddddddddddddde±XX: 15 significant digits */
    const char *q = tmp;
    bool neg = *q == '-';
    if (neg)
        q++;
    char digits[20];
    int nd = 0;
    while (*q && *q != 'e') {
        if (*q != '.')
            digits[nd++] = *q;
        q++;
    }
    int exp10 = (int)strtol(q + 1, NULL, 10);
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    struct strbuf sb;
    strbuf_init(&sb, NULL, 0);
    if (neg)
        strbuf_addc(&sb, '-');
    if (exp10 >= 0) {
        for (int k = 0; k <= exp10; k++)
            strbuf_addc(&sb, k < nd ? digits[k] : '0');
        if (nd > exp10 + 1) {
            strbuf_addc(&sb, '.');
            strbuf_add(&sb, digits + exp10 + 1, (size_t)(nd - exp10 - 1));
        }
    } else {
        strbuf_adds(&sb, "0.");
        for (int k = 0; k < -exp10 - 1; k++)
            strbuf_addc(&sb, '0');
        strbuf_add(&sb, digits, (size_t)nd);
    }
    snprintf(buf, n, "%s", sb.buf);
    strbuf_release(&sb);
}

json_t *
calc_number_json(double d)
{
    char buf[CALC_NUMBUF];
    if (!isfinite(d))
        return json_null();
    calc_format_number(d, buf, sizeof(buf));
    double c = strtod(buf, NULL);
    if (c == floor(c) && fabs(c) < 9.2e18)
        return json_integer((json_int_t)c);
    return json_real(c);
}

double
calc_round(double x, int n, int mode)
{
    if (!isfinite(x))
        return x;
    if (n > 15)
        n = 15;
    if (n < -15)
        n = -15;
    double p = pow(10, n >= 0 ? n : -n);
    double s = n >= 0 ? x * p : x / p;
    char buf[64];
    snprintf(buf, sizeof(buf), "%.15g", s); /* drop the binary noise of x * 10^n */
    s = strtod(buf, NULL);
    double a = fabs(s), r;
    if (mode == 0)
        r = floor(a + 0.5);
    else if (mode > 0)
        r = ceil(a);
    else
        r = floor(a);
    if (s < 0)
        r = -r;
    r = n >= 0 ? r / p : r * p;
    return r == 0 ? 0 : r;
}

bool
calc_format_valid(const char *f)
{
    static const char *const formats[] = { "NUMBER", "NUMBER_DIGIT", "DATETIME",       "DATE",
                                           "TIME",   "HOUR_MINUTE",  "DAY_HOUR_MINUTE" };
    for (size_t k = 0; f && k < sizeof(formats) / sizeof(formats[0]); k++) {
        if (strcmp(f, formats[k]) == 0)
            return true;
    }
    return false;
}

bool
calc_format_is_time(const char *f)
{
    return f && calc_format_valid(f) && strcmp(f, "NUMBER") != 0 && strcmp(f, "NUMBER_DIGIT") != 0;
}

/* ---- evaluation ------------------------------------------------------------------------ */

enum vt {
    V_NUM,
    V_STR,
    V_EMPTY,
    V_ERR,
    V_LIST,
    V_COLUMN
};

struct val {
    enum vt t;
    bool blank; /* V_NUM / V_STR from an empty field (ISBLANK) */
    double n;
    const char *s;
    const json_t *list; /* V_LIST: array of strings; V_COLUMN: subtable rows */
    const json_t *def;  /* V_COLUMN: inner field definition */
    const char *code;   /* V_COLUMN: inner code */
};

struct ev {
    const struct calc_env *env;
    struct arena *a;
};

static const struct val v_err = { .t = V_ERR };
static const struct val v_empty = { .t = V_EMPTY };

static struct val
num(double n)
{
    struct val v = { .t = V_NUM, .n = n };
    if (!isfinite(n))
        v.t = V_ERR;
    return v;
}

static struct val
str(const char *s)
{
    struct val v = { .t = V_STR, .s = s };
    return v;
}

bool
calc_parse_number(const char *s, double *out)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    int digits = 0;
    while (*p >= '0' && *p <= '9') {
        p++;
        digits++;
    }
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') {
            p++;
            digits++;
        }
    }
    if (!digits)
        return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    if (*p)
        return false;
    *out = strtod(s, NULL);
    return isfinite(*out);
}

static bool
hm_seconds(const char *s, double *out)
{
    /* "HH:MM" with possibly more than 24 hours and a sign (HOUR_MINUTE CALC values) */
    bool neg = *s == '-';
    if (neg)
        s++;
    char *end;
    long h = strtol(s, &end, 10);
    if (end == s || *end != ':' || h < 0)
        return false;
    char *end2;
    long m = strtol(end + 1, &end2, 10);
    if (end2 != end + 3 || m < 0 || m > 59 || (*end2 && *end2 != ':'))
        return false;
    *out = (double)(h * 3600 + m * 60) * (neg ? -1 : 1);
    return true;
}

static struct val
time_text(const char *s, enum ftype t)
{
    int y, mo, d;
    int64_t secs;
    double hm;
    if (!s || !*s)
        return v_empty;
    if ((t == FT_DATE || t == FT_CALC) && clock_parse_date(s, &y, &mo, &d))
        return num((double)clock_days_from_civil(y, mo, d) * 86400);
    if ((t == FT_DATETIME || t == FT_CALC) && clock_parse_datetime(s, &secs))
        return num((double)secs);
    if ((t == FT_TIME || t == FT_CALC) && hm_seconds(s, &hm))
        return num(hm);
    return v_err;
}

/* Value of a stored field for a formula. */
static struct val
field_value(const json_t *def, const json_t *v)
{
    enum ftype t = field_def_type(def);
    struct val r;
    switch (t) {
    case FT_NUMBER:
    case FT_CALC:
        if (json_is_number(v))
            return num(json_number_value(v));
        if (json_is_string(v)) {
            if (t == FT_CALC && calc_format_is_time(field_str(def, "format")))
                return time_text(json_string_value(v), t);
            double d;
            if (calc_parse_number(json_string_value(v), &d))
                return num(d);
            if (!*json_string_value(v))
                goto blank;
            return v_err;
        }
        if (t == FT_CALC && calc_format_is_time(field_str(def, "format")))
            return v_empty;
blank:
        r = num(0);
        r.blank = true;
        return r;
    case FT_DATE:
    case FT_TIME:
    case FT_DATETIME:
        return time_text(json_string_value(v), t);
    case FT_SINGLE_LINE_TEXT:
    case FT_RADIO_BUTTON:
    case FT_DROP_DOWN:
    case FT_LINK:
        r = str(json_is_string(v) ? json_string_value(v) : "");
        r.blank = !*r.s;
        return r;
    case FT_CHECK_BOX:
    case FT_MULTI_SELECT:
        r.t = V_LIST;
        r.list = v;
        r.blank = json_array_size(v) == 0;
        return r;
    default:
        return v_err;
    }
}

static struct val
ref_value(const struct ev *ev, const char *code, bool in_sum)
{
    const struct calc_env *env = ev->env;
    const json_t *def;
    if (env->table && env->row && (def = json_object_get(env->table, code)))
        return field_value(def, json_object_get(env->row, code));
    def = json_object_get(env->props, code);
    if (def) {
        switch (field_def_type(def)) {
        case FT_CREATED_TIME:
            return env->has_created_at ? num((double)env->created_at) : v_empty;
        case FT_UPDATED_TIME:
            return env->has_updated_at ? num((double)env->updated_at) : v_empty;
        case FT_CREATOR:
            return env->creator ? str(env->creator) : v_empty;
        case FT_MODIFIER:
            return env->modifier ? str(env->modifier) : v_empty;
        default:
            return field_value(def, json_object_get(env->data, code));
        }
    }
    const char *table = NULL;
    def = field_find(env->props, code, &table);
    if (!def || !table || !in_sum)
        return v_err;
    struct val r = { .t = V_COLUMN, .def = def, .code = code };
    r.list = json_object_get(env->data, table);
    return r;
}

static struct val eval(const struct ev *ev, const struct calc_expr *e);

static struct val
to_num(struct val v)
{
    double d;
    switch (v.t) {
    case V_NUM:
        return v;
    case V_STR:
        if (!*v.s)
            return num(0);
        return calc_parse_number(v.s, &d) ? num(d) : v_err;
    case V_EMPTY:
        return v_empty;
    default:
        return v_err;
    }
}

/* String form for "&" and comparisons; NULL on error. */
static const char *
to_str(const struct ev *ev, struct val v)
{
    char buf[CALC_NUMBUF];
    switch (v.t) {
    case V_STR:
        return v.s;
    case V_EMPTY:
        return "";
    case V_NUM:
        if (v.blank)
            return "";
        calc_format_number(v.n, buf, sizeof(buf));
        return arena_strdup(ev->a, buf);
    default:
        return NULL;
    }
}

static int
truthy(struct val v)
{
    double d;
    switch (v.t) {
    case V_NUM:
        return v.n != 0;
    case V_STR:
        if (calc_parse_number(v.s, &d))
            return d != 0;
        return *v.s != '\0';
    case V_EMPTY:
        return 0;
    case V_LIST:
        return json_array_size(v.list) > 0;
    default:
        return -1;
    }
}

static struct val
compare(const struct ev *ev, int op, struct val l, struct val r)
{
    if (l.t == V_ERR || r.t == V_ERR || l.t >= V_LIST || r.t >= V_LIST)
        return v_err;
    int c;
    double a, b;
    struct val ln = to_num(l), rn = to_num(r);
    bool l_empty = l.t == V_EMPTY || l.blank || (l.t == V_STR && !*l.s);
    bool r_empty = r.t == V_EMPTY || r.blank || (r.t == V_STR && !*r.s);
    if ((l.t == V_EMPTY || r.t == V_EMPTY) || (l.t == V_STR && !*l.s) || (r.t == V_STR && !*r.s)) {
        /* comparing with "" asks whether a field is empty */
        if (l_empty || r_empty)
            c = l_empty == r_empty ? 0 : (l_empty ? -1 : 1);
        else
            c = 0;
    } else if (ln.t == V_NUM && rn.t == V_NUM) {
        a = ln.n;
        b = rn.n;
        c = a < b ? -1 : a > b;
    } else {
        const char *ls = to_str(ev, l), *rs = to_str(ev, r);
        c = strcmp(ls, rs);
        c = c < 0 ? -1 : c > 0;
    }
    bool res;
    switch (op) {
    case OP_EQ:
        res = c == 0;
        break;
    case OP_NE:
        res = c != 0;
        break;
    case OP_LT:
        res = c < 0;
        break;
    case OP_LE:
        res = c <= 0;
        break;
    case OP_GT:
        res = c > 0;
        break;
    default:
        res = c >= 0;
        break;
    }
    return num(res);
}

static struct val
eval_bin(const struct ev *ev, const struct calc_expr *e)
{
    struct val l = eval(ev, e->args[0]);
    struct val r = eval(ev, e->args[1]);
    if (e->op >= OP_EQ)
        return compare(ev, e->op, l, r);
    if (e->op == OP_CAT) {
        const char *ls = to_str(ev, l), *rs = to_str(ev, r);
        if (!ls || !rs)
            return v_err;
        return str(arena_printf(ev->a, "%s%s", ls, rs));
    }
    l = to_num(l);
    r = to_num(r);
    if (l.t == V_ERR || r.t == V_ERR)
        return v_err;
    if (l.t == V_EMPTY || r.t == V_EMPTY)
        return v_empty;
    switch (e->op) {
    case OP_ADD:
        return num(l.n + r.n);
    case OP_SUB:
        return num(l.n - r.n);
    case OP_MUL:
        return num(l.n * r.n);
    case OP_DIV:
        if (r.n == 0)
            return v_err;
        return num(calc_round(l.n / r.n, 4, 0));
    default: {
        double x = trunc(r.n); /* kintone drops the fraction of an exponent */
        if (x > 100 || x < -100 || (l.n == 0 && x < 0))
            return v_err;
        return num(pow(l.n, x));
    }
    }
}

static struct val
sum_value(struct val v, double *acc)
{
    if (v.t == V_COLUMN) {
        size_t k;
        const json_t *row;
        json_array_foreach(v.list, k, row)
        {
            struct val x =
                to_num(field_value(v.def, json_object_get(json_object_get(row, "value"), v.code)));
            if (x.t == V_ERR)
                return v_err;
            if (x.t == V_NUM)
                *acc += x.n;
        }
        return num(*acc);
    }
    v = to_num(v);
    if (v.t == V_ERR)
        return v_err;
    if (v.t == V_NUM)
        *acc += v.n;
    return num(*acc);
}

static int
zone_offset(const char *tz, int sys, int *off)
{
    if (!tz || !*tz || strcasecmp(tz, "system") == 0) {
        *off = sys;
        return 1;
    }
    if (strcmp(tz, "Etc/GMT") == 0 || strcmp(tz, "Etc/UCT") == 0 || strcmp(tz, "Etc/Zulu") == 0) {
        *off = 0;
        return 1;
    }
    if (strncmp(tz, "Etc/GMT", 7) == 0 && (tz[7] == '+' || tz[7] == '-')) {
        char *end;
        long h = strtol(tz + 8, &end, 10);
        if (end == tz + 8 || *end || h > 14)
            return 0;
        *off = (int)(tz[7] == '+' ? -h : h) * 60; /* POSIX: Etc/GMT+9 is UTC-9 */
        return 1;
    }
    return clock_zone_offset(tz, off);
}

/* DATE_FORMAT patterns after java.text.SimpleDateFormat, which kintone's help follows:
 * YYYY/yyyy, YY, M, MM, MMM, d, dd, H, HH, h, hh, m, mm, s, ss, a, E; '...' quotes. */
static const char *
date_format(const struct ev *ev, double secs, const char *fmt, int off)
{
    static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    static const char *const monl[] = { "January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December" };
    static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static const char *const wdl[] = { "Sunday",   "Monday", "Tuesday", "Wednesday",
                                       "Thursday", "Friday", "Saturday" };
    int64_t t = (int64_t)floor(secs) + (int64_t)off * 60;
    int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    int64_t rem = t - days * 86400;
    int y, mo, d;
    clock_civil_from_days(days, &y, &mo, &d);
    int hh = (int)(rem / 3600), mi = (int)(rem / 60 % 60), ss = (int)(rem % 60);
    struct strbuf sb;
    strbuf_init(&sb, ev->a, 4096);
    for (const char *p = fmt; *p;) {
        char c = *p;
        if (c == '\'') {
            p++;
            if (*p == '\'') {
                strbuf_addc(&sb, '\'');
                p++;
                continue;
            }
            while (*p && !(*p == '\'' && p[1] != '\'')) {
                if (*p == '\'')
                    p++;
                strbuf_addc(&sb, *p++);
            }
            if (*p)
                p++;
            continue;
        }
        if (!strchr("yYMdHhmsaE", c)) {
            strbuf_addc(&sb, c);
            p++;
            continue;
        }
        int n = 0;
        while (p[n] == c)
            n++;
        p += n;
        switch (c) {
        case 'y':
        case 'Y':
            if (n == 2)
                strbuf_addf(&sb, "%02d", y % 100);
            else
                strbuf_addf(&sb, "%0*d", n > 4 ? n : 4, y);
            break;
        case 'M':
            if (n >= 4)
                strbuf_adds(&sb, monl[mo - 1]);
            else if (n == 3)
                strbuf_adds(&sb, mon[mo - 1]);
            else
                strbuf_addf(&sb, "%0*d", n, mo);
            break;
        case 'd':
            strbuf_addf(&sb, "%0*d", n > 2 ? 2 : n, d);
            break;
        case 'H':
            strbuf_addf(&sb, "%0*d", n > 2 ? 2 : n, hh);
            break;
        case 'h':
            strbuf_addf(&sb, "%0*d", n > 2 ? 2 : n, hh % 12 ? hh % 12 : 12);
            break;
        case 'm':
            strbuf_addf(&sb, "%0*d", n > 2 ? 2 : n, mi);
            break;
        case 's':
            strbuf_addf(&sb, "%0*d", n > 2 ? 2 : n, ss);
            break;
        case 'a':
            strbuf_adds(&sb, hh < 12 ? "AM" : "PM");
            break;
        default:
            strbuf_adds(&sb, n >= 4 ? wdl[clock_weekday(days)] : wd[clock_weekday(days)]);
        }
    }
    return strbuf_ok(&sb) ? sb.buf : NULL;
}

static const char *
yen(const struct ev *ev, double x, int n)
{
    char buf[CALC_NUMBUF];
    x = calc_round(x, n, 0);
    bool neg = x < 0;
    calc_format_number(fabs(x), buf, sizeof(buf));
    const char *dot = strchr(buf, '.');
    size_t ilen = dot ? (size_t)(dot - buf) : strlen(buf);
    struct strbuf sb;
    strbuf_init(&sb, ev->a, 0);
    if (neg)
        strbuf_addc(&sb, '-');
    strbuf_adds(&sb, "¥");
    for (size_t k = 0; k < ilen; k++) {
        if (k && (ilen - k) % 3 == 0)
            strbuf_addc(&sb, ',');
        strbuf_addc(&sb, buf[k]);
    }
    if (n > 0) {
        /* fixed decimals, as the display of kintone's YEN */
        strbuf_addc(&sb, '.');
        const char *frac = dot ? dot + 1 : "";
        for (int k = 0; k < n; k++)
            strbuf_addc(&sb, *frac ? *frac++ : '0');
    }
    return sb.buf;
}

static struct val
eval_call(const struct ev *ev, const struct calc_expr *e)
{
    struct val a0, a1;
    int tr;
    double acc = 0;
    int n = 0;
    switch (e->op) {
    case FN_SUM:
        for (int k = 0; k < e->nargs; k++) {
            const struct calc_expr *x = e->args[k];
            a0 = x->kind == N_REF ? ref_value(ev, x->str, true) : eval(ev, x);
            if (sum_value(a0, &acc).t == V_ERR)
                return v_err;
        }
        return num(acc);
    case FN_IF:
        tr = truthy(eval(ev, e->args[0]));
        if (tr < 0)
            return v_err;
        return eval(ev, e->args[tr ? 1 : 2]);
    case FN_AND:
    case FN_OR: {
        bool all = true, any = false;
        for (int k = 0; k < e->nargs; k++) {
            tr = truthy(eval(ev, e->args[k]));
            if (tr < 0)
                return v_err;
            all = all && tr;
            any = any || tr;
        }
        return num(e->op == FN_AND ? all : any);
    }
    case FN_NOT:
        tr = truthy(eval(ev, e->args[0]));
        return tr < 0 ? v_err : num(!tr);
    case FN_ROUND:
    case FN_ROUNDUP:
    case FN_ROUNDDOWN:
    case FN_YEN:
        a0 = to_num(eval(ev, e->args[0]));
        if (e->nargs > 1) {
            a1 = to_num(eval(ev, e->args[1]));
            if (a1.t != V_NUM || fabs(a1.n) > 100)
                return v_err;
            n = (int)trunc(a1.n);
        }
        if (a0.t != V_NUM)
            return a0;
        if (e->op == FN_YEN)
            return str(yen(ev, a0.n, n));
        return num(calc_round(a0.n, n, e->op == FN_ROUND ? 0 : e->op == FN_ROUNDUP ? 1 : -1));
    case FN_DATE_FORMAT: {
        a0 = to_num(eval(ev, e->args[0]));
        const char *fmt = to_str(ev, eval(ev, e->args[1]));
        const char *tz = to_str(ev, eval(ev, e->args[2]));
        int off;
        if (a0.t == V_ERR || !fmt || !tz || !zone_offset(tz, ev->env->tz_offset, &off))
            return v_err;
        if (a0.t == V_EMPTY)
            return str("");
        if (!(fabs(a0.n) < CALC_MAX_SECONDS))
            return v_err;
        const char *s = date_format(ev, a0.n, fmt, off);
        return s ? str(s) : v_err;
    }
    case FN_CONTAINS: {
        const struct calc_expr *x = e->args[0];
        if (x->kind != N_REF)
            return v_err;
        a0 = ref_value(ev, x->str, false);
        const char *needle = to_str(ev, eval(ev, e->args[1]));
        if (a0.t != V_LIST || !needle)
            return v_err;
        size_t k;
        const json_t *it;
        json_array_foreach(a0.list, k, it)
        {
            if (json_is_string(it) && strcmp(json_string_value(it), needle) == 0)
                return num(1);
        }
        return num(0);
    }
    default: /* FN_ISBLANK */
        a0 = eval(ev, e->args[0]);
        if (a0.t == V_ERR)
            return v_err;
        return num(a0.t == V_EMPTY || a0.blank || (a0.t == V_STR && !*a0.s));
    }
}

static struct val
eval(const struct ev *ev, const struct calc_expr *e)
{
    struct val v;
    switch (e->kind) {
    case N_NUM:
        return num(e->num);
    case N_STR:
        return str(e->str);
    case N_REF:
        v = ref_value(ev, e->str, false);
        return v.t == V_COLUMN ? v_err : v;
    case N_NEG:
        v = to_num(eval(ev, e->args[0]));
        return v.t == V_NUM ? num(-v.n) : v;
    case N_BIN:
        return eval_bin(ev, e);
    default:
        return eval_call(ev, e);
    }
}

static json_t *
render(const struct ev *ev, struct val v, const char *format)
{
    char buf[CALC_NUMBUF];
    if (!format || !*format) {
        const char *s = v.t == V_LIST || v.t == V_COLUMN ? NULL : to_str(ev, v);
        return json_string(s ? s : "");
    }
    if (v.t != V_NUM || v.blank)
        return json_null();
    if (!calc_format_is_time(format))
        return calc_number_json(v.n);
    if (!(fabs(v.n) < CALC_MAX_SECONDS))
        return json_null();
    int64_t secs = (int64_t)floor(v.n);
    if (strcmp(format, "DATETIME") == 0) {
        clock_format_utc_min(secs, buf);
    } else if (strcmp(format, "DATE") == 0) {
        clock_format_date(secs >= 0 ? secs / 86400 : (secs - 86399) / 86400, buf);
    } else if (strcmp(format, "TIME") == 0) {
        int64_t m = (secs / 60) % 1440;
        if (secs < 0)
            m = ((secs - 59) / 60 % 1440 + 1440) % 1440;
        snprintf(buf, sizeof(buf), "%02d:%02d", (int)(m / 60), (int)(m % 60));
    } else {
        int64_t m = (secs < 0 ? -secs : secs) / 60;
        snprintf(buf, sizeof(buf), "%s%02lld:%02d", secs < 0 ? "-" : "", (long long)(m / 60),
                 (int)(m % 60));
    }
    return json_string(buf);
}

json_t *
calc_eval_env(const struct calc_expr *e, const struct calc_env *env, const char *format)
{
    struct arena *a = arena_new();
    struct ev ev = { .env = env, .a = a };
    json_t *r = render(&ev, e ? eval(&ev, e) : v_err, format);
    arena_free(a);
    return r;
}

json_t *
calc_eval(const struct calc_expr *e, const json_t *props, const json_t *data, const char *format,
          int display_scale)
{
    (void)display_scale; /* UI only: kintone's API values ignore it */
    struct calc_env env = { .props = props, .data = data, .tz_offset = 540 };
    return calc_eval_env(e, &env, format);
}
