/* core/registry.h — infrastructure/config-registry.yaml: loading and the
 * schema check (types, required keys, unknown keys with "did you mean").
 *
 * The model is the value tree of core/value.h, loaded with js-yaml's rules
 * (core/yamlload.h): generation works on it directly, because byte-identity
 * with the reference depends on JavaScript's view of the data (key order,
 * one number type, undefined vs null).  The checker below is what makes it a
 * typed model: after registry_check() reports no error, every field the
 * generators read has the type srvconsole-registry(5) documents. */
#ifndef SRV_REGISTRY_H
#define SRV_REGISTRY_H

#include <stdbool.h>

#include "core/diag.h"
#include "core/util.h"
#include "core/value.h"

/* Registries larger than this are refused (a clear error, not a hang). */
#define REGISTRY_MAX_BYTES (48u * 1024u * 1024u)

typedef struct {
    arena mem;
    char *path;    /* as given (absolute when found from a root) */
    char *shown;   /* path for messages (relative to the root) */
    val *root;     /* a map */
} registry;

/* Load and parse.  Errors (I/O, YAML syntax, not a map at the top) name
 * file:line:column.  A failed load holds nothing (registry_free on it is
 * still safe, and not needed). */
int registry_load(registry *r, const char *path, const char *shown, char *err);
/* Parse from memory (tests, benchmarks). */
int registry_load_string(registry *r, const char *name, const char *text,
                         size_t len, char *err);
void registry_free(registry *r);

/* Schema and cross-field checks; findings go to `out` with source
 * DIAG_SRC_REGISTRY.  Errors mean generation would fail or produce broken
 * files; warnings (unknown keys, risky values) never stop anything. */
void registry_check(const registry *r, diag_list *out);

/* Accessors used by generators and the validator. */
val *registry_section(const registry *r, const char *key); /* NULL if absent */
/* "<repository>:<tag>" as the reference writes it (undefined parts print as
 * "undefined").  Caller frees. */
char *registry_image_ref(const val *entry);

#endif
