// SPDX-License-Identifier: GPL-2.0
#include "warnings.h"

#include "kbuild.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WDB_FILE	".kseries-warnings"
#define WDB_MAGIC	"kseries-warnings 1"

void warning_release(struct warning *w)
{
	free(w->file);
	free(w->msg);
	w->file = NULL;
	w->msg = NULL;
}

int warning_cmp(const struct warning *a, const struct warning *b)
{
	int c = strcmp(a->file, b->file);

	return c ? c : strcmp(a->msg, b->msg);
}

/* @line without ANSI escapes (ccache may keep gcc's colours), tabs as ' '. */
static char *plain_line(const char *line)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = line;

	while (*p) {
		if (*p == '\033' && p[1] == '[') {
			p += 2;
			while (*p && !isalpha((unsigned char)*p))
				p++;
			if (*p)
				p++;
			continue;
		}
		if (*p == '\r' || *p == '\n') {
			p++;
			continue;
		}
		sb_addch(&sb, *p == '\t' ? ' ' : *p);
		p++;
	}
	if (!sb.buf)
		sb_addstr(&sb, "");
	return sb_detach(&sb);
}

/*
 * "+0x1f/0x80" and "(.text+0x1234)" offsets move with any change; gcc
 * quotes with U+2018/U+2019 in a UTF-8 locale (and ccache may replay
 * such a message): those become "'".
 */
static char *normalise_msg(const char *m)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = m;

	while (*p == ' ')
		p++;
	while (*p) {
		if ((*p == '+' || *p == '/') && p[1] == '0' && p[2] == 'x' &&
		    isxdigit((unsigned char)p[3])) {
			sb_addch(&sb, *p);
			sb_addstr(&sb, "0x?");
			p += 3;
			while (isxdigit((unsigned char)*p))
				p++;
			continue;
		}
		if ((unsigned char)p[0] == 0xe2 && (unsigned char)p[1] == 0x80 &&
		    ((unsigned char)p[2] == 0x98 ||
		     (unsigned char)p[2] == 0x99)) {
			sb_addch(&sb, '\'');
			p += 3;
			continue;
		}
		sb_addch(&sb, *p++);
	}
	if (!sb.buf)
		sb_addstr(&sb, "");
	sb_rtrim(&sb);
	return sb_detach(&sb);
}

/* Resolve "." and ".." lexically in an absolute path. */
static char *lexical_clean(const char *path)
{
	char *copy = xstrdup(path), *save = NULL, *part;
	const char **parts = NULL;
	size_t n = 0, alloc = 0, i;
	struct strbuf sb = STRBUF_INIT;

	for (part = strtok_r(copy, "/", &save); part;
	     part = strtok_r(NULL, "/", &save)) {
		if (!strcmp(part, "."))
			continue;
		if (!strcmp(part, "..")) {
			if (n)
				n--;
			continue;
		}
		ALLOC_GROW(parts, n + 1, alloc);
		parts[n++] = part;
	}
	for (i = 0; i < n; i++)
		sb_addf(&sb, "/%s", parts[i]);
	if (!sb.len)
		sb_addch(&sb, '/');
	free(parts);
	free(copy);
	return sb_detach(&sb);
}

static bool strip_dir(const char *path, const char *dir, const char **rest)
{
	size_t n;

	if (!dir || !*dir)
		return false;
	n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (strncmp(path, dir, n) || path[n] != '/')
		return false;
	*rest = path + n + 1;
	return true;
}

static char *normalise_path(const char *file, const char *tree,
			    const char *build)
{
	char *abs, *clean, *out;
	const char *rest;

	if (!strchr(file, '/') && !strchr(file, '.'))
		return xstrdup(file);	/* "ld", "modpost": a tool */
	if (file[0] == '/' || !build)
		abs = xstrdup(file);
	else
		abs = xasprintf("%s/%s", build, file);
	clean = lexical_clean(abs);
	free(abs);
	if (strip_dir(clean, tree, &rest) || strip_dir(clean, build, &rest))
		out = xstrdup(rest);
	else if (file[0] != '/')
		out = xstrdup(clean + 1);	/* no build dir: stays relative */
	else
		out = xstrdup(clean);
	free(clean);
	return out;
}

/*
 * kernel-doc's warnings (kbuild runs it on each .c compiled with W=1)
 * name a line of a .c file but no column, which gcc always gives:
 * @loc to @msg is ":N".
 */
static bool is_kernel_doc(const char *file, const char *loc, const char *msg)
{
	return ends_with(file, ".c") && loc < msg &&
	       !memchr(loc + 1, ':', msg - loc - 1);
}

bool warning_parse(const char *line, const char *tree, const char *build,
		   struct warning *w)
{
	char *l = plain_line(line);
	const char *p, *colon, *msg;
	char *file = NULL;

	memset(w, 0, sizeof(*w));
	p = l;
	while (*p == ' ')
		p++;
	if (skip_prefix(p, "WARNING: ", &msg)) {
		/* modpost and other kbuild scripts */
		w->file = xstrdup("");
		w->msg = normalise_msg(msg);
		free(l);
		return true;
	}
	if (p != l)
		goto no;
	/* path[:line[:col]]: warning: message */
	msg = strstr(l, ": warning: ");
	if (!msg)
		goto no;
	for (p = l; p < msg; p++)
		if (*p == ' ')
			goto no;
	colon = memchr(l, ':', msg - l);
	if (!colon)
		colon = msg;
	/* Everything between the path and ": warning" must be :N[:N]. */
	for (p = colon; p < msg; p++)
		if (*p != ':' && !isdigit((unsigned char)*p))
			goto no;
	if (colon == l)
		goto no;
	file = xstrndup(l, colon - l);
	w->file = normalise_path(file, tree, build);
	w->msg = normalise_msg(msg + strlen(": warning: "));
	if (is_kernel_doc(file, colon, msg)) {
		char *m = xasprintf("kernel-doc: %s", w->msg);

		free(w->msg);
		w->msg = m;
	}
	free(file);
	free(l);
	return true;
no:
	free(l);
	return false;
}

/* Kinds */

/*
 * The gcc warnings (option names without "-W") that only W=1 turns on:
 * the options scripts/Makefile.extrawarn adds in its W=1 block (Linux
 * 5.10), and what its -Wextra and -Wunused enable in gcc 12 beyond the
 * kernel's default flags, less what the block turns off again (found
 * with `gcc -Q --help=warnings` on a kvm object's flags with and
 * without those of W=1). Sorted for bsearch().
 */
static const char *const w1_options[] = {
	"absolute-value",
	"cast-function-type",
	"clobbered",
	"empty-body",
	"enum-conversion",
	"expansion-to-defined",
	"extra",
	"ignored-qualifiers",
	"missing-declarations",
	"missing-format-attribute",
	"missing-include-dirs",
	"missing-parameter-type",
	"missing-prototypes",
	"old-style-declaration",
	"old-style-definition",
	"override-init",
	"packed-not-aligned",
	"string-compare",
	"stringop-truncation",
	"suggest-attribute=format",
	"unused-but-set-parameter",
	"unused-but-set-variable",
	"unused-const-variable",
};

const char *const *warning_w1_options(size_t *nr)
{
	*nr = ARRAY_SIZE(w1_options);
	return w1_options;
}

static int cmp_str_elem(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

/* The option of gcc's last "[-Wfoo]" in @msg ("foo"), or NULL. */
static char *gcc_option(const char *msg)
{
	const char *open = strrchr(msg, '['), *close, *opt;
	size_t len;

	if (!open)
		return NULL;
	close = strchr(open, ']');
	if (!close || close[1])
		return NULL;
	if (!skip_prefix(open, "[-Werror=", &opt) &&
	    !skip_prefix(open, "[-W", &opt))
		return NULL;
	len = close - opt;
	if (len && opt[len - 1] == '=')
		len--;	/* "[-Wunused-const-variable=]" */
	return len ? xstrndup(opt, len) : NULL;
}

enum warning_kind warning_kind(const struct warning *w)
{
	char *opt;
	bool w1;

	if (starts_with(w->msg, "sparse: "))
		return WK_SPARSE;
	if (starts_with(w->msg, "cocci: "))
		return WK_COCCI;
	if (starts_with(w->msg, "kernel-doc: "))
		return WK_W1;
	opt = gcc_option(w->msg);
	w1 = opt && bsearch(opt, w1_options, ARRAY_SIZE(w1_options),
			    sizeof(*w1_options), cmp_str_elem);
	free(opt);
	return w1 ? WK_W1 : WK_GCC;
}

const char *warning_kind_name(enum warning_kind k)
{
	switch (k) {
	case WK_W1:
		return "W=1";
	case WK_SPARSE:
		return "sparse";
	case WK_COCCI:
		return "cocci";
	case WK_GCC:
	default:
		return "gcc";
	}
}

/* Sets */

/*
 * Where @key is, or would go, in the @nr sorted elements of @size bytes at
 * @base, by @cmp(element, key); *@found says whether it is there.
 */
static size_t sorted_pos(const void *base, size_t nr, size_t size,
			 const void *key, int (*cmp)(const void *, const void *),
			 bool *found)
{
	size_t lo = 0, hi = nr;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp((const char *)base + mid * size, key);

		if (!c) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int warning_elem_cmp(const void *elem, const void *key)
{
	return warning_cmp(elem, key);
}

static size_t wset_pos(const struct wset *s, const struct warning *w,
		       bool *found)
{
	return sorted_pos(s->w, s->nr, sizeof(*s->w), w, warning_elem_cmp,
			  found);
}

bool wset_has(const struct wset *s, const struct warning *w)
{
	bool found;

	wset_pos(s, w, &found);
	return found;
}

void wset_add(struct wset *s, const struct warning *w)
{
	bool found;
	size_t pos = wset_pos(s, w, &found);

	if (found)
		return;
	ALLOC_GROW(s->w, s->nr + 1, s->alloc);
	memmove(&s->w[pos + 1], &s->w[pos], (s->nr - pos) * sizeof(*s->w));
	s->w[pos].file = xstrdup(w->file);
	s->w[pos].msg = xstrdup(w->msg);
	s->nr++;
}

void wset_release(struct wset *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		warning_release(&s->w[i]);
	free(s->w);
	memset(s, 0, sizeof(*s));
}

void wset_copy(struct wset *dst, const struct wset *src)
{
	size_t i;

	for (i = 0; i < src->nr; i++)
		wset_add(dst, &src->w[i]);
}

void wset_diff(const struct wset *parent, const struct wset *child,
	       struct wset *added, struct wset *fixed)
{
	size_t i = 0, j = 0;

	while (i < parent->nr || j < child->nr) {
		int c;

		if (i == parent->nr)
			c = 1;
		else if (j == child->nr)
			c = -1;
		else
			c = warning_cmp(&parent->w[i], &child->w[j]);
		if (!c) {
			i++;
			j++;
		} else if (c < 0) {
			if (fixed)
				wset_add(fixed, &parent->w[i]);
			i++;
		} else {
			if (added)
				wset_add(added, &child->w[j]);
			j++;
		}
	}
}

/* "a/b/../../c/./d.o" -> "c/d.o" (kbuild names virt/kvm's objects so). */
static char *clean_relative(const char *path)
{
	char *abs = xasprintf("/%s", path), *clean = lexical_clean(abs);
	char *ret = xstrdup(clean + 1);

	free(abs);
	free(clean);
	return ret;
}

/* Kbuild's quiet lines: two spaces, a tag, spaces, one target. */
char *kbuild_quiet_target(const char *line)
{
	const char *p = line, *t, *e;

	if (p[0] != ' ' || p[1] != ' ' || !isupper((unsigned char)p[2]))
		return NULL;
	p += 2;
	while (isupper((unsigned char)*p) || isdigit((unsigned char)*p) ||
	       *p == '_' || *p == '-')
		p++;
	if (!strncmp(p, " [M]", 4))
		p += 4;
	if (*p != ' ')
		return NULL;
	while (*p == ' ')
		p++;
	t = p;
	e = t + strcspn(t, " \t\r\n");
	if (e == t)
		return NULL;
	p = e;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (*p)
		return NULL;	/* more words: not a quiet line */
	{
		char *raw = xstrndup(t, e - t), *ret;

		if (raw[0] == '/' || !strstr(raw, "/."))
			return raw;
		ret = clean_relative(raw);
		free(raw);
		return ret;
	}
}

/* The database */

static int unit_elem_cmp(const void *elem, const void *key)
{
	return strcmp(((const struct wunit *)elem)->target, key);
}

static size_t wdb_pos(const struct wdb *db, const char *target, bool *found)
{
	return sorted_pos(db->u, db->nr, sizeof(*db->u), target, unit_elem_cmp,
			  found);
}

struct wunit *wdb_find(const struct wdb *db, const char *target)
{
	bool found;
	size_t pos = wdb_pos(db, target, &found);

	return found ? &db->u[pos] : NULL;
}

static struct wunit *wdb_get(struct wdb *db, const char *target)
{
	bool found;
	size_t pos = wdb_pos(db, target, &found);

	if (found)
		return &db->u[pos];
	ALLOC_GROW(db->u, db->nr + 1, db->alloc);
	memmove(&db->u[pos + 1], &db->u[pos], (db->nr - pos) * sizeof(*db->u));
	memset(&db->u[pos], 0, sizeof(*db->u));
	db->u[pos].target = xstrdup(target);
	db->nr++;
	return &db->u[pos];
}

static void wdb_remove(struct wdb *db, size_t pos)
{
	free(db->u[pos].target);
	wset_release(&db->u[pos].ws);
	memmove(&db->u[pos], &db->u[pos + 1],
		(db->nr - pos - 1) * sizeof(*db->u));
	db->nr--;
}

void wdb_release(struct wdb *db)
{
	while (db->nr)
		wdb_remove(db, db->nr - 1);
	free(db->u);
	memset(db, 0, sizeof(*db));
}

int wdb_load(struct wdb *db, const char *build)
{
	char *path = path_join(build, WDB_FILE);
	struct strbuf sb = STRBUF_INIT;
	struct wunit *cur = NULL;
	const char *p;
	bool bad = false;

	memset(db, 0, sizeof(*db));
	if (read_file(path, &sb)) {
		free(path);
		return 0;
	}
	if (!starts_with(sb.buf, WDB_MAGIC "\n")) {
		warning("%s: not a warnings database; starting afresh", path);
		goto out;
	}
	p = sb.buf + strlen(WDB_MAGIC) + 1;
	while (*p) {
		const char *nl = strchr(p, '\n');
		char *line = xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));

		p = nl ? nl + 1 : p + strlen(p);
		if (line[0] == 'U' && line[1] == ' ') {
			char *end;
			long long ns = strtoll(line + 2, &end, 10);

			if (*end != ' ' && *end != '\0') {
				bad = true;
			} else {
				cur = wdb_get(db, *end ? end + 1 : "");
				cur->mtime_ns = ns;
			}
		} else if (!strcmp(line, "S") && cur) {
			cur->sparse = true;
		} else if (line[0] == 'W' && line[1] == ' ' && cur) {
			char *tab = strchr(line + 2, '\t');
			struct warning w;

			if (!tab) {
				bad = true;
			} else {
				*tab = '\0';
				w.file = line + 2;
				w.msg = tab + 1;
				wset_add(&cur->ws, &w);
			}
		} else if (line[0]) {
			bad = true;
		}
		free(line);
	}
	if (bad) {
		warning("%s: unreadable lines; starting afresh", path);
		wdb_release(db);
	}
out:
	sb_release(&sb);
	free(path);
	return 0;
}

int wdb_save(const struct wdb *db, const char *build)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = path_join(build, WDB_FILE);
	size_t i, j;
	int ret;

	sb_addstr(&sb, WDB_MAGIC "\n");
	for (i = 0; i < db->nr; i++) {
		const struct wunit *u = &db->u[i];

		sb_addf(&sb, "U %lld %s\n", (long long)u->mtime_ns, u->target);
		if (u->sparse)
			sb_addstr(&sb, "S\n");
		for (j = 0; j < u->ws.nr; j++)
			sb_addf(&sb, "W %s\t%s\n", u->ws.w[j].file,
				u->ws.w[j].msg);
	}
	ret = write_file_atomic(path, sb.buf, sb.len);
	if (ret)
		error("cannot write %s: %s", path, strerror(errno));
	sb_release(&sb);
	free(path);
	return ret;
}

static int64_t mtime_of(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return -1;
	return (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
}

struct objects {
	char **v;
	size_t nr, alloc;
};

static void add_object(void *ctx, const char *obj, const char *cmd)
{
	struct objects *o = ctx;

	(void)cmd;
	ALLOC_GROW(o->v, o->nr + 1, o->alloc);
	o->v[o->nr++] = xstrdup(obj);
}

bool sparse_scope_has(const struct sparse_scope *s, const char *target)
{
	if (!s || s->all)
		return s != NULL;
	return s->nr && bsearch(target, s->objs, s->nr, sizeof(*s->objs),
				cmp_str_elem);
}

size_t wdb_prepare(struct wdb *db, const char *build,
		   const struct sparse_scope *sparse, struct strbuf *names)
{
	struct objects o = { 0 };
	char **objs;
	size_t nr, i, removed = 0;

	kbuild_each_object(build, "", add_object, &o);
	objs = o.v;
	nr = o.nr;
	sort_strv(objs, nr);
	for (i = 0; i < nr; i++) {
		char *path = path_join(build, objs[i]);
		int64_t m = mtime_of(path);
		struct wunit *u = wdb_find(db, objs[i]);

		if (m < 0) {
			/* Not there: make builds it anyway. */
		} else if (!u || u->mtime_ns != m ||
			   (!u->sparse && sparse_scope_has(sparse, objs[i]))) {
			if (!unlink(path)) {
				removed++;
				if (names)
					sb_addf(names, "%s%s",
						names->len ? " " : "",
						objs[i]);
			} else {
				warning("cannot remove %s: %s", path,
					strerror(errno));
			}
		}
		free(path);
		free(objs[i]);
	}
	free(objs);
	/* Forget units whose target is gone or changed behind our back. */
	for (i = db->nr; i-- > 0; ) {
		struct wunit *u = &db->u[i];
		char *path;
		int64_t m;

		if (!u->mtime_ns)
			continue;	/* transient: dropped by the next update */
		path = path_join(build, u->target);
		m = mtime_of(path);
		free(path);
		if (m < 0 || m != u->mtime_ns)
			wdb_remove(db, i);
	}
	return removed;
}

/* Sparse's findings (C=1) */

/* A sparse line: "path:L:C: warning: m", "... error: m", "...:C:    m". */
enum sparse_type { SP_NONE, SP_WARNING, SP_ERROR, SP_INFO };

struct sparse_line {
	enum sparse_type type;
	char *file;		/* as printed */
	char *loc;		/* "path:L:C" */
	const char *text;	/* into the plain line */
};

/* Skip ":N" at @p; NULL if not there. */
static const char *skip_num(const char *p)
{
	if (*p != ':' || !isdigit((unsigned char)p[1]))
		return NULL;
	p++;
	while (isdigit((unsigned char)*p))
		p++;
	return p;
}

static enum sparse_type sparse_parse(const char *l, struct sparse_line *s)
{
	const char *colon, *p = NULL;

	memset(s, 0, sizeof(*s));
	for (colon = l; *colon && *colon != ' '; colon++) {
		if (*colon != ':' || colon == l)
			continue;
		p = skip_num(colon);
		p = p ? skip_num(p) : NULL;
		if (p && p[0] == ':' && p[1] == ' ')
			break;
	}
	if (*colon != ':')
		return SP_NONE;
	s->file = xstrndup(l, colon - l);
	s->loc = xstrndup(l, p - l);
	p += 2;
	if (skip_prefix(p, "warning: ", &s->text))
		s->type = SP_WARNING;
	else if (skip_prefix(p, "error: ", &s->text))
		s->type = SP_ERROR;
	else
		s->type = SP_INFO;
	if (s->type == SP_INFO)
		s->text = p;
	return s->type;
}

static void sparse_line_release(struct sparse_line *s)
{
	free(s->file);
	free(s->loc);
}

/* Whitespace collapsed to one space, none at either end. */
static void add_collapsed(struct strbuf *sb, const char *text)
{
	bool space = false;

	for (; *text; text++) {
		if (isspace((unsigned char)*text)) {
			space = true;
			continue;
		}
		if (space && sb->len && sb->buf[sb->len - 1] != ' ')
			sb_addch(sb, ' ');
		space = false;
		sb_addch(sb, *text);
	}
}

/* The finding being read: its first line and continuations so far. */
struct sparse_pending {
	char *file;		/* normalised; NULL: none */
	char *loc;
	bool error;
	struct strbuf msg;
};

/*
 * The values of "cast truncates bits from constant value (20002 becomes
 * 2)" as "(? becomes ?)": they come from where a constant is in a table
 * (vmcs12.c's field table has a hundred of them in the base), so a new
 * entry would read as a new finding of a kind the file already has.
 */
static char *sparse_values(const char *msg)
{
	static const char key[] = "constant value (";
	const char *p = strstr(msg, key);
	struct strbuf sb = STRBUF_INIT;

	if (!p)
		return normalise_msg(msg);
	p += strlen(key);
	sb_add(&sb, msg, p - msg);
	while (*p && *p != ')') {
		size_t n = 0, hex = 0;

		while (isalnum((unsigned char)p[n])) {
			hex += !!isxdigit((unsigned char)p[n]);
			n++;
		}
		if (n && hex == n)
			sb_addch(&sb, '?');	/* a value, not "becomes" */
		else if (n)
			sb_add(&sb, p, n);
		else
			sb_addch(&sb, *p++);
		p += n;
	}
	sb_addstr(&sb, p);
	{
		char *ret = normalise_msg(sb.buf);

		sb_release(&sb);
		return ret;
	}
}

/*
 * The finding read so far, to @unit's findings (and @rebuilt) if sparse's
 * scope holds @unit, else dropped.
 */
static void pending_flush(struct sparse_pending *sp, struct wunit *unit,
			  struct wset *rebuilt)
{
	struct warning w;

	if (!sp->file)
		return;
	w.file = sp->file;
	w.msg = sparse_values(sb_str(&sp->msg));
	if (unit->sparse)
		wset_add(&unit->ws, &w);
	if (unit->sparse && rebuilt)
		wset_add(rebuilt, &w);
	free(w.msg);
	free(sp->file);
	free(sp->loc);
	sp->file = NULL;
	sp->loc = NULL;
	sb_release(&sp->msg);
}

/*
 * Take @line as sparse's, in a CHECK's output; false if it is not one
 * (read it as any other warning).
 */
static bool sparse_take(struct sparse_pending *sp, const char *line,
			const char *tree, const char *build,
			struct wunit *unit, struct wset *rebuilt)
{
	char *l = plain_line(line);
	struct sparse_line s;
	enum sparse_type t = sparse_parse(l, &s);
	bool cont = t == SP_INFO || (t == SP_ERROR && sp->file &&
				     sp->error && starts_with(s.text, "got ") &&
				     !strcmp(sp->loc, s.loc));

	if (t != SP_NONE && cont) {
		if (sp->file) {
			sb_addstr(&sp->msg, "; ");
			add_collapsed(&sp->msg, s.text);
		}
	} else if (t != SP_NONE) {
		pending_flush(sp, unit, rebuilt);
		sp->file = normalise_path(s.file, tree, build);
		sp->loc = xstrdup(s.loc);
		sp->error = t == SP_ERROR;
		sb_addstr(&sp->msg, sp->error ? "sparse: error: " : "sparse: ");
		add_collapsed(&sp->msg, s.text);
	}
	sparse_line_release(&s);
	free(l);
	return t != SP_NONE;
}

/* kbuild's quiet line of sparse: "  CHECK   <source>". */
static bool is_check_line(const char *line)
{
	return starts_with(line, "  CHECK ");
}

/* Start reading unit @target's lines: a rebuild replaces its warnings. */
static struct wunit *unit_start(struct wdb *db, const char *target,
				bool sparse)
{
	struct wunit *u = wdb_get(db, target);

	if (!u->seen) {
		wset_release(&u->ws);
		u->seen = true;
		u->sparse = sparse;
	}
	return u;
}

/* Record the mtime of every unit seen; drop those with nothing to keep. */
static void units_settle(struct wdb *db, const char *build)
{
	size_t i;

	for (i = db->nr; i-- > 0; ) {
		struct wunit *u = &db->u[i];
		char *path;
		int64_t m;

		if (!u->seen)
			continue;
		path = u->target[0] ? path_join(build, u->target) : NULL;
		m = path ? mtime_of(path) : -1;
		free(path);
		if (!u->ws.nr && !ends_with(u->target, ".o"))
			wdb_remove(db, i);	/* nothing to remember */
		else if (m > 0)
			u->mtime_ns = m;
		else if (!u->ws.nr)
			wdb_remove(db, i);
		else
			u->mtime_ns = 0;	/* transient: this build only */
	}
}

void wdb_update(struct wdb *db, const char *log, const char *tree,
		const char *build, const struct sparse_scope *sparse,
		struct wset *rebuilt)
{
	struct sparse_pending sp = { .msg = STRBUF_INIT };
	struct wunit *cur;
	const char *p = log;
	bool check = false;	/* in a CHECK's output */
	size_t i;

	/* Units without a file (and "") ran in the last build only. */
	for (i = db->nr; i-- > 0; ) {
		if (!db->u[i].mtime_ns)
			wdb_remove(db, i);
		else
			db->u[i].seen = false;
	}
	cur = unit_start(db, "", sparse && sparse->all);
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		char *line = xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
		char *target = kbuild_quiet_target(line);
		struct warning w;

		p = nl ? nl + 1 : NULL;
		if (target) {
			pending_flush(&sp, cur, rebuilt);
			check = is_check_line(line);
			if (!check)
				cur = unit_start(db, target,
						 sparse_scope_has(sparse,
								  target));
			free(target);
		} else if (check && sparse_take(&sp, line, tree, build, cur,
						rebuilt)) {
			/* taken */
		} else if (warning_parse(line, tree, build, &w)) {
			wset_add(&cur->ws, &w);
			if (rebuilt)
				wset_add(rebuilt, &w);
			warning_release(&w);
		}
		free(line);
	}
	pending_flush(&sp, cur, rebuilt);
	units_settle(db, build);
}

void wdb_limit_sparse(struct wdb *db, const struct sparse_scope *sparse)
{
	size_t i, j;

	for (i = 0; i < db->nr; i++) {
		struct wunit *u = &db->u[i];
		struct wset keep = { 0 };

		if (!u->sparse || sparse_scope_has(sparse, u->target))
			continue;
		for (j = 0; j < u->ws.nr; j++)
			if (warning_kind(&u->ws.w[j]) != WK_SPARSE)
				wset_add(&keep, &u->ws.w[j]);
		wset_release(&u->ws);
		u->ws = keep;
		u->sparse = false;
	}
}

void wdb_all(const struct wdb *db, struct wset *out)
{
	size_t i;

	for (i = 0; i < db->nr; i++)
		wset_copy(out, &db->u[i].ws);
}
