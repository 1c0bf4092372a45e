/* madoguchi migrate | user add | token add: the operator's account and schema tools. */
#include "cmd/cmd.h"

#include "core/arena.h"
#include "core/ipnet.h"
#include "db/db.h"
#include "domain/app.h"
#include "domain/auth.h"
#include "domain/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
migrate_usage(FILE *out)
{
    fputs("usage: madoguchi migrate [--data DIR] [--db URL]\n\n"
          "Creates the data directory if needed and applies every pending schema migration\n"
          "(forward-only, in one transaction). Prints the schema version.\n",
          out);
}

int
cmd_migrate(int argc, char **argv)
{
    struct runtime rt;
    char *rest[RUNTIME_MAX_ARGS];
    int nrest;
    int rc = runtime_args(&rt, argc, argv, rest, &nrest, migrate_usage);
    if (rc >= 0)
        return rc;
    if (nrest) {
        migrate_usage(stderr);
        config_release(&rt.cfg);
        return 2;
    }
    rc = runtime_open(&rt);
    if (rc == 0) {
        int v = 0;
        db_schema_version(rt.db, &v);
        printf("schema version %d\n", v);
    }
    runtime_close(&rt);
    return rc;
}

static void
user_usage(FILE *out)
{
    fputs("usage: madoguchi user add --data DIR --login NAME --password-stdin [--name NAME]\n"
          "                          [--admin] [--service]\n"
          "       madoguchi user passwd --data DIR --login NAME --password-stdin\n\n"
          "  --password-stdin  read the password from the first line of standard input\n"
          "  --admin           may create apps and change app settings\n"
          "  --service         an account for API clients: may authenticate with\n"
          "                    X-Cybozu-Authorization (login:password)\n",
          out);
}

static int
read_password(char *buf, size_t n)
{
    if (!fgets(buf, (int)n, stdin))
        return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

int
cmd_user(int argc, char **argv)
{
    struct runtime rt;
    char *rest[RUNTIME_MAX_ARGS];
    int nrest;
    int rc = runtime_args(&rt, argc, argv, rest, &nrest, user_usage);
    if (rc >= 0)
        return rc;
    const char *verb = nrest ? rest[0] : "", *login = NULL, *name = NULL;
    bool admin = false, service = false, pw_stdin = false;
    for (int i = 1; i < nrest; i++) {
        if (!strcmp(rest[i], "--login") && i + 1 < nrest)
            login = rest[++i];
        else if (!strcmp(rest[i], "--name") && i + 1 < nrest)
            name = rest[++i];
        else if (!strcmp(rest[i], "--admin"))
            admin = true;
        else if (!strcmp(rest[i], "--service"))
            service = true;
        else if (!strcmp(rest[i], "--password-stdin"))
            pw_stdin = true;
        else
            verb = "";
    }
    if ((strcmp(verb, "add") && strcmp(verb, "passwd")) || !login || !*login || !pw_stdin) {
        user_usage(stderr);
        config_release(&rt.cfg);
        return 2;
    }
    char pw[1024];
    if (read_password(pw, sizeof(pw)) != 0 || strlen(pw) < 8) {
        fputs("madoguchi user: the password (first line of stdin) must have at least 8 "
              "characters\n",
              stderr);
        config_release(&rt.cfg);
        return 2;
    }
    rc = runtime_open(&rt);
    if (rc == 0) {
        struct arena *a = arena_new();
        struct ctx c;
        struct fail f;
        runtime_ctx(&rt, &c, a, &f);
        int64_t id = 0;
        enum err e = !strcmp(verb, "add")
                         ? auth_user_add(&c, login, name, pw, admin, service, &id)
                         : auth_user_set_password(&c, login, pw);
        if (e == ERR_OK) {
            printf(!strcmp(verb, "add") ? "user %s added\n" : "password of %s changed\n", login);
        } else {
            fprintf(stderr, "madoguchi user: %s\n",
                    fail_has_fields(&f) ? "that login already exists or is invalid"
                                        : (f.message ? f.message : "failed"));
            rc = 1;
        }
        arena_free(a);
    }
    memset(pw, 0, sizeof(pw));
    runtime_close(&rt);
    return rc;
}

static void
token_usage(FILE *out)
{
    fputs("usage: madoguchi token add --data DIR --app N [--view] [--add] [--edit] [--delete]\n"
          "                           [--manage] [--name TEXT] [--allow-ip CIDRS]\n\n"
          "Creates an API token for app N (X-Cybozu-API-Token) with the given permissions\n"
          "(--view when none is given) and prints it on the last line. Only a hash is stored:\n"
          "the token cannot be shown again.\n\n"
          "  --name TEXT       what the token is for (shown to administrators)\n"
          "  --allow-ip CIDRS  the token works only from these addresses, e.g.\n"
          "                    \"192.0.2.0/24, 2001:db8::/32\" (default: from anywhere)\n",
          out);
}

int
cmd_token(int argc, char **argv)
{
    struct runtime rt;
    char *rest[RUNTIME_MAX_ARGS];
    int nrest;
    int rc = runtime_args(&rt, argc, argv, rest, &nrest, token_usage);
    if (rc >= 0)
        return rc;
    long long app = 0;
    unsigned perms = 0;
    const char *name = "", *allow = "";
    bool ok = nrest > 0 && !strcmp(rest[0], "add");
    for (int i = 1; i < nrest && ok; i++) {
        if (!strcmp(rest[i], "--name") && i + 1 < nrest) {
            name = rest[++i];
        } else if (!strcmp(rest[i], "--allow-ip") && i + 1 < nrest) {
            allow = rest[++i];
        } else if (!strcmp(rest[i], "--app") && i + 1 < nrest) {
            char *end;
            app = strtoll(rest[++i], &end, 10);
            ok = *end == '\0' && app > 0;
        } else if (!strcmp(rest[i], "--view")) {
            perms |= ACL_VIEW;
        } else if (!strcmp(rest[i], "--add")) {
            perms |= ACL_ADD;
        } else if (!strcmp(rest[i], "--edit")) {
            perms |= ACL_EDIT;
        } else if (!strcmp(rest[i], "--delete")) {
            perms |= ACL_DELETE;
        } else if (!strcmp(rest[i], "--manage")) {
            perms |= ACL_MANAGE;
        } else {
            ok = false;
        }
    }
    if (!ok || app <= 0) {
        token_usage(stderr);
        config_release(&rt.cfg);
        return 2;
    }
    if (!perms)
        perms = ACL_VIEW;
    if (*allow) { /* checked before anything is opened, with the parser the server uses */
        char err[200] = "";
        struct ipnet_list *l = ipnet_list_parse(allow, err, sizeof(err));
        if (!l) {
            fprintf(stderr, "madoguchi token: --allow-ip: %s\n", err);
            config_release(&rt.cfg);
            return 2;
        }
        ipnet_list_free(l);
    }
    rc = runtime_open(&rt);
    if (rc == 0) {
        struct arena *a = arena_new();
        struct ctx c;
        struct fail f;
        runtime_ctx(&rt, &c, a, &f);
        char token[64];
        enum err e = auth_token_create(&c, app, perms, name, allow, token);
        if (e == ERR_OK) {
            printf("API token for app %lld (permissions:%s%s%s%s%s; from: %s):\n%s\n", app,
                   perms & ACL_VIEW ? " view" : "", perms & ACL_ADD ? " add" : "",
                   perms & ACL_EDIT ? " edit" : "", perms & ACL_DELETE ? " delete" : "",
                   perms & ACL_MANAGE ? " manage" : "", *allow ? allow : "anywhere", token);
        } else {
            fprintf(stderr, "madoguchi token: %s\n",
                    fail_has_fields(&f) ? "the --allow-ip list is too long"
                                        : (f.message ? f.message : "failed"));
            rc = 1;
        }
        arena_free(a);
    }
    runtime_close(&rt);
    return rc;
}

static void
record_usage(FILE *out)
{
    fputs("usage: madoguchi record restore --data DIR --app N --id M\n\n"
          "Brings back a deleted record (deletes only mark records). The record gets a new\n"
          "revision and a \"restore\" entry in its history.\n",
          out);
}

int
cmd_record(int argc, char **argv)
{
    struct runtime rt;
    char *rest[RUNTIME_MAX_ARGS];
    int nrest;
    int rc = runtime_args(&rt, argc, argv, rest, &nrest, record_usage);
    if (rc >= 0)
        return rc;
    long long app = 0, id = 0;
    bool ok = nrest > 0 && !strcmp(rest[0], "restore");
    for (int i = 1; i < nrest && ok; i++) {
        char *end = NULL;
        if (!strcmp(rest[i], "--app") && i + 1 < nrest)
            app = strtoll(rest[++i], &end, 10);
        else if (!strcmp(rest[i], "--id") && i + 1 < nrest)
            id = strtoll(rest[++i], &end, 10);
        else
            ok = false;
        if (ok && end && *end)
            ok = false;
    }
    if (!ok || app <= 0 || id <= 0) {
        record_usage(stderr);
        config_release(&rt.cfg);
        return 2;
    }
    rc = runtime_open(&rt);
    if (rc == 0) {
        struct arena *a = arena_new();
        struct ctx c;
        struct fail f;
        runtime_ctx(&rt, &c, a, &f);
        struct app_def d;
        int64_t rev = 0;
        enum err e = db_begin(rt.db, true) == DB_OK ? ERR_OK : ERR_UNAVAILABLE;
        if (e == ERR_OK)
            e = app_load(&c, app, false, &d);
        if (e == ERR_OK)
            e = rec_restore(&c, &d, id, &rev);
        if (e == ERR_OK && db_commit(rt.db) != DB_OK)
            e = ERR_INTERNAL;
        if (e == ERR_OK) {
            printf("record %lld of app %lld restored (revision %lld)\n", id, app, (long long)rev);
        } else {
            db_rollback(rt.db);
            fprintf(stderr, "madoguchi record: %s\n", f.message ? f.message : "failed");
            if (f.errors) {
                char *s = json_dumps(f.errors, JSON_COMPACT);
                fprintf(stderr, "%s\n", s);
                free(s);
            }
            rc = 1;
        }
        arena_free(a);
    }
    runtime_close(&rt);
    return rc;
}
