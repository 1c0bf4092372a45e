/* archive: see archive.h for the layout. File:
 *   "MADOBAK\n" | u32le n | n bytes of header JSON | secretstream header (24 bytes) |
 *   chunks: u32le ciphertext length | ciphertext   (last one tagged FINAL, then end of file)
 * Plaintext of the chunks, concatenated, is one zstd stream of entries:
 *   type (1) | u16le name length | name | u64le data length | data
 * ending with an entry of type 'E' (no name, no data). */
#include "jobs/archive.h"

#include "core/arena.h"
#include "core/log.h"
#include "sec/sec.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#define MAGIC "MADOBAK\n"
#define MAGIC_LEN 8
#define HEADER_MAX (1024 * 1024)
#define NAME_MAX_LEN 1024
#define ARC_END 'E'
#define CT_MAX (ARC_CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES)
#define ZSTD_LEVEL 3

static enum err
bad(struct fail *f, const char *ja, const char *en)
{
    const char *m = f->arena ? arena_printf(f->arena, "%s / %s", ja, en) : en;
    return fail_with_message(f, ERR_INVALID, m);
}

static enum err
corrupt(struct fail *f, const char *path, const char *what)
{
    log_error("backup archive %s: %s", path, what);
    const char *m = f->arena ? arena_printf(f->arena,
                                            "バックアップファイル %s が壊れているか途中で切れています"
                                            "（%s）。 / The backup archive %s is corrupt or "
                                            "truncated (%s).",
                                            path, what, path, what)
                             : what;
    return fail_with_message(f, ERR_INVALID, m);
}

static enum err
io_fail(struct fail *f, const char *path, const char *what)
{
    int e = errno;
    log_error("backup archive %s: %s: %s", path, what, strerror(e));
    const char *m = f->arena ? arena_printf(f->arena, "%s を%sできません（%s）。 / Cannot %s %s (%s).",
                                            path, what, strerror(e), what, path, strerror(e))
                             : what;
    return fail_with_message(f, ERR_INTERNAL, m);
}

void
arc_key_id(const struct sec_key *bkey, char out[ARC_KEY_ID_LEN + 1])
{
    static const char label[] = "madoguchi backup key id";
    char hex[SEC_HEX256_MAX];
    sec_key_mac_hex(bkey, SEC_PURPOSE_ADDRESS, label, sizeof(label) - 1, hex);
    memcpy(out, hex, ARC_KEY_ID_LEN);
    out[ARC_KEY_ID_LEN] = '\0';
}

static void
sha_hex(crypto_hash_sha256_state *st, char out[65])
{
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(st, d);
    sodium_bin2hex(out, 65, d, sizeof(d));
}

static void
put_u16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static void
put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void
put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t
get_le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static bool
write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* ---- writer ---- */

struct arc_writer {
    char *path, *tmp;
    int fd;
    crypto_secretstream_xchacha20poly1305_state ss;
    unsigned char *ad; /* the plain header: additional data of the first chunk */
    size_t adlen;
    ZSTD_CCtx *z;
    unsigned char *chunk; /* plaintext being filled by zstd */
    size_t chunk_len;
    unsigned char *ct;
    uint64_t size;
    uint64_t entry_left;
    bool in_entry;
    crypto_hash_sha256_state sha;
    char last_sha[65];
};

static enum err
push(struct arc_writer *w, unsigned char tag, struct fail *f)
{
    unsigned long long clen = 0;
    crypto_secretstream_xchacha20poly1305_push(&w->ss, w->ct + 4, &clen, w->chunk, w->chunk_len,
                                               w->ad, w->adlen, tag);
    free(w->ad);
    w->ad = NULL;
    w->adlen = 0;
    put_u32(w->ct, (uint32_t)clen);
    if (!write_all(w->fd, w->ct, (size_t)clen + 4))
        return io_fail(f, w->tmp, "write");
    w->size += clen + 4;
    w->chunk_len = 0;
    return ERR_OK;
}

static enum err
feed(struct arc_writer *w, const void *p, size_t n, ZSTD_EndDirective mode, struct fail *f)
{
    ZSTD_inBuffer in = { p, n, 0 };
    for (;;) {
        ZSTD_outBuffer out = { w->chunk, ARC_CHUNK, w->chunk_len };
        size_t rem = ZSTD_compressStream2(w->z, &out, &in, mode);
        if (ZSTD_isError(rem)) {
            log_error("backup archive: zstd: %s", ZSTD_getErrorName(rem));
            return fail_set(f, ERR_INTERNAL, NULL);
        }
        w->chunk_len = out.pos;
        if (w->chunk_len == ARC_CHUNK) {
            enum err e = push(w, crypto_secretstream_xchacha20poly1305_TAG_MESSAGE, f);
            if (e != ERR_OK)
                return e;
        }
        if (mode == ZSTD_e_continue ? in.pos == in.size : rem == 0)
            return ERR_OK;
    }
}

enum err
arc_writer_open(const char *path, const struct sec_key *bkey, const char *header_json,
                struct arc_writer **out, struct fail *f)
{
    *out = NULL;
    size_t hl = strlen(header_json);
    if (hl > HEADER_MAX)
        return fail_set(f, ERR_TOO_LARGE, NULL);
    struct arc_writer *w = xcalloc(1, sizeof(*w));
    w->fd = -1;
    w->path = xstrdup(path);
    size_t tl = strlen(path) + 5;
    w->tmp = xmalloc(tl);
    snprintf(w->tmp, tl, "%s.tmp", path);
    w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (w->fd < 0) {
        enum err e = io_fail(f, w->tmp, "create");
        free(w->tmp);
        w->tmp = NULL; /* not ours: do not unlink */
        arc_writer_abort(w);
        return e;
    }
    w->adlen = MAGIC_LEN + 4 + hl;
    w->ad = xmalloc(w->adlen);
    memcpy(w->ad, MAGIC, MAGIC_LEN);
    put_u32(w->ad + MAGIC_LEN, (uint32_t)hl);
    memcpy(w->ad + MAGIC_LEN + 4, header_json, hl);
    uint8_t k[SEC_KEY_BYTES];
    sec_key_derive(bkey, SEC_PURPOSE_ENCRYPT, k);
    unsigned char ssh[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
    crypto_secretstream_xchacha20poly1305_init_push(&w->ss, ssh, k);
    sec_wipe(k, sizeof(k));
    if (!write_all(w->fd, w->ad, w->adlen) || !write_all(w->fd, ssh, sizeof(ssh))) {
        enum err e = io_fail(f, w->tmp, "write");
        arc_writer_abort(w);
        return e;
    }
    w->size = w->adlen + sizeof(ssh);
    w->z = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(w->z, ZSTD_c_compressionLevel, ZSTD_LEVEL);
    ZSTD_CCtx_setParameter(w->z, ZSTD_c_nbWorkers, 2); /* ignored by a single-threaded libzstd */
    w->chunk = xmalloc(ARC_CHUNK);
    w->ct = xmalloc(CT_MAX + 4);
    *out = w;
    return ERR_OK;
}

enum err
arc_entry(struct arc_writer *w, char type, const char *name, uint64_t len, struct fail *f)
{
    size_t nl = name ? strlen(name) : 0;
    if (w->entry_left || nl > NAME_MAX_LEN) {
        log_error("backup archive: entry %s started before the last one ended", name ? name : "");
        return fail_set(f, ERR_INTERNAL, NULL);
    }
    unsigned char h[1 + 2 + NAME_MAX_LEN + 8];
    h[0] = (unsigned char)type;
    put_u16(h + 1, (uint16_t)nl);
    if (nl)
        memcpy(h + 3, name, nl);
    put_u64(h + 3 + nl, len);
    crypto_hash_sha256_init(&w->sha);
    w->entry_left = len;
    w->in_entry = true;
    enum err e = feed(w, h, 11 + nl, ZSTD_e_continue, f);
    if (e == ERR_OK && len == 0)
        e = arc_data(w, "", 0, f);
    return e;
}

enum err
arc_data(struct arc_writer *w, const void *p, size_t n, struct fail *f)
{
    if (!w->in_entry || n > w->entry_left) {
        log_error("backup archive: more data than the entry announced");
        return fail_set(f, ERR_INTERNAL, NULL);
    }
    crypto_hash_sha256_update(&w->sha, p, n);
    w->entry_left -= n;
    enum err e = feed(w, p, n, ZSTD_e_continue, f);
    if (e == ERR_OK && w->entry_left == 0) {
        sha_hex(&w->sha, w->last_sha);
        w->in_entry = false;
    }
    return e;
}

const char *
arc_writer_last_sha(const struct arc_writer *w)
{
    return w->last_sha;
}

static int
fsync_parent(const char *path)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    int fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

enum err
arc_writer_commit(struct arc_writer *w, uint64_t *size, struct fail *f)
{
    enum err e;
    if (w->in_entry) {
        log_error("backup archive: the last entry is incomplete");
        e = fail_set(f, ERR_INTERNAL, NULL);
        goto fail;
    }
    unsigned char end[11] = { ARC_END };
    if ((e = feed(w, end, sizeof(end), ZSTD_e_end, f)) != ERR_OK ||
        (e = push(w, crypto_secretstream_xchacha20poly1305_TAG_FINAL, f)) != ERR_OK)
        goto fail;
    if (fsync(w->fd) != 0) {
        e = io_fail(f, w->tmp, "fsync");
        goto fail;
    }
    int rc = close(w->fd);
    w->fd = -1;
    if (rc != 0 || rename(w->tmp, w->path) != 0) {
        e = io_fail(f, w->path, "rename");
        goto fail;
    }
    fsync_parent(w->path);
    if (size)
        *size = w->size;
    free(w->tmp);
    w->tmp = NULL;
    arc_writer_abort(w);
    return ERR_OK;
fail:
    arc_writer_abort(w);
    return e;
}

void
arc_writer_abort(struct arc_writer *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    if (w->tmp)
        unlink(w->tmp);
    ZSTD_freeCCtx(w->z);
    free(w->ad);
    free(w->chunk);
    free(w->ct);
    free(w->tmp);
    free(w->path);
    sodium_memzero(&w->ss, sizeof(w->ss));
    free(w);
}

/* ---- reader ---- */

struct arc_reader {
    char *path;
    FILE *fp;
    char *header;
    bool header_only;
    crypto_secretstream_xchacha20poly1305_state ss;
    unsigned char *ad;
    size_t adlen;
    unsigned char *ct;
    unsigned char *pt; /* decrypted chunk */
    size_t pt_len, pt_pos;
    bool final; /* FINAL chunk pulled */
    ZSTD_DCtx *z;
    size_t zret; /* last ZSTD_decompressStream() result: 0 = frame complete */
    unsigned char *dbuf;
    size_t dlen, dpos;
    bool ended; /* the 'E' entry was read and the end verified */
    uint64_t entry_left;
    bool entry_open;
    crypto_hash_sha256_state sha;
    char sha_hex[65];
    bool sha_ready;
    char name[NAME_MAX_LEN + 1];
};

enum err
arc_reader_open(const char *path, const struct sec_key *bkey, bool header_only,
                struct arc_reader **out, struct fail *f)
{
    *out = NULL;
    struct arc_reader *r = xcalloc(1, sizeof(*r));
    r->path = xstrdup(path);
    r->header_only = header_only;
    enum err e;
    json_t *j = NULL;
    r->fp = fopen(path, "rb");
    if (!r->fp) {
        e = io_fail(f, path, "open");
        goto fail;
    }
    unsigned char head[MAGIC_LEN + 4];
    if (fread(head, 1, sizeof(head), r->fp) != sizeof(head) || memcmp(head, MAGIC, MAGIC_LEN)) {
        e = bad(f, arena_printf(f->arena, "%s はバックアップファイルではありません。", path),
                arena_printf(f->arena, "%s is not a madoguchi backup archive.", path));
        goto fail;
    }
    uint64_t hl = get_le(head + MAGIC_LEN, 4);
    if (hl > HEADER_MAX) {
        e = corrupt(f, path, "header length");
        goto fail;
    }
    r->adlen = MAGIC_LEN + 4 + hl;
    r->ad = xmalloc(r->adlen);
    memcpy(r->ad, head, sizeof(head));
    if (fread(r->ad + sizeof(head), 1, hl, r->fp) != hl) {
        e = corrupt(f, path, "header");
        goto fail;
    }
    r->header = xmalloc(hl + 1);
    memcpy(r->header, r->ad + sizeof(head), hl);
    r->header[hl] = '\0';
    j = json_loads(r->header, 0, NULL);
    json_int_t fmt = json_integer_value(json_object_get(j, "format"));
    const char *kid = json_string_value(json_object_get(j, "key_id"));
    if (!j || fmt < 1 || !kid) {
        e = corrupt(f, path, "header");
        goto fail;
    }
    if (fmt > ARC_FORMAT) {
        e = bad(f,
                arena_printf(f->arena,
                             "%s は新しい形式（%lld）のバックアップです。このプログラムは形式 %d "
                             "までしか読めません。新しい版の madoguchi を使ってください。",
                             path, (long long)fmt, ARC_FORMAT),
                arena_printf(f->arena,
                             "%s is in a newer backup format (%lld); this program reads format "
                             "%d at most. Use a newer madoguchi.",
                             path, (long long)fmt, ARC_FORMAT));
        goto fail;
    }
    if (!header_only) {
        char mine[ARC_KEY_ID_LEN + 1];
        arc_key_id(bkey, mine);
        if (strcmp(mine, kid) != 0) {
            e = bad(f,
                    arena_printf(f->arena,
                                 "バックアップ鍵が違います: %s は鍵 ID %s で暗号化されていますが、"
                                 "指定された鍵の ID は %s です。",
                                 path, kid, mine),
                    arena_printf(f->arena,
                                 "Wrong backup key: %s was encrypted with key id %s, the given "
                                 "key has id %s.",
                                 path, kid, mine));
            goto fail;
        }
        unsigned char ssh[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
        if (fread(ssh, 1, sizeof(ssh), r->fp) != sizeof(ssh)) {
            e = corrupt(f, path, "stream header");
            goto fail;
        }
        uint8_t k[SEC_KEY_BYTES];
        sec_key_derive(bkey, SEC_PURPOSE_ENCRYPT, k);
        int rc = crypto_secretstream_xchacha20poly1305_init_pull(&r->ss, ssh, k);
        sec_wipe(k, sizeof(k));
        if (rc != 0) {
            e = corrupt(f, path, "stream header");
            goto fail;
        }
        r->ct = xmalloc(CT_MAX);
        r->pt = xmalloc(ARC_CHUNK);
        r->z = ZSTD_createDCtx();
        r->dbuf = xmalloc(ZSTD_DStreamOutSize());
        r->zret = 1;
    }
    json_decref(j);
    *out = r;
    return ERR_OK;
fail:
    json_decref(j);
    arc_reader_close(r);
    return e;
}

const char *
arc_reader_header(const struct arc_reader *r)
{
    return r->header;
}

static enum err
pull(struct arc_reader *r, struct fail *f)
{
    unsigned char lb[4];
    if (r->final)
        return corrupt(f, r->path, "data after the end");
    if (fread(lb, 1, 4, r->fp) != 4)
        return corrupt(f, r->path, "truncated: the final chunk is missing");
    uint64_t clen = get_le(lb, 4);
    if (clen < crypto_secretstream_xchacha20poly1305_ABYTES || clen > CT_MAX)
        return corrupt(f, r->path, "chunk length");
    if (fread(r->ct, 1, clen, r->fp) != clen)
        return corrupt(f, r->path, "truncated chunk");
    unsigned long long plen = 0;
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(&r->ss, r->pt, &plen, &tag, r->ct, clen, r->ad,
                                                   r->adlen) != 0)
        return corrupt(f, r->path, "a chunk does not decrypt (tampered data or header)");
    free(r->ad);
    r->ad = NULL;
    r->adlen = 0;
    r->pt_len = (size_t)plen;
    r->pt_pos = 0;
    if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
        r->final = true;
        if (fgetc(r->fp) != EOF)
            return corrupt(f, r->path, "bytes after the final chunk");
    } else if (tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) {
        return corrupt(f, r->path, "unexpected chunk tag");
    }
    return ERR_OK;
}

/* Refills dbuf; *eof when the zstd stream and the final chunk are both exhausted. */
static enum err
refill(struct arc_reader *r, bool *eof, struct fail *f)
{
    *eof = false;
    r->dlen = r->dpos = 0;
    for (;;) {
        if (r->pt_pos == r->pt_len) {
            if (r->final) {
                *eof = true;
                return ERR_OK;
            }
            enum err e = pull(r, f);
            if (e != ERR_OK)
                return e;
        }
        ZSTD_inBuffer in = { r->pt, r->pt_len, r->pt_pos };
        ZSTD_outBuffer out = { r->dbuf, ZSTD_DStreamOutSize(), 0 };
        size_t rc = ZSTD_decompressStream(r->z, &out, &in);
        if (ZSTD_isError(rc))
            return corrupt(f, r->path, ZSTD_getErrorName(rc));
        r->zret = rc;
        r->pt_pos = in.pos;
        r->dlen = out.pos;
        if (r->dlen)
            return ERR_OK;
    }
}

static enum err
raw_read(struct arc_reader *r, void *p, size_t n, struct fail *f)
{
    unsigned char *q = p;
    while (n) {
        if (r->dpos == r->dlen) {
            bool eof;
            enum err e = refill(r, &eof, f);
            if (e != ERR_OK)
                return e;
            if (eof)
                return corrupt(f, r->path, "truncated: the stream ends inside an entry");
        }
        size_t k = r->dlen - r->dpos < n ? r->dlen - r->dpos : n;
        memcpy(q, r->dbuf + r->dpos, k);
        r->dpos += k;
        q += k;
        n -= k;
    }
    return ERR_OK;
}

enum err
arc_read(struct arc_reader *r, void *p, size_t n, struct fail *f)
{
    if (!r->entry_open || n > r->entry_left) {
        log_error("backup archive %s: read past the entry", r->path);
        return fail_set(f, ERR_INTERNAL, NULL);
    }
    enum err e = raw_read(r, p, n, f);
    if (e != ERR_OK)
        return e;
    crypto_hash_sha256_update(&r->sha, p, n);
    r->entry_left -= n;
    if (!r->entry_left) {
        sha_hex(&r->sha, r->sha_hex);
        r->sha_ready = true;
        r->entry_open = false;
    }
    return ERR_OK;
}

enum err
arc_skip(struct arc_reader *r, struct fail *f)
{
    unsigned char buf[65536];
    while (r->entry_open) {
        size_t k = r->entry_left < sizeof(buf) ? (size_t)r->entry_left : sizeof(buf);
        enum err e = arc_read(r, buf, k, f);
        if (e != ERR_OK)
            return e;
    }
    return ERR_OK;
}

const char *
arc_reader_entry_sha(const struct arc_reader *r)
{
    return r->sha_ready ? r->sha_hex : NULL;
}

enum err
arc_next(struct arc_reader *r, char *type, const char **name, uint64_t *len, struct fail *f)
{
    *type = 0;
    *name = "";
    *len = 0;
    if (r->header_only || !r->z) {
        log_error("backup archive %s: opened for its header only", r->path);
        return fail_set(f, ERR_INTERNAL, NULL);
    }
    if (r->ended)
        return ERR_OK;
    enum err e = arc_skip(r, f);
    if (e != ERR_OK)
        return e;
    unsigned char h[3];
    if ((e = raw_read(r, h, 3, f)) != ERR_OK)
        return e;
    size_t nl = (size_t)get_le(h + 1, 2);
    if (nl > NAME_MAX_LEN)
        return corrupt(f, r->path, "entry name");
    if ((e = raw_read(r, r->name, nl, f)) != ERR_OK)
        return e;
    r->name[nl] = '\0';
    unsigned char lb[8];
    if ((e = raw_read(r, lb, 8, f)) != ERR_OK)
        return e;
    if (h[0] == ARC_END) {
        /* nothing may follow: the zstd frame ends here and so does the final chunk */
        bool eof = false;
        if (r->dpos != r->dlen || (e = refill(r, &eof, f)) != ERR_OK)
            return e != ERR_OK ? e : corrupt(f, r->path, "data after the end entry");
        if (!eof || r->zret != 0)
            return corrupt(f, r->path, "data after the end entry");
        r->ended = true;
        return ERR_OK;
    }
    if (!strchr("IDBSM", (char)h[0]))
        return corrupt(f, r->path, "unknown entry type");
    *type = (char)h[0];
    *name = r->name;
    *len = get_le(lb, 8);
    r->entry_left = *len;
    r->entry_open = true;
    r->sha_ready = false;
    crypto_hash_sha256_init(&r->sha);
    if (!*len) {
        sha_hex(&r->sha, r->sha_hex);
        r->sha_ready = true;
        r->entry_open = false;
    }
    return ERR_OK;
}

void
arc_reader_close(struct arc_reader *r)
{
    if (!r)
        return;
    if (r->fp)
        fclose(r->fp);
    ZSTD_freeDCtx(r->z);
    if (r->pt)
        sodium_memzero(r->pt, ARC_CHUNK);
    free(r->pt);
    free(r->ct);
    free(r->dbuf);
    free(r->ad);
    free(r->header);
    free(r->path);
    sodium_memzero(&r->ss, sizeof(r->ss));
    free(r);
}
