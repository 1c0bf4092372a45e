/* mail_msg: one outgoing message in RFC 5322 / MIME form, ready for SMTP DATA. UTF-8
 * throughout: the subject as RFC 2047 encoded-words (B encoding, folded so that no line
 * exceeds 76 characters), the body as text/plain; charset=UTF-8 in base64 with CRLF line
 * ends. Addresses and the subject are checked here again, so that nothing a caller passes can
 * add a header line (header injection). Layer: mail (core, sec, db, domain). */
#ifndef MADO_MAIL_MSG_H
#define MADO_MAIL_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;

struct mail_msg {
    const char *from, *to; /* bare addresses (outbox_addr_ok) */
    const char *subject;   /* UTF-8, no CR/LF */
    const char *body;      /* UTF-8; LF or CRLF line ends */
    int64_t date;          /* Unix seconds; written in Japan time (+0900) */
    const char *message_id; /* "<...@...>" or NULL for a random one at the From domain */
};

/* Appends the message to out. false (out unchanged in meaning, possibly partly written) when
 * an address, the subject or the body is unacceptable; *why says which. */
bool mail_msg_build(const struct mail_msg *m, struct strbuf *out, const char **why);

/* Building blocks, exposed for the tests. Appends the subject as a header field with
 * encoded-words ("Subject: =?UTF-8?B?...?=\r\n" and continuation lines). */
void mail_msg_subject(struct strbuf *out, const char *subject);
/* Appends the base64 of p[0..n) in lines of at most 76 characters, each ended by CRLF. */
void mail_msg_base64(struct strbuf *out, const void *p, size_t n);

#endif
