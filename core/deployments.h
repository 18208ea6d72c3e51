/* core/deployments.h — the deployment catalog (spec §5.1–§5.3):
 * the .json files of infrastructure/shared/configs/deployments, loaded in file-name
 * order and concatenated, as the reference deployment CLI does.
 *
 * Loading never stops at a bad file or a bad deployment: a file that does
 * not parse is a warning (file:line:column) and is skipped, as the
 * reference skips it; a deployment with a wrong shape (unknown type, no
 * deployCommand, no composeFile/composeFiles, a field of the wrong type) is
 * kept in load order — so that the first-match selection rule stays the
 * reference's — but carries an error naming the deployment and its file,
 * and cannot be planned.
 *
 * Memory: a deploy_set owns everything it points to; deploy_set_free(). */
#ifndef SRV_DEPLOYMENTS_H
#define SRV_DEPLOYMENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"
#include "core/util.h"

typedef enum {
    DEPLOY_COMPOSE = 0, /* "docker-compose" or absent */
    DEPLOY_SH,          /* "sh" */
    DEPLOY_KUBECTL,     /* "kubectl" */
} deploy_type;

/* A hook: { "description": string, "command": shell string }. */
typedef struct {
    char *description; /* "" when absent */
    char *command;
} deploy_cmd;

typedef struct {
    bool present;      /* the key was there (an empty list counts) */
    deploy_cmd *items;
    size_t n;
} deploy_cmds;

typedef enum { DEPLOY_UNSET = -1, DEPLOY_FALSE = 0, DEPLOY_TRUE = 1 } deploy_tristate;

/* environmentOverrides.<env> */
typedef struct {
    char *env;
    char *args;             /* defaultArgs; NULL when absent ("" is present) */
    deploy_cmds pre, post;  /* preBuildCommands, postUpCommands */
    deploy_tristate skip_build;
} deploy_override;

/* The unit a compose executor runs: the target itself (with composeFile) or
 * one composeFiles entry.  For sh/kubectl only args/pre/post/overrides of
 * the target scope are used. */
typedef struct {
    char *compose_file;     /* file name inside the compose folder; NULL for sh/kubectl */
    char *args;             /* defaultArgs; NULL when absent */
    deploy_cmds pre, post;
    deploy_tristate skip_build; /* always DEPLOY_UNSET for the target scope (not read) */
    deploy_override *overrides;
    size_t n_overrides;
} deploy_scope;

typedef struct {
    char *name, *short_name, *description; /* NULL when missing (error) */
    char **envs;            /* NULL-terminated */
    size_t n_envs;
    deploy_type type;
    char *type_name;        /* as written ("docker-compose" when absent) */
    char *composing;        /* informational; NULL when absent */
    char *verb;             /* deployCommand */
    deploy_scope target;    /* target-level fields (composeFile, defaultArgs, hooks...) */
    deploy_scope *files;    /* composeFiles entries (n_files 0: none / empty) */
    size_t n_files;
    char *file;             /* the JSON file it came from (relative to the root) */
    size_t index;           /* position in that file's deployments array */
    char *error;            /* NULL, or why it cannot run (names deployment and file) */
} deploy;

typedef struct {
    deploy *items;          /* load order */
    size_t n;
    char **envs;            /* all environments, first-seen order, NULL-terminated */
    size_t n_envs;
    diag_list diags;        /* file warnings and deployment errors, in load order */
    char *dir;              /* absolute path of the deployments folder */
    void *priv;             /* arena */
} deploy_set;

/* Load the .json files of <root>/infrastructure/shared/configs/deployments.  Returns 0
 * (the set may still hold warnings and per-deployment errors), or -1 with
 * `err` set and nothing to free when the folder does not exist, cannot be
 * read, or holds no deployment at all (reference messages of §5.1). */
int deploy_load(deploy_set *out, const char *root, char *err, size_t errlen);
void deploy_set_free(deploy_set *s);

typedef enum {
    DEPLOY_FOUND = 0,
    DEPLOY_NOT_FOUND,     /* no deployment with that name or shortName */
    DEPLOY_ENV_INVALID,   /* found, but ENV is not in its environments */
} deploy_select_status;

/* The first deployment (load order) whose name or shortName equals `name`,
 * checked against `env`.  On failure err holds the reference message:
 *   Deployment "<name>" not found in deploymentConfig.json.
 *   Environment "<env>" is not valid for the deployment "<name>".
 * *out is set whenever a deployment was found (also for ENV_INVALID). */
deploy_select_status deploy_select(const deploy_set *s, const char *env, const char *name,
                                   const deploy **out, char *err, size_t errlen);

bool deploy_has_env(const deploy *d, const char *env);
/* The override of `env` in a scope, or NULL. */
const deploy_override *deploy_scope_override(const deploy_scope *sc, const char *env);
/* "docker-compose", "sh", "kubectl". */
const char *deploy_type_name(deploy_type t);
/* Number of error-severity findings (deployments that cannot run). */
size_t deploy_error_count(const deploy_set *s);

#endif
