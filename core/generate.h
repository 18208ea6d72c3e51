/* core/generate.h — the generators: registry → docker-compose files,
 * Kubernetes manifests, .env files and agent configs, byte-identical to the
 * reference generator (spec §3).
 *
 * Rendering is pure (memory only); writing is separate, atomic per file, and
 * happens only after everything rendered: a failure leaves every old file
 * intact. */
#ifndef SRV_GENERATE_H
#define SRV_GENERATE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/registry.h"
#include "core/util.h"

typedef enum {
    GEN_COMPOSE = 1 << 0,
    GEN_KUBERNETES = 1 << 1,
    GEN_ENV = 1 << 2,
    GEN_AGENTS = 1 << 3,
    GEN_ALL = (1 << 4) - 1,
} gen_group;

#define GEN_COMPOSE_DIR "infrastructure/local/docker/compose"
#define GEN_BASE_DIR "infrastructure/local/minikube/manifests/base"
#define GEN_MINIKUBE_DIR "infrastructure/local/minikube/manifests/minikube"
#define GEN_CONFIGS_DIR "infrastructure/local/configs"
#define GEN_AGENTS_DIR "infrastructure/local/configs/agents"

typedef struct {
    gen_group group;
    char *rel;  /* path relative to the package root */
    char *data;
    size_t len;
} gen_file;

typedef struct {
    gen_file *files;
    size_t n, cap;
} gen_set;

typedef enum {
    GEN_UNCHANGED,
    GEN_CREATED,
    GEN_UPDATED,
} gen_change;

/* Target names → group mask, as the reference reads them: "all" selects
 * everything, unknown names are ignored (each one is appended to `unknown`,
 * space-separated, when it is not NULL).  No names at all means "all". */
unsigned gen_parse_targets(int n, char *const *names, strbuf *unknown);
const char *gen_group_name(gen_group g);

/* Render the selected groups.  Fails (err names the entry) on the registries
 * the reference generator cannot handle either; `out` is then left as it
 * was (no partial set). */
int gen_render(const registry *r, unsigned groups, gen_set *out, char *err);
void gen_set_free(gen_set *s);

/* How a rendered file compares with what is on disk below `root`. */
gen_change gen_file_status(const char *root, const gen_file *f);
/* Write every changed file atomically; `status` (n entries, may be NULL)
 * receives what happened to each.  Stops at the first failure. */
int gen_write(const char *root, const gen_set *s, gen_change *status,
              char *err);
/* The reference generator's report of a successful write, as lines ending in
 * '\n': the banner, then per selected group its heading and one line per
 * file ("= Unchanged" / "✓ Created" / "✓ Updated" ROOT/REL), then the
 * completion line.  `status` as gen_write() filled it. */
void gen_format_report(strbuf *sb, const char *root, const gen_set *s,
                       const gen_change *status, unsigned groups);

#endif
