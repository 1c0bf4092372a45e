/* The SMTP client; see smtp.h. */
#include "mail/smtp.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#define SMTP_CONNECT_MAX 10L

bool
smtp_tls_parse(const char *s, enum smtp_tls *out)
{
    if (!s || !*s || !strcmp(s, "try"))
        *out = SMTP_TLS_TRY;
    else if (!strcmp(s, "required"))
        *out = SMTP_TLS_REQUIRED;
    else if (!strcmp(s, "off"))
        *out = SMTP_TLS_OFF;
    else
        return false;
    return true;
}

struct upload {
    const char *p;
    size_t left;
};

static size_t
read_cb(char *buf, size_t size, size_t nmemb, void *user)
{
    struct upload *u = user;
    size_t n = size * nmemb < u->left ? size * nmemb : u->left;
    memcpy(buf, u->p, n);
    u->p += n;
    u->left -= n;
    return n;
}

/* Lets a server shutdown interrupt a slow SMTP server instead of waiting for the timeout. */
static int
progress_cb(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    const _Atomic int *cancel = user;
    return *cancel ? 1 : 0;
}

bool
smtp_send(const struct smtp_config *cfg, const char *to, const char *msg, size_t len, char *err,
          size_t errlen)
{
    char cerr[CURL_ERROR_SIZE] = "";
    struct upload u = { msg, len };
    struct curl_slist *rcpt = NULL;
    CURL *h = curl_easy_init();
    if (!h) {
        snprintf(err, errlen, "curl_easy_init failed");
        return false;
    }
    rcpt = curl_slist_append(rcpt, to);
    long timeout = cfg->timeout_seconds > 0 ? cfg->timeout_seconds : 30;
    char from[300];
    snprintf(from, sizeof(from), "<%s>", cfg->from);
    curl_easy_setopt(h, CURLOPT_URL, cfg->url);
    /* the URL comes from the configuration, but redirects to other schemes make no sense */
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L); /* a thread of a multi-threaded server */
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, timeout < SMTP_CONNECT_MAX ? timeout : SMTP_CONNECT_MAX);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout);
    if (cfg->cancel) {
        curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, progress_cb);
        curl_easy_setopt(h, CURLOPT_XFERINFODATA, (void *)cfg->cancel);
        curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    }
    if (cfg->tls != SMTP_TLS_OFF)
        curl_easy_setopt(h, CURLOPT_USE_SSL,
                         (long)(cfg->tls == SMTP_TLS_REQUIRED ? CURLUSESSL_ALL : CURLUSESSL_TRY));
    if (cfg->user && *cfg->user) {
        curl_easy_setopt(h, CURLOPT_USERNAME, cfg->user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, cfg->password ? cfg->password : "");
    }
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(h, CURLOPT_READDATA, &u);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
    CURLcode rc = curl_easy_perform(h);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    if (rc != CURLE_OK)
        snprintf(err, errlen, "%s%s%s (SMTP %ld)", curl_easy_strerror(rc), *cerr ? ": " : "",
                 cerr, code);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(h);
    return rc == CURLE_OK;
}
