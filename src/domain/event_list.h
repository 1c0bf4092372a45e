/* event_list: reading the security event trail (security_events) for administrators,
 * newest first, with simple filters. Writing stays in event.h. */
#ifndef MADO_EVENT_LIST_H
#define MADO_EVENT_LIST_H

#include "domain/ctx.h"

#include <jansson.h>

#define EVENT_LIST_MAX 500

struct event_filter {
    int64_t since, until; /* Unix seconds; 0 = open */
    const char *action;   /* exact, or a prefix when it ends in '*' ("admin.*"); NULL = any */
    const char *actor;    /* exact; NULL = any */
    int64_t limit;        /* 1..EVENT_LIST_MAX (0 = 100) */
};

/* *out = JSON array of {"id","at" (ISO 8601 UTC),"actor","ip","action","target","detail"}
 * (detail parsed back into JSON), owned by the caller. */
enum err event_list(struct ctx *c, const struct event_filter *f, json_t **out) MUST_CHECK;

#endif
