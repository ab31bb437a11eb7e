// SPDX-License-Identifier: GPL-2.0
/*
 * One commit's result: its text form in the cache and back, the cache
 * key of a tree, and the cache itself (<cache>/check/KE/Y...).
 */
#include "check.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-int.h"
#include "hash.h"

#define CACHE_MAGIC	"kseries-check 1"

static void check_test_release(struct check_test *t)
{
	free(t->name);
	free(t->reason);
	free(t->output);
}

void check_result_release(struct check_result *r)
{
	size_t i;

	free(r->subject);
	free(r->errors);
	wset_release(&r->warnings);
	free(r->evidence);
	for (i = 0; i < r->nr_tests; i++)
		check_test_release(&r->tests[i]);
	free(r->tests);
	free(r->log);
	memset(r, 0, sizeof(*r));
}

const struct check_test *check_result_test(const struct check_result *r,
					   const char *name)
{
	size_t i;

	for (i = 0; i < r->nr_tests; i++)
		if (!strcmp(r->tests[i].name, name))
			return &r->tests[i];
	return NULL;
}

/* The cache's text form: one "key value" a line, values escaped. */

static void add_escaped(struct strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\\')
			sb_addstr(sb, "\\\\");
		else if (*s == '\n')
			sb_addstr(sb, "\\n");
		else if (*s == '\t')
			sb_addstr(sb, "\\t");
		else
			sb_addch(sb, *s);
	}
}

/* Unescape @len bytes at @s. */
static char *unescape(const char *s, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len) {
			i++;
			sb_addch(&sb, s[i] == 'n' ? '\n' : s[i] == 't' ? '\t' :
				 s[i]);
		} else {
			sb_addch(&sb, s[i]);
		}
	}
	if (!sb.buf)
		sb_addstr(&sb, "");
	return sb_detach(&sb);
}

static enum test_status status_from_name(const char *name)
{
	int s;

	for (s = TS_NOTRUN; s <= TS_CRASH; s++)
		if (!strcmp(test_status_name(s), name))
			return s;
	return TS_NOTRUN;
}

static enum vm_verdict verdict_from_name(const char *name)
{
	int v;

	for (v = VV_OK; v <= VV_INCOMPLETE; v++)
		if (!strcmp(vm_verdict_name(v), name))
			return v;
	return VV_INCOMPLETE;
}

void check_result_format(const struct check_result *r, struct strbuf *out)
{
	size_t i;

	sb_addstr(out, CACHE_MAGIC "\n");
	sb_addf(out, "commit %s\n", r->commit);
	sb_addstr(out, "subject ");
	add_escaped(out, r->subject);
	sb_addch(out, '\n');
	sb_addf(out, "build %s %.3f %u\n", check_build_name(r->build),
		r->make_secs, r->compiled);
	if (r->image[0])
		sb_addf(out, "image %s\n", r->image);
	if (r->log) {
		sb_addstr(out, "log ");
		add_escaped(out, r->log);
		sb_addch(out, '\n');
	}
	if (r->errors) {
		sb_addstr(out, "errors ");
		add_escaped(out, r->errors);
		sb_addch(out, '\n');
	}
	for (i = 0; i < r->warnings.nr; i++) {
		sb_addstr(out, "warning ");
		add_escaped(out, r->warnings.w[i].file);
		sb_addch(out, '\t');
		add_escaped(out, r->warnings.w[i].msg);
		sb_addch(out, '\n');
	}
	if (r->booted)
		sb_addf(out, "boot %s %.3f %u %u\n",
			vm_verdict_name(r->verdict), r->boot_secs, r->boots,
			r->retries);
	if (r->same_build[0])
		sb_addf(out, "same-build %s\n", r->same_build);
	if (r->accel[0])
		sb_addf(out, "accel %s\n", r->accel);
	if (r->reused)
		sb_addstr(out, "reused\n");
	if (r->evidence) {
		sb_addstr(out, "evidence ");
		add_escaped(out, r->evidence);
		sb_addch(out, '\n');
	}
	for (i = 0; i < r->nr_tests; i++) {
		const struct check_test *t = &r->tests[i];

		sb_addf(out, "test %s %s %.3f ", t->name,
			test_status_name(t->status), t->secs);
		add_escaped(out, t->reason);
		sb_addch(out, '\t');
		add_escaped(out, t->output);
		sb_addch(out, '\n');
	}
	sb_addf(out, "total %.3f\n", r->total_secs);
}

struct check_test *check_add_test(struct check_result *r,
				   const char *name)
{
	struct check_test *t;

	ALLOC_GROW(r->tests, r->nr_tests + 1, r->alloc_tests);
	t = &r->tests[r->nr_tests++];
	memset(t, 0, sizeof(*t));
	t->name = xstrdup(name);
	t->secs = -1;
	return t;
}

/* One line of the cache text; -1 if malformed. */
static int parse_line(struct check_result *r, const char *line)
{
	const char *v;
	char word[32];
	double d;
	unsigned int a, b;

	if (skip_prefix(line, "commit ", &v)) {
		if (strlen(v) != 40)
			return -1;
		memcpy(r->commit, v, 41);
	} else if (skip_prefix(line, "subject ", &v)) {
		free(r->subject);
		r->subject = unescape(v, strlen(v));
	} else if (skip_prefix(line, "build ", &v)) {
		if (sscanf(v, "%31s %lf %u", word, &d, &a) != 3)
			return -1;
		r->build = !strcmp(word, "ok") ? CB_OK :
			   !strcmp(word, "FAIL") ? CB_FAIL : CB_NOTRUN;
		r->make_secs = d;
		r->compiled = a;
	} else if (skip_prefix(line, "image ", &v)) {
		if (strlen(v) != 64)
			return -1;
		memcpy(r->image, v, 65);
	} else if (skip_prefix(line, "same-build ", &v)) {
		if (strlen(v) != 40)
			return -1;
		memcpy(r->same_build, v, 41);
	} else if (skip_prefix(line, "accel ", &v)) {
		if (strcmp(v, "kvm") && strcmp(v, "tcg"))
			return -1;
		snprintf(r->accel, sizeof(r->accel), "%s", v);
	} else if (skip_prefix(line, "log ", &v)) {
		free(r->log);
		r->log = unescape(v, strlen(v));
	} else if (skip_prefix(line, "errors ", &v)) {
		free(r->errors);
		r->errors = unescape(v, strlen(v));
	} else if (skip_prefix(line, "warning ", &v)) {
		const char *tab = strchr(v, '\t');
		struct warning w;

		if (!tab)
			return -1;
		w.file = unescape(v, tab - v);
		w.msg = unescape(tab + 1, strlen(tab + 1));
		wset_add(&r->warnings, &w);
		warning_release(&w);
	} else if (skip_prefix(line, "boot ", &v)) {
		if (sscanf(v, "%31s %lf %u %u", word, &d, &a, &b) != 4)
			return -1;
		r->booted = true;
		r->verdict = verdict_from_name(word);
		r->boot_secs = d;
		r->boots = a;
		r->retries = b;
	} else if (skip_prefix(line, "evidence ", &v)) {
		free(r->evidence);
		r->evidence = unescape(v, strlen(v));
	} else if (skip_prefix(line, "test ", &v)) {
		char name[256], st[32];
		int n = 0;
		struct check_test *t;
		const char *rest, *tab;

		if (sscanf(v, "%255s %31s %lf%n", name, st, &d, &n) != 3 ||
		    v[n] != ' ')
			return -1;
		rest = v + n + 1;
		tab = strchr(rest, '\t');
		if (!tab)
			return -1;
		t = check_add_test(r, name);
		t->status = status_from_name(st);
		t->secs = d;
		if (tab > rest)
			t->reason = unescape(rest, tab - rest);
		if (tab[1])
			t->output = unescape(tab + 1, strlen(tab + 1));
	} else if (!strcmp(line, "reused")) {
		r->reused = true;
	} else if (skip_prefix(line, "total ", &v)) {
		r->total_secs = atof(v);
	} else if (line[0]) {
		return -1;
	}
	return 0;
}

int check_result_parse(struct check_result *r, const char *text)
{
	const char *p;

	memset(r, 0, sizeof(*r));
	if (!starts_with(text, CACHE_MAGIC "\n"))
		return -1;
	p = text + strlen(CACHE_MAGIC) + 1;
	while (*p) {
		const char *nl = strchr(p, '\n');
		char *line = xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
		int bad = parse_line(r, line);

		free(line);
		if (bad) {
			check_result_release(r);
			return -1;
		}
		p = nl ? nl + 1 : p + strlen(p);
	}
	if (!r->commit[0]) {
		check_result_release(r);
		return -1;
	}
	return 0;
}

void check_key(const struct check_ctx *c, const char *tree_id,
	       const struct check_suite *suite, char key[65])
{
	unsigned char sum[32];
	struct hash_ctx h;

	sha256_init(&h);
	hash_update(&h, CACHE_MAGIC, strlen(CACHE_MAGIC) + 1);
	hash_update(&h, "tree", 5);
	hash_update(&h, tree_id, strlen(tree_id) + 1);
	hash_update(&h, c->inputs, 64);
	if (c->static_checks && c->reach) {
		/* Sparse's findings are those of the objects in its reach. */
		const struct kbuild_reach *r = c->reach;
		size_t i;

		hash_update(&h, r->all ? "reach all" : "reach", 10);
		for (i = 0; i < r->nr_paths; i++)
			hash_update(&h, r->paths[i], strlen(r->paths[i]) + 1);
		hash_update(&h, "names", 6);
		for (i = 0; i < r->nr_names; i++)
			hash_update(&h, r->names[i], strlen(r->names[i]) + 1);
		hash_update(&h, "dirs", 5);
		for (i = 0; i < r->nr_dirs; i++)
			hash_update(&h, r->dirs[i], strlen(r->dirs[i]) + 1);
	}
	if (suite)
		hash_update(&h, suite->digest, 64);
	else
		hash_update(&h, "build-only", 11);
	hash_final(&h, sum);
	hex_encode(key, sum, 32);
}

int check_tree_of(git_repository *repo, const git_oid *commit, char out[41])
{
	git_commit *c = NULL;

	out[0] = '\0';
	if (git_commit_lookup(&c, repo, commit))
		return error("no commit %s: %s", git_oid_tostr_s(commit),
			     lg2_err());
	git_oid_tostr(out, 41, git_commit_tree_id(c));
	git_commit_free(c);
	return 0;
}

static char *cache_file(const struct check_ctx *c, const char *key)
{
	return xasprintf("%s/%.2s/%s", c->cache_dir, key, key + 2);
}

int check_cache_load(const struct check_ctx *c, const char *key,
		     struct check_result *r)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = cache_file(c, key);
	int ret = -1;

	if (!read_file(path, &sb)) {
		ret = check_result_parse(r, sb.buf);
		if (ret)
			warning("%s: not a check result; ignored", path);
		else
			r->cached = true;
	}
	if (!ret && r->accel[0] && strcmp(r->accel, check_accel(c))) {
		/* Its guest fell back to another accelerator. */
		check_result_release(r);
		ret = -1;
	}
	sb_release(&sb);
	free(path);
	return ret;
}

int check_cache_store(const struct check_ctx *c, const char *key,
		      const struct check_result *r)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = cache_file(c, key);
	char *dir = xstrndup(path, strrchr(path, '/') - path);
	int ret;

	check_result_format(r, &sb);
	mkdir_p(dir, 0755);
	ret = write_file_atomic(path, sb.buf, sb.len);
	if (ret)
		warning("cannot write %s: %s", path, strerror(errno));
	sb_release(&sb);
	free(path);
	free(dir);
	return ret;
}
