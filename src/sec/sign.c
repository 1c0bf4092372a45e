/* Hashing, Ed25519 and the signing key file; see sign.h. */
#include "sec/sign.h"

#include "core/log.h"
#include "sec/sec.h"

#include <errno.h>
#include <sodium.h>
#include <string.h>

#define SEED_BYTES crypto_sign_SEEDBYTES

struct sign_key {
    uint8_t sk[crypto_sign_SECRETKEYBYTES];
    uint8_t pk[crypto_sign_PUBLICKEYBYTES];
};

void
sign_be64(int64_t v, uint8_t out[8])
{
    uint64_t u = (uint64_t)v;
    for (int i = 7; i >= 0; i--) {
        out[i] = (uint8_t)(u & 0xff);
        u >>= 8;
    }
}

void
sign_hash_parts(const char *tag, const struct sign_part *parts, int n,
                uint8_t out[SIGN_HASH_BYTES])
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)tag, strlen(tag));
    for (int i = 0; i < n; i++) {
        uint8_t len[8];
        sign_be64((int64_t)parts[i].n, len);
        crypto_hash_sha256_update(&st, len, 8);
        if (parts[i].n)
            crypto_hash_sha256_update(&st, parts[i].p, parts[i].n);
    }
    crypto_hash_sha256_final(&st, out);
}

void
sign_hex(const uint8_t *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static int
nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool
sign_unhex(const char *hex, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int hi = nibble(hex[2 * i]);
        int lo = hi < 0 ? -1 : nibble(hex[2 * i + 1]);
        if (lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return hex[2 * n] == '\0';
}

static enum err
key_from_seed(const uint8_t seed[SEED_BYTES], struct sign_key **out)
{
    struct sign_key *k = sodium_malloc(sizeof(*k));
    *out = NULL;
    if (!k) {
        log_error("sign: sodium_malloc failed for the signing key");
        return ERR_INTERNAL;
    }
    crypto_sign_seed_keypair(k->pk, k->sk, seed);
    sodium_mprotect_readonly(k);
    *out = k;
    return ERR_OK;
}

enum err
sign_key_ephemeral(struct sign_key **out)
{
    uint8_t seed[SEED_BYTES];
    randombytes_buf(seed, sizeof(seed));
    enum err e = key_from_seed(seed, out);
    sodium_memzero(seed, sizeof(seed));
    return e;
}

void
sign_key_free(struct sign_key *k)
{
    if (k)
        sodium_free(k);
}

const uint8_t *
sign_key_public(const struct sign_key *k)
{
    return k->pk;
}

void
sign_key_id(const uint8_t pub[SIGN_PUB_BYTES], char out[SIGN_KEYID_HEX])
{
    uint8_t h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, pub, SIGN_PUB_BYTES);
    sign_hex(h, 8, out);
}

void
sign_detached(const struct sign_key *k, const void *msg, size_t n, uint8_t sig[SIGN_SIG_BYTES])
{
    crypto_sign_detached(sig, NULL, msg, n, k->sk);
}

bool
sign_check(const uint8_t pub[SIGN_PUB_BYTES], const void *msg, size_t n,
           const uint8_t sig[SIGN_SIG_BYTES])
{
    return crypto_sign_verify_detached(sig, msg, n, pub) == 0;
}

/* ---- the key file (mirrors the master key's handling in sec.c) ---- */

enum err
sign_key_create(const char *path)
{
    int rc = sec_secret_file_create(path, SEED_BYTES, "audit signing key");
    if (rc == 1)
        return ERR_INVALID;
    if (rc < 0) {
        log_error("sign: cannot create key file %s: %s", path, strerror(errno));
        return ERR_INTERNAL;
    }
    return ERR_OK;
}

enum err
sign_key_load(const char *path, bool create, struct sign_key **out)
{
    *out = NULL;
    uint8_t seed[SEED_BYTES];
    enum err e = sec_secret_file_read(path, create, seed, sizeof(seed), "audit signing key");
    if (e == ERR_OK)
        e = key_from_seed(seed, out);
    sodium_memzero(seed, sizeof(seed));
    return e;
}
