/* Unit tests for src/sec/totp: RFC 6238 vectors, verification window and replay, malformed
 * codes, secrets, the otpauth URI, the QR code SVG and recovery codes. */
#include "sec/sec.h"
#include "sec/totp.h"

#include <qrencode.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const char rfc_key[] = "12345678901234567890";
static const char rfc_b32[] = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

static int
setup_all(void **state)
{
    (void)state;
    return sec_init() < 0 ? -1 : 0;
}

static void
test_rfc6238_sha1(void **state)
{
    (void)state;
    static const struct {
        int64_t t;
        const char *code;
    } v[] = {
        { 59, "94287082" },         { 1111111109, "07081804" }, { 1111111111, "14050471" },
        { 1234567890, "89005924" }, { 2000000000, "69279037" }, { 20000000000LL, "65353130" },
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        char out[9];
        assert_true(totp_code_raw((const uint8_t *)rfc_key, 20, v[i].t, 8, out));
        assert_string_equal(out, v[i].code);
    }
    /* 6 digits are the last six of the same truncation */
    char out6[7];
    assert_true(totp_code_raw((const uint8_t *)rfc_key, 20, 59, 6, out6));
    assert_string_equal(out6, "287082");
    /* bad arguments */
    char out[9];
    assert_false(totp_code_raw((const uint8_t *)rfc_key, 20, 59, 5, out));
    assert_false(totp_code_raw((const uint8_t *)rfc_key, 20, 59, 9, out));
    assert_false(totp_code_raw((const uint8_t *)rfc_key, 0, 59, 6, out));
    assert_false(totp_code_raw(NULL, 20, 59, 6, out));
    assert_false(totp_code_raw((const uint8_t *)rfc_key, 20, -1, 6, out));
}

static void
test_code_b32(void **state)
{
    (void)state;
    char out[TOTP_DIGITS + 1];
    assert_true(totp_code(rfc_b32, 59, out));
    assert_string_equal(out, "287082");
    assert_true(totp_code(rfc_b32, 1111111109, out));
    assert_string_equal(out, "081804");
    assert_true(totp_code(rfc_b32, 20000000000LL, out));
    assert_string_equal(out, "353130");
    /* the step boundary: 59 and 60 are different steps */
    char next[TOTP_DIGITS + 1];
    assert_true(totp_code(rfc_b32, 60, next));
    assert_string_not_equal(out, next);
    assert_false(totp_code("", 59, out));
    assert_false(totp_code(NULL, 59, out));
    assert_false(totp_code("GEZDGNBVGY3TQOJ1", 59, out)); /* '1' is not base32 */
    assert_false(totp_code("GEZDGNBV========", 59, out));
}

static void
test_verify_window(void **state)
{
    (void)state;
    const int64_t now = 1700000000; /* step 56666666, 20 s into it */
    const int64_t step = now / TOTP_STEP;
    char c[TOTP_DIGITS + 1];
    for (int d = -1; d <= 1; d++) {
        assert_true(totp_code(rfc_b32, now + d * TOTP_STEP, c));
        assert_int_equal(totp_verify(rfc_b32, c, now, 1, 0), step + d);
    }
    /* two steps off: outside window 1, inside window 2 */
    for (int d = -2; d <= 2; d += 4) {
        assert_true(totp_code(rfc_b32, now + d * TOTP_STEP, c));
        assert_int_equal(totp_verify(rfc_b32, c, now, 1, 0), -1);
        assert_int_equal(totp_verify(rfc_b32, c, now, 2, 0), step + d);
    }
    /* window 0: only the current step */
    assert_true(totp_code(rfc_b32, now - TOTP_STEP, c));
    assert_int_equal(totp_verify(rfc_b32, c, now, 0, 0), -1);
    assert_true(totp_code(rfc_b32, now, c));
    assert_int_equal(totp_verify(rfc_b32, c, now, 0, 0), step);
    /* a negative window counts as 0 */
    assert_int_equal(totp_verify(rfc_b32, c, now, -5, 0), step);
    /* wrong secret */
    assert_int_equal(totp_verify("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", c, now, 1, 0), -1);
    assert_int_equal(totp_verify("", c, now, 1, 0), -1);
    assert_int_equal(totp_verify(NULL, c, now, 1, 0), -1);
}

static void
test_verify_replay(void **state)
{
    (void)state;
    const int64_t now = 1700000000, step = now / TOTP_STEP;
    char c[TOTP_DIGITS + 1], prev[TOTP_DIGITS + 1], next[TOTP_DIGITS + 1];
    assert_true(totp_code(rfc_b32, now, c));
    assert_true(totp_code(rfc_b32, now - TOTP_STEP, prev));
    assert_true(totp_code(rfc_b32, now + TOTP_STEP, next));
    int64_t got = totp_verify(rfc_b32, c, now, 1, -1);
    assert_int_equal(got, step);
    /* the same code again (same time or a few seconds later) is refused */
    assert_int_equal(totp_verify(rfc_b32, c, now, 1, got), -1);
    assert_int_equal(totp_verify(rfc_b32, c, now + 5, 1, got), -1);
    /* so is an older code still inside the window */
    assert_int_equal(totp_verify(rfc_b32, prev, now, 1, got), -1);
    /* the next step's code works once */
    int64_t got2 = totp_verify(rfc_b32, next, now + TOTP_STEP, 1, got);
    assert_int_equal(got2, step + 1);
    assert_int_equal(totp_verify(rfc_b32, next, now + TOTP_STEP, 1, got2), -1);
    /* last_step in the future refuses everything up to it */
    assert_int_equal(totp_verify(rfc_b32, c, now, 1, step + 5), -1);
}

static void
test_verify_malformed(void **state)
{
    (void)state;
    const int64_t now = 1700000000, step = now / TOTP_STEP;
    char c[TOTP_DIGITS + 1], spaced[16], buf[32];
    assert_true(totp_code(rfc_b32, now, c));
    /* spaces inside and around are fine */
    snprintf(spaced, sizeof(spaced), "%.3s %.3s", c, c + 3);
    assert_int_equal(totp_verify(rfc_b32, spaced, now, 1, 0), step);
    snprintf(spaced, sizeof(spaced), " %.2s %.2s %.2s ", c, c + 2, c + 4);
    assert_int_equal(totp_verify(rfc_b32, spaced, now, 1, 0), step);
    /* wrong length, with the right code as prefix or suffix */
    snprintf(buf, sizeof(buf), "%s0", c);
    assert_int_equal(totp_verify(rfc_b32, buf, now, 1, 0), -1);
    snprintf(buf, sizeof(buf), "0%s", c);
    assert_int_equal(totp_verify(rfc_b32, buf, now, 1, 0), -1);
    assert_int_equal(totp_verify(rfc_b32, c + 1, now, 1, 0), -1);
    /* non-digits */
    snprintf(buf, sizeof(buf), "%.5sa", c);
    assert_int_equal(totp_verify(rfc_b32, buf, now, 1, 0), -1);
    snprintf(buf, sizeof(buf), "%.3s-%.3s", c, c + 3);
    assert_int_equal(totp_verify(rfc_b32, buf, now, 1, 0), -1);
    snprintf(buf, sizeof(buf), "+%.5s", c + 1);
    assert_int_equal(totp_verify(rfc_b32, buf, now, 1, 0), -1);
    assert_int_equal(totp_verify(rfc_b32, "", now, 1, 0), -1);
    assert_int_equal(totp_verify(rfc_b32, "      ", now, 1, 0), -1);
    assert_int_equal(totp_verify(rfc_b32, NULL, now, 1, 0), -1);
    assert_int_equal(totp_verify(rfc_b32, "１２３４５６", now, 1, 0), -1);
    /* negative time */
    assert_int_equal(totp_verify(rfc_b32, c, -30, 1, -1), -1);
}

static void
test_secret_new(void **state)
{
    (void)state;
    char a[TOTP_SECRET_B32], b[TOTP_SECRET_B32];
    totp_secret_new(a);
    totp_secret_new(b);
    assert_int_equal(strlen(a), 32);
    assert_int_equal(strlen(b), 32);
    assert_string_not_equal(a, b);
    for (int i = 0; i < 32; i++)
        assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", a[i]));
    /* usable: a code of it verifies */
    char c[TOTP_DIGITS + 1];
    assert_true(totp_code(a, 1700000000, c));
    assert_int_equal(totp_verify(a, c, 1700000000, 1, 0), 1700000000 / TOTP_STEP);
    /* the whole alphabet shows up over a few secrets (not stuck bits) */
    char seen[256] = { 0 };
    for (int k = 0; k < 20; k++) {
        totp_secret_new(a);
        for (int i = 0; i < 32; i++)
            seen[(unsigned char)a[i]] = 1;
    }
    for (const char *p = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"; *p; p++)
        assert_true(seen[(unsigned char)*p]);
}

static void
test_uri(void **state)
{
    (void)state;
    char *u = totp_uri("窓口 区役所", "山田 太郎+a@example.jp", rfc_b32);
    assert_non_null(u);
    assert_string_equal(u, "otpauth://totp/%E7%AA%93%E5%8F%A3%20%E5%8C%BA%E5%BD%B9%E6%89%80:"
                           "%E5%B1%B1%E7%94%B0%20%E5%A4%AA%E9%83%8E%2Ba%40example.jp"
                           "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                           "&issuer=%E7%AA%93%E5%8F%A3%20%E5%8C%BA%E5%BD%B9%E6%89%80"
                           "&algorithm=SHA1&digits=6&period=30");
    free(u);
    /* a colon or ampersand in the issuer cannot break the label or the query */
    u = totp_uri("A:B&C", "x.y_z-~", rfc_b32);
    assert_non_null(u);
    assert_string_equal(u, "otpauth://totp/A%3AB%26C:x.y_z-~?secret=" "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                           "&issuer=A%3AB%26C&algorithm=SHA1&digits=6&period=30");
    free(u);
    assert_null(totp_uri("x", "y", "not base32"));
    assert_null(totp_uri("x", "y", ""));
    assert_null(totp_uri(NULL, "y", rfc_b32));
    assert_null(totp_uri("x", NULL, rfc_b32));
    assert_null(totp_uri("x", "", rfc_b32));
}

static int
count_of(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void
test_qr_svg(void **state)
{
    (void)state;
    char *uri = totp_uri("窓口", "yamada@example.jp", rfc_b32);
    assert_non_null(uri);
    char *svg = qr_svg(uri);
    assert_non_null(svg);
    assert_true(strncmp(svg, "<svg", 4) == 0);
    assert_non_null(strstr(svg, "xmlns=\"http://www.w3.org/2000/svg\""));
    assert_non_null(strstr(svg, "shape-rendering=\"crispEdges\""));
    assert_int_equal(count_of(svg, "<path"), 1);
    assert_int_equal(count_of(svg, "<rect"), 1);
    assert_null(strstr(svg, "<script"));
    assert_null(strstr(svg, "href"));
    assert_null(strstr(svg, "px"));
    assert_null(strstr(svg, "otpauth")); /* the secret is not in the document as text */
    assert_null(strstr(svg, rfc_b32));
    assert_non_null(strstr(svg, "</svg>"));

    QRcode *qr = QRcode_encodeString(uri, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    assert_non_null(qr);
    int side = -1, side2 = -1;
    const char *vb = strstr(svg, "viewBox=\"");
    assert_non_null(vb);
    assert_int_equal(sscanf(vb, "viewBox=\"0 0 %d %d\"", &side, &side2), 2);
    assert_int_equal(side, qr->width + 8);
    assert_int_equal(side2, qr->width + 8);

    /* the path's runs cover exactly the dark modules, offset by the quiet zone */
    int dark = 0;
    for (int i = 0; i < qr->width * qr->width; i++)
        dark += qr->data[i] & 1;
    unsigned char *grid = calloc((size_t)side * (size_t)side, 1);
    assert_non_null(grid);
    const char *d = strstr(svg, " d=\"");
    assert_non_null(d);
    d += 4;
    int covered = 0;
    while (*d == 'M') {
        int x, y, w, w2, used = 0;
        assert_int_equal(sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &w, &w2, &used), 4);
        assert_int_equal(w, w2);
        assert_true(x >= 4 && y >= 4 && x + w <= side - 4 && y < side - 4);
        for (int i = 0; i < w; i++) {
            int qx = x - 4 + i, qy = y - 4;
            assert_true(qr->data[qy * qr->width + qx] & 1);
            assert_false(grid[y * side + x + i]);
            grid[y * side + x + i] = 1;
            covered++;
        }
        d += used;
    }
    assert_int_equal(*d, '"');
    assert_int_equal(covered, dark);
    free(grid);
    QRcode_free(qr);
    free(svg);
    free(uri);

    assert_null(qr_svg(""));
    assert_null(qr_svg(NULL));
}

static bool
in_alphabet(char c)
{
    return c && strchr("23456789abcdefghjkmnpqrstuvwxyz", c) != NULL;
}

static void
test_recovery_code_format(void **state)
{
    (void)state;
    char seen[256] = { 0 };
    char prev[RECOVERY_CODE_MAX] = "";
    for (int k = 0; k < 200; k++) {
        char c[RECOVERY_CODE_MAX];
        recovery_code_new(c);
        assert_int_equal(strlen(c), 14);
        assert_int_equal(c[4], '-');
        assert_int_equal(c[9], '-');
        for (int i = 0; i < 14; i++) {
            if (i == 4 || i == 9)
                continue;
            assert_true(in_alphabet(c[i]));
            assert_null(strchr("0o1li", c[i]));
            seen[(unsigned char)c[i]] = 1;
        }
        assert_string_not_equal(c, prev);
        strcpy(prev, c);
    }
    /* 2400 draws from 31 symbols: every symbol appears */
    for (const char *p = "23456789abcdefghjkmnpqrstuvwxyz"; *p; p++)
        assert_true(seen[(unsigned char)*p]);
}

static struct sec_key *
key_of(uint8_t fill)
{
    uint8_t raw[SEC_KEY_BYTES];
    memset(raw, fill, sizeof(raw));
    struct sec_key *k = NULL;
    assert_int_equal(sec_key_from_bytes(raw, &k), ERR_OK);
    return k;
}

static void
test_recovery_code_hash(void **state)
{
    (void)state;
    struct sec_key *k1 = key_of(1), *k2 = key_of(2);
    char h[65], h2[65];
    assert_true(recovery_code_hash(k1, "abcd-efgh-jkmn", h));
    assert_int_equal(strlen(h), 64);
    for (int i = 0; i < 64; i++)
        assert_non_null(strchr("0123456789abcdef", h[i]));
    /* stable, and normalised: case, spaces, hyphens, surrounding blanks */
    static const char *same[] = {
        "abcd-efgh-jkmn", "ABCD efgh-jkmn", "abcdefghjkmn", "  ABCD-EFGH-JKMN\n",
        "ab cd-ef gh-jk mn", "ＡＢＣＤ－ｅｆｇｈ　ｊｋｍｎ", /* full-width, as an IME types it */
    };
    for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
        assert_true(recovery_code_hash(k1, same[i], h2));
        assert_string_equal(h, h2);
    }
    /* another code, another key */
    assert_true(recovery_code_hash(k1, "abcd-efgh-jkmp", h2));
    assert_string_not_equal(h, h2);
    assert_true(recovery_code_hash(k2, "abcd-efgh-jkmn", h2));
    assert_string_not_equal(h, h2);
    /* refused: wrong length, look-alikes, other characters */
    static const char *bad[] = {
        "",          "   ",           "abcd-efgh-jkm", "abcd-efgh-jkmnp", "abcd-efgh-jkm0",
        "abcd-efgh-jkmo", "abcd-efgh-jkm1", "abcd-efgh-jkml", "abcd-efgh-jkmi", "abcd_efgh_jkmn",
        "abcd.efgh.jkmn", "abcd-efgh-jkmé", "abcd-efgh-jkmあ", "ａｂｃｄ－ｅｆｇｈ－ｊｋｍ０",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(recovery_code_hash(k1, bad[i], h2));
    assert_false(recovery_code_hash(k1, NULL, h2));
    assert_false(recovery_code_hash(NULL, "abcd-efgh-jkmn", h2));
    /* a long input does not overrun */
    char longc[300];
    memset(longc, 'a', sizeof(longc) - 1);
    longc[sizeof(longc) - 1] = '\0';
    assert_false(recovery_code_hash(k1, longc, h2));
    /* a fresh code round-trips */
    char c[RECOVERY_CODE_MAX];
    recovery_code_new(c);
    assert_true(recovery_code_hash(k1, c, h));
    sec_key_free(k1);
    sec_key_free(k2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc6238_sha1),
        cmocka_unit_test(test_code_b32),
        cmocka_unit_test(test_verify_window),
        cmocka_unit_test(test_verify_replay),
        cmocka_unit_test(test_verify_malformed),
        cmocka_unit_test(test_secret_new),
        cmocka_unit_test(test_uri),
        cmocka_unit_test(test_qr_svg),
        cmocka_unit_test(test_recovery_code_format),
        cmocka_unit_test(test_recovery_code_hash),
    };
    return cmocka_run_group_tests(tests, setup_all, NULL);
}
