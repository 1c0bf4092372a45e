/* acl_int: what acl.c and acl_record.c share: entity matching and the per-request cache of
 * decisions for one caller and app. */
#ifndef MADO_ACL_INT_H
#define MADO_ACL_INT_H

#include "domain/acl.h"
#include "domain/query.h"
#include "core/strbuf.h"

enum acl_match { ACL_MATCH_NO, ACL_MATCH_YES, ACL_MATCH_FIELD };

/* Does the caller match entity {type, code}? FIELD_ENTITY answers ACL_MATCH_FIELD (decided per
 * record). app_creator: login of the app's creator for the CREATOR entity, or NULL. */
enum acl_match acl_entity_match(struct ctx *c, const json_t *entity, bool subs,
                                const char *app_creator);

enum acl_access { ACC_NONE = 0, ACC_READ = 1, ACC_WRITE = 2 };

struct acl_field_rule {
    const char *code;
    const json_t *entities; /* borrowed from the definition */
    bool dynamic;           /* a FIELD_ENTITY comes before any entity that matches statically */
    enum acl_access fixed;  /* when !dynamic */
};

struct acl_cache {
    int64_t app_id, revision;
    bool have_app_rights;
    unsigned app_rights;
    bool admin_granted; /* ACL_MANAGE only because the caller is a named administrator */
    bool admin_logged;
    bool have_fields;
    struct acl_fields fields;
    int nrules;
    struct acl_field_rule *rules;
    int nrecord_rules;
    signed char *rule_static; /* per record rule: 1 pre-evaluated, 0 not, -1 unknown yet */
    struct acl_cache *next;
};

/* The request's cache entry for the app (created empty), or NULL for callers without rules. */
struct acl_cache *acl_cache_for(struct ctx *c, const struct app_def *live);

#endif
