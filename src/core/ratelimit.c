/* Sliding-window rate limiter; see ratelimit.h.
 * Each key has the count of the current minute and of the previous one; the estimate at a
 * fraction f into the current minute is prev * (1 - f) + cur (the approximation popularised by
 * Cloudflare: no per-event timestamps, bounded memory). Arithmetic is in integer milliseconds.
 * Slots: open addressing over a short probe run; a key not found takes an empty slot of its run,
 * else the one with the lowest current count (oldest first among equals), so flooding the table
 * with fresh keys evicts idle entries before the counts of keys under attack. */
#include "ratelimit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define RL_WINDOW_MS 60000
#define RL_PROBE 8
#define RL_KEY_MAX 64 /* longer keys: prefix plus full hash and length */
#define RL_SLOTS_MAX (1 << 22)
#define RL_PER_MINUTE_MAX 1000000000L

struct rl_slot {
    uint64_t hash;
    size_t keylen; /* full length of the key, even when truncated here */
    int64_t win;   /* minute index of cur */
    int64_t last_ms;
    uint32_t prev, cur;
    bool used;
    char key[RL_KEY_MAX];
};

struct ratelimit {
    pthread_mutex_t mu;
    uint64_t limit; /* 0 = unlimited */
    uint64_t seed;
    size_t nslots;
    struct rl_slot *slot;
};

/* The state of a slot as seen at a moment (the buckets rotated, nothing written). */
struct rl_view {
    int64_t win;
    int64_t elapsed; /* ms into window win, 0..RL_WINDOW_MS-1 */
    uint64_t prev, cur;
};

static int64_t
floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

/* FNV-1a, seeded, with a final mix so nearby keys spread over the table. */
static uint64_t
key_hash(uint64_t seed, const char *key, size_t n)
{
    uint64_t h = 14695981039346656037ULL ^ seed;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)key[i];
        h *= 1099511628211ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

struct ratelimit *
ratelimit_new(long per_minute, int slots)
{
    if (per_minute < 0)
        return NULL;
    struct ratelimit *rl = calloc(1, sizeof(*rl));
    if (!rl)
        return NULL;
    rl->limit = (uint64_t)(per_minute > RL_PER_MINUTE_MAX ? RL_PER_MINUTE_MAX : per_minute);
    rl->nslots = slots < RL_PROBE ? RL_PROBE : slots > RL_SLOTS_MAX ? RL_SLOTS_MAX : (size_t)slots;
    if (rl->limit) {
        rl->slot = calloc(rl->nslots, sizeof(rl->slot[0]));
        if (!rl->slot) {
            free(rl);
            return NULL;
        }
    }
    /* A random seed keeps anyone from aiming many keys at the probe run of one victim. */
    if (getrandom(&rl->seed, sizeof(rl->seed), GRND_NONBLOCK) != (ssize_t)sizeof(rl->seed))
        rl->seed = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)rl;
    pthread_mutex_init(&rl->mu, NULL);
    return rl;
}

void
ratelimit_free(struct ratelimit *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->mu);
    free(rl->slot);
    free(rl);
}

static struct rl_view
slot_view(const struct rl_slot *s, int64_t now_ms)
{
    struct rl_view v = { .win = floor_div(now_ms, RL_WINDOW_MS) };
    /* A clock that went backwards (or a caller with an older timestamp) is counted in the
     * slot's own window, at its start: the strictest reading. */
    if (s->used && v.win < s->win)
        v.win = s->win;
    v.elapsed = now_ms - v.win * RL_WINDOW_MS;
    if (v.elapsed < 0)
        v.elapsed = 0;
    if (!s->used || v.win > s->win + 1) {
        v.prev = v.cur = 0;
    } else if (v.win == s->win + 1) {
        v.prev = s->cur;
        v.cur = 0;
    } else {
        v.prev = s->prev;
        v.cur = s->cur;
    }
    return v;
}

/* prev * (1 - f) + cur, scaled by the window length. */
static uint64_t
view_scaled(const struct rl_view *v)
{
    return v->prev * (uint64_t)(RL_WINDOW_MS - v->elapsed) + v->cur * RL_WINDOW_MS;
}

/* Milliseconds from the view's moment until one more event would be allowed, counts frozen.
 * The estimate only falls with time (it is continuous across the minute boundary), so every
 * moment after the one returned is allowed too. */
static int64_t
view_wait_ms(const struct rl_view *v, uint64_t limit)
{
    const uint64_t W = RL_WINDOW_MS;
    if (view_scaled(v) < limit * W)
        return 0;
    /* Still inside this window: need prev * (W - e) < (limit - cur) * W. */
    if (v->cur < limit && v->prev > 0) {
        uint64_t x = ((limit - v->cur) * W - 1) / v->prev; /* largest allowed W - e */
        if (x > 0) {
            uint64_t e = W - (x < W ? x : W);
            if (e > (uint64_t)v->elapsed)
                return (int64_t)(e - (uint64_t)v->elapsed);
        }
    }
    /* Next window: prev' = cur, cur' = 0; need cur * (W - e) < limit * W. */
    int64_t to_next = (int64_t)W - v->elapsed;
    if (v->cur == 0)
        return to_next;
    uint64_t x = (limit * W - 1) / v->cur;
    uint64_t e = x >= W ? 0 : W - x;
    if (e < W)
        return to_next + (int64_t)e;
    return to_next + (int64_t)W; /* the window after next starts empty */
}

static int
wait_seconds(int64_t ms)
{
    if (ms <= 0)
        return 0;
    int64_t s = (ms + 999) / 1000;
    return s < 1 ? 1 : (int)s;
}

static bool
slot_is(const struct rl_slot *s, uint64_t h, const char *key, size_t n)
{
    return s->used && s->hash == h && s->keylen == n && strncmp(s->key, key, RL_KEY_MAX - 1) == 0;
}

/* The slot of key, or NULL. Caller holds the mutex. */
static struct rl_slot *
slot_find(struct ratelimit *rl, uint64_t h, const char *key, size_t n)
{
    for (size_t i = 0; i < RL_PROBE && i < rl->nslots; i++) {
        struct rl_slot *s = &rl->slot[(h + i) % rl->nslots];
        if (slot_is(s, h, key, n))
            return s;
    }
    return NULL;
}

/* A slot for a key not in the table: an empty one, else the least valuable of the run. */
static struct rl_slot *
slot_claim(struct ratelimit *rl, uint64_t h, const char *key, size_t n, int64_t now_ms)
{
    struct rl_slot *best = NULL;
    uint64_t best_count = 0;
    for (size_t i = 0; i < RL_PROBE && i < rl->nslots; i++) {
        struct rl_slot *s = &rl->slot[(h + i) % rl->nslots];
        if (!s->used) {
            best = s;
            break;
        }
        struct rl_view v = slot_view(s, now_ms);
        uint64_t c = view_scaled(&v);
        if (!best || c < best_count || (c == best_count && s->last_ms < best->last_ms)) {
            best = s;
            best_count = c;
        }
    }
    memset(best, 0, sizeof(*best));
    best->used = true;
    best->hash = h;
    best->keylen = n;
    best->win = floor_div(now_ms, RL_WINDOW_MS);
    best->last_ms = now_ms;
    size_t copy = n < RL_KEY_MAX - 1 ? n : RL_KEY_MAX - 1;
    memcpy(best->key, key, copy);
    best->key[copy] = '\0';
    return best;
}

int
ratelimit_hit(struct ratelimit *rl, const char *key, int64_t now_ms)
{
    if (!rl || !rl->limit)
        return 0;
    if (!key)
        key = "";
    size_t n = strlen(key);
    uint64_t h = key_hash(rl->seed, key, n);
    int wait = 0;
    pthread_mutex_lock(&rl->mu);
    struct rl_slot *s = slot_find(rl, h, key, n);
    if (!s)
        s = slot_claim(rl, h, key, n, now_ms);
    struct rl_view v = slot_view(s, now_ms);
    wait = wait_seconds(view_wait_ms(&v, rl->limit));
    if (!wait) {
        s->win = v.win;
        s->prev = (uint32_t)v.prev;
        s->cur = (uint32_t)v.cur + 1;
    }
    if (now_ms > s->last_ms)
        s->last_ms = now_ms;
    pthread_mutex_unlock(&rl->mu);
    return wait;
}

int
ratelimit_peek(struct ratelimit *rl, const char *key, int64_t now_ms)
{
    if (!rl || !rl->limit)
        return 0;
    if (!key)
        key = "";
    size_t n = strlen(key);
    uint64_t h = key_hash(rl->seed, key, n);
    int wait = 0;
    pthread_mutex_lock(&rl->mu);
    const struct rl_slot *s = slot_find(rl, h, key, n);
    if (s) {
        struct rl_view v = slot_view(s, now_ms);
        wait = wait_seconds(view_wait_ms(&v, rl->limit));
    }
    pthread_mutex_unlock(&rl->mu);
    return wait;
}

void
ratelimit_reset(struct ratelimit *rl, const char *key)
{
    if (!rl || !rl->limit)
        return;
    if (!key)
        key = "";
    size_t n = strlen(key);
    uint64_t h = key_hash(rl->seed, key, n);
    pthread_mutex_lock(&rl->mu);
    struct rl_slot *s = slot_find(rl, h, key, n);
    if (s)
        memset(s, 0, sizeof(*s));
    pthread_mutex_unlock(&rl->mu);
}
