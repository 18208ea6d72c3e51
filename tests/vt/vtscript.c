/* tests/vt/vtscript.c — see vtscript.h. */
#include "config.h"

#include "tests/vt/vtscript.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "ui/keys.h"

static void seterr(char *err, size_t errlen, const char *fmt, ...)
    SRV_PRINTF(3, 4);
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ---- words ---------------------------------------------------------------- */

static const char *skip_blanks(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A double-quoted string at *pp (which points at the quote).  Appends the
 * decoded bytes to sb, advances *pp past the closing quote. */
static int parse_quoted(const char **pp, strbuf *sb, char *msg, size_t msglen)
{
    const char *p = *pp + 1;
    for (;;) {
        char c = *p;
        if (c == '\0') {
            seterr(msg, msglen, "missing closing quote");
            return -1;
        }
        p++;
        if (c == '"')
            break;
        if (c != '\\') {
            strbuf_addc(sb, c);
            continue;
        }
        char e = *p++;
        switch (e) {
        case '"': strbuf_addc(sb, '"'); break;
        case '\\': strbuf_addc(sb, '\\'); break;
        case 'n': strbuf_addc(sb, '\n'); break;
        case 'r': strbuf_addc(sb, '\r'); break;
        case 't': strbuf_addc(sb, '\t'); break;
        case 'e': strbuf_addc(sb, '\033'); break;
        case 'x': {
            int h = hexval(p[0]), l = h >= 0 ? hexval(p[1]) : -1;
            if (h < 0 || l < 0) {
                seterr(msg, msglen, "\\x needs two hex digits");
                return -1;
            }
            strbuf_addc(sb, (char)(h * 16 + l));
            p += 2;
            break;
        }
        case '\0':
            seterr(msg, msglen, "missing closing quote");
            return -1;
        default:
            seterr(msg, msglen, "unknown escape '\\%c'", e);
            return -1;
        }
    }
    *pp = p;
    return 0;
}

/* The next word (quoted or not) at *pp; NULL at the end of the line. */
static char *next_word(const char **pp, size_t *len, char *msg, size_t msglen,
                       bool *bad)
{
    const char *p = skip_blanks(*pp);
    *bad = false;
    if (!*p)
        return NULL;
    strbuf sb = STRBUF_INIT;
    if (*p == '"') {
        if (parse_quoted(&p, &sb, msg, msglen) < 0) {
            strbuf_free(&sb);
            *bad = true;
            return NULL;
        }
        if (*p && *p != ' ' && *p != '\t') {
            seterr(msg, msglen, "a blank must follow a closing quote");
            strbuf_free(&sb);
            *bad = true;
            return NULL;
        }
    } else {
        const char *s = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        strbuf_add(&sb, s, (size_t)(p - s));
    }
    *pp = p;
    return strbuf_detach(&sb, len);
}

/* TEXT: the rest of the line, or one quoted string filling it. */
static char *rest_text(const char *p, size_t *len, char *msg, size_t msglen)
{
    p = skip_blanks(p);
    if (*p == '"') {
        strbuf sb = STRBUF_INIT;
        if (parse_quoted(&p, &sb, msg, msglen) < 0) {
            strbuf_free(&sb);
            return NULL;
        }
        if (*skip_blanks(p)) {
            seterr(msg, msglen, "text after the closing quote");
            strbuf_free(&sb);
            return NULL;
        }
        return strbuf_detach(&sb, len);
    }
    size_t n = strlen(p);
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    *len = n;
    return util_xstrndup(p, n);
}

static bool parse_long(const char *s, long lo, long hi, long *out)
{
    if (!s || !*s)
        return false;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* ---- helpers ---------------------------------------------------------------- */

int vt_parse_size(const char *s, int *cols, int *rows)
{
    if (!s)
        return -1;
    const char *x = strchr(s, 'x');
    if (!x)
        return -1;
    char buf[16];
    size_t n = (size_t)(x - s);
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    long c, r;
    if (!parse_long(buf, 1, 1000, &c) || !parse_long(x + 1, 1, 1000, &r))
        return -1;
    *cols = (int)c;
    *rows = (int)r;
    return 0;
}

static const struct {
    const char *name;
    int sig;
} signals[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},     {"QUIT", SIGQUIT},
    {"KILL", SIGKILL}, {"TERM", SIGTERM},   {"USR1", SIGUSR1},
    {"USR2", SIGUSR2}, {"WINCH", SIGWINCH}, {"CONT", SIGCONT},
    {"STOP", SIGSTOP}, {"TSTP", SIGTSTP},   {"PIPE", SIGPIPE},
    {"ALRM", SIGALRM}, {"SEGV", SIGSEGV},   {"ABRT", SIGABRT},
};

int vt_signal_parse(const char *s)
{
    if (!s || !*s)
        return -1;
    long v;
    if (parse_long(s, 1, 64, &v))
        return (int)v;
    if (!strncasecmp(s, "SIG", 3))
        s += 3;
    for (size_t i = 0; i < SRV_ARRAY_LEN(signals); i++)
        if (!strcasecmp(s, signals[i].name))
            return signals[i].sig;
    return -1;
}

static const char *const color_names[8] = {
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

static int parse_color(const char *s, vt_color_kind *kind, int *idx)
{
    if (!strcasecmp(s, "default")) {
        *kind = VT_COLOR_DEFAULT;
        return 0;
    }
    long v;
    if (parse_long(s, 0, 255, &v)) {
        *kind = VT_COLOR_INDEX;
        *idx = (int)v;
        return 0;
    }
    int base = 0;
    if (!strncasecmp(s, "bright-", 7)) {
        base = 8;
        s += 7;
    }
    for (int i = 0; i < 8; i++)
        if (!strcasecmp(s, color_names[i])) {
            *kind = VT_COLOR_INDEX;
            *idx = base + i;
            return 0;
        }
    return -1;
}

int vt_attr_parse(const char *word, vt_attrspec *spec)
{
    bool neg = false;
    if (*word == '!') {
        neg = true;
        word++;
    }
    static const struct {
        const char *name;
        unsigned bit;
    } flags[] = {
        {"bold", VT_ATTR_BOLD},       {"underline", VT_ATTR_UNDERLINE},
        {"italic", VT_ATTR_ITALIC},   {"blink", VT_ATTR_BLINK},
        {"reverse", VT_ATTR_REVERSE}, {"strike", VT_ATTR_STRIKE},
        {"color", VT_ATTR_COLOR},     {"colour", VT_ATTR_COLOR},
    };
    for (size_t i = 0; i < SRV_ARRAY_LEN(flags); i++)
        if (!strcasecmp(word, flags[i].name)) {
            spec->want |= flags[i].bit;
            if (neg)
                spec->value &= ~flags[i].bit;
            else
                spec->value |= flags[i].bit;
            return 0;
        }
    if (!strncasecmp(word, "fg=", 3))
        return parse_color(word + 3, &spec->fg_kind, &spec->fg) < 0
                   ? -1
                   : (spec->fg_neg = neg, 0);
    if (!strncasecmp(word, "bg=", 3))
        return parse_color(word + 3, &spec->bg_kind, &spec->bg) < 0
                   ? -1
                   : (spec->bg_neg = neg, 0);
    return -1;
}

void vt_mask_row(const regex_t *re, char *row)
{
    size_t off = 0, len = strlen(row);
    regmatch_t m;
    while (off <= len &&
           regexec(re, row + off, 1, &m, off ? REG_NOTBOL : 0) == 0) {
        size_t so = off + (size_t)m.rm_so, eo = off + (size_t)m.rm_eo;
        if (eo == so) { /* empty match: step one byte */
            off = so + 1;
            continue;
        }
        /* one '~' for the whole match, so that values of any width
         * (elapsed times, ages, padding before them) compare equal */
        size_t w = so;
        row[w++] = '~';
        memmove(row + w, row + eo, len - eo + 1);
        len -= eo - w;
        off = w;
    }
}

/* ---- actions file ------------------------------------------------------------ */

int vt_actions_key(const vt_actions *a, const char *name)
{
    for (size_t i = 0; a && i < a->n; i++)
        if (!strcmp(a->names[i], name))
            return a->keys[i];
    return KEYS_NONE;
}

void vt_actions_free(vt_actions *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->names[i]);
    free(a->names);
    free(a->keys);
    memset(a, 0, sizeof *a);
}

int vt_actions_parse(const char *text, const char *name, vt_actions *out,
                     char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    size_t cap = 0;
    int lineno = 0;
    const char *p = text;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        char *line = util_xstrndup(p, n);
        p += n + (eol ? 1 : 0);
        lineno++;
        if (n && line[n - 1] == '\r')
            line[--n] = '\0';
        char *save = NULL;
        char *act = strtok_r(line, " \t", &save);
        if (!act || act[0] == '#') {
            free(line);
            continue;
        }
        char *key = strtok_r(NULL, " \t", &save);
        char *extra = key ? strtok_r(NULL, " \t", &save) : NULL;
        int code = key ? keys_parse(key) : KEYS_NONE;
        if (!key || extra || code == KEYS_NONE) {
            if (!key)
                seterr(err, errlen, "%s:%d: action '%s' has no key", name,
                       lineno, act);
            else if (extra)
                seterr(err, errlen, "%s:%d: expected \"NAME KEY\", got more",
                       name, lineno);
            else
                seterr(err, errlen, "%s:%d: unknown key name '%s'", name,
                       lineno, key);
            free(line);
            vt_actions_free(out);
            return -1;
        }
        if (vt_actions_key(out, act) == KEYS_NONE) {
            if (out->n == cap) {
                cap = cap ? cap * 2 : 16;
                out->names = util_xrealloc(out->names, cap * sizeof *out->names);
                out->keys = util_xrealloc(out->keys, cap * sizeof *out->keys);
            }
            out->names[out->n] = util_xstrdup(act);
            out->keys[out->n++] = code;
        }
        free(line);
    }
    return 0;
}

/* ---- the script -------------------------------------------------------------- */

static const struct {
    const char *word;
    vt_step_kind kind;
} step_words[] = {
    {"key", VT_STEP_KEY},
    {"keys", VT_STEP_KEYS},
    {"action", VT_STEP_KEY}, /* resolved to keys at parse time */
    {"wait", VT_STEP_WAIT},
    {"wait-re", VT_STEP_WAIT_RE},
    {"wait-gone", VT_STEP_WAIT_GONE},
    {"wait-exit", VT_STEP_WAIT_EXIT},
    {"sleep", VT_STEP_SLEEP},
    {"timeout", VT_STEP_TIMEOUT},
    {"resize", VT_STEP_RESIZE},
    {"signal", VT_STEP_SIGNAL},
    {"expect", VT_STEP_EXPECT},
    {"expect-not", VT_STEP_EXPECT_NOT},
    {"expect-row", VT_STEP_EXPECT_ROW},
    {"expect-attr", VT_STEP_EXPECT_ATTR},
    {"expect-restored", VT_STEP_EXPECT_RESTORED},
    {"expect-no-children", VT_STEP_EXPECT_NO_CHILDREN},
    {"mask", VT_STEP_MASK},
    {"dump", VT_STEP_DUMP},
    {"golden", VT_STEP_GOLDEN},
};

static void step_free(vt_step *st)
{
    free(st->src);
    free(st->text);
    if (st->has_re)
        regfree(&st->re);
}

void vt_script_free(vt_script *s)
{
    for (size_t i = 0; i < s->n; i++)
        step_free(&s->steps[i]);
    free(s->steps);
    s->steps = NULL;
    s->n = 0;
}

static int compile_re(vt_step *st, const char *re, char *msg, size_t msglen)
{
    int rc = regcomp(&st->re, re, REG_EXTENDED | REG_NEWLINE);
    if (rc != 0) {
        char buf[256];
        regerror(rc, &st->re, buf, sizeof buf);
        seterr(msg, msglen, "bad regex '%s': %s", re, buf);
        return -1;
    }
    st->has_re = true;
    return 0;
}

/* Parse the arguments of one step (after its word) into st. */
static int parse_args(vt_step *st, const char *word, const char *args,
                      const vt_actions *actions, char *msg, size_t msglen)
{
    const char *p = args;
    size_t len = 0;
    bool bad = false;
    char *w = NULL;

    switch (st->kind) {
    case VT_STEP_KEY: {
        bool is_action = !strcmp(word, "action");
        if (is_action && !actions) {
            seterr(msg, msglen, "'action' needs an actions file (-a FILE)");
            return -1;
        }
        while ((w = next_word(&p, &len, msg, msglen, &bad))) {
            int k = is_action ? vt_actions_key(actions, w) : keys_parse(w);
            if (k == KEYS_NONE) {
                seterr(msg, msglen,
                       is_action ? "unknown action '%s' (not in the actions file)"
                                 : "unknown key name '%s'",
                       w);
                free(w);
                return -1;
            }
            free(w);
            if (st->nkeys == VT_MAX_KEYS) {
                seterr(msg, msglen, "more than %d keys in one step", VT_MAX_KEYS);
                return -1;
            }
            st->keys[st->nkeys++] = k;
        }
        if (bad)
            return -1;
        if (st->nkeys == 0) {
            seterr(msg, msglen, "'%s' needs at least one %s", word,
                   is_action ? "action name" : "key name");
            return -1;
        }
        return 0;
    }
    case VT_STEP_KEYS:
    case VT_STEP_WAIT:
    case VT_STEP_WAIT_GONE:
    case VT_STEP_EXPECT:
    case VT_STEP_EXPECT_NOT:
    case VT_STEP_GOLDEN:
    case VT_STEP_WAIT_RE:
    case VT_STEP_MASK:
        st->text = rest_text(p, &st->textlen, msg, msglen);
        if (!st->text)
            return -1;
        if (st->textlen == 0) {
            seterr(msg, msglen, "'%s' needs %s", word,
                   st->kind == VT_STEP_GOLDEN ? "a file name"
                   : st->kind == VT_STEP_WAIT_RE || st->kind == VT_STEP_MASK
                       ? "a regex"
                       : "a text");
            return -1;
        }
        if (st->kind != VT_STEP_KEYS && memchr(st->text, '\0', st->textlen)) {
            seterr(msg, msglen, "'%s': the text holds a NUL byte", word);
            return -1;
        }
        if (st->kind == VT_STEP_WAIT_RE || st->kind == VT_STEP_MASK)
            return compile_re(st, st->text, msg, msglen);
        return 0;
    default:
        break;
    }

    /* word-list steps */
    char *argv[16];
    int argc = 0;
    while ((w = next_word(&p, &len, msg, msglen, &bad))) {
        if (argc == 16) {
            free(w);
            seterr(msg, msglen, "too many arguments");
            goto fail;
        }
        argv[argc++] = w;
    }
    if (bad)
        goto fail;

    switch (st->kind) {
    case VT_STEP_WAIT_EXIT:
        st->num = -1;
        if (argc > 1 ||
            (argc == 1 && !parse_long(argv[0], 0, 255, &st->num))) {
            seterr(msg, msglen, "'wait-exit' takes an optional exit code 0..255");
            goto fail;
        }
        break;
    case VT_STEP_SLEEP:
        if (argc != 1 || !parse_long(argv[0], 0, 3600000, &st->num)) {
            seterr(msg, msglen, "'sleep' needs milliseconds (0..3600000)");
            goto fail;
        }
        break;
    case VT_STEP_TIMEOUT: {
        char *end = NULL;
        double s = argc == 1 ? strtod(argv[0], &end) : -1;
        if (argc != 1 || !end || *end || !(s > 0 && s <= 3600)) {
            seterr(msg, msglen, "'timeout' needs seconds (0 < s <= 3600)");
            goto fail;
        }
        st->num = (long)(s * 1000 + 0.5);
        if (st->num < 1)
            st->num = 1;
        break;
    }
    case VT_STEP_RESIZE:
        if (argc != 1 || vt_parse_size(argv[0], &st->cols, &st->rows) < 0) {
            seterr(msg, msglen, "'resize' needs COLSxROWS (e.g. 100x30)");
            goto fail;
        }
        break;
    case VT_STEP_SIGNAL:
        if (argc != 1 || (st->num = vt_signal_parse(argv[0])) < 0) {
            seterr(msg, msglen, "'signal' needs a signal name (TERM, HUP, INT...)");
            goto fail;
        }
        break;
    case VT_STEP_EXPECT_ROW:
        if (argc != 2 || !parse_long(argv[0], -1000, 1000, &st->num) ||
            st->num == 0) {
            seterr(msg, msglen,
                   "'expect-row' needs a row (1 = top, -1 = bottom) and a text");
            goto fail;
        }
        st->textlen = strlen(argv[1]);
        st->text = argv[1];
        argv[1] = NULL;
        if (st->textlen == 0) {
            seterr(msg, msglen, "'expect-row' needs a text");
            goto fail;
        }
        break;
    case VT_STEP_EXPECT_ATTR:
        if (argc < 2 || !*argv[0]) {
            seterr(msg, msglen, "'expect-attr' needs a text and attributes");
            goto fail;
        }
        for (int i = 1; i < argc; i++)
            if (vt_attr_parse(argv[i], &st->attr) < 0) {
                seterr(msg, msglen,
                       "unknown attribute '%s' (bold underline italic blink "
                       "reverse strike color fg=C bg=C, '!' negates)",
                       argv[i]);
                goto fail;
            }
        st->text = argv[0];
        st->textlen = strlen(argv[0]);
        argv[0] = NULL;
        break;
    case VT_STEP_EXPECT_RESTORED:
    case VT_STEP_EXPECT_NO_CHILDREN:
    case VT_STEP_DUMP:
        if (argc != 0) {
            seterr(msg, msglen, "'%s' takes no argument", word);
            goto fail;
        }
        break;
    default:
        break;
    }
    for (int i = 0; i < argc; i++)
        free(argv[i]);
    return 0;
fail:
    for (int i = 0; i < argc; i++)
        free(argv[i]);
    return -1;
}

int vt_script_parse(const char *text, const char *name,
                    const vt_actions *actions, vt_script *out, char *err,
                    size_t errlen)
{
    memset(out, 0, sizeof *out);
    size_t cap = 0;
    int lineno = 0;
    const char *p = text;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        char *line = util_xstrndup(p, n);
        p += n + (eol ? 1 : 0);
        lineno++;
        if (n && line[n - 1] == '\r')
            line[--n] = '\0';
        const char *s = skip_blanks(line);
        if (!*s || *s == '#') {
            free(line);
            continue;
        }
        const char *e = s;
        while (*e && *e != ' ' && *e != '\t')
            e++;
        char word[32];
        size_t wl = (size_t)(e - s);
        snprintf(word, sizeof word, "%.*s", (int)(wl < 31 ? wl : 31), s);
        size_t k;
        for (k = 0; k < SRV_ARRAY_LEN(step_words); k++)
            if (wl == strlen(step_words[k].word) &&
                !strncmp(s, step_words[k].word, wl))
                break;
        if (k == SRV_ARRAY_LEN(step_words)) {
            seterr(err, errlen, "%s:%d: unknown step '%s'", name, lineno, word);
            free(line);
            vt_script_free(out);
            return -1;
        }
        vt_step st;
        memset(&st, 0, sizeof st);
        st.kind = step_words[k].kind;
        st.line = lineno;
        char msg[512];
        if (parse_args(&st, step_words[k].word, e, actions, msg, sizeof msg) < 0) {
            seterr(err, errlen, "%s:%d: %s", name, lineno, msg);
            step_free(&st);
            free(line);
            vt_script_free(out);
            return -1;
        }
        st.src = util_xstrdup(s);
        free(line);
        if (out->n == cap) {
            cap = cap ? cap * 2 : 16;
            out->steps = util_xrealloc(out->steps, cap * sizeof *out->steps);
        }
        out->steps[out->n++] = st;
    }
    return 0;
}
