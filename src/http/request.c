/* Request accessors shared by the server and the in-process test harness. */
#include "request.h"

#include "core/arena.h"
#include "core/log.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
req_init(struct req *r, struct arena *a)
{
    memset(r, 0, sizeof(*r));
    r->arena = a;
    r->query = "";
    r->path = "/";
    r->method = "GET";
    r->body = "";
    r->remote_addr = "";
    r->status = 200;
}

const char *
req_header(const struct req *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

const char *
req_header_joined(const struct req *r, const char *name)
{
    struct strbuf sb;
    int n = 0;
    strbuf_init(&sb, r->arena, 0);
    for (size_t i = 0; i < r->nheaders; i++) {
        if (strcasecmp(r->headers[i].name, name) != 0)
            continue;
        if (n++)
            strbuf_addc(&sb, ',');
        strbuf_adds(&sb, r->headers[i].value);
    }
    return n ? sb.buf : NULL;
}

void
req_add_header(struct req *r, const char *name, const char *value)
{
    if (r->nresp_headers >= REQ_MAX_RESP_HEADERS) {
        /* a lost Set-Cookie would fail silently elsewhere: say it here */
        log_error("%s: response header '%s' dropped (more than %d)", r->id, name,
                  REQ_MAX_RESP_HEADERS);
        return;
    }
    r->resp_headers[r->nresp_headers].name = name;
    r->resp_headers[r->nresp_headers].value = value;
    r->nresp_headers++;
}

void
req_set_header(struct req *r, const char *name, const char *value)
{
    req_add_header(r, name, value);
}

void
req_set_body(struct req *r, int status, const char *content_type, char *body, size_t len)
{
    free(r->resp_body);
    r->status = status;
    r->content_type = content_type;
    r->resp_body = body;
    r->resp_len = len;
}
