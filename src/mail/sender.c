/* The delivery thread; see sender.h. */
#include "mail/sender.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "db/db.h"
#include "domain/outbox_queue.h"
#include "mail/mail_msg.h"
#include "mail/smtp.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define SENDER_BATCH 20     /* messages claimed per pass */
#define SENDER_STUCK_EVERY 60

/* Written by mail_configure before the thread starts; read-only while it runs. */
static struct {
    char *url, *from, *user, *password;
    enum smtp_tls tls;
    long timeout, max_attempts, retry_base;
    bool configured;
} mcfg;

static pthread_t sender_thread;
static bool sender_running;
static char *sender_db_url;
static pthread_mutex_t sender_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sender_cv = PTHREAD_COND_INITIALIZER;
/* set by mail_sender_stop; read by the thread between messages and by curl mid-transfer */
static _Atomic int sender_stop_flag;

static void
mail_release(void)
{
    free(mcfg.url);
    free(mcfg.from);
    free(mcfg.user);
    if (mcfg.password) {
        memset(mcfg.password, 0, strlen(mcfg.password));
        free(mcfg.password);
    }
    memset(&mcfg, 0, sizeof(mcfg));
}

bool
mail_configure(const struct config *cfg)
{
    mail_release();
    if (!smtp_tls_parse(cfg->mail_starttls, &mcfg.tls)) {
        log_error("mail: starttls must be try, required or off (not '%s')", cfg->mail_starttls);
        return false;
    }
    if (!outbox_addr_ok(cfg->mail_from)) {
        log_error("mail: from must be a bare address such as noreply@example.jp (not '%s')",
                  cfg->mail_from ? cfg->mail_from : "");
        return false;
    }
    mcfg.url = xstrdup(cfg->mail_smtp_url ? cfg->mail_smtp_url : "");
    mcfg.from = xstrdup(cfg->mail_from);
    mcfg.user = xstrdup(cfg->mail_user ? cfg->mail_user : "");
    mcfg.password = xstrdup(cfg->mail_password ? cfg->mail_password : "");
    mcfg.timeout = cfg->mail_timeout_seconds;
    mcfg.max_attempts = cfg->mail_max_attempts;
    mcfg.retry_base = cfg->mail_retry_base_seconds;
    mcfg.configured = true;
    return true;
}

/* Delivers one claimed message and records the outcome. */
static bool
deliver(struct ctx *c, const struct outbox_item *it)
{
    struct mail_msg m = { .from = mcfg.from, .to = it->to, .subject = it->subject,
                          .body = it->body, .date = c->now };
    struct strbuf msg;
    strbuf_init(&msg, c->arena, (size_t)4 * 1024 * 1024);
    const char *why = NULL;
    char err[600] = "";
    bool ok = false;
    int64_t attempts = it->attempts, max = mcfg.max_attempts;
    if (!mail_msg_build(&m, &msg, &why)) {
        snprintf(err, sizeof(err), "cannot build the message: %s", why ? why : "too large");
        attempts = max; /* the same data fails the same way next time */
    } else {
        struct smtp_config sc = { .url = mcfg.url, .from = mcfg.from, .user = mcfg.user,
                                  .password = mcfg.password, .tls = mcfg.tls,
                                  .timeout_seconds = mcfg.timeout, .cancel = &sender_stop_flag };
        ok = smtp_send(&sc, it->to, msg.buf, msg.len, err, sizeof(err));
    }
    /* the conversation took time; the outcome is recorded at the time it ended */
    c->now = clock_now_ms() / 1000;
    enum err e;
    if (!ok && sender_stop_flag) {
        /* interrupted by the shutdown, not refused: the attempt does not count */
        e = outbox_unclaim(c, it->id);
        log_info("mail: message %lld interrupted by the shutdown; queued again", (long long)it->id);
    } else if (ok) {
        e = outbox_mark_sent(c, it->id);
        log_info("mail: message %lld sent", (long long)it->id);
    } else {
        e = outbox_mark_failed_attempt(c, it->id, attempts, max, mcfg.retry_base, err);
        log_warn("mail: message %lld, attempt %lld of %lld: %s", (long long)it->id,
                 (long long)it->attempts, (long long)max, err);
    }
    if (e != ERR_OK)
        log_error("mail: cannot record the outcome of message %lld", (long long)it->id);
    return ok;
}

int
mail_sender_tick(struct db *db, long long now)
{
    static bool warned;
    if (!mcfg.configured || !*mcfg.url) {
        if (!warned)
            log_warn("mail: [mail] smtp_url is not set: messages stay queued");
        warned = true;
        return 0;
    }
    struct arena *a = arena_new();
    struct fail f;
    struct ctx c;
    memset(&c, 0, sizeof(c));
    fail_init(&f, a, LANG_EN);
    c.arena = a;
    c.db = db;
    c.fail = &f;
    c.now = now;
    c.who.kind = PRIN_SYSTEM;
    c.who.login = "system";
    struct outbox_item *items = NULL;
    size_t n = 0;
    int sent = 0;
    if (outbox_claim(&c, SENDER_BATCH, &items, &n) == ERR_OK)
        for (size_t i = 0; i < n; i++) {
            /* stopping: the rest of the batch goes back to the queue for the next start */
            if (sender_stop_flag) {
                if (outbox_unclaim(&c, items[i].id) != ERR_OK)
                    log_warn("mail: message %lld stays sending until requeued",
                             (long long)items[i].id);
                continue;
            }
            sent += deliver(&c, &items[i]);
        }
    arena_free(a);
    return sent;
}

static void
requeue_stuck(struct db *db, int64_t now)
{
    struct arena *a = arena_new();
    struct fail f;
    struct ctx c;
    memset(&c, 0, sizeof(c));
    fail_init(&f, a, LANG_EN);
    c.arena = a;
    c.db = db;
    c.fail = &f;
    c.now = now;
    int64_t n = 0;
    if (outbox_requeue_stuck(&c, &n) == ERR_OK && n)
        log_warn("mail: %lld messages were left sending; queued again", (long long)n);
    arena_free(a);
}

static void *
sender_main(void *arg)
{
    (void)arg;
    struct db *db = NULL;
    char *err = NULL;
    if (db_open(sender_db_url, &db, &err) != DB_OK) {
        log_error("mail: cannot open the database: %s", err ? err : "?");
        free(err);
        return NULL;
    }
    int64_t next_stuck = 0;
    pthread_mutex_lock(&sender_mu);
    while (!sender_stop_flag) {
        pthread_mutex_unlock(&sender_mu);
        int64_t now = clock_now_ms() / 1000;
        if (now >= next_stuck) {
            requeue_stuck(db, now);
            next_stuck = now + SENDER_STUCK_EVERY;
        }
        (void)mail_sender_tick(db, now);
        db_release_memory(db);
        pthread_mutex_lock(&sender_mu);
        if (sender_stop_flag)
            break;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 1;
        pthread_cond_timedwait(&sender_cv, &sender_mu, &ts);
    }
    pthread_mutex_unlock(&sender_mu);
    db_close(db);
    return NULL;
}

int
mail_sender_start(const char *db_url)
{
    if (sender_running)
        return 0;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        log_error("mail: curl_global_init failed");
        return -1;
    }
    if (mcfg.configured && *mcfg.url)
        /* not the URL: it may carry credentials */
        log_info("mail: delivering over SMTP (STARTTLS %s)",
                 mcfg.tls == SMTP_TLS_REQUIRED ? "required" : mcfg.tls == SMTP_TLS_OFF ? "off" : "when offered");
    sender_db_url = xstrdup(db_url);
    sender_stop_flag = 0;
    if (pthread_create(&sender_thread, NULL, sender_main, NULL) != 0) {
        free(sender_db_url);
        sender_db_url = NULL;
        curl_global_cleanup();
        return -1;
    }
    sender_running = true;
    return 0;
}

void
mail_sender_stop(void)
{
    if (sender_running) {
        pthread_mutex_lock(&sender_mu);
        sender_stop_flag = 1;
        pthread_cond_signal(&sender_cv);
        pthread_mutex_unlock(&sender_mu);
        pthread_join(sender_thread, NULL);
        sender_running = false;
        free(sender_db_url);
        sender_db_url = NULL;
        curl_global_cleanup();
    }
    mail_release();
}
