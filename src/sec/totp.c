/* TOTP codes, enrolment URI and QR code, recovery codes; see totp.h for the contract. */
#include "totp.h"

#include "core/strbuf.h"
#include "sec.h"

#include <liboath/oath.h>
#include <pthread.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

/* Longest decoded key accepted; ours are 20 bytes, the bound only stops absurd input. */
#define TOTP_KEY_MAX 128
/* Verification never looks further than this many steps either way, whatever the caller asks. */
#define TOTP_WINDOW_MAX 10

static const char recovery_alphabet[] = "23456789abcdefghjkmnpqrstuvwxyz";
#define RECOVERY_ALPHABET_LEN (sizeof(recovery_alphabet) - 1)
#define RECOVERY_CHARS 12

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static bool oath_ready;

static void
oath_init_once(void)
{
    oath_ready = oath_init() == OATH_OK;
}

static bool
oath_up(void)
{
    pthread_once(&oath_once, oath_init_once);
    return oath_ready;
}

void
totp_secret_new(char out[TOTP_SECRET_B32])
{
    uint8_t key[TOTP_SECRET_BYTES];
    char *b32 = NULL;
    size_t n = 0;
    sec_random(key, sizeof(key));
    /* 20 bytes are a whole number of 5-byte groups: exactly 32 characters, never padding. */
    if (!oath_up() || oath_base32_encode((const char *)key, sizeof(key), &b32, &n) != OATH_OK ||
        n != TOTP_SECRET_B32 - 1) {
        /* Only on out of memory; an empty secret makes every later call fail closed. */
        out[0] = '\0';
        goto done;
    }
    memcpy(out, b32, n);
    out[n] = '\0';
done:
    if (b32) {
        sec_wipe(b32, n);
        free(b32);
    }
    sec_wipe(key, sizeof(key));
}

bool
totp_code_raw(const uint8_t *key, size_t keylen, int64_t now, int digits, char *out)
{
    if (!key || !keylen || keylen > TOTP_KEY_MAX || now < 0 || digits < 6 || digits > 8 || !out ||
        !oath_up())
        return false;
    return oath_totp_generate((const char *)key, keylen, (time_t)now, TOTP_STEP, 0,
                              (unsigned)digits, out) == OATH_OK;
}

/* Decodes secret_b32 into a malloc'd key (caller wipes and frees); NULL if malformed. */
static uint8_t *
key_decode(const char *secret_b32, size_t *keylen)
{
    if (!secret_b32 || !*secret_b32 || !oath_up())
        return NULL;
    size_t len = strnlen(secret_b32, TOTP_KEY_MAX * 2);
    char *key = NULL;
    if (len >= TOTP_KEY_MAX * 2 || oath_base32_decode(secret_b32, len, &key, keylen) != OATH_OK)
        return NULL;
    if (!key || !*keylen || *keylen > TOTP_KEY_MAX) {
        if (key) {
            sec_wipe(key, *keylen);
            free(key);
        }
        return NULL;
    }
    return (uint8_t *)key;
}

static void
key_release(uint8_t *key, size_t keylen)
{
    sec_wipe(key, keylen);
    free(key);
}

bool
totp_code(const char *secret_b32, int64_t now, char out[TOTP_DIGITS + 1])
{
    size_t keylen = 0;
    uint8_t *key = key_decode(secret_b32, &keylen);
    if (!key)
        return false;
    bool ok = totp_code_raw(key, keylen, now, TOTP_DIGITS, out);
    key_release(key, keylen);
    return ok;
}

/* Exactly TOTP_DIGITS ASCII digits, spaces and tabs anywhere ignored. */
static bool
code_normalise(const char *code, char out[TOTP_DIGITS + 1])
{
    size_t n = 0;
    if (!code)
        return false;
    for (size_t i = 0; code[i]; i++) {
        char c = code[i];
        if (c == ' ' || c == '\t')
            continue;
        if (c < '0' || c > '9' || n == TOTP_DIGITS)
            return false;
        out[n++] = c;
    }
    out[n] = '\0';
    return n == TOTP_DIGITS;
}

int64_t
totp_verify(const char *secret_b32, const char *code, int64_t now, int window, int64_t last_step)
{
    char want[TOTP_DIGITS + 1];
    if (now < 0 || !code_normalise(code, want))
        return -1;
    if (window < 0)
        window = 0;
    if (window > TOTP_WINDOW_MAX)
        window = TOTP_WINDOW_MAX;
    size_t keylen = 0;
    uint8_t *key = key_decode(secret_b32, &keylen);
    if (!key)
        return -1;
    int64_t step = now / TOTP_STEP, found = -1;
    /* Every step of the window is computed and compared in constant time, so timing says
     * nothing about which step (if any) matched. The highest matching step wins: recording it
     * as last_step refuses the most codes afterwards. */
    for (int64_t s = step - window; s <= step + window; s++) {
        char got[TOTP_DIGITS + 1];
        if (s < 0 || s <= last_step)
            continue;
        if (!totp_code_raw(key, keylen, s * TOTP_STEP, TOTP_DIGITS, got))
            continue;
        if (sec_equal(got, want, TOTP_DIGITS))
            found = s;
        sec_wipe(got, sizeof(got));
    }
    key_release(key, keylen);
    sec_wipe(want, sizeof(want));
    return found;
}

/* RFC 3986 unreserved characters stay, every other byte becomes %XX (UTF-8 stays intact). */
static void
add_percent_encoded(struct strbuf *sb, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            strbuf_addc(sb, (char)c);
        } else {
            char e[3] = { '%', hex[c >> 4], hex[c & 15] };
            strbuf_add(sb, e, 3);
        }
    }
}

static bool
is_base32(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= '2' && *s <= '7')))
            return false;
    return true;
}

char *
totp_uri(const char *issuer, const char *login, const char *secret_b32)
{
    if (!issuer || !login || !*login || !secret_b32 || !is_base32(secret_b32))
        return NULL;
    struct strbuf sb;
    strbuf_init(&sb, NULL, 16384);
    strbuf_adds(&sb, "otpauth://totp/");
    if (*issuer) {
        add_percent_encoded(&sb, issuer);
        strbuf_addc(&sb, ':');
    }
    add_percent_encoded(&sb, login);
    strbuf_adds(&sb, "?secret=");
    strbuf_adds(&sb, secret_b32);
    if (*issuer) {
        strbuf_adds(&sb, "&issuer=");
        add_percent_encoded(&sb, issuer);
    }
    strbuf_addf(&sb, "&algorithm=SHA1&digits=%d&period=%d", TOTP_DIGITS, TOTP_STEP);
    if (!strbuf_ok(&sb)) {
        strbuf_release(&sb);
        return NULL;
    }
    return sb.buf;
}

char *
qr_svg(const char *text)
{
    if (!text || !*text)
        return NULL;
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr)
        return NULL;
    const int w = qr->width, quiet = 4, side = w + 2 * quiet;
    struct strbuf sb;
    strbuf_init(&sb, NULL, 4 << 20);
    /* No width/height: the page sizes it with CSS. crispEdges keeps modules from blurring. */
    strbuf_addf(&sb,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                "shape-rendering=\"crispEdges\">"
                "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
                side, side, side, side);
    /* One rectangle per horizontal run of dark modules keeps the path small. */
    for (int y = 0; y < w; y++) {
        const unsigned char *row = qr->data + (size_t)y * (size_t)w;
        for (int x = 0; x < w;) {
            if (!(row[x] & 1)) {
                x++;
                continue;
            }
            int run = 1;
            while (x + run < w && (row[x + run] & 1))
                run++;
            strbuf_addf(&sb, "M%d %dh%dv1h-%dz", x + quiet, y + quiet, run, run);
            x += run;
        }
    }
    strbuf_adds(&sb, "\"/></svg>\n");
    QRcode_free(qr);
    if (!strbuf_ok(&sb)) {
        strbuf_release(&sb);
        return NULL;
    }
    return sb.buf;
}

void
recovery_code_new(char out[RECOVERY_CODE_MAX])
{
    size_t n = 0, o = 0;
    /* Rejection sampling: bytes >= 248 (= 8 * 31) would bias the first symbols. */
    while (n < RECOVERY_CHARS) {
        uint8_t buf[32];
        sec_random(buf, sizeof(buf));
        for (size_t i = 0; i < sizeof(buf) && n < RECOVERY_CHARS; i++) {
            if (buf[i] >= 256 - 256 % RECOVERY_ALPHABET_LEN)
                continue;
            if (n && n % 4 == 0)
                out[o++] = '-';
            out[o++] = recovery_alphabet[buf[i] % RECOVERY_ALPHABET_LEN];
            n++;
        }
        sec_wipe(buf, sizeof(buf));
    }
    out[o] = '\0';
}

/* Full-width forms and Unicode dashes a Japanese IME produces for "ABCD-1234": maps the 3-byte
 * UTF-8 sequence at p to its ASCII equivalent, 0 when it is not one of them. */
static char
fullwidth_ascii(const unsigned char *p)
{
    unsigned cp;
    if ((p[0] & 0xF0) != 0xE0 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
        return 0;
    cp = ((unsigned)(p[0] & 0x0F) << 12) | ((unsigned)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    if (cp >= 0xFF01 && cp <= 0xFF5E) /* FULLWIDTH ! .. ~ */
        return (char)(cp - 0xFF01 + '!');
    if (cp == 0x3000) /* IDEOGRAPHIC SPACE */
        return ' ';
    if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0x30FC) /* dashes, minus, ー */
        return '-';
    return 0;
}

bool
recovery_code_hash(const struct sec_key *k, const char *code, char out[65])
{
    char norm[RECOVERY_CHARS];
    size_t n = 0;
    bool ok = false;
    if (!k || !code)
        return false;
    for (const unsigned char *p = (const unsigned char *)code; *p;) {
        char c = (char)*p;
        if (*p >= 0x80) {
            c = fullwidth_ascii(p);
            if (!c)
                goto done;
            p += 3;
        } else {
            p++;
        }
        if (c == ' ' || c == '-' || c == '\t' || c == '\r' || c == '\n')
            continue;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (!memchr(recovery_alphabet, c, RECOVERY_ALPHABET_LEN) || n == RECOVERY_CHARS)
            goto done;
        norm[n++] = c;
    }
    if (n != RECOVERY_CHARS)
        goto done;
    sec_key_mac_hex(k, SEC_PURPOSE_RECOVERY, norm, n, out);
    ok = true;
done:
    sec_wipe(norm, sizeof(norm));
    return ok;
}
