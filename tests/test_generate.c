/* tests/test_generate.c — core/generate: every transformation rule of spec
 * §3.4 (compose), §3.6 (Kubernetes), §3.7 (.env), §3.8 (agent configs),
 * target selection, determinism, and the all-or-nothing writer.
 *
 * The expected texts below are written by hand from the rules of the spec
 * (key order §3.4/§3.6 tables, block layout §3.3.3, scalar styles §3.3.4),
 * for registries of our own; they are not copies of the program's output. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include "core/generate.h"
#include "core/util.h"
#include "tests/tsupport.h"

#define HEADER                                                                \
    "# Auto-generated from config-registry.yaml\n"                            \
    "# DO NOT EDIT MANUALLY - regenerate using: npm run generate:config\n\n"

#define DB_FILE GEN_COMPOSE_DIR "/docker-compose-db.yml"
#define SVC_FILE GEN_COMPOSE_DIR "/docker-compose-services.yml"

/* Compare texts; on a difference report the first differing line. */
static void expect_text(const char *what, const char *got, const char *want)
{
    cr_assert_not_null(got, "%s was not rendered", what);
    if (strcmp(got, want) == 0)
        return;
    int line = 1;
    const char *g = got, *w = want;
    while (*g && *g == *w) {
        if (*g == '\n')
            line++;
        g++;
        w++;
    }
    const char *ge = strchr(g, '\n'), *we = strchr(w, '\n');
    cr_expect_fail("%s differs at line %d:\n  got:  \"%.*s\"\n  want: \"%.*s\"\n"
                   "---- got ----\n%s---- want ----\n%s",
                   what, line, ge ? (int)(ge - g) : (int)strlen(g), g,
                   we ? (int)(we - w) : (int)strlen(w), w, got, want);
}

static void expect_rendered(const char *registry_text, unsigned groups,
                            const char *rel, const char *want)
{
    char *got = ts_render_one(registry_text, groups, rel);
    expect_text(rel, got, want);
    free(got);
}

/* ---- the default fixture ------------------------------------------------------- */

static const char *const BASE_SERVICES_COMPOSE =
    HEADER
    "services:\n"
    "  acme-builder:\n"
    "    image: acme/builder:v1\n"
    "    build:\n"
    "      context: ../../../../\n"
    "      dockerfile: docker/Dockerfile.build\n"
    "      additional_contexts:\n"
    "        thredlib: ../../../../../lib\n"
    "    profiles:\n"
    "      - manual\n"
    "  acme-api:\n"
    "    image: acme/api:v2\n"
    "    container_name: acme-api\n"
    "    restart: unless-stopped\n"
    "    networks:\n"
    "      - acme-net\n"
    "    ports:\n"
    "      - '9000:9000'\n"
    "    build:\n"
    "      context: ../../../../\n"
    "      dockerfile: docker/Dockerfile.run\n"
    "      additional_contexts:\n"
    "        thredlib: ../../../../../lib\n"
    "      args:\n"
    "        BUILDER_IMAGE: acme/builder:v1\n"
    "networks:\n"
    "  acme-net:\n"
    "    external: true\n";

static const char *const BASE_DB_COMPOSE = HEADER
    "services:\n"
    "  cache:\n"
    "    image: valkey/valkey:v8\n"
    "    container_name: cache\n"
    "    restart: unless-stopped\n"
    "    networks:\n"
    "      - acme-net\n"
    "    ports:\n"
    "      - '7000:7000'\n"
    "networks:\n"
    "  acme-net:\n"
    "    driver: bridge\n"
    "    name: acme-net\n";

Test(compose, default_fixture_both_files)
{
    char *text = ts_registry(NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    expect_rendered(text, GEN_COMPOSE, SVC_FILE, BASE_SERVICES_COMPOSE);
    expect_rendered(text, GEN_COMPOSE, DB_FILE, BASE_DB_COMPOSE);
    free(text);
}

/* ---- compose: one registry exercising every rule of §3.4 --------------------------- */

static const char *const RULES_SERVICES =
    "services:\n"
    "  builder:\n"
    "    name: acme-builder\n"
    "    description: Builds everything\n"
    "    image:\n"
    "      repository: acme/builder\n"
    "      tag: v1\n"
    "    buildOnly: true\n"
    "    restartPolicy: always\n"      /* build-only: ignored */
    "    ports: {web: 1}\n"            /* ignored */
    "    environment: {A: b}\n"        /* ignored */
    "    dependsOn: [x]\n"             /* ignored */
    "    dockerfile: docker/Dockerfile.own\n"
    "  once:\n"
    "    name: once\n"
    "    description: One-shot\n"
    "    image: {repository: acme/once, tag: \"1\"}\n"
    "    dockerfile: docker/Dockerfile.cmd\n"
    "    restartPolicy: \"no\"\n"
    "    command:\n"
    "      entrypoint: npm\n"
    "      args: [run, \"--\", -p, x]\n"
    "    ports: {}\n"
    "    dependsOn: []\n"
    "  web:\n"
    "    name: web\n"
    "    description: Web\n"
    "    image: {repository: acme/web, tag: v3}\n"
    "    dockerfile: docker/Dockerfile.run\n"
    "    restartPolicy: always\n"
    "    command: [serve, --port, \"8080\"]\n"
    "    environment:\n"
    "      MONGO_HOST: ${MONGO_HOST:-db:27017}\n"
    "      PORT: 8080\n"
    "      RATIO: 1.50\n"
    "      DEBUG: true\n"
    "      OFF: false\n"
    "      NOTHING: null\n"
    "      HEX: 0x10\n"
    "      \"10\": ten\n"
    "      \"2\": two\n"
    "    port: 8080\n"
    "    ports: {ignored: 9999}\n"
    "    volumes:\n"
    "      mountPath: /srv\n"
    "      hostPath: ./data/web\n"
    "    healthcheck:\n"
    "      test: curl -f http://localhost:8080/ || exit 1\n"
    "      retries: 3\n"
    "    dependsOn: [once]\n"
    "  plain:\n"
    "    name: plain\n"
    "    description: No dockerfile, entrypoint only\n"
    "    image: {repository: acme/plain, tag: v4}\n"
    "    restartPolicy: \"\"\n"
    "    command:\n"
    "      entrypoint: /bin/run\n"
    "    port: 0\n"
    "    ports: {a: 81, b: 82}\n"
    "    volumes:\n"
    "      - {mountPath: /a, hostPath: ./a}\n"
    "      - {mountPath: /b, hostPath: ./b}\n"
    "    healthcheck:\n"
    "      test: [CMD, true]\n"
    "      interval: 5s\n"
    "      timeout: 2s\n"
    "      retries: 2\n"
    "      startPeriod: 9s\n"
    "    resources:\n"
    "      memory: {limit: 1Gi}\n"
    "      cpu: {request: 250m}\n"
    "    replicas: {dev: 3, staging: 9}\n"
    "  argsonly:\n"
    "    name: argsonly\n"
    "    description: Args only\n"
    "    image: {repository: acme/a, tag: v5}\n"
    "    command:\n"
    "      args: [x]\n";

static const char *const RULES_DATABASES =
    "databases:\n"
    "  store:\n"
    "    name: store\n"
    "    image: {repository: mongo, tag: \"7.0\"}\n"
    "    port: 27018\n"
    "    command: [mongod, --replSet, rs1]\n"
    "    environment:\n"
    "      INIT: admin\n"
    "      N: 5\n"
    "    volumes:\n"
    "      mountPath: /data/db\n"
    "      hostPath: ./.docker/store\n"
    "    healthcheck:\n"
    "      test: echo 'db.runCommand(\"ping\").ok' | mongosh localhost:27018/admin --quiet\n"
    "      interval: 10s\n"
    "      startPeriod: 30s\n"
    "    resources:\n"
    "      memory: {request: 1Gi}\n"
    "    replicas: {dev: 0}\n"
    "  queue:\n"
    "    name: queue\n"
    "    image: {repository: rabbitmq, tag: 3-management, pullPolicy: Always}\n"
    "    kubernetes:\n"
    "      kind: StatefulSet\n"
    "      volumeClaimTemplate: {name: q-data, mountPath: /var/lib/q, storage: 2Gi}\n"
    "    ports: {amqp: 5673, mgmt: 15673}\n"
    "    environment:\n"
    "      COUNT: 5\n"
    "      FLAG: true\n"
    "      NAME: q\n"
    "    volumes:\n"
    "      - {mountPath: /x, hostPath: ./x}\n"
    "    command: [rabbitmq-server]\n"
    "    replicas: {dev: 2}\n"
    "  kv:\n"
    "    name: kv\n"
    "    image: {repository: redis, tag: latest}\n"
    "    kubernetes:\n"
    "      kind: statefulset\n"
    "    dependsOn: [store]\n";

static char *rules_registry(void)
{
    return ts_registry(NULL, RULES_SERVICES, RULES_DATABASES, NULL, NULL, NULL, NULL);
}

#define BUILD_BLOCK(df)                                                       \
    "    build:\n"                                                            \
    "      context: ../../../../\n"                                           \
    "      dockerfile: " df "\n"                                              \
    "      additional_contexts:\n"                                            \
    "        thredlib: ../../../../../lib\n"

static const char *const RULES_SERVICES_COMPOSE =
    HEADER
    "services:\n"
    /* build-only: image, build, profiles and nothing else */
    "  acme-builder:\n"
    "    image: acme/builder:v1\n"
    BUILD_BLOCK("docker/Dockerfile.own")
    "    profiles:\n"
    "      - manual\n"
    /* restart 'no'; map command → entrypoint + command; ports {} and
     * dependsOn [] omitted; cmdRunner → BUILDER_IMAGE */
    "  once:\n"
    "    image: acme/once:1\n"
    "    container_name: once\n"
    "    restart: 'no'\n"
    "    networks:\n"
    "      - acme-net\n"
    "    entrypoint:\n"
    "      - npm\n"
    "    command:\n"
    "      - run\n"
    "      - '--'\n"
    "      - '-p'\n"
    "      - x\n"
    BUILD_BLOCK("docker/Dockerfile.cmd")
    "      args:\n"
    "        BUILDER_IMAGE: acme/builder:v1\n"
    /* list command; environment converted as JavaScript does, index keys
     * first; port wins over ports; single volume map; partial healthcheck */
    "  web:\n"
    "    image: acme/web:v3\n"
    "    container_name: web\n"
    "    restart: always\n"
    "    networks:\n"
    "      - acme-net\n"
    "    command:\n"
    "      - serve\n"
    "      - '--port'\n"
    "      - '8080'\n"
    "    environment:\n"
    "      - 2=two\n"
    "      - 10=ten\n"
    "      - MONGO_HOST=${MONGO_HOST:-db:27017}\n"
    "      - PORT=8080\n"
    "      - RATIO=1.5\n"
    "      - DEBUG=true\n"
    "      - OFF=false\n"
    "      - NOTHING=null\n"
    "      - HEX=16\n"
    "    ports:\n"
    "      - '8080:8080'\n"
    "    volumes:\n"
    "      - ./data/web:/srv\n"
    "    healthcheck:\n"
    "      test: curl -f http://localhost:8080/ || exit 1\n"
    "      retries: 3\n"
    BUILD_BLOCK("docker/Dockerfile.run")
    "      args:\n"
    "        BUILDER_IMAGE: acme/builder:v1\n"
    "    depends_on:\n"
    "      - once\n"
    /* empty restartPolicy → default; entrypoint only; port 0 → ports map;
     * volume list; full healthcheck (start_period last); builder fallback
     * Dockerfile → no args */
    "  plain:\n"
    "    image: acme/plain:v4\n"
    "    container_name: plain\n"
    "    restart: unless-stopped\n"
    "    networks:\n"
    "      - acme-net\n"
    "    entrypoint:\n"
    "      - /bin/run\n"
    "    ports:\n"
    "      - '81:81'\n"
    "      - '82:82'\n"
    "    volumes:\n"
    "      - ./a:/a\n"
    "      - ./b:/b\n"
    "    healthcheck:\n"
    "      test:\n"
    "        - CMD\n"
    "        - true\n"
    "      interval: 5s\n"
    "      timeout: 2s\n"
    "      retries: 2\n"
    "      start_period: 9s\n"
    BUILD_BLOCK("docker/Dockerfile.build")
    /* a command map without entrypoint: [undefined] is dumped as null */
    "  argsonly:\n"
    "    image: acme/a:v5\n"
    "    container_name: argsonly\n"
    "    restart: unless-stopped\n"
    "    networks:\n"
    "      - acme-net\n"
    "    entrypoint:\n"
    "      - null\n"
    "    command:\n"
    "      - x\n"
    BUILD_BLOCK("docker/Dockerfile.build")
    "networks:\n"
    "  acme-net:\n"
    "    external: true\n";

static const char *const RULES_DB_COMPOSE =
    HEADER
    "services:\n"
    "  store:\n"
    "    image: mongo:7.0\n"
    "    container_name: store\n"
    "    restart: unless-stopped\n"
    "    networks:\n"
    "      - acme-net\n"
    "    command:\n"
    "      - mongod\n"
    "      - '--replSet'\n"
    "      - rs1\n"
    "    environment:\n"
    "      - INIT=admin\n"
    "      - N=5\n"
    "    ports:\n"
    "      - '27018:27018'\n"
    "    volumes:\n"
    "      - ./.docker/store:/data/db\n"
    "    healthcheck:\n"
    "      test: echo 'db.runCommand(\"ping\").ok' | mongosh localhost:27018/admin --quiet\n"
    "      interval: 10s\n"
    "      start_period: 30s\n"
    "  queue:\n"
    "    image: rabbitmq:3-management\n"
    "    container_name: queue\n"
    "    restart: unless-stopped\n"
    "    networks:\n"
    "      - acme-net\n"
    "    command:\n"
    "      - rabbitmq-server\n"
    "    environment:\n"
    "      - COUNT=5\n"
    "      - FLAG=true\n"
    "      - NAME=q\n"
    "    ports:\n"
    "      - '5673:5673'\n"
    "      - '15673:15673'\n"
    "    volumes:\n"
    "      - ./x:/x\n"
    /* no build section in the database file; depends_on when non-empty */
    "  kv:\n"
    "    image: redis:latest\n"
    "    container_name: kv\n"
    "    restart: unless-stopped\n"
    "    networks:\n"
    "      - acme-net\n"
    "    depends_on:\n"
    "      - store\n"
    "networks:\n"
    "  acme-net:\n"
    "    driver: bridge\n"
    "    name: acme-net\n";

Test(compose, services_file_rules)
{
    char *text = rules_registry();
    expect_rendered(text, GEN_COMPOSE, SVC_FILE, RULES_SERVICES_COMPOSE);
    free(text);
}

Test(compose, database_file_rules)
{
    char *text = rules_registry();
    expect_rendered(text, GEN_COMPOSE, DB_FILE, RULES_DB_COMPOSE);
    free(text);
}

Test(compose, network_without_driver_and_other_name)
{
    char *text = ts_registry(NULL, NULL, NULL, NULL,
                             "networks:\n  default:\n    name: lan-2\n"
                             "  other:\n    name: ignored\n",
                             NULL, NULL);
    char *db = ts_render_one(text, GEN_COMPOSE, DB_FILE);
    cr_assert_not_null(db);
    cr_expect(util_endswith(db, "networks:\n  lan-2:\n    name: lan-2\n"), "%s", db);
    cr_expect(strstr(db, "      - lan-2\n") != NULL, "%s", db);
    free(db);
    char *svc = ts_render_one(text, GEN_COMPOSE, SVC_FILE);
    cr_expect(util_endswith(svc, "networks:\n  lan-2:\n    external: true\n"), "%s", svc);
    cr_expect(strstr(svc, "ignored") == NULL);
    free(svc);
    free(text);
}

Test(compose, entries_without_image_or_builder_fail_naming_the_entry)
{
    char *svc = util_xasprintf("services:\n  api:\n    name: acme-api\n"
                               "    description: d\n    dockerfile: x\n");
    char *text = ts_registry(NULL, svc, NULL, NULL, NULL, NULL, NULL);
    registry r;
    ts_load(&r, text);
    gen_set s = {0};
    char err[SRV_ERRLEN] = "";
    cr_expect_eq(gen_render(&r, GEN_COMPOSE, &s, err), -1);
    cr_expect(strstr(err, "acme-api") && strstr(err, "image"), "%s", err);
    cr_expect_eq(s.n, 0);
    /* the other targets do not need the image of a service */
    cr_expect_eq(gen_render(&r, GEN_KUBERNETES | GEN_ENV | GEN_AGENTS, &s, err), 0,
                 "%s", err);
    gen_set_free(&s);
    registry_free(&r);
    free(text);
    free(svc);
}

/* ---- Kubernetes (§3.6) ------------------------------------------------------------ */

#define K8S_META(name, ns)                                                    \
    "metadata:\n"                                                             \
    "  name: " name "\n"                                                      \
    "  namespace: " ns "\n"                                                   \
    "  labels:\n"                                                             \
    "    app: " name "\n"

#define K8S_SELECTOR_TEMPLATE(name)                                           \
    "  selector:\n"                                                           \
    "    matchLabels:\n"                                                      \
    "      app: " name "\n"                                                   \
    "  template:\n"                                                           \
    "    metadata:\n"                                                         \
    "      labels:\n"                                                         \
    "        app: " name "\n"                                                 \
    "    spec:\n"                                                             \
    "      containers:\n"

#define DEFAULT_RESOURCES                                                     \
    "          resources:\n"                                                  \
    "            requests:\n"                                                 \
    "              memory: 128Mi\n"                                           \
    "              cpu: 100m\n"                                               \
    "            limits:\n"                                                   \
    "              memory: 256Mi\n"                                           \
    "              cpu: 200m\n"

#define ENVFROM(cm)                                                           \
    "          envFrom:\n"                                                    \
    "            - configMapRef:\n"                                           \
    "                name: " cm "\n"

#define SERVICE_DOC_HEAD(name, ns)                                            \
    "---\n"                                                                   \
    "apiVersion: v1\n"                                                        \
    "kind: Service\n"                                                         \
    "metadata:\n"                                                             \
    "  name: " name "-service\n"                                              \
    "  namespace: " ns "\n"                                                   \
    "  labels:\n"                                                             \
    "    app: " name "\n"                                                     \
    "spec:\n"                                                                 \
    "  type: ClusterIP\n"                                                     \
    "  selector:\n"                                                           \
    "    app: " name "\n"                                                     \
    "  ports:\n"

static const char *const K8S_WEB =
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    K8S_META("web", "acme-ns")
    "spec:\n"
    "  replicas: 1\n"
    K8S_SELECTOR_TEMPLATE("web")
    "        - name: web\n"
    "          image: srvthreds:dev\n"
    "          imagePullPolicy: Never\n"
    "          ports:\n"
    "            - containerPort: 8080\n"
    ENVFROM("acme-config")
    DEFAULT_RESOURCES
    "          command:\n"
    "            - serve\n"
    "            - '--port'\n"
    "            - '8080'\n"
    "          volumeMounts:\n"
    "            - name: web-storage-0\n"
    "              mountPath: /srv\n"
    "      volumes:\n"
    "        - name: web-storage-0\n"
    "          emptyDir: {}\n"
    SERVICE_DOC_HEAD("web", "acme-ns")
    "    - name: default\n"
    "      port: 8080\n"
    "      targetPort: 8080\n";

static const char *const K8S_PLAIN =
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    K8S_META("plain", "acme-ns")
    "spec:\n"
    "  replicas: 3\n"
    K8S_SELECTOR_TEMPLATE("plain")
    "        - name: plain\n"
    "          image: srvthreds:dev\n"
    "          imagePullPolicy: Never\n"
    "          ports:\n"
    "            - containerPort: 81\n"
    "              name: a\n"
    "            - containerPort: 82\n"
    "              name: b\n"
    ENVFROM("acme-config")
    "          resources:\n"
    "            requests:\n"
    "              memory: 128Mi\n"
    "              cpu: 250m\n"
    "            limits:\n"
    "              memory: 1Gi\n"
    "              cpu: 200m\n"
    "          command:\n"
    "            - /bin/run\n"
    "          volumeMounts:\n"
    "            - name: plain-storage-0\n"
    "              mountPath: /a\n"
    "            - name: plain-storage-1\n"
    "              mountPath: /b\n"
    "      volumes:\n"
    "        - name: plain-storage-0\n"
    "          emptyDir: {}\n"
    "        - name: plain-storage-1\n"
    "          emptyDir: {}\n"
    SERVICE_DOC_HEAD("plain", "acme-ns")
    "    - name: a\n"
    "      port: 81\n"
    "      targetPort: 81\n"
    "    - name: b\n"
    "      port: 82\n"
    "      targetPort: 82\n";

/* ports {} → ports: [] and no Service, so the header is there */
static const char *const K8S_ONCE =
    HEADER
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    K8S_META("once", "acme-ns")
    "spec:\n"
    "  replicas: 1\n"
    K8S_SELECTOR_TEMPLATE("once")
    "        - name: once\n"
    "          image: srvthreds:dev\n"
    "          imagePullPolicy: Never\n"
    "          ports: []\n"
    ENVFROM("acme-config")
    DEFAULT_RESOURCES
    "          command:\n"
    "            - npm\n"
    "          args:\n"
    "            - run\n"
    "            - '--'\n"
    "            - '-p'\n"
    "            - x\n";

/* the build-only builder is a Deployment too, without command */
static const char *const K8S_BUILDER =
    HEADER
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    K8S_META("acme-builder", "acme-ns")
    "spec:\n"
    "  replicas: 1\n"
    K8S_SELECTOR_TEMPLATE("acme-builder")
    "        - name: acme-builder\n"
    "          image: srvthreds:dev\n"
    "          imagePullPolicy: Never\n"
    "          ports: []\n"
    ENVFROM("acme-config")
    DEFAULT_RESOURCES;

/* database Deployment: registry image, IfNotPresent, no envFrom, no env,
 * replicas 0 → 1, resource defaults per field, emptyDir volumes */
static const char *const K8S_STORE =
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    K8S_META("store", "acme-ns")
    "spec:\n"
    "  replicas: 1\n"
    K8S_SELECTOR_TEMPLATE("store")
    "        - name: store\n"
    "          image: mongo:7.0\n"
    "          imagePullPolicy: IfNotPresent\n"
    "          ports:\n"
    "            - containerPort: 27018\n"
    "          resources:\n"
    "            requests:\n"
    "              memory: 1Gi\n"
    "              cpu: 100m\n"
    "            limits:\n"
    "              memory: 256Mi\n"
    "              cpu: 200m\n"
    "          command:\n"
    "            - mongod\n"
    "            - '--replSet'\n"
    "            - rs1\n"
    "          volumeMounts:\n"
    "            - name: store-storage-0\n"
    "              mountPath: /data/db\n"
    "      volumes:\n"
    "        - name: store-storage-0\n"
    "          emptyDir: {}\n"
    SERVICE_DOC_HEAD("store", "acme-ns")
    "    - name: default\n"
    "      port: 27018\n"
    "      targetPort: 27018\n";

/* StatefulSet: serviceName, env values as strings, claim template; the
 * compose volumes are ignored */
static const char *const K8S_QUEUE =
    "apiVersion: apps/v1\n"
    "kind: StatefulSet\n"
    K8S_META("queue", "acme-ns")
    "spec:\n"
    "  serviceName: queue-service\n"
    "  replicas: 2\n"
    K8S_SELECTOR_TEMPLATE("queue")
    "        - name: queue\n"
    "          image: rabbitmq:3-management\n"
    "          imagePullPolicy: Always\n"
    "          ports:\n"
    "            - containerPort: 5673\n"
    "              name: amqp\n"
    "            - containerPort: 15673\n"
    "              name: mgmt\n"
    DEFAULT_RESOURCES
    "          command:\n"
    "            - rabbitmq-server\n"
    "          env:\n"
    "            - name: COUNT\n"
    "              value: '5'\n"
    "            - name: FLAG\n"
    "              value: 'true'\n"
    "            - name: NAME\n"
    "              value: q\n"
    "          volumeMounts:\n"
    "            - name: q-data\n"
    "              mountPath: /var/lib/q\n"
    "  volumeClaimTemplates:\n"
    "    - metadata:\n"
    "        name: q-data\n"
    "      spec:\n"
    "        accessModes:\n"
    "          - ReadWriteOnce\n"
    "        resources:\n"
    "          requests:\n"
    "            storage: 2Gi\n"
    SERVICE_DOC_HEAD("queue", "acme-ns")
    "    - name: amqp\n"
    "      port: 5673\n"
    "      targetPort: 5673\n"
    "    - name: mgmt\n"
    "      port: 15673\n"
    "      targetPort: 15673\n";

/* kind other than exactly "StatefulSet" → Deployment; no ports → header */
static const char *const K8S_KV =
    HEADER
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    K8S_META("kv", "acme-ns")
    "spec:\n"
    "  replicas: 1\n"
    K8S_SELECTOR_TEMPLATE("kv")
    "        - name: kv\n"
    "          image: redis:latest\n"
    "          imagePullPolicy: IfNotPresent\n"
    "          ports: []\n"
    DEFAULT_RESOURCES;

Test(kubernetes, service_deployments)
{
    char *text = rules_registry();
    expect_rendered(text, GEN_KUBERNETES, GEN_BASE_DIR "/web.yaml", K8S_WEB);
    expect_rendered(text, GEN_KUBERNETES, GEN_BASE_DIR "/plain.yaml", K8S_PLAIN);
    expect_rendered(text, GEN_KUBERNETES, GEN_BASE_DIR "/once.yaml", K8S_ONCE);
    free(text);
    /* the fixture's builder has no ports (the one above has, so it gets a
     * Service although it is build-only) */
    text = ts_registry(NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    expect_rendered(text, GEN_KUBERNETES, GEN_BASE_DIR "/acme-builder.yaml", K8S_BUILDER);
    free(text);
}

Test(kubernetes, database_workloads)
{
    char *text = rules_registry();
    expect_rendered(text, GEN_KUBERNETES, GEN_MINIKUBE_DIR "/store.yaml", K8S_STORE);
    expect_rendered(text, GEN_KUBERNETES, GEN_MINIKUBE_DIR "/queue.yaml", K8S_QUEUE);
    expect_rendered(text, GEN_KUBERNETES, GEN_MINIKUBE_DIR "/kv.yaml", K8S_KV);
    free(text);
}

Test(kubernetes, statefulset_without_claim_template)
{
    const char *dbs = "databases:\n"
                      "  q:\n"
                      "    name: q\n"
                      "    image: {repository: r, tag: t}\n"
                      "    kubernetes: {kind: StatefulSet}\n"
                      "    volumes: {mountPath: /v, hostPath: ./v}\n";
    char *text = ts_registry(NULL, NULL, dbs, NULL, NULL, NULL, NULL);
    expect_rendered(text, GEN_KUBERNETES, GEN_MINIKUBE_DIR "/q.yaml",
                    HEADER
                    "apiVersion: apps/v1\n"
                    "kind: StatefulSet\n"
                    K8S_META("q", "acme-ns")
                    "spec:\n"
                    "  serviceName: q-service\n"
                    "  replicas: 1\n"
                    K8S_SELECTOR_TEMPLATE("q")
                    "        - name: q\n"
                    "          image: r:t\n"
                    "          imagePullPolicy: IfNotPresent\n"
                    "          ports: []\n"
                    DEFAULT_RESOURCES);
    free(text);
}

Test(kubernetes, file_set_and_order)
{
    char *text = rules_registry();
    registry r;
    ts_load(&r, text);
    gen_set s = {0};
    char err[SRV_ERRLEN] = "";
    cr_assert_eq(gen_render(&r, GEN_KUBERNETES, &s, err), 0, "%s", err);
    static const char *const want[] = {
        GEN_BASE_DIR "/acme-builder.yaml", GEN_BASE_DIR "/once.yaml",
        GEN_BASE_DIR "/web.yaml",          GEN_BASE_DIR "/plain.yaml",
        GEN_BASE_DIR "/argsonly.yaml",     GEN_MINIKUBE_DIR "/store.yaml",
        GEN_MINIKUBE_DIR "/queue.yaml",    GEN_MINIKUBE_DIR "/kv.yaml",
        GEN_BASE_DIR "/configmap.yaml",    GEN_MINIKUBE_DIR "/configmap-minikube.yaml",
    };
    cr_assert_eq(s.n, SRV_ARRAY_LEN(want));
    for (size_t i = 0; i < s.n; i++) {
        cr_expect_str_eq(s.files[i].rel, want[i]);
        cr_expect_eq(s.files[i].group, GEN_KUBERNETES);
        /* the data is exactly len bytes, ends with one newline */
        cr_expect_eq(strlen(s.files[i].data), s.files[i].len);
        cr_expect(s.files[i].len >= 2 && s.files[i].data[s.files[i].len - 1] == '\n' &&
                  s.files[i].data[s.files[i].len - 2] != '\n');
    }
    gen_set_free(&s);
    registry_free(&r);
    free(text);
}

/* ConfigMaps: base from "base" else "kubernetes"; minikube from "minikube"
 * else "kubernetes"; booleans become the strings 'true'/'false'. */
#define CONFIGMAP(mongo, redis, rabbit, tls, direct)                          \
    HEADER                                                                    \
    "apiVersion: v1\n"                                                        \
    "kind: ConfigMap\n"                                                       \
    "metadata:\n"                                                             \
    "  name: acme-config\n"                                                   \
    "  namespace: acme-ns\n"                                                  \
    "data:\n"                                                                 \
    "  MONGO_HOST: " mongo "\n"                                               \
    "  REDIS_HOST: " redis "\n"                                               \
    "  RABBITMQ_HOST: " rabbit "\n"                                           \
    "  REDIS_USE_TLS: " tls "\n"                                              \
    "  MONGO_DIRECT_CONNECTION: " direct "\n"                                 \
    "  JWT_EXPIRE_TIME: 2h\n"                                                 \
    "  REFRESH_TOKEN_EXPIRE_TIME: 30d\n"

#define PROFILE(key, m, r, q, direct, tls)                                    \
    "  " key ":\n    mongodb: " m "\n    redis: " r "\n    rabbitmq: " q      \
    "\n    mongoDirectConnection: " direct "\n    useTls: " tls "\n"

Test(kubernetes, configmaps_and_their_fallbacks)
{
    const char *k8s = PROFILE("kubernetes", "k-m:1", "k-r:2", "k-q", "false", "true");
    const char *base = PROFILE("base", "b-m:1", "b-r:2", "b-q", "true", "false");
    const char *mk = PROFILE("minikube", "mk-m:1", "mk-r:2", "mk-q", "true", "true");
    struct {
        const char *profiles[3];
        const char *want_base, *want_mk;
    } cases[] = {
        {{k8s, "", ""},
         CONFIGMAP("k-m:1", "k-r:2", "k-q", "'true'", "'false'"),
         CONFIGMAP("k-m:1", "k-r:2", "k-q", "'true'", "'false'")},
        {{k8s, base, ""},
         CONFIGMAP("b-m:1", "b-r:2", "b-q", "'false'", "'true'"),
         CONFIGMAP("k-m:1", "k-r:2", "k-q", "'true'", "'false'")},
        {{mk, k8s, ""},
         CONFIGMAP("k-m:1", "k-r:2", "k-q", "'true'", "'false'"),
         CONFIGMAP("mk-m:1", "mk-r:2", "mk-q", "'true'", "'true'")},
        {{base, mk, ""},
         CONFIGMAP("b-m:1", "b-r:2", "b-q", "'false'", "'true'"),
         CONFIGMAP("mk-m:1", "mk-r:2", "mk-q", "'true'", "'true'")},
    };
    for (size_t i = 0; i < SRV_ARRAY_LEN(cases); i++) {
        char *cs = util_xasprintf("connectionStrings:\n%s%s%s", cases[i].profiles[0],
                                  cases[i].profiles[1], cases[i].profiles[2]);
        char *text = ts_registry(NULL, NULL, NULL, NULL, NULL, cs, NULL);
        expect_rendered(text, GEN_KUBERNETES, GEN_BASE_DIR "/configmap.yaml",
                        cases[i].want_base);
        expect_rendered(text, GEN_KUBERNETES,
                        GEN_MINIKUBE_DIR "/configmap-minikube.yaml", cases[i].want_mk);
        free(text);
        free(cs);
    }
    /* neither the profile nor kubernetes: a clear failure */
    char *cs = util_xasprintf("connectionStrings:\n%s", base);
    char *text = ts_registry(NULL, NULL, NULL, NULL, NULL, cs, NULL);
    registry r;
    ts_load(&r, text);
    gen_set s = {0};
    char err[SRV_ERRLEN] = "";
    cr_expect_eq(gen_render(&r, GEN_KUBERNETES, &s, err), -1);
    cr_expect(strstr(err, "minikube") && strstr(err, "kubernetes"), "%s", err);
    gen_set_free(&s);
    registry_free(&r);
    free(text);
    free(cs);
}

/* ---- .env (§3.7) ------------------------------------------------------------------ */

#define ENV_FILE(exp, refresh, mongo, direct, redis, tls, rabbit)             \
    "# Auto-generated from config-registry.yaml\n"                            \
    "# DO NOT EDIT MANUALLY - regenerated automatically on deployment\n"      \
    "# This file is NOT committed to git (.gitignore)\n"                      \
    "\n"                                                                      \
    "# JWT Configuration\n"                                                   \
    "JWT_SECRET=\n"                                                           \
    "JWT_EXPIRE_TIME=" exp "\n"                                               \
    "REFRESH_TOKEN_SECRET=\n"                                                 \
    "REFRESH_TOKEN_EXPIRE_TIME=" refresh "\n"                                 \
    "\n"                                                                      \
    "# Database Configuration\n"                                              \
    "MONGO_HOST=" mongo "\n"                                                  \
    "MONGO_DIRECT_CONNECTION=" direct "\n"                                    \
    "\n"                                                                      \
    "# Cache and Storage Configuration\n"                                     \
    "REDIS_HOST=" redis "\n"                                                  \
    "REDIS_USE_TLS=" tls "\n"                                                 \
    "\n"                                                                      \
    "# Message Queue Configuration\n"                                         \
    "RABBITMQ_HOST=" rabbit "\n"

Test(env, one_file_per_profile_in_registry_order)
{
    char *text = ts_registry(NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    registry r;
    ts_load(&r, text);
    gen_set s = {0};
    char err[SRV_ERRLEN] = "";
    cr_assert_eq(gen_render(&r, GEN_ENV, &s, err), 0, "%s", err);
    cr_assert_eq(s.n, 2);
    cr_expect_str_eq(s.files[0].rel, GEN_CONFIGS_DIR "/.env.local");
    cr_expect_str_eq(s.files[1].rel, GEN_CONFIGS_DIR "/.env.kubernetes");
    expect_text(".env.local", s.files[0].data,
                ENV_FILE("2h", "30d", "localhost:7001", "true", "localhost:7000",
                         "false", "localhost"));
    expect_text(".env.kubernetes", s.files[1].data,
                ENV_FILE("2h", "30d", "cache-service:7000", "false",
                         "cache-service:7000", "false", "acme-api-service"));
    gen_set_free(&s);
    registry_free(&r);
    free(text);
}

Test(env, absent_values_print_undefined_and_numbers_print_like_javascript)
{
    const char *cs = "connectionStrings:\n"
                     "  partial:\n"
                     "    mongodb: m:1\n"
                     "    useTls: true\n"
                     "    rabbitmq: ~\n";
    const char *sec = "security:\n  jwt:\n    expireTime: 3600.0\n";
    char *text = ts_registry(NULL, NULL, NULL, NULL, NULL, cs, sec);
    expect_rendered(text, GEN_ENV, GEN_CONFIGS_DIR "/.env.partial",
                    ENV_FILE("3600", "undefined", "m:1", "undefined", "undefined",
                             "true", "null"));
    free(text);
}

/* ---- agent configs (§3.8) ----------------------------------------------------------- */

Test(agents, key_order_omissions_and_verbatim_copies)
{
    const char *svcs = "services:\n"
                       "  builder:\n"
                       "    name: b\n"
                       "    image: {repository: b, tag: t}\n"
                       "    description: Only a description\n"
                       "  mixed:\n"
                       "    resources:\n"
                       "      cpu: {limit: 1, request: 0.5}\n"
                       "      gpu: 2\n"
                       "      memory: {request: 64Mi}\n"
                       "    ports: {}\n"
                       "    command:\n"
                       "      args: [\"-x\", \"a\\\"b\"]\n"
                       "      entrypoint: run\n"
                       "    description: \"Tab\\there / é\"\n"
                       "    name: mixed\n"
                       "    image: {repository: m, tag: t}\n"
                       "  listcmd:\n"
                       "    name: l\n"
                       "    image: {repository: l, tag: t}\n"
                       "    command: [a, \"1\"]\n"
                       "    ports: {\"80\": 80, http: 8080, \"7\": 7}\n"
                       "    resources: {}\n"
                       "  bare:\n"
                       "    name: bare\n"
                       "    image: {repository: x, tag: y}\n";
    char *text = ts_registry(NULL, svcs, NULL, NULL, NULL, NULL, NULL);
    expect_rendered(text, GEN_AGENTS, GEN_AGENTS_DIR "/builder.config.json",
                    "{\n"
                    "  \"name\": \"Only a description\",\n"
                    "  \"description\": \"Only a description\"\n"
                    "}\n");
    expect_rendered(text, GEN_AGENTS, GEN_AGENTS_DIR "/mixed.config.json",
                    "{\n"
                    "  \"name\": \"Tab\\there / é\",\n"
                    "  \"description\": \"Tab\\there / é\",\n"
                    "  \"command\": {\n"
                    "    \"args\": [\n"
                    "      \"-x\",\n"
                    "      \"a\\\"b\"\n"
                    "    ],\n"
                    "    \"entrypoint\": \"run\"\n"
                    "  },\n"
                    "  \"ports\": {},\n"
                    "  \"resources\": {\n"
                    "    \"cpu\": {\n"
                    "      \"limit\": 1,\n"
                    "      \"request\": 0.5\n"
                    "    },\n"
                    "    \"gpu\": 2,\n"
                    "    \"memory\": {\n"
                    "      \"request\": \"64Mi\"\n"
                    "    }\n"
                    "  }\n"
                    "}\n");
    expect_rendered(text, GEN_AGENTS, GEN_AGENTS_DIR "/listcmd.config.json",
                    "{\n"
                    "  \"command\": [\n"
                    "    \"a\",\n"
                    "    \"1\"\n"
                    "  ],\n"
                    "  \"ports\": {\n"
                    "    \"7\": 7,\n"
                    "    \"80\": 80,\n"
                    "    \"http\": 8080\n"
                    "  },\n"
                    "  \"resources\": {}\n"
                    "}\n");
    expect_rendered(text, GEN_AGENTS, GEN_AGENTS_DIR "/bare.config.json", "{}\n");
    free(text);
}

/* ---- a registry that stresses names, numbers-as-strings and quoting ---------------- */

static const char *const ODD_REGISTRY =
    "metadata:\n"
    "  name: \"on\"\n"
    "  namespace: \"ns: x\"\n"
    "services:\n"
    "  \"007\":\n"
    "    name: \"007\"\n"
    "    description: \"Ünïcode — \\\"quoted\\\" & it's #1\"\n"
    "    image:\n"
    "      repository: \"reg.example.com:5000/team/app\"\n"
    "      tag: \"1.10\"\n"
    "    dockerfile: docker/Dockerfile.cmd\n"
    "    command:\n"
    "      - \"yes\"\n"
    "      - \"#x\"\n"
    "      - \"a: b\"\n"
    "      - \"\"\n"
    "      - \"été\"\n"
    "      - \"12:30\"\n"
    "    environment:\n"
    "      EMPTY: \"\"\n"
    "      HASH: \"x #y\"\n"
    "      APOS: \"it's\"\n"
    "      DQ: 'say \"hi\"'\n"
    "      COLON: \"a: b\"\n"
    "      NUM: \"0x1F\"\n"
    "    ports:\n"
    "      api: 8443\n"
    "      \"9\": 9\n"
    "    dependsOn: []\n"
    "  builder:\n"
    "    name: b\n"
    "    description: \"\"\n"
    "    image: {repository: b, tag: latest}\n"
    "    buildOnly: true\n"
    "databases: {}\n"
    "build:\n"
    "  dockerfiles:\n"
    "    builder: docker/Dockerfile.build\n"
    "    runtime: docker/Dockerfile.run\n"
    "    cmdRunner: docker/Dockerfile.cmd\n"
    "  dockerContext:\n"
    "    root: ../../../../\n"
    "    thredlib: ../../../../../lib\n"
    "networks:\n"
    "  default:\n"
    "    name: acme-net\n"
    "connectionStrings:\n"
    "  kubernetes:\n"
    "    mongodb: \"\"\n"
    "    redis: \"redis #1:6379\"\n"
    "    rabbitmq: \"false\"\n"
    "    mongoDirectConnection: true\n"
    "    useTls: false\n"
    "  \"yes\":\n"
    "    mongodb: m:1\n"
    "    redis: r:2\n"
    "    rabbitmq: \"null\"\n"
    "    mongoDirectConnection: false\n"
    "    useTls: true\n"
    "security:\n"
    "  jwt:\n"
    "    expireTime: 3600\n"
    "    refreshTokenExpireTime: \"7d\"\n";

Test(odd_registry, compose)
{
    expect_rendered(ODD_REGISTRY, GEN_COMPOSE, SVC_FILE,
                    HEADER
                    "services:\n"
                    "  '007':\n"
                    "    image: reg.example.com:5000/team/app:1.10\n"
                    "    container_name: '007'\n"
                    "    restart: unless-stopped\n"
                    "    networks:\n"
                    "      - acme-net\n"
                    "    command:\n"
                    "      - 'yes'\n"
                    "      - '#x'\n"
                    "      - 'a: b'\n"
                    "      - ''\n"
                    "      - été\n"
                    "      - '12:30'\n"
                    "    environment:\n"
                    "      - EMPTY=\n"
                    "      - 'HASH=x #y'\n"
                    "      - APOS=it's\n"
                    "      - DQ=say \"hi\"\n"
                    "      - 'COLON=a: b'\n"
                    "      - NUM=0x1F\n"
                    "    ports:\n"
                    "      - '9:9'\n"
                    "      - '8443:8443'\n"
                    BUILD_BLOCK("docker/Dockerfile.cmd")
                    "      args:\n"
                    "        BUILDER_IMAGE: b:latest\n"
                    "  b:\n"
                    "    image: b:latest\n"
                    BUILD_BLOCK("docker/Dockerfile.build")
                    "    profiles:\n"
                    "      - manual\n"
                    "networks:\n"
                    "  acme-net:\n"
                    "    external: true\n");
    expect_rendered(ODD_REGISTRY, GEN_COMPOSE, DB_FILE,
                    HEADER
                    "services: {}\n"
                    "networks:\n"
                    "  acme-net:\n"
                    "    name: acme-net\n");
}

Test(odd_registry, kubernetes)
{
    expect_rendered(ODD_REGISTRY, GEN_KUBERNETES, GEN_BASE_DIR "/007.yaml",
                    "apiVersion: apps/v1\n"
                    "kind: Deployment\n"
                    K8S_META("'007'", "'ns: x'")
                    "spec:\n"
                    "  replicas: 1\n"
                    K8S_SELECTOR_TEMPLATE("'007'")
                    "        - name: '007'\n"
                    "          image: srvthreds:dev\n"
                    "          imagePullPolicy: Never\n"
                    "          ports:\n"
                    "            - containerPort: 9\n"
                    "              name: '9'\n"
                    "            - containerPort: 8443\n"
                    "              name: api\n"
                    ENVFROM("on-config")
                    DEFAULT_RESOURCES
                    "          command:\n"
                    "            - 'yes'\n"
                    "            - '#x'\n"
                    "            - 'a: b'\n"
                    "            - ''\n"
                    "            - été\n"
                    "            - '12:30'\n"
                    "---\n"
                    "apiVersion: v1\n"
                    "kind: Service\n"
                    "metadata:\n"
                    "  name: 007-service\n"
                    "  namespace: 'ns: x'\n"
                    "  labels:\n"
                    "    app: '007'\n"
                    "spec:\n"
                    "  type: ClusterIP\n"
                    "  selector:\n"
                    "    app: '007'\n"
                    "  ports:\n"
                    "    - name: '9'\n"
                    "      port: 9\n"
                    "      targetPort: 9\n"
                    "    - name: api\n"
                    "      port: 8443\n"
                    "      targetPort: 8443\n");
    const char *cm = HEADER
        "apiVersion: v1\n"
        "kind: ConfigMap\n"
        "metadata:\n"
        "  name: on-config\n"
        "  namespace: 'ns: x'\n"
        "data:\n"
        "  MONGO_HOST: ''\n"
        "  REDIS_HOST: 'redis #1:6379'\n"
        "  RABBITMQ_HOST: 'false'\n"
        "  REDIS_USE_TLS: 'false'\n"
        "  MONGO_DIRECT_CONNECTION: 'true'\n"
        "  JWT_EXPIRE_TIME: 3600\n"
        "  REFRESH_TOKEN_EXPIRE_TIME: 7d\n";
    expect_rendered(ODD_REGISTRY, GEN_KUBERNETES, GEN_BASE_DIR "/configmap.yaml", cm);
    expect_rendered(ODD_REGISTRY, GEN_KUBERNETES,
                    GEN_MINIKUBE_DIR "/configmap-minikube.yaml", cm);
}

Test(odd_registry, env_and_agents)
{
    expect_rendered(ODD_REGISTRY, GEN_ENV, GEN_CONFIGS_DIR "/.env.kubernetes",
                    ENV_FILE("3600", "7d", "", "true", "redis #1:6379", "false",
                             "false"));
    expect_rendered(ODD_REGISTRY, GEN_ENV, GEN_CONFIGS_DIR "/.env.yes",
                    ENV_FILE("3600", "7d", "m:1", "false", "r:2", "true", "null"));
    expect_rendered(ODD_REGISTRY, GEN_AGENTS, GEN_AGENTS_DIR "/007.config.json",
                    "{\n"
                    "  \"name\": \"Ünïcode — \\\"quoted\\\" & it's #1\",\n"
                    "  \"description\": \"Ünïcode — \\\"quoted\\\" & it's #1\",\n"
                    "  \"command\": [\n"
                    "    \"yes\",\n"
                    "    \"#x\",\n"
                    "    \"a: b\",\n"
                    "    \"\",\n"
                    "    \"été\",\n"
                    "    \"12:30\"\n"
                    "  ],\n"
                    "  \"ports\": {\n"
                    "    \"9\": 9,\n"
                    "    \"api\": 8443\n"
                    "  }\n"
                    "}\n");
    expect_rendered(ODD_REGISTRY, GEN_AGENTS, GEN_AGENTS_DIR "/builder.config.json",
                    "{\n  \"name\": \"\",\n  \"description\": \"\"\n}\n");
}

/* ---- targets ------------------------------------------------------------------------ */

Test(targets, parse)
{
    char *none[] = {NULL};
    cr_expect_eq(gen_parse_targets(0, none, NULL), GEN_ALL);
    char *all[] = {"all"};
    cr_expect_eq(gen_parse_targets(1, all, NULL), GEN_ALL);
    char *two[] = {"env", "docker-compose"};
    cr_expect_eq(gen_parse_targets(2, two, NULL), GEN_ENV | GEN_COMPOSE);
    char *each[] = {"kubernetes", "agent-configs"};
    cr_expect_eq(gen_parse_targets(2, each, NULL), GEN_KUBERNETES | GEN_AGENTS);
    strbuf unknown = STRBUF_INIT;
    char *mixed[] = {"bogus", "env", "Kubernetes", "compose"};
    cr_expect_eq(gen_parse_targets(4, mixed, &unknown), GEN_ENV);
    cr_expect_str_eq(unknown.data, "bogus Kubernetes compose");
    strbuf_free(&unknown);
    char *only_unknown[] = {"nope"};
    cr_expect_eq(gen_parse_targets(1, only_unknown, NULL), 0u);
    cr_expect_str_eq(gen_group_name(GEN_COMPOSE), "docker-compose");
    cr_expect_str_eq(gen_group_name(GEN_KUBERNETES), "kubernetes");
    cr_expect_str_eq(gen_group_name(GEN_ENV), "env");
    cr_expect_str_eq(gen_group_name(GEN_AGENTS), "agent-configs");
}

Test(targets, groups_render_in_fixed_order_and_only_selected)
{
    char *text = ts_registry(NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    registry r;
    ts_load(&r, text);
    char *args[] = {"agent-configs", "env", "docker-compose"};
    unsigned mask = gen_parse_targets(3, args, NULL);
    gen_set s = {0};
    char err[SRV_ERRLEN] = "";
    cr_assert_eq(gen_render(&r, mask, &s, err), 0, "%s", err);
    /* 2 compose + 2 env + 2 agents, in the fixed group order */
    cr_assert_eq(s.n, 6);
    gen_group order[] = {GEN_COMPOSE, GEN_COMPOSE, GEN_ENV, GEN_ENV, GEN_AGENTS, GEN_AGENTS};
    for (size_t i = 0; i < s.n; i++)
        cr_expect_eq(s.files[i].group, order[i], "file %zu (%s)", i, s.files[i].rel);
    cr_expect_str_eq(s.files[0].rel, DB_FILE);
    cr_expect_str_eq(s.files[1].rel, SVC_FILE);
    cr_expect_str_eq(s.files[4].rel, GEN_AGENTS_DIR "/builder.config.json");
    cr_expect_str_eq(s.files[5].rel, GEN_AGENTS_DIR "/api.config.json");
    gen_set_free(&s);
    /* all: 2 + (2 + 1 + 2) + 2 + 2 */
    cr_assert_eq(gen_render(&r, GEN_ALL, &s, err), 0, "%s", err);
    cr_expect_eq(s.n, 11);
    gen_set_free(&s);
    /* only unknown targets: nothing rendered, success */
    char *bad[] = {"nothing"};
    cr_assert_eq(gen_render(&r, gen_parse_targets(1, bad, NULL), &s, err), 0);
    cr_expect_eq(s.n, 0);
    gen_set_free(&s);
    registry_free(&r);
    free(text);
}

Test(targets, rendering_is_deterministic)
{
    char *text = rules_registry();
    registry r;
    ts_load(&r, text);
    gen_set a = {0}, b = {0};
    char err[SRV_ERRLEN] = "";
    cr_assert_eq(gen_render(&r, GEN_ALL, &a, err), 0, "%s", err);
    cr_assert_eq(gen_render(&r, GEN_ALL, &b, err), 0, "%s", err);
    cr_assert_eq(a.n, b.n);
    for (size_t i = 0; i < a.n; i++) {
        cr_expect_str_eq(a.files[i].rel, b.files[i].rel);
        cr_expect_eq(a.files[i].len, b.files[i].len);
        cr_expect(memcmp(a.files[i].data, b.files[i].data, a.files[i].len) == 0);
    }
    gen_set_free(&a);
    gen_set_free(&b);
    /* a second load of the same text renders the same bytes too */
    registry r2;
    ts_load(&r2, text);
    cr_assert_eq(gen_render(&r, GEN_ALL, &a, err), 0);
    cr_assert_eq(gen_render(&r2, GEN_ALL, &b, err), 0);
    for (size_t i = 0; i < a.n; i++)
        cr_expect(a.files[i].len == b.files[i].len &&
                  memcmp(a.files[i].data, b.files[i].data, a.files[i].len) == 0);
    gen_set_free(&a);
    gen_set_free(&b);
    registry_free(&r2);
    registry_free(&r);
    free(text);
}

/* ---- writing -------------------------------------------------------------------------- */

static void render(const char *text, gen_set *s)
{
    registry r;
    ts_load(&r, text);
    char err[SRV_ERRLEN] = "";
    cr_assert_eq(gen_render(&r, GEN_ALL, s, err), 0, "%s", err);
    registry_free(&r);
}

static size_t temp_files_below(const char *root)
{
    char *cmd = util_xasprintf("find '%s' -name '*.tmp*' | wc -l", root);
    FILE *p = popen(cmd, "r");
    free(cmd);
    cr_assert_not_null(p);
    size_t n = 0;
    cr_assert_eq(fscanf(p, "%zu", &n), 1);
    pclose(p);
    return n;
}

Test(write, creates_missing_directories_then_leaves_unchanged_files_alone)
{
    char *root = ts_tmpdir();
    char *text = ts_registry(NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    gen_set s = {0};
    render(text, &s);
    gen_change st[32];
    char err[SRV_ERRLEN] = "";
    cr_assert_lt(s.n, SRV_ARRAY_LEN(st));
    /* not even infrastructure/ exists: every directory is created,
     * infrastructure/local/configs (env target) included */
    cr_assert_eq(gen_write(root, &s, st, err), 0, "%s", err);
    for (size_t i = 0; i < s.n; i++) {
        cr_expect_eq(st[i], GEN_CREATED, "%s", s.files[i].rel);
        char *got = ts_read(root, s.files[i].rel);
        cr_assert_not_null(got, "%s", s.files[i].rel);
        cr_expect(strlen(got) == s.files[i].len && !memcmp(got, s.files[i].data, s.files[i].len));
        free(got);
        cr_expect_eq(gen_file_status(root, &s.files[i]), GEN_UNCHANGED);
    }
    cr_expect(ts_exists(root, GEN_CONFIGS_DIR "/.env.local"));
    /* age every file, write again: nothing is rewritten */
    struct utimbuf old = {1000000000, 1000000000};
    for (size_t i = 0; i < s.n; i++) {
        char *p = util_path_join(root, s.files[i].rel);
        cr_assert_eq(utime(p, &old), 0);
        free(p);
    }
    cr_assert_eq(gen_write(root, &s, st, err), 0, "%s", err);
    for (size_t i = 0; i < s.n; i++) {
        cr_expect_eq(st[i], GEN_UNCHANGED);
        char *p = util_path_join(root, s.files[i].rel);
        struct stat sb;
        cr_assert_eq(stat(p, &sb), 0);
        cr_expect_eq(sb.st_mtime, (time_t)1000000000, "%s was rewritten", s.files[i].rel);
        free(p);
    }
    /* one edited file: only that one is updated */
    ts_write(root, GEN_CONFIGS_DIR "/.env.local", "edited\n");
    cr_assert_eq(gen_write(root, &s, st, err), 0, "%s", err);
    for (size_t i = 0; i < s.n; i++)
        cr_expect_eq(st[i],
                     strcmp(s.files[i].rel, GEN_CONFIGS_DIR "/.env.local") ? GEN_UNCHANGED
                                                                           : GEN_UPDATED,
                     "%s", s.files[i].rel);
    char *env = ts_read(root, GEN_CONFIGS_DIR "/.env.local");
    cr_expect(strstr(env, "MONGO_HOST=localhost:7001\n") != NULL);
    free(env);
    cr_expect_eq(temp_files_below(root), 0);
    gen_set_free(&s);
    free(text);
    ts_rmrf(root);
    free(root);
}

Test(write, file_status)
{
    char *root = ts_tmpdir();
    gen_file f = {GEN_ENV, "a/b.txt", "hello\n", 6};
    cr_expect_eq(gen_file_status(root, &f), GEN_CREATED);
    ts_write(root, "a/b.txt", "hello\n");
    cr_expect_eq(gen_file_status(root, &f), GEN_UNCHANGED);
    ts_write(root, "a/b.txt", "hello\nworld\n"); /* longer, same prefix */
    cr_expect_eq(gen_file_status(root, &f), GEN_UPDATED);
    ts_write(root, "a/b.txt", "hell\n");
    cr_expect_eq(gen_file_status(root, &f), GEN_UPDATED);
    ts_write(root, "a/b.txt", "");
    cr_expect_eq(gen_file_status(root, &f), GEN_UPDATED);
    char *p = util_path_join(root, "a/b.txt");
    cr_assert_eq(unlink(p), 0);
    cr_assert_eq(mkdir(p, 0755), 0);
    cr_expect_eq(gen_file_status(root, &f), GEN_UPDATED);
    free(p);
    ts_rmrf(root);
    free(root);
}

/* Snapshot of every generated file of `s` (NULL when absent). */
static char **snapshot(const char *root, const gen_set *s)
{
    char **snap = util_xcalloc(s->n, sizeof *snap);
    for (size_t i = 0; i < s->n; i++)
        snap[i] = ts_read(root, s->files[i].rel);
    return snap;
}

static void expect_snapshot(const char *root, const gen_set *s, char **snap)
{
    for (size_t i = 0; i < s->n; i++) {
        char *now = ts_read(root, s->files[i].rel);
        if (!snap[i])
            cr_expect_null(now, "%s was created", s->files[i].rel);
        else
            cr_expect(now && !strcmp(now, snap[i]), "%s changed", s->files[i].rel);
        free(now);
        free(snap[i]);
    }
    free(snap);
}

Test(write, all_or_nothing_when_a_directory_is_in_the_way)
{
    char *root = ts_tmpdir();
    char *text = ts_registry(NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    gen_set old = {0};
    render(text, &old);
    char err[SRV_ERRLEN] = "";
    cr_assert_eq(gen_write(root, &old, NULL, err), 0, "%s", err);
    /* a new registry changes files of every group ... */
    char *t2 = ts_registry("metadata:\n  name: other\n  namespace: other-ns\n",
                           NULL, NULL, NULL, NULL, NULL,
                           "security:\n  jwt:\n    expireTime: 9h\n"
                           "    refreshTokenExpireTime: 9d\n");
    gen_set s = {0};
    render(t2, &s);
    /* ... but a directory stands where the last Kubernetes file must go
     * (after the compose files and the first manifests in write order) */
    const char *blocked = GEN_MINIKUBE_DIR "/configmap-minikube.yaml";
    char *bp = util_path_join(root, blocked);
    cr_assert_eq(unlink(bp), 0);
    cr_assert_eq(mkdir(bp, 0755), 0);
    ts_write(root, GEN_MINIKUBE_DIR "/configmap-minikube.yaml/keep", "x");
    char **snap = snapshot(root, &s);
    gen_change st[32];
    cr_expect_eq(gen_write(root, &s, st, err), -1);
    cr_expect(strstr(err, "configmap-minikube.yaml") != NULL, "%s", err);
    expect_snapshot(root, &s, snap);
    cr_expect_eq(temp_files_below(root), 0);
    free(bp);
    gen_set_free(&s);
    gen_set_free(&old);
    free(t2);
    free(text);
    ts_rmrf(root);
    free(root);
}

Test(write, all_or_nothing_when_a_directory_cannot_be_created)
{
    char *root = ts_tmpdir();
    char *text = ts_registry(NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    gen_set s = {0};
    render(text, &s);
    /* a file where the agents directory must be: nothing at all is written */
    ts_write(root, GEN_AGENTS_DIR, "not a directory\n");
    char **snap = snapshot(root, &s);
    char err[SRV_ERRLEN] = "";
    cr_expect_eq(gen_write(root, &s, NULL, err), -1);
    cr_expect(strstr(err, "agents") != NULL, "%s", err);
    expect_snapshot(root, &s, snap);
    cr_expect_eq(temp_files_below(root), 0);
    gen_set_free(&s);
    free(text);
    ts_rmrf(root);
    free(root);
}

Test(write, all_or_nothing_when_a_directory_is_read_only)
{
    if (geteuid() == 0)
        cr_skip_test("root ignores directory permissions");
    char *root = ts_tmpdir();
    char *text = ts_registry(NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    gen_set s = {0};
    render(text, &s);
    char err[SRV_ERRLEN] = "";
    cr_assert_eq(gen_write(root, &s, NULL, err), 0, "%s", err);
    char *t2 = ts_registry("metadata:\n  name: other\n  namespace: other-ns\n", NULL,
                           NULL, NULL, NULL, NULL, NULL);
    gen_set s2 = {0};
    render(t2, &s2);
    char *dir = util_path_join(root, GEN_MINIKUBE_DIR);
    cr_assert_eq(chmod(dir, 0555), 0);
    char **snap = snapshot(root, &s2);
    cr_expect_eq(gen_write(root, &s2, NULL, err), -1);
    expect_snapshot(root, &s2, snap);
    cr_expect_eq(temp_files_below(root), 0);
    chmod(dir, 0755);
    free(dir);
    gen_set_free(&s2);
    gen_set_free(&s);
    free(t2);
    free(text);
    ts_rmrf(root);
    free(root);
}

/* ---- the report (`srvconsole generate` and the in-process hook) ------------ */

Test(report, selected_groups_in_reference_order_with_each_files_status)
{
    gen_file files[] = {
        {GEN_ENV, "a/.env", NULL, 0},
        {GEN_COMPOSE, "c/one.yml", NULL, 0},
        {GEN_AGENTS, "g/x.json", NULL, 0},
        {GEN_COMPOSE, "c/two.yml", NULL, 0},
    };
    gen_set s = {files, SRV_ARRAY_LEN(files), SRV_ARRAY_LEN(files)};
    gen_change status[] = {GEN_UPDATED, GEN_CREATED, GEN_UNCHANGED, GEN_UNCHANGED};
    strbuf sb = STRBUF_INIT;
    /* agents not selected: their heading and files are left out */
    gen_format_report(&sb, "/r", &s, status, GEN_COMPOSE | GEN_KUBERNETES | GEN_ENV);
    expect_text("report", sb.data,
                "🚀 Generating configurations from config-registry.yaml...\n"
                "\n"
                "📦 Generating Docker Compose files...\n"
                "  ✓ Created /r/c/one.yml\n"
                "  = Unchanged /r/c/two.yml\n"
                "☸️  Generating Kubernetes manifests...\n"
                "📝 Generating .env files...\n"
                "  ✓ Updated /r/a/.env\n"
                "\n"
                "✅ Configuration generation complete!\n");
    strbuf_free(&sb);
}
