/* Unit tests for src/mail: the RFC 5322 / MIME message builder (RFC 2047 subjects in
 * Japanese, base64 bodies, line lengths, header injection refused), the retry backoff, the
 * STARTTLS setting and the SMTP client's failure report. */
#include "core/arena.h"
#include "core/strbuf.h"
#include "domain/outbox_queue.h"
#include "mail/mail_msg.h"
#include "mail/smtp.h"
#include "sec/sec.h"

#include <curl/curl.h>
#include <setjmp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static char *
b64_decode(const char *s, size_t n, size_t *len)
{
    char *out = malloc(n + 1);
    assert_int_equal(sodium_base642bin((unsigned char *)out, n, s, n, "\r\n", len, NULL,
                                       sodium_base64_VARIANT_ORIGINAL),
                     0);
    out[*len] = '\0';
    return out;
}

/* Every line of s (CRLF-separated) is at most max characters; bare LF or CR never occur. */
static void
assert_lines(const char *s, size_t max)
{
    const char *line = s;
    for (const char *p = s; *p; p++) {
        if (*p == '\r') {
            assert_int_equal(p[1], '\n');
            assert_true((size_t)(p - line) <= max);
            line = p + 2;
            p++;
        } else {
            assert_int_not_equal(*p, '\n');
        }
    }
    assert_true(strlen(line) <= max);
}

/* Decodes a Subject header made of encoded-words back to its text. */
static char *
decode_subject(const char *h)
{
    assert_memory_equal(h, "Subject:", 8);
    struct strbuf out;
    strbuf_init(&out, NULL, (size_t)-1);
    const char *p = h + 8;
    while ((p = strstr(p, "=?UTF-8?B?"))) {
        p += 10;
        const char *end = strstr(p, "?=");
        assert_non_null(end);
        size_t n = 0;
        char *part = b64_decode(p, (size_t)(end - p), &n);
        /* each word holds whole characters (RFC 2047 §5) */
        for (size_t i = 0; i < n;) {
            unsigned char c = (unsigned char)part[i];
            size_t len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
            assert_true(i + len <= n);
            i += len;
        }
        strbuf_add(&out, part, n);
        free(part);
        p = end + 2;
    }
    return out.buf;
}

static void
subject_japanese(void **state)
{
    (void)state;
    const char *subj = "【世田谷区】申請を受け付けました（受付番号 R7-000123）。内容をご確認のうえ、"
                       "ご不明な点は窓口までお問い合わせください。";
    struct strbuf sb;
    strbuf_init(&sb, NULL, (size_t)-1);
    mail_msg_subject(&sb, subj);
    assert_lines(sb.buf, 76);
    assert_non_null(strstr(sb.buf, "\r\n =?UTF-8?B?")); /* folded */
    assert_memory_equal(sb.buf + sb.len - 2, "\r\n", 2);
    char *back = decode_subject(sb.buf);
    assert_string_equal(back, subj);
    free(back);
    strbuf_release(&sb);
    /* plain ASCII stays readable; ASCII that looks like an encoded-word is encoded */
    strbuf_init(&sb, NULL, (size_t)-1);
    mail_msg_subject(&sb, "Receipt R7-1");
    assert_string_equal(sb.buf, "Subject: Receipt R7-1\r\n");
    strbuf_reset(&sb);
    mail_msg_subject(&sb, "=?UTF-8?B?x?=");
    back = decode_subject(sb.buf);
    assert_string_equal(back, "=?UTF-8?B?x?=");
    free(back);
    strbuf_release(&sb);
}

static const char *
build(struct strbuf *sb, const char *from, const char *to, const char *subject, const char *body)
{
    struct mail_msg m = { .from = from, .to = to, .subject = subject, .body = body, .date = 0,
                          .message_id = "<test-1@example.jp>" };
    const char *why = NULL;
    strbuf_reset(sb);
    return mail_msg_build(&m, sb, &why) ? NULL : why;
}

static void
message_headers_and_body(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb, NULL, (size_t)-1);
    struct strbuf body;
    strbuf_init(&body, NULL, (size_t)-1);
    strbuf_adds(&body, "山田 太郎 様\n\nお申し込みありがとうございます。\n");
    for (int i = 0; i < 40; i++)
        strbuf_addf(&body, "項目%d: 回答です\n", i);
    assert_null(build(&sb, "noreply@city.example.jp", "taro@example.com", "受付完了", body.buf));
    assert_lines(sb.buf, 76);
    const char *hdr_end = strstr(sb.buf, "\r\n\r\n");
    assert_non_null(hdr_end);
    char *headers = strndup(sb.buf, (size_t)(hdr_end - sb.buf) + 2);
    assert_non_null(strstr(headers, "From: noreply@city.example.jp\r\n"));
    assert_non_null(strstr(headers, "To: taro@example.com\r\n"));
    assert_non_null(strstr(headers, "Subject: =?UTF-8?B?5Y+X5LuY5a6M5LqG?=\r\n"));
    assert_non_null(strstr(headers, "Date: Thu, 1 Jan 1970 09:00:00 +0900\r\n"));
    assert_non_null(strstr(headers, "Message-ID: <test-1@example.jp>\r\n"));
    assert_non_null(strstr(headers, "MIME-Version: 1.0\r\n"));
    assert_non_null(strstr(headers, "Content-Type: text/plain; charset=UTF-8\r\n"));
    assert_non_null(strstr(headers, "Content-Transfer-Encoding: base64\r\n"));
    free(headers);
    /* the body decodes to the text with CRLF line ends */
    const char *b = hdr_end + 4;
    size_t n = 0;
    char *plain = b64_decode(b, strlen(b), &n);
    struct strbuf want;
    strbuf_init(&want, NULL, (size_t)-1);
    for (const char *p = body.buf; *p; p++) {
        if (*p == '\n')
            strbuf_addc(&want, '\r');
        strbuf_addc(&want, *p);
    }
    assert_int_equal(n, want.len);
    assert_memory_equal(plain, want.buf, n);
    free(plain);
    strbuf_release(&want);
    /* CRLF already in the body is kept as is, not doubled */
    assert_null(build(&sb, "a@b.jp", "c@d.jp", "x", "一\r\n二\n"));
    b = strstr(sb.buf, "\r\n\r\n") + 4;
    plain = b64_decode(b, strlen(b), &n);
    assert_string_equal(plain, "一\r\n二\r\n");
    free(plain);
    strbuf_release(&body);
    strbuf_release(&sb);
}

static void
message_id_random(void **state)
{
    (void)state;
    assert_int_equal(sec_init(), 0);
    struct strbuf sb;
    strbuf_init(&sb, NULL, (size_t)-1);
    struct mail_msg m = { .from = "noreply@city.example.jp", .to = "a@b.jp", .subject = "s",
                          .body = "b", .date = 1764150000 };
    const char *why;
    assert_true(mail_msg_build(&m, &sb, &why));
    assert_non_null(strstr(sb.buf, "@city.example.jp>\r\n"));
    assert_non_null(strstr(sb.buf, "Date: Wed, 26 Nov 2025 18:40:00 +0900\r\n"));
    strbuf_release(&sb);
}

static void
header_injection_refused(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb, NULL, (size_t)-1);
    assert_non_null(build(&sb, "a@b.jp", "c@d.jp", "hi\r\nBcc: victim@example.com", "x"));
    assert_non_null(build(&sb, "a@b.jp", "c@d.jp", "hi\nBcc: victim@example.com", "x"));
    assert_non_null(build(&sb, "a@b.jp", "c@d.jp\r\nBcc: victim@example.com", "hi", "x"));
    assert_non_null(build(&sb, "a@b.jp", "c@d.jp, victim@example.com", "hi", "x"));
    assert_non_null(build(&sb, "a@b.jp", "Victim <v@example.com>", "hi", "x"));
    assert_non_null(build(&sb, "a@b.jp\n", "c@d.jp", "hi", "x"));
    assert_non_null(build(&sb, "nobody", "c@d.jp", "hi", "x"));
    assert_non_null(build(&sb, "a@b.jp", "c@d.jp", "\xff\xfe", "x"));
    assert_non_null(build(&sb, "a@b.jp", "c@d.jp", "hi", "\xc3"));
    assert_null(build(&sb, "a@b.jp", "c@d.jp", "hi", "x"));
    /* a body line that looks like a header is inside base64: harmless */
    assert_null(build(&sb, "a@b.jp", "c@d.jp", "hi", "x\r\n\r\nBcc: v@example.com\r\n"));
    assert_null(strstr(sb.buf, "Bcc"));
    assert_false(outbox_addr_ok(""));
    assert_false(outbox_addr_ok("@b.jp"));
    assert_false(outbox_addr_ok("a@"));
    assert_true(outbox_addr_ok("taro.yamada+form@mail.example.co.jp"));
    strbuf_release(&sb);
}

static void
base64_lines(void **state)
{
    (void)state;
    struct strbuf sb;
    strbuf_init(&sb, NULL, (size_t)-1);
    unsigned char data[1000];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (unsigned char)(i * 7);
    for (size_t n = 0; n <= 200; n++) {
        strbuf_reset(&sb);
        mail_msg_base64(&sb, data, n);
        assert_lines(sb.buf, 76);
        size_t got = 0;
        char *back = b64_decode(sb.buf, sb.len, &got);
        assert_int_equal(got, n);
        assert_memory_equal(back, data, n);
        free(back);
    }
    strbuf_release(&sb);
}

static void
backoff(void **state)
{
    (void)state;
    assert_int_equal(outbox_backoff(1, 60), 60);
    assert_int_equal(outbox_backoff(2, 60), 120);
    assert_int_equal(outbox_backoff(3, 60), 240);
    assert_int_equal(outbox_backoff(6, 60), 1920);
    assert_int_equal(outbox_backoff(7, 60), 3600);
    assert_int_equal(outbox_backoff(100, 60), 3600);
    assert_int_equal(outbox_backoff(2, 1), 2);
}

static void
starttls_setting(void **state)
{
    (void)state;
    enum smtp_tls t;
    assert_true(smtp_tls_parse("try", &t) && t == SMTP_TLS_TRY);
    assert_true(smtp_tls_parse("", &t) && t == SMTP_TLS_TRY);
    assert_true(smtp_tls_parse("required", &t) && t == SMTP_TLS_REQUIRED);
    assert_true(smtp_tls_parse("off", &t) && t == SMTP_TLS_OFF);
    assert_false(smtp_tls_parse("yes", &t));
}

static void
smtp_refused_connection(void **state)
{
    (void)state;
    assert_int_equal(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
    struct smtp_config sc = { .url = "smtp://127.0.0.1:1", .from = "a@b.jp", .user = "",
                              .password = "", .tls = SMTP_TLS_TRY, .timeout_seconds = 5 };
    char err[300] = "";
    assert_false(smtp_send(&sc, "c@d.jp", "x\r\n", 3, err, sizeof(err)));
    assert_true(strlen(err) > 0);
    /* other schemes are refused */
    sc.url = "file:///etc/passwd";
    assert_false(smtp_send(&sc, "c@d.jp", "x\r\n", 3, err, sizeof(err)));
    curl_global_cleanup();
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(subject_japanese),
        cmocka_unit_test(message_headers_and_body),
        cmocka_unit_test(message_id_random),
        cmocka_unit_test(header_injection_refused),
        cmocka_unit_test(base64_lines),
        cmocka_unit_test(backoff),
        cmocka_unit_test(starttls_setting),
        cmocka_unit_test(smtp_refused_connection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
