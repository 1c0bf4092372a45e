/* ratelimit: in-memory, thread-safe fixed-capacity limiter (sliding window over one minute,
 * approximated by two buckets) keyed by short strings ("ip:192.0.2.1", "login:alice").
 * Bounded memory: a fixed table; when full, the oldest entries are reused. Each process has its
 * own counts (documented: with several app nodes the effective limit is per node). */
#ifndef MADO_RATELIMIT_H
#define MADO_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct ratelimit; /* opaque */

/* per_minute = allowed events per 60 s per key (0 = unlimited, < 0 = NULL); slots = table
 * size (clamped to 8 .. 4M; about 112 bytes each). A NULL limiter allows everything. */
struct ratelimit *ratelimit_new(long per_minute, int slots);
void ratelimit_free(struct ratelimit *rl);

/* Counts one event for key at time now_ms. Returns 0 when allowed, otherwise the number of
 * seconds (>= 1) the caller should wait (Retry-After); a refused event is not counted. */
int ratelimit_hit(struct ratelimit *rl, const char *key, int64_t now_ms);
/* Seconds to wait without counting (0 = would be allowed). */
int ratelimit_peek(struct ratelimit *rl, const char *key, int64_t now_ms);
/* Forgets key (e.g. after a successful login). */
void ratelimit_reset(struct ratelimit *rl, const char *key);

#endif
