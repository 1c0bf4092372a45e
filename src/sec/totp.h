/* totp: RFC 6238 time-based one-time passwords (HMAC-SHA1, 30 s steps, 6 digits — what every
 * authenticator app speaks) computed with liboath; the otpauth:// enrolment URI and its QR code
 * as SVG (libqrencode); and one-time recovery codes (shown once, stored only as keyed hashes).
 * Secrets travel as base32 (RFC 4648, upper case, no padding). Layer: core/ and libs only. */
#ifndef MADO_TOTP_H
#define MADO_TOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TOTP_SECRET_BYTES 20 /* 160-bit key, RFC 4226 recommendation */
#define TOTP_SECRET_B32 33   /* 32 base32 chars + NUL */
#define TOTP_STEP 30
#define TOTP_DIGITS 6
#define RECOVERY_CODE_MAX 16 /* "xxxx-xxxx-xxxx" + NUL */
#define RECOVERY_CODES 10

/* A fresh random secret in base32. */
void totp_secret_new(char out[TOTP_SECRET_B32]);

/* The code for unix time now (digits 6..8) of a raw key; false on error. out: digits + NUL. */
bool totp_code_raw(const uint8_t *key, size_t keylen, int64_t now, int digits, char *out);
/* The 6-digit code of a base32 secret at time now. */
bool totp_code(const char *secret_b32, int64_t now, char out[TOTP_DIGITS + 1]);

/* Checks a 6-digit code against secret_b32 at time now, accepting steps now-window..now+window.
 * Codes of steps <= last_step are refused (a code works once). Input may contain spaces.
 * Returns the matched step number (unix time / 30), or -1. */
int64_t totp_verify(const char *secret_b32, const char *code, int64_t now, int window,
                    int64_t last_step);

/* otpauth://totp/<issuer>:<login>?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30,
 * percent-encoded (UTF-8 labels allowed). malloc'd; NULL on failure. */
char *totp_uri(const char *issuer, const char *login, const char *secret_b32);

/* QR code (error correction M) of text as a standalone SVG document: one <path> of dark
 * modules with a 4-module quiet zone, viewBox in modules, no script, no external reference.
 * malloc'd; NULL on failure. */
char *qr_svg(const char *text);

/* A fresh recovery code "xxxx-xxxx-xxxx" (12 chars of an alphabet without look-alikes:
 * the 31 symbols 23456789abcdefghjkmnpqrstuvwxyz, i.e. no 0 o 1 l i). */
void recovery_code_new(char out[RECOVERY_CODE_MAX]);
/* What is stored for a code: sec_key_mac_hex(k, SEC_PURPOSE_RECOVERY, ...) of the normalised
 * code (spaces and hyphens removed, lower case; full-width forms as typed with a Japanese IME
 * count as their ASCII letters), so a stolen database alone does not reveal codes. false unless
 * exactly 12 symbols of the alphabet remain (empty, too short, too long, other characters). */
struct sec_key;
bool recovery_code_hash(const struct sec_key *k, const char *code, char out[65]);

#endif
