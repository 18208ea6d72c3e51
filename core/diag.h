/* core/diag.h — diagnostics: the findings of the registry checker and the
 * validator, with severity, location and (for reference checks) the
 * Expected/Actual values the reference validator prints. */
#ifndef SRV_DIAG_H
#define SRV_DIAG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/util.h"

typedef enum {
    DIAG_ERROR,
    DIAG_WARNING,
    DIAG_INFO,
} diag_severity;

typedef enum {
    DIAG_SRC_REGISTRY,  /* the registry itself: parse, schema, cross-field */
    DIAG_SRC_REFERENCE, /* a check of the reference validator (same text) */
    DIAG_SRC_DOCTOR,    /* srvconsole's own additional checks */
} diag_source;

typedef struct {
    diag_severity sev;
    diag_source src;
    char *code;     /* stable identifier, e.g. "port-mismatch" */
    char *file;     /* path as shown (relative to the root when below it) */
    int line, col;  /* 0 when unknown */
    char *message;
    char *expected; /* compact JSON text, or NULL: no Expected line */
    char *actual;   /* compact JSON text ("undefined" allowed), or NULL */
} diag;

typedef struct {
    diag *items;
    size_t n, cap;
} diag_list;

void diag_list_init(diag_list *l);
void diag_list_free(diag_list *l);
diag *diag_add(diag_list *l, diag_severity sev, diag_source src,
               const char *code, const char *file, int line, int col,
               const char *fmt, ...) SRV_PRINTF(8, 9);
void diag_set_expected(diag *d, const char *expected, const char *actual);
size_t diag_count(const diag_list *l, diag_severity sev, int src /* -1: any */);
const char *diag_severity_name(diag_severity s);
/* "file:line:col: severity: message" (one line, for stderr). */
void diag_format_line(strbuf *sb, const diag *d);
/* The whole list as a JSON array of objects (severity, source, code, file,
 * line, column, message, expected, actual). */
void diag_list_json(strbuf *sb, const diag_list *l);

#endif
