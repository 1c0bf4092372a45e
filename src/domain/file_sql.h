/* All SQL of the file module (table files). */
#ifndef MADO_FILE_SQL_H
#define MADO_FILE_SQL_H

#define FILE_SQL_INSERT                                                                            \
    "INSERT INTO files (file_key, blob_hash, name, content_type, size, creator, created_at, "     \
    "app_id, record_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
#define FILE_SQL_GET                                                                               \
    "SELECT file_key, blob_hash, name, content_type, size, creator, created_at, app_id, "         \
    "record_id FROM files WHERE file_key = $1"
#define FILE_SQL_DELETE_KEY "DELETE FROM files WHERE file_key = $1 AND record_id IS NOT NULL"
#define FILE_SQL_DELETE_RECORD "DELETE FROM files WHERE app_id = $1 AND record_id = $2"
/* record_id IS NULL matches the partial index files_unattached. */
#define FILE_SQL_PURGE "DELETE FROM files WHERE record_id IS NULL AND created_at < $1"

#endif
