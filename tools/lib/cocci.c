// SPDX-License-Identifier: GPL-2.0
/*
 * Coccinelle findings per patch: the scripts, the spatch runs over the
 * reduced files of a batch of patches, and the cache (see cocci.h).
 */
#include "cocci.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hash.h"

#define CACHE_MAGIC	"kseries-cocci 1"
#define QUERY_MAGIC	"kseries-cocci-query 1"
#define SPATCH_TIMEOUT	600.0

/* A growable argument vector, NULL-terminated. */
struct argv {
	char **v;
	size_t nr, alloc;
};

static void argv_push(struct argv *a, const char *s)
{
	ALLOC_GROW(a->v, a->nr + 2, a->alloc);
	a->v[a->nr++] = xstrdup(s);
	a->v[a->nr] = NULL;
}

static void argv_release(struct argv *a)
{
	free_strv(a->v, a->nr);
	memset(a, 0, sizeof(*a));
}

/*
 * "spatch [--python PYTHON] -D report". Without --python, spatch finds
 * its interpreter through the shell's python3, which may be a wrapper
 * (pyenv's shims run bash a dozen times): /usr/bin/python3, where there
 * is one, takes its start from some 1.1 s of CPU to 0.25 s.
 */
static void spatch_argv(struct argv *a, const struct cocci *c)
{
	argv_push(a, "spatch");
	if (c->python) {
		argv_push(a, "--python");
		argv_push(a, c->python);
	}
	argv_push(a, "-D");
	argv_push(a, "report");
}

/* A spatch run among others, its stdout captured. */
struct job {
	struct argv argv;
	struct strbuf out;
	struct run_opts ro;
	struct child c;
	double start;
	int status;
	bool started, done;
};

/*
 * Run the @nr jobs, @max at a time, saying "cocci: @what N of @nr" as
 * each starts; each gets its status (128 + SIGKILL if it ran out of
 * time). -1 (reported) if one could not be started or waited for.
 */
static int run_jobs(struct job *j, size_t nr, int max, const char *what,
		    const struct msg_sink *say)
{
	size_t next = 0, done = 0;
	int running = 0, ret = 0;

	while (done < nr) {
		size_t i;

		while (!ret && next < nr && running < max) {
			struct job *n = &j[next++];

			msg_say(say, MSG_PROGRESS, "cocci: %s %zu of %zu", what,
				next, nr);
			n->ro = (struct run_opts){
				.out = &n->out, .quiet = true, .null_stdin = true,
				.say = say,
			};
			n->start = now_seconds();
			if (run_start((const char *const *)n->argv.v, &n->ro,
				      &n->c)) {
				ret = -1;
				n->done = true;
				done++;
				continue;
			}
			n->started = true;
			running++;
		}
		if (ret && !running)
			break;
		for (i = 0; i < next; i++) {
			struct job *r = &j[i];
			int st = 0, w;

			if (!r->started || r->done)
				continue;
			if (now_seconds() - r->start > SPATCH_TIMEOUT) {
				st = run_stop(&r->c, 2);
				w = st < 0 ? -1 : 0;
			} else {
				w = run_poll(&r->c, &st);
			}
			if (w > 0)
				continue;
			if (w < 0)
				ret = -1;
			r->status = st;
			r->done = true;
			running--;
			done++;
		}
		if (done < nr)
			usleep(5000);
	}
	msg_say(say, MSG_PROGRESS, "%s", "");
	return ret;
}

static void jobs_release(struct job *j, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		argv_release(&j[i].argv);
		sb_release(&j[i].out);
	}
	free(j);
}

static void sha256_hex(struct hash_ctx *h, char hex[65])
{
	unsigned char sum[32];

	hash_final(h, sum);
	hex_encode(hex, sum, sizeof(sum));
}

/* Add the .cocci files under @dir/@rel to @c->s, recursively. */
static int find_scripts(struct cocci *c, const char *rel, size_t *alloc)
{
	char *path = *rel ? path_join(c->dir, rel) : xstrdup(c->dir);
	DIR *d = opendir(path);
	struct dirent *e;
	int ret = 0;

	if (!d) {
		ret = error("cannot read %s: %s", path, strerror(errno));
		free(path);
		return ret;
	}
	while (!ret && (e = readdir(d))) {
		char *sub;

		if (e->d_name[0] == '.')
			continue;
		sub = *rel ? path_join(rel, e->d_name) : xstrdup(e->d_name);
		if (ends_with(sub, ".cocci")) {
			struct cocci_script *s;

			ALLOC_GROW(c->s, c->nr + 1, *alloc);
			s = &c->s[c->nr++];
			memset(s, 0, sizeof(*s));
			s->path = path_join(c->dir, sub);
			s->name = xstrndup(sub, strlen(sub) - 6);
		} else if (is_dir(c->dir) && e->d_type != DT_REG) {
			char *full = path_join(c->dir, sub);

			if (is_dir(full))
				ret = find_scripts(c, sub, alloc);
			free(full);
		}
		free(sub);
	}
	closedir(d);
	free(path);
	return ret;
}

static int cmp_script(const void *a, const void *b)
{
	return strcmp(((const struct cocci_script *)a)->name,
		      ((const struct cocci_script *)b)->name);
}

/* A script's "// Options:" words, except the include ones we set. */
static void script_options(struct cocci_script *s, const char *text)
{
	const char *p = strstr(text, "// Options:");
	struct argv a = { 0 };

	if (p) {
		const char *end = strchrnul(p, '\n');
		char *line = xstrndup(p + 11, end - p - 11);
		char *save = NULL, *w;

		for (w = strtok_r(line, " \t\r", &save); w;
		     w = strtok_r(NULL, " \t\r", &save)) {
			if (!strcmp(w, "--no-includes") ||
			    !strcmp(w, "--include-headers") ||
			    !strcmp(w, "--all-includes") ||
			    !strcmp(w, "--local-includes") ||
			    !strcmp(w, "--very-quiet"))
				continue;
			argv_push(&a, w);
		}
		free(line);
	}
	s->opts = a.v;
	s->nopts = a.nr;
}

/* The query cache file of a script whose text is @text. */
static char *query_path(const struct cocci *c, const struct strbuf *text)
{
	struct hash_ctx h;
	char hex[65];

	sha256_init(&h);
	hash_update(&h, c->version, strlen(c->version) + 1);
	hash_update(&h, text->buf, text->len);
	sha256_hex(&h, hex);
	return xasprintf("%s/cocci/query/%s", c->cache, hex);
}

/* Read a cached query: 1 if found (*@q: the query or NULL), else 0. */
static int query_load(const char *path, char **q)
{
	struct strbuf sb = STRBUF_INIT;
	const char *rest;
	int ret = 0;

	*q = NULL;
	if (!read_file(path, &sb) && skip_prefix(sb.buf, QUERY_MAGIC "\n",
						  &rest)) {
		if (skip_prefix(rest, "query ", &rest)) {
			*q = xstrndup(rest, strchrnul(rest, '\n') - rest);
			ret = 1;
		} else if (!strcmp(rest, "none\n")) {
			ret = 1;
		}
	}
	sb_release(&sb);
	return ret;
}

/* The grep query in `spatch --parse-cocci` output, or NULL. */
static char *query_parse(const char *out)
{
	const char *p = strstr(out, "\nGrep query\n");
	char *q;

	if (!p && starts_with(out, "Grep query\n"))
		p = out - 1;
	if (!p)
		return NULL;
	p += 12;
	/* The query, up to an empty line. */
	if (*p == '\n')
		return NULL;
	q = first_paragraph(p);
	if (!*q) {
		free(q);
		return NULL;
	}
	return q;
}

/* Each script's grep query: from the cache, else spatch --parse-cocci. */
static int load_queries(struct cocci *c, char **qpath)
{
	struct job *j = xcalloc(c->nr ? c->nr : 1, sizeof(*j));
	size_t *idx = xcalloc(c->nr ? c->nr : 1, sizeof(*idx));
	size_t i, n = 0;
	int ret;

	for (i = 0; i < c->nr; i++) {
		if (query_load(qpath[i], &c->s[i].query))
			continue;
		spatch_argv(&j[n].argv, c);
		argv_push(&j[n].argv, "--parse-cocci");
		argv_push(&j[n].argv, c->s[i].path);
		idx[n++] = i;
	}
	ret = run_jobs(j, n, c->jobs, "script query", NULL);
	for (i = 0; !ret && i < n; i++) {
		struct cocci_script *s = &c->s[idx[i]];
		char *text;

		if (j[i].status)
			continue;	/* not cached; the run will tell */
		s->query = query_parse(sb_str(&j[i].out));
		text = s->query ? xasprintf("%s\nquery %s\n", QUERY_MAGIC,
					    s->query) :
			xasprintf("%s\nnone\n", QUERY_MAGIC);
		if (write_file_atomic(qpath[idx[i]], text, strlen(text)))
			warning("cannot write %s: %s", qpath[idx[i]],
				strerror(errno));
		free(text);
	}
	jobs_release(j, c->nr ? c->nr : 1);
	free(idx);
	return ret;
}

/* spatch's version line, or NULL (reported) if it does not run. */
static char *spatch_version(void)
{
	static const char *const argv[] = { "spatch", "--version", NULL };
	struct strbuf out = STRBUF_INIT;
	char *v;

	if (!on_path("spatch")) {
		error("spatch not found: install coccinelle");
		return NULL;
	}
	if (run_capture(argv, NULL, &out) || !out.len) {
		error("spatch --version failed");
		sb_release(&out);
		return NULL;
	}
	v = xstrndup(out.buf, strchrnul(out.buf, '\n') - out.buf);
	sb_release(&out);
	return v;
}

/*
 * The way findings are made (reduction, prototypes, messages): part of
 * the digest, so that a cache of results made another way is not used.
 */
#define COCCI_METHOD	"kseries-cocci 2: functions, prototypes"

/* Read the scripts: digest, options, query cache paths. */
static int read_scripts(struct cocci *c, char **qpath)
{
	struct hash_ctx h;
	size_t i;

	sha256_init(&h);
	/* How the files are reduced: results of another way are stale. */
	hash_update(&h, COCCI_METHOD, strlen(COCCI_METHOD) + 1);
	hash_update(&h, c->version, strlen(c->version) + 1);
	for (i = 0; i < c->nr; i++) {
		struct strbuf text = STRBUF_INIT;

		if (read_file(c->s[i].path, &text)) {
			sha256_hex(&h, c->digest);
			sb_release(&text);
			return error("cannot read %s: %s", c->s[i].path,
				     strerror(errno));
		}
		hash_update(&h, c->s[i].name, strlen(c->s[i].name) + 1);
		hash_update(&h, text.buf, text.len);
		hash_update(&h, "", 1);
		script_options(&c->s[i], text.buf);
		qpath[i] = query_path(c, &text);
		sb_release(&text);
	}
	sha256_hex(&h, c->digest);
	return 0;
}

int cocci_init(struct cocci *c, const char *scripts_dir,
	       const char *cache_dir, int jobs)
{
	char **qpath = NULL, *qdir;
	size_t alloc = 0;
	int ret;

	memset(c, 0, sizeof(*c));
	c->dir = xstrdup(scripts_dir);
	c->cache = xstrdup(cache_dir);
	c->jobs = jobs > 0 ? jobs : 1;
	c->version = spatch_version();
	if (!access("/usr/bin/python3", X_OK))
		c->python = xstrdup("/usr/bin/python3");
	if (!c->version || find_scripts(c, "", &alloc))
		goto fail;
	if (!c->nr) {
		error("no coccinelle script in %s", scripts_dir);
		goto fail;
	}
	qsort(c->s, c->nr, sizeof(*c->s), cmp_script);
	qpath = xcalloc(c->nr, sizeof(*qpath));
	qdir = xasprintf("%s/cocci/query", c->cache);
	if (mkdir_p(qdir, 0777))
		warning("cannot create %s: %s", qdir, strerror(errno));
	free(qdir);
	ret = read_scripts(c, qpath);
	if (!ret)
		ret = load_queries(c, qpath);
	free_strv(qpath, c->nr);
	if (!ret)
		return 0;
fail:
	cocci_release(c);
	return -1;
}

void cocci_release(struct cocci *c)
{
	size_t i;

	for (i = 0; i < c->nr; i++) {
		free(c->s[i].path);
		free(c->s[i].name);
		free_strv(c->s[i].opts, c->s[i].nopts);
		free(c->s[i].query);
	}
	free(c->s);
	free(c->dir);
	free(c->cache);
	free(c->version);
	free(c->python);
	memset(c, 0, sizeof(*c));
}

void cocci_pair_release(struct cocci_pair *p)
{
	wset_release(&p->added);
	wset_release(&p->fixed);
}

/* The cache file of a pair. */
static char *pair_cache_path(const struct cocci *c, git_repository *repo,
			     const struct cocci_pair *p)
{
	git_commit *pc = NULL, *cc = NULL;
	char *path = NULL;

	if (!git_commit_lookup(&pc, repo, &p->parent) &&
	    !git_commit_lookup(&cc, repo, &p->child)) {
		struct hash_ctx h;
		char hex[65];

		sha256_init(&h);
		hash_update(&h, c->digest, 64);
		hash_update(&h, git_commit_tree_id(pc)->id, GIT_OID_RAWSZ);
		hash_update(&h, git_commit_tree_id(cc)->id, GIT_OID_RAWSZ);
		hash_update(&h, &c->defines, 1);
		sha256_hex(&h, hex);
		path = xasprintf("%s/cocci/%s", c->cache, hex);
	}
	git_commit_free(pc);
	git_commit_free(cc);
	return path;
}

static void add_finding(struct wset *s, const char *text)
{
	const char *tab = strchr(text, '\t');
	struct warning w;

	if (!tab)
		return;
	w.file = xstrndup(text, tab - text);
	w.msg = xstrdup(tab + 1);
	wset_add(s, &w);
	warning_release(&w);
}

/* Fill @p from its cache file: true if there is a good one. */
static bool cache_load(const char *path, struct cocci_pair *p)
{
	struct strbuf sb = STRBUF_INIT;
	char *line, *save = NULL;
	bool ok = false;

	if (read_file(path, &sb) || !starts_with(sb.buf, CACHE_MAGIC "\n"))
		goto out;
	for (line = strtok_r(sb.buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *rest;

		if (skip_prefix(line, "files ", &rest))
			p->files = strtoul(rest, NULL, 10);
		else if (skip_prefix(line, "scripts ", &rest))
			p->scripts_run = strtoul(rest, NULL, 10);
		else if (skip_prefix(line, "added ", &rest))
			add_finding(&p->added, rest);
		else if (skip_prefix(line, "fixed ", &rest))
			add_finding(&p->fixed, rest);
		else if (!strcmp(line, "end"))
			ok = true;
	}
out:
	sb_release(&sb);
	if (!ok) {
		wset_release(&p->added);
		wset_release(&p->fixed);
	}
	return ok;
}

static void cache_save(const char *path, const struct cocci_pair *p)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	sb_addf(&sb, "%s\nfiles %u\nscripts %u\n", CACHE_MAGIC, p->files,
		p->scripts_run);
	for (i = 0; i < p->added.nr; i++)
		sb_addf(&sb, "added %s\t%s\n", p->added.w[i].file,
			p->added.w[i].msg);
	for (i = 0; i < p->fixed.nr; i++)
		sb_addf(&sb, "fixed %s\t%s\n", p->fixed.w[i].file,
			p->fixed.w[i].msg);
	sb_addstr(&sb, "end\n");
	if (write_file_atomic(path, sb.buf, sb.len))
		warning("cannot write %s: %s", path, strerror(errno));
	sb_release(&sb);
}

/* A side of a pair that has a file version: the functions it changes. */
struct cuse {
	size_t pair;		/* index in the batch */
	bool child;
	struct cocci_ids names;
};

/*
 * One version of a file (a blob), cut down to the functions any pair
 * changes in it: a patch's child is often the next one's parent, and
 * spatch runs on each version once. A finding is a side's if it is in
 * one of the side's functions.
 */
struct cfile {
	git_oid blob;
	char *path;		/* relative to the tree */
	char *tmp;		/* the reduced copy */
	struct cocci_ids names;	/* the functions kept */
	struct cuse *use;
	size_t nuse, ualloc;
	struct cocci_func *fn;
	bool *keep;
	size_t nfn;
	struct cocci_lines map;	/* its lines' numbers in the original */
	struct cocci_ids ids;
};

/* A batch being run: its files and each pair's findings per side. */
struct batch {
	struct cocci *c;
	char *dir;
	struct cfile *f;
	size_t nf, falloc;
	struct cocci_pair **p;	/* the pairs not cached */
	char **cache;		/* their cache files */
	struct wset *ws;	/* [2 * i]: parent's, [2 * i + 1]: child's */
	size_t np;
	unsigned int *last_script;	/* per pair: 1 + last script run */
};

/* The line numbers a patch adds (@child) or removes in a file. */
struct lines {
	unsigned int *v;
	size_t nr, alloc;
};

static bool func_has_line(const struct cocci_func *f, const struct lines *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		if (l->v[i] >= f->first && l->v[i] <= f->last)
			return true;
	return false;
}

/* One side of a file: its text's functions. */
struct side {
	git_blob *blob;
	struct cocci_func *fn;
	size_t nfn;
};

static int side_load(struct side *s, git_repository *repo,
		     const git_oid *id, const char *path)
{
	memset(s, 0, sizeof(*s));
	if (git_oid_is_zero(id))
		return 0;
	if (git_blob_lookup(&s->blob, repo, id))
		return error("cannot read blob of %s: %s", path,
			     git_error_last()->message);
	s->nfn = cocci_functions(git_blob_rawcontent(s->blob),
				 git_blob_rawsize(s->blob), &s->fn);
	return 0;
}

static void side_release(struct side *s)
{
	git_blob_free(s->blob);
	cocci_functions_release(s->fn, s->nfn);
}

/* The names of the functions of @s holding a line of @l, into @names. */
static void changed_names(const struct side *s, const struct lines *l,
			  struct cocci_ids *names)
{
	size_t i;

	for (i = 0; i < s->nfn; i++) {
		if (!func_has_line(&s->fn[i], l))
			continue;
		ALLOC_GROW(names->v, names->nr + 1, names->alloc);
		names->v[names->nr++] = xstrdup(s->fn[i].name);
	}
}

static void ids_add(struct cocci_ids *ids, const struct cocci_ids *from)
{
	size_t i;

	for (i = 0; i < from->nr; i++) {
		ALLOC_GROW(ids->v, ids->nr + 1, ids->alloc);
		ids->v[ids->nr++] = xstrdup(from->v[i]);
	}
	cocci_ids_sort(ids);
}

/* The names of @names that @s defines, into @kept: how many. */
static size_t side_names(const struct side *s, const struct cocci_ids *names,
			 struct cocci_ids *kept)
{
	size_t i;

	for (i = 0; i < s->nfn; i++) {
		if (!cocci_ids_has(names, s->fn[i].name,
				   strlen(s->fn[i].name)))
			continue;
		ALLOC_GROW(kept->v, kept->nr + 1, kept->alloc);
		kept->v[kept->nr++] = xstrdup(s->fn[i].name);
	}
	cocci_ids_sort(kept);
	return kept->nr;
}

/* Side @child of pair @pi has @s of @path, with the functions @names. */
static void add_use(struct batch *b, size_t pi, bool child,
		    const char *path, const struct side *s,
		    const struct cocci_ids *names)
{
	const git_oid *id = git_blob_id(s->blob);
	struct cfile *f = NULL;
	struct cuse *u;
	size_t i;

	for (i = 0; i < b->nf && !f; i++)
		if (git_oid_equal(&b->f[i].blob, id) &&
		    !strcmp(b->f[i].path, path))
			f = &b->f[i];
	if (!f) {
		ALLOC_GROW(b->f, b->nf + 1, b->falloc);
		f = &b->f[b->nf];
		memset(f, 0, sizeof(*f));
		git_oid_cpy(&f->blob, id);
		f->path = xstrdup(path);
		f->tmp = xasprintf("%s/%zu/%s", b->dir, b->nf, path);
		b->nf++;
	}
	ALLOC_GROW(f->use, f->nuse + 1, f->ualloc);
	u = &f->use[f->nuse++];
	u->pair = pi;
	u->child = child;
	memset(&u->names, 0, sizeof(u->names));
	ids_add(&u->names, names);
	ids_add(&f->names, names);
}

/* Write @f cut down to its kept functions, taking their lines. */
static int write_cfile(struct batch *b, git_repository *repo,
		       struct cfile *f)
{
	struct strbuf text = STRBUF_INIT;
	struct side s;
	char *slash;
	size_t i;
	int ret = side_load(&s, repo, &f->blob, f->path);

	if (ret)
		return ret;
	f->fn = s.fn;
	f->nfn = s.nfn;
	s.fn = NULL;
	s.nfn = 0;
	f->keep = xcalloc(f->nfn + 1, sizeof(*f->keep));
	for (i = 0; i < f->nfn; i++)
		f->keep[i] = cocci_ids_has(&f->names, f->fn[i].name,
					   strlen(f->fn[i].name));
	/* Once for the functions' identifiers, then with prototypes. */
	cocci_reduce(git_blob_rawcontent(s.blob), git_blob_rawsize(s.blob),
		     f->fn, f->keep, f->nfn, b->c->defines, NULL, &text,
		     &f->map);
	cocci_ids_scan(&f->ids, text.buf, text.len);
	sb_reset(&text);
	f->map.nr = 0;
	cocci_reduce(git_blob_rawcontent(s.blob), git_blob_rawsize(s.blob),
		     f->fn, f->keep, f->nfn, b->c->defines, &f->ids, &text,
		     &f->map);
	side_release(&s);
	cocci_ids_release(&f->ids);
	cocci_ids_scan(&f->ids, text.buf, text.len);
	slash = strrchr(f->tmp, '/');
	*slash = '\0';
	if (mkdir_p(f->tmp, 0777))
		ret = error("cannot create %s: %s", f->tmp, strerror(errno));
	*slash = '/';
	if (!ret && write_file_atomic(f->tmp, text.buf, text.len))
		ret = error("cannot write %s: %s", f->tmp, strerror(errno));
	sb_release(&text);
	return ret;
}

/* The lines delta @i of @diff adds and removes. */
static int delta_lines(git_diff *diff, size_t i, struct lines *add,
		       struct lines *del)
{
	git_patch *patch;
	size_t h, nh;

	if (git_patch_from_diff(&patch, diff, i))
		return error("cannot diff: %s", git_error_last()->message);
	nh = patch ? git_patch_num_hunks(patch) : 0;
	for (h = 0; h < nh; h++) {
		int n = git_patch_num_lines_in_hunk(patch, h), l;

		for (l = 0; l < n; l++) {
			const git_diff_line *dl;
			struct lines *to;

			if (git_patch_get_line_in_hunk(&dl, patch, h, l))
				continue;
			if (dl->origin == GIT_DIFF_LINE_ADDITION)
				to = add;
			else if (dl->origin == GIT_DIFF_LINE_DELETION)
				to = del;
			else
				continue;
			ALLOC_GROW(to->v, to->nr + 1, to->alloc);
			to->v[to->nr++] = to == add ? dl->new_lineno :
				dl->old_lineno;
		}
	}
	git_patch_free(patch);
	return 0;
}

/* The file versions of delta @i of @diff, for pair @pi. */
static int delta_files(struct batch *b, git_repository *repo,
		       git_diff *diff, size_t i, size_t pi, const char *path)
{
	const git_diff_delta *d = git_diff_get_delta(diff, i);
	struct lines add = { 0 }, del = { 0 };
	struct cocci_ids names = { 0 }, pk = { 0 }, ck = { 0 };
	struct side ps, cs;
	int ret;

	memset(&ps, 0, sizeof(ps));
	memset(&cs, 0, sizeof(cs));
	ret = delta_lines(diff, i, &add, &del);
	if (!ret)
		ret = side_load(&ps, repo, &d->old_file.id, path);
	if (!ret)
		ret = side_load(&cs, repo, &d->new_file.id, path);
	if (!ret) {
		changed_names(&ps, &del, &names);
		changed_names(&cs, &add, &names);
		cocci_ids_sort(&names);
		if (side_names(&ps, &names, &pk))
			add_use(b, pi, false, path, &ps, &pk);
		if (side_names(&cs, &names, &ck))
			add_use(b, pi, true, path, &cs, &ck);
	}
	side_release(&ps);
	side_release(&cs);
	cocci_ids_release(&names);
	cocci_ids_release(&pk);
	cocci_ids_release(&ck);
	free(add.v);
	free(del.v);
	return ret;
}

static int commit_tree(git_tree **t, git_repository *repo, const git_oid *id)
{
	git_commit *c;
	int ret;

	if (git_commit_lookup(&c, repo, id))
		return error("cannot read commit %s: %s", git_oid_tostr_s(id),
			     git_error_last()->message);
	ret = git_commit_tree(t, c);
	git_commit_free(c);
	if (ret)
		return error("cannot read the tree of %s: %s",
			     git_oid_tostr_s(id), git_error_last()->message);
	return 0;
}

/* The reduced files of pair @pi: the .c files it changes, not in tools/. */
static int pair_files(struct batch *b, git_repository *repo, size_t pi)
{
	git_diff_options opts;
	git_tree *pt = NULL, *ct = NULL;
	git_diff *diff = NULL;
	size_t i, n;
	int ret;

	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.context_lines = 0;
	opts.interhunk_lines = 0;
	ret = commit_tree(&pt, repo, &b->p[pi]->parent);
	if (!ret)
		ret = commit_tree(&ct, repo, &b->p[pi]->child);
	if (!ret && git_diff_tree_to_tree(&diff, repo, pt, ct, &opts))
		ret = error("cannot diff: %s", git_error_last()->message);
	n = ret ? 0 : git_diff_num_deltas(diff);
	for (i = 0; !ret && i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *path = d->status == GIT_DELTA_DELETED ?
			d->old_file.path : d->new_file.path;

		if (!ends_with(path, ".c") || starts_with(path, "tools/") ||
		    (d->flags & GIT_DIFF_FLAG_BINARY))
			continue;
		ret = delta_files(b, repo, diff, i, pi, path);
	}
	git_diff_free(diff);
	git_tree_free(pt);
	git_tree_free(ct);
	return ret;
}

/* The spatch run of script @si over the files it may match, or false. */
static bool script_job(struct batch *b, size_t si, struct job *j)
{
	const struct cocci_script *s = &b->c->s[si];
	struct strbuf groups = STRBUF_INIT;
	char *gpath;
	size_t i, u;

	for (i = 0; i < b->nf; i++) {
		struct cfile *f = &b->f[i];

		if (!cocci_query_eval(s->query, &f->ids))
			continue;
		/* Each file a group: no rule binds across files. */
		sb_addf(&groups, "%s\n\n", f->tmp);
		for (u = 0; u < f->nuse; u++) {
			size_t pi = f->use[u].pair;

			if (b->last_script[pi] == si + 1)
				continue;
			b->last_script[pi] = si + 1;
			b->p[pi]->scripts_run++;
		}
	}
	if (!groups.len)
		return false;
	gpath = xasprintf("%s/groups-%zu", b->dir, si);
	if (write_file_atomic(gpath, groups.buf, groups.len))
		warning("cannot write %s: %s", gpath, strerror(errno));
	sb_release(&groups);
	spatch_argv(&j->argv, b->c);
	argv_push(&j->argv, "--very-quiet");
	argv_push(&j->argv, "--no-show-diff");
	argv_push(&j->argv, "--no-includes");
	for (i = 0; i < s->nopts; i++)
		argv_push(&j->argv, s->opts[i]);
	argv_push(&j->argv, "--cocci-file");
	argv_push(&j->argv, s->path);
	argv_push(&j->argv, "--file-groups");
	argv_push(&j->argv, gpath);
	free(gpath);
	return true;
}

/* The function of @f holding line @ln, or NULL. */
static const char *func_at(const struct cfile *f, unsigned int ln)
{
	size_t i;

	for (i = 0; i < f->nfn; i++)
		if (f->keep[i] && f->fn[i].first <= ln && ln <= f->fn[i].last)
			return f->fn[i].name;
	return NULL;
}

/* Give finding @msg in function @fn (or none) of @f to its sides. */
static void give(struct batch *b, const struct cocci_script *s,
		 const struct cfile *f, const char *fn, const char *msg)
{
	char *norm = cocci_norm_msg(msg);
	struct warning w = { .file = f->path };
	size_t u;

	w.msg = fn ? xasprintf("cocci: %s: %s(): %s", s->name, fn, norm) :
		xasprintf("cocci: %s: %s", s->name, norm);
	for (u = 0; u < f->nuse; u++) {
		const struct cuse *use = &f->use[u];

		if (fn && !cocci_ids_has(&use->names, fn, strlen(fn)))
			continue;
		wset_add(&b->ws[2 * use->pair + use->child], &w);
	}
	free(w.msg);
	free(norm);
}

/* Record the report line @line of script @s: true if it was one. */
static bool finding(struct batch *b, const struct cocci_script *s,
		    const char *line)
{
	unsigned int ln;
	char *path, *msg, *end;
	const char *rest;
	bool ok = false;

	if (!cocci_parse_report(line, &path, &ln, &msg))
		return false;
	if (skip_prefix(path, b->dir, &rest) && *rest++ == '/') {
		unsigned long idx = strtoul(rest, &end, 10);

		if (end != rest && *end == '/' && idx < b->nf) {
			const struct cfile *f = &b->f[idx];
			unsigned int orig = ln && ln <= f->map.nr ?
				f->map.v[ln - 1] : 0;

			/* Not on a prototype: they are only context. */
			if (orig)
				give(b, s, f, func_at(f, orig), msg);
			ok = true;
		}
	}
	free(path);
	free(msg);
	return ok;
}

/* Take the findings of script @si's run @j; -1 if spatch did not run. */
static int collect(struct batch *b, size_t si, const struct job *j,
		   const struct msg_sink *say)
{
	struct cocci_script *s = &b->c->s[si];
	const char *p = sb_str(&j->out);
	size_t found = 0;

	if (j->status == 127)
		return error("cannot run spatch");
	while (*p) {
		const char *nl = strchrnul(p, '\n');
		char *line = xstrndup(p, nl - p);

		found += finding(b, s, line);
		free(line);
		p = *nl ? nl + 1 : nl;
	}
	if (!j->status)
		return 0;
	if (!j->out.len) {
		msg_say(say, MSG_WARNING,
			"cocci: spatch rejects %s (status %d): skipped",
			s->name, j->status);
		s->broken = true;
	} else {
		msg_say(say, MSG_WARNING,
			"cocci: spatch ended with status %d on %s",
			j->status, s->name);
	}
	return 0;
}

/* Run every script that may match on the batch's files. */
static int run_scripts(struct batch *b, const struct msg_sink *say)
{
	struct cocci *c = b->c;
	struct job *j = xcalloc(c->nr, sizeof(*j));
	size_t *si = xcalloc(c->nr, sizeof(*si));
	size_t i, n = 0;
	int ret;

	for (i = 0; i < c->nr; i++) {
		if (c->s[i].broken || !script_job(b, i, &j[n]))
			continue;
		si[n++] = i;
	}
	ret = run_jobs(j, n, c->jobs, "script", say);
	for (i = 0; !ret && i < n; i++)
		ret = collect(b, si[i], &j[i], say);
	jobs_release(j, c->nr);
	free(si);
	return ret;
}

static void batch_release(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->nf; i++) {
		free(b->f[i].path);
		free(b->f[i].tmp);
		cocci_functions_release(b->f[i].fn, b->f[i].nfn);
		free(b->f[i].keep);
		free(b->f[i].map.v);
		cocci_ids_release(&b->f[i].ids);
		cocci_ids_release(&b->f[i].names);
		for (size_t u = 0; u < b->f[i].nuse; u++)
			cocci_ids_release(&b->f[i].use[u].names);
		free(b->f[i].use);
	}
	free(b->f);
	for (i = 0; i < 2 * b->np; i++)
		wset_release(&b->ws[i]);
	free(b->ws);
	free_strv(b->cache, b->np);
	free(b->p);
	free(b->last_script);
	if (b->dir)
		remove_tree(b->dir);
	free(b->dir);
}

/* Sort the pairs into those in the cache (filled) and @b's. */
static int batch_pairs(struct batch *b, git_repository *repo,
		       struct cocci_pair *p, size_t nr)
{
	size_t i;

	b->p = xcalloc(nr + 1, sizeof(*b->p));
	b->cache = xcalloc(nr + 1, sizeof(*b->cache));
	for (i = 0; i < nr; i++) {
		char *path = pair_cache_path(b->c, repo, &p[i]);

		p[i].cached = false;
		p[i].files = p[i].scripts_run = 0;
		if (!path)
			return error("cannot read commits %s and %s",
				     git_oid_tostr_s(&p[i].parent),
				     git_oid_tostr_s(&p[i].child));
		if (cache_load(path, &p[i])) {
			p[i].cached = true;
			free(path);
			continue;
		}
		b->cache[b->np] = path;
		b->p[b->np++] = &p[i];
	}
	b->ws = xcalloc(2 * b->np + 1, sizeof(*b->ws));
	b->last_script = xcalloc(b->np + 1, sizeof(*b->last_script));
	return 0;
}

static int batch_dir(struct batch *b)
{
	const char *tmp = getenv("TMPDIR");
	char *cdir = xasprintf("%s/cocci", b->c->cache);

	if (mkdir_p(cdir, 0777)) {
		error("cannot create %s: %s", cdir, strerror(errno));
		free(cdir);
		return -1;
	}
	free(cdir);
	b->dir = xasprintf("%s/kseries-cocci-XXXXXX", tmp && *tmp ? tmp :
			   "/tmp");
	if (!mkdtemp(b->dir)) {
		error("cannot create %s: %s", b->dir, strerror(errno));
		free(b->dir);
		b->dir = NULL;
		return -1;
	}
	return 0;
}

int cocci_pairs(struct cocci *c, git_repository *repo, struct cocci_pair *p,
		size_t nr, const struct msg_sink *say)
{
	struct batch b = { .c = c };
	size_t i;
	int ret = batch_pairs(&b, repo, p, nr);

	if (ret || !b.np)
		goto out;
	ret = batch_dir(&b);
	for (i = 0; !ret && i < b.np; i++)
		ret = pair_files(&b, repo, i);
	for (i = 0; !ret && i < b.nf; i++)
		ret = write_cfile(&b, repo, &b.f[i]);
	if (!ret)
		ret = run_scripts(&b, say);
	if (ret)
		goto out;
	for (i = 0; i < b.nf; i++)
		for (size_t u = 0; u < b.f[i].nuse; u++)
			b.p[b.f[i].use[u].pair]->files++;
	for (i = 0; i < b.np; i++) {
		wset_diff(&b.ws[2 * i], &b.ws[2 * i + 1], &b.p[i]->added,
			  &b.p[i]->fixed);
		cache_save(b.cache[i], b.p[i]);
	}
out:
	batch_release(&b);
	return ret;
}
