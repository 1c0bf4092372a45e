/* Start-up shared by the subcommands. */
#include "cmd/cmd.h"

#include "core/arena.h"
#include "core/clock.h"
#include "core/log.h"
#include "db/db.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/blob.h"
#include "domain/file.h"
#include "domain/form.h"
#include "domain/portal.h"
#include "domain/wf.h"
#include "pdf/pdf_issue.h"
#include "sec/sec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int
runtime_args(struct runtime *rt, int argc, char **argv, char **rest, int *nrest,
             void (*usage)(FILE *))
{
    const char *conf = NULL;
    memset(rt, 0, sizeof(*rt));
    *nrest = 0;
    if (argc > RUNTIME_MAX_ARGS) {
        usage(stderr);
        return 2;
    }
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            conf = argv[i + 1];
    if (!config_load(&rt->cfg, conf))
        return 2;
    for (int i = 0; i < argc;) {
        int used = 0;
        if (strcmp(argv[i], "--config") == 0) {
            i += 2;
            continue;
        }
        if (!config_flag(&rt->cfg, argc, argv, i, &used))
            return 2;
        if (used) {
            i += used;
            continue;
        }
        rest[(*nrest)++] = argv[i++];
    }
    if (strcmp(rt->cfg.log_level, "debug") == 0)
        log_set_level(LOG_DEBUG);
    else if (strcmp(rt->cfg.log_level, "warn") == 0)
        log_set_level(LOG_WARN);
    else if (strcmp(rt->cfg.log_level, "error") == 0)
        log_set_level(LOG_ERROR);
    for (int i = 0; i < *nrest; i++) {
        if (!strcmp(rest[i], "--help") || !strcmp(rest[i], "-h")) {
            usage(stdout);
            config_release(&rt->cfg);
            return 0;
        }
    }
    return -1;
}

static int
mkdir_p(const char *path, mode_t mode)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n >= sizeof(buf))
        return -1;
    memcpy(buf, path, n + 1);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, mode) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    }
    if (mkdir(buf, mode) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

int
runtime_open(struct runtime *rt)
{
    if (sec_init() < 0) {
        fprintf(stderr, "madoguchi: libsodium failed to initialise\n");
        return 1;
    }
    if (mkdir_p(rt->cfg.data, 0700) != 0) {
        fprintf(stderr, "madoguchi: cannot create data directory '%s': %s\n", rt->cfg.data,
                strerror(errno));
        return 1;
    }
    char *key_path = config_key_path(&rt->cfg);
    char *slash = strrchr(key_path, '/');
    if (slash) {
        *slash = '\0';
        mkdir_p(key_path, 0700);
        *slash = '/';
    }
    enum err e = sec_key_load(key_path, true, &rt->key);
    if (e != ERR_OK) {
        fprintf(stderr, "madoguchi: cannot load or create the master key '%s'\n", key_path);
        free(key_path);
        return 1;
    }
    free(key_path);
    rt->db_url = config_db_url(&rt->cfg);
    char *blobs = NULL;
    bool pg = strncmp(rt->db_url, "postgres", 8) == 0 || strstr(rt->db_url, "dbname=") ||
              strstr(rt->db_url, "host=");
    if (!pg) {
        size_t n = strlen(rt->cfg.data) + 16;
        blobs = xmalloc(n);
        snprintf(blobs, n, "%s/blobs", rt->cfg.data);
        mkdir_p(blobs, 0700);
    }
    int brc = blob_init(blobs, rt->key);
    free(blobs);
    if (!auth_configure(&rt->cfg, rt->key)) /* message printed: a bad CIDR list */
        return 1;
    if (!audit_configure(&rt->cfg))
        return 1;
    form_configure((int)rt->cfg.forms_draft_days);
    portal_configure(rt->cfg.public_url);
    wf_set_status_hook(pdf_on_status); /* templates with "auto" issue on entering a status */
    if (brc < 0 || file_init() < 0) {
        fprintf(stderr, "madoguchi: cannot initialise the blob store\n");
        return 1;
    }
    char *err = NULL;
    if (db_open(rt->db_url, &rt->db, &err) != DB_OK) {
        fprintf(stderr, "madoguchi: %s\n", err ? err : "cannot open the database");
        free(err);
        return 1;
    }
    if (db_migrate(rt->db, &err) != DB_OK) {
        fprintf(stderr, "madoguchi: migration failed: %s\n", err ? err : "?");
        free(err);
        return 1;
    }
    return 0;
}

void
runtime_close(struct runtime *rt)
{
    db_close(rt->db);
    rt->db = NULL;
    file_shutdown();
    blob_shutdown();
    sec_key_free(rt->key);
    rt->key = NULL;
    free(rt->db_url);
    rt->db_url = NULL;
    config_release(&rt->cfg);
}

void
runtime_ctx(struct runtime *rt, struct ctx *c, struct arena *a, struct fail *f)
{
    memset(c, 0, sizeof(*c));
    fail_init(f, a, LANG_JA);
    c->arena = a;
    c->db = rt->db;
    c->fail = f;
    c->lang = LANG_JA;
    c->now = clock_now_ms() / 1000;
    c->tz_offset = 540;
    c->who.kind = PRIN_SYSTEM;
    c->who.login = "system";
    c->who.name = "system";
    c->who.is_admin = true;
}
