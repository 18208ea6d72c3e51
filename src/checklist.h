/* src/checklist.h — the console's troubleshooting checklist (spec §8):
 * read-only checks, each bounded in time (external commands time out after
 * 3 s), with what was found and what to do about it. */
#ifndef SRV_CHECKLIST_H
#define SRV_CHECKLIST_H

#include <stdatomic.h>
#include <stddef.h>

typedef struct {
    char *title;
    int ok;       /* 1 ok, 0 failed, -1 warning */
    char *detail; /* what was found */
    char *fix;    /* what to do (NULL when ok) */
} checklist_item;

/* Run the checks against the project at `root` with the docker executable
 * `docker`; returns how many.  Once *stop is set (from another thread; NULL:
 * never) no further command is started and the checks left fail at once. */
size_t checklist_run(const char *root, const char *docker, checklist_item *out,
                     size_t max, const atomic_bool *stop);
void checklist_free(checklist_item *c, size_t n);

#endif
