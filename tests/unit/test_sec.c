/* Unit tests for src/sec: passwords, tokens, MACs, the master key file and buffer encryption
 * (round trips at chunk boundaries, and every kind of tampering must fail). */
#include "core/strbuf.h"
#include "sec/sec.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static char tmpdir[64];

static int
setup_all(void **state)
{
    (void)state;
    if (sec_init() < 0)
        return -1;
    sec_set_pwhash_limits(1, 8192); /* fast hashes in tests */
    strcpy(tmpdir, "/tmp/mado-test-sec-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int
teardown_all(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
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

static bool
is_hex(const char *s, size_t n)
{
    if (strlen(s) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789abcdef", s[i]))
            return false;
    return true;
}

static void
test_init_idempotent(void **state)
{
    (void)state;
    assert_int_equal(sec_init(), 0);
    assert_int_equal(sec_init(), 0);
}

static void
test_password(void **state)
{
    (void)state;
    char h[SEC_PWHASH_MAX], h2[SEC_PWHASH_MAX];
    const char *pw = "pässwörd-パスワード";
    assert_int_equal(sec_password_hash(pw, strlen(pw), h), ERR_OK);
    assert_true(strncmp(h, "$argon2id$", 10) == 0);
    assert_true(sec_password_verify(h, pw, strlen(pw)));
    assert_false(sec_password_verify(h, pw, strlen(pw) - 1));
    assert_false(sec_password_verify(h, "password", 8));
    /* salted: same password, different hash, both verify */
    assert_int_equal(sec_password_hash(pw, strlen(pw), h2), ERR_OK);
    assert_string_not_equal(h, h2);
    assert_true(sec_password_verify(h2, pw, strlen(pw)));
    /* embedded NUL is part of the password */
    assert_int_equal(sec_password_hash("a\0b", 3, h2), ERR_OK);
    assert_true(sec_password_verify(h2, "a\0b", 3));
    assert_false(sec_password_verify(h2, "a", 1));
    /* garbage hashes */
    assert_false(sec_password_verify("", "", 0));
    assert_false(sec_password_verify(NULL, "x", 1));
    assert_false(sec_password_verify("$argon2id$v=19$m=8,t=1,p=1$xx$yy", "x", 1));
    char longh[300];
    memset(longh, 'a', sizeof(longh) - 1);
    longh[sizeof(longh) - 1] = '\0';
    assert_false(sec_password_verify(longh, "x", 1));
    /* empty password still hashes and verifies */
    assert_int_equal(sec_password_hash("", 0, h2), ERR_OK);
    assert_true(sec_password_verify(h2, "", 0));
    assert_false(sec_password_verify(h2, " ", 1));
}

static void
test_password_rehash(void **state)
{
    (void)state;
    char h[SEC_PWHASH_MAX];
    assert_int_equal(sec_password_hash("x", 1, h), ERR_OK);
    assert_false(sec_password_needs_rehash(h));
    sec_set_pwhash_limits(2, 16384);
    assert_true(sec_password_needs_rehash(h));
    assert_true(sec_password_verify(h, "x", 1)); /* old hashes keep working */
    sec_set_pwhash_limits(1, 8192);
    assert_true(sec_password_needs_rehash("garbage"));
}

static void
test_token(void **state)
{
    (void)state;
    char a[SEC_TOKEN_MAX], b[SEC_TOKEN_MAX];
    sec_token_new(a);
    sec_token_new(b);
    assert_int_equal(strlen(a), 43);
    assert_string_not_equal(a, b);
    for (size_t i = 0; i < 43; i++)
        assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", a[i]));
    /* never a leading '-' (an option to command-line tools): 1 in 64 would have one */
    for (int i = 0; i < 2000; i++) {
        char t[SEC_TOKEN_MAX];
        sec_token_new(t);
        assert_true(t[0] != '-');
    }
    char ha[SEC_HEX256_MAX], ha2[SEC_HEX256_MAX], hb[SEC_HEX256_MAX];
    sec_token_hash(a, strlen(a), ha);
    sec_token_hash(a, strlen(a), ha2);
    sec_token_hash(b, strlen(b), hb);
    assert_true(is_hex(ha, 64));
    assert_string_equal(ha, ha2);
    assert_string_not_equal(ha, hb);
    /* BLAKE2b-256 test vector of the empty message */
    sec_token_hash("", 0, ha);
    assert_string_equal(ha, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
}

static void
test_mac(void **state)
{
    (void)state;
    char m1[SEC_HEX256_MAX], m2[SEC_HEX256_MAX], t[SEC_HEX256_MAX];
    sec_mac_hex("user:pw", 7, m1);
    sec_mac_hex("user:pw", 7, m2);
    sec_token_hash("user:pw", 7, t);
    assert_true(is_hex(m1, 64));
    assert_string_equal(m1, m2);
    assert_string_not_equal(m1, t); /* keyed, so not the plain hash */
    uint8_t key[SEC_KEY_BYTES];
    memset(key, 7, sizeof(key));
    sec_mac_key_init(key);
    sec_mac_hex("user:pw", 7, m2);
    assert_string_not_equal(m1, m2);
    char m3[SEC_HEX256_MAX];
    sec_mac_key_init(key);
    sec_mac_hex("user:pw", 7, m3);
    assert_string_equal(m2, m3); /* same key, same MAC: processes can agree */
}

static void
test_equal_random(void **state)
{
    (void)state;
    assert_true(sec_equal("abc", "abc", 3));
    assert_false(sec_equal("abc", "abd", 3));
    assert_true(sec_equal("", "x", 0));
    char hex[2 * 100 + 1];
    memset(hex, 'Z', sizeof(hex));
    sec_random_hex(hex, 100);
    assert_true(is_hex(hex, 200));
    char h2[33];
    sec_random_hex(h2, 16);
    assert_true(is_hex(h2, 32));
    uint8_t r1[32] = { 0 }, r2[32] = { 0 }, z[32] = { 0 };
    sec_random(r1, sizeof(r1));
    sec_random(r2, sizeof(r2));
    assert_false(sec_equal(r1, r2, 32));
    assert_false(sec_equal(r1, z, 32));
    uint8_t w[8];
    memset(w, 0xaa, sizeof(w));
    sec_wipe(w, sizeof(w));
    assert_memory_equal(w, z, sizeof(w));
}

static void
test_derive(void **state)
{
    (void)state;
    struct sec_key *k1 = key_of(1), *k2 = key_of(2);
    uint8_t a[SEC_KEY_BYTES], b[SEC_KEY_BYTES], c[SEC_KEY_BYTES];
    sec_key_derive(k1, SEC_PURPOSE_ENCRYPT, a);
    sec_key_derive(k1, SEC_PURPOSE_ADDRESS, b);
    sec_key_derive(k2, SEC_PURPOSE_ENCRYPT, c);
    assert_memory_not_equal(a, b, SEC_KEY_BYTES);
    assert_memory_not_equal(a, c, SEC_KEY_BYTES);
    char m1[SEC_HEX256_MAX], m2[SEC_HEX256_MAX], m3[SEC_HEX256_MAX], m4[SEC_HEX256_MAX];
    sec_key_mac_hex(k1, SEC_PURPOSE_ADDRESS, "data", 4, m1);
    sec_key_mac_hex(k1, SEC_PURPOSE_ADDRESS, "data", 4, m2);
    sec_key_mac_hex(k2, SEC_PURPOSE_ADDRESS, "data", 4, m3);
    sec_key_mac_hex(k1, SEC_PURPOSE_COOKIE, "data", 4, m4);
    assert_string_equal(m1, m2);
    assert_string_not_equal(m1, m3);
    assert_string_not_equal(m1, m4);
    sec_key_free(k1);
    sec_key_free(k2);
    sec_key_free(NULL);
}

static void
roundtrip(const struct sec_key *k, size_t n)
{
    uint8_t *p = malloc(n + 1);
    sec_random(p, n);
    struct strbuf c, d;
    strbuf_init(&c, NULL, 0);
    strbuf_init(&d, NULL, 0);
    assert_int_equal(sec_encrypt(k, p, n, &c), ERR_OK);
    assert_int_equal(c.len, sec_encrypted_len(n));
    assert_int_equal(sec_decrypt(k, c.buf, c.len, &d), ERR_OK);
    assert_int_equal(d.len, n);
    if (n)
        assert_memory_equal(d.buf, p, n);
    strbuf_release(&c);
    strbuf_release(&d);
    free(p);
}

static void
test_encrypt_roundtrip(void **state)
{
    (void)state;
    struct sec_key *k = key_of(3);
    size_t sizes[] = { 0, 1, 100, SEC_CHUNK - 1, SEC_CHUNK, SEC_CHUNK + 1, 2 * SEC_CHUNK, 200000 };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        roundtrip(k, sizes[i]);
    /* randomised nonce: same plaintext, different ciphertext */
    struct strbuf a, b;
    strbuf_init(&a, NULL, 0);
    strbuf_init(&b, NULL, 0);
    assert_int_equal(sec_encrypt(k, "hello", 5, &a), ERR_OK);
    assert_int_equal(sec_encrypt(k, "hello", 5, &b), ERR_OK);
    assert_int_equal(a.len, b.len);
    assert_memory_not_equal(a.buf, b.buf, a.len);
    assert_null(memmem(a.buf, a.len, "hello", 5));
    strbuf_release(&a);
    strbuf_release(&b);
    sec_key_free(k);
}

/* Appending: encryption and decryption add to what is already in out. */
static void
test_encrypt_appends(void **state)
{
    (void)state;
    struct sec_key *k = key_of(3);
    struct strbuf c, d;
    strbuf_init(&c, NULL, 0);
    strbuf_init(&d, NULL, 0);
    strbuf_adds(&c, "PFX");
    strbuf_adds(&d, "out:");
    assert_int_equal(sec_encrypt(k, "abc", 3, &c), ERR_OK);
    assert_int_equal(sec_decrypt(k, c.buf + 3, c.len - 3, &d), ERR_OK);
    assert_string_equal(d.buf, "out:abc");
    strbuf_release(&c);
    strbuf_release(&d);
    sec_key_free(k);
}

static void
expect_fail(const struct sec_key *k, const void *c, size_t n)
{
    struct strbuf d;
    strbuf_init(&d, NULL, 0);
    strbuf_adds(&d, "keep");
    assert_int_equal(sec_decrypt(k, c, n, &d), ERR_INVALID);
    assert_string_equal(d.buf, "keep");
    assert_int_equal(d.len, 4);
    strbuf_release(&d);
}

static void
test_tamper(void **state)
{
    (void)state;
    struct sec_key *k = key_of(4), *other = key_of(5);
    size_t n = 2 * SEC_CHUNK + 10;
    uint8_t *p = malloc(n);
    sec_random(p, n);
    struct strbuf c;
    strbuf_init(&c, NULL, 0);
    assert_int_equal(sec_encrypt(k, p, n, &c), ERR_OK);
    uint8_t *t = malloc(c.len + 1);
    /* flip one bit at many positions: header, each chunk body, each MAC */
    size_t pos[] = { 0, 23, 24, 25, 1000, SEC_CHUNK + 40, SEC_CHUNK + 41, 2 * SEC_CHUNK + 60,
                     c.len - 1 };
    for (size_t i = 0; i < sizeof(pos) / sizeof(pos[0]); i++) {
        memcpy(t, c.buf, c.len);
        t[pos[i]] ^= 0x01;
        expect_fail(k, t, c.len);
    }
    /* wrong key */
    expect_fail(other, c.buf, c.len);
    /* truncation: anywhere, and exactly at a chunk boundary (drops the FINAL chunk) */
    expect_fail(k, c.buf, c.len - 1);
    expect_fail(k, c.buf, 24 + 2 * (SEC_CHUNK + 17));
    expect_fail(k, c.buf, 24 + SEC_CHUNK + 17);
    expect_fail(k, c.buf, 24);
    expect_fail(k, c.buf, 10);
    expect_fail(k, c.buf, 0);
    /* trailing garbage after FINAL */
    memcpy(t, c.buf, c.len);
    t[c.len] = 0;
    expect_fail(k, t, c.len + 1);
    /* chunk reordering */
    struct strbuf r;
    strbuf_init(&r, NULL, 0);
    strbuf_add(&r, c.buf, 24);
    strbuf_add(&r, c.buf + 24 + SEC_CHUNK + 17, SEC_CHUNK + 17);
    strbuf_add(&r, c.buf + 24, SEC_CHUNK + 17);
    strbuf_add(&r, c.buf + 24 + 2 * (SEC_CHUNK + 17), c.len - 24 - 2 * (SEC_CHUNK + 17));
    expect_fail(k, r.buf, r.len);
    strbuf_release(&r);
    /* the untouched ciphertext still decrypts */
    struct strbuf d;
    strbuf_init(&d, NULL, 0);
    assert_int_equal(sec_decrypt(k, c.buf, c.len, &d), ERR_OK);
    assert_memory_equal(d.buf, p, n);
    strbuf_release(&d);
    strbuf_release(&c);
    free(t);
    free(p);
    sec_key_free(k);
    sec_key_free(other);
}

static void
test_encrypt_cap(void **state)
{
    (void)state;
    struct sec_key *k = key_of(6);
    struct strbuf c;
    strbuf_init(&c, NULL, 40);
    assert_int_equal(sec_encrypt(k, "0123456789", 10, &c), ERR_TOO_LARGE);
    strbuf_release(&c);
    sec_key_free(k);
}

static void
path_in_tmp(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", tmpdir, name);
}

static void
test_key_file(void **state)
{
    (void)state;
    char path[128];
    path_in_tmp(path, sizeof(path), "master.key");
    struct sec_key *k1 = NULL, *k2 = NULL;
    /* missing and create=false */
    assert_int_equal(sec_key_load(path, false, &k1), ERR_INTERNAL);
    assert_null(k1);
    assert_int_equal(sec_key_load(path, true, &k1), ERR_OK);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, SEC_KEY_BYTES);
    /* reloading (create=true again must not overwrite) gives the same key */
    assert_int_equal(sec_key_load(path, true, &k2), ERR_OK);
    struct strbuf c, d;
    strbuf_init(&c, NULL, 0);
    strbuf_init(&d, NULL, 0);
    assert_int_equal(sec_encrypt(k1, "secret", 6, &c), ERR_OK);
    assert_int_equal(sec_decrypt(k2, c.buf, c.len, &d), ERR_OK);
    assert_string_equal(d.buf, "secret");
    strbuf_release(&c);
    strbuf_release(&d);
    sec_key_free(k2);
    k2 = NULL;
    /* world-readable key file is refused */
    assert_int_equal(chmod(path, 0644), 0);
    assert_int_equal(sec_key_load(path, false, &k2), ERR_INTERNAL);
    assert_null(k2);
    assert_int_equal(chmod(path, 0600), 0);
    sec_key_free(k1);

    /* wrong size */
    path_in_tmp(path, sizeof(path), "short.key");
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite("0123456789", 1, 10, f);
    fclose(f);
    assert_int_equal(chmod(path, 0600), 0);
    assert_int_equal(sec_key_load(path, true, &k2), ERR_INTERNAL);
    assert_null(k2);
    /* a directory is not a key */
    assert_int_equal(sec_key_load(tmpdir, false, &k2), ERR_INTERNAL);
    /* missing parent directory cannot be created */
    path_in_tmp(path, sizeof(path), "nodir/x.key");
    assert_int_equal(sec_key_load(path, true, &k2), ERR_INTERNAL);
    assert_null(k2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_idempotent),
        cmocka_unit_test(test_password),
        cmocka_unit_test(test_password_rehash),
        cmocka_unit_test(test_token),
        cmocka_unit_test(test_mac),
        cmocka_unit_test(test_equal_random),
        cmocka_unit_test(test_derive),
        cmocka_unit_test(test_encrypt_roundtrip),
        cmocka_unit_test(test_encrypt_appends),
        cmocka_unit_test(test_tamper),
        cmocka_unit_test(test_encrypt_cap),
        cmocka_unit_test(test_key_file),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
