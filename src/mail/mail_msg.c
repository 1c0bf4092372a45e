/* The message builder; see mail_msg.h. */
#include "mail/mail_msg.h"

#include "core/clock.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "domain/outbox_queue.h"
#include "sec/sec.h"

#include <stdio.h>
#include <string.h>

#define B64_LINE 76
/* bytes of subject per encoded-word: 36 bytes → 48 base64 characters, 60 with the
 * "=?UTF-8?B?" "?=" frame, so "Subject: " + one word stays well inside 76 */
#define WORD_BYTES 36

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
b64_append(struct strbuf *out, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        char q[4] = { b64[(v >> 18) & 63], b64[(v >> 12) & 63],
                      i + 1 < n ? b64[(v >> 6) & 63] : '=', i + 2 < n ? b64[v & 63] : '=' };
        strbuf_add(out, q, 4);
    }
}

void
mail_msg_base64(struct strbuf *out, const void *p, size_t n)
{
    const unsigned char *s = p;
    /* 57 input bytes = one line of 76 characters */
    for (size_t i = 0; i < n; i += 57) {
        b64_append(out, s + i, n - i < 57 ? n - i : 57);
        strbuf_adds(out, "\r\n");
    }
}

static bool
ascii_printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            return false;
    return true;
}

void
mail_msg_subject(struct strbuf *out, const char *subject)
{
    size_t n = strlen(subject);
    /* a short plain-ASCII subject that cannot be mistaken for an encoded-word goes as is */
    if (ascii_printable(subject) && n <= 60 && !strstr(subject, "=?")) {
        strbuf_addf(out, "Subject: %s\r\n", subject);
        return;
    }
    strbuf_adds(out, "Subject:");
    const unsigned char *s = (const unsigned char *)subject;
    size_t i = 0;
    while (i < n) {
        /* never split a UTF-8 sequence between two encoded-words (RFC 2047 §5) */
        size_t end = i + WORD_BYTES < n ? i + WORD_BYTES : n;
        while (end < n && end > i && (s[end] & 0xc0) == 0x80)
            end--;
        if (end == i)
            end = i + WORD_BYTES < n ? i + WORD_BYTES : n;
        strbuf_adds(out, i ? "\r\n =?UTF-8?B?" : " =?UTF-8?B?");
        b64_append(out, s + i, end - i);
        strbuf_adds(out, "?=");
        i = end;
    }
    if (!n)
        strbuf_adds(out, " ");
    strbuf_adds(out, "\r\n");
}

static void
rfc5322_date(struct strbuf *out, int64_t t)
{
    static const char *const days[] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
    static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    int64_t local = t + 9 * 3600; /* Japan has no daylight saving time */
    int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    int64_t sec = local - day * 86400;
    int y, m, d;
    clock_civil_from_days(day, &y, &m, &d);
    strbuf_addf(out, "Date: %s, %d %s %d %02d:%02d:%02d +0900\r\n",
                days[((day % 7) + 7) % 7], d, months[m - 1], y, (int)(sec / 3600),
                (int)(sec / 60 % 60), (int)(sec % 60));
}

bool
mail_msg_build(const struct mail_msg *m, struct strbuf *out, const char **why)
{
    *why = NULL;
    if (!outbox_addr_ok(m->from))
        *why = "invalid From address";
    else if (!outbox_addr_ok(m->to))
        *why = "invalid recipient address";
    else if (!m->subject || strpbrk(m->subject, "\r\n") ||
             !text_valid_utf8(m->subject, strlen(m->subject)))
        *why = "invalid subject (CR/LF or not UTF-8)";
    else if (!m->body || !text_valid_utf8(m->body, strlen(m->body)))
        *why = "body is not UTF-8";
    else if (m->message_id && (strpbrk(m->message_id, "\r\n") || m->message_id[0] != '<'))
        *why = "invalid Message-ID";
    if (*why)
        return false;
    strbuf_addf(out, "From: %s\r\nTo: %s\r\n", m->from, m->to);
    mail_msg_subject(out, m->subject);
    rfc5322_date(out, m->date);
    if (m->message_id) {
        strbuf_addf(out, "Message-ID: %s\r\n", m->message_id);
    } else {
        char rnd[33];
        sec_random_hex(rnd, 16);
        strbuf_addf(out, "Message-ID: <%s@%s>\r\n", rnd, strrchr(m->from, '@') + 1);
    }
    strbuf_adds(out, "MIME-Version: 1.0\r\n"
                     "Content-Type: text/plain; charset=UTF-8\r\n"
                     "Content-Transfer-Encoding: base64\r\n\r\n");
    /* canonical form of text/plain before encoding: CRLF line ends (RFC 2046 §4.1.1) */
    struct strbuf crlf;
    strbuf_init(&crlf, NULL, (size_t)-1);
    for (const char *p = m->body; *p; p++) {
        if (*p == '\n' && (p == m->body || p[-1] != '\r'))
            strbuf_addc(&crlf, '\r');
        strbuf_addc(&crlf, *p);
    }
    mail_msg_base64(out, crlf.buf, crlf.len);
    strbuf_release(&crlf);
    return strbuf_ok(out);
}
