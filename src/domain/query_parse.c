/* Lexer and recursive-descent parser of the kintone query language into the AST of
 * query_int.h. Knows nothing about fields or SQL; all memory comes from the ctx arena.
 * "and" binds tighter than "or"; keywords and function names are case-insensitive. */
#include "domain/query_int.h"

#include "core/arena.h"
#include "core/text.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum tok_kind {
    TK_WORD,
    TK_STRING,
    TK_LPAREN,
    TK_RPAREN,
    TK_COMMA,
    TK_OP,
    TK_EOF
};

struct tok {
    enum tok_kind kind;
    const char *text;
};

/* Bounds that keep the recursion, the SQL expression depth (SQLite stops at 1000) and the
 * number of bound parameters (SQLite allows 32766) far from their limits. */
#define QUERY_MAX_DEPTH  16
#define QUERY_MAX_CONDS  500
#define QUERY_MAX_VALUES 10000

struct parser {
    struct ctx *c;
    struct tok *toks;
    int ntoks, pos;
    int depth, nconds, nvals;
};

static enum err
too_complex(struct parser *ps)
{
    return query_syntax(ps->c, "クエリが複雑すぎます。", "The query is too complex.", NULL);
}

enum err
query_syntax(struct ctx *c, const char *ja, const char *en, const char *arg)
{
    const char *tpl = c->lang == LANG_EN ? en : ja;
    const char *detail = tpl;
    const char *p = strstr(tpl, "%s");
    if (p)
        detail = arena_printf(c->arena, "%.*s%s%s", (int)(p - tpl), tpl, arg ? arg : "", p + 2);
    fail_field(c->fail, "query", MSG_QUERY_SYNTAX, detail);
    return ERR_INVALID;
}

static enum err
near(struct parser *ps, const struct tok *t)
{
    if (t->kind == TK_EOF)
        return query_syntax(ps->c, "クエリが途中で終わっています。", "Unexpected end of query.",
                            NULL);
    return query_syntax(ps->c, "「%s」の付近に誤りがあります。", "Error near '%s'.", t->text);
}

/* ---- lexer ---- */

/* Length of the whitespace sequence at p (ASCII whitespace or U+3000), 0 if none. */
static size_t
space_len(const char *p)
{
    if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
        return 1;
    if ((unsigned char)p[0] == 0xE3 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0x80)
        return 3;
    return 0;
}

static bool
is_punct(char ch)
{
    return ch == '(' || ch == ')' || ch == ',' || ch == '"' || ch == '=' || ch == '!' ||
           ch == '<' || ch == '>';
}

static void
push(struct parser *ps, int *cap, enum tok_kind kind, const char *text)
{
    if (ps->ntoks == *cap) {
        int ncap = *cap ? *cap * 2 : 32;
        struct tok *nt = arena_alloc(ps->c->arena, sizeof(*nt) * (size_t)ncap);
        if (ps->ntoks)
            memcpy(nt, ps->toks, sizeof(*nt) * (size_t)ps->ntoks);
        ps->toks = nt;
        *cap = ncap;
    }
    ps->toks[ps->ntoks].kind = kind;
    ps->toks[ps->ntoks].text = text;
    ps->ntoks++;
}

static enum err
lex_string(struct parser *ps, const char **pp, int *cap)
{
    const char *p = *pp + 1;
    size_t n = 0, raw = 0;
    /* the unescaped text is never longer than the literal: size it before copying */
    while (p[raw] && p[raw] != '"')
        raw += p[raw] == '\\' && p[raw + 1] ? 2 : 1;
    char *out = arena_alloc(ps->c->arena, raw + 1);
    for (;;) {
        char ch = *p;
        if (ch == '\0')
            return query_syntax(ps->c, "文字列が閉じられていません。",
                                "A string is not terminated.", NULL);
        if (ch == '\t' || ch == '\n' || ch == '\r')
            return query_syntax(ps->c, "文字列の中のタブや改行は\\t、\\nと書いてください。",
                                "Write tabs and newlines in a string as \\t and \\n.", NULL);
        if (ch == '"')
            break;
        if (ch == '\\') {
            p++;
            switch (*p) {
            case 't':
                out[n++] = '\t';
                break;
            case 'n':
                out[n++] = '\n';
                break;
            case 'r':
                out[n++] = '\r';
                break;
            case '\0':
                continue; /* reported as unterminated above */
            default:
                out[n++] = *p; /* \" \\ and anything else: the character itself */
            }
            p++;
            continue;
        }
        out[n++] = ch;
        p++;
    }
    out[n] = '\0';
    push(ps, cap, TK_STRING, out);
    *pp = p + 1;
    return ERR_OK;
}

static enum err
lex(struct parser *ps, const char *q)
{
    int cap = 0;
    const char *p = q;
    if (!text_valid_utf8(q, strlen(q)))
        return query_syntax(ps->c, "UTF-8として正しくない文字が含まれています。",
                            "The query is not valid UTF-8.", NULL);
    while (*p) {
        size_t sp = space_len(p);
        if (sp) {
            p += sp;
            continue;
        }
        char ch = *p;
        if (ch == '"') {
            enum err e = lex_string(ps, &p, &cap);
            if (e)
                return e;
        } else if (ch == '(') {
            push(ps, &cap, TK_LPAREN, "(");
            p++;
        } else if (ch == ')') {
            push(ps, &cap, TK_RPAREN, ")");
            p++;
        } else if (ch == ',') {
            push(ps, &cap, TK_COMMA, ",");
            p++;
        } else if (ch == '=' || ch == '<' || ch == '>' || ch == '!') {
            size_t n = p[1] == '=' ? 2 : 1;
            if (ch == '!' && n == 1)
                return query_syntax(ps->c, "「%s」の付近に誤りがあります。", "Error near '%s'.",
                                    "!");
            if (ch == '=' && n == 2)
                return query_syntax(ps->c, "「%s」の付近に誤りがあります。", "Error near '%s'.",
                                    "==");
            push(ps, &cap, TK_OP, arena_strndup(ps->c->arena, p, n));
            p += n;
        } else {
            const char *s = p;
            while (*p && !space_len(p) && !is_punct(*p))
                p++;
            push(ps, &cap, TK_WORD, arena_strndup(ps->c->arena, s, (size_t)(p - s)));
        }
    }
    push(ps, &cap, TK_EOF, "");
    return ERR_OK;
}

/* ---- parser ---- */

static const struct tok *
peek(struct parser *ps, int ahead)
{
    int i = ps->pos + ahead;
    return &ps->toks[i < ps->ntoks ? i : ps->ntoks - 1];
}

static bool
is_kw(const struct tok *t, const char *kw)
{
    return t->kind == TK_WORD && strcasecmp(t->text, kw) == 0;
}

/* "order by", "limit N", "offset N" start the tail of the query. A field may be called
 * "limit": it is a clause only when a value follows rather than an operator. */
static bool
at_clause(struct parser *ps)
{
    const struct tok *t = peek(ps, 0), *n = peek(ps, 1);
    if (is_kw(t, "order") && is_kw(n, "by"))
        return true;
    if (is_kw(t, "limit") || is_kw(t, "offset"))
        return n->kind == TK_WORD || n->kind == TK_STRING || n->kind == TK_EOF;
    return false;
}

static bool
is_number(const char *s)
{
    if (!*s || isspace((unsigned char)*s))
        return false;
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (*end || !isfinite(d))
        return false;
    /* strtod also takes hex, "inf" and "nan"; kintone numbers are decimal */
    for (const char *p = s; *p; p++)
        if (!strchr("0123456789+-.eE", *p))
            return false;
    return true;
}

static char *
upper(struct arena *a, const char *s)
{
    char *u = arena_strdup(a, s);
    for (char *p = u; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return u;
}

static enum err
parse_value(struct parser *ps, struct qval *v)
{
    const struct tok *t = peek(ps, 0);
    memset(v, 0, sizeof(*v));
    if (++ps->nvals > QUERY_MAX_VALUES)
        return too_complex(ps);
    if (t->kind == TK_STRING) {
        v->kind = QV_STRING;
        v->text = t->text;
        ps->pos++;
        return ERR_OK;
    }
    if (t->kind != TK_WORD)
        return near(ps, t);
    if (peek(ps, 1)->kind == TK_LPAREN) {
        v->kind = QV_FUNC;
        v->text = upper(ps->c->arena, t->text);
        ps->pos += 2;
        int cap = 0;
        if (peek(ps, 0)->kind == TK_RPAREN) {
            ps->pos++;
            return ERR_OK;
        }
        for (;;) {
            const struct tok *a = peek(ps, 0);
            if (a->kind != TK_WORD && a->kind != TK_STRING)
                return near(ps, a);
            if (v->nargs == cap) {
                cap = cap ? cap * 2 : 4;
                const char **na = arena_alloc(ps->c->arena, sizeof(*na) * (size_t)cap);
                if (v->nargs)
                    memcpy(na, v->args, sizeof(*na) * (size_t)v->nargs);
                v->args = na;
            }
            v->args[v->nargs++] = a->kind == TK_WORD ? upper(ps->c->arena, a->text) : a->text;
            ps->pos++;
            const struct tok *sep = peek(ps, 0);
            ps->pos++;
            if (sep->kind == TK_RPAREN)
                return ERR_OK;
            if (sep->kind != TK_COMMA)
                return near(ps, sep);
        }
    }
    if (!is_number(t->text))
        return near(ps, t);
    v->kind = QV_NUMBER;
    v->text = t->text;
    ps->pos++;
    return ERR_OK;
}

static enum err
parse_in_list(struct parser *ps, struct qcond *cd)
{
    if (peek(ps, 0)->kind != TK_LPAREN)
        return near(ps, peek(ps, 0));
    ps->pos++;
    int cap = 0;
    for (;;) {
        if (cd->nvals == cap) {
            cap = cap ? cap * 2 : 4;
            struct qval *nv = arena_alloc(ps->c->arena, sizeof(*nv) * (size_t)cap);
            if (cd->nvals)
                memcpy(nv, cd->vals, sizeof(*nv) * (size_t)cd->nvals);
            cd->vals = nv;
        }
        enum err e = parse_value(ps, &cd->vals[cd->nvals]);
        if (e)
            return e;
        cd->nvals++;
        const struct tok *sep = peek(ps, 0);
        ps->pos++;
        if (sep->kind == TK_RPAREN)
            return ERR_OK;
        if (sep->kind != TK_COMMA)
            return near(ps, sep);
    }
}

static enum err
parse_single(struct parser *ps, struct qcond *cd)
{
    cd->vals = arena_zalloc(ps->c->arena, sizeof(*cd->vals));
    cd->nvals = 1;
    return parse_value(ps, cd->vals);
}

static enum err
parse_cond(struct parser *ps, struct qnode *n)
{
    const struct tok *f = peek(ps, 0);
    struct qcond *cd = &n->cond;
    n->kind = QN_COND;
    if (++ps->nconds > QUERY_MAX_CONDS)
        return too_complex(ps);
    if (f->kind != TK_WORD || is_kw(f, "and") || is_kw(f, "or"))
        return near(ps, f);
    cd->field = f->text;
    ps->pos++;
    const struct tok *t = peek(ps, 0);
    ps->pos++;
    if (t->kind == TK_OP) {
        static const struct {
            const char *s;
            enum qop op;
        } ops[] = { { "=", QOP_EQ }, { "!=", QOP_NE }, { ">", QOP_GT },
                    { "<", QOP_LT }, { ">=", QOP_GE }, { "<=", QOP_LE } };
        for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
            if (strcmp(t->text, ops[i].s) == 0)
                cd->op = ops[i].op;
        return parse_single(ps, cd);
    }
    bool neg = false;
    if (is_kw(t, "not")) {
        neg = true;
        t = peek(ps, 0);
        ps->pos++;
    }
    if (is_kw(t, "in")) {
        cd->op = neg ? QOP_NOT_IN : QOP_IN;
        return parse_in_list(ps, cd);
    }
    if (is_kw(t, "like")) {
        cd->op = neg ? QOP_NOT_LIKE : QOP_LIKE;
        return parse_single(ps, cd);
    }
    if (!neg && is_kw(t, "is")) {
        t = peek(ps, 0);
        ps->pos++;
        if (is_kw(t, "not")) {
            neg = true;
            t = peek(ps, 0);
            ps->pos++;
        }
        if (is_kw(t, "empty")) {
            cd->op = neg ? QOP_NOT_EMPTY : QOP_EMPTY;
            return ERR_OK;
        }
    }
    return near(ps, t);
}

static enum err parse_or(struct parser *ps, struct qnode **out);

static enum err
parse_atom(struct parser *ps, struct qnode **out)
{
    if (peek(ps, 0)->kind == TK_LPAREN) {
        ps->pos++;
        if (++ps->depth > QUERY_MAX_DEPTH)
            return too_complex(ps);
        enum err e = parse_or(ps, out);
        if (e)
            return e;
        ps->depth--;
        if (peek(ps, 0)->kind != TK_RPAREN)
            return near(ps, peek(ps, 0));
        ps->pos++;
        return ERR_OK;
    }
    *out = arena_zalloc(ps->c->arena, sizeof(**out));
    return parse_cond(ps, *out);
}

/* Appends k to n, splicing in the kids of a parenthesised node of the same kind: "a and
 * (b and c)" is one "and" level (which also keeps the SQL shallow: SQLite's parser stack
 * overflows near 30 nested parentheses). */
static void
add_kid(struct parser *ps, struct qnode *n, int *cap, struct qnode *k)
{
    int add = k->kind == n->kind ? k->nkids : 1;
    if (n->nkids + add > *cap) {
        int ncap = (n->nkids + add) * 2;
        struct qnode **nk = arena_alloc(ps->c->arena, sizeof(*nk) * (size_t)ncap);
        if (n->nkids)
            memcpy(nk, n->kids, sizeof(*nk) * (size_t)n->nkids);
        n->kids = nk;
        *cap = ncap;
    }
    if (k->kind == n->kind) {
        memcpy(n->kids + n->nkids, k->kids, sizeof(*n->kids) * (size_t)k->nkids);
        n->nkids += k->nkids;
    } else {
        n->kids[n->nkids++] = k;
    }
}

/* Parses sub { kw sub }, flattening into one QN_AND / QN_OR node. */
static enum err
parse_chain(struct parser *ps, struct qnode **out, const char *kw, enum qnode_kind kind,
            enum err (*sub)(struct parser *, struct qnode **))
{
    struct qnode *first;
    enum err e = sub(ps, &first);
    if (e)
        return e;
    if (!is_kw(peek(ps, 0), kw)) {
        *out = first;
        return ERR_OK;
    }
    struct qnode *n = arena_zalloc(ps->c->arena, sizeof(*n));
    int cap = 0;
    n->kind = kind;
    add_kid(ps, n, &cap, first);
    while (is_kw(peek(ps, 0), kw)) {
        ps->pos++;
        struct qnode *k;
        e = sub(ps, &k);
        if (e)
            return e;
        add_kid(ps, n, &cap, k);
    }
    *out = n;
    return ERR_OK;
}

static enum err
parse_and(struct parser *ps, struct qnode **out)
{
    return parse_chain(ps, out, "and", QN_AND, parse_atom);
}

static enum err
parse_or(struct parser *ps, struct qnode **out)
{
    return parse_chain(ps, out, "or", QN_OR, parse_and);
}

static enum err
parse_sort_keys(struct parser *ps, struct qast *out)
{
    int cap = 0;
    for (;;) {
        const struct tok *f = peek(ps, 0);
        if (f->kind != TK_WORD)
            return near(ps, f);
        ps->pos++;
        if (out->nsorts == cap) {
            cap = cap ? cap * 2 : 4;
            struct qsort *ns = arena_alloc(ps->c->arena, sizeof(*ns) * (size_t)cap);
            if (out->nsorts)
                memcpy(ns, out->sorts, sizeof(*ns) * (size_t)out->nsorts);
            out->sorts = ns;
        }
        struct qsort *s = &out->sorts[out->nsorts++];
        s->field = f->text;
        s->desc = false;
        if (is_kw(peek(ps, 0), "asc")) {
            ps->pos++;
        } else if (is_kw(peek(ps, 0), "desc")) {
            s->desc = true;
            ps->pos++;
        }
        if (peek(ps, 0)->kind != TK_COMMA)
            return ERR_OK;
        ps->pos++;
    }
}

static enum err
parse_count(struct parser *ps, int64_t *out)
{
    const struct tok *t = peek(ps, 0);
    if (t->kind != TK_WORD && t->kind != TK_STRING)
        return near(ps, t);
    const char *s = t->text;
    if (!*s)
        return near(ps, t);
    int64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return near(ps, t);
        /* saturate: anything this large fails the 500 / 10000 checks anyway */
        v = v > INT64_MAX / 20 ? INT64_MAX / 2 : v * 10 + (*s - '0');
    }
    *out = v;
    ps->pos++;
    return ERR_OK;
}

static enum err
parse_tail(struct parser *ps, struct qast *out)
{
    enum err e;
    while (peek(ps, 0)->kind != TK_EOF) {
        const struct tok *t = peek(ps, 0);
        if (is_kw(t, "order") && is_kw(peek(ps, 1), "by") && !out->has_order) {
            ps->pos += 2;
            out->has_order = true;
            e = parse_sort_keys(ps, out);
        } else if (is_kw(t, "limit") && !out->has_limit) {
            ps->pos++;
            out->has_limit = true;
            e = parse_count(ps, &out->limit);
        } else if (is_kw(t, "offset") && !out->has_offset) {
            ps->pos++;
            out->has_offset = true;
            e = parse_count(ps, &out->offset);
        } else {
            return near(ps, t);
        }
        if (e)
            return e;
    }
    return ERR_OK;
}

enum err
query_parse(struct ctx *c, const char *query, struct qast *out)
{
    struct parser ps = { .c = c };
    memset(out, 0, sizeof(*out));
    enum err e = lex(&ps, query ? query : "");
    if (e)
        return e;
    if (peek(&ps, 0)->kind != TK_EOF && !at_clause(&ps)) {
        e = parse_or(&ps, &out->where);
        if (e)
            return e;
    }
    return parse_tail(&ps, out);
}

enum err
query_parse_sort(struct ctx *c, const char *sort, struct qast *out)
{
    struct parser ps = { .c = c };
    memset(out, 0, sizeof(*out));
    enum err e = lex(&ps, sort ? sort : "");
    if (e)
        return e;
    if (peek(&ps, 0)->kind == TK_EOF)
        return ERR_OK;
    out->has_order = true;
    e = parse_sort_keys(&ps, out);
    if (e)
        return e;
    if (peek(&ps, 0)->kind != TK_EOF)
        return near(&ps, peek(&ps, 0));
    return ERR_OK;
}
