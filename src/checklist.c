/* src/checklist.c — see checklist.h. */
#include "config.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/diag.h"
#include "core/generate.h"
#include "core/proc.h"
#include "core/project.h"
#include "core/registry.h"
#include "core/util.h"
#include "core/validate.h"
#include "src/checklist.h"

/* ---- checklist ------------------------------------------------------------------ */

static void add(checklist_item *out, size_t max, size_t *n, int ok, const char *title,
                char *detail, const char *fix)
{
    if (*n >= max) {
        free(detail);
        return;
    }
    out[*n].title = util_xstrdup(title);
    out[*n].ok = ok;
    out[*n].detail = detail;
    out[*n].fix = fix && ok != 1 ? util_xstrdup(fix) : NULL;
    (*n)++;
}

static char *first_line(const char *s)
{
    if (!s)
        return util_xstrdup("");
    return util_xstrndup(s, strcspn(s, "\n"));
}

/* Run one command (3 s at most); none once *stop is set (the console quits). */
static int capture(const char *const *argv, const char *cwd, char **out, char *err,
                   const atomic_bool *stop)
{
    *out = NULL;
    if (stop && atomic_load(stop)) {
        snprintf(err, 256, "%s: not run (stopped)", argv[0]);
        *out = util_xstrdup("");
        return -1;
    }
    return proc_run_capture(argv, cwd, 3.0, out, 64 * 1024, err, 256);
}

size_t checklist_run(const char *root, const char *docker, checklist_item *out, size_t max,
                     const atomic_bool *stop)
{
    size_t n = 0;
    char err[256] = "", *o = NULL;

    /* 1. the engine */
    const char *info[] = {docker, "info", "--format", "{{.ServerVersion}}", NULL};
    int rc = capture(info, root, &o, err, stop);
    bool engine = rc == 0;
    char *server = first_line(o);
    add(out, max, &n, engine ? 1 : 0, "Docker engine reachable (docker info)",
        rc == 0    ? util_xasprintf("server %s", *server ? server : "?")
        : err[0]   ? util_xstrdup(err)
                   : util_xasprintf("docker info failed (exit %d)", rc),
        "start the Docker engine (dockerd / Docker Desktop) and wait for `docker info`");
    free(server);
    free(o);

    /* 2. compose */
    const char *v2[] = {docker, "compose", "version", "--short", NULL};
    const char *v1[] = {"docker-compose", "version", "--short", NULL};
    if (capture(v2, root, &o, err, stop) == 0) {
        char *l = first_line(o);
        add(out, max, &n, 1, "Docker Compose", util_xasprintf("docker compose %s (v2)", l),
            NULL);
        free(l);
    } else {
        free(o);
        if (capture(v1, root, &o, err, stop) == 0) {
            char *l = first_line(o);
            add(out, max, &n, -1, "Docker Compose",
                util_xasprintf("only docker-compose %s (v1): no --wait, no "
                               "build.additional_contexts",
                               l),
                "install Compose v2 for the services stack; srvconsole waits for "
                "containers itself with v1");
            free(l);
        } else {
            add(out, max, &n, 0, "Docker Compose", util_xstrdup("neither `docker compose` "
                                                                "nor `docker-compose` works"),
                "install docker-compose (or the Compose v2 plugin)");
        }
    }
    free(o);

    /* 3. the registry validates */
    registry r;
    char lerr[SRV_ERRLEN];
    char *path = project_path(root, "infrastructure/config-registry.yaml");
    if (registry_load(&r, path, "infrastructure/config-registry.yaml", lerr) != 0) {
        add(out, max, &n, 0, "Registry parses", util_xstrdup(lerr),
            "fix infrastructure/config-registry.yaml at the place named");
    } else {
        diag_list dl;
        diag_list_init(&dl);
        registry_check(&r, &dl);
        validate_opts vo = {0};
        validate_run(root, &r, &vo, &dl);
        size_t e = diag_count(&dl, DIAG_ERROR, -1), w = diag_count(&dl, DIAG_WARNING, -1);
        const diag *first = NULL;
        for (size_t i = 0; i < dl.n && !first; i++)
            if (dl.items[i].sev == DIAG_ERROR)
                first = &dl.items[i];
        strbuf sb = STRBUF_INIT;
        if (first)
            diag_format_line(&sb, first);
        add(out, max, &n, e ? 0 : w ? -1 : 1, "Registry and generated files validate",
            e ? util_xasprintf("%zu error(s), %zu warning(s); first: %s", e, w, sb.data)
              : util_xasprintf("%zu warning(s)", w),
            "never hand-edit generated files: fix the registry, then :generate");
        strbuf_free(&sb);

        /* 4. generated files present and current */
        gen_set set = {0};
        if (gen_render(&r, GEN_ALL, &set, lerr) == 0) {
            size_t missing = 0, stale = 0;
            const char *ex = NULL;
            for (size_t i = 0; i < set.n; i++) {
                gen_change st = gen_file_status(root, &set.files[i]);
                missing += st == GEN_CREATED;
                stale += st == GEN_UPDATED;
                if (st != GEN_UNCHANGED && !ex)
                    ex = set.files[i].rel;
            }
            add(out, max, &n, missing ? 0 : stale ? -1 : 1, "Generated files up to date",
                missing || stale
                    ? util_xasprintf("%zu missing, %zu stale of %zu (e.g. %s)", missing, stale,
                                     set.n, ex)
                    : util_xasprintf("all %zu present and current", set.n),
                ":generate writes them (deployments that need compose files fail without)");
        }
        gen_set_free(&set);
        diag_list_free(&dl);
        registry_free(&r);
    }
    free(path);

    /* 5. the deployment CLI's assets folder (§5.6) */
    char *assets = project_path(root, "infrastructure/tools/deployment-cli/assets");
    bool has_assets = util_is_dir(assets);
    add(out, max, &n, has_assets ? 1 : -1, "Builder assets folder exists",
        util_xasprintf("%s %s", "infrastructure/tools/deployment-cli/assets/",
                       has_assets ? "exists" : "is missing (gitignored)"),
        "mkdir -p infrastructure/tools/deployment-cli/assets (builds copy an .env there)");
    free(assets);

    /* 6. kubectl context, only when kubectl is installed */
    char *kc = proc_which("kubectl");
    if (kc) {
        const char *ctx[] = {"kubectl", "config", "current-context", NULL};
        rc = capture(ctx, root, &o, err, stop);
        char *l = first_line(o);
        add(out, max, &n, rc == 0 && !strcmp(l, "minikube") ? 1 : -1, "kubectl context",
            rc == 0 ? util_xasprintf("current context: %s", l)
                    : util_xstrdup("no current context"),
            "minikube deployments need the minikube context: run set_context");
        free(l);
        free(o);
        free(kc);
    }
    return n;
}

void checklist_free(checklist_item *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(c[i].title);
        free(c[i].detail);
        free(c[i].fix);
    }
}
