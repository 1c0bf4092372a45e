/* Unit tests of core/strbuf.c's escaping helpers: the one percent-encoder every URL and
 * download name goes through, and the HTML escaper. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/strbuf.h"

static const char *
url(struct arena *a, const char *s)
{
    struct strbuf sb;
    strbuf_init(&sb, a, 0);
    strbuf_add_url_escaped(&sb, s);
    strbuf_addc(&sb, '\0');
    return sb.buf;
}

static void
test_url_escaped(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    /* unreserved characters stay; everything else is %XX of its UTF-8 bytes, upper case */
    assert_string_equal(url(a, "AZaz09-._~"), "AZaz09-._~");
    assert_string_equal(url(a, "a b/c?d#e&f=g%h+i"), "a%20b%2Fc%3Fd%23e%26f%3Dg%25h%2Bi");
    assert_string_equal(url(a, "世田谷"), "%E4%B8%96%E7%94%B0%E8%B0%B7");
    assert_string_equal(url(a, "W00012"), "W00012");
    assert_string_equal(url(a, "\"'<>\\"), "%22%27%3C%3E%5C");
    assert_string_equal(url(a, "\x01\x7f\xff"), "%01%7F%FF");
    assert_string_equal(url(a, ""), "");
    arena_free(a);
}

static void
test_html_escaped(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct strbuf sb;
    strbuf_init(&sb, a, 0);
    strbuf_add_html_escaped(&sb, "<a href=\"x\">'&'</a>");
    strbuf_addc(&sb, '\0');
    assert_null(strchr(sb.buf, '<'));
    assert_null(strchr(sb.buf, '"'));
    assert_null(strchr(sb.buf, '\''));
    assert_non_null(strstr(sb.buf, "&lt;a href="));
    arena_free(a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_escaped),
        cmocka_unit_test(test_html_escaped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
