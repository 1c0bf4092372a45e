/* ctx: what every domain call needs to know about the request it serves: the arena that owns
 * its memory, the database connection of this worker, where errors go, the language of
 * messages, who is calling, and the clock. Built by the HTTP layer (or a CLI command / test). */
#ifndef MADO_CTX_H
#define MADO_CTX_H

#include "core/err.h"

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct db;

/* Record permissions; a token or user carries a set of them per app. */
enum acl_perm {
    ACL_VIEW = 1 << 0,
    ACL_ADD = 1 << 1,
    ACL_EDIT = 1 << 2,
    ACL_DELETE = 1 << 3,
    ACL_MANAGE = 1 << 4,
    ACL_IMPORT = 1 << 5,
    ACL_EXPORT = 1 << 6,
    ACL_ALL = 0x7f,
};

#define PRINCIPAL_MAX_TOKENS 9

struct principal {
    enum { PRIN_NONE, PRIN_USER, PRIN_TOKEN, PRIN_SYSTEM } kind;
    int64_t user_id;   /* PRIN_USER */
    const char *login; /* code shown as creator/modifier ("Administrator" for tokens) */
    const char *name;
    bool is_admin;     /* named system administrator (システム管理者) */
    bool is_service;   /* service account (API only) */
    int64_t session_id; /* browser session (0 = API credentials) */
    int ntokens;
    struct {
        int64_t app_id;
        unsigned perms;
        int64_t id; /* api_tokens row (the audit log names tokens by it) */
    } tokens[PRINCIPAL_MAX_TOKENS];
    /* Directory facts for ACL entities, loaded on first use by acl.c (arena memory):
     * group codes (always including "everyone", and "Administrators" for admins),
     * organisation codes the user belongs to, and those plus all their ancestors. */
    bool dir_loaded;
    int ngroups, norgs, norg_tree;
    const char **groups, **orgs, **org_tree;
    const char *primary_org; /* code or NULL */
};

struct ctx {
    struct arena *arena;
    struct db *db;
    struct fail *fail;
    enum lang lang;
    struct principal who;
    int64_t now;      /* Unix seconds, fixed for the whole request */
    int tz_offset;    /* caller's time zone, minutes east of UTC (Asia/Tokyo = 540) */
    bool preview;     /* /k/v1/preview/... : app settings of the preview (not yet deployed) */
    void *acl_cache;  /* acl.c: rules compiled for this request's caller (arena memory) */
    const char *ip;   /* client address (X-Forwarded-For only from trusted proxies); "" if unknown */
    void *audit;      /* audit.c: details domain code attached to this request's audit entry */
    /* what the request did when its route's audit action and target are too coarse (a
     * portal page that downloads a document): set by the handler, NULL = the route's */
    const char *audit_action, *audit_target;
};

#endif
