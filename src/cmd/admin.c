/* madoguchi migrate | user | token | record: the operator's account and schema tools (the
 * user verbs themselves are in user_cmd.c). */
#include "cmd/cmd.h"
#include "cmd/user_cmd.h"

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
    fputs("usage: madoguchi user VERB [--data DIR] [--db URL] ...   (docs/admin.md)\n\n"
          "  add LOGIN --name NAME [--name-en N] [--email E] [--org CODE]... [--primary-org CODE]\n"
          "            [--group CODE]... [--admin] [--service] [--disabled] [--sort N]\n"
          "            [--password-stdin [--temporary]]\n"
          "      adds a user. Without --password-stdin a temporary password is generated and\n"
          "      printed once; with it (first line of stdin) the password is a normal one unless\n"
          "      --temporary. --login LOGIN may replace LOGIN (older scripts).\n"
          "  set LOGIN [--name N] [--name-en N] [--email E] [--org CODE]... | --no-orgs\n"
          "            [--primary-org CODE] [--group CODE]... | --no-groups [--admin | --no-admin]\n"
          "            [--service | --no-service] [--sort N]\n"
          "      changes a user; --org / --group replace the memberships (repeat them or use\n"
          "      commas); the primary organisation is always one of the user's organisations\n"
          "  list [--org CODE | --group CODE] [--json]\n"
          "  show LOGIN [--json]\n"
          "  disable LOGIN | enable LOGIN      (users are never deleted; disabling ends sessions)\n"
          "  unlock LOGIN                      clears failed logins and the lock\n"
          "  reset-mfa LOGIN                   removes the TOTP secret and recovery codes\n"
          "  password LOGIN [--temporary] --password-stdin | --generate\n"
          "      sets a password (--generate: a temporary one, printed once)\n"
          "  passwd --login LOGIN --password-stdin   (older spelling of password)\n"
          "  import FILE|- [--memberships] [--dry-run] [--json]\n"
          "      CSV import of users (or memberships), all rows or none\n\n"
          "  --admin    named system administrator (システム管理者): app settings, admin area\n"
          "  --service  service account: may authenticate with X-Cybozu-Authorization\n"
          "Every change is recorded in the security event trail (actor \"cli\").\n",
          out);
}

int
cmd_user(int argc, char **argv)
{
    static const struct {
        const char *verb;
        int (*fn)(struct runtime *, int, char **);
    } verbs[] = {
        { "add", user_cmd_add },         { "set", user_cmd_set },
        { "list", user_cmd_list },       { "show", user_cmd_show },
        { "disable", user_cmd_disable }, { "enable", user_cmd_enable },
        { "unlock", user_cmd_unlock },   { "reset-mfa", user_cmd_reset_mfa },
        { "password", user_cmd_password }, { "passwd", user_cmd_passwd },
        { "import", user_cmd_import },
    };
    struct runtime rt;
    char *rest[RUNTIME_MAX_ARGS];
    int nrest;
    int rc = runtime_args(&rt, argc, argv, rest, &nrest, user_usage);
    if (rc >= 0)
        return rc;
    for (size_t i = 0; nrest && i < sizeof(verbs) / sizeof(verbs[0]); i++)
        if (!strcmp(rest[0], verbs[i].verb))
            return verbs[i].fn(&rt, nrest - 1, rest + 1);
    user_usage(stderr);
    config_release(&rt.cfg);
    return 2;
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
