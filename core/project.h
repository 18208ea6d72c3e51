/* core/project.h — locating a srvthreds package root and its well-known paths. */
#ifndef SRV_PROJECT_H
#define SRV_PROJECT_H

#include <stdbool.h>

#define PROJECT_REGISTRY_REL "infrastructure/config-registry.yaml"
#define PROJECT_DEPLOYMENTS_REL "infrastructure/shared/configs/deployments"
#define PROJECT_COMPOSE_DIR_REL "infrastructure/local/docker/compose"

/* Find the package root: `explicit_root` when given (it must hold the
 * registry), else walk up from `start` (NULL: the current directory) to the
 * first folder holding infrastructure/config-registry.yaml.  On success
 * *root is an absolute, normalised path (caller frees). */
int project_find_root(const char *explicit_root, const char *start, char **root,
                      char *err);

/* Absolute path of a path relative to the root (caller frees). */
char *project_path(const char *root, const char *rel);

#endif
