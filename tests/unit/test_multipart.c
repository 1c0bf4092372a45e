/* Unit tests for src/http/multipart.c: bodies as Node's form-data, browsers and curl send them,
 * binary data, RFC 5987 file names, and every malformed input we could think of (each must be
 * ERR_INVALID, never a crash: run under ASan). */
#include "core/arena.h"
#include "core/strbuf.h"
#include "http/multipart.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define NODE_B "--------------------------123456789012345678901234"
#define NODE_CT "multipart/form-data; boundary=" NODE_B

static int
setup(void **state)
{
    *state = arena_new();
    return 0;
}

static int
teardown(void **state)
{
    arena_free(*state);
    return 0;
}

static size_t
parse_ok(struct arena *a, const char *ct, const char *body, size_t len, struct mpart **parts)
{
    size_t n = 99;
    assert_int_equal(multipart_parse(a, ct, body, len, parts, &n), ERR_OK);
    return n;
}

static void
parse_bad(struct arena *a, const char *ct, const char *body, size_t len)
{
    struct mpart *parts = (struct mpart *)1;
    size_t n = 99;
    assert_int_equal(multipart_parse(a, ct, body, len, &parts, &n), ERR_INVALID);
    assert_null(parts);
    assert_int_equal(n, 0);
}

#define S(lit) lit, sizeof(lit) - 1

/* Exactly what form-data (npm) 4.x writes for form.append('app','1') and
 * form.append('file', buf, {filename: '日本語.txt', contentType: 'text/plain'}). */
static const char node_body[] =
    "--" NODE_B "\r\n"
    "Content-Disposition: form-data; name=\"app\"\r\n"
    "\r\n"
    "1\r\n"
    "--" NODE_B "\r\n"
    "Content-Disposition: form-data; name=\"file\"; filename=\"日本語.txt\"\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "こんにちは\r\nworld\r\n"
    "\r\n"
    "--" NODE_B "--\r\n";

static void
test_node_form_data(void **state)
{
    struct arena *a = *state;
    struct mpart *p;
    size_t n = parse_ok(a, NODE_CT, S(node_body), &p);
    assert_int_equal(n, 2);
    assert_string_equal(p[0].name, "app");
    assert_null(p[0].filename);
    assert_null(p[0].content_type);
    assert_int_equal(p[0].len, 1);
    assert_memory_equal(p[0].data, "1", 1);
    assert_string_equal(p[1].name, "file");
    assert_string_equal(p[1].filename, "日本語.txt");
    assert_string_equal(p[1].content_type, "text/plain");
    const char *want = "こんにちは\r\nworld\r\n";
    assert_int_equal(p[1].len, strlen(want));
    assert_memory_equal(p[1].data, want, strlen(want));
    /* zero copy: data points into the body */
    assert_true(p[1].data > node_body && p[1].data < node_body + sizeof(node_body));
    assert_ptr_equal(multipart_find(p, n, "file"), &p[1]);
    assert_null(multipart_find(p, n, "nope"));
}

/* Chrome: WebKit boundary, '"' sent as %22, empty file input, session token field. */
static void
test_browser(void **state)
{
    struct arena *a = *state;
    static const char body[] =
        "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
        "Content-Disposition: form-data; name=\"__REQUEST_TOKEN__\"\r\n\r\n"
        "tok-123\r\n"
        "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
        "Content-Disposition: form-data; name=\"file\"; filename=\"say %22hi%22.txt\"\r\n"
        "Content-Type: text/plain\r\n\r\n"
        "hi\r\n"
        "------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n"
        "Content-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n"
        "\r\n"
        "------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n";
    struct mpart *p;
    size_t n = parse_ok(a, "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
                        S(body), &p);
    assert_int_equal(n, 3);
    assert_memory_equal(p[0].data, "tok-123", p[0].len);
    assert_string_equal(p[1].filename, "say %22hi%22.txt"); /* not decoded: see multipart.h */
    assert_string_equal(p[2].filename, "");
    assert_int_equal(p[2].len, 0);
}

static void
test_binary(void **state)
{
    struct arena *a = *state;
    /* CR, LF, NUL, 0xff, near-boundaries that are not boundaries, CRLF at the very end */
    static const char payload[] = "\x00\x01\r\n\r\xff\n--x\r\nx--b0undary\r\n\r\n--b0undar\r\n"
                                  "\r\n--b0undaryX\r\n\r\n-b0undary\r\n\n--b0undary\r\n";
    struct strbuf sb;
    strbuf_init(&sb, a, 0);
    strbuf_adds(&sb, "--b0undary\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.bin\"\r\n"
                     "Content-Type: application/octet-stream\r\n\r\n");
    strbuf_add(&sb, payload, sizeof(payload) - 1);
    strbuf_adds(&sb, "\r\n--b0undary--"); /* no trailing CRLF (GMime leaves a CR behind here) */
    struct mpart *p;
    size_t n = parse_ok(a, "multipart/form-data; boundary=b0undary", sb.buf, sb.len, &p);
    assert_int_equal(n, 1);
    assert_int_equal(p[0].len, sizeof(payload) - 1);
    assert_memory_equal(p[0].data, payload, sizeof(payload) - 1);
}

static void
test_preamble_epilogue_padding(void **state)
{
    struct arena *a = *state;
    static const char body[] = "This is the preamble.\r\nIgnore me --xx\r\n"
                               "--xx \t\r\n" /* transport padding */
                               "content-disposition: FORM-DATA; NAME=a\r\n"
                               "X-Other: whatever\r\n\r\n"
                               "v\r\n"
                               "--xx--  epilogue\r\nmore epilogue";
    struct mpart *p;
    size_t n = parse_ok(a, "Multipart/Form-Data ; Boundary=\"xx\" ; charset=utf-8", S(body), &p);
    assert_int_equal(n, 1);
    assert_string_equal(p[0].name, "a");
    assert_memory_equal(p[0].data, "v", 1);
}

static void
test_filename_forms(void **state)
{
    struct arena *a = *state;
    struct {
        const char *disp, *want;
    } cases[] = {
        { "form-data; name=\"f\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E.txt", "日本語.txt" },
        { "form-data; name=\"f\"; filename=\"fallback.txt\"; filename*=utf-8''%E5%A0%B1.pdf", "報.pdf" },
        { "form-data; name=\"f\"; filename*=UTF-8''a%20b.txt; filename=\"fallback.txt\"", "a b.txt" },
        { "form-data; name=\"f\"; filename*=ISO-8859-1'en'caf%E9.txt", "café.txt" },
        { "form-data; name=\"f\"; filename=\"C:\\Users\\me\\a.txt\"", "C:\\Users\\me\\a.txt" },
        { "form-data; name=\"f\"; filename=\"a\\\"b\\\\c.txt\"", "a\"b\\c.txt" },
        { "form-data; name=\"f\"; filename=plain.txt", "plain.txt" },
        { "form-data; name=\"f\"; filename=日本.txt", "日本.txt" },
        { "form-data;name=f;filename=\"x;y=z.txt\"", "x;y=z.txt" },
        { "form-data; name=\"f\"; filename=\"a.txt\";", "a.txt" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *body = arena_printf(a, "--B\r\nContent-Disposition: %s\r\n\r\nx\r\n--B--\r\n",
                                  cases[i].disp);
        struct mpart *p;
        size_t n = parse_ok(a, "multipart/form-data; boundary=B", body, strlen(body), &p);
        assert_int_equal(n, 1);
        assert_string_equal(p[0].name, "f");
        assert_string_equal(p[0].filename, cases[i].want);
    }
    const char *bad[] = {
        "form-data; name=\"f\"; filename*=UTF-8''%E6%9",       /* short escape */
        "form-data; name=\"f\"; filename*=UTF-8''%zz.txt",     /* bad hex */
        "form-data; name=\"f\"; filename*=UTF-8''a%00b",       /* NUL */
        "form-data; name=\"f\"; filename*=Shift_JIS''%93%FA", /* unsupported charset */
        "form-data; name=\"f\"; filename*=nocharset",
        "form-data; name=\"f\"; filename*=UTF-8''a; filename*=UTF-8''b",
        "form-data; name=\"f\"; filename=\"a\"; filename=\"b\"",
        "form-data; name=\"f\"; name=\"g\"",
        "form-data; name=\"f\"; filename=\"unterminated",
        "form-data; name=\"f\"; filename=",
        "form-data; name=\"f\" junk",
        "form-data; name=\"f\"; =x",
        "form-data; filename=\"nameless.txt\"",
        "attachment; name=\"f\"",
        "form-data-x; name=\"f\"",
        "",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *body =
            arena_printf(a, "--B\r\nContent-Disposition: %s\r\n\r\nx\r\n--B--\r\n", bad[i]);
        parse_bad(a, "multipart/form-data; boundary=B", body, strlen(body));
    }
}

static void
test_headers(void **state)
{
    struct arena *a = *state;
    struct mpart *p;
    /* obs-fold continuation is joined */
    static const char folded[] = "--B\r\nContent-Disposition: form-data;\r\n name=\"f\";\r\n\tfilename=\"a.txt\"\r\n"
                                 "Content-Type: text/plain\r\n\r\nx\r\n--B--";
    assert_int_equal(parse_ok(a, "multipart/form-data; boundary=B", S(folded), &p), 1);
    assert_string_equal(p[0].filename, "a.txt");
    /* Content-Transfer-Encoding binary is fine, base64 is refused */
    static const char cte_ok[] = "--B\r\nContent-Disposition: form-data; name=\"f\"\r\n"
                                 "Content-Transfer-Encoding: binary\r\n\r\nx\r\n--B--";
    assert_int_equal(parse_ok(a, "multipart/form-data; boundary=B", S(cte_ok), &p), 1);
    const char *bad[] = {
        "--B\r\nContent-Disposition: form-data; name=\"f\"\r\nContent-Transfer-Encoding: base64\r\n\r\neA==\r\n--B--",
        "--B\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--",                            /* no disposition */
        "--B\r\n\r\nx\r\n--B--",                                                         /* no headers */
        "--B\r\nContent-Disposition: form-data; name=\"f\"\r\nContent-Disposition: form-data; name=\"g\"\r\n\r\nx\r\n--B--",
        "--B\r\nContent-Disposition: form-data; name=\"f\"\r\nContent-Type: a/b\r\nContent-Type: c/d\r\n\r\nx\r\n--B--",
        "--B\r\nContent-Disposition : form-data; name=\"f\"\r\n\r\nx\r\n--B--",          /* space before colon */
        "--B\r\nContent-Disposition form-data\r\n\r\nx\r\n--B--",                       /* no colon */
        "--B\r\n: form-data\r\n\r\nx\r\n--B--",                                          /* no name */
        "--B\r\n continued: x\r\n\r\nx\r\n--B--",                                        /* fold first */
        "--B\r\nContent-Disposition: form-data; name=\"f\"\nX: y\r\n\r\nx\r\n--B--",      /* bare LF */
        "--B\r\nContent-Disposition: form-data; name=\"f\"\rX: y\r\n\r\nx\r\n--B--",      /* bare CR */
        "--B\nContent-Disposition: form-data; name=\"f\"\n\nx\n--B--\n",                 /* LF only */
        "--B\r\nContent-Disposition: form-data; name=\"f\"\r\n",                         /* truncated */
        "--B\r\nContent-Disposition: form-data; name=\"f\"",
        "--B\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx",                    /* no close */
        "--B\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n--B",
        "--B\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n--B-",
        "--B\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n--B\r\n",         /* open, no part */
        "--B",
        "--B\r\n",
        "",
        "no delimiter at all",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        parse_bad(a, "multipart/form-data; boundary=B", bad[i], strlen(bad[i]));
    }
    /* "--BB" is not our delimiter: that part is preamble, the body holds zero parts */
    static const char other[] = "--BB\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n--B--";
    assert_int_equal(parse_ok(a, "multipart/form-data; boundary=B", S(other), &p), 0);
    /* NUL inside a header line */
    static const char nul[] = "--B\r\nContent-Disposition: form-data; name=\"f\0\"\r\n\r\nx\r\n--B--";
    parse_bad(a, "multipart/form-data; boundary=B", S(nul));
}

static void
test_header_limit(void **state)
{
    struct arena *a = *state;
    struct mpart *p;
    const char *head = "--B\r\nContent-Disposition: form-data; name=\"f\"\r\nX-Pad: ";
    /* block (incl. final CRLF) exactly MULTIPART_MAX_HEADER + 2 bytes: the most we accept */
    for (int extra = 0; extra <= 1; extra++) {
        struct strbuf sb;
        strbuf_init(&sb, a, 0);
        strbuf_adds(&sb, head);
        size_t block = sb.len - 5; /* minus "--B\r\n" */
        size_t pad = MULTIPART_MAX_HEADER - block + (size_t)extra;
        for (size_t i = 0; i < pad; i++)
            strbuf_addc(&sb, 'p');
        strbuf_adds(&sb, "\r\n\r\nx\r\n--B--\r\n");
        if (extra)
            parse_bad(a, "multipart/form-data; boundary=B", sb.buf, sb.len);
        else
            assert_int_equal(parse_ok(a, "multipart/form-data; boundary=B", sb.buf, sb.len, &p), 1);
    }
    /* a huge header line with no end at all */
    size_t big = 1 << 20;
    char *huge = arena_alloc(a, big);
    memcpy(huge, "--B\r\nX: ", 8);
    memset(huge + 8, 'a', big - 8);
    parse_bad(a, "multipart/form-data; boundary=B", huge, big);
}

static void
test_part_limit(void **state)
{
    struct arena *a = *state;
    struct mpart *p;
    for (int count = MULTIPART_MAX_PARTS; count <= MULTIPART_MAX_PARTS + 1; count++) {
        struct strbuf sb;
        strbuf_init(&sb, a, 0);
        for (int i = 0; i < count; i++)
            strbuf_addf(&sb, "--B\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\n%d\r\n", i, i);
        strbuf_adds(&sb, "--B--\r\n");
        if (count > MULTIPART_MAX_PARTS) {
            parse_bad(a, "multipart/form-data; boundary=B", sb.buf, sb.len);
        } else {
            assert_int_equal(parse_ok(a, "multipart/form-data; boundary=B", sb.buf, sb.len, &p),
                             MULTIPART_MAX_PARTS);
            assert_string_equal(p[99].name, "f99");
            assert_memory_equal(p[99].data, "99", 2);
        }
    }
}

static void
test_empty_and_edge_parts(void **state)
{
    struct arena *a = *state;
    struct mpart *p;
    /* zero parts: just the close delimiter */
    assert_int_equal(parse_ok(a, "multipart/form-data; boundary=B", S("--B--\r\n"), &p), 0);
    /* empty data, data that is only CRLF, data that ends in CR */
    static const char body[] = "--B\r\nContent-Disposition: form-data; name=\"e\"\r\n\r\n"
                               "\r\n--B\r\nContent-Disposition: form-data; name=\"crlf\"\r\n\r\n"
                               "\r\n\r\n--B\r\nContent-Disposition: form-data; name=\"cr\"\r\n\r\n"
                               "a\r\r\n--B--";
    assert_int_equal(parse_ok(a, "multipart/form-data; boundary=B", S(body), &p), 3);
    assert_int_equal(p[0].len, 0);
    assert_int_equal(p[1].len, 2);
    assert_memory_equal(p[1].data, "\r\n", 2);
    assert_int_equal(p[2].len, 2);
    assert_memory_equal(p[2].data, "a\r", 2);
    /* the same name twice is allowed (multiple values); find returns the first */
    static const char twice[] = "--B\r\nContent-Disposition: form-data; name=\"v\"\r\n\r\n1\r\n"
                                "--B\r\nContent-Disposition: form-data; name=\"v\"\r\n\r\n2\r\n--B--";
    size_t n = parse_ok(a, "multipart/form-data; boundary=B", S(twice), &p);
    assert_int_equal(n, 2);
    assert_memory_equal(multipart_find(p, n, "v")->data, "1", 1);
    /* boundary with RFC 2046 specials and an inner space */
    static const char specials[] = "--a'()+_,-./:=? z\r\nContent-Disposition: form-data; name=\"s\"\r\n\r\n"
                                   "ok\r\n--a'()+_,-./:=? z--";
    assert_int_equal(parse_ok(a, "multipart/form-data; boundary=\"a'()+_,-./:=? z\"", S(specials), &p), 1);
    assert_memory_equal(p[0].data, "ok", 2);
}

static void
test_content_type_header(void **state)
{
    struct arena *a = *state;
    static const char body[] = "--B\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n--B--";
    char b70[80], b71[80];
    memset(b70, 'b', 70);
    b70[70] = '\0';
    memset(b71, 'b', 71);
    b71[71] = '\0';
    const char *bad[] = {
        "application/json",
        "multipart/mixed; boundary=B",
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=\"\"",
        "multipart/form-data; boundary=\"B",
        "multipart/form-data; boundary=B; boundary=C",
        "multipart/form-data; boundary=\"B \"",
        "multipart/form-data; boundary=\"a\x01\"",
        "multipart/form-datax; boundary=B",
        "multipart/form-data boundary=B",
        arena_printf(a, "multipart/form-data; boundary=%s", b71),
        "",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        parse_bad(a, bad[i], S(body));
    parse_bad(a, NULL, S(body));
    parse_bad(a, "multipart/form-data; boundary=B", NULL, 5);
    parse_bad(a, "multipart/form-data; boundary=B", NULL, 0);
    /* 70 characters is the maximum */
    char *body70 = arena_printf(a, "--%s\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n--%s--", b70, b70);
    struct mpart *p;
    assert_int_equal(parse_ok(a, arena_printf(a, "multipart/form-data; boundary=%s", b70), body70,
                              strlen(body70), &p),
                     1);
}

/* Every truncation of a valid body is rejected (until the close delimiter is complete), and
 * every single-byte corruption parses or fails cleanly. Run under ASan this is a small
 * deterministic fuzz pass. */
static void
test_truncations_and_flips(void **state)
{
    struct arena *a = *state;
    size_t full = sizeof(node_body) - 1;
    size_t close_end = full - 2; /* "--" of the close delimiter, without the final CRLF */
    for (size_t len = 0; len <= full; len++) {
        struct arena *t = arena_new();
        char *copy = malloc(len ? len : 1); /* exact size: ASan catches any overread */
        memcpy(copy, node_body, len);
        struct mpart *p;
        size_t n;
        enum err e = multipart_parse(t, NODE_CT, copy, len, &p, &n);
        assert_int_equal(e, len >= close_end ? ERR_OK : ERR_INVALID);
        free(copy);
        arena_free(t);
    }
    const unsigned char flips[] = { 0x00, '\r', '\n', '-', '"', ';', 0xff, ' ' };
    for (size_t i = 0; i < full; i++) {
        for (size_t f = 0; f < sizeof(flips); f++) {
            struct arena *t = arena_new();
            char *copy = malloc(full);
            memcpy(copy, node_body, full);
            copy[i] = (char)flips[f];
            struct mpart *p;
            size_t n;
            enum err e = multipart_parse(t, NODE_CT, copy, full, &p, &n);
            assert_true(e == ERR_OK || e == ERR_INVALID);
            if (e == ERR_OK)
                for (size_t k = 0; k < n; k++)
                    assert_true(p[k].data >= copy && p[k].data + p[k].len <= copy + full);
            free(copy);
            arena_free(t);
        }
    }
    (void)a;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_node_form_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_browser, setup, teardown),
        cmocka_unit_test_setup_teardown(test_binary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_preamble_epilogue_padding, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filename_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_part_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_and_edge_parts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_content_type_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncations_and_flips, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
