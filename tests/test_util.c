/* tests/test_util.c — core/util helpers. */
#include "config.h"
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/util.h"

Test(strbuf, append_and_format)
{
    strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "ab");
    strbuf_addc(&sb, 'c');
    strbuf_addf(&sb, "-%d-%s", 42, "x");
    strbuf_addrep(&sb, '.', 3);
    cr_assert_str_eq(sb.data, "abc-42-x...");
    cr_assert_eq(sb.len, 11);
    /* a long formatted string crosses the small-buffer path */
    char big[600];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    strbuf_addf(&sb, "%s", big);
    cr_assert_eq(sb.len, 11 + 599);
    strbuf_free(&sb);
}

Test(arena, alignment_and_strings)
{
    arena a;
    arena_init(&a);
    for (int i = 0; i < 10000; i++) {
        void *p = arena_alloc(&a, (size_t)(i % 97) + 1);
        cr_assert_eq(((uintptr_t)p) % 16, 0);
    }
    char *big = arena_alloc(&a, 1 << 20);
    big[(1 << 20) - 1] = 'x';
    cr_assert_str_eq(arena_sprintf(&a, "%s=%d", "k", 7), "k=7");
    arena_free(&a);
}

Test(paths, normalize)
{
    struct { const char *in, *out; } v[] = {
        {"/a/b/../c", "/a/c"}, {"/a//b/./c/", "/a/b/c"}, {"/../x", "/x"},
        {"a/../../b", "../b"}, {"./", "."}, {"/", "/"},
        {"/r/infrastructure/local/docker/compose//docker-compose-db.yml",
         "/r/infrastructure/local/docker/compose/docker-compose-db.yml"},
    };
    for (size_t i = 0; i < SRV_ARRAY_LEN(v); i++) {
        char *n = util_path_normalize(v[i].in);
        cr_expect_str_eq(n, v[i].out, "normalize(%s)", v[i].in);
        free(n);
    }
    char *j = util_path_join("/a/", "/b");
    cr_assert_str_eq(j, "/a/b");
    free(j);
    char *r = util_path_relative("/root/x/y", "/root");
    cr_assert_str_eq(r, "x/y");
    free(r);
}

Test(strings, edit_distance)
{
    cr_assert_eq(util_edit_distance("dependsOn", "dependOn", 3), 1);
    cr_assert_eq(util_edit_distance("image", "imgae", 3), 2);
    cr_assert_eq(util_edit_distance("ports", "replicas", 2), 3);
}

Test(strings, utf8)
{
    cr_assert(util_utf8_valid("\xc3\xa9t\xc3\xa9", 5));
    cr_assert_not(util_utf8_valid("\xff", 1));
    cr_assert_not(util_utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
    cr_assert_not(util_utf8_valid("\xc0\xaf", 2));     /* overlong */
}

static void expect_lines(const char *text, const char *const *want, size_t nwant)
{
    size_t n = 99;
    char **v = util_split_lines(text, &n);
    cr_assert_not_null(v);
    cr_assert_eq(n, nwant, "\"%s\": %zu line(s), want %zu", text ? text : "(null)", n, nwant);
    for (size_t i = 0; i < n; i++)
        cr_expect_str_eq(v[i], want[i], "line %zu", i);
    util_lines_free(v, n);
}

Test(strings, split_lines)
{
    expect_lines(NULL, NULL, 0);
    expect_lines("", NULL, 0);
    expect_lines("one", (const char *const[]){"one"}, 1);
    /* a trailing newline ends the last line; inner empty lines are kept */
    expect_lines("a\n\nb\n", (const char *const[]){"a", "", "b"}, 3);
    expect_lines("\n", (const char *const[]){""}, 1);
    expect_lines("x\n\n", (const char *const[]){"x", ""}, 2);
    /* more lines than the first allocation holds */
    strbuf sb = STRBUF_INIT;
    for (int i = 0; i < 40; i++)
        strbuf_addf(&sb, "line %d\n", i);
    size_t n;
    char **v = util_split_lines(sb.data, &n);
    cr_assert_eq(n, 40);
    cr_expect_str_eq(v[0], "line 0");
    cr_expect_str_eq(v[39], "line 39");
    util_lines_free(v, n);
    strbuf_free(&sb);
}

Test(files, atomic_write_keeps_mode_and_creates_dirs)
{
    char dir[] = "/tmp/srvutilXXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char *path = util_xasprintf("%s/a/b/c.txt", dir);
    char err[SRV_ERRLEN];
    cr_assert_eq(util_write_file_atomic(path, "one\n", 4, err), 0, "%s", err);
    chmod(path, 0640);
    cr_assert_eq(util_write_file_atomic(path, "two\n", 4, err), 0, "%s", err);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0640);
    char *data;
    size_t len;
    cr_assert_eq(util_read_file(path, 100, &data, &len, err), 0);
    cr_assert_str_eq(data, "two\n");
    free(data);
    /* size limit is enforced with a message naming the file */
    cr_assert_eq(util_read_file(path, 2, &data, &len, err), -1);
    cr_assert(strstr(err, "c.txt") && strstr(err, "too large"), "%s", err);
    /* a failed write (directory in the way) leaves no temp files behind */
    char *bad = util_xasprintf("%s/a/b", dir);
    cr_assert_eq(util_write_file_atomic(bad, "x", 1, err), -1);
    char *cmd = util_xasprintf("test $(ls -A %s/a/b | wc -l) -eq 1", dir);
    cr_assert_eq(system(cmd), 0);
    free(cmd);
    free(bad);
    char *rm = util_xasprintf("rm -rf %s", dir);
    cr_assert_eq(system(rm), 0);
    free(rm);
    free(path);
}
