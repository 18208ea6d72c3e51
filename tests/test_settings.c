/* tests/test_settings.c — the user configuration file. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/settings.h"
#include "core/util.h"

static char *write_tmp(const char *text)
{
    char *path = util_xstrdup("/tmp/srvsettingsXXXXXX");
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

Test(settings, sizes)
{
    cr_assert_eq(settings_parse_size("16MiB"), 16ll << 20);
    cr_assert_eq(settings_parse_size("512k"), 512ll << 10);
    cr_assert_eq(settings_parse_size("1048576"), 1048576);
    cr_assert_eq(settings_parse_size("2 GiB"), 2ll << 30);
    cr_assert_eq(settings_parse_size("lots"), -1);
    cr_assert_eq(settings_parse_size("12 parsecs"), -1);
    cr_assert_eq(settings_parse_size(""), -1);
}

Test(settings, missing_file_gives_defaults)
{
    settings s;
    diag_list d;
    diag_list_init(&d);
    settings_load(&s, "/nonexistent/srvconsole.yaml", &d);
    cr_assert_eq(d.n, 0);
    cr_assert_null(s.path);
    cr_assert_eq(s.pane_bytes, 16u << 20);
    cr_assert(s.color);
    settings_free(&s);
    diag_list_free(&d);
}

Test(settings, reads_keys_logs_and_reports_problems)
{
    char *p = write_tmp("keys:\n  deploy: U F5\n  teardown: C-d\n"
                        "logs:\n  pane_bytes: 32MiB\n  source_bytes: tiny\n  colour: 1\n"
                        "color: false\nthemes: dark\n");
    settings s;
    diag_list d;
    diag_list_init(&d);
    settings_load(&s, p, &d);
    cr_assert_eq(s.n_bindings, 2);
    cr_assert_str_eq(s.bindings[0].action, "deploy");
    cr_assert_str_eq(s.bindings[0].keys, "U F5");
    cr_assert_eq(s.bindings[1].line, 3);
    cr_assert_eq(s.pane_bytes, 32u << 20);
    cr_assert_eq(s.source_bytes, 0, "an invalid value keeps the default");
    cr_assert_not(s.color);
    cr_assert_eq(diag_count(&d, DIAG_ERROR, -1), 1);
    cr_assert(strstr(d.items[0].message, "logs.source_bytes"), "%s", d.items[0].message);
    cr_assert_eq(d.items[0].line, 6);
    cr_assert_eq(diag_count(&d, DIAG_WARNING, -1), 2); /* colour, themes */
    settings_free(&s);
    diag_list_free(&d);
    unlink(p);
    free(p);
}

Test(settings, unparsable_file_is_an_error_with_position)
{
    char *p = write_tmp("keys:\n\tdeploy: U\n");
    settings s;
    diag_list d;
    diag_list_init(&d);
    settings_load(&s, p, &d);
    cr_assert_eq(diag_count(&d, DIAG_ERROR, -1), 1);
    cr_assert(strstr(d.items[0].message, ":2:"), "%s", d.items[0].message);
    cr_assert_eq(s.n_bindings, 0);
    settings_free(&s);
    diag_list_free(&d);
    unlink(p);
    free(p);
}
