/* tests/test_vt_units.c — the screen-test harness's parts: the script parser,
 * the actions file, key names, attribute words, masks and (with libvterm)
 * the virtual screen. */
#include "config.h"

#include <criterion/criterion.h>
#include <curses.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "tests/vt/vtscript.h"
#include "ui/keys.h"
#ifdef VT_WITH_VTERM
#include "tests/vt/vtterm.h"
#endif

static char err[1024];

static vt_script parse_ok(const char *text, const vt_actions *a)
{
    vt_script s;
    int rc = vt_script_parse(text, "t.vt", a, &s, err, sizeof err);
    cr_assert_eq(rc, 0, "parse failed: %s", err);
    return s;
}

static void parse_bad(const char *text, const vt_actions *a, const char *want)
{
    vt_script s;
    err[0] = '\0';
    int rc = vt_script_parse(text, "t.vt", a, &s, err, sizeof err);
    cr_assert_eq(rc, -1, "'%s' parsed", text);
    cr_assert(strstr(err, want), "error for '%s' is '%s', wanted '%s'", text,
              err, want);
    cr_assert_eq(s.n, 0);
    cr_assert_null(s.steps);
}

Test(vt_script, every_step_kind_with_line_numbers)
{
    vt_script s = parse_ok("# a comment\n"
                           "\n"
                           "key q Enter C-c F1 Up\n"
                           "keys hello world  \n"
                           "wait Ready\n"
                           "  wait-re ^tick [0-9]+$\n"
                           "wait-gone Loading\n"
                           "wait-exit\n"
                           "wait-exit 3\n"
                           "sleep 250\n"
                           "timeout 0.5\n"
                           "resize 100x30\n"
                           "signal TERM\n"
                           "expect a b\n"
                           "expect-not nope\n"
                           "expect-row -1 \"q quit\"\n"
                           "expect-attr \"beta \" reverse !bold fg=green\n"
                           "expect-restored\n"
                           "expect-no-children\n"
                           "mask [0-9]+ ms\n"
                           "dump\n"
                           "golden main-80x24.txt\r\n",
                           NULL);
    cr_assert_eq(s.n, 20);
    const vt_step_kind kinds[] = {
        VT_STEP_KEY,         VT_STEP_KEYS,        VT_STEP_WAIT,
        VT_STEP_WAIT_RE,     VT_STEP_WAIT_GONE,   VT_STEP_WAIT_EXIT,
        VT_STEP_WAIT_EXIT,   VT_STEP_SLEEP,       VT_STEP_TIMEOUT,
        VT_STEP_RESIZE,      VT_STEP_SIGNAL,      VT_STEP_EXPECT,
        VT_STEP_EXPECT_NOT,  VT_STEP_EXPECT_ROW,  VT_STEP_EXPECT_ATTR,
        VT_STEP_EXPECT_RESTORED, VT_STEP_EXPECT_NO_CHILDREN, VT_STEP_MASK,
        VT_STEP_DUMP,        VT_STEP_GOLDEN,
    };
    for (size_t i = 0; i < s.n; i++) {
        cr_assert_eq(s.steps[i].kind, kinds[i], "step %zu", i);
        cr_assert_eq(s.steps[i].line, (int)i + 3, "line of step %zu", i);
    }
    const vt_step *k = &s.steps[0];
    cr_assert_eq(k->nkeys, 5);
    cr_assert_eq(k->keys[0], 'q');
    cr_assert_eq(k->keys[1], '\r');
    cr_assert_eq(k->keys[2], 3);
    cr_assert_eq(k->keys[3], KEY_F(1));
    cr_assert_eq(k->keys[4], KEY_UP);
    cr_assert_str_eq(k->src, "key q Enter C-c F1 Up");
    cr_assert_str_eq(s.steps[1].text, "hello world");
    cr_assert_eq(s.steps[1].textlen, 11);
    cr_assert_str_eq(s.steps[2].text, "Ready");
    cr_assert(s.steps[3].has_re);
    cr_assert_eq(regexec(&s.steps[3].re, "tick 42", 0, NULL, 0), 0);
    cr_assert_neq(regexec(&s.steps[3].re, "tick 42!", 0, NULL, 0), 0);
    cr_assert_eq(s.steps[5].num, -1);
    cr_assert_eq(s.steps[6].num, 3);
    cr_assert_eq(s.steps[7].num, 250);
    cr_assert_eq(s.steps[8].num, 500);
    cr_assert_eq(s.steps[9].cols, 100);
    cr_assert_eq(s.steps[9].rows, 30);
    cr_assert_eq(s.steps[10].num, SIGTERM);
    cr_assert_str_eq(s.steps[11].text, "a b");
    cr_assert_eq(s.steps[13].num, -1);
    cr_assert_str_eq(s.steps[13].text, "q quit");
    const vt_step *a = &s.steps[14];
    cr_assert_str_eq(a->text, "beta ");
    cr_assert_eq(a->attr.want, VT_ATTR_REVERSE | VT_ATTR_BOLD);
    cr_assert_eq(a->attr.value, VT_ATTR_REVERSE);
    cr_assert_eq(a->attr.fg_kind, VT_COLOR_INDEX);
    cr_assert_eq(a->attr.fg, COLOR_GREEN);
    cr_assert_str_eq(s.steps[19].text, "main-80x24.txt");
    vt_script_free(&s);
    cr_assert_eq(s.n, 0);
}

Test(vt_script, quoted_text_and_escapes)
{
    vt_script s = parse_ok("keys \"  two\\tspaces\\e[A\\x41\\\\\\\"\"\n"
                           "wait \"  padded  \"\n"
                           "keys \"\\x00z\"\n",
                           NULL);
    cr_assert_eq(s.n, 3);
    cr_assert_eq(s.steps[0].textlen, 18);
    cr_assert_eq(memcmp(s.steps[0].text, "  two\tspaces\033[AA\\\"", 18), 0);
    cr_assert_str_eq(s.steps[1].text, "  padded  ");
    cr_assert_eq(s.steps[2].textlen, 2);
    cr_assert_eq(s.steps[2].text[0], '\0');
    cr_assert_eq(s.steps[2].text[1], 'z');
    vt_script_free(&s);
}

Test(vt_script, errors_name_the_line_and_the_problem)
{
    parse_bad("dump\nfrobnicate x\n", NULL, "t.vt:2: unknown step 'frobnicate'");
    parse_bad("key\n", NULL, "t.vt:1: 'key' needs at least one key name");
    parse_bad("key q Nope\n", NULL, "unknown key name 'Nope'");
    parse_bad("key C-1\n", NULL, "unknown key name 'C-1'");
    parse_bad("action quit\n", NULL, "needs an actions file (-a FILE)");
    parse_bad("wait\n", NULL, "'wait' needs a text");
    parse_bad("wait   \n", NULL, "'wait' needs a text");
    parse_bad("golden\n", NULL, "'golden' needs a file name");
    parse_bad("wait \"open\n", NULL, "t.vt:1: missing closing quote");
    parse_bad("wait \"a\" b\n", NULL, "text after the closing quote");
    parse_bad("keys \"\\q\"\n", NULL, "unknown escape '\\q'");
    parse_bad("keys \"\\x4\"\n", NULL, "\\x needs two hex digits");
    parse_bad("wait \"a\\x00b\"\n", NULL, "NUL byte");
    parse_bad("wait-re (unclosed\n", NULL, "bad regex '(unclosed'");
    parse_bad("wait-exit x\n", NULL, "optional exit code 0..255");
    parse_bad("wait-exit 256\n", NULL, "optional exit code 0..255");
    parse_bad("wait-exit 1 2\n", NULL, "optional exit code");
    parse_bad("sleep\n", NULL, "'sleep' needs milliseconds");
    parse_bad("sleep -5\n", NULL, "'sleep' needs milliseconds");
    parse_bad("sleep 10ms\n", NULL, "'sleep' needs milliseconds");
    parse_bad("timeout 0\n", NULL, "'timeout' needs seconds");
    parse_bad("timeout soon\n", NULL, "'timeout' needs seconds");
    parse_bad("resize 80\n", NULL, "'resize' needs COLSxROWS");
    parse_bad("resize 0x24\n", NULL, "'resize' needs COLSxROWS");
    parse_bad("resize 80x24x2\n", NULL, "'resize' needs COLSxROWS");
    parse_bad("signal BOGUS\n", NULL, "'signal' needs a signal name");
    parse_bad("expect-row 0 x\n", NULL, "'expect-row' needs a row");
    parse_bad("expect-row 2\n", NULL, "'expect-row' needs a row");
    parse_bad("expect-row x y\n", NULL, "'expect-row' needs a row");
    parse_bad("expect-attr text\n", NULL, "'expect-attr' needs a text and attributes");
    parse_bad("expect-attr text shiny\n", NULL, "unknown attribute 'shiny'");
    parse_bad("expect-attr text fg=mauve\n", NULL, "unknown attribute 'fg=mauve'");
    parse_bad("expect-attr text fg=256\n", NULL, "unknown attribute 'fg=256'");
    parse_bad("dump now\n", NULL, "'dump' takes no argument");
    parse_bad("expect-no-children 3\n", NULL, "takes no argument");
    parse_bad("mask (\n", NULL, "bad regex");
}

Test(vt_script, empty_script_and_comments_only)
{
    vt_script s = parse_ok("", NULL);
    cr_assert_eq(s.n, 0);
    vt_script_free(&s);
    s = parse_ok("# nothing\n   # indented comment\n\n", NULL);
    cr_assert_eq(s.n, 0);
    vt_script_free(&s);
}

Test(vt_actions, file_maps_names_to_keys)
{
    vt_actions a;
    int rc = vt_actions_parse("# from srvconsole --dump-actions\n"
                              "quit q\n"
                              "help ?\n"
                              "back Esc\r\n"
                              "\n"
                              "page-down PgDn\n"
                              "help F1\n" /* the first key of a name wins */
                              "prompt :\n",
                              "acts", &a, err, sizeof err);
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert_eq(a.n, 5);
    cr_assert_eq(vt_actions_key(&a, "quit"), 'q');
    cr_assert_eq(vt_actions_key(&a, "help"), '?');
    cr_assert_eq(vt_actions_key(&a, "back"), 27);
    cr_assert_eq(vt_actions_key(&a, "page-down"), KEY_NPAGE);
    cr_assert_eq(vt_actions_key(&a, "prompt"), ':');
    cr_assert_eq(vt_actions_key(&a, "deploy"), KEYS_NONE);

    vt_script s = parse_ok("action quit\naction back page-down\n", &a);
    cr_assert_eq(s.n, 2);
    cr_assert_eq(s.steps[0].kind, VT_STEP_KEY);
    cr_assert_eq(s.steps[0].keys[0], 'q');
    cr_assert_eq(s.steps[1].nkeys, 2);
    cr_assert_eq(s.steps[1].keys[1], KEY_NPAGE);
    vt_script_free(&s);
    parse_bad("action deploy\n", &a, "t.vt:1: unknown action 'deploy'");
    parse_bad("action\n", &a, "'action' needs at least one action name");
    vt_actions_free(&a);
    cr_assert_eq(a.n, 0);
}

Test(vt_actions, bad_lines_are_errors_with_line_numbers)
{
    vt_actions a;
    cr_assert_eq(vt_actions_parse("quit q\nhelp\n", "acts", &a, err, sizeof err), -1);
    cr_assert(strstr(err, "acts:2: action 'help' has no key"), "%s", err);
    cr_assert_eq(vt_actions_parse("quit Qq\n", "acts", &a, err, sizeof err), -1);
    cr_assert(strstr(err, "acts:1: unknown key name 'Qq'"), "%s", err);
    cr_assert_eq(vt_actions_parse("quit q x\n", "acts", &a, err, sizeof err), -1);
    cr_assert(strstr(err, "acts:1: expected \"NAME KEY\""), "%s", err);
    cr_assert_eq(a.n, 0);
}

/* Every key name the harness accepts comes from ui/keys.c and round-trips. */
Test(vt_keys, names_round_trip_and_have_sequences)
{
    const char *names[] = {"q", "?", "/", ":", "G", "Space", "Enter", "Esc",
                           "Tab", "BTab", "Backspace", "Delete", "Up", "Down",
                           "Left", "Right", "PgUp", "PgDn", "Home", "End",
                           "F1", "F5", "F12", "C-a", "C-c", "C-l", "C-z"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int k = keys_parse(names[i]);
        cr_assert_neq(k, KEYS_NONE, "%s", names[i]);
        char buf[16], seq[16];
        cr_assert_str_eq(keys_name(k, buf, sizeof buf), names[i]);
        cr_assert_not_null(keys_sequence(k, seq, sizeof seq), "%s", names[i]);
        cr_assert_gt(strlen(seq), 0);
    }
    cr_assert_eq(keys_parse("enter"), '\r');
    cr_assert_eq(keys_parse("PageDown"), KEY_NPAGE);
    cr_assert_eq(keys_parse("F13"), KEYS_NONE);
    cr_assert_eq(keys_parse("F0"), KEYS_NONE);
    cr_assert_eq(keys_parse(""), KEYS_NONE);
    cr_assert_eq(keys_parse("Ctrl-c"), KEYS_NONE);
}

Test(vt_helpers, sizes_signals_attributes)
{
    int c = 0, r = 0;
    cr_assert_eq(vt_parse_size("200x50", &c, &r), 0);
    cr_assert_eq(c, 200);
    cr_assert_eq(r, 50);
    cr_assert_eq(vt_parse_size("x50", &c, &r), -1);
    cr_assert_eq(vt_parse_size("80x", &c, &r), -1);
    cr_assert_eq(vt_parse_size("80X24", &c, &r), -1);
    cr_assert_eq(vt_parse_size("1001x5", &c, &r), -1);
    cr_assert_eq(vt_parse_size(NULL, &c, &r), -1);
    cr_assert_eq(vt_signal_parse("TERM"), SIGTERM);
    cr_assert_eq(vt_signal_parse("sighup"), SIGHUP);
    cr_assert_eq(vt_signal_parse("9"), 9);
    cr_assert_eq(vt_signal_parse("65"), -1);
    cr_assert_eq(vt_signal_parse("SIG"), -1);
    vt_attrspec a;
    memset(&a, 0, sizeof a);
    cr_assert_eq(vt_attr_parse("bg=bright-blue", &a), 0);
    cr_assert_eq(a.bg_kind, VT_COLOR_INDEX);
    cr_assert_eq(a.bg, 12);
    cr_assert_eq(vt_attr_parse("!fg=default", &a), 0);
    cr_assert_eq(a.fg_kind, VT_COLOR_DEFAULT);
    cr_assert(a.fg_neg);
    cr_assert_eq(vt_attr_parse("fg=208", &a), 0);
    cr_assert_eq(a.fg, 208);
    cr_assert_eq(vt_attr_parse("bright", &a), -1);
}

Test(vt_helpers, mask_replaces_each_match_by_one_tilde)
{
    regex_t re;
    cr_assert_eq(regcomp(&re, "[0-9]+ ms", REG_EXTENDED), 0);
    char row[] = "up 1234 ms, then 5 ms; end";
    vt_mask_row(&re, row);
    cr_assert_str_eq(row, "up ~, then ~; end");
    regfree(&re);

    cr_assert_eq(regcomp(&re, "(é)+", REG_EXTENDED), 0);
    char row2[] = "caféé!";
    vt_mask_row(&re, row2);
    cr_assert_str_eq(row2, "caf~!");
    regfree(&re);

    cr_assert_eq(regcomp(&re, "x*", REG_EXTENDED), 0);
    char row3[] = "abxxc";
    vt_mask_row(&re, row3);
    cr_assert_str_eq(row3, "ab~c");
    regfree(&re);
}

#ifdef VT_WITH_VTERM
static void feed(vt_term *t, const char *s) { vt_term_feed(t, s, strlen(s)); }

Test(vt_term, text_rows_and_find)
{
    vt_term *t = vt_term_new(20, 4);
    feed(t, "hello\r\n  world   \r\n\033[4;3Hcaf\xc3\xa9 \xe4\xb8\xad!");
    char *s = vt_term_screen_text(t);
    cr_assert_str_eq(s, "hello\n  world\n\n  café 中!\n");
    free(s);
    int row, col, n;
    cr_assert(vt_term_find(t, "world", &row, &col, &n));
    cr_assert_eq(row, 1);
    cr_assert_eq(col, 2);
    cr_assert_eq(n, 5);
    /* a wide character takes two cells */
    cr_assert(vt_term_find(t, "中!", &row, &col, &n));
    cr_assert_eq(row, 3);
    cr_assert_eq(col, 7);
    cr_assert_eq(n, 3);
    cr_assert_not(vt_term_find(t, "absent", NULL, NULL, NULL));
    regex_t re;
    regcomp(&re, "^  w.rld$", REG_EXTENDED | REG_NEWLINE);
    cr_assert(vt_term_match(t, &re));
    regfree(&re);
    regcomp(&re, "^world", REG_EXTENDED | REG_NEWLINE);
    cr_assert_not(vt_term_match(t, &re));
    regfree(&re);
    vt_term_free(t);
}

Test(vt_term, attributes_and_colours)
{
    vt_term *t = vt_term_new(40, 3);
    feed(t, "\033[1mBOLD\033[0m \033[7mREV\033[0m \033[32mGREEN\033[0m "
            "\033[38;5;208mORANGE\033[0m plain");
    vt_attrspec a;
    char why[256];
    int row, col, n;

    memset(&a, 0, sizeof a);
    vt_attr_parse("bold", &a);
    vt_attr_parse("!reverse", &a);
    cr_assert(vt_term_find(t, "BOLD", &row, &col, &n));
    cr_assert(vt_term_check_attr(t, row, col, n, &a, why, sizeof why), "%s", why);
    cr_assert(vt_term_find(t, "REV", &row, &col, &n));
    cr_assert_not(vt_term_check_attr(t, row, col, n, &a, why, sizeof why));
    cr_assert(strstr(why, "not bold"), "%s", why);

    memset(&a, 0, sizeof a);
    vt_attr_parse("fg=green", &a);
    vt_attr_parse("color", &a);
    cr_assert(vt_term_find(t, "GREEN", &row, &col, &n));
    cr_assert(vt_term_check_attr(t, row, col, n, &a, why, sizeof why), "%s", why);
    cr_assert(vt_term_find(t, "plain", &row, &col, &n));
    cr_assert_not(vt_term_check_attr(t, row, col, n, &a, why, sizeof why));

    memset(&a, 0, sizeof a);
    vt_attr_parse("fg=208", &a);
    cr_assert(vt_term_find(t, "ORANGE", &row, &col, &n));
    cr_assert(vt_term_check_attr(t, row, col, n, &a, why, sizeof why), "%s", why);
    memset(&a, 0, sizeof a);
    vt_attr_parse("fg=default", &a);
    vt_attr_parse("!color", &a);
    cr_assert_not(vt_term_check_attr(t, row, col, n, &a, why, sizeof why));
    cr_assert(vt_term_find(t, "plain", &row, &col, &n));
    cr_assert(vt_term_check_attr(t, row, col, n, &a, why, sizeof why), "%s", why);
    vt_term_free(t);
}

Test(vt_term, keys_follow_the_cursor_key_mode)
{
    vt_term *t = vt_term_new(20, 3);
    strbuf sb = STRBUF_INIT;
    vt_term_key(t, KEY_UP, &sb);
    cr_assert_str_eq(sb.data, "\033[A");
    feed(t, "\033[?1h"); /* DECCKM, what curses' keypad() turns on */
    strbuf_reset(&sb);
    vt_term_key(t, KEY_UP, &sb);
    vt_term_key(t, KEY_HOME, &sb);
    vt_term_key(t, KEY_F(1), &sb);
    vt_term_key(t, KEY_F(5), &sb);
    vt_term_key(t, KEY_NPAGE, &sb);
    vt_term_key(t, KEY_BTAB, &sb);
    vt_term_key(t, '\r', &sb);
    vt_term_key(t, 27, &sb);
    vt_term_key(t, 3, &sb);
    vt_term_key(t, 'q', &sb);
    vt_term_key(t, 127, &sb);
    cr_assert_str_eq(sb.data, "\033OA\033OH\033OP\033[15~\033[6~\033[Z\r\033\003q\177");
    strbuf_free(&sb);
    vt_term_free(t);
}

Test(vt_term, modes_and_answers)
{
    vt_term *t = vt_term_new(20, 3);
    cr_assert_not(vt_term_altscreen(t));
    cr_assert(vt_term_cursor_visible(t));
    feed(t, "\033[?1049h\033[?25l\033[?1000h");
    cr_assert(vt_term_altscreen(t));
    cr_assert_not(vt_term_cursor_visible(t));
    cr_assert_neq(vt_term_mouse(t), 0);
    feed(t, "\033[?1049l\033[?25h\033[?1000l");
    cr_assert_not(vt_term_altscreen(t));
    cr_assert(vt_term_cursor_visible(t));
    cr_assert_eq(vt_term_mouse(t), 0);
    /* a cursor position report is answered */
    feed(t, "\033[2;5H\033[6n");
    strbuf sb = STRBUF_INIT;
    vt_term_take_output(t, &sb);
    cr_assert_str_eq(sb.data, "\033[2;5R");
    int r, c;
    vt_term_cursor(t, &r, &c);
    cr_assert_eq(r, 1);
    cr_assert_eq(c, 4);
    strbuf_free(&sb);
    /* resize */
    vt_term_resize(t, 30, 5);
    int cols, rows;
    vt_term_size(t, &cols, &rows);
    cr_assert_eq(cols, 30);
    cr_assert_eq(rows, 5);
    vt_term_free(t);
}
#endif
