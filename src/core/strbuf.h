/* strbuf: growable byte string. buf is never NULL and always NUL-terminated.
 * Backed by an arena (memory lives with the arena) or by the heap (arena == NULL; then
 * strbuf_release() frees it). max is a hard cap: appends past it set the sticky overflow
 * flag and are dropped; check strbuf_ok() once at the end. */
#ifndef MADO_STRBUF_H
#define MADO_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

struct strbuf {
    char *buf;
    size_t len;
    size_t cap;
    size_t max;
    struct arena *arena;
    bool overflow;
};

void strbuf_init(struct strbuf *sb, struct arena *a, size_t max);
void strbuf_release(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const void *p, size_t n);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addc(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_add_html_escaped(struct strbuf *sb, const char *s);
/* Appends s percent-encoded for a URL path segment or an RFC 5987 value (filename*=UTF-8''...):
 * every byte but the unreserved characters A-Z a-z 0-9 - . _ ~ becomes %XX. */
void strbuf_add_url_escaped(struct strbuf *sb, const char *s);
void strbuf_reset(struct strbuf *sb);
void strbuf_grow(struct strbuf *sb, size_t extra);
static inline bool
strbuf_ok(const struct strbuf *sb)
{
    return !sb->overflow;
}

#endif
