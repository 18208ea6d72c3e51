/* ui/actions.c — see actions.h. */
#include "config.h"

#include "ui/actions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/keys.h"

#define LISTS UI_SCR_LISTS
#define M UI_SCR_MAIN
#define L UI_SCR_LOGS
#define P UI_SCR_PICKER
#define PL UI_SCR_PLAN
#define H UI_SCR_HELP
#define C UI_SCR_CONFIRM
#define CK UI_SCR_CHECKLIST
#define I UI_SCR_INSPECT

static const ui_action_def table[] = {
    {UI_A_QUIT, "quit", "q", M, "quit", NULL,
     "Quit (running children are stopped first)"},
    {UI_A_HELP, "help", "? F1", LISTS & ~H, "help", NULL, "Show the keys and commands"},
    {UI_A_BACK, "back", "Esc q", (LISTS & ~M) | C, NULL, NULL,
     "Back / close / cancel (q quits only on the main screen)"},
    {UI_A_PROMPT, "prompt", ":", M | L | CK, NULL, NULL, "Command prompt (Tab completes)"},
    {UI_A_UP, "up", "k Up", LISTS, NULL, NULL, "Move up"},
    {UI_A_DOWN, "down", "j Down", LISTS, NULL, NULL, "Move down"},
    {UI_A_TOP, "top", "g Home", LISTS, NULL, NULL, "Go to the top"},
    {UI_A_BOTTOM, "bottom", "G End", LISTS, NULL, NULL, "Go to the bottom"},
    {UI_A_PGUP, "page-up", "PgUp C-b", LISTS, NULL, NULL, "Page up"},
    {UI_A_PGDN, "page-down", "PgDn C-f", LISTS, NULL, NULL, "Page down"},
    {UI_A_OPEN, "open", "Enter", M | P | PL | CK, NULL, NULL,
     "Open: logs of the container, plan of the deployment, run the plan"},
    {UI_A_DEPLOY, "deploy", "u", M, "deploy", NULL,
     "Deploy: pick an environment and a deployment"},
    {UI_A_RUN, "run", "", 0, "run", "ENV DEPLOYMENT",
     "Show the plan of a deployment, then run it"},
    {UI_A_TEARDOWN, "teardown", "D", M, "teardown", NULL,
     "Tear the stack down (asks first)"},
    {UI_A_RESTART, "restart", "r", M, "restart", "[NAME]",
     "Restart the selected container (asks first)"},
    {UI_A_CANCEL, "cancel", "x", M | L, "cancel", NULL,
     "Cancel the running phase (TERM, then KILL after 2 s)"},
    {UI_A_LOGS, "logs", "l", M, "logs", "[NAME...]",
     "Logs of the selected container, or of NAME... merged"},
    {UI_A_INSPECT, "inspect", "d", M, "inspect", "[NAME]",
     "Inspect the selected container"},
    {UI_A_SEARCH, "search", "/", M | L | P | H | CK, "search", "REGEX",
     "Filter lists, search logs (extended regex)"},
    {UI_A_NEXT_MATCH, "next-match", "n", L, NULL, NULL, "Next match"},
    {UI_A_PREV_MATCH, "prev-match", "N", L, NULL, NULL, "Previous match"},
    {UI_A_FOLLOW, "follow", "f", L, "follow", NULL,
     "Follow on/off (on resumes at the bottom)"},
    {UI_A_WRAP, "wrap", "w", L, "wrap", NULL, "Wrap long lines on/off"},
    {UI_A_TIMESTAMPS, "timestamps", "t", L, "timestamps", NULL,
     "Timestamps on/off"},
    {UI_A_ONLY_MATCHES, "only-matches", "F", L, "only-matches", NULL,
     "Show only the lines that match the search"},
    {UI_A_SAVE, "save", "s", L, "save", "[FILE]", "Save the log to a file"},
    {UI_A_CHECKLIST, "checklist", "c", M, "checklist", NULL,
     "Troubleshooting checklist (runs its checks)"},
    {UI_A_NEXT_ENV, "next-env", "Tab Right", P, NULL, NULL, "Next environment"},
    {UI_A_PREV_ENV, "prev-env", "BTab Left", P, NULL, NULL, "Previous environment"},
    {UI_A_FOCUS, "focus", "Tab", M, NULL, NULL,
     "Move the focus between the table and the log pane"},
    {UI_A_CONFIRM, "confirm", "Enter y", C, NULL, NULL, "Run it"},
    {UI_A_GENERATE, "generate", "", 0, "generate", "[TARGET...]",
     "Write the generated files from the registry"},
    {UI_A_VALIDATE, "validate", "", 0, "validate", NULL,
     "Check the registry and the generated files"},
    {UI_A_REFRESH, "refresh", "C-l", LISTS, "refresh", NULL,
     "Redraw the screen and re-read the container states"},
};

#undef M
#undef L
#undef P
#undef PL
#undef H
#undef C
#undef CK
#undef I

const ui_action_def *ui_actions(size_t *n)
{
    *n = sizeof table / sizeof table[0];
    return table;
}

const ui_action_def *ui_action_get(ui_action_id id)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].id == id)
            return &table[i];
    return NULL;
}

const ui_action_def *ui_action_by_name(const char *name)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (!strcmp(table[i].name, name))
            return &table[i];
    return NULL;
}

const char *ui_screen_name(ui_screen s)
{
    switch (s) {
    case UI_SCR_MAIN:
        return "Main";
    case UI_SCR_LOGS:
        return "Logs";
    case UI_SCR_PICKER:
        return "Deploy picker";
    case UI_SCR_PLAN:
        return "Plan";
    case UI_SCR_HELP:
        return "Help";
    case UI_SCR_CONFIRM:
        return "Confirm";
    case UI_SCR_CHECKLIST:
        return "Checklist";
    case UI_SCR_INSPECT:
        return "Inspect";
    }
    return "?";
}

/* ---- keymap -------------------------------------------------------------------- */

static int parse_keys(const char *spec, int *out, int *n, char *bad, size_t badlen)
{
    *n = 0;
    char buf[128];
    snprintf(buf, sizeof buf, "%s", spec);
    char *save = NULL;
    for (char *tok = strtok_r(buf, " ,", &save); tok; tok = strtok_r(NULL, " ,", &save)) {
        int k = keys_parse(tok);
        if (k == KEYS_NONE) {
            snprintf(bad, badlen, "%s", tok);
            return -1;
        }
        if (*n < UI_MAX_KEYS)
            out[(*n)++] = keys_normalize(k);
    }
    return 0;
}

void ui_keymap_init(ui_keymap *km)
{
    memset(km, 0, sizeof *km);
    char bad[32];
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        parse_keys(table[i].keys, km->keys[table[i].id], &km->nkeys[table[i].id],
                   bad, sizeof bad);
}

int ui_keymap_bind(ui_keymap *km, const char *action, const char *keys,
                   char *err, size_t errlen)
{
    const ui_action_def *a = ui_action_by_name(action);
    if (!a) {
        snprintf(err, errlen, "unknown action '%s'", action);
        return -1;
    }
    int k[UI_MAX_KEYS], n;
    char bad[32];
    if (parse_keys(keys, k, &n, bad, sizeof bad) != 0) {
        snprintf(err, errlen, "%s: unknown key '%s'", action, bad);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        for (size_t j = 0; j < sizeof table / sizeof table[0]; j++) {
            const ui_action_def *o = &table[j];
            if (o->id == a->id || !(o->screens & a->screens))
                continue;
            for (int m = 0; m < km->nkeys[o->id]; m++) {
                if (km->keys[o->id][m] == k[i]) {
                    char name[16];
                    snprintf(err, errlen, "%s: key '%s' is already bound to '%s'",
                             action, keys_name(k[i], name, sizeof name), o->name);
                    return -1;
                }
            }
        }
    }
    memcpy(km->keys[a->id], k, sizeof k);
    km->nkeys[a->id] = n;
    return 0;
}

ui_action_id ui_keymap_lookup(const ui_keymap *km, ui_screen scr, int key)
{
    key = keys_normalize(key);
    for (size_t j = 0; j < sizeof table / sizeof table[0]; j++) {
        const ui_action_def *a = &table[j];
        if (!(a->screens & scr))
            continue;
        for (int m = 0; m < km->nkeys[a->id]; m++)
            if (km->keys[a->id][m] == key)
                return a->id;
    }
    return UI_A_NONE;
}

void ui_keymap_describe(const ui_keymap *km, ui_action_id id, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int m = 0; m < km->nkeys[id] && used < n; m++) {
        char name[16];
        int w = snprintf(buf + used, n - used, "%s%s", m ? ", " : "",
                         keys_name(km->keys[id][m], name, sizeof name));
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

/* ---- `:` commands ------------------------------------------------------------------ */

static size_t matching_commands(const char *word, size_t len,
                                const ui_action_def **found, size_t max)
{
    size_t n = 0;
    for (size_t j = 0; j < sizeof table / sizeof table[0]; j++) {
        const char *c = table[j].command;
        if (!c || strncmp(c, word, len) != 0)
            continue;
        if (strlen(c) == len) { /* exact match wins */
            found[0] = &table[j];
            return 1;
        }
        if (n < max)
            found[n] = &table[j];
        n++;
    }
    return n;
}

int ui_command_parse(const char *line, ui_command *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    while (*line == ' ' || *line == ':')
        line++;
    char *copy = strdup(line);
    if (!copy) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    char *save = NULL;
    char *word = strtok_r(copy, " \t", &save);
    if (!word) {
        free(copy);
        snprintf(err, errlen, "empty command");
        return -1;
    }
    const ui_action_def *found[16];
    size_t n = matching_commands(word, strlen(word), found, 16);
    if (n == 0) {
        snprintf(err, errlen, "unknown command '%s' (:help lists them)", word);
        free(copy);
        return -1;
    }
    if (n > 1) {
        size_t used = (size_t)snprintf(err, errlen, "ambiguous: ");
        for (size_t i = 0; i < n && i < 16 && used < errlen; i++)
            used += (size_t)snprintf(err + used, errlen - used, "%s%s", i ? ", " : "",
                                     found[i]->command);
        free(copy);
        return -1;
    }
    out->id = found[0]->id;
    for (char *a = strtok_r(NULL, " \t", &save); a; a = strtok_r(NULL, " \t", &save)) {
        if (out->argc == 8) {
            snprintf(err, errlen, "too many arguments");
            free(copy);
            ui_command_free(out);
            return -1;
        }
        out->argv[out->argc++] = strdup(a);
    }
    free(copy);
    return 0;
}

void ui_command_free(ui_command *c)
{
    for (int i = 0; i < c->argc; i++)
        free(c->argv[i]);
    c->argc = 0;
}

size_t ui_command_complete(char *line, size_t cap)
{
    char *p = line;
    while (*p == ' ' || *p == ':')
        p++;
    if (strchr(p, ' '))
        return 0; /* only the command word is completed */
    size_t len = strlen(p);
    const ui_action_def *found[32];
    size_t n = 0;
    for (size_t j = 0; j < sizeof table / sizeof table[0]; j++) {
        const char *c = table[j].command;
        if (c && !strncmp(c, p, len) && n < 32)
            found[n++] = &table[j];
    }
    if (n == 0)
        return 0;
    /* longest common prefix */
    size_t common = strlen(found[0]->command);
    for (size_t i = 1; i < n; i++) {
        size_t k = 0;
        while (k < common && found[i]->command[k] == found[0]->command[k])
            k++;
        common = k;
    }
    size_t off = (size_t)(p - line);
    if (off + common + 2 < cap) {
        memcpy(p, found[0]->command, common);
        p[common] = '\0';
        if (n == 1) {
            p[common] = ' ';
            p[common + 1] = '\0';
        }
    }
    return n;
}
