/* Internals of `madoguchi pack` (pack_cmd.c): one installer run drives the real route table
 * in-process (api_handle, as the API tests do) with a service account of its own
 * ("pack-installer", a fresh random password each run that is never stored or shown), so every
 * definition goes through the same checks and audit entries as over HTTP. */
#ifndef MADO_PACK_INT_H
#define MADO_PACK_INT_H

#include "cmd/cmd.h"
#include "core/arena.h"

#include <jansson.h>
#include <stdbool.h>

#define PACK_INSTALLER "pack-installer"
#define PACK_DEMO_TOKEN "pack:installer" /* name of the run's temporary API tokens (revoked after) */

struct pack_run {
    struct runtime *rt;
    struct arena *a;
    struct fail f;
    struct ctx c;        /* the system, for the domain calls around the API */
    char auth[256];      /* X-Cybozu-Authorization value of the installer account */
    const char *dir;     /* the pack directory */
    const char *code;    /* the pack's code */
    json_t *manifest;    /* pack.json */
    json_t *chocho;      /* reference/chocho.json or NULL */
    json_t *tree, *route_map, *route_check; /* made from chocho */
    json_t *apps;        /* {app code: id} of this run */
    long long ledger_id; /* the 審査台帳 app (ledger/app.json) or 0 */
    json_t *ledger_def;  /* its app.json (fields and "sources") */
    json_t *tokens;      /* {app id: API token} made by pack_app_token, revoked at the end */
    const char *file;    /* the file being applied, for error reports */
    /* the last response */
    int status;
    json_t *resp;
    bool quiet;
};

/* Opens the installer account (creates it the first time) and the system ctx. */
int pack_run_open(struct pack_run *p, struct runtime *rt);
void pack_run_close(struct pack_run *p);

/* One JSON request through api_handle (body may be NULL; borrowed). token: an API token to
 * use instead of the installer account, or NULL. Returns the HTTP status; p->resp holds the
 * parsed answer until the next call. */
int pack_call(struct pack_run *p, const char *method, const char *path, const json_t *body,
              const char *token);
/* GET with a printf-formatted target. */
int pack_get(struct pack_run *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* GET records.json of app with a query (only $id asked). */
int pack_records(struct pack_run *p, long long app, const char *query);
/* An API token with every right on the app (a token acts as the app's administrator, outside
 * the app's own permission lists and the process's assignees), made once per run and revoked
 * by pack_tokens_revoke_all (pack_run_close does it). NULL when it cannot be made. */
const char *pack_app_token(struct pack_run *p, long long app);
void pack_tokens_revoke_all(struct pack_run *p);
/* Uploads a file (POST /k/v1/file.json); the fileKey (arena) or NULL. */
const char *pack_upload(struct pack_run *p, const char *path);
/* Prints "<file>: <what>: HTTP <status> <error JSON>" to stderr. Returns 1. */
int pack_fail(struct pack_run *p, const char *what);

/* pack_install.c */
int pack_install(struct pack_run *p, bool demo);
int pack_list(struct pack_run *p);
/* pack_demo.c */
int pack_demo_add(struct pack_run *p);
int pack_demo_remove(struct pack_run *p, const char *code);
/* The pack's app ids: {code: id} from the settings table. */
json_t *pack_app_ids(struct pack_run *p, const char *pack);

/* Reads a JSON file under the pack directory (NULL + message on stderr when it cannot). */
json_t *pack_read_json(struct pack_run *p, const char *rel, bool must);
char *pack_read_text(struct pack_run *p, const char *rel, size_t *len, bool must);

#endif
