/* backup_job: one whole backup run as the scheduler and `madoguchi backup` do it — take the
 * backup, verify it (and its chain), record the status (<dir>/status.json), apply retention,
 * copy to [backup] copy_to, write the audit entry; on failure mail every system administrator
 * (through the outbox) besides the status the dashboard shows. */
#ifndef MADO_BACKUP_JOB_H
#define MADO_BACKUP_JOB_H

#include "jobs/backup.h"
#include "jobs/retention.h"

struct backup_job {
    const char *dir;      /* [backup] dir */
    const char *out;      /* explicit archive path (CLI --out) or NULL */
    const char *copy_to;  /* "" or NULL = none */
    const char *key_file; /* the backup key */
    const char *settings[4];
    struct ret_policy keep;
    const struct sec_key *master;
};

/* ERR_OK when the archive was written and verified (res->path). Failures are recorded,
 * audited and mailed before returning; the message is in c->fail. */
enum err backup_job_run(struct ctx *c, const struct backup_job *j, struct backup_result *res) MUST_CHECK;

/* The backup key file: 32 bytes, 0600, created by `backup keygen`. */
enum err backup_key_load(const char *path, struct sec_key **out, struct fail *f) MUST_CHECK;

#endif
