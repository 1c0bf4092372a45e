/* sec: the only place that talks to libsodium. Password hashing (argon2id), API tokens,
 * keyed MACs, constant-time comparison, randomness, the master key and authenticated
 * encryption of whole buffers (secretstream, 64 KiB chunks).
 * Ownership: struct sec_key lives in sodium_malloc'd (guarded, mlock'd) memory and is freed
 * with sec_key_free(); output buffers are caller-owned strbufs (heap or arena backed).
 * Layer: includes core/ only. Thread-safe after sec_init(). */
#ifndef MADO_SEC_H
#define MADO_SEC_H

#include "core/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;
struct sec_key;

#define SEC_KEY_BYTES 32
#define SEC_PWHASH_MAX 128 /* crypto_pwhash_STRBYTES */
#define SEC_TOKEN_MAX 64   /* 43 chars of base64url + NUL, rounded up */
#define SEC_HEX256_MAX 65  /* 64 hex digits + NUL */
#define SEC_CHUNK 65536    /* plaintext bytes per secretstream message */

/* Calls sodium_init() and creates the process MAC key. Idempotent; <0 on failure. */
int sec_init(void);

/* argon2id in the crypto_pwhash_str format. Limits default to OPSLIMIT/MEMLIMIT_INTERACTIVE;
 * tests lower them (ops ≥ 1, mem ≥ 8 KiB) with sec_set_pwhash_limits(). */
void sec_set_pwhash_limits(unsigned long long opslimit, size_t memlimit);
enum err sec_password_hash(const char *pw, size_t n, char out[SEC_PWHASH_MAX]) MUST_CHECK;
/* False for a wrong password, a malformed hash or an empty hash. */
bool sec_password_verify(const char *hash, const char *pw, size_t n);
/* True when hash was made with weaker limits than the current ones (rehash on next login). */
bool sec_password_needs_rehash(const char *hash);

/* API token: 32 random bytes as base64url without padding (43 chars + NUL), never starting
 * with '-'. */
void sec_token_new(char out[SEC_TOKEN_MAX]);
/* Lowercase hex BLAKE2b-256 of the token (unkeyed: what the database stores). */
void sec_token_hash(const char *token, size_t n, char out[SEC_HEX256_MAX]);

/* Process MAC key: random at sec_init(); sec_mac_key_init() replaces it (32 bytes) so several
 * processes can agree. */
void sec_mac_key_init(const uint8_t key[SEC_KEY_BYTES]);
/* Hex keyed BLAKE2b-256 of msg with the process MAC key (keys the password-auth cache). */
void sec_mac_hex(const void *msg, size_t n, char out[SEC_HEX256_MAX]);

bool sec_equal(const void *a, const void *b, size_t n); /* constant time */
void sec_random(void *buf, size_t n);
void sec_random_hex(char *out, size_t nbytes); /* out holds 2*nbytes+1 */
/* Wipes memory in a way the compiler keeps. */
void sec_wipe(void *p, size_t n);

/* Master key from a file holding exactly 32 raw bytes. With create=true a missing file is
 * created (O_EXCL, mode 0600) with a fresh random key. Refuses files readable by group/other.
 * On failure *out is NULL and the error is logged (ERR_INTERNAL). */
enum err sec_key_load(const char *path, bool create, struct sec_key **out) MUST_CHECK;
/* Key files in general (the master key, the audit signing key): n (≤ 64) random bytes written
 * with O_EXCL, mode 0600, fsynced; 0 created, 1 existed already, -1 error (errno). what names
 * the file in logs ("master key"). */
int sec_secret_file_create(const char *path, size_t n, const char *what);
/* Reads a key file of exactly n bytes into out, refusing anything but a regular file that
 * only its owner can access; with create, a missing file is created first. */
enum err sec_secret_file_read(const char *path, bool create, uint8_t *out, size_t n,
                              const char *what) MUST_CHECK;
/* Key from 32 raw bytes (tests, key rotation tools). */
enum err sec_key_from_bytes(const uint8_t raw[SEC_KEY_BYTES], struct sec_key **out) MUST_CHECK;
void sec_key_free(struct sec_key *k);

/* Purposes of subkeys derived from the master key with crypto_kdf (context "madoguch"). */
enum sec_purpose {
    SEC_PURPOSE_ENCRYPT = 1, /* secretstream key of sec_encrypt/sec_decrypt */
    SEC_PURPOSE_ADDRESS = 2, /* BLAKE2b key of content addresses (blob store) */
    SEC_PURPOSE_COOKIE = 3,  /* for callers that need their own MAC key */
    SEC_PURPOSE_RECOVERY = 4, /* keyed hashes of MFA recovery codes */
    SEC_PURPOSE_TOTP = 5,     /* (reserved) */
    SEC_PURPOSE_CSRF = 6,     /* CSRF tokens derived from session tokens */
    SEC_PURPOSE_APPLICANT = 7, /* keyed hashes of applicants' one-time codes */
};
/* 32-byte subkey for purpose into out (caller wipes it when done). */
void sec_key_derive(const struct sec_key *k, enum sec_purpose purpose, uint8_t out[SEC_KEY_BYTES]);
/* Hex keyed BLAKE2b-256 of msg with the subkey for purpose. */
void sec_key_mac_hex(const struct sec_key *k, enum sec_purpose purpose, const void *msg, size_t n,
                     char out[SEC_HEX256_MAX]);

/* Authenticated encryption of a whole buffer: secretstream header, then messages of at most
 * SEC_CHUNK plaintext bytes each (the last tagged FINAL), key = SEC_PURPOSE_ENCRYPT subkey.
 * Appends to out (which may be arena or heap backed); ERR_TOO_LARGE when out's cap overflows. */
enum err sec_encrypt(const struct sec_key *k, const void *in, size_t n, struct strbuf *out) MUST_CHECK;
/* Appends the plaintext to out. ERR_INVALID on any tampering, truncation, trailing bytes or a
 * wrong key; out is then cut back to its length before the call (partial plaintext wiped). */
enum err sec_decrypt(const struct sec_key *k, const void *in, size_t n, struct strbuf *out) MUST_CHECK;
/* Ciphertext length for n plaintext bytes. */
size_t sec_encrypted_len(size_t n);

#endif
