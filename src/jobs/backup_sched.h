/* backup_sched: the thread of `madoguchi serve` that takes backups on [backup] schedule (cron,
 * Asia/Tokyo; default daily 02:00) with backup_job_run(). On PostgreSQL it takes an advisory
 * lock first, so of several nodes only one backs up each time. */
#ifndef MADO_BACKUP_SCHED_H
#define MADO_BACKUP_SCHED_H

struct config;
struct sec_key;

/* cfg, db_url and master must outlive the scheduler. Returns 0 when started or not wanted
 * ([backup] enabled = 0, or no key_file: logged), -1 on a bad schedule (logged). */
int backup_scheduler_start(const struct config *cfg, const char *db_url,
                           const struct sec_key *master);
void backup_scheduler_stop(void);

#endif
