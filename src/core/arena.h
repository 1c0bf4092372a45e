/* arena: chunked bump allocator, one per request (or per job).
 * Everything allocated from an arena lives until arena_free(); nothing is freed one by one.
 * arena_defer() registers cleanups (json_decref, sqlite3_finalize...) run in reverse order at free.
 * Out of memory aborts: limits are enforced at the edges, not here. Not thread-safe. */
#ifndef MADO_ARENA_H
#define MADO_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

struct arena *arena_new(void);
void arena_free(struct arena *a);
void *arena_alloc(struct arena *a, size_t n);
void *arena_zalloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
void *arena_memdup(struct arena *a, const void *p, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);
void arena_defer(struct arena *a, void (*fn)(void *), void *p);
/* Bytes handed out so far (for tests and limits). */
size_t arena_used(const struct arena *a);

/* Process-lifetime allocation that aborts on failure. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
