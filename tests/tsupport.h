/* tests/tsupport.h — helpers shared by the registry, generate and validate
 * tests: temp trees, small file I/O, and a registry built from sections so
 * each test states only what it is about.  Not part of the program. */
#ifndef SRV_TSUPPORT_H
#define SRV_TSUPPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"
#include "core/generate.h"
#include "core/registry.h"

/* The sections of a small registry of our own (not the reference's): an
 * "acme" project with a build-only builder, one runnable service, one
 * database.  Tests replace single sections with ts_registry(). */
extern const char *const TS_METADATA;
extern const char *const TS_SERVICES;
extern const char *const TS_DATABASES;
extern const char *const TS_BUILD;
extern const char *const TS_NETWORKS;
extern const char *const TS_CONNECTIONS;
extern const char *const TS_SECURITY;

/* A registry text: each argument is a whole top-level section ("services:\n
 * ..."), NULL for the default of that section, "" to leave it out.
 * Order: metadata, services, databases, build, networks, connectionStrings,
 * security.  Caller frees. */
char *ts_registry(const char *metadata, const char *services,
                  const char *databases, const char *build,
                  const char *networks, const char *connections,
                  const char *security);

/* Load from memory; the test fails when it does not load. */
void ts_load(registry *r, const char *text);
/* Load and run registry_check() into `out` (initialised here). */
void ts_check(const char *text, diag_list *out);

/* Render `groups` of `text` (the test fails when rendering fails) and return
 * a copy of the file `rel` (NULL when not rendered).  Caller frees. */
char *ts_render_one(const char *text, unsigned groups, const char *rel);
/* The rendered file with this relative path, or NULL. */
const gen_file *ts_find(const gen_set *s, const char *rel);

/* The first finding whose code is `code` and whose message contains
 * `needle` (either may be NULL: any). */
const diag *ts_diag(const diag_list *l, const char *code, const char *needle);
size_t ts_count(const diag_list *l, const char *code);
/* All findings, one per line, for failure messages.  Caller frees. */
char *ts_dump(const diag_list *l);

/* 1-based line:column of the first occurrence of `needle` in `text` (the
 * test fails when it is not there). */
void ts_pos(const char *text, const char *needle, int *line, int *col);

/* Temp directories and files. */
char *ts_tmpdir(void);
void ts_rmrf(const char *dir);
void ts_write(const char *root, const char *rel, const char *text);
/* NULL when the file does not exist.  Caller frees. */
char *ts_read(const char *root, const char *rel);
bool ts_exists(const char *root, const char *rel);
/* Replace the first occurrence of `from` in file rel by `to` (the test fails
 * when `from` is not there). */
void ts_edit(const char *root, const char *rel, const char *from, const char *to);
/* Number of entries in a directory whose name contains `needle`. */
size_t ts_count_entries(const char *root, const char *reldir, const char *needle);

/* Write the registry to root/infrastructure/config-registry.yaml, render
 * everything and write it (a fully generated tree).  *r stays loaded when r
 * is not NULL (caller frees). */
void ts_tree(const char *root, const char *text, registry *r);

#endif
