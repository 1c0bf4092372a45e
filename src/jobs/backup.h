/* backup: taking one backup of the running system (the database through snapshot.h, every blob
 * in its stored form, the settings file) into an encrypted archive (archive.h), incremental over
 * the newest readable archive of the same directory; verifying an archive and the chain of
 * archives it needs; and the status list the dashboard shows (<dir>/status.json).
 * Keys are never in an archive: the backup key decrypts it, the master key (kept separately)
 * still encrypts every blob inside it. */
#ifndef MADO_BACKUP_H
#define MADO_BACKUP_H

#include "core/err.h"
#include "domain/ctx.h"

#include <jansson.h>
#include <stdint.h>

struct sec_key;

struct backup_opts {
    const char *dir;       /* the backup directory (created 0700) */
    const char *out;       /* explicit archive path (its directory is then the chain's), or NULL */
    const char *settings[4]; /* settings files to carry (missing ones skipped), NULL-terminated */
    const struct sec_key *bkey;
    const struct sec_key *master;
};

struct backup_result {
    const char *path, *id; /* arena */
    int64_t taken_at, size, blobs_total, blobs_new, blob_bytes_new;
    int64_t backup_ms, verify_ms; /* set by backup_job_run */
};

/* Takes a backup of c->db at c->now. Writers go on meanwhile (snapshot.h). On failure nothing is
 * left in the directory but the message is in c->fail. */
enum err backup_run(struct ctx *c, const struct backup_opts *o, struct backup_result *res) MUST_CHECK;

struct backup_verify_result {
    int64_t blobs, chain; /* blobs referenced; archives of the chain checked (this one included) */
    int64_t taken_at;
    json_t *counts; /* the manifest's rows per table (new reference; the caller decrefs) */
};
/* Decrypts path and every archive it needs, checks every SHA-256, opens the database, runs
 * PRAGMA integrity_check and compares row counts with the manifest. master (or NULL): also
 * checks the archive was taken with this master key. */
enum err backup_verify(const char *path, const struct sec_key *bkey, const struct sec_key *master,
                       const char *tmpdir, struct backup_verify_result *res,
                       struct fail *f) MUST_CHECK;

/* Public id of the master key as written in manifests. */
void backup_master_key_id(const struct sec_key *master, char out[17]);

/* Status list (<dir>/status.json, newest last, at most 200 entries): appends one entry
 * {id, taken_at, size, status "ok"|"failed", verified, error, ...}. */
void backup_status_add(const char *dir, json_t *entry);
/* The list (new reference; an empty array when there is none). */
json_t *backup_status_load(const char *dir);

#endif
