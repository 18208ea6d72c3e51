/* bench/bench_generate.c — generation speed (make bench).
 *
 * Prints, in one run:
 *  - the reference registry: median wall time of the whole `srvconsole
 *    generate` process (fork+exec, load, check, render, compare, write) over
 *    many runs, and of the in-process path alone (target <= 5 ms);
 *  - synthetic registries of 100, 1,000 and 10,000 services: wall time of
 *    `srvconsole generate` into an empty root and the growth ratio per 10x
 *    (target <= 1 s at 10,000, linear: ratio ~10);
 *  - peak RSS of the generate processes.
 * Figures only; nothing is asserted. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/generate.h"
#include "core/registry.h"
#include "core/util.h"

static const char *srvconsole_bin(void)
{
    const char *b = getenv("SRVCONSOLE");
    return b ? b : "./srvconsole";
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Run `srvconsole generate -q --root ROOT`; returns wall ns, or 0 on failure. */
static uint64_t run_generate(const char *root)
{
    uint64_t t0 = util_now_ns();
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) {
            dup2(fd, 1);
        }
        execl(srvconsole_bin(), "srvconsole", "generate", "-q", "--root", root,
              (char *)NULL);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    uint64_t t = util_now_ns() - t0;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? t : 0;
}

/* Output goes to BENCH_DIR, else /dev/shm (to measure the program rather
 * than the disk), else /tmp. */
static const char *bench_dir(void)
{
    const char *d = getenv("BENCH_DIR");
    if (d && *d)
        return d;
    return util_is_dir("/dev/shm") ? "/dev/shm" : "/tmp";
}

static char *make_root(const char *tag)
{
    char *dir = util_xasprintf("%s/srvbench-%s-XXXXXX", bench_dir(), tag);
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        exit(1);
    }
    return dir;
}

static void rm_rf(const char *dir)
{
    char *cmd = util_xasprintf("rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", dir);
    free(cmd);
}

static char *reference_registry(void)
{
    const char *env = getenv("SRVTHREDS_REF");
    const char *top = getenv("top_srcdir");
    char *cands[3] = {
        env ? util_xasprintf("%s/infrastructure/config-registry.yaml", env) : NULL,
        util_xasprintf("%s/../shared/srvthreds/infrastructure/config-registry.yaml",
                       top ? top : ".."),
        util_xasprintf("%s/share/sample/infrastructure/config-registry.yaml",
                       top ? top : ".."),
    };
    char *found = NULL;
    for (int i = 0; i < 3; i++) {
        if (!found && cands[i] && util_is_file(cands[i]))
            found = cands[i];
        else
            free(cands[i]);
    }
    return found;
}

static void synth_registry(strbuf *sb, int n)
{
    strbuf_adds(sb, "metadata:\n  name: bench\n  namespace: bench\n"
                    "services:\n"
                    "  builder:\n    name: bench-builder\n    description: builder\n"
                    "    image:\n      repository: bench/builder\n      tag: latest\n"
                    "    buildOnly: true\n");
    for (int i = 0; i < n; i++) {
        strbuf_addf(sb,
                    "  svc%05d:\n    name: svc-%05d\n    description: service %d\n"
                    "    image:\n      repository: bench/svc-%05d\n      tag: latest\n"
                    "    dockerfile: Dockerfile\n"
                    "    command:\n      entrypoint: node\n      args:\n"
                    "        - dist/index.js\n        - -i\n        - node.%d\n"
                    "    ports:\n      http: %d\n"
                    "    environment:\n      NODE_ENV: development\n"
                    "      MONGO_HOST: ${MONGO_HOST:-mongo:27017}\n"
                    "    dependsOn:\n      - bench-builder\n"
                    "    resources:\n      memory:\n        request: 128Mi\n"
                    "        limit: 256Mi\n      cpu:\n        request: 100m\n"
                    "        limit: 200m\n",
                    i, i, i, i, i, 10000 + i);
    }
    strbuf_adds(sb, "databases:\n  redis:\n    name: redis\n"
                    "    image:\n      repository: redis\n      tag: latest\n"
                    "    port: 6379\n"
                    "build:\n  dockerfiles:\n    builder: Dockerfile.builder\n"
                    "    runtime: Dockerfile\n  dockerContext:\n    root: ../../../../\n"
                    "networks:\n  default:\n    name: bench-net\n    driver: bridge\n"
                    "connectionStrings:\n  kubernetes:\n    mongodb: mongo-service:27017\n"
                    "    redis: redis-service:6379\n    rabbitmq: rabbitmq-service\n"
                    "    mongoDirectConnection: false\n    useTls: false\n"
                    "security:\n  jwt:\n    expireTime: 1h\n    refreshTokenExpireTime: 7d\n");
}

int main(void)
{
    char err[SRV_ERRLEN];
    char *ref = reference_registry();
    if (!ref) {
        fprintf(stderr, "bench_generate: no registry found\n");
        return 1;
    }
    printf("registry: %s\noutput folder: %s (BENCH_DIR overrides)\n", ref,
           bench_dir());

    /* whole process, reference registry: first run writes, later ones compare */
    char *root = make_root("ref");
    char *infra = util_path_join(root, "infrastructure");
    util_mkdirs(infra, err);
    char *data;
    size_t len;
    if (util_read_file(ref, REGISTRY_MAX_BYTES, &data, &len, err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    char *dst = util_path_join(infra, "config-registry.yaml");
    util_write_file_atomic(dst, data, len, err);
    enum { RUNS = 200 };
    uint64_t t[RUNS];
    uint64_t first = run_generate(root);
    for (int i = 0; i < RUNS; i++)
        t[i] = run_generate(root);
    qsort(t, RUNS, sizeof t[0], cmp_u64);
    printf("generate (process), reference registry: first run %.2f ms, "
           "median %.2f ms, p90 %.2f ms over %d runs  [target <= 5 ms; "
           "reference generator ~400 ms]\n",
           first / 1e6, t[RUNS / 2] / 1e6, t[RUNS * 9 / 10] / 1e6, RUNS);

    /* in process: load + check + render (no I/O of outputs) */
    for (int i = 0; i < RUNS; i++) {
        uint64_t t0 = util_now_ns();
        registry r;
        if (registry_load_string(&r, "bench.yaml", data, len, err) != 0) {
            fprintf(stderr, "%s\n", err);
            return 1;
        }
        diag_list dl;
        diag_list_init(&dl);
        registry_check(&r, &dl);
        gen_set s = {0};
        gen_render(&r, GEN_ALL, &s, err);
        gen_set_free(&s);
        diag_list_free(&dl);
        registry_free(&r);
        t[i] = util_now_ns() - t0;
    }
    qsort(t, RUNS, sizeof t[0], cmp_u64);
    printf("generate (in process: parse, check, render), reference registry: "
           "median %.3f ms\n",
           t[RUNS / 2] / 1e6);
    free(data);
    free(dst);
    free(infra);
    rm_rf(root);
    free(root);
    free(ref);

    /* synthetic registries */
    int sizes[] = {100, 1000, 10000};
    double prev = 0, prev_in = 0;
    for (size_t k = 0; k < SRV_ARRAY_LEN(sizes); k++) {
        strbuf sb = STRBUF_INIT;
        synth_registry(&sb, sizes[k]);
        uint64_t best = 0;
        int reps = sizes[k] >= 10000 ? 3 : 5;
        for (int rep = 0; rep < reps; rep++) {
            char *r2 = make_root("synth");
            char *inf2 = util_path_join(r2, "infrastructure");
            util_mkdirs(inf2, err);
            char *reg2 = util_path_join(inf2, "config-registry.yaml");
            util_write_file_atomic(reg2, sb.data, sb.len, err);
            uint64_t w = run_generate(r2);
            if (!w)
                fprintf(stderr, "generate failed on %d services\n", sizes[k]);
            if (!best || (w && w < best))
                best = w;
            rm_rf(r2);
            free(reg2);
            free(inf2);
            free(r2);
        }
        /* in process: parse + check + render, no file I/O */
        uint64_t t0 = util_now_ns();
        registry r;
        if (registry_load_string(&r, "synth.yaml", sb.data, sb.len, err) == 0) {
            diag_list dl;
            diag_list_init(&dl);
            registry_check(&r, &dl);
            gen_set s = {0};
            gen_render(&r, GEN_ALL, &s, err);
            gen_set_free(&s);
            diag_list_free(&dl);
        }
        registry_free(&r);
        double inproc = (util_now_ns() - t0) / 1e6;
        printf("render (in process), %5d services: %8.1f ms", sizes[k], inproc);
        if (prev_in > 0)
            printf("  x%.1f for 10x services", inproc / prev_in);
        printf("\n");
        prev_in = inproc;
        double ms = best / 1e6;
        printf("generate (process), %5d services (%.1f MB registry, %d files): "
               "%8.1f ms (best of %d)",
               sizes[k], sb.len / 1e6, 2 * sizes[k] + 14, ms, reps);
        if (prev > 0)
            printf("  x%.1f for 10x services", ms / prev);
        printf("%s\n", sizes[k] == 10000 ? "  [target <= 1000 ms, linear]" : "");
        prev = ms;
        strbuf_free(&sb);
    }
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    printf("peak RSS of a generate process: %.1f MB\n", ru.ru_maxrss / 1024.0);
    return 0;
}
