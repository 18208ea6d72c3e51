/* core/jsonemit.h — value tree → JSON text exactly as JavaScript's
 * JSON.stringify writes it (indented with 2 spaces, or compact). */
#ifndef SRV_JSONEMIT_H
#define SRV_JSONEMIT_H

#include "core/util.h"
#include "core/value.h"

/* JSON.stringify(v, null, indent) — indent 0 means compact.  An undefined
 * root (v == NULL) appends "undefined", as JavaScript prints it. */
void jsonemit(strbuf *out, const val *v, int indent);
/* A JSON string literal with JSON.stringify's escaping. */
void jsonemit_string(strbuf *out, const char *s, size_t len);

#endif
