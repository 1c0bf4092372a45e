/* backup_sched: see backup_sched.h. */
#include "jobs/backup_sched.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "db/db.h"
#include "jobs/backup_job.h"
#include "jobs/cron.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SCHED_LOCK_ID "726100901" /* pg advisory lock: "backup" */

static struct {
    const struct config *cfg;
    const char *db_url;
    const struct sec_key *master;
    struct cron cron;
    pthread_t th;
    bool running, stop;
    pthread_mutex_t mu;
    pthread_cond_t cv;
} S = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

static void
run_once(void)
{
    struct db *db = NULL;
    char *err = NULL;
    if (db_open(S.db_url, &db, &err) != DB_OK) {
        log_error("backup: cannot open the database: %s", err ? err : "?");
        free(err);
        return;
    }
    bool pg = db_kind(db) == DB_PG, locked = true;
    if (pg) {
        int64_t got = 0;
        bool found = false;
        locked = db_query_int(db,
                              "SELECT CASE WHEN pg_try_advisory_lock(" SCHED_LOCK_ID
                              ") THEN 1 ELSE 0 END",
                              NULL, 0, &got, &found) == DB_OK &&
                 got == 1;
        if (!locked)
            log_info("backup: another node is taking this backup");
    }
    if (locked) {
        struct arena *a = arena_new();
        struct fail f;
        fail_init(&f, a, LANG_JA);
        struct ctx c = { .arena = a, .db = db, .fail = &f, .lang = LANG_JA,
                         .now = clock_now_ms() / 1000, .tz_offset = 540 };
        c.who.kind = PRIN_SYSTEM;
        c.who.login = "system";
        c.who.name = "system";
        c.who.is_admin = true;
        char *dir = config_backup_dir(S.cfg);
        struct backup_job j = {
            .dir = dir, .copy_to = S.cfg->backup_copy_to, .key_file = S.cfg->backup_key_file,
            .master = S.master,
            .keep = { .daily = S.cfg->backup_keep_daily, .weekly = S.cfg->backup_keep_weekly,
                      .monthly = S.cfg->backup_keep_monthly, .offset_min = 540 },
        };
        j.settings[0] = arena_printf(a, "%s/madoguchi.conf", S.cfg->data);
        j.settings[1] = getenv("MADOGUCHI_CONFIG");
        struct backup_result res;
        enum err e = backup_job_run(&c, &j, &res); /* outcome recorded, audited and mailed */
        (void)e;
        free(dir);
        arena_free(a);
        if (pg) {
            int64_t ignored;
            bool found;
            (void)db_query_int(db, "SELECT CASE WHEN pg_advisory_unlock(" SCHED_LOCK_ID
                                   ") THEN 1 ELSE 0 END",
                               NULL, 0, &ignored, &found);
        }
    }
    db_close(db);
}

static void *
loop(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&S.mu);
    while (!S.stop) {
        int64_t now = clock_now_ms() / 1000;
        int64_t next = cron_next(&S.cron, now, CRON_TOKYO_OFFSET_MIN);
        if (next < 0) {
            log_error("backup: the schedule never fires");
            break;
        }
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += (time_t)(next - now);
        while (!S.stop && pthread_cond_timedwait(&S.cv, &S.mu, &ts) == 0) {
        }
        if (S.stop)
            break;
        if (clock_now_ms() / 1000 < next)
            continue; /* woke early (clock changed): compute again */
        pthread_mutex_unlock(&S.mu);
        log_info("backup: scheduled run");
        run_once();
        pthread_mutex_lock(&S.mu);
    }
    pthread_mutex_unlock(&S.mu);
    return NULL;
}

int
backup_scheduler_start(const struct config *cfg, const char *db_url, const struct sec_key *master)
{
    if (!cfg->backup_enabled) {
        log_info("backup: scheduled backups are off ([backup] enabled = 0)");
        return 0;
    }
    if (!cfg->backup_key_file || !*cfg->backup_key_file) {
        log_warn("backup: no [backup] key_file: scheduled backups are off "
                 "(madoguchi backup keygen, docs/backup-restore.md)");
        return 0;
    }
    const char *err = NULL;
    if (!cron_parse(cfg->backup_schedule, &S.cron, &err)) {
        log_error("backup: [backup] schedule '%s': %s", cfg->backup_schedule, err);
        return -1;
    }
    S.cfg = cfg;
    S.db_url = db_url;
    S.master = master;
    S.stop = false;
    if (pthread_create(&S.th, NULL, loop, NULL) != 0)
        return -1;
    S.running = true;
    log_info("backup: scheduled '%s' (Asia/Tokyo) into %s", cfg->backup_schedule,
             cfg->backup_dir && *cfg->backup_dir ? cfg->backup_dir : "<data>/backups");
    return 0;
}

void
backup_scheduler_stop(void)
{
    if (!S.running)
        return;
    pthread_mutex_lock(&S.mu);
    S.stop = true;
    pthread_cond_broadcast(&S.cv);
    pthread_mutex_unlock(&S.mu);
    pthread_join(S.th, NULL);
    S.running = false;
}
