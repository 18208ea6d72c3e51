/* core/value.h — the document model shared by the registry loader, the
 * generators and the validator: a tree of JavaScript-like values.
 *
 * The reference tooling is JavaScript (js-yaml + JSON.stringify), and
 * byte-identity depends on reproducing its data model: one number type
 * (double), objects whose keys are strings kept in insertion order except
 * that canonical array-index keys ("0", "80", ...) come first in ascending
 * order, and a distinction between a missing value (undefined) and null.
 *
 * Every node keeps the source position it came from (1-based line:column;
 * 0 when the node was built in memory).  Nodes live in an arena owned by
 * whoever built the tree: nothing is freed individually.
 */
#ifndef SRV_VALUE_H
#define SRV_VALUE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/util.h"

typedef enum {
    VAL_NULL,
    VAL_BOOL,
    VAL_NUM,
    VAL_STR,
    VAL_MAP,
    VAL_SEQ,
} val_kind;

typedef struct val val;

typedef struct {
    const char *key;
    size_t keylen;
    int line, col; /* position of the key */
    /* Set by the YAML loader: the pair was copied by a merge key `<<` and
     * has not been overridden since, so one explicit key may replace it. */
    bool merged;
    val *v;
} val_pair;

struct val {
    val_kind kind;
    int line, col;
    /* For VAL_NUM: whether the source spelled an integer (YAML int),
     * for the schema checker; JavaScript does not distinguish. */
    bool is_int;
    /* For VAL_STR loaded from a quoted YAML scalar. */
    bool quoted;
    /* For a VAL_STR that YAML would read as a timestamp (js-yaml: a Date). */
    bool timestamp;
    /* For VAL_NUM loaded from YAML: the source text ("3.10"), else NULL. */
    const char *raw;
    union {
        bool b;
        double num;
        struct {
            const char *s;
            size_t len;
        } str;
        struct {
            val_pair *items;
            size_t n, cap;
        } map;
        struct {
            val **items;
            size_t n, cap;
        } seq;
    } u;
};

/* ---- construction (all memory from the arena) ----------------------------- */
val *val_new_null(arena *a);
val *val_new_bool(arena *a, bool b);
val *val_new_num(arena *a, double d);
val *val_new_str(arena *a, const char *s); /* copies */
val *val_new_strn(arena *a, const char *s, size_t n);
val *val_new_str_static(arena *a, const char *s); /* no copy: s must outlive */
val *val_new_map(arena *a);
val *val_new_seq(arena *a);

/* Append a key (copied) with JavaScript object semantics: an existing key is
 * replaced in place, and a canonical array-index key is placed among the
 * other index keys in ascending order, before every other key. */
void val_map_set(arena *a, val *map, const char *key, val *v);
void val_map_setn(arena *a, val *map, const char *key, size_t keylen, val *v);
/* Append without the duplicate check (the caller knows the key is new and
 * not an index key): used by the generators for speed. */
void val_map_push(arena *a, val *map, const char *key, val *v);
void val_seq_push(arena *a, val *seq, val *v);
/* Bulk building (the YAML loader, where a hostile document may hold
 * millions of keys): append a key (copied) that the caller knows is absent,
 * in plain insertion order, then call val_map_sort() once the map is
 * complete to move the index keys to the front in ascending order.  Lookups
 * work in between; the order is JavaScript's only after the sort.  O(n log n)
 * whatever the mix of keys, where val_map_setn() moves the non-index keys
 * for every index key inserted before them. */
void val_map_appendn(arena *a, val *map, const char *key, size_t keylen, val *v);
void val_map_sort(arena *a, val *map);

/* ---- queries ------------------------------------------------------------ */
/* NULL (undefined) when map is not a map or has no such key. */
val *val_get(const val *map, const char *key);
const val_pair *val_get_pair(const val *map, const char *key);
/* Same with an explicit length (keys may contain NUL). */
const val_pair *val_get_pairn(const val *map, const char *key, size_t len);
/* Dotted path lookup: "resources.memory.request". */
val *val_path(const val *v, const char *dotted);
bool val_is(const val *v, val_kind k); /* NULL-safe */
/* JavaScript truthiness (undefined, null, false, 0, NaN and "" are falsy). */
bool val_truthy(const val *v);
/* The string, or NULL when v is not a string. */
const char *val_str(const val *v);
size_t val_len(const val *v); /* entries of a map/seq, 0 otherwise */
/* True when `key` is a canonical array index ("0", "17"; not "01", "-1"). */
bool val_key_is_index(const char *key, size_t len, unsigned long *idx);
/* JavaScript strict equality (===) on scalars; maps and sequences compare
 * by identity. */
bool val_strict_equal(const val *a, const val *b);
/* Human name of a kind for error messages ("a string", "a map"...). */
const char *val_kind_name(const val *v);

/* ---- JavaScript text conversions ----------------------------------------- */
/* Number.prototype.toString(): shortest round-trip digits, JS exponent rules. */
void val_fmt_number(strbuf *sb, double d);
/* String(v) as a template literal does: undefined (v == NULL) → "undefined",
 * null → "null", numbers as above, arrays joined with ",", objects
 * "[object Object]". */
void val_to_js_string(strbuf *sb, const val *v);

#endif
