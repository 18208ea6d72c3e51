/* core/yamlload.h — YAML text → value tree, with the semantics of js-yaml 4
 * `load` (the reference loader): YAML 1.2 core typing of plain scalars,
 * JavaScript key order, duplicate keys rejected, merge keys, aliases.
 *
 * Bad input never crashes or hangs: nesting depth and alias expansion are
 * bounded, and every error names the file, the line:column and, where it
 * helps, the key path ("services.engine.ports").
 */
#ifndef SRV_YAMLLOAD_H
#define SRV_YAMLLOAD_H

#include <stddef.h>

#include "core/util.h"
#include "core/value.h"

#define YAMLLOAD_MAX_DEPTH 256
#define YAMLLOAD_MAX_NODES 2000000ul /* nodes added by alias expansion */

/* Plain-scalar resolution exactly as js-yaml's default schema does it. */
typedef enum {
    YAML_PLAIN_STR,
    YAML_PLAIN_NULL,
    YAML_PLAIN_BOOL,
    YAML_PLAIN_INT,
    YAML_PLAIN_FLOAT,
    YAML_PLAIN_TIMESTAMP,
    YAML_PLAIN_MERGE,
} yaml_plain_type;

yaml_plain_type yamlload_resolve_plain(const char *s, size_t n);
/* The value of a plain scalar resolved as INT or FLOAT. */
double yamlload_plain_number(const char *s, size_t n, yaml_plain_type t);

/* Parse one YAML document.  `name` is used in messages (a path).  On success
 * *out is the root (NULL for an empty document: JavaScript's undefined).
 * A stream with more than one document is an error, as in js-yaml. */
int yamlload_parse(arena *a, const char *name, const char *data, size_t len,
                   val **out, char *err);

/* Read and parse a file (size-capped). */
int yamlload_file(arena *a, const char *path, size_t max_bytes, val **out,
                  char *err);

#endif
