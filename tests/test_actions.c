/* tests/test_actions.c — the action table, key names, bindings, `:` commands. */
#include "config.h"

#include <criterion/criterion.h>
#include <curses.h>
#include <string.h>

#include "ui/actions.h"
#include "ui/keys.h"

Test(keys, names_round_trip)
{
    const char *names[] = {"q", "?", "G", "Space", "Enter", "Esc", "Tab", "BTab",
                           "Backspace", "Up", "Down", "PgUp", "PgDn", "Home",
                           "End", "F1", "F12", "C-c", "C-l"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int k = keys_parse(names[i]);
        cr_assert_neq(k, KEYS_NONE, "%s", names[i]);
        char buf[16];
        cr_expect_str_eq(keys_name(k, buf, sizeof buf), names[i]);
    }
    cr_assert_eq(keys_parse("C-c"), 3);
    cr_assert_eq(keys_parse("pageup"), KEY_PPAGE);
    cr_assert_eq(keys_parse("Nope"), KEYS_NONE);
    cr_assert_eq(keys_parse(""), KEYS_NONE);
    cr_assert_eq(keys_normalize('\n'), keys_normalize(KEY_ENTER));
    char seq[16];
    cr_assert_str_eq(keys_sequence(KEY_UP, seq, sizeof seq), "\033[A");
    cr_assert_str_eq(keys_sequence(keys_parse("C-c"), seq, sizeof seq), "\003");
}

Test(actions, table_is_consistent)
{
    size_t n;
    const ui_action_def *t = ui_actions(&n);
    cr_assert_gt(n, 20);
    for (size_t i = 0; i < n; i++) {
        cr_assert_not_null(t[i].help);
        cr_assert_eq(ui_action_get(t[i].id), &t[i]);
        cr_assert_eq(ui_action_by_name(t[i].name), &t[i]);
        for (size_t j = i + 1; j < n; j++) {
            cr_assert_neq(t[i].id, t[j].id);
            cr_assert_str_neq(t[i].name, t[j].name);
            if (t[i].command && t[j].command)
                cr_assert_str_neq(t[i].command, t[j].command);
        }
    }
    /* no key is bound twice on one screen by default */
    ui_keymap km;
    ui_keymap_init(&km);
    for (size_t i = 0; i < n; i++) {
        cr_assert(t[i].keys[0] == '\0' || km.nkeys[t[i].id] > 0, "%s", t[i].name);
        for (int k = 0; k < km.nkeys[t[i].id]; k++)
            for (unsigned scr = 1; scr < UI_SCR_ALL; scr <<= 1)
                if (t[i].screens & scr)
                    cr_expect_eq(ui_keymap_lookup(&km, scr, km.keys[t[i].id][k]),
                                 t[i].id, "%s on screen %s", t[i].name,
                                 ui_screen_name(scr));
    }
}

Test(actions, lookup_and_remap)
{
    ui_keymap km;
    ui_keymap_init(&km);
    cr_assert_eq(ui_keymap_lookup(&km, UI_SCR_MAIN, 'u'), UI_A_DEPLOY);
    cr_assert_eq(ui_keymap_lookup(&km, UI_SCR_LOGS, 'u'), UI_A_NONE);
    cr_assert_eq(ui_keymap_lookup(&km, UI_SCR_LOGS, 'f'), UI_A_FOLLOW);
    cr_assert_eq(ui_keymap_lookup(&km, UI_SCR_MAIN, KEY_ENTER), UI_A_OPEN);
    cr_assert_eq(ui_keymap_lookup(&km, UI_SCR_CONFIRM, 27), UI_A_BACK);
    char err[128];
    cr_assert_eq(ui_keymap_bind(&km, "deploy", "U F5", err, sizeof err), 0, "%s", err);
    cr_assert_eq(ui_keymap_lookup(&km, UI_SCR_MAIN, 'U'), UI_A_DEPLOY);
    cr_assert_eq(ui_keymap_lookup(&km, UI_SCR_MAIN, KEY_F(5)), UI_A_DEPLOY);
    cr_assert_eq(ui_keymap_lookup(&km, UI_SCR_MAIN, 'u'), UI_A_NONE);
    char desc[64];
    ui_keymap_describe(&km, UI_A_DEPLOY, desc, sizeof desc);
    cr_assert_str_eq(desc, "U, F5");
    /* 'q' quits on the main screen: binding it to deploy conflicts */
    cr_assert_eq(ui_keymap_bind(&km, "deploy", "q", err, sizeof err), -1);
    cr_assert(strstr(err, "'quit'"), "%s", err);
    /* 'f' follows in logs only: no conflict with a main-screen action */
    cr_assert_eq(ui_keymap_bind(&km, "teardown", "f", err, sizeof err), 0, "%s", err);
    cr_assert_eq(ui_keymap_bind(&km, "nope", "x", err, sizeof err), -1);
    cr_assert(strstr(err, "unknown action"));
    cr_assert_eq(ui_keymap_bind(&km, "deploy", "Hyper-x", err, sizeof err), -1);
    cr_assert(strstr(err, "unknown key"));
}

Test(commands, parse)
{
    ui_command c;
    char err[128];
    cr_assert_eq(ui_command_parse(":run local s_a_dbs", &c, err, sizeof err), 0, "%s", err);
    cr_assert_eq(c.id, UI_A_RUN);
    cr_assert_eq(c.argc, 2);
    cr_assert_str_eq(c.argv[0], "local");
    cr_assert_str_eq(c.argv[1], "s_a_dbs");
    ui_command_free(&c);
    cr_assert_eq(ui_command_parse("gen kubernetes env", &c, err, sizeof err), 0);
    cr_assert_eq(c.id, UI_A_GENERATE);
    cr_assert_eq(c.argc, 2);
    ui_command_free(&c);
    cr_assert_eq(ui_command_parse(":q", &c, err, sizeof err), 0);
    cr_assert_eq(c.id, UI_A_QUIT);
    ui_command_free(&c);
    cr_assert_eq(ui_command_parse(":frobnicate", &c, err, sizeof err), -1);
    cr_assert(strstr(err, "unknown command 'frobnicate'"), "%s", err);
    cr_assert_eq(ui_command_parse(":re", &c, err, sizeof err), -1);
    cr_assert(strstr(err, "ambiguous") && strstr(err, "restart") && strstr(err, "refresh"),
              "%s", err);
    cr_assert_eq(ui_command_parse("   ", &c, err, sizeof err), -1);
}

Test(commands, complete)
{
    char line[64] = ":gen";
    cr_assert_eq(ui_command_complete(line, sizeof line), 1);
    cr_assert_str_eq(line, ":generate ");
    strcpy(line, "re");
    cr_assert_eq(ui_command_complete(line, sizeof line), 2);
    cr_assert_str_eq(line, "re");
    strcpy(line, "zz");
    cr_assert_eq(ui_command_complete(line, sizeof line), 0);
    strcpy(line, "run local");
    cr_assert_eq(ui_command_complete(line, sizeof line), 0);
}
