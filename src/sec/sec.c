/* sec: libsodium initialisation, randomness, MACs, constant-time comparison and the master key.
 * Password hashing and tokens are in sec_password.c; raw key bytes never leave this file.
 * The key struct lives in sodium_malloc'd memory (guard pages, mlock) and is made read-only
 * once filled, so a stray write faults instead of silently corrupting the key. */
#include "sec/sec.h"

#include "core/log.h"
#include "core/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Eight bytes, fixed forever: changing it changes every derived key (and every blob address). */
#define SEC_KDF_CONTEXT "madoguch"

struct sec_key {
    uint8_t master[SEC_KEY_BYTES];
    uint8_t enc[SEC_KEY_BYTES];  /* SEC_PURPOSE_ENCRYPT, cached: used on every blob */
    uint8_t addr[SEC_KEY_BYTES]; /* SEC_PURPOSE_ADDRESS, cached */
};

/* Process MAC key (password-auth cache). Written at start only, read by every thread. */
static uint8_t sec_mac_key[crypto_generichash_KEYBYTES];
static bool sec_ready;

int
sec_init(void)
{
    if (sec_ready)
        return 0;
    if (sodium_init() < 0)
        return -1;
    randombytes_buf(sec_mac_key, sizeof(sec_mac_key));
    sec_ready = true;
    return 0;
}

void
sec_mac_key_init(const uint8_t key[SEC_KEY_BYTES])
{
    memcpy(sec_mac_key, key, SEC_KEY_BYTES);
}

static void
hex256(const uint8_t bin[32], char out[SEC_HEX256_MAX])
{
    sodium_bin2hex(out, SEC_HEX256_MAX, bin, 32);
}

void
sec_mac_hex(const void *msg, size_t n, char out[SEC_HEX256_MAX])
{
    uint8_t h[32];
    crypto_generichash(h, sizeof(h), msg, n, sec_mac_key, sizeof(sec_mac_key));
    hex256(h, out);
}

bool
sec_equal(const void *a, const void *b, size_t n)
{
    return sodium_memcmp(a, b, n) == 0;
}

void
sec_random(void *buf, size_t n)
{
    randombytes_buf(buf, n);
}

void
sec_random_hex(char *out, size_t nbytes)
{
    uint8_t chunk[64];
    out[0] = '\0';
    while (nbytes) {
        size_t k = nbytes < sizeof(chunk) ? nbytes : sizeof(chunk);
        randombytes_buf(chunk, k);
        sodium_bin2hex(out, 2 * k + 1, chunk, k);
        out += 2 * k;
        nbytes -= k;
    }
    sodium_memzero(chunk, sizeof(chunk));
}

void
sec_wipe(void *p, size_t n)
{
    sodium_memzero(p, n);
}

/* ---- master key ---- */

enum err
sec_key_from_bytes(const uint8_t raw[SEC_KEY_BYTES], struct sec_key **out)
{
    *out = NULL;
    struct sec_key *k = sodium_malloc(sizeof(*k));
    if (!k) {
        log_error("sec: sodium_malloc failed for the master key");
        return ERR_INTERNAL;
    }
    memcpy(k->master, raw, SEC_KEY_BYTES);
    crypto_kdf_derive_from_key(k->enc, sizeof(k->enc), SEC_PURPOSE_ENCRYPT, SEC_KDF_CONTEXT, k->master);
    crypto_kdf_derive_from_key(k->addr, sizeof(k->addr), SEC_PURPOSE_ADDRESS, SEC_KDF_CONTEXT,
                               k->master);
    sodium_mprotect_readonly(k);
    *out = k;
    return ERR_OK;
}

void
sec_key_free(struct sec_key *k)
{
    if (k)
        sodium_free(k); /* wipes */
}

static bool
read_full(int fd, uint8_t *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        got += (size_t)r;
    }
    return true;
}

static bool
write_full(int fd, const uint8_t *buf, size_t n)
{
    size_t put = 0;
    while (put < n) {
        ssize_t r = write(fd, buf + put, n - put);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        put += (size_t)r;
    }
    return true;
}

/* Makes the new directory entry durable: losing the key file after a crash would make every
 * stored file unreadable. Best effort (the key itself is already fsync'd). */
static void
fsync_parent(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 0;
    if (n >= sizeof(dir))
        return;
    if (slash && n == 0)
        n = 1; /* "/key" */
    if (n)
        memcpy(dir, path, n);
    else
        dir[n++] = '.';
    dir[n] = '\0';
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

#define SECRET_MAX 64

/* Writes n fresh random bytes with O_EXCL so two processes starting together cannot both
 * create one: the loser gets EEXIST (1) and reads the winner's file. */
int
sec_secret_file_create(const char *path, size_t n, const char *what)
{
    uint8_t raw[SECRET_MAX];
    if (n > sizeof(raw)) {
        errno = EINVAL;
        return -1;
    }
    randombytes_buf(raw, n);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        sodium_memzero(raw, sizeof(raw));
        return errno == EEXIST ? 1 : -1;
    }
    bool ok = write_full(fd, raw, n) && fsync(fd) == 0;
    sodium_memzero(raw, sizeof(raw));
    if (close(fd) != 0)
        ok = false;
    if (!ok) {
        unlink(path);
        return -1;
    }
    fsync_parent(path);
    log_info("sec: created %s %s", what, path);
    return 0;
}

enum err
sec_secret_file_read(const char *path, bool create, uint8_t *out, size_t n, const char *what)
{
    enum err e = ERR_INTERNAL;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 && errno == ENOENT && create) {
        if (sec_secret_file_create(path, n, what) < 0) {
            log_error("sec: cannot create %s %s: %s", what, path, strerror(errno));
            return ERR_INTERNAL;
        }
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    }
    if (fd < 0) {
        log_error("sec: cannot open %s %s: %s", what, path, strerror(errno));
        return ERR_INTERNAL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        log_error("sec: %s %s is not a regular file", what, path);
        goto done;
    }
    /* Anyone who can read a key can read every stored file or forge checkpoints: refuse
     * rather than warn. */
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        log_error("sec: %s %s is accessible by group/other (mode %o); chmod 600 it", what, path,
                  (unsigned)(st.st_mode & 0777));
        goto done;
    }
    if (st.st_size != (off_t)n || !read_full(fd, out, n)) {
        log_error("sec: %s %s must hold exactly %zu bytes", what, path, n);
        goto done;
    }
    e = ERR_OK;
done:
    if (e != ERR_OK)
        sodium_memzero(out, n);
    close(fd);
    return e;
}

enum err
sec_key_load(const char *path, bool create, struct sec_key **out)
{
    *out = NULL;
    uint8_t raw[SEC_KEY_BYTES];
    enum err e = sec_secret_file_read(path, create, raw, sizeof(raw), "master key");
    if (e == ERR_OK)
        e = sec_key_from_bytes(raw, out);
    sodium_memzero(raw, sizeof(raw));
    return e;
}

void
sec_key_derive(const struct sec_key *k, enum sec_purpose purpose, uint8_t out[SEC_KEY_BYTES])
{
    crypto_kdf_derive_from_key(out, SEC_KEY_BYTES, (uint64_t)purpose, SEC_KDF_CONTEXT, k->master);
}

void
sec_key_mac_hex(const struct sec_key *k, enum sec_purpose purpose, const void *msg, size_t n,
                char out[SEC_HEX256_MAX])
{
    uint8_t h[32];
    if (purpose == SEC_PURPOSE_ADDRESS) {
        crypto_generichash(h, sizeof(h), msg, n, k->addr, sizeof(k->addr));
    } else {
        uint8_t sub[SEC_KEY_BYTES];
        sec_key_derive(k, purpose, sub);
        crypto_generichash(h, sizeof(h), msg, n, sub, sizeof(sub));
        sodium_memzero(sub, sizeof(sub));
    }
    hex256(h, out);
}

/* ---- whole-buffer encryption ----
 * Layout: 24-byte secretstream header, then messages of SEC_CHUNK plaintext bytes (+17 bytes
 * each), the last one (possibly empty) tagged FINAL. Chunking keeps the format streamable later
 * (large files) and FINAL makes truncation at a chunk boundary detectable. */

#define HDR crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define TAG_FINAL crypto_secretstream_xchacha20poly1305_TAG_FINAL

size_t
sec_encrypted_len(size_t n)
{
    size_t chunks = n / SEC_CHUNK + 1;
    if (n && n % SEC_CHUNK == 0)
        chunks--;
    return HDR + n + chunks * ABYTES;
}

enum err
sec_encrypt(const struct sec_key *k, const void *in, size_t n, struct strbuf *out)
{
    size_t total = sec_encrypted_len(n);
    if (total < n) /* overflow */
        return ERR_TOO_LARGE;
    size_t start = out->len;
    strbuf_grow(out, total);
    if (!strbuf_ok(out))
        return ERR_TOO_LARGE;
    uint8_t *dst = (uint8_t *)out->buf + start;
    const uint8_t *src = in;
    crypto_secretstream_xchacha20poly1305_state st;
    crypto_secretstream_xchacha20poly1305_init_push(&st, dst, k->enc);
    size_t w = HDR, off = 0;
    do {
        size_t m = n - off < SEC_CHUNK ? n - off : SEC_CHUNK;
        uint8_t tag = off + m == n ? TAG_FINAL : 0;
        unsigned long long clen = 0;
        crypto_secretstream_xchacha20poly1305_push(&st, dst + w, &clen, src + off, m, NULL, 0, tag);
        w += (size_t)clen;
        off += m;
    } while (off < n);
    sodium_memzero(&st, sizeof(st));
    out->len = start + w;
    out->buf[out->len] = '\0';
    return ERR_OK;
}

enum err
sec_decrypt(const struct sec_key *k, const void *in, size_t n, struct strbuf *out)
{
    const uint8_t *src = in;
    size_t start = out->len;
    crypto_secretstream_xchacha20poly1305_state st;
    if (n < HDR + ABYTES)
        return ERR_INVALID;
    /* Plaintext is never longer than the ciphertext: one reservation, no reallocation. */
    strbuf_grow(out, n - HDR);
    if (!strbuf_ok(out))
        return ERR_TOO_LARGE;
    if (crypto_secretstream_xchacha20poly1305_init_pull(&st, src, k->enc) != 0)
        return ERR_INVALID;
    uint8_t *dst = (uint8_t *)out->buf;
    size_t off = HDR, w = start;
    bool final = false;
    while (off < n) {
        if (final)
            goto bad; /* bytes after the FINAL message */
        size_t c = n - off < SEC_CHUNK + ABYTES ? n - off : SEC_CHUNK + ABYTES;
        unsigned long long mlen = 0;
        uint8_t tag = 0;
        if (c < ABYTES ||
            crypto_secretstream_xchacha20poly1305_pull(&st, dst + w, &mlen, &tag, src + off, c, NULL,
                                                       0) != 0)
            goto bad;
        /* A short message that is not FINAL cannot come from sec_encrypt. */
        if (tag != TAG_FINAL && (tag != 0 || c != SEC_CHUNK + ABYTES))
            goto bad;
        final = tag == TAG_FINAL;
        w += (size_t)mlen;
        off += c;
    }
    if (!final)
        goto bad; /* truncated at a chunk boundary */
    sodium_memzero(&st, sizeof(st));
    out->len = w;
    out->buf[w] = '\0';
    return ERR_OK;
bad:
    sodium_memzero(&st, sizeof(st));
    sodium_memzero(dst + start, w - start);
    out->len = start;
    out->buf[start] = '\0';
    return ERR_INVALID;
}
