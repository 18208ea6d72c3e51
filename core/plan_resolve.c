/* core/plan_resolve.c — a deployment + environment → a plan, by the rules
 * of spec §5.4; the text and JSON views of a plan. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/deployments.h"
#include "core/jsonemit.h"
#include "core/plan.h"
#include "core/proc.h"
#include "core/project.h"
#include "core/shellwords.h"
#include "core/value.h"

const char *plan_kind_name(plan_kind k)
{
    switch (k) {
    case PLAN_SHELL:
        return "shell";
    case PLAN_ARGV:
        return "argv";
    case PLAN_NATIVE_GENERATE:
        return "native-generate";
    case PLAN_NATIVE_VALIDATE:
        return "native-validate";
    case PLAN_WAIT:
        return "wait";
    }
    return "?";
}

/* ---- options ----------------------------------------------------------------- */

void plan_opts_from_env(plan_opts *o)
{
    memset(o, 0, sizeof *o);
    const char *c = getenv("SRVCONSOLE_COMPOSE");
    o->compose = c && c[0] ? c : NULL;
    const char *n = getenv("SRVCONSOLE_NATIVE_HOOKS");
    o->verbatim_hooks = n && strcmp(n, "0") == 0;
}

const char *plan_detect_compose(void)
{
    const char *c = getenv("SRVCONSOLE_COMPOSE");
    if (c && c[0])
        return c;
    static const char *const probe[] = {"docker", "compose", "version", NULL};
    char *out = NULL;
    int rc = proc_run_capture(probe, NULL, 10.0, &out, 4096, NULL, 0);
    free(out);
    if (rc == 0)
        return PLAN_COMPOSE_V2;
    return PLAN_COMPOSE_V1;
}

bool plan_compose_is_v1(const char *compose)
{
    if (!compose)
        return false;
    char **w = NULL;
    size_t n = 0;
    bool v1 = false;
    if (shellwords_split(compose, &w, &n, NULL, 0) == SHELLWORDS_OK && n > 0) {
        const char *base = strrchr(w[0], '/');
        base = base ? base + 1 : w[0];
        v1 = strcmp(base, "docker-compose") == 0 && n == 1;
    } else {
        v1 = strcmp(compose, PLAN_COMPOSE_V1) == 0;
    }
    shellwords_free(w);
    return v1;
}

/* ---- hook recognition -------------------------------------------------------- */

static bool plain_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
}

char **plan_generator_hook_targets(const char *cmd)
{
    size_t pl = strlen(PLAN_GENERATOR_HOOK);
    if (strncmp(cmd, PLAN_GENERATOR_HOOK, pl) != 0)
        return NULL;
    const char *rest = cmd + pl;
    /* exactly: nothing, or single spaces each followed by a plain word */
    for (const char *p = rest; *p;) {
        if (*p != ' ' || !plain_word_char(p[1]))
            return NULL;
        p++;
        while (plain_word_char(*p))
            p++;
    }
    char **w = NULL;
    size_t n = 0;
    if (shellwords_split(rest, &w, &n, NULL, 0) != SHELLWORDS_OK)
        return NULL;
    return w;
}

bool plan_is_validator_hook(const char *cmd)
{
    return strcmp(cmd, PLAN_VALIDATOR_HOOK) == 0;
}

/* ---- building ---------------------------------------------------------------- */

typedef struct {
    plan *p;
    arena *a;
    size_t cap;
    const plan_opts *o;
    char **compose_words; /* malloc'd (shellwords) */
    size_t n_compose_words;
    bool wait_note, shell_hook_note;
} pctx;

static plan_step *add_step(pctx *P, plan_kind k, plan_phase_id ph, size_t scope)
{
    plan *p = P->p;
    if (p->n_steps == P->cap) {
        P->cap = P->cap ? P->cap * 2 : 8;
        p->steps = util_xrealloc(p->steps, P->cap * sizeof *p->steps);
    }
    plan_step *s = &p->steps[p->n_steps++];
    memset(s, 0, sizeof *s);
    s->kind = k;
    s->phase = ph;
    s->scope = scope;
    s->cwd = p->root;
    return s;
}

static void add_note(pctx *P, const char *fmt, ...) SRV_PRINTF(2, 3);
static void add_note(pctx *P, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf sb = STRBUF_INIT;
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    plan *p = P->p;
    p->notes = util_xrealloc(p->notes, (p->n_notes + 2) * sizeof *p->notes);
    p->notes[p->n_notes++] = arena_strdup(P->a, sb.data);
    p->notes[p->n_notes] = NULL;
    strbuf_free(&sb);
}

/* A NULL-terminated arena copy of up to three word lists. */
static char **argv_cat(arena *a, char *const *x, size_t nx, char *const *y, size_t ny,
                       char *const *z, size_t nz)
{
    char **v = arena_alloc(a, (nx + ny + nz + 1) * sizeof *v);
    size_t k = 0;
    for (size_t i = 0; i < nx; i++)
        v[k++] = arena_strdup(a, x[i]);
    for (size_t i = 0; i < ny; i++)
        v[k++] = arena_strdup(a, y[i]);
    for (size_t i = 0; i < nz; i++)
        v[k++] = arena_strdup(a, z[i]);
    v[k] = NULL;
    return v;
}

static char **shell_argv(arena *a, const char *command)
{
    char *w[3] = {"/bin/sh", "-c", (char *)command};
    return argv_cat(a, w, 3, NULL, 0, NULL, 0);
}

/* Split a deployment's verb and its arguments into words (free both with
 * shellwords_free).  Not SHELLWORDS_OK: err says why, and the caller runs
 * the line through /bin/sh instead. */
static shellwords_status split_verb_args(const char *verb, const char *args, char ***vw,
                                         size_t *nv, char ***aw, size_t *na, char *err,
                                         size_t errlen)
{
    *vw = *aw = NULL;
    *nv = *na = 0;
    shellwords_status st = shellwords_split(verb, vw, nv, err, errlen);
    if (st == SHELLWORDS_OK)
        st = shellwords_split(args, aw, na, err, errlen);
    return st;
}

static void add_hooks(pctx *P, const deploy_cmds *list, plan_phase_id ph, size_t scope)
{
    for (size_t i = 0; list && i < list->n; i++) {
        const deploy_cmd *c = &list->items[i];
        plan_kind k = PLAN_SHELL;
        char **targets = NULL;
        if (!P->o->verbatim_hooks) {
            targets = plan_generator_hook_targets(c->command);
            if (targets)
                k = PLAN_NATIVE_GENERATE;
            else if (plan_is_validator_hook(c->command))
                k = PLAN_NATIVE_VALIDATE;
        }
        plan_step *s = add_step(P, k, ph, scope);
        s->argv = shell_argv(P->a, c->command);
        s->display = arena_strdup(P->a, c->command);
        s->description = arena_strdup(P->a, c->description);
        if (targets) {
            size_t n = 0;
            while (targets[n])
                n++;
            s->targets = argv_cat(P->a, targets, n, NULL, 0, NULL, 0);
            shellwords_free(targets);
        }
        if (P->p->compose_v1 && strstr(c->command, "docker compose ") && !P->shell_hook_note) {
            P->shell_hook_note = true;
            add_note(P, "the hook \"%s\" runs `docker compose` (Compose v2) through /bin/sh; "
                        "it fails where only docker-compose v1 is installed",
                     c->description[0] ? c->description : c->command);
        }
    }
}

/* <ROOT>/infrastructure/local/docker/compose/<F>, normalised; a leading `/`
 * in F does not make it absolute, a trailing one is kept (path.join). */
static char *compose_path(arena *a, const char *root, const char *file)
{
    strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s/%s/%s", root, PROJECT_COMPOSE_DIR_REL, file);
    char *n = util_path_normalize(sb.data);
    char *r = arena_sprintf(a, "%s%s", n,
                            util_endswith(file, "/") && strcmp(n, "/") != 0 ? "/" : "");
    free(n);
    strbuf_free(&sb);
    return r;
}

/* Options of `compose up` that take a value in the next word. */
static bool up_option_takes_value(const char *w)
{
    static const char *const opts[] = {"--timeout",   "-t",     "--scale",
                                       "--exit-code-from", "--pull", "--attach",
                                       "--no-attach", "--wait-timeout", NULL};
    for (size_t i = 0; opts[i]; i++)
        if (strcmp(w, opts[i]) == 0)
            return true;
    return false;
}

static bool file_mentions(const char *path, const char *needle)
{
    char *data = NULL;
    size_t len = 0;
    char err[SRV_ERRLEN];
    if (util_read_file(path, 16u << 20, &data, &len, err) != 0)
        return false;
    bool r = strstr(data, needle) != NULL;
    free(data);
    return r;
}

static void resolve_lists(const deploy_scope *sc, const char *env, const deploy_cmds **pre,
                          const deploy_cmds **post, const char **args,
                          deploy_tristate *skip)
{
    const deploy_override *O = deploy_scope_override(sc, env);
    *pre = O && O->pre.present ? &O->pre : &sc->pre;
    *post = O && O->post.present ? &O->post : &sc->post;
    *args = O && O->args ? O->args : sc->args ? sc->args : "";
    *skip = O && O->skip_build != DEPLOY_UNSET ? O->skip_build : sc->skip_build;
}

static void compose_scope(pctx *P, const deploy *d, const deploy_scope *sc, size_t scope,
                          const char *env)
{
    plan *p = P->p;
    const deploy_cmds *pre, *post;
    const char *args;
    deploy_tristate skip;
    resolve_lists(sc, env, &pre, &post, &args, &skip);
    char *path = compose_path(P->a, p->root, sc->compose_file);
    char *prefix = arena_sprintf(P->a, "%s -f \"%s\"", p->compose, path);
    bool up = strcmp(d->verb, "up") == 0;
    char *fw[2] = {"-f", path};

    if (p->compose_v1 && file_mentions(path, "additional_contexts"))
        add_note(P, "docker-compose v1 rejects build.additional_contexts, which %s/%s uses: "
                    "install Compose v2 (the docker compose plugin) or set "
                    "SRVCONSOLE_COMPOSE",
                 PROJECT_COMPOSE_DIR_REL, sc->compose_file);

    /* 1. pre-build */
    add_hooks(P, pre, PLAN_PRE_BUILD, scope);

    /* 2. build: only `up` with skipBuild exactly false */
    if (up && skip == DEPLOY_FALSE) {
        plan_step *s = add_step(P, PLAN_ARGV, PLAN_BUILD, scope);
        char *bw[1] = {"build"};
        s->argv = argv_cat(P->a, P->compose_words, P->n_compose_words, fw, 2, bw, 1);
        s->display = arena_sprintf(P->a, "%s build", prefix);
        s->description = arena_sprintf(P->a, "Building images: %s", s->display);
        s->compose_file = path;
    }

    /* 3. main */
    char *reference = arena_sprintf(P->a, "%s %s %s", prefix, d->verb, args);
    char **vw, **aw;
    size_t nv, na;
    char err[SRV_ERRLEN];
    shellwords_status st = split_verb_args(d->verb, args, &vw, &nv, &aw, &na, err, sizeof err);
    plan_step *s;
    size_t wait_step_services = 0;
    char **services = NULL;
    double timeout = P->o->wait_timeout > 0 ? P->o->wait_timeout : PLAN_WAIT_TIMEOUT;
    bool dropped_wait = false;
    if (st != SHELLWORDS_OK) {
        s = add_step(P, PLAN_SHELL, PLAN_MAIN, scope);
        s->argv = shell_argv(P->a, reference);
        s->display = reference;
        add_note(P, "the command for %s is run through /bin/sh: %s", sc->compose_file, err);
    } else {
        if (p->compose_v1) {
            /* v1 has neither --wait nor --wait-timeout */
            size_t k = 0;
            for (size_t i = 0; i < na; i++) {
                if (strcmp(aw[i], "--wait") == 0) {
                    dropped_wait = true;
                    free(aw[i]);
                    continue;
                }
                if (strcmp(aw[i], "--wait-timeout") == 0 && i + 1 < na) {
                    timeout = atof(aw[i + 1]) > 0 ? atof(aw[i + 1]) : timeout;
                    free(aw[i]);
                    free(aw[++i]);
                    continue;
                }
                if (util_startswith(aw[i], "--wait-timeout=")) {
                    double t = atof(aw[i] + 15);
                    timeout = t > 0 ? t : timeout;
                    free(aw[i]);
                    continue;
                }
                aw[k++] = aw[i];
            }
            aw[k] = NULL;
            na = k;
        }
        s = add_step(P, PLAN_ARGV, PLAN_MAIN, scope);
        char **head = argv_cat(P->a, P->compose_words, P->n_compose_words, fw, 2, vw, nv);
        s->argv = argv_cat(P->a, head, P->n_compose_words + 2 + nv, aw, na, NULL, 0);
        if (dropped_wait) {
            char *joined = shellwords_join((const char *const *)aw);
            s->display = arena_sprintf(P->a, "%s %s %s", prefix, d->verb, joined);
            free(joined);
            /* the services named on the line: positional words */
            services = arena_alloc(P->a, (na + 1) * sizeof *services);
            for (size_t i = 0; i < na; i++) {
                if (aw[i][0] == '-') {
                    if (up_option_takes_value(aw[i]) && i + 1 < na)
                        i++;
                    continue;
                }
                services[wait_step_services++] = arena_strdup(P->a, aw[i]);
            }
        } else {
            s->display = reference;
        }
    }
    s->description = arena_sprintf(P->a, "Executing: %s", s->display);
    s->compose_file = path;
    shellwords_free(vw);
    shellwords_free(aw);

    if (dropped_wait) {
        plan_step *w = add_step(P, PLAN_WAIT, PLAN_MAIN, scope);
        w->argv = arena_alloc(P->a, sizeof *w->argv);
        w->compose_file = path;
        w->services = services;
        w->timeout = timeout;
        strbuf sb = STRBUF_INIT;
        for (size_t i = 0; i < wait_step_services; i++)
            strbuf_addf(&sb, "%s%s", i ? ", " : "", services[i]);
        w->display = arena_sprintf(P->a,
                                   "wait until the containers of %s%s%s%s are running "
                                   "(healthy where they have a healthcheck), at most %g s",
                                   sc->compose_file, sb.len ? " (" : "",
                                   sb.len ? sb.data : "", sb.len ? ")" : "", timeout);
        strbuf_free(&sb);
        w->description = arena_strdup(P->a, "Waiting for the containers (docker-compose v1 "
                                             "has no --wait)");
        if (!P->wait_note) {
            P->wait_note = true;
            add_note(P, "docker-compose v1 has no --wait: srvconsole leaves it out and waits "
                        "itself until the started containers are running (and healthy where "
                        "they have a healthcheck), at most %g s",
                     timeout);
        }
    }

    /* 4. post-up: only after `up` */
    if (up)
        add_hooks(P, post, PLAN_POST_UP, scope);
}

static void sh_or_kubectl(pctx *P, const deploy *d, const char *env)
{
    const deploy_cmds *pre, *post;
    const char *ignored;
    deploy_tristate skip;
    resolve_lists(&d->target, env, &pre, &post, &ignored, &skip);
    /* sh/kubectl always use the target defaultArgs, never an override's */
    const char *args = d->target.args ? d->target.args : "";
    add_hooks(P, pre, PLAN_PRE_BUILD, 0);
    plan_step *s;
    if (d->type == DEPLOY_SH) {
        char *cmd = arena_sprintf(P->a, "%s %s", d->verb, args);
        s = add_step(P, PLAN_SHELL, PLAN_MAIN, 0);
        s->argv = shell_argv(P->a, cmd);
        s->display = cmd;
        s->description = arena_sprintf(P->a, "Executing shell command: %s", cmd);
    } else {
        char *cmd = arena_sprintf(P->a, "kubectl %s %s", d->verb, args);
        char **vw, **aw;
        size_t nv, na;
        char err[SRV_ERRLEN];
        shellwords_status st =
            split_verb_args(d->verb, args, &vw, &nv, &aw, &na, err, sizeof err);
        if (st == SHELLWORDS_OK) {
            s = add_step(P, PLAN_ARGV, PLAN_MAIN, 0);
            char *k[1] = {"kubectl"};
            s->argv = argv_cat(P->a, k, 1, vw, nv, aw, na);
        } else {
            s = add_step(P, PLAN_SHELL, PLAN_MAIN, 0);
            s->argv = shell_argv(P->a, cmd);
            add_note(P, "the kubectl command is run through /bin/sh: %s", err);
        }
        shellwords_free(vw);
        shellwords_free(aw);
        s->display = cmd;
        s->description = arena_sprintf(P->a, "Executing kubectl command: %s", cmd);
    }
    /* post-up always runs for sh/kubectl, whatever the verb */
    add_hooks(P, post, PLAN_POST_UP, 0);
}

/* Does step s generate the compose files (GEN with no target, "all" or
 * "docker-compose"), natively or verbatim? */
static bool generates_compose(const plan_step *s)
{
    if (s->phase != PLAN_PRE_BUILD && s->phase != PLAN_POST_UP)
        return false;
    char **t = s->kind == PLAN_NATIVE_GENERATE ? NULL : plan_generator_hook_targets(s->display);
    char *const *targets = s->kind == PLAN_NATIVE_GENERATE ? s->targets : t;
    bool yes = false;
    if (s->kind == PLAN_NATIVE_GENERATE || t) {
        yes = !targets || !targets[0];
        for (size_t i = 0; targets && targets[i]; i++)
            yes = yes || !strcmp(targets[i], "all") || !strcmp(targets[i], "docker-compose");
    }
    shellwords_free(t);
    return yes;
}

/* Preconditions the reference does not check (spec §5.6), as notes: they
 * never add steps. */
static void preflight(pctx *P)
{
    plan *p = P->p;
    /* compose files that do not exist and that no earlier step generates */
    bool generated = false;
    for (size_t i = 0; i < p->n_steps; i++) {
        const plan_step *s = &p->steps[i];
        if (generates_compose(s))
            generated = true;
        if (!s->compose_file || s->kind == PLAN_WAIT || generated || util_exists(s->compose_file))
            continue;
        bool seen = false; /* one note per file */
        for (size_t k = 0; k < i; k++)
            seen = seen || (p->steps[k].compose_file &&
                            strcmp(p->steps[k].compose_file, s->compose_file) == 0);
        if (seen)
            continue;
        char *rel = util_path_relative(s->compose_file, p->root);
        add_note(P, "preflight: %s does not exist and no step before it generates it: run "
                    "`srvconsole generate docker-compose` first",
                 rel);
        free(rel);
    }
    /* the assets folder of the reference hooks is not in git */
    static const char assets[] = "infrastructure/tools/deployment-cli/assets";
    for (size_t i = 0; i < p->n_steps; i++) {
        const plan_step *s = &p->steps[i];
        bool hook = s->phase == PLAN_PRE_BUILD || s->phase == PLAN_POST_UP;
        if (!hook || !strstr(s->display, assets))
            continue;
        char *dir = util_path_join(p->root, assets);
        bool missing = !util_is_dir(dir);
        free(dir);
        if (missing)
            add_note(P, "preflight: %s/ does not exist (it is not in git), so the hooks that "
                        "write into it fail: create it with `mkdir -p %s`",
                     assets, assets);
        break;
    }
}

plan *plan_resolve(const deploy_set *set, const char *root, const char *env,
                   const char *name, const plan_opts *opts, char *err, size_t errlen)
{
    const deploy *d;
    if (deploy_select(set, env, name, &d, err, errlen) != DEPLOY_FOUND)
        return NULL;
    if (d->error) {
        snprintf(err, errlen, "%s", d->error);
        return NULL;
    }
    plan_opts defaults = {0};
    if (!opts)
        opts = &defaults;

    plan *p = util_xcalloc(1, sizeof *p);
    arena *a = util_xcalloc(1, sizeof *a);
    arena_init(a);
    p->priv = a;
    p->env = arena_strdup(a, env);
    p->name = arena_strdup(a, d->name);
    p->short_name = arena_strdup(a, d->short_name);
    p->description = arena_strdup(a, d->description);
    p->type = arena_strdup(a, deploy_type_name(d->type));
    p->verb = arena_strdup(a, d->verb);
    p->file = arena_strdup(a, d->file);
    char *nroot = util_path_normalize(root);
    p->root = arena_strdup(a, nroot);
    free(nroot);

    pctx P = {.p = p, .a = a, .o = opts};
    if (d->type == DEPLOY_COMPOSE) {
        p->compose = arena_strdup(a, opts->compose && opts->compose[0] ? opts->compose
                                                                       : PLAN_COMPOSE_V2);
        p->compose_v1 = plan_compose_is_v1(p->compose);
        if (shellwords_split(p->compose, &P.compose_words, &P.n_compose_words, NULL, 0) !=
                SHELLWORDS_OK ||
            P.n_compose_words == 0) {
            shellwords_free(P.compose_words);
            P.compose_words = util_xcalloc(2, sizeof *P.compose_words);
            P.compose_words[0] = util_xstrdup(p->compose);
            P.n_compose_words = 1;
        }
        if (p->compose_v1)
            add_note(&P, "compose: %s (v1); the reference deployments rely on Compose v2 "
                         "features (up --wait, profiles, build.additional_contexts)",
                     p->compose);
        const deploy_scope *scopes = d->n_files ? d->files : &d->target;
        size_t ns = d->n_files ? d->n_files : 1;
        p->scopes = arena_alloc(a, (ns + 1) * sizeof *p->scopes);
        p->n_scopes = ns;
        for (size_t i = 0; i < ns; i++) {
            p->scopes[i] = arena_strdup(a, scopes[i].compose_file);
            compose_scope(&P, d, &scopes[i], i, env);
        }
        shellwords_free(P.compose_words);
    } else {
        sh_or_kubectl(&P, d, env);
    }
    preflight(&P);
    /* move the growable arrays into the arena: plan_free() frees only that */
    plan_step *steps = arena_alloc(a, (p->n_steps ? p->n_steps : 1) * sizeof *steps);
    if (p->n_steps)
        memcpy(steps, p->steps, p->n_steps * sizeof *steps);
    free(p->steps);
    p->steps = steps;
    char **notes = arena_alloc(a, (p->n_notes + 1) * sizeof *notes);
    if (p->n_notes)
        memcpy(notes, p->notes, p->n_notes * sizeof *notes);
    free(p->notes);
    p->notes = notes;
    return p;
}

/* ---- views ------------------------------------------------------------------- */

void plan_format_text(strbuf *sb, const plan *p)
{
    strbuf_addf(sb, "Plan: %s (%s) in %s\n", p->name, p->short_name, p->env);
    strbuf_addf(sb, "  %s\n", p->description);
    strbuf_addf(sb, "Type: %s, command \"%s\" (from %s)\n", p->type, p->verb,
                p->file ? p->file : "?");
    strbuf_addf(sb, "Working directory: %s\n", p->root);
    if (p->compose)
        strbuf_addf(sb, "Compose: %s%s\n", p->compose, p->compose_v1 ? " (v1)" : "");
    size_t last_scope = (size_t)-1;
    for (size_t i = 0; i < p->n_steps; i++) {
        const plan_step *s = &p->steps[i];
        if (p->n_scopes > 1 && s->scope != last_scope) {
            strbuf_addf(sb, "\n%s:\n", p->scopes[s->scope]);
            last_scope = s->scope;
        } else if (i == 0) {
            strbuf_addc(sb, '\n');
        }
        strbuf_addf(sb, "  %zu. [%s] %s\n", i + 1, plan_phase_name(s->phase), s->display);
        const char *how = NULL;
        strbuf extra = STRBUF_INIT;
        switch (s->kind) {
        case PLAN_NATIVE_GENERATE:
            strbuf_adds(&extra, "in-process: srvconsole generate");
            for (char **t = s->targets; t && *t; t++)
                strbuf_addf(&extra, " %s", *t);
            how = extra.data;
            break;
        case PLAN_NATIVE_VALIDATE:
            how = "in-process: srvconsole validate";
            break;
        case PLAN_SHELL:
            if (s->phase == PLAN_MAIN || s->phase == PLAN_BUILD)
                how = "through /bin/sh";
            break;
        default:
            break;
        }
        bool hook = s->phase == PLAN_PRE_BUILD || s->phase == PLAN_POST_UP;
        if (hook && s->description && s->description[0])
            strbuf_addf(sb, "       %s%s%s%s\n", s->description, how ? " (" : "",
                        how ? how : "", how ? ")" : "");
        else if (how)
            strbuf_addf(sb, "       (%s)\n", how);
        strbuf_free(&extra);
    }
    if (p->n_steps == 0)
        strbuf_adds(sb, "\n  (no steps)\n");
    if (p->n_notes) {
        strbuf_adds(sb, "\nNotes:\n");
        for (size_t i = 0; i < p->n_notes; i++)
            strbuf_addf(sb, "  - %s\n", p->notes[i]);
    }
}

static val *str_or_null(arena *a, const char *s)
{
    return s ? val_new_str(a, s) : val_new_null(a);
}

static val *str_list(arena *a, char *const *v)
{
    val *seq = val_new_seq(a);
    for (size_t i = 0; v && v[i]; i++)
        val_seq_push(a, seq, val_new_str(a, v[i]));
    return seq;
}

void plan_format_json(strbuf *sb, const plan *p)
{
    arena a;
    arena_init(&a);
    val *o = val_new_map(&a);
    val_map_push(&a, o, "env", str_or_null(&a, p->env));
    val_map_push(&a, o, "name", str_or_null(&a, p->name));
    val_map_push(&a, o, "shortName", str_or_null(&a, p->short_name));
    val_map_push(&a, o, "description", str_or_null(&a, p->description));
    val_map_push(&a, o, "file", str_or_null(&a, p->file));
    val_map_push(&a, o, "type", str_or_null(&a, p->type));
    val_map_push(&a, o, "deployCommand", str_or_null(&a, p->verb));
    val_map_push(&a, o, "root", str_or_null(&a, p->root));
    val_map_push(&a, o, "compose", str_or_null(&a, p->compose));
    val_map_push(&a, o, "composeV1", val_new_bool(&a, p->compose_v1));
    val *scopes = val_new_seq(&a);
    for (size_t i = 0; i < p->n_scopes; i++)
        val_seq_push(&a, scopes, val_new_str(&a, p->scopes[i]));
    val_map_push(&a, o, "composeFiles", scopes);
    val *steps = val_new_seq(&a);
    for (size_t i = 0; i < p->n_steps; i++) {
        const plan_step *s = &p->steps[i];
        val *j = val_new_map(&a);
        val_map_push(&a, j, "index", val_new_num(&a, (double)(i + 1)));
        val_map_push(&a, j, "phase", val_new_str(&a, plan_phase_name(s->phase)));
        val_map_push(&a, j, "kind", val_new_str(&a, plan_kind_name(s->kind)));
        val_map_push(&a, j, "scope", val_new_num(&a, (double)s->scope));
        val_map_push(&a, j, "display", str_or_null(&a, s->display));
        val_map_push(&a, j, "description", str_or_null(&a, s->description));
        val_map_push(&a, j, "cwd", str_or_null(&a, s->cwd));
        val_map_push(&a, j, "argv", str_list(&a, s->argv));
        val_map_push(&a, j, "composeFile", str_or_null(&a, s->compose_file));
        if (s->kind == PLAN_NATIVE_GENERATE)
            val_map_push(&a, j, "targets", str_list(&a, s->targets));
        if (s->kind == PLAN_WAIT) {
            val_map_push(&a, j, "services", str_list(&a, s->services));
            val_map_push(&a, j, "timeout", val_new_num(&a, s->timeout));
        }
        val_seq_push(&a, steps, j);
    }
    val_map_push(&a, o, "steps", steps);
    val_map_push(&a, o, "notes", str_list(&a, p->notes));
    jsonemit(sb, o, 2);
    arena_free(&a);
}
