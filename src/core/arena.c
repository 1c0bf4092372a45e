/* Chunked bump allocator. With ARENA_DEBUG every allocation is its own malloc so that
 * AddressSanitizer sees overflows and use-after-free inside request code. */
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_FIRST_CHUNK 16384
#define ARENA_ALIGN 16

struct chunk {
    struct chunk *next;
    size_t cap, used;
    _Alignas(16) unsigned char data[];
};

struct defer {
    struct defer *next;
    void (*fn)(void *);
    void *p;
};

struct arena {
    struct chunk *head;
    struct defer *defers;
    size_t total;
    size_t next_size;
};

static void
oom(void)
{
    fputs("madoguchi: out of memory\n", stderr);
    abort();
}

void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *
xcalloc(size_t n, size_t m)
{
    void *p = calloc(n ? n : 1, m ? m : 1);
    if (!p)
        oom();
    return p;
}

void *
xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom();
    return q;
}

char *
xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = xmalloc(n);
    memcpy(p, s, n);
    return p;
}

struct arena *
arena_new(void)
{
    struct arena *a = xcalloc(1, sizeof(*a));
    a->next_size = ARENA_FIRST_CHUNK;
    return a;
}

void
arena_free(struct arena *a)
{
    if (!a)
        return;
    for (struct defer *d = a->defers; d; d = d->next)
        d->fn(d->p);
    /* defers themselves live in chunks, freed below */
    struct chunk *c = a->head;
    while (c) {
        struct chunk *n = c->next;
        free(c);
        c = n;
    }
    free(a);
}

size_t
arena_used(const struct arena *a)
{
    return a->total;
}

void *
arena_alloc(struct arena *a, size_t n)
{
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX / 2)
        oom();
    n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    a->total += n;
#ifdef ARENA_DEBUG
    struct chunk *c = xmalloc(sizeof(*c) + n);
    c->cap = c->used = n;
    c->next = a->head;
    a->head = c;
    return c->data;
#else
    struct chunk *c = a->head;
    if (!c || c->cap - c->used < n) {
        size_t cap = a->next_size;
        if (cap < n)
            cap = n;
        else if (a->next_size < (1u << 20))
            a->next_size *= 2;
        struct chunk *nc = xmalloc(sizeof(*nc) + cap);
        nc->cap = cap;
        nc->used = 0;
        if (c && cap == n) {
            /* oversize: keep the current chunk in front for small allocations */
            nc->next = c->next;
            c->next = nc;
            nc->used = n;
            return nc->data;
        }
        nc->next = c;
        a->head = nc;
        c = nc;
    }
    void *p = c->data + c->used;
    c->used += n;
    return p;
#endif
}

void *
arena_zalloc(struct arena *a, size_t n)
{
    void *p = arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

void *
arena_memdup(struct arena *a, const void *p, size_t n)
{
    void *q = arena_alloc(a, n);
    if (n)
        memcpy(q, p, n);
    return q;
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return arena_strdup(a, "");
    char *p = arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

void
arena_defer(struct arena *a, void (*fn)(void *), void *p)
{
    struct defer *d = arena_alloc(a, sizeof(*d));
    d->fn = fn;
    d->p = p;
    d->next = a->defers;
    a->defers = d;
}
