/* smtp: delivers one ready-made message to one recipient with libcurl. smtp://host:port
 * upgrades with STARTTLS (when offered, or always with SMTP_TLS_REQUIRED); smtps:// is TLS
 * from the first byte. AUTH (whatever the server offers that libcurl supports) when a user
 * is set. Blocking; thread-safe once curl_global_init() ran (mail_sender_start does it). */
#ifndef MADO_SMTP_H
#define MADO_SMTP_H

#include <stdbool.h>
#include <stddef.h>

enum smtp_tls { SMTP_TLS_TRY, SMTP_TLS_REQUIRED, SMTP_TLS_OFF };

struct smtp_config {
    const char *url;      /* smtp://host:587 or smtps://host:465 */
    const char *from;     /* envelope sender (MAIL FROM) */
    const char *user, *password; /* empty user = no AUTH */
    enum smtp_tls tls;
    long timeout_seconds; /* whole conversation; connecting gets at most 10 s of it */
    const _Atomic int *cancel; /* non-zero aborts a conversation in progress; may be NULL */
};

/* Parses "try", "required" or "off"; false for anything else. */
bool smtp_tls_parse(const char *s, enum smtp_tls *out);
/* true when delivered (the server accepted DATA). Otherwise err holds what went wrong
 * (curl's message and the last SMTP reply code). */
bool smtp_send(const struct smtp_config *cfg, const char *to, const char *msg, size_t len,
               char *err, size_t errlen);

#endif
