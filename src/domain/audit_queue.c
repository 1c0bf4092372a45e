/* Queued audit entries of reads and the flusher thread; see audit.h. A read must not take the
 * single writer's lock (SQLite) or the chain head's row lock (PostgreSQL) for its entry, so
 * reads are copied into a bounded process-wide queue and written in batches, one transaction
 * per batch. */
#include "domain/audit.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/log.h"
#include "db/db.h"
#include "domain/audit_int.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QUEUE_MAX 4096
#define FLUSH_AT 256
#define FLUSH_EVERY_MS 200
#define CHECK_EVERY_MS (60 * 1000)

/* One queued entry in one allocation: the struct, then its texts. */
struct qentry {
    struct audit_entry e;
    char text[];
};

static pthread_mutex_t q_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_cond = PTHREAD_COND_INITIALIZER;
static struct qentry *queue[QUEUE_MAX];
static int queued;

static pthread_t flusher;
static bool flusher_running;
static atomic_int flusher_stop;
static char *flusher_url;

static struct qentry *
copy_entry(const struct audit_entry *e)
{
    const char *src[6] = { e->actor, e->ip, e->action, e->target, e->outcome, e->detail };
    size_t len[6], total = 0;
    for (int i = 0; i < 6; i++)
        total += (len[i] = src[i] ? strlen(src[i]) : 0) + 1;
    struct qentry *q = xmalloc(sizeof(*q) + total);
    char *p = q->text;
    const char **dst[6] = { &q->e.actor, &q->e.ip, &q->e.action, &q->e.target, &q->e.outcome,
                            &q->e.detail };
    for (int i = 0; i < 6; i++) {
        memcpy(p, src[i] ? src[i] : "", len[i]);
        p[len[i]] = '\0';
        *dst[i] = p;
        p += len[i] + 1;
    }
    q->e.at = e->at;
    return q;
}

struct batch {
    struct qentry **items;
    int n;
};

static enum err
write_batch(struct ctx *c, void *arg)
{
    struct batch *b = arg;
    struct audit_entry *es = arena_alloc(c->arena, sizeof(*es) * (size_t)b->n);
    for (int i = 0; i < b->n; i++)
        es[i] = b->items[i]->e;
    return audit_append(c, es, b->n);
}

/* Writes items (and frees them) in one transaction on db. */
static enum err
flush_items(struct db *db, struct qentry **items, int n)
{
    if (n == 0)
        return ERR_OK;
    struct arena *a = arena_new();
    struct fail f;
    struct ctx c;
    memset(&c, 0, sizeof(c));
    fail_init(&f, a, LANG_JA);
    c.arena = a;
    c.db = db;
    c.fail = &f;
    c.now = clock_now_ms() / 1000;
    struct batch b = { items, n };
    enum err e = audit_in_tx(&c, write_batch, &b);
    if (e != ERR_OK)
        log_error("audit: %d queued entries lost: %s", n, f.message ? f.message : "?");
    for (int i = 0; i < n; i++)
        free(items[i]);
    arena_free(a);
    return e;
}

/* Moves the whole queue into a heap array the caller owns; *n = its length. */
static struct qentry **
take_all(int *n)
{
    struct qentry **items = NULL;
    pthread_mutex_lock(&q_mutex);
    *n = queued;
    if (queued) {
        items = xmalloc(sizeof(*items) * (size_t)queued);
        memcpy(items, queue, sizeof(*items) * (size_t)queued);
        queued = 0;
    }
    pthread_mutex_unlock(&q_mutex);
    return items;
}

void
audit_enqueue(struct db *db, const struct audit_entry *e)
{
    if (!audit_enabled())
        return;
    struct qentry *q = copy_entry(e);
    pthread_mutex_lock(&q_mutex);
    while (queued == QUEUE_MAX) {
        /* the flusher is behind (or absent: tests, CLI): this request writes the batch */
        struct qentry **items = xmalloc(sizeof(*items) * QUEUE_MAX);
        memcpy(items, queue, sizeof(*items) * QUEUE_MAX);
        queued = 0;
        pthread_mutex_unlock(&q_mutex);
        (void)flush_items(db, items, QUEUE_MAX);
        free(items);
        pthread_mutex_lock(&q_mutex);
    }
    queue[queued++] = q;
    if (queued >= FLUSH_AT)
        pthread_cond_signal(&q_cond);
    pthread_mutex_unlock(&q_mutex);
}

enum err
audit_flush(struct db *db)
{
    int n;
    struct qentry **items = take_all(&n);
    enum err e = flush_items(db, items, n);
    free(items);
    return e;
}

int
audit_queued(void)
{
    pthread_mutex_lock(&q_mutex);
    int n = queued;
    pthread_mutex_unlock(&q_mutex);
    return n;
}

/* ---- the flusher thread ---------------------------------------------------------------------- */

static void
upkeep(struct db *db, bool prune)
{
    struct arena *a = arena_new();
    struct fail f;
    struct ctx c;
    memset(&c, 0, sizeof(c));
    fail_init(&f, a, LANG_JA);
    c.arena = a;
    c.db = db;
    c.fail = &f;
    c.now = clock_now_ms() / 1000;
    c.who.kind = PRIN_SYSTEM;
    c.who.login = "system";
    if (audit_checkpoint_due(&c, false) != ERR_OK)
        log_warn("audit: daily checkpoint failed: %s", f.message ? f.message : "?");
    long days = audit_retention_days();
    if (prune && days > 0) {
        int64_t pruned = 0;
        if (audit_prune(&c, clock_now_ms(), days, &pruned) != ERR_OK)
            log_warn("audit: pruning failed: %s", f.message ? f.message : "?");
        else if (pruned)
            log_info("audit: pruned %lld entries older than %ld days", (long long)pruned, days);
    }
    arena_free(a);
}

static void *
flusher_main(void *arg)
{
    (void)arg;
    struct db *db = NULL;
    char *err = NULL;
    if (db_open(flusher_url, &db, &err) != DB_OK) {
        log_error("audit flusher: %s", err ? err : "cannot open the database");
        free(err);
        return NULL;
    }
    int64_t next_check = clock_now_ms() + CHECK_EVERY_MS, next_prune = next_check;
    while (!atomic_load(&flusher_stop)) {
        pthread_mutex_lock(&q_mutex);
        if (queued < FLUSH_AT && !atomic_load(&flusher_stop)) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += FLUSH_EVERY_MS * 1000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&q_cond, &q_mutex, &ts);
        }
        pthread_mutex_unlock(&q_mutex);
        if (audit_flush(db) != ERR_OK)
            log_debug("audit: flush failed (logged)");
        int64_t now = clock_now_ms();
        if (now >= next_check) {
            bool prune = now >= next_prune;
            upkeep(db, prune);
            next_check = now + CHECK_EVERY_MS;
            if (prune)
                next_prune = now + 86400LL * 1000;
        }
    }
    if (audit_flush(db) != ERR_OK)
        log_debug("audit: flush failed (logged)");
    /* seal the tail: entries written before a stop are covered by a signature */
    struct arena *a = arena_new();
    struct fail f;
    struct ctx c;
    memset(&c, 0, sizeof(c));
    fail_init(&f, a, LANG_JA);
    c.arena = a;
    c.db = db;
    c.fail = &f;
    c.now = clock_now_ms() / 1000;
    if (audit_checkpoint_due(&c, true) != ERR_OK)
        log_warn("audit: final checkpoint failed: %s", f.message ? f.message : "?");
    arena_free(a);
    db_close(db);
    return NULL;
}

int
audit_flusher_start(const char *db_url)
{
    if (flusher_running)
        return 0;
    free(flusher_url);
    flusher_url = xstrdup(db_url);
    atomic_store(&flusher_stop, 0);
    if (pthread_create(&flusher, NULL, flusher_main, NULL) != 0)
        return -1;
    flusher_running = true;
    return 0;
}

void
audit_flusher_stop(void)
{
    if (!flusher_running)
        return;
    atomic_store(&flusher_stop, 1);
    pthread_mutex_lock(&q_mutex);
    pthread_cond_broadcast(&q_cond);
    pthread_mutex_unlock(&q_mutex);
    pthread_join(flusher, NULL);
    flusher_running = false;
    free(flusher_url);
    flusher_url = NULL;
}
