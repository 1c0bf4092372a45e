/* Unit tests for src/core/ratelimit: the limit, Retry-After (a retry after it succeeds, one
 * second earlier does not), the sliding window, reset, unlimited, a table flooded with keys,
 * long keys, and a multi-threaded hammer for ASan/TSan-style races (no timing assertions). */
#include "core/ratelimit.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define MIN_MS 60000
/* An arbitrary wall-clock moment at the start of a minute. */
#define T0 ((int64_t)1700000040000)

static void
test_limit_and_retry(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(5, 64);
    assert_non_null(rl);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(ratelimit_peek(rl, "login:alice", T0 + i), 0);
        assert_int_equal(ratelimit_hit(rl, "login:alice", T0 + i), 0);
    }
    int r = ratelimit_hit(rl, "login:alice", T0 + 10);
    assert_true(r >= 1);
    assert_int_equal(ratelimit_peek(rl, "login:alice", T0 + 10), r);
    /* refused events are not counted: the answer does not grow */
    for (int i = 0; i < 20; i++)
        assert_int_equal(ratelimit_hit(rl, "login:alice", T0 + 10), r);
    /* other keys are independent */
    assert_int_equal(ratelimit_hit(rl, "login:bob", T0 + 10), 0);
    /* a retry after r seconds works, one second earlier it does not */
    assert_true(ratelimit_peek(rl, "login:alice", T0 + 10 + (int64_t)(r - 1) * 1000) > 0);
    assert_int_equal(ratelimit_hit(rl, "login:alice", T0 + 10 + (int64_t)r * 1000), 0);
    /* 5 events at the start of a minute weigh fully until it ends; 1 ms into the next minute
     * they weigh a little less than 5: 59.991 s after the refusal, rounded up */
    assert_int_equal(r, 60);
    ratelimit_free(rl);
}

/* Retry-After is exact at many points of the window, for several histories. */
static void
test_retry_after_exact(void **state)
{
    (void)state;
    static const long limits[] = { 1, 3, 10 };
    for (size_t li = 0; li < sizeof(limits) / sizeof(limits[0]); li++) {
        long n = limits[li];
        for (int64_t start = 0; start < 2 * MIN_MS; start += 7919) {
            struct ratelimit *rl = ratelimit_new(n, 16);
            int64_t t = T0 + start;
            /* spread events until refused */
            int r = 0, guard = 0;
            while ((r = ratelimit_hit(rl, "k", t)) == 0) {
                t += 4001;
                assert_true(++guard < 1000);
            }
            int64_t when = t + (int64_t)r * 1000;
            assert_int_equal(ratelimit_peek(rl, "k", when), 0);
            if (r > 1)
                assert_true(ratelimit_peek(rl, "k", when - 1000) > 0);
            /* waits only ever shrink as time passes */
            int last = r;
            for (int64_t u = t; u <= when; u += 250) {
                int p = ratelimit_peek(rl, "k", u);
                assert_true(p <= last);
                last = p;
            }
            assert_int_equal(ratelimit_hit(rl, "k", when), 0);
            ratelimit_free(rl);
        }
    }
}

static void
test_sliding_window(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(10, 16);
    /* 10 events late in minute 0 */
    for (int i = 0; i < 10; i++)
        assert_int_equal(ratelimit_hit(rl, "ip:192.0.2.1", T0 + 59000), 0);
    assert_true(ratelimit_hit(rl, "ip:192.0.2.1", T0 + 59500) > 0);
    /* at the start of minute 1 the previous minute still counts in full */
    assert_true(ratelimit_peek(rl, "ip:192.0.2.1", T0 + MIN_MS) > 0);
    /* halfway through minute 1 half of it counts: 5 more fit, the sixth does not */
    for (int i = 0; i < 5; i++)
        assert_int_equal(ratelimit_hit(rl, "ip:192.0.2.1", T0 + MIN_MS + 30000), 0);
    assert_true(ratelimit_hit(rl, "ip:192.0.2.1", T0 + MIN_MS + 30000) > 0);
    /* a quarter further on the old minute weighs 2.5: 7.5, 8.5 and 9.5 are below 10, so 3 fit */
    for (int i = 0; i < 3; i++)
        assert_int_equal(ratelimit_hit(rl, "ip:192.0.2.1", T0 + MIN_MS + 45000), 0);
    assert_true(ratelimit_hit(rl, "ip:192.0.2.1", T0 + MIN_MS + 45000) > 0);
    /* two minutes of silence forget everything */
    for (int i = 0; i < 10; i++)
        assert_int_equal(ratelimit_hit(rl, "ip:192.0.2.1", T0 + 3 * MIN_MS + 1), 0);
    assert_true(ratelimit_hit(rl, "ip:192.0.2.1", T0 + 3 * MIN_MS + 2) > 0);
    /* a timestamp from the past is counted, not used to escape */
    assert_true(ratelimit_hit(rl, "ip:192.0.2.1", T0) > 0);
    ratelimit_free(rl);
}

/* Waits to the millisecond inside a window: 4 events at the start of minute 0, one 10 s into
 * minute 1. The old minute weighs 4 * (60 - e) / 60; one more event fits once that is below 3,
 * i.e. from e = 15.001 s: 5.001 s later, announced as 6 s. */
static void
test_retry_after_values(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(4, 16);
    for (int i = 0; i < 4; i++)
        assert_int_equal(ratelimit_hit(rl, "k", T0), 0);
    assert_int_equal(ratelimit_hit(rl, "k", T0 + MIN_MS + 10000), 0);
    assert_int_equal(ratelimit_hit(rl, "k", T0 + MIN_MS + 10000), 6);
    assert_int_equal(ratelimit_peek(rl, "k", T0 + MIN_MS + 14999), 1);
    assert_int_equal(ratelimit_peek(rl, "k", T0 + MIN_MS + 15000), 1);
    assert_int_equal(ratelimit_peek(rl, "k", T0 + MIN_MS + 15001), 0);
    /* a second event in minute 1; then one more needs 4 * (60 - e) / 60 + 2 < 4, i.e.
     * e >= 30.001 s: 15 s after 15.001 s */
    assert_int_equal(ratelimit_hit(rl, "k", T0 + MIN_MS + 15001), 0);
    assert_int_equal(ratelimit_hit(rl, "k", T0 + MIN_MS + 15001), 15);
    assert_int_equal(ratelimit_peek(rl, "k", T0 + MIN_MS + 30000), 1);
    assert_int_equal(ratelimit_peek(rl, "k", T0 + MIN_MS + 30001), 0);
    ratelimit_free(rl);

    /* at the limit in the current minute, the wait runs into the next: 1 event at its first
     * millisecond still weighs 1 * (60 - 0) / 60 = 1, so 60.001 s, announced as 61 */
    rl = ratelimit_new(1, 16);
    assert_int_equal(ratelimit_hit(rl, "j", T0), 0);
    assert_int_equal(ratelimit_hit(rl, "j", T0), 61);
    assert_int_equal(ratelimit_peek(rl, "j", T0 + MIN_MS), 1);
    assert_int_equal(ratelimit_peek(rl, "j", T0 + MIN_MS + 1), 0);
    ratelimit_free(rl);
}

static void
test_reset_unlimited(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(2, 16);
    assert_int_equal(ratelimit_hit(rl, "login:a", T0), 0);
    assert_int_equal(ratelimit_hit(rl, "login:a", T0), 0);
    assert_true(ratelimit_hit(rl, "login:a", T0) > 0);
    assert_true(ratelimit_hit(rl, "login:b", T0) == 0);
    ratelimit_reset(rl, "login:a");
    assert_int_equal(ratelimit_peek(rl, "login:a", T0), 0);
    assert_int_equal(ratelimit_hit(rl, "login:a", T0), 0);
    ratelimit_reset(rl, "never-seen");
    /* b is untouched by a's reset */
    assert_int_equal(ratelimit_hit(rl, "login:b", T0), 0);
    assert_true(ratelimit_hit(rl, "login:b", T0) > 0);
    /* NULL and empty keys are ordinary (the same) key */
    assert_int_equal(ratelimit_hit(rl, NULL, T0), 0);
    assert_int_equal(ratelimit_hit(rl, "", T0), 0);
    assert_true(ratelimit_hit(rl, NULL, T0) > 0);
    ratelimit_free(rl);

    rl = ratelimit_new(0, 16);
    assert_non_null(rl);
    for (int i = 0; i < 10000; i++)
        assert_int_equal(ratelimit_hit(rl, "k", T0), 0);
    assert_int_equal(ratelimit_peek(rl, "k", T0), 0);
    ratelimit_reset(rl, "k");
    ratelimit_free(rl);

    assert_null(ratelimit_new(-1, 16));
    /* NULL limiter: nothing is limited, nothing crashes */
    assert_int_equal(ratelimit_hit(NULL, "k", T0), 0);
    assert_int_equal(ratelimit_peek(NULL, "k", T0), 0);
    ratelimit_reset(NULL, "k");
    ratelimit_free(NULL);
    /* tiny and silly table sizes are clamped */
    rl = ratelimit_new(1, 0);
    assert_non_null(rl);
    assert_int_equal(ratelimit_hit(rl, "k", T0), 0);
    assert_true(ratelimit_hit(rl, "k", T0) > 0);
    ratelimit_free(rl);
}

static void
test_many_keys(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(3, 64);
    char key[64];
    /* an attacker at the limit on one key... */
    for (int i = 0; i < 3; i++)
        assert_int_equal(ratelimit_hit(rl, "login:victim", T0), 0);
    assert_true(ratelimit_hit(rl, "login:victim", T0) > 0);
    /* ...floods the table with 100x as many fresh keys, once each */
    for (int i = 0; i < 6400; i++) {
        snprintf(key, sizeof(key), "ip:10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
        assert_int_equal(ratelimit_hit(rl, key, T0 + 1), 0);
    }
    /* the blocked key kept its count: low-count entries were reused first */
    assert_true(ratelimit_hit(rl, "login:victim", T0 + 2) > 0);
    /* keys keep working (some of the flood was forgotten, which only ever allows more) */
    for (int i = 0; i < 100; i++) {
        snprintf(key, sizeof(key), "ip:10.0.%d.%d", (i >> 8) & 255, i & 255);
        (void)ratelimit_hit(rl, key, T0 + 3);
    }
    for (int i = 0; i < 3; i++)
        assert_int_equal(ratelimit_hit(rl, "fresh", T0 + 4), 0);
    assert_true(ratelimit_hit(rl, "fresh", T0 + 4) > 0);
    ratelimit_free(rl);
}

static void
test_long_keys(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(1, 64);
    char a[300], b[300];
    memset(a, 'x', sizeof(a) - 1);
    a[sizeof(a) - 1] = '\0';
    memcpy(b, a, sizeof(a));
    b[sizeof(b) - 2] = 'y'; /* differs only past any key buffer */
    assert_int_equal(ratelimit_hit(rl, a, T0), 0);
    assert_true(ratelimit_hit(rl, a, T0) > 0);
    assert_int_equal(ratelimit_hit(rl, b, T0), 0);
    assert_true(ratelimit_hit(rl, b, T0) > 0);
    /* and a prefix of the long key is another key */
    a[100] = '\0';
    assert_int_equal(ratelimit_hit(rl, a, T0), 0);
    ratelimit_reset(rl, b);
    assert_int_equal(ratelimit_hit(rl, b, T0), 0);
    ratelimit_free(rl);
}

struct hammer {
    struct ratelimit *rl;
    int id;
    long allowed;
};

static void *
hammer_run(void *arg)
{
    struct hammer *h = arg;
    char key[32];
    for (int i = 0; i < 20000; i++) {
        /* shared keys (contention on the same slots) and private ones (evictions) */
        if (i % 3 == 0)
            snprintf(key, sizeof(key), "shared:%d", i % 7);
        else
            snprintf(key, sizeof(key), "t%d:%d", h->id, i % 500);
        int64_t now = T0 + i * 10;
        if (ratelimit_hit(h->rl, key, now) == 0)
            h->allowed++;
        (void)ratelimit_peek(h->rl, key, now);
        if (i % 97 == 0)
            ratelimit_reset(h->rl, key);
    }
    return NULL;
}

static void
test_threads(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(50, 256);
    pthread_t th[4];
    struct hammer h[4];
    for (int i = 0; i < 4; i++) {
        h[i] = (struct hammer){ .rl = rl, .id = i };
        assert_int_equal(pthread_create(&th[i], NULL, hammer_run, &h[i]), 0);
    }
    long total = 0;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        total += h[i].allowed;
    }
    assert_true(total > 0);
    assert_true(total <= 4 * 20000);
    ratelimit_free(rl);
}

struct same_key {
    struct ratelimit *rl;
    long allowed;
};

static void *
same_key_run(void *arg)
{
    struct same_key *s = arg;
    for (int i = 0; i < 5000; i++)
        if (ratelimit_hit(s->rl, "login:shared", T0 + 1) == 0)
            s->allowed++;
    return NULL;
}

static void
test_threads_same_key(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(1000, 16);
    pthread_t th[4];
    struct same_key s[4];
    for (int i = 0; i < 4; i++) {
        s[i] = (struct same_key){ .rl = rl };
        assert_int_equal(pthread_create(&th[i], NULL, same_key_run, &s[i]), 0);
    }
    long total = 0;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        total += s[i].allowed;
    }
    /* exactly the limit, whatever the interleaving */
    assert_int_equal(total, 1000);
    ratelimit_free(rl);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limit_and_retry),
        cmocka_unit_test(test_retry_after_exact),
        cmocka_unit_test(test_sliding_window),
        cmocka_unit_test(test_retry_after_values),
        cmocka_unit_test(test_reset_unlimited),
        cmocka_unit_test(test_many_keys),
        cmocka_unit_test(test_long_keys),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_threads_same_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
