/* restore_api: POST /api/restore/preview.json and /api/restore.json (online restore of one
 * record or one app, see jobs/restore.h). A backup is named by its archive id; how an id
 * becomes an open snapshot is configured once at start-up (the backup directory and key), or
 * replaced by tests. */
#ifndef MADO_RESTORE_API_H
#define MADO_RESTORE_API_H

#include "core/err.h"
#include "jobs/restore.h"

/* Opens backup id: fills src (snapshot opened, id, time, blob fetch) and *handle for close.
 * ERR_NOT_FOUND (message in f) for an unknown id. */
typedef enum err (*restore_open_fn)(const char *id, struct restore_src *src, void **handle,
                                    struct fail *f);
typedef void (*restore_close_fn)(void *handle);

/* Archives are looked up as <dir>/<id> and opened with the backup key read from key_file at
 * each restore (bk_reader_open); tmpdir: where they are extracted (NULL: $TMPDIR or /tmp).
 * Pointers must outlive the server; NULL dir: no backups (404). */
void restore_api_configure(const char *dir, const char *key_file, const char *tmpdir);
/* Tests: another way to open a backup (NULL, NULL: back to the archives). */
void restore_api_set_opener(restore_open_fn open, restore_close_fn close);

#endif
