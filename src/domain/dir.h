/* dir: the staff directory. Users (code = login name), organisations as a tree (parent by
 * code, no cycles), groups (= roles: 担当, 係長, 課長 ...) and memberships (a user belongs to
 * several organisations and groups; the primary organisation is always one of them). One
 * engine serves the admin API, the CLI and CSV import: every write goes through the *_save
 * functions, which validate (field errors in Japanese/English under the API's JSON keys),
 * detect what actually changes and return a JSON description of it for the event trail.
 * Never exposes password hashes or TOTP secrets; lock and MFA state only in the
 * administrator view. Callers own the transaction and the event_log() call. */
#ifndef MADO_DIR_H
#define MADO_DIR_H

#include "domain/ctx.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DIR_CODE_MAX 128   /* characters, as cybozu's User API */
#define DIR_NAME_MAX 128
#define DIR_TEXT_MAX 1000  /* group description */
#define DIR_LIST_MAX 100   /* ids/codes per User API call, orgs/groups per user write */
#define DIR_TEMP_PASSWORD_LEN 16

struct dir_user {
    int64_t id;
    const char *code, *name, *name_en, *email;
    int64_t primary_org_id; /* 0 = none */
    const char *primary_org; /* its code, or NULL */
    bool is_admin, is_service, disabled;
    int64_t sort_order, created_at, updated_at;
    /* administrator view only (CLI show, admin JSON); never in the User API */
    bool must_change_password, totp_enabled, has_password;
    int64_t failed_logins, locked_until, last_login_at;
    const char *last_login_ip;
};

struct dir_org {
    int64_t id;
    const char *code, *name, *name_en;
    int64_t parent_id; /* 0 = top level */
    const char *parent; /* parent code or NULL */
    int64_t sort_order;
};

struct dir_group {
    int64_t id;
    const char *code, *name, *name_en, *description;
};

/* Which rows a list returns. Keys (ids or codes, not both) select those rows; org / group
 * select the members of one organisation / group (users only). limit 0 = no limit. Results
 * are ordered by id, as cybozu's User API. */
struct dir_query {
    const int64_t *ids;
    const char *const *codes;
    size_t nkeys;
    const char *org, *group;
    int64_t offset, limit;
};

enum dir_mode { DIR_CREATE, DIR_UPDATE, DIR_UPSERT };
enum dir_action { DIR_UNCHANGED, DIR_CREATED, DIR_UPDATED };

struct dir_result {
    enum dir_action action;
    int64_t id;
    const char *password; /* temporary password generated here: show it once, never log it */
    const char *detail;   /* JSON object of what changed (passwords only as "set"/"generated") */
};

/* A user write. NULL / -1 / false = keep (update) or the default (create). */
struct dir_user_in {
    const char *code;
    const char *name, *name_en, *email;
    const char *primary_org; /* org code; "" = none requested (the first organisation wins) */
    bool set_orgs, set_groups; /* replace the memberships with orgs / groups */
    const char *const *orgs;
    size_t norgs;
    const char *const *groups;
    size_t ngroups;
    int admin, service, disabled; /* -1 keep, 0, 1 */
    bool set_sort;
    int64_t sort_order;
    /* A temporary password (the user must change it at the next login). On create, NULL
     * means: generate one and return it in dir_result.password. */
    const char *password;
    bool no_password; /* dry runs: neither generate nor set passwords */
};

struct dir_org_in {
    const char *code, *name, *name_en;
    const char *parent; /* NULL keep (update) / top level (create); "" = top level */
    bool set_sort;
    int64_t sort_order;
};

struct dir_group_in {
    const char *code, *name, *name_en, *description;
};

/* ---- users (dir_user.c) ---- */
enum err dir_user_save(struct ctx *c, const struct dir_user_in *in, enum dir_mode mode,
                       struct dir_result *res) MUST_CHECK;
/* ERR_NOT_FOUND when there is no such user. */
enum err dir_user_get(struct ctx *c, const char *code, struct dir_user *out) MUST_CHECK;
enum err dir_users_list(struct ctx *c, const struct dir_query *q, struct dir_user **out,
                        size_t *n) MUST_CHECK;
/* The user's organisations (sort order, then id) and groups (id order). */
enum err dir_user_orgs(struct ctx *c, int64_t user_id, struct dir_org **out, size_t *n) MUST_CHECK;
enum err dir_user_groups(struct ctx *c, int64_t user_id, struct dir_group **out,
                         size_t *n) MUST_CHECK;
/* Clears failed_logins and locked_until. */
enum err dir_user_unlock(struct ctx *c, const char *code, struct dir_result *res) MUST_CHECK;
/* Clears the TOTP secret, its replay guard and the recovery codes (the user enrols again). */
enum err dir_user_reset_mfa(struct ctx *c, const char *code, struct dir_result *res) MUST_CHECK;
/* Sets a password (policy-checked by auth_password_set); NULL = generate a temporary one
 * (returned in res->password). temporary = must change it at the next login. */
enum err dir_user_password(struct ctx *c, const char *code, const char *password, bool temporary,
                           struct dir_result *res) MUST_CHECK;
/* A random password of DIR_TEMP_PASSWORD_LEN characters from an alphabet without look-alikes
 * (0/O/o, 1/l/I), with at least one lower-case letter, upper-case letter and digit. */
void dir_password_generate(char out[DIR_TEMP_PASSWORD_LEN + 1]);

/* ---- organisations (dir_org.c) ---- */
enum err dir_org_save(struct ctx *c, const struct dir_org_in *in, enum dir_mode mode,
                      struct dir_result *res) MUST_CHECK;
/* Refused (field error under "code") while the organisation has sub-organisations or members. */
enum err dir_org_delete(struct ctx *c, const char *code, struct dir_result *res) MUST_CHECK;
enum err dir_org_get(struct ctx *c, const char *code, struct dir_org *out) MUST_CHECK;
enum err dir_orgs_list(struct ctx *c, const struct dir_query *q, struct dir_org **out,
                       size_t *n) MUST_CHECK;

/* ---- groups and memberships (dir_group.c) ---- */
enum err dir_group_save(struct ctx *c, const struct dir_group_in *in, enum dir_mode mode,
                        struct dir_result *res) MUST_CHECK;
/* Refused (field error under "code") while the group has members. */
enum err dir_group_delete(struct ctx *c, const char *code, struct dir_result *res) MUST_CHECK;
enum err dir_group_get(struct ctx *c, const char *code, struct dir_group *out) MUST_CHECK;
enum err dir_groups_list(struct ctx *c, const struct dir_query *q, struct dir_group **out,
                         size_t *n) MUST_CHECK;
/* Adds (add=true) or removes one user of a group; res->action DIR_UNCHANGED when it already
 * was (not) a member. */
enum err dir_group_member(struct ctx *c, const char *group, const char *user, bool add,
                          struct dir_result *res) MUST_CHECK;
/* kintone's virtual groups ("everyone", "Administrators") cannot be real groups. */
bool dir_group_code_reserved(const char *code);

/* ---- CSV import (dir_import.c); the formats are in docs/admin.md ---- */
enum dir_import_kind { DIR_IMPORT_USERS, DIR_IMPORT_ORGS, DIR_IMPORT_GROUPS, DIR_IMPORT_MEMBERSHIPS };

struct dir_import_row {
    int line;
    const char *code;
    enum dir_action action;
    const char *password; /* generated for a new user (not in dry runs) */
};

struct dir_import_report {
    bool dry_run;
    size_t created, updated, unchanged;
    struct dir_import_row *rows;
    size_t nrows;
    const char *detail; /* summary JSON for the event trail */
};

/* "users", "orgs", "groups", "memberships" → kind; false if unknown. */
bool dir_import_kind_parse(const char *s, enum dir_import_kind *out);
const char *dir_import_kind_name(enum dir_import_kind k);
/* Applies a whole file in a savepoint: all rows or nothing. On failure the errors are field
 * errors keyed "lines[N].column" (N = physical line, the header is line 1) and nothing is
 * changed. A dry run validates and counts everything, then rolls the savepoint back. */
enum err dir_import(struct ctx *c, enum dir_import_kind kind, const char *csv, size_t n,
                    bool dry_run, struct dir_import_report *rep) MUST_CHECK;

/* ---- JSON shapes (dir_json.c) ---- */
/* cybozu User API types (User, Organization, Group); tz is the User.timezone value. */
json_t *dir_user_json(const struct dir_user *u, const char *tz);
json_t *dir_org_json(const struct dir_org *o);
json_t *dir_group_json(const struct dir_group *g);
/* The administrator's view of a user (CLI show/list --json): the User API shape plus roles,
 * memberships and login state. orgs/groups may be NULL. */
json_t *dir_user_admin_json(const struct dir_user *u, const char *tz, const struct dir_org *orgs,
                            size_t norgs, const struct dir_group *groups, size_t ngroups);

#endif
