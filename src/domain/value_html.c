/* value_html: allow-list sanitiser for RICH_TEXT values (value_html_sanitize in value.h).
 * The input is re-serialized: only known tags and attributes survive, every attribute value is
 * re-quoted, so nothing the browser could parse differently passes through. Rich text reaches
 * staff screens and kViewer-style public pages, hence the strictness. */
#include "domain/value.h"

#include "core/arena.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const ok_tags[] = {
    "a",       "abbr",   "b",          "big",      "blockquote", "br",    "caption", "center",
    "cite",    "code",   "col",        "colgroup", "dd",         "del",   "div",     "dl",
    "dt",      "em",     "figcaption", "figure",   "font",       "h1",    "h2",      "h3",
    "h4",      "h5",     "h6",         "hr",       "i",          "img",   "ins",     "li",
    "mark",    "ol",     "p",          "pre",      "q",          "s",     "small",   "span",
    "strike",  "strong", "sub",        "sup",      "table",      "tbody", "td",      "tfoot",
    "th",      "thead",  "tr",         "tt",       "u",          "ul",    "wbr",     "section",
    "article", "header", "footer",
};
static const char *const void_tags[] = { "br", "col", "hr", "img", "wbr" };
/* Dropped together with their content. */
static const char *const drop_tags[] = {
    "script",   "style",  "iframe", "object",    "embed",   "noscript", "template",
    "textarea", "title",  "xmp",    "plaintext", "noembed", "noframes", "frameset",
    "frame",    "applet", "svg",    "math",      "select",  "head",
};
static const char *const ok_attrs[] = {
    "align",   "alt",     "bgcolor", "border", "cellpadding", "cellspacing", "class",
    "color",   "colspan", "dir",     "face",   "height",      "href",        "lang",
    "rowspan", "size",    "span",    "src",    "start",       "style",       "target",
    "title",   "type",    "valign",  "width",
};

static bool
in_list(const char *const *list, size_t n, const char *s)
{
    for (size_t k = 0; k < n; k++) {
        if (strcmp(list[k], s) == 0)
            return true;
    }
    return false;
}

#define IN(list, s) in_list(list, sizeof(list) / sizeof(list[0]), s)

static bool
is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static char
lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Lower-cased name of [A-Za-z0-9-] characters starting at s; *len = bytes read. */
static char *
read_name(struct arena *a, const char *s, size_t *len)
{
    size_t n = 0;
    while (is_alpha(s[n]) || (s[n] >= '0' && s[n] <= '9') || s[n] == '-' || s[n] == '_' ||
           s[n] == ':')
        n++;
    char *name = arena_strndup(a, s, n);
    for (size_t k = 0; k < n; k++)
        name[k] = lower(name[k]);
    *len = n;
    return name;
}

/* Entity-decoded, lower-cased copy without blanks/control characters, as a browser would see
 * a URL or a style for our checks ("&#106;ava&#x09;script:" → "javascript:"). */
static char *
canonical(struct arena *a, const char *s)
{
    struct strbuf sb;
    strbuf_init(&sb, a, 0);
    while (*s) {
        unsigned long cp = (unsigned char)*s;
        size_t adv = 1;
        if (*s == '&') {
            const char *semi = strchr(s, ';');
            if (s[1] == '#') {
                char *end;
                bool hex = s[2] == 'x' || s[2] == 'X';
                cp = strtoul(s + (hex ? 3 : 2), &end, hex ? 16 : 10);
                adv = (size_t)(end - s) + (*end == ';');
            } else if (semi && semi - s < 10) {
                static const struct {
                    const char *name;
                    char c;
                } ents[] = { { "&colon;", ':' }, { "&tab;", '\t' },  { "&newline;", '\n' },
                             { "&lpar;", '(' },  { "&rpar;", ')' },  { "&amp;", '&' },
                             { "&sol;", '/' },   { "&bsol;", '\\' }, { "&lt;", '<' } };
                for (size_t k = 0; k < sizeof(ents) / sizeof(ents[0]); k++) {
                    size_t n = strlen(ents[k].name);
                    if (strncasecmp(s, ents[k].name, n) == 0) {
                        cp = (unsigned char)ents[k].c;
                        adv = n;
                        break;
                    }
                }
            }
        }
        s += adv;
        if (cp <= 0x20 || cp == 0x7f)
            continue;
        strbuf_addc(&sb, cp < 0x80 ? lower((char)cp) : '?');
    }
    return sb.buf;
}

static bool
url_ok(struct arena *a, const char *raw, bool image)
{
    const char *u = canonical(a, raw);
    size_t n = strcspn(u, ":/?#");
    if (u[n] != ':')
        return true; /* relative */
    static const char *const schemes[] = { "http", "https", "mailto", "tel", "ftp" };
    for (size_t k = 0; k < sizeof(schemes) / sizeof(schemes[0]); k++) {
        if (strlen(schemes[k]) == n && strncmp(u, schemes[k], n) == 0)
            return true;
    }
    if (image && n == 4 && strncmp(u, "data", 4) == 0) {
        static const char *const types[] = { "data:image/png", "data:image/gif", "data:image/jpeg",
                                             "data:image/webp" };
        for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
            size_t m = strlen(types[k]);
            if (strncmp(u, types[k], m) == 0 && (u[m] == ';' || u[m] == ','))
                return true;
        }
    }
    return false;
}

static bool
style_ok(struct arena *a, const char *raw)
{
    char *s = canonical(a, raw);
    /* CSS comments and escapes can split keywords: remove them before looking */
    char *w = s;
    for (char *r = s; *r;) {
        if (r[0] == '/' && r[1] == '*') {
            char *end = strstr(r + 2, "*/");
            r = end ? end + 2 : r + strlen(r);
        } else if (*r == '\\') {
            r++;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    static const char *const bad[] = { "expression", "javascript:",  "vbscript:", "url(",
                                       "behavior",   "-moz-binding", "@import",   "<" };
    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        if (strstr(s, bad[k]))
            return false;
    }
    return true;
}

static void
add_attr_value(struct strbuf *out, const char *v, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        switch (v[k]) {
        case '"':
            strbuf_adds(out, "&quot;");
            break;
        case '<':
            strbuf_adds(out, "&lt;");
            break;
        case '>':
            strbuf_adds(out, "&gt;");
            break;
        default:
            strbuf_addc(out, v[k]);
        }
    }
}

/* Parses the attributes of a start tag from p; writes the allowed ones to out. Returns the
 * position after '>' or NULL when the tag is not terminated. */
static const char *
attributes(struct arena *a, const char *tag, const char *p, struct strbuf *out)
{
    bool target = false;
    for (;;) {
        while (is_space(*p) || *p == '/')
            p++;
        if (*p == '\0')
            return NULL;
        if (*p == '>')
            break;
        size_t nl = strcspn(p, " \t\n\r\f/>=\"'");
        if (nl == 0)
            nl = 1; /* a stray quote: skip it */
        char *name = arena_strndup(a, p, nl);
        for (char *q = name; *q; q++)
            *q = lower(*q);
        p += nl;
        while (is_space(*p))
            p++;
        const char *val = "";
        size_t vl = 0;
        if (*p == '=') {
            p++;
            while (is_space(*p))
                p++;
            if (*p == '"' || *p == '\'') {
                char q = *p++;
                const char *end = strchr(p, q);
                if (!end)
                    return NULL;
                val = p;
                vl = (size_t)(end - p);
                p = end + 1;
            } else {
                val = p;
                vl = strcspn(p, " \t\n\r\f>");
                p += vl;
            }
        }
        if (!IN(ok_attrs, name) || (strcmp(name, "href") == 0 && strcmp(tag, "a") != 0) ||
            (strcmp(name, "src") == 0 && strcmp(tag, "img") != 0))
            continue;
        char *v = arena_strndup(a, val, vl);
        if ((strcmp(name, "href") == 0 || strcmp(name, "src") == 0) &&
            !url_ok(a, v, strcmp(name, "src") == 0))
            continue;
        if (strcmp(name, "style") == 0 && !style_ok(a, v))
            continue;
        if (strcmp(name, "target") == 0)
            target = true;
        strbuf_addf(out, " %s=\"", name);
        add_attr_value(out, v, vl);
        strbuf_addc(out, '"');
    }
    if (target) /* the opened page must not reach back through window.opener */
        strbuf_adds(out, " rel=\"noopener noreferrer\"");
    return p + 1;
}

/* After a dropped container's start tag: skip to the end of its closing tag. */
static const char *
skip_content(const char *p, const char *tag)
{
    size_t n = strlen(tag);
    for (const char *q = p; (q = strchr(q, '<')); q++) {
        if (q[1] == '/' && strncasecmp(q + 2, tag, n) == 0 && !is_alpha(q[2 + n])) {
            const char *gt = strchr(q, '>');
            return gt ? gt + 1 : q + strlen(q);
        }
    }
    return p + strlen(p);
}

static const char *
tag(struct arena *a, const char *p, struct strbuf *out)
{
    size_t nl;
    if (strncmp(p, "<!--", 4) == 0) {
        const char *end = strstr(p + 4, "-->");
        return end ? end + 3 : p + strlen(p);
    }
    if (p[1] == '!' || p[1] == '?') {
        const char *gt = strchr(p, '>');
        return gt ? gt + 1 : p + strlen(p);
    }
    if (p[1] == '/' && is_alpha(p[2])) {
        char *name = read_name(a, p + 2, &nl);
        const char *gt = strchr(p + 2 + nl, '>');
        if (IN(ok_tags, name) && !IN(void_tags, name))
            strbuf_addf(out, "</%s>", name);
        return gt ? gt + 1 : p + strlen(p);
    }
    if (!is_alpha(p[1])) {
        strbuf_adds(out, "&lt;");
        return p + 1;
    }
    char *name = read_name(a, p + 1, &nl);
    struct strbuf attrs;
    strbuf_init(&attrs, a, 0);
    const char *after = attributes(a, name, p + 1 + nl, &attrs);
    if (!after)
        return p + strlen(p); /* unterminated tag: drop the rest */
    if (IN(drop_tags, name))
        return skip_content(after, name);
    if (IN(ok_tags, name)) {
        strbuf_addf(out, "<%s", name);
        strbuf_add(out, attrs.buf, attrs.len);
        strbuf_addc(out, '>');
    }
    return after;
}

char *
value_html_sanitize(struct arena *a, const char *html)
{
    struct strbuf out;
    strbuf_init(&out, a, 0);
    const char *p = html ? html : "";
    while (*p) {
        const char *lt = strchr(p, '<');
        if (!lt) {
            strbuf_adds(&out, p);
            break;
        }
        strbuf_add(&out, p, (size_t)(lt - p));
        p = tag(a, lt, &out);
    }
    return out.buf;
}
