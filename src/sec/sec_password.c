/* sec_password: argon2id password hashes and API tokens. */
#include "sec/sec.h"

#include "core/log.h"

#include <sodium.h>
#include <string.h>

/* Written once at start (or by tests before any hashing), read by every thread. */
static unsigned long long pw_ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
static size_t pw_mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;

void
sec_set_pwhash_limits(unsigned long long opslimit, size_t memlimit)
{
    pw_ops = opslimit < crypto_pwhash_argon2id_OPSLIMIT_MIN ? crypto_pwhash_argon2id_OPSLIMIT_MIN
                                                            : opslimit;
    pw_mem = memlimit < crypto_pwhash_argon2id_MEMLIMIT_MIN ? crypto_pwhash_argon2id_MEMLIMIT_MIN
                                                            : memlimit;
}

enum err
sec_password_hash(const char *pw, size_t n, char out[SEC_PWHASH_MAX])
{
    out[0] = '\0';
    if (crypto_pwhash_str_alg(out, pw, n, pw_ops, pw_mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        log_error("sec: crypto_pwhash_str failed (out of memory?)");
        return ERR_INTERNAL;
    }
    return ERR_OK;
}

/* The stored hash comes from the database: make sure it is a terminated string of sane
 * length before libsodium parses it. */
static bool
hash_plausible(const char *hash)
{
    if (!hash)
        return false;
    size_t len = strnlen(hash, SEC_PWHASH_MAX);
    return len > 0 && len < SEC_PWHASH_MAX;
}

bool
sec_password_verify(const char *hash, const char *pw, size_t n)
{
    if (!hash_plausible(hash))
        return false;
    return crypto_pwhash_str_verify(hash, pw, n) == 0;
}

bool
sec_password_needs_rehash(const char *hash)
{
    if (!hash_plausible(hash))
        return true;
    return crypto_pwhash_str_needs_rehash(hash, pw_ops, pw_mem) != 0;
}

void
sec_token_new(char out[SEC_TOKEN_MAX])
{
    uint8_t raw[32];
    /* never a leading '-': command-line tools (cli-kintone's yargs) read "--api-token -x..."
     * as an option and refuse the token (1 in 64 tokens did) */
    do {
        randombytes_buf(raw, sizeof(raw));
        sodium_bin2base64(out, SEC_TOKEN_MAX, raw, sizeof(raw),
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    } while (out[0] == '-');
    sodium_memzero(raw, sizeof(raw));
}

void
sec_token_hash(const char *token, size_t n, char out[SEC_HEX256_MAX])
{
    uint8_t h[32];
    crypto_generichash(h, sizeof(h), (const unsigned char *)token, n, NULL, 0);
    sodium_bin2hex(out, SEC_HEX256_MAX, h, sizeof(h));
}
