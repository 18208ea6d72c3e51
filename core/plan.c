/* core/plan.c — plan helpers shared by the resolver and the runner. */
#include "config.h"

#include <stdlib.h>

#include "core/plan.h"

const char *plan_phase_name(plan_phase_id ph)
{
    static const char *const names[PLAN_NPHASES] = {"pre-build", "build", "up", "post-up"};
    return (unsigned)ph < PLAN_NPHASES ? names[ph] : "?";
}

void plan_free(plan *p)
{
    if (!p)
        return;
    if (p->priv) {
        arena_free(p->priv);
        free(p->priv);
    }
    free(p);
}
