// SPDX-License-Identifier: GPL-2.0
/*
 * Patch coverage: gcov's JSON, the init's gcov frame, blame of the
 * series' lines and the reports. See coverage.h.
 */
#include "coverage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* A small JSON reader, enough for gcov's documents */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jv {
	enum jtype t;
	double num;
	char *str;
	struct jv *kids;	/* array elements or object values */
	char **keys;		/* object keys */
	size_t n, alloc;
};

struct jp {
	const char *p, *end;
	const char *err;
	int depth;
};

static void jv_release(struct jv *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		jv_release(&v->kids[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->kids);
	free(v->keys);
	free(v->str);
	memset(v, 0, sizeof(*v));
}

static void jp_ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
				 *j->p == '\n' || *j->p == '\r'))
		j->p++;
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

/* What the JSON escape \@c stands for (but \u), or -1. */
static int json_unescape(char c)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *p = c ? strchr(from, c) : NULL;

	return p ? to[p - from] : -1;
}

static int jp_string(struct jp *j, char **out)
{
	struct strbuf sb = STRBUF_INIT;

	j->p++;		/* the opening quote */
	while (j->p < j->end && *j->p != '"') {
		char c = *j->p++;

		if ((unsigned char)c < 0x20) {
			j->err = "control character in a string";
			goto fail;
		}
		if (c != '\\') {
			sb_addch(&sb, c);
			continue;
		}
		if (j->p >= j->end)
			break;
		c = *j->p++;
		switch (c) {
		case 'u': {
			unsigned int u = 0;
			int k;

			for (k = 0; k < 4; k++) {
				int h = j->p < j->end ? hexval(*j->p) : -1;

				if (h < 0) {
					j->err = "bad \\u escape";
					goto fail;
				}
				u = u * 16 + h;
				j->p++;
			}
			if (u < 0x80) {
				sb_addch(&sb, (char)u);
			} else if (u < 0x800) {
				sb_addch(&sb, (char)(0xc0 | (u >> 6)));
				sb_addch(&sb, (char)(0x80 | (u & 0x3f)));
			} else {
				sb_addch(&sb, (char)(0xe0 | (u >> 12)));
				sb_addch(&sb, (char)(0x80 | ((u >> 6) & 0x3f)));
				sb_addch(&sb, (char)(0x80 | (u & 0x3f)));
			}
			break;
		}
		default:
			if (json_unescape(c) < 0) {
				j->err = "bad escape in a string";
				goto fail;
			}
			sb_addch(&sb, json_unescape(c));
		}
	}
	if (j->p >= j->end) {
		j->err = "unterminated string";
		goto fail;
	}
	j->p++;
	if (!sb.buf)
		sb_addstr(&sb, "");
	*out = sb_detach(&sb);
	return 0;
fail:
	sb_release(&sb);
	return -1;
}

static int jp_value(struct jp *j, struct jv *v);

static int jp_container(struct jp *j, struct jv *v, bool obj)
{
	char close = obj ? '}' : ']';

	v->t = obj ? J_OBJ : J_ARR;
	j->p++;
	jp_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		return 0;
	}
	for (;;) {
		char *key = NULL;

		jp_ws(j);
		if (obj) {
			if (j->p >= j->end || *j->p != '"') {
				j->err = "expected a key";
				return -1;
			}
			if (jp_string(j, &key))
				return -1;
			jp_ws(j);
			if (j->p >= j->end || *j->p != ':') {
				free(key);
				j->err = "expected ':'";
				return -1;
			}
			j->p++;
		}
		ALLOC_GROW(v->kids, v->n + 1, v->alloc);
		if (obj) {
			v->keys = xrealloc(v->keys, v->alloc * sizeof(char *));
			v->keys[v->n] = key;
		}
		memset(&v->kids[v->n], 0, sizeof(v->kids[0]));
		v->n++;
		if (jp_value(j, &v->kids[v->n - 1]))
			return -1;
		jp_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == close) {
			j->p++;
			return 0;
		}
		j->err = obj ? "expected ',' or '}'" : "expected ',' or ']'";
		return -1;
	}
}

static int jp_value(struct jp *j, struct jv *v)
{
	int ret;

	jp_ws(j);
	if (j->p >= j->end) {
		j->err = "unexpected end";
		return -1;
	}
	if (++j->depth > 64) {
		j->err = "nested too deep";
		return -1;
	}
	switch (*j->p) {
	case '{':
	case '[':
		ret = jp_container(j, v, *j->p == '{');
		break;
	case '"':
		v->t = J_STR;
		ret = jp_string(j, &v->str);
		break;
	case 't':
	case 'f':
	case 'n': {
		static const char *const words[] = { "true", "false", "null" };
		size_t k;

		ret = -1;
		j->err = "bad literal";
		for (k = 0; k < ARRAY_SIZE(words); k++) {
			size_t l = strlen(words[k]);

			if ((size_t)(j->end - j->p) >= l &&
			    !strncmp(j->p, words[k], l)) {
				v->t = k == 2 ? J_NULL : J_BOOL;
				v->num = k == 0;
				j->p += l;
				ret = 0;
				break;
			}
		}
		break;
	}
	default: {
		char buf[64];
		size_t l = 0;
		char *e;

		while (j->p + l < j->end && l < sizeof(buf) - 1 &&
		       strchr("+-0123456789.eE", j->p[l]))
			l++;
		memcpy(buf, j->p, l);
		buf[l] = 0;
		v->t = J_NUM;
		v->num = strtod(buf, &e);
		ret = 0;
		if (!l || *e) {
			j->err = "bad value";
			ret = -1;
		}
		j->p += l;
	}
	}
	j->depth--;
	return ret;
}

static const struct jv *jv_get(const struct jv *v, const char *key)
{
	size_t i;

	if (!v || v->t != J_OBJ)
		return NULL;
	for (i = 0; i < v->n; i++)
		if (!strcmp(v->keys[i], key))
			return &v->kids[i];
	return NULL;
}

static double jv_num(const struct jv *v, const char *key)
{
	const struct jv *x = jv_get(v, key);

	return x && x->t == J_NUM && x->num > 0 ? x->num : 0;
}

static const char *jv_str(const struct jv *v, const char *key)
{
	const struct jv *x = jv_get(v, key);

	return x && x->t == J_STR ? x->str : NULL;
}

/* Paths */

char *cov_normalise_path(const char *path)
{
	char *copy = xstrdup(path), *save = NULL, *part;
	char **parts = NULL;
	size_t n = 0, alloc = 0, i;
	bool abs = path[0] == '/';
	struct strbuf sb = STRBUF_INIT;

	for (part = strtok_r(copy, "/", &save); part;
	     part = strtok_r(NULL, "/", &save)) {
		if (!strcmp(part, "."))
			continue;
		if (!strcmp(part, "..") && n && strcmp(parts[n - 1], "..")) {
			n--;
			continue;
		}
		if (!strcmp(part, "..") && abs)
			continue;
		ALLOC_GROW(parts, n + 1, alloc);
		parts[n++] = part;
	}
	if (abs)
		sb_addch(&sb, '/');
	for (i = 0; i < n; i++)
		sb_addf(&sb, "%s%s", i ? "/" : "", parts[i]);
	if (!sb.len)
		sb_addstr(&sb, abs ? "/" : ".");
	free(parts);
	free(copy);
	return sb_detach(&sb);
}

static char *relative_to(const char *path, const char *cwd, const char *tree)
{
	char *full = path[0] == '/' || !cwd ? xstrdup(path) :
			xasprintf("%s/%s", cwd, path);
	char *norm = cov_normalise_path(full);
	char *t = tree ? cov_normalise_path(tree) : NULL;
	const char *rest;

	free(full);
	if (t && skip_prefix(norm, t, &rest) && *rest == '/') {
		char *r = xstrdup(rest + 1);

		free(norm);
		norm = r;
	}
	free(t);
	return norm;
}

/* gcov data */

static struct cov_file *file_get(struct cov_data *d, const char *path)
{
	size_t i;

	for (i = 0; i < d->nr; i++)
		if (!strcmp(d->files[i].path, path))
			return &d->files[i];
	ALLOC_GROW(d->files, d->nr + 1, d->alloc);
	memset(&d->files[d->nr], 0, sizeof(d->files[0]));
	d->files[d->nr].path = xstrdup(path);
	return &d->files[d->nr++];
}

static int cmp_line(const void *a, const void *b)
{
	const struct cov_line *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

/* Sort the lines and add up duplicates. */
static void file_settle(struct cov_file *f)
{
	size_t i, o = 0;

	qsort(f->lines, f->nr_lines, sizeof(f->lines[0]), cmp_line);
	for (i = 0; i < f->nr_lines; i++) {
		if (o && f->lines[o - 1].line == f->lines[i].line) {
			f->lines[o - 1].count += f->lines[i].count;
			continue;
		}
		f->lines[o++] = f->lines[i];
	}
	f->nr_lines = o;
}

static void add_func(struct cov_file *f, const char *name, unsigned int start,
		     unsigned int end, uint64_t count)
{
	size_t i;

	for (i = 0; i < f->nr_funcs; i++) {
		struct cov_func *fn = &f->funcs[i];

		if (fn->start == start && !strcmp(fn->name, name)) {
			fn->count += count;
			if (end > fn->end)
				fn->end = end;
			return;
		}
	}
	ALLOC_GROW(f->funcs, f->nr_funcs + 1, f->alloc_funcs);
	f->funcs[f->nr_funcs].name = xstrdup(name);
	f->funcs[f->nr_funcs].start = start;
	f->funcs[f->nr_funcs].end = end;
	f->funcs[f->nr_funcs].count = count;
	f->nr_funcs++;
}

int cov_data_add_json(struct cov_data *d, const char *json, size_t len,
		      const char *tree, struct strbuf *err)
{
	struct jp j = { .p = json, .end = json + len };
	struct jv root = { 0 };
	const struct jv *files;
	const char *cwd;
	size_t i, k;

	if (jp_value(&j, &root)) {
		sb_addf(err, "not JSON: %s at byte %zu", j.err,
			(size_t)(j.p - json));
		jv_release(&root);
		return -1;
	}
	files = jv_get(&root, "files");
	if (root.t != J_OBJ || !files || files->t != J_ARR) {
		sb_addstr(err, "not gcov's JSON: no \"files\" array");
		jv_release(&root);
		return -1;
	}
	cwd = jv_str(&root, "current_working_directory");
	for (i = 0; i < files->n; i++) {
		const struct jv *fj = &files->kids[i];
		const struct jv *lines = jv_get(fj, "lines");
		const struct jv *funcs = jv_get(fj, "functions");
		const char *name = jv_str(fj, "file");
		struct cov_file *f;
		char *rel;

		if (!name)
			continue;
		rel = relative_to(name, cwd, tree);
		f = file_get(d, rel);
		free(rel);
		for (k = 0; lines && lines->t == J_ARR && k < lines->n; k++) {
			const struct jv *l = &lines->kids[k];
			double no = jv_num(l, "line_number");

			if (no < 1)
				continue;
			ALLOC_GROW(f->lines, f->nr_lines + 1, f->alloc_lines);
			f->lines[f->nr_lines].line = (unsigned int)no;
			f->lines[f->nr_lines].count = (uint64_t)jv_num(l, "count");
			f->nr_lines++;
		}
		for (k = 0; funcs && funcs->t == J_ARR && k < funcs->n; k++) {
			const struct jv *fn = &funcs->kids[k];
			const char *fname = jv_str(fn, "name");

			if (!fname)
				continue;
			add_func(f, fname, (unsigned int)jv_num(fn, "start_line"),
				 (unsigned int)jv_num(fn, "end_line"),
				 (uint64_t)jv_num(fn, "execution_count"));
		}
		file_settle(f);
	}
	jv_release(&root);
	return 0;
}

const struct cov_file *cov_data_find(const struct cov_data *d,
				     const char *path)
{
	size_t i;

	for (i = 0; i < d->nr; i++)
		if (!strcmp(d->files[i].path, path))
			return &d->files[i];
	return NULL;
}

void cov_data_release(struct cov_data *d)
{
	size_t i, k;

	for (i = 0; i < d->nr; i++) {
		struct cov_file *f = &d->files[i];

		for (k = 0; k < f->nr_funcs; k++)
			free(f->funcs[k].name);
		free(f->funcs);
		free(f->lines);
		free(f->path);
	}
	free(d->files);
	memset(d, 0, sizeof(*d));
}

/* The init's frame */

static const char *find_line(const char *text, const char *end,
			     const char *prefix)
{
	size_t l = strlen(prefix);
	const char *p = text;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);

		if ((size_t)(end - p) >= l && !memcmp(p, prefix, l))
			return p;
		if (!nl)
			break;
		p = nl + 1;
	}
	return NULL;
}

int cov_frame_decode(const char *text, size_t len, struct strbuf *out,
		     unsigned int *nr_files, struct strbuf *err)
{
	const char *end = text + len, *begin, *stop, *p;
	size_t bad;

	begin = find_line(text, end, "ks-gcov: begin");
	if (!begin) {
		const char *none = find_line(text, end, "ks-gcov: none ");

		if (none) {
			const char *nl = memchr(none, '\n', end - none);

			none += strlen("ks-gcov: none ");
			sb_add(err, none, nl ? (size_t)(nl - none) :
					       (size_t)(end - none));
			sb_rtrim(err);
		} else {
			sb_addstr(err, "no gcov data from the guest (no \"ks-gcov: begin\")");
		}
		return -1;
	}
	p = memchr(begin, '\n', end - begin);
	p = p ? p + 1 : end;
	stop = find_line(p, end, "ks-gcov: end ");
	if (!stop) {
		sb_addstr(err, "the guest's gcov data is cut short (no \"ks-gcov: end\")");
		return -1;
	}
	*nr_files = (unsigned int)strtoul(stop + strlen("ks-gcov: end "),
					  NULL, 10);
	if (base64_decode(out, p, stop - p, true, &bad)) {
		sb_addf(err, "not base64: byte 0x%02x in the gcov data",
			(unsigned char)p[bad]);
		return -1;
	}
	if (!out->buf)
		sb_addstr(out, "");
	return 0;
}

/* Makefile marks */

static void push_unique(char ***out, size_t *nr, char *s)
{
	size_t i;

	for (i = 0; i < *nr; i++) {
		if (!strcmp((*out)[i], s)) {
			free(s);
			return;
		}
	}
	*out = xrealloc(*out, (*nr + 2) * sizeof(char *));
	(*out)[(*nr)++] = s;
	(*out)[*nr] = NULL;
}

void cov_profile_marks(char *const *paths, size_t nr, char ***out,
		       size_t *nr_out)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		const char *p = paths[i], *slash;

		if (!ends_with(p, ".c"))
			continue;
		if (starts_with(p, "arch/x86/kvm/") ||
		    starts_with(p, "virt/kvm/")) {
			push_unique(out, nr_out,
				    xstrdup("arch/x86/kvm/Makefile\tGCOV_PROFILE := y"));
			continue;
		}
		/* Userspace, other architectures, top-level files: not ours. */
		if (starts_with(p, "tools/") || starts_with(p, "scripts/") ||
		    starts_with(p, "Documentation/") || starts_with(p, "samples/") ||
		    (starts_with(p, "arch/") && !starts_with(p, "arch/x86/")))
			continue;
		slash = strrchr(p, '/');
		if (!slash)
			continue;
		push_unique(out, nr_out,
			    xasprintf("%.*s/Makefile\tGCOV_PROFILE_%.*s.o := y",
				      (int)(slash - p), p,
				      (int)(strlen(slash + 1) - 2), slash + 1));
	}
}

/* Added lines */

const char *cov_state_name(enum cov_state s)
{
	static const char *const names[] = {
		[CS_EXECUTED] = "executed",
		[CS_NOT_EXECUTED] = "not executed",
		[CS_NOT_CODE] = "not code",
		[CS_NO_DATA] = "no data",
	};

	return s < ARRAY_SIZE(names) ? names[s] : "?";
}

void cov_added_push(struct cov_added_set *s, const char *path,
		    unsigned int line, size_t patch, const char *text,
		    size_t text_len)
{
	struct cov_added *a;

	ALLOC_GROW(s->l, s->nr + 1, s->alloc);
	a = &s->l[s->nr++];
	memset(a, 0, sizeof(*a));
	a->path = xstrdup(path);
	a->line = line;
	a->patch = patch;
	a->text = text ? xstrndup(text, text_len) : xstrdup("");
	a->state = CS_NO_DATA;
}

void cov_added_release(struct cov_added_set *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++) {
		free(s->l[i].path);
		free(s->l[i].text);
	}
	free(s->l);
	memset(s, 0, sizeof(*s));
}

bool cov_is_source(const char *path)
{
	return ends_with(path, ".c") || ends_with(path, ".h") ||
	       ends_with(path, ".S");
}

static const struct cov_line *find_cov_line(const struct cov_file *f,
					    unsigned int line)
{
	struct cov_line key = { .line = line };

	return bsearch(&key, f->lines, f->nr_lines, sizeof(key), cmp_line);
}

void cov_classify(struct cov_added_set *s, const struct cov_data *d)
{
	size_t i;

	for (i = 0; i < s->nr; i++) {
		struct cov_added *a = &s->l[i];
		const struct cov_file *f;
		const struct cov_line *l;

		a->count = 0;
		if (!cov_is_source(a->path) || starts_with(a->path, "tools/") ||
		    starts_with(a->path, "Documentation/")) {
			a->state = CS_NOT_CODE;
			continue;
		}
		f = cov_data_find(d, a->path);
		if (!f) {
			/*
			 * A header none of whose lines any profiled unit
			 * compiled has no code here; a C file gcov does not
			 * know was not built or not profiled.
			 */
			a->state = ends_with(a->path, ".h") ? CS_NOT_CODE :
							      CS_NO_DATA;
			continue;
		}
		l = find_cov_line(f, a->line);
		if (!l) {
			a->state = CS_NOT_CODE;
			continue;
		}
		a->count = l->count;
		a->state = l->count ? CS_EXECUTED : CS_NOT_EXECUTED;
	}
}

/* Blame */

static int blob_at(git_repository *repo, const git_oid *commit,
		   const char *path, git_blob **blob)
{
	git_commit *c = NULL;
	git_tree *t = NULL;
	git_tree_entry *e = NULL;
	int ret;

	*blob = NULL;
	ret = git_commit_lookup(&c, repo, commit);
	if (!ret)
		ret = git_commit_tree(&t, c);
	if (!ret)
		ret = git_tree_entry_bypath(&e, t, path);
	if (!ret && git_tree_entry_type(e) == GIT_OBJECT_BLOB)
		ret = git_blob_lookup(blob, repo, git_tree_entry_id(e));
	else if (!ret)
		ret = GIT_ENOTFOUND;
	git_tree_entry_free(e);
	git_tree_free(t);
	git_commit_free(c);
	return ret;
}

static void lg2_msg(struct strbuf *err, const char *what)
{
	const git_error *e = git_error_last();

	sb_addf(err, "%s: %s", what, e && e->message ? e->message :
		"libgit2 error");
}

int cov_blame_file(git_repository *repo, const git_oid *base,
		   const git_oid *tip, const git_oid *commits, size_t nr,
		   const char *path, struct cov_added_set *s,
		   struct strbuf *err)
{
	git_blame_options opts;
	git_blame *blame = NULL;
	git_blob *blob = NULL;
	const char *text, *end, *p;
	const char **starts = NULL;
	size_t nr_lines = 0, alloc = 0, h, n;
	int ret;

	ret = blob_at(repo, tip, path, &blob);
	if (ret == GIT_ENOTFOUND)
		return 0;
	if (ret) {
		lg2_msg(err, path);
		return -1;
	}
	text = git_blob_rawcontent(blob);
	end = text + git_blob_rawsize(blob);
	for (p = text; p < end;) {
		const char *nl = memchr(p, '\n', end - p);

		ALLOC_GROW(starts, nr_lines + 2, alloc);
		starts[nr_lines++] = p;
		p = nl ? nl + 1 : end;
	}
	ALLOC_GROW(starts, nr_lines + 1, alloc);
	starts[nr_lines] = end;

	git_blame_options_init(&opts, GIT_BLAME_OPTIONS_VERSION);
	opts.newest_commit = *tip;
	opts.oldest_commit = *base;
	opts.flags = GIT_BLAME_FIRST_PARENT;
	if (git_blame_file(&blame, repo, path, &opts)) {
		lg2_msg(err, path);
		ret = -1;
		goto out;
	}
	n = git_blame_get_hunk_count(blame);
	for (h = 0; h < n; h++) {
		const git_blame_hunk *hk = git_blame_get_hunk_byindex(blame, h);
		size_t idx, k;

		if (!hk)
			continue;
		for (idx = 0; idx < nr; idx++)
			if (git_oid_equal(&commits[idx], &hk->final_commit_id))
				break;
		if (idx == nr)
			continue;	/* the base's, or not ours */
		for (k = 0; k < hk->lines_in_hunk; k++) {
			size_t line = hk->final_start_line_number + k;
			const char *ls, *le;

			if (line < 1 || line > nr_lines)
				continue;
			ls = starts[line - 1];
			le = starts[line];
			if (le > ls && le[-1] == '\n')
				le--;
			cov_added_push(s, path, (unsigned int)line, idx, ls,
				       le - ls);
		}
	}
	ret = 0;
out:
	git_blame_free(blame);
	git_blob_free(blob);
	free(starts);
	return ret;
}

int cov_changed_paths(git_repository *repo, const git_oid *base,
		      const git_oid *tip, char ***paths, size_t *nr,
		      struct strbuf *err)
{
	git_commit *cb = NULL, *ct = NULL;
	git_tree *tb = NULL, *tt = NULL;
	git_diff *diff = NULL;
	size_t i, n, alloc = 0;
	int ret = -1;

	*paths = NULL;
	*nr = 0;
	if (git_commit_lookup(&cb, repo, base) ||
	    git_commit_lookup(&ct, repo, tip) ||
	    git_commit_tree(&tb, cb) || git_commit_tree(&tt, ct) ||
	    git_diff_tree_to_tree(&diff, repo, tb, tt, NULL)) {
		lg2_msg(err, "the series' diff");
		goto out;
	}
	n = git_diff_num_deltas(diff);
	for (i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (d->status == GIT_DELTA_DELETED)
			continue;
		ALLOC_GROW(*paths, *nr + 2, alloc);
		(*paths)[(*nr)++] = xstrdup(d->new_file.path);
		(*paths)[*nr] = NULL;
	}
	if (*nr)
		qsort(*paths, *nr, sizeof(char *), cmp_strp);
	ret = 0;
out:
	git_diff_free(diff);
	git_tree_free(tb);
	git_tree_free(tt);
	git_commit_free(cb);
	git_commit_free(ct);
	return ret;
}

/* The report */

double cov_percent(const struct cov_stat *st)
{
	return st->executable ? 100.0 * st->executed / st->executable : -1;
}

static void stat_never(struct cov_stat *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->nr_never; i++)
		if (!strcmp(st->never[i], name))
			return;
	ALLOC_GROW(st->never, st->nr_never + 1, st->alloc_never);
	st->never[st->nr_never++] = xstrdup(name);
}

static void stat_add(struct cov_stat *st, const struct cov_added *a)
{
	st->added++;
	switch (a->state) {
	case CS_EXECUTED:
		st->executable++;
		st->executed++;
		break;
	case CS_NOT_EXECUTED:
		st->executable++;
		break;
	case CS_NOT_CODE:
		st->not_code++;
		break;
	case CS_NO_DATA:
		st->no_data++;
		break;
	}
}

static void stat_release(struct cov_stat *st)
{
	size_t i;

	for (i = 0; i < st->nr_never; i++)
		free(st->never[i]);
	free(st->never);
	memset(st, 0, sizeof(*st));
}

void cov_report_build(struct cov_report *r, const struct cov_added_set *s,
		      const struct cov_data *d, char *const *names,
		      char *const *topics, size_t nr)
{
	size_t i, k, alloc_topics = 0;

	memset(r, 0, sizeof(*r));
	r->patches = xcalloc(nr + 1, sizeof(*r->patches));
	r->nr_patches = nr;
	for (i = 0; i < nr; i++) {
		const char *t = topics && topics[i] ? topics[i] : NULL;
		struct cov_topic *last = r->nr_topics ?
			&r->topics[r->nr_topics - 1] : NULL;

		r->patches[i].name = xstrdup(names[i]);
		r->patches[i].topic = t ? xstrdup(t) : NULL;
		if (!last || strcmp(last->name, t ? t : "(none)")) {
			ALLOC_GROW(r->topics, r->nr_topics + 1, alloc_topics);
			last = &r->topics[r->nr_topics++];
			memset(last, 0, sizeof(*last));
			last->name = xstrdup(t ? t : "(none)");
			last->first = i;
		}
		last->nr++;
	}
	for (i = 0; i < s->nr; i++) {
		const struct cov_added *a = &s->l[i];
		struct cov_patch *p;
		struct cov_topic *t = NULL;
		const struct cov_file *f;

		if (a->patch >= nr)
			continue;
		p = &r->patches[a->patch];
		for (k = 0; k < r->nr_topics; k++)
			if (a->patch >= r->topics[k].first &&
			    a->patch < r->topics[k].first + r->topics[k].nr)
				t = &r->topics[k];
		stat_add(&p->st, a);
		if (t)
			stat_add(&t->st, a);
		stat_add(&r->total, a);
		if (a->state != CS_NOT_EXECUTED || !d)
			continue;
		f = cov_data_find(d, a->path);
		for (k = 0; f && k < f->nr_funcs; k++) {
			const struct cov_func *fn = &f->funcs[k];

			if (fn->count || a->line < fn->start ||
			    a->line > fn->end)
				continue;
			stat_never(&p->st, fn->name);
			if (t)
				stat_never(&t->st, fn->name);
			stat_never(&r->total, fn->name);
		}
	}
}

void cov_report_release(struct cov_report *r)
{
	size_t i;

	for (i = 0; i < r->nr_patches; i++) {
		free(r->patches[i].name);
		free(r->patches[i].topic);
		stat_release(&r->patches[i].st);
	}
	for (i = 0; i < r->nr_topics; i++) {
		free(r->topics[i].name);
		stat_release(&r->topics[i].st);
	}
	free(r->patches);
	free(r->topics);
	stat_release(&r->total);
	memset(r, 0, sizeof(*r));
}

static void text_row(struct strbuf *out, const char *indent,
		     const char *name, const struct cov_stat *st)
{
	double pc = cov_percent(st);
	int w = 50 - (int)strlen(indent);

	sb_addf(out, "%s%-*.*s %6zu %6zu %6zu ", indent, w, w, name,
		st->added, st->executable, st->executed);
	if (pc < 0)
		sb_addf(out, "%7s", "-");
	else
		sb_addf(out, "%6.1f%%", pc);
	sb_addf(out, " %7zu\n", st->no_data);
}

static void text_never(struct strbuf *out, const struct cov_stat *st)
{
	size_t i, shown = st->nr_never < 6 ? st->nr_never : 6;

	if (!st->nr_never)
		return;
	sb_addstr(out, "      never entered: ");
	for (i = 0; i < shown; i++)
		sb_addf(out, "%s%s", i ? ", " : "", st->never[i]);
	if (shown < st->nr_never)
		sb_addf(out, " and %zu more", st->nr_never - shown);
	sb_addch(out, '\n');
}

void cov_report_text(struct strbuf *out, const struct cov_report *r)
{
	size_t i, k;

	sb_addf(out, "%-50s %6s %6s %6s %7s %7s\n", "TOPIC / PATCH", "ADDED",
		"CODE", "RUN", "RUN%", "NODATA");
	for (i = 0; i < r->nr_topics; i++) {
		const struct cov_topic *t = &r->topics[i];

		text_row(out, "", t->name, &t->st);
		for (k = t->first; k < t->first + t->nr; k++) {
			text_row(out, "  ", r->patches[k].name,
				 &r->patches[k].st);
			text_never(out, &r->patches[k].st);
		}
	}
	text_row(out, "", "total", &r->total);
	sb_addstr(out, "ADDED: lines the patch adds; CODE: of them, executable (gcov); RUN: executed\n"
		  "by the selftests; NODATA: in C files not built or not profiled here.\n");
}

/* The counts of @st, as members of @o. */
static void json_stat(json_t *o, const struct cov_stat *st)
{
	double pc = cov_percent(st);
	json_t *never = json_array();
	size_t i;

	json_object_set_new(o, "added", json_integer(st->added));
	json_object_set_new(o, "executable", json_integer(st->executable));
	json_object_set_new(o, "executed", json_integer(st->executed));
	json_object_set_new(o, "not_code", json_integer(st->not_code));
	json_object_set_new(o, "no_data", json_integer(st->no_data));
	json_object_set_new(o, "percent",
			    pc < 0 ? json_null() : json_round(pc, 1));
	for (i = 0; i < st->nr_never; i++)
		json_array_append_new(never, json_text(st->never[i]));
	json_object_set_new(o, "never_entered", never);
}

void cov_report_json(struct strbuf *out, const struct cov_report *r,
		     const json_t *meta)
{
	json_t *doc = meta ? json_deep_copy(meta) : json_object();
	json_t *patches = json_array(), *topics = json_array();
	json_t *total = json_object();
	size_t i;

	for (i = 0; i < r->nr_patches; i++) {
		const struct cov_patch *p = &r->patches[i];
		json_t *o = json_pack("{s:I,s:o,s:o}",
				"index", (json_int_t)i + 1,
				"name", json_text(p->name),
				"topic", p->topic ? json_text(p->topic) :
						    json_null());

		json_stat(o, &p->st);
		json_array_append_new(patches, o);
	}
	for (i = 0; i < r->nr_topics; i++) {
		const struct cov_topic *t = &r->topics[i];
		json_t *o = json_pack("{s:o,s:I,s:I}",
				"name", json_text(t->name),
				"first", (json_int_t)t->first + 1,
				"patches", (json_int_t)t->nr);

		json_stat(o, &t->st);
		json_array_append_new(topics, o);
	}
	json_stat(total, &r->total);
	json_object_set_new(doc, "patches", patches);
	json_object_set_new(doc, "topics", topics);
	json_object_set_new(doc, "total", total);
	json_dump_sb(doc, out);
	sb_addch(out, '\n');
	json_decref(doc);
}

static void html_esc(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			sb_addstr(out, "&lt;");
		else if (*s == '>')
			sb_addstr(out, "&gt;");
		else if (*s == '&')
			sb_addstr(out, "&amp;");
		else if (*s == '"')
			sb_addstr(out, "&quot;");
		else
			sb_addch(out, *s);
	}
}

static void html_row(struct strbuf *out, const char *cls, const char *link,
		     const char *name, const struct cov_stat *st)
{
	double pc = cov_percent(st);

	sb_addf(out, "<tr class=\"%s\"><td>", cls);
	if (link)
		sb_addf(out, "<a href=\"#%s\">", link);
	html_esc(out, name);
	if (link)
		sb_addstr(out, "</a>");
	sb_addf(out, "</td><td>%zu</td><td>%zu</td><td>%zu</td><td>",
		st->added, st->executable, st->executed);
	if (pc < 0)
		sb_addstr(out, "-");
	else
		sb_addf(out, "%.1f%%", pc);
	sb_addf(out, "</td><td>%zu</td></tr>\n", st->no_data);
}

void cov_report_html(struct strbuf *out, const struct cov_report *r,
		     const struct cov_added_set *s, const char *title)
{
	static const char *const cls[] = {
		[CS_EXECUTED] = "x", [CS_NOT_EXECUTED] = "u",
		[CS_NOT_CODE] = "c", [CS_NO_DATA] = "d",
	};
	size_t i, k;

	sb_addstr(out, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>");
	html_esc(out, title);
	sb_addstr(out, "</title>\n<style>\n"
		  "body{font-family:sans-serif;margin:1em 2em}\n"
		  "table{border-collapse:collapse}td,th{padding:2px 8px;text-align:right}\n"
		  "td:first-child,th:first-child{text-align:left}\n"
		  "tr.t{font-weight:bold;background:#eee}tr.p td:first-child{padding-left:2em}\n"
		  "pre{font-size:12px;line-height:1.3}\n"
		  ".x{background:#cfc}.u{background:#fbb}.c{color:#777}.d{background:#eee;color:#555}\n"
		  "</style></head><body>\n<h1>");
	html_esc(out, title);
	sb_addstr(out, "</h1>\n<p>Every line the series adds, by the patch that added it: "
		  "<span class=\"x\">executed</span>, <span class=\"u\">not executed</span>, "
		  "<span class=\"c\">not code</span>, <span class=\"d\">no data</span> "
		  "(a C file not built or not profiled in this configuration).</p>\n"
		  "<table><tr><th>topic / patch</th><th>added</th><th>code</th>"
		  "<th>run</th><th>run %</th><th>no data</th></tr>\n");
	for (i = 0; i < r->nr_topics; i++) {
		const struct cov_topic *t = &r->topics[i];

		html_row(out, "t", NULL, t->name, &t->st);
		for (k = t->first; k < t->first + t->nr; k++) {
			char link[32];

			snprintf(link, sizeof(link), "p%zu", k + 1);
			html_row(out, "p", link, r->patches[k].name,
				 &r->patches[k].st);
		}
	}
	html_row(out, "t", NULL, "total", &r->total);
	sb_addstr(out, "</table>\n");
	for (i = 0; i < r->nr_patches; i++) {
		const struct cov_patch *p = &r->patches[i];
		const char *last = NULL;

		sb_addf(out, "<h2 id=\"p%zu\">", i + 1);
		html_esc(out, p->name);
		sb_addf(out, "</h2>\n<p>%zu lines added, %zu executable, %zu executed",
			p->st.added, p->st.executable, p->st.executed);
		if (p->st.nr_never) {
			sb_addstr(out, "; never entered: ");
			for (k = 0; k < p->st.nr_never; k++) {
				sb_addstr(out, k ? ", <code>" : "<code>");
				html_esc(out, p->st.never[k]);
				sb_addstr(out, "</code>");
			}
		}
		sb_addstr(out, "</p>\n");
		for (k = 0; k < s->nr; k++) {
			const struct cov_added *a = &s->l[k];

			if (a->patch != i)
				continue;
			if (!last || strcmp(last, a->path)) {
				if (last)
					sb_addstr(out, "</pre>\n");
				sb_addstr(out, "<h3>");
				html_esc(out, a->path);
				sb_addstr(out, "</h3>\n<pre>");
				last = a->path;
			}
			sb_addf(out, "<span class=\"%s\">%6u ", cls[a->state],
				a->line);
			if (a->state == CS_EXECUTED || a->state == CS_NOT_EXECUTED)
				sb_addf(out, "%8llu ", (unsigned long long)a->count);
			else
				sb_addf(out, "%8s ", "");
			html_esc(out, a->text);
			sb_addstr(out, "</span>\n");
		}
		if (last)
			sb_addstr(out, "</pre>\n");
	}
	sb_addstr(out, "</body></html>\n");
}
