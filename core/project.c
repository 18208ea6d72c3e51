/* core/project.c — see project.h. */
#include "config.h"

#include "core/project.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"

static char *absolute(const char *p)
{
    if (p[0] == '/')
        return util_path_normalize(p);
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd))
        return util_path_normalize(p);
    char *j = util_path_join(cwd, p);
    char *n = util_path_normalize(j);
    free(j);
    return n;
}

int project_find_root(const char *explicit_root, const char *start, char **root,
                      char *err)
{
    *root = NULL;
    if (explicit_root) {
        char *abs = absolute(explicit_root);
        if (!util_is_dir(abs)) {
            util_seterr(err, "%s: no such directory", explicit_root);
            free(abs);
            return -1;
        }
        char *reg = util_path_join(abs, PROJECT_REGISTRY_REL);
        bool ok = util_exists(reg);
        free(reg);
        if (!ok) {
            util_seterr(err, "%s: not a srvthreds package root (no %s)",
                        explicit_root, PROJECT_REGISTRY_REL);
            free(abs);
            return -1;
        }
        *root = abs;
        return 0;
    }
    char *dir = absolute(start ? start : ".");
    for (;;) {
        char *reg = util_path_join(dir, PROJECT_REGISTRY_REL);
        bool ok = util_exists(reg);
        free(reg);
        if (ok) {
            *root = dir;
            return 0;
        }
        if (strcmp(dir, "/") == 0)
            break;
        char *slash = strrchr(dir, '/');
        if (slash == dir)
            slash[1] = '\0';
        else
            *slash = '\0';
    }
    free(dir);
    util_seterr(err, "no %s found in this directory or any parent "
                     "(use --root DIR)", PROJECT_REGISTRY_REL);
    return -1;
}

char *project_path(const char *root, const char *rel)
{
    return util_path_join(root, rel);
}
