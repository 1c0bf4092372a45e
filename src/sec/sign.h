/* sign: what tamper evidence needs from libsodium: SHA-256 over length-prefixed parts (so no
 * two different lists of fields hash alike), Ed25519 signatures, and the signing key file.
 * The key file holds the 32-byte Ed25519 seed, mode 0600, created with O_EXCL (never
 * overwritten); the key lives in sodium_malloc'd memory. The key id is the hex of the first
 * 8 bytes of SHA-256(public key). Layer: includes core/ only. Thread-safe after sec_init(). */
#ifndef MADO_SIGN_H
#define MADO_SIGN_H

#include "core/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIGN_HASH_BYTES 32
#define SIGN_HASH_HEX 65 /* 64 hex digits + NUL */
#define SIGN_PUB_BYTES 32
#define SIGN_SIG_BYTES 64
#define SIGN_SIG_HEX 129
#define SIGN_KEYID_HEX 17

struct sign_key;

struct sign_part {
    const void *p;
    size_t n;
};

/* SHA-256 of tag, then of every part as (8-byte big-endian length, bytes). */
void sign_hash_parts(const char *tag, const struct sign_part *parts, int n,
                     uint8_t out[SIGN_HASH_BYTES]);
/* 8-byte big-endian form of v (a part for integers). */
void sign_be64(int64_t v, uint8_t out[8]);

/* Lowercase hex of n bytes into out (2n+1 bytes). */
void sign_hex(const uint8_t *in, size_t n, char *out);
/* Exactly 2n hex digits (either case) → n bytes. */
bool sign_unhex(const char *hex, uint8_t *out, size_t n);

/* Loads the key file; with create=true a missing file is created (O_EXCL, 0600, a fresh
 * seed). Refuses files readable by group/other or not exactly 32 bytes. Errors are logged. */
enum err sign_key_load(const char *path, bool create, struct sign_key **out) MUST_CHECK;
/* Creates a new key file; ERR_INVALID (nothing written) when the file exists. */
enum err sign_key_create(const char *path) MUST_CHECK;
/* A key that exists only in memory (no key file configured: tests). */
enum err sign_key_ephemeral(struct sign_key **out) MUST_CHECK;
void sign_key_free(struct sign_key *k);
const uint8_t *sign_key_public(const struct sign_key *k); /* SIGN_PUB_BYTES */
void sign_key_id(const uint8_t pub[SIGN_PUB_BYTES], char out[SIGN_KEYID_HEX]);

void sign_detached(const struct sign_key *k, const void *msg, size_t n,
                   uint8_t sig[SIGN_SIG_BYTES]);
bool sign_check(const uint8_t pub[SIGN_PUB_BYTES], const void *msg, size_t n,
                const uint8_t sig[SIGN_SIG_BYTES]);

#endif
