/* backup internals shared by backup.c (writing), backup_read.c (reading, verify) and
 * retention.c: archive naming, the plain header, the index of blobs.
 * Index (entry 'I', JSON): { "<blob address>": ["<archive id holding it>", stored size,
 * "<sha-256 of the stored form>"], ... } for every blob the snapshot references. */
#ifndef MADO_BACKUP_INT_H
#define MADO_BACKUP_INT_H

#include "core/err.h"

#include <jansson.h>
#include <stdint.h>

struct arena;
struct fail;
struct sec_key;

#define BK_EXT ".mbk"
#define BK_VERSION "0.9.0"
#define BK_INDEX_MAX ((uint64_t)512 * 1024 * 1024)
#define BK_MANIFEST_MAX ((uint64_t)512 * 1024 * 1024)

/* Header of one archive in a directory (no key needed). */
struct bk_head {
    char *id;  /* file name */
    char *path;
    int64_t taken_at;
    int64_t size;
    char *key_id;
    json_t *needs; /* array of archive ids (owned) */
};

/* Every readable archive of dir, oldest first (heap; free with bk_heads_free). Files that are not
 * archives are skipped. */
int bk_list_dir(const char *dir, struct bk_head **out, size_t *n);
/* Orders archive ids by time: "madoguchi-<stamp>.mbk" before "madoguchi-<stamp>-2.mbk" before
 * "-10" (a plain strcmp would put "-2" first: '-' sorts before '.'). */
int bk_id_cmp(const char *a, const char *b);
/* Removes dir and everything below it (symbolic links are removed, not followed). */
void bk_rm_tree(const char *dir);
void bk_heads_free(struct bk_head *h, size_t n);

/* Directory part of path (heap). */
char *bk_dirname(const char *path);
const char *bk_basename(const char *path);

/* Reads a whole archive and returns its index and manifest (new references), checking every
 * hash; used to find what the previous backup holds. */
enum err bk_read_index(const char *path, const struct sec_key *bkey, json_t **index,
                       json_t **manifest, struct fail *f) MUST_CHECK;

/* What an open reader parsed (backup_read.h), for verify and whole restore. */
struct bk_reader;
json_t *bk_reader_index(const struct bk_reader *r);
json_t *bk_reader_manifest(const struct bk_reader *r);
const char *bk_reader_dir(const struct bk_reader *r);
const char *bk_reader_settings_dir(const struct bk_reader *r, struct arena *a);

#endif
