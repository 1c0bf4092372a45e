/* The settings table and its four sources; see config.h. */
#include "config.h"

#include "arena.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum ctype { C_STR, C_LONG };

struct setting {
    const char *section, *key, *flag;
    enum ctype type;
    size_t off;
    const char *def;
    long min, max;
    const char *help;
};

#define S(sec, key, flag, field, def, help)                                                        \
    { sec, key, flag, C_STR, offsetof(struct config, field), def, 0, 0, help }
#define L(sec, key, flag, field, def, min, max, help)                                              \
    { sec, key, flag, C_LONG, offsetof(struct config, field), def, min, max, help }

static const struct setting settings[] = {
    S("storage", "data", "data", data, "./data", "data directory (database, blobs)"),
    S("storage", "db", "db", db, "",
      "database: empty = SQLite in the data directory, or postgresql://... (libpq multi-host ok)"),
    S("storage", "key_file", "key-file", key_file, "",
      "master key file (32 bytes); default <data>/keys/master.key — keep it off the data disk"),
    S("server", "listen", "listen", listen, "127.0.0.1:8080", "HOST:PORT to listen on"),
    L("server", "workers", "workers", workers, "0", 0, 256, "handler threads (0 = 2 x cores)"),
    L("server", "loops", "loops", loops, "0", 0, 64, "event loop threads (0 = cores / 2, at least 1)"),
    L("server", "max_body_mb", "max-body-mb", max_body_mb, "100", 1, 4096,
      "largest request body in MB (413 above)"),
    S("server", "tz", "tz", tz, "Asia/Tokyo", "time zone of TODAY() and friends"),
    S("log", "level", "log-level", log_level, "info", "debug, info, warn or error"),
};
#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

static bool
set_value(struct config *cfg, const struct setting *s, const char *value, const char *origin)
{
    char **sp = (char **)((char *)cfg + s->off);
    long *lp = (long *)((char *)cfg + s->off);
    if (s->type == C_STR) {
        free(*sp);
        *sp = xstrdup(value);
        return true;
    }
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (errno || *end || end == value || v < s->min || v > s->max) {
        fprintf(stderr, "madoguchi: %s: invalid value '%s' for %s.%s (%ld..%ld)\n", origin, value,
                s->section, s->key, s->min, s->max);
        return false;
    }
    *lp = v;
    return true;
}

static const struct setting *
find(const char *section, const char *key)
{
    for (size_t i = 0; i < NSETTINGS; i++)
        if (strcmp(settings[i].section, section) == 0 && strcmp(settings[i].key, key) == 0)
            return &settings[i];
    return NULL;
}

struct ini_ctx {
    struct config *cfg;
    const char *path;
    bool ok;
};

static int
on_ini(void *user, const char *section, const char *name, const char *value)
{
    struct ini_ctx *c = user;
    const struct setting *s = find(section, name);
    char origin[600];
    snprintf(origin, sizeof(origin), "%s", c->path);
    if (!s) {
        fprintf(stderr, "madoguchi: %s: unknown setting [%s] %s\n", origin, section, name);
        c->ok = false;
        return 1;
    }
    if (!set_value(c->cfg, s, value, origin))
        c->ok = false;
    return 1;
}

bool
config_load(struct config *cfg, const char *path)
{
    memset(cfg, 0, sizeof(*cfg));
    for (size_t i = 0; i < NSETTINGS; i++)
        set_value(cfg, &settings[i], settings[i].def, "default");
    bool ok = true;
    const char *env_data = getenv("MADOGUCHI_STORAGE_DATA");
    if (!path)
        path = getenv("MADOGUCHI_CONFIG");
    char guess[4096];
    if (!path) {
        snprintf(guess, sizeof(guess), "%s/madoguchi.conf", env_data ? env_data : cfg->data);
        struct stat st;
        if (stat(guess, &st) == 0)
            path = guess;
    }
    if (path && *path) {
        struct ini_ctx c = { cfg, path, true };
        int rc = ini_parse(path, on_ini, &c);
        if (rc < 0) {
            fprintf(stderr, "madoguchi: cannot read config file '%s'\n", path);
            ok = false;
        } else if (rc > 0) {
            fprintf(stderr, "madoguchi: %s:%d: syntax error\n", path, rc);
            ok = false;
        }
        ok = ok && c.ok;
    }
    for (size_t i = 0; i < NSETTINGS; i++) {
        char name[128];
        snprintf(name, sizeof(name), "MADOGUCHI_%s_%s", settings[i].section, settings[i].key);
        for (char *p = name; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        const char *v = getenv(name);
        if (v && !set_value(cfg, &settings[i], v, name))
            ok = false;
    }
    return ok;
}

bool
config_flag(struct config *cfg, int argc, char **argv, int i, int *consumed)
{
    *consumed = 0;
    const char *a = argv[i];
    if (strncmp(a, "--", 2) != 0)
        return true;
    a += 2;
    for (size_t k = 0; k < NSETTINGS; k++) {
        size_t n = strlen(settings[k].flag);
        if (strncmp(a, settings[k].flag, n) != 0)
            continue;
        if (a[n] == '=') {
            *consumed = 1;
            return set_value(cfg, &settings[k], a + n + 1, argv[i]);
        }
        if (a[n] == '\0') {
            if (i + 1 >= argc) {
                fprintf(stderr, "madoguchi: --%s needs a value\n", settings[k].flag);
                return false;
            }
            *consumed = 2;
            return set_value(cfg, &settings[k], argv[i + 1], argv[i]);
        }
    }
    return true;
}

void
config_print_help(FILE *out)
{
    for (size_t i = 0; i < NSETTINGS; i++)
        fprintf(out, "  --%-13s %s (default \"%s\"; [%s] %s; MADOGUCHI_%s_%s)\n", settings[i].flag,
                settings[i].help, settings[i].def, settings[i].section, settings[i].key,
                settings[i].section, settings[i].key);
}

void
config_print(const struct config *cfg, FILE *out)
{
    const char *last = "";
    for (size_t i = 0; i < NSETTINGS; i++) {
        if (strcmp(last, settings[i].section) != 0)
            fprintf(out, "%s[%s]\n", *last ? "\n" : "", settings[i].section);
        last = settings[i].section;
        if (settings[i].type == C_STR)
            fprintf(out, "%s = %s\n", settings[i].key,
                    *(char *const *)((const char *)cfg + settings[i].off));
        else
            fprintf(out, "%s = %ld\n", settings[i].key,
                    *(const long *)((const char *)cfg + settings[i].off));
    }
}

void
config_release(struct config *cfg)
{
    for (size_t i = 0; i < NSETTINGS; i++)
        if (settings[i].type == C_STR)
            free(*(char **)((char *)cfg + settings[i].off));
    memset(cfg, 0, sizeof(*cfg));
}

char *
config_db_url(const struct config *cfg)
{
    if (cfg->db && *cfg->db)
        return xstrdup(cfg->db);
    size_t n = strlen(cfg->data) + 32;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/madoguchi.db", cfg->data);
    return p;
}

char *
config_key_path(const struct config *cfg)
{
    if (cfg->key_file && *cfg->key_file)
        return xstrdup(cfg->key_file);
    size_t n = strlen(cfg->data) + 32;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/keys/master.key", cfg->data);
    return p;
}
