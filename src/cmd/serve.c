/* madoguchi serve: the HTTP server plus its housekeeping thread. */
#include "cmd/cmd.h"

#include "api/restore_api.h"
#include "api/api.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/log.h"
#include "db/db.h"
#include "domain/acl.h"
#include "domain/app.h"
#include "domain/audit.h"
#include "domain/file.h"
#include "domain/form.h"
#include "domain/portal_msg.h"
#include "pdf/pdf.h"
#include "domain/fcond.h"
#include "domain/lclock.h"
#include "domain/session.h"
#include "domain/wf.h"
#include "http/server.h"
#include "jobs/backup_sched.h"
#include "mail/sender.h"

#include <malloc.h>
#include <stdatomic.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *db_url;
static atomic_int housekeeping_stop;

static int
worker_init(void **state, int index)
{
    (void)index;
    struct db *db = NULL;
    char *err = NULL;
    if (db_open(db_url, &db, &err) != DB_OK) {
        log_error("worker: %s", err ? err : "cannot open the database");
        free(err);
        return -1;
    }
    *state = db;
    return 0;
}

static void
worker_fini(void *state)
{
    app_cache_clear();
    acl_facts_cache_clear();
    fcond_cache_free();
    pdf_thread_exit();
    db_close(state);
}

static void
worker_idle(void *state)
{
    db_release_memory(state);
}

static bool serve_tls;

static void
on_ready(const char *addresses)
{
    log_info("madoguchi listening on %s://%s", serve_tls ? "https" : "http", addresses);
}

/* Once a second: WAL checkpoint; every minute: workflow time rules; hourly (and at start):
 * the legal clock's daily refresh when the date changed, planner statistics and the purge of
 * unattached uploads older than 3 days. */
static void *
housekeeping(void *arg)
{
    struct runtime *rt = arg;
    struct db *db = NULL;
    char *err = NULL;
    if (db_open(rt->db_url, &db, &err) != DB_OK) {
        free(err);
        return NULL;
    }
    int64_t next = 0, next_optimize = 0, next_rules = 0, clock_day = -1;
    while (!housekeeping_stop) {
        int64_t now = clock_now_ms() / 1000;
        /* WAL checkpoints off the request path; planner statistics hourly */
        if (db_maintain(db, now >= next_optimize) != DB_OK)
            log_warn("housekeeping: %s", db_errmsg(db));
        if (now >= next_optimize)
            next_optimize = now + 3600;
        /* hand memory freed after a burst (bulk imports, large lists) back to the system */
        if (now % 10 == 0)
            malloc_trim(0);
        if (now >= next_rules) {
            /* workflow time rules (reminders, automatic actions after N days) */
            int fired = wf_auto_tick(db, now);
            if (fired)
                log_info("housekeeping: %d workflow rules fired", fired);
            next_rules = now + 60;
        }
        if (now >= next) {
            struct arena *a = arena_new();
            struct ctx c;
            struct fail f;
            runtime_ctx(rt, &c, a, &f);
            c.db = db;
            int64_t purged = 0, reminded = 0, expired = 0;
            /* before the purge: renews the uploads of live drafts; own transaction */
            if (form_drafts_housekeeping(&c, &reminded, &expired) != ERR_OK)
                log_warn("housekeeping: form drafts: %s", f.message ? f.message : "?");
            else if (reminded || expired)
                log_info("housekeeping: drafts: %lld reminded, %lld expired", (long long)reminded,
                         (long long)expired);
            /* due dates of the ward's requests to applicants; own transaction */
            int64_t due_soon = 0, lapsed = 0;
            if (pmsg_housekeeping(&c, &due_soon, &lapsed) != ERR_OK)
                log_warn("housekeeping: request due dates: %s", f.message ? f.message : "?");
            else if (due_soon || lapsed)
                log_info("housekeeping: requests: %lld applicants reminded, %lld past due",
                         (long long)due_soon, (long long)lapsed);
            /* runs its own transactions */
            if (file_purge_unattached(&c, FILE_UPLOAD_TTL, &purged) != ERR_OK)
                log_warn("housekeeping: purge failed: %s", f.message ? f.message : "?");
            if (purged)
                log_info("housekeeping: purged %lld unattached uploads", (long long)purged);
            /* the legal clock: open days used and overdue flags move with the date (JST) */
            int64_t day = lclock_day(now);
            if (day != clock_day) {
                if (lclock_refresh_all(&c) == ERR_OK)
                    clock_day = day;
                else
                    log_warn("housekeeping: legal clock refresh failed: %s",
                             f.message ? f.message : "?");
            }
            int64_t ended = 0;
            if (session_purge(&c, &ended) != ERR_OK)
                log_warn("housekeeping: session purge failed: %s", db_errmsg(db));
            else if (ended)
                log_info("housekeeping: removed %lld ended sessions", (long long)ended);
            arena_free(a);
            next = now + 3600;
        }
        sleep(1);
    }
    /* the rules and the clock loaded app definitions into this thread's caches */
    app_cache_clear();
    acl_facts_cache_clear();
    fcond_cache_free();
    pdf_thread_exit(); /* automatic documents of time rules were drawn here */
    db_close(db);
    return NULL;
}

static void
usage(FILE *out)
{
    fputs("usage: madoguchi serve [--data DIR] [--listen HOST:PORT] [--db URL] [options]\n\n"
          "Starts the HTTP server (kintone-compatible API under /k/v1). Creates and migrates the\n"
          "data directory when new. Logs one line per request. SIGTERM/SIGINT stop it cleanly,\n"
          "finishing the requests in flight.\n\n"
          "Options (also in madoguchi.conf and MADOGUCHI_* environment variables):\n"
          "  --config FILE   INI configuration file\n",
          out);
    config_print_help(out);
}

int
cmd_serve(int argc, char **argv)
{
    struct runtime rt;
    char *rest[RUNTIME_MAX_ARGS];
    int nrest;
    int rc = runtime_args(&rt, argc, argv, rest, &nrest, usage);
    if (rc >= 0)
        return rc;
    for (int i = 0; i < nrest; i++) {
        fprintf(stderr, "madoguchi serve: unknown argument '%s'\n", rest[i]);
        usage(stderr);
        config_release(&rt.cfg);
        return 2;
    }
    rc = runtime_open(&rt);
    if (rc) {
        runtime_close(&rt);
        return rc;
    }
    /* Requests allocate and free a lot of short-lived memory (JSON trees, response bodies):
     * keep freed memory in the heap instead of trimming and re-mapping it each time, and cap
     * the number of malloc arenas so resident memory stays small. */
    mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 4 * 1024 * 1024);
    mallopt(M_ARENA_MAX, 2);
    db_close(rt.db); /* workers open their own connections */
    rt.db = NULL;
    db_url = rt.db_url;
    struct api_config acfg = { .max_body = (size_t)rt.cfg.max_body_mb * 1024 * 1024,
                               .tz = rt.cfg.tz };
    api_configure(&acfg);
    struct http_server_config scfg = {
        .listen = rt.cfg.listen,
        .loops = (int)rt.cfg.loops,
        .workers = (int)rt.cfg.workers,
        .max_body = acfg.max_body,
        .large_body = 4u * 1024 * 1024,
        .max_large = 4,
        .tls_cert = rt.cfg.tls_cert,
        .tls_key = rt.cfg.tls_key,
        .hsts_max_age = rt.cfg.hsts_max_age,
        .worker_init = worker_init,
        .worker_fini = worker_fini,
        .worker_idle = worker_idle,
        .handle = api_handle,
        .on_ready = on_ready,
    };
    serve_tls = rt.cfg.tls_cert && *rt.cfg.tls_cert && rt.cfg.tls_key && *rt.cfg.tls_key;
    pthread_t hk;
    pthread_create(&hk, NULL, housekeeping, &rt);
    if (audit_flusher_start(rt.db_url) < 0)
        log_error("audit: cannot start the flusher: reads are logged when the queue fills");
    if (!mail_configure(&rt.cfg) || mail_sender_start(rt.db_url) < 0)
        log_error("mail: the sender is not running: messages stay queued");
    char *backup_dir = config_backup_dir(&rt.cfg); /* backup */
    api_backup_configure(backup_dir);
    restore_api_configure(backup_dir, rt.cfg.backup_key_file, NULL); /* online restore */
    if (backup_scheduler_start(&rt.cfg, rt.db_url, rt.key) < 0) /* backup */
        log_error("backup: the scheduler is not running");
    rc = http_server_run(&scfg) == 0 ? 0 : 1;
    backup_scheduler_stop(); /* backup: waits for a run in progress */
    api_backup_configure(NULL);
    restore_api_configure(NULL, NULL, NULL);
    free(backup_dir);
    mail_sender_stop();
    audit_flusher_stop(); /* after the workers: writes what they queued */
    housekeeping_stop = 1;
    pthread_join(hk, NULL);
    app_cache_clear();
    runtime_close(&rt);
    pdf_shutdown();
    return rc;
}
