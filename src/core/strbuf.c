/* Growable strings; see strbuf.h for the invariants. */
#include "strbuf.h"

#include "arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char strbuf_empty[1];

void
strbuf_init(struct strbuf *sb, struct arena *a, size_t max)
{
    sb->buf = strbuf_empty;
    sb->len = sb->cap = 0;
    sb->max = max ? max : (size_t)-1 / 2;
    sb->arena = a;
    sb->overflow = false;
}

void
strbuf_release(struct strbuf *sb)
{
    if (!sb->arena && sb->cap)
        free(sb->buf);
    strbuf_init(sb, sb->arena, sb->max);
}

void
strbuf_reset(struct strbuf *sb)
{
    sb->len = 0;
    if (sb->cap)
        sb->buf[0] = '\0';
    sb->overflow = false;
}

/* Returns false (and sets overflow) when the cap would be passed. */
static bool
reserve(struct strbuf *sb, size_t extra)
{
    if (sb->overflow)
        return false;
    if (extra > sb->max || sb->len > sb->max - extra) {
        sb->overflow = true;
        return false;
    }
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return true;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < need)
        cap *= 2;
    char *nb;
    if (sb->arena) {
        nb = arena_alloc(sb->arena, cap);
        memcpy(nb, sb->buf, sb->len);
    } else {
        nb = sb->cap ? xrealloc(sb->buf, cap) : xmalloc(cap);
    }
    nb[sb->len] = '\0';
    sb->buf = nb;
    sb->cap = cap;
    return true;
}

void
strbuf_grow(struct strbuf *sb, size_t extra)
{
    reserve(sb, extra);
}

void
strbuf_add(struct strbuf *sb, const void *p, size_t n)
{
    if (!n || !reserve(sb, n))
        return;
    memcpy(sb->buf + sb->len, p, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void
strbuf_adds(struct strbuf *sb, const char *s)
{
    strbuf_add(sb, s, strlen(s));
}

void
strbuf_addc(struct strbuf *sb, char c)
{
    strbuf_add(sb, &c, 1);
}

void
strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    char small[256];
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(small)) {
        strbuf_add(sb, small, (size_t)n);
        return;
    }
    if (!reserve(sb, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}

void
strbuf_add_html_escaped(struct strbuf *sb, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': strbuf_adds(sb, "&amp;"); break;
        case '<': strbuf_adds(sb, "&lt;"); break;
        case '>': strbuf_adds(sb, "&gt;"); break;
        case '"': strbuf_adds(sb, "&quot;"); break;
        case '\'': strbuf_adds(sb, "&#39;"); break;
        default: strbuf_addc(sb, *s);
        }
    }
}

void
strbuf_add_url_escaped(struct strbuf *sb, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_' || *p == '~') {
            strbuf_addc(sb, (char)*p);
        } else {
            char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
            strbuf_add(sb, e, 3);
        }
    }
}
