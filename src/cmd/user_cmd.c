/* The verbs of `madoguchi user`: directory writes go through dir_user_save like the admin
 * API; `add --password-stdin` keeps its original meaning (a normal password, set with
 * auth_user_add) because deployment scripts create their service accounts that way. */
#include "cmd/user_cmd.h"

#include "cmd/dir_cli.h"
#include "core/arena.h"
#include "core/clock.h"
#include "domain/auth.h"
#include "sec/sec.h"

#include <stdlib.h>
#include <string.h>

struct uargs {
    const char *pos[DIRCLI_MAX_POS];
    int npos;
    const char *login, *name, *name_en, *email, *primary, *sort, *org, *group;
    struct dircli_list orgs, groups;
    bool admin, no_admin, service, no_service, disabled, no_orgs, no_groups;
    bool pw_stdin, temporary, generate, json, dry_run, memberships;
    char pw[1024];
    struct dir_user_in in;
};

static const char *
code_arg(struct uargs *u)
{
    return u->login ? u->login : u->npos ? u->pos[0] : NULL;
}

static int
usage_error(struct runtime *rt, const char *msg)
{
    fprintf(stderr, "madoguchi user: %s (see madoguchi user --help)\n", msg);
    config_release(&rt->cfg);
    return 2;
}

static bool
parse(int argc, char **argv, const struct dircli_opt *opts, struct uargs *u, int maxpos)
{
    return dircli_parse("user", argc, argv, opts, u->pos, &u->npos, maxpos);
}

static int
read_password(char *buf, size_t n)
{
    if (!fgets(buf, (int)n, stdin))
        return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

/* The directory fields shared by add and set, into u->in. */
static bool
fill_in(struct uargs *u)
{
    struct dir_user_in *in = &u->in;
    memset(in, 0, sizeof(*in));
    in->code = code_arg(u);
    in->name = u->name;
    in->name_en = u->name_en;
    in->email = u->email;
    in->primary_org = u->primary;
    in->set_orgs = u->orgs.set || u->no_orgs;
    in->orgs = u->orgs.v;
    in->norgs = u->no_orgs ? 0 : u->orgs.n;
    in->set_groups = u->groups.set || u->no_groups;
    in->groups = u->groups.v;
    in->ngroups = u->no_groups ? 0 : u->groups.n;
    in->admin = u->admin ? 1 : u->no_admin ? 0 : -1;
    in->service = u->service ? 1 : u->no_service ? 0 : -1;
    in->disabled = u->disabled ? 1 : -1;
    if (u->sort) {
        char *end;
        long long v = strtoll(u->sort, &end, 10);
        if (*end || end == u->sort)
            return false;
        in->set_sort = true;
        in->sort_order = v;
    }
    return true;
}

#define DIR_FIELD_OPTS                                                                             \
    { "--name", OPT_STR, &u.name }, { "--name-en", OPT_STR, &u.name_en },                         \
        { "--email", OPT_STR, &u.email }, { "--primary-org", OPT_STR, &u.primary },              \
        { "--org", OPT_LIST, &u.orgs }, { "--group", OPT_LIST, &u.groups },                      \
        { "--admin", OPT_FLAG, &u.admin }, { "--service", OPT_FLAG, &u.service },                \
        { "--sort", OPT_STR, &u.sort }

/* ---- add ---- */

/* The original `user add --password-stdin`: a normal (not temporary) password. */
static int
add_legacy(struct ctx *c, void *arg)
{
    struct uargs *u = arg;
    struct dir_user_in *in = &u->in;
    int64_t id = 0;
    if (auth_user_add(c, in->code, in->name, u->pw, in->admin == 1, in->service == 1, &id) !=
        ERR_OK)
        return 1;
    struct dir_result res = { .action = DIR_CREATED, .id = id };
    bool more = in->name_en || in->email || in->primary_org || in->set_orgs || in->set_groups ||
                in->set_sort || in->disabled == 1;
    if (more) {
        struct dir_user_in extra = *in;
        extra.name = NULL;
        extra.no_password = true;
        if (dir_user_save(c, &extra, DIR_UPDATE, &res) != ERR_OK)
            return 1;
        res.action = DIR_CREATED;
    }
    json_t *d = json_loads(res.detail ? res.detail : "{}", 0, NULL);
    json_object_set_new(d, "name", json_string(in->name ? in->name : in->code));
    json_object_set_new(d, "admin", json_boolean(in->admin == 1));
    json_object_set_new(d, "service", json_boolean(in->service == 1));
    json_object_set_new(d, "password", json_string("set"));
    char *s = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    res.detail = arena_strdup(c->arena, s ? s : "{}");
    free(s);
    dircli_event(c, "admin.user.create", in->code, &res);
    printf("user %s added\n", in->code);
    return 0;
}

static int
add_dir(struct ctx *c, void *arg)
{
    struct uargs *u = arg;
    struct dir_result res;
    u->in.password = u->pw_stdin ? u->pw : NULL;
    if (dir_user_save(c, &u->in, DIR_CREATE, &res) != ERR_OK)
        return 1;
    dircli_event(c, "admin.user.create", u->in.code, &res);
    printf("user %s added\n", u->in.code);
    if (res.password)
        printf("temporary password (shown once; must be changed at the first login):\n%s\n",
               res.password);
    return 0;
}

/* The ward's minimum length ([security] password_min, in characters) for passwords given on
 * standard input; says why on stderr when too short. */
static bool
long_enough(struct runtime *rt, const char *pw)
{
    long n = 0;
    for (const unsigned char *p = (const unsigned char *)pw; *p; p++)
        n += (*p & 0xC0) != 0x80; /* count code points, not bytes */
    if (n >= rt->cfg.password_min)
        return true;
    fprintf(stderr,
            "madoguchi user: パスワードは%ld文字以上にしてください / the password (first line of "
            "stdin) must have at least %ld characters\n",
            rt->cfg.password_min, rt->cfg.password_min);
    return false;
}

int
user_cmd_add(struct runtime *rt, int argc, char **argv)
{
    struct uargs u;
    memset(&u, 0, sizeof(u));
    const struct dircli_opt opts[] = { DIR_FIELD_OPTS,
                                       { "--login", OPT_STR, &u.login },
                                       { "--disabled", OPT_FLAG, &u.disabled },
                                       { "--password-stdin", OPT_FLAG, &u.pw_stdin },
                                       { "--temporary", OPT_FLAG, &u.temporary },
                                       { NULL, OPT_FLAG, NULL } };
    if (!parse(argc, argv, opts, &u, 1))
        return usage_error(rt, "bad arguments");
    if (!code_arg(&u) || (u.login && u.npos))
        return usage_error(rt, "give the login once (LOGIN or --login LOGIN)");
    if (!fill_in(&u))
        return usage_error(rt, "--sort needs a whole number");
    if (u.temporary && !u.pw_stdin)
        return usage_error(rt, "--temporary goes with --password-stdin");
    bool legacy = u.pw_stdin && !u.temporary;
    if (u.pw_stdin && read_password(u.pw, sizeof(u.pw)) != 0)
        return usage_error(rt, "no password on standard input");
    if (legacy && !long_enough(rt, u.pw)) {
        sec_wipe(u.pw, sizeof(u.pw));
        config_release(&rt->cfg);
        return 2;
    }
    if (!legacy && !u.name) {
        sec_wipe(u.pw, sizeof(u.pw));
        return usage_error(rt, "--name is required");
    }
    int rc = dircli_run(rt, "user", true, legacy ? add_legacy : add_dir, &u);
    sec_wipe(u.pw, sizeof(u.pw));
    return rc;
}

/* ---- set ---- */

static int
set_fn(struct ctx *c, void *arg)
{
    struct uargs *u = arg;
    struct dir_result res;
    u->in.no_password = true;
    if (dir_user_save(c, &u->in, DIR_UPDATE, &res) != ERR_OK)
        return 1;
    dircli_event(c, "admin.user.update", u->in.code, &res);
    printf("user %s %s\n", u->in.code, dircli_action(res.action));
    return 0;
}

int
user_cmd_set(struct runtime *rt, int argc, char **argv)
{
    struct uargs u;
    memset(&u, 0, sizeof(u));
    const struct dircli_opt opts[] = { DIR_FIELD_OPTS,
                                       { "--no-admin", OPT_FLAG, &u.no_admin },
                                       { "--no-service", OPT_FLAG, &u.no_service },
                                       { "--no-orgs", OPT_FLAG, &u.no_orgs },
                                       { "--no-groups", OPT_FLAG, &u.no_groups },
                                       { NULL, OPT_FLAG, NULL } };
    if (!parse(argc, argv, opts, &u, 1) || u.npos != 1)
        return usage_error(rt, "usage: user set LOGIN [options]");
    if ((u.admin && u.no_admin) || (u.service && u.no_service) || (u.orgs.set && u.no_orgs) ||
        (u.groups.set && u.no_groups))
        return usage_error(rt, "contradicting options");
    if (!fill_in(&u))
        return usage_error(rt, "--sort needs a whole number");
    return dircli_run(rt, "user", true, set_fn, &u);
}

/* ---- list / show ---- */

static const char *
yes_no(bool b)
{
    return b ? "yes" : "no";
}

static json_t *
admin_json(struct ctx *c, const struct dir_user *u)
{
    struct dir_org *o = NULL;
    struct dir_group *g = NULL;
    size_t no = 0, ng = 0;
    if (dir_user_orgs(c, u->id, &o, &no) != ERR_OK || dir_user_groups(c, u->id, &g, &ng) != ERR_OK)
        return NULL;
    return dir_user_admin_json(u, "Asia/Tokyo", o, no, g, ng);
}

static int
list_fn(struct ctx *c, void *arg)
{
    struct uargs *u = arg;
    struct dir_query q = { .org = u->org, .group = u->group };
    struct dir_user *users;
    size_t n;
    if (dir_users_list(c, &q, &users, &n) != ERR_OK)
        return 1;
    if (u->json) {
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *j = admin_json(c, &users[i]);
            if (!j) {
                json_decref(a);
                return 1;
            }
            json_array_append_new(a, j);
        }
        dircli_print_json(a);
        return 0;
    }
    printf("code\tname\tprimary org\tflags\n");
    for (size_t i = 0; i < n; i++) {
        const struct dir_user *x = &users[i];
        char flags[96] = "";
        if (x->is_admin)
            strcat(flags, "admin ");
        if (x->is_service)
            strcat(flags, "service ");
        if (x->disabled)
            strcat(flags, "disabled ");
        if (x->locked_until > c->now)
            strcat(flags, "locked ");
        if (x->totp_enabled)
            strcat(flags, "mfa ");
        if (x->must_change_password)
            strcat(flags, "temporary-password ");
        size_t fl = strlen(flags);
        if (fl)
            flags[fl - 1] = '\0'; /* trailing space */
        printf("%s\t%s\t%s\t%s\n", x->code, x->name, dircli_dash(x->primary_org),
               dircli_dash(flags));
    }
    return 0;
}

int
user_cmd_list(struct runtime *rt, int argc, char **argv)
{
    struct uargs u;
    memset(&u, 0, sizeof(u));
    const struct dircli_opt opts[] = { { "--org", OPT_STR, &u.org },
                                       { "--group", OPT_STR, &u.group },
                                       { "--json", OPT_FLAG, &u.json },
                                       { NULL, OPT_FLAG, NULL } };
    if (!parse(argc, argv, opts, &u, 0) || (u.org && u.group))
        return usage_error(rt, "usage: user list [--org CODE | --group CODE] [--json]");
    return dircli_run(rt, "user", false, list_fn, &u);
}

static void
print_time(const char *label, int64_t secs)
{
    char buf[32] = "-";
    if (secs)
        clock_format_utc(secs, buf);
    printf("%-20s%s\n", label, buf);
}

static int
show_fn(struct ctx *c, void *arg)
{
    struct uargs *u = arg;
    struct dir_user x;
    struct dir_org *o;
    struct dir_group *g;
    size_t no, ng;
    if (dir_user_get(c, u->pos[0], &x) != ERR_OK || dir_user_orgs(c, x.id, &o, &no) != ERR_OK ||
        dir_user_groups(c, x.id, &g, &ng) != ERR_OK)
        return 1;
    if (u->json) {
        dircli_print_json(dir_user_admin_json(&x, "Asia/Tokyo", o, no, g, ng));
        return 0;
    }
    printf("%-20s%s\n", "code", x.code);
    printf("%-20s%s\n", "name", x.name);
    printf("%-20s%s\n", "name (en)", dircli_dash(x.name_en));
    printf("%-20s%s\n", "email", dircli_dash(x.email));
    printf("%-20s%s\n", "primary org", dircli_dash(x.primary_org));
    printf("%-20s", "orgs");
    for (size_t i = 0; i < no; i++)
        printf("%s%s (%s)", i ? ", " : "", o[i].code, o[i].name);
    printf("%s\n%-20s", no ? "" : "-", "groups");
    for (size_t i = 0; i < ng; i++)
        printf("%s%s (%s)", i ? ", " : "", g[i].code, g[i].name);
    printf("%s\n", ng ? "" : "-");
    printf("%-20s%s\n", "administrator", yes_no(x.is_admin));
    printf("%-20s%s\n", "service account", yes_no(x.is_service));
    printf("%-20s%s\n", "disabled", yes_no(x.disabled));
    printf("%-20s%lld\n", "sort order", (long long)x.sort_order);
    printf("%-20s%s\n", "password",
           !x.has_password ? "not set" : x.must_change_password ? "temporary" : "set");
    printf("%-20s%s\n", "two-factor", x.totp_enabled ? "enabled" : "not set up");
    printf("%-20s%lld\n", "failed logins", (long long)x.failed_logins);
    print_time("locked until", x.locked_until > c->now ? x.locked_until : 0);
    print_time("last login", x.last_login_at);
    printf("%-20s%s\n", "last login ip", dircli_dash(x.last_login_ip));
    print_time("created", x.created_at);
    print_time("updated", x.updated_at);
    return 0;
}

int
user_cmd_show(struct runtime *rt, int argc, char **argv)
{
    struct uargs u;
    memset(&u, 0, sizeof(u));
    const struct dircli_opt opts[] = { { "--json", OPT_FLAG, &u.json }, { NULL, OPT_FLAG, NULL } };
    if (!parse(argc, argv, opts, &u, 1) || u.npos != 1)
        return usage_error(rt, "usage: user show LOGIN [--json]");
    return dircli_run(rt, "user", false, show_fn, &u);
}

/* ---- account actions ---- */

static int
disable_fn(struct ctx *c, void *arg)
{
    struct uargs *u = arg;
    struct dir_result res;
    struct dir_user_in in = { .code = u->pos[0], .admin = -1, .service = -1,
                              .disabled = u->disabled ? 1 : 0, .no_password = true };
    if (dir_user_save(c, &in, DIR_UPDATE, &res) != ERR_OK)
        return 1;
    dircli_event(c, u->disabled ? "admin.user.disable" : "admin.user.enable", in.code, &res);
    printf("user %s %s\n", in.code,
           res.action == DIR_UNCHANGED ? "unchanged" : u->disabled ? "disabled" : "enabled");
    return 0;
}

static int
simple_verb(struct runtime *rt, int argc, char **argv, struct uargs *u, const char *usage,
            int (*fn)(struct ctx *, void *))
{
    const struct dircli_opt opts[] = { { NULL, OPT_FLAG, NULL } };
    if (!parse(argc, argv, opts, u, 1) || u->npos != 1)
        return usage_error(rt, usage);
    return dircli_run(rt, "user", true, fn, u);
}

int
user_cmd_disable(struct runtime *rt, int argc, char **argv)
{
    struct uargs u;
    memset(&u, 0, sizeof(u));
    u.disabled = true;
    return simple_verb(rt, argc, argv, &u, "usage: user disable LOGIN", disable_fn);
}

int
user_cmd_enable(struct runtime *rt, int argc, char **argv)
{
    struct uargs u;
    memset(&u, 0, sizeof(u));
    return simple_verb(rt, argc, argv, &u, "usage: user enable LOGIN", disable_fn);
}

static int
unlock_fn(struct ctx *c, void *arg)
{
    struct uargs *u = arg;
    struct dir_result res;
    if (dir_user_unlock(c, u->pos[0], &res) != ERR_OK)
        return 1;
    dircli_event(c, "admin.user.unlock", u->pos[0], &res);
    printf("user %s %s\n", u->pos[0], res.action == DIR_UNCHANGED ? "was not locked" : "unlocked");
    return 0;
}

int
user_cmd_unlock(struct runtime *rt, int argc, char **argv)
{
    struct uargs u;
    memset(&u, 0, sizeof(u));
    return simple_verb(rt, argc, argv, &u, "usage: user unlock LOGIN", unlock_fn);
}

static int
reset_mfa_fn(struct ctx *c, void *arg)
{
    struct uargs *u = arg;
    struct dir_result res;
    if (dir_user_reset_mfa(c, u->pos[0], &res) != ERR_OK)
        return 1;
    dircli_event(c, "admin.user.reset-mfa", u->pos[0], &res);
    printf("two-factor authentication of %s reset%s\n", u->pos[0],
           res.action == DIR_UNCHANGED ? " (it was not set up)" : "");
    return 0;
}

int
user_cmd_reset_mfa(struct runtime *rt, int argc, char **argv)
{
    struct uargs u;
    memset(&u, 0, sizeof(u));
    return simple_verb(rt, argc, argv, &u, "usage: user reset-mfa LOGIN", reset_mfa_fn);
}

static int
password_fn(struct ctx *c, void *arg)
{
    struct uargs *u = arg;
    struct dir_result res;
    if (dir_user_password(c, u->pos[0], u->generate ? NULL : u->pw, u->temporary, &res) != ERR_OK)
        return 1;
    dircli_event(c, "admin.user.password", u->pos[0], &res);
    if (res.password)
        printf("temporary password of %s (shown once; must be changed at the next login):\n%s\n",
               u->pos[0], res.password);
    else
        printf("password of %s changed%s\n", u->pos[0],
               u->temporary ? " (temporary: must be changed at the next login)" : "");
    return 0;
}

int
user_cmd_password(struct runtime *rt, int argc, char **argv)
{
    struct uargs u;
    memset(&u, 0, sizeof(u));
    const struct dircli_opt opts[] = { { "--password-stdin", OPT_FLAG, &u.pw_stdin },
                                       { "--generate", OPT_FLAG, &u.generate },
                                       { "--temporary", OPT_FLAG, &u.temporary },
                                       { NULL, OPT_FLAG, NULL } };
    if (!parse(argc, argv, opts, &u, 1) || u.npos != 1 || u.pw_stdin == u.generate)
        return usage_error(rt, "usage: user password LOGIN [--temporary] --password-stdin | "
                               "--generate");
    if (u.pw_stdin && read_password(u.pw, sizeof(u.pw)) != 0)
        return usage_error(rt, "no password on standard input");
    int rc = dircli_run(rt, "user", true, password_fn, &u);
    sec_wipe(u.pw, sizeof(u.pw));
    return rc;
}

static int
passwd_fn(struct ctx *c, void *arg)
{
    struct uargs *u = arg;
    struct dir_result res;
    /* the older spelling of `user password LOGIN --password-stdin`: the same rules */
    if (dir_user_password(c, u->login, u->pw, false, &res) != ERR_OK)
        return 1;
    dircli_event(c, "admin.user.password", u->login, &res);
    printf("password of %s changed\n", u->login);
    return 0;
}

int
user_cmd_passwd(struct runtime *rt, int argc, char **argv)
{
    struct uargs u;
    memset(&u, 0, sizeof(u));
    const struct dircli_opt opts[] = { { "--login", OPT_STR, &u.login },
                                       { "--password-stdin", OPT_FLAG, &u.pw_stdin },
                                       { NULL, OPT_FLAG, NULL } };
    if (!parse(argc, argv, opts, &u, 0) || !u.login || !*u.login || !u.pw_stdin)
        return usage_error(rt, "usage: user passwd --login LOGIN --password-stdin");
    if (read_password(u.pw, sizeof(u.pw)) != 0 || !long_enough(rt, u.pw)) {
        sec_wipe(u.pw, sizeof(u.pw));
        config_release(&rt->cfg);
        return 2;
    }
    int rc = dircli_run(rt, "user", true, passwd_fn, &u);
    sec_wipe(u.pw, sizeof(u.pw));
    return rc;
}

/* ---- import ---- */

static int
import_fn(struct ctx *c, void *arg)
{
    struct uargs *u = arg;
    return dircli_import(c, "user", u->memberships ? DIR_IMPORT_MEMBERSHIPS : DIR_IMPORT_USERS,
                         u->pos[0], u->dry_run, u->json);
}

int
user_cmd_import(struct runtime *rt, int argc, char **argv)
{
    struct uargs u;
    memset(&u, 0, sizeof(u));
    const struct dircli_opt opts[] = { { "--memberships", OPT_FLAG, &u.memberships },
                                       { "--dry-run", OPT_FLAG, &u.dry_run },
                                       { "--json", OPT_FLAG, &u.json },
                                       { NULL, OPT_FLAG, NULL } };
    if (!parse(argc, argv, opts, &u, 1) || u.npos != 1)
        return usage_error(rt, "usage: user import FILE|- [--memberships] [--dry-run] [--json]");
    return dircli_run(rt, "user", true, import_fn, &u);
}
