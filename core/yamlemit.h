/* core/yamlemit.h — value tree → YAML text, reproducing js-yaml 4.1 `dump`
 * with indent 2 (the reference generator's writer): block layout, sequences
 * indented under their key, the scalar quoting rules of spec §3.3.4, no
 * anchors.  See srvconsole-registry(5) and tests/test_yamlemit.c. */
#ifndef SRV_YAMLEMIT_H
#define SRV_YAMLEMIT_H

#include <stdbool.h>

#include "core/util.h"
#include "core/value.h"

#define YAMLEMIT_NO_WIDTH (-1)

/* Append the document for `root` (ends with exactly one '\n').  line_width is
 * -1 for "no limit" (no folding ever) or js-yaml's lineWidth (80 for the
 * Service documents). */
void yamlemit_document(strbuf *out, const val *root, int line_width);

/* Append one string scalar as js-yaml would write it at nesting `level`
 * (the level of the collection entry holding it, >= 1). */
void yamlemit_string(strbuf *out, const char *s, size_t len, int level,
                     bool iskey, int line_width);

/* True when js-yaml would read the plain text `s` back as something other
 * than a string (null, bool, int, float, timestamp, merge key). */
bool yamlemit_is_ambiguous(const char *s, size_t len);

#endif
