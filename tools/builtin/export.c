// SPDX-License-Identifier: GPL-2.0
/*
 * kseries export: write the branch's commits back to patches/ + series.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "lib/cmd.h"
#include "lib/fmtpatch.h"
#include "lib/patch.h"
#include "lib/series.h"
#include "lib/tree.h"
#include "lib/util.h"

const char cmd_export_usage[] =
	"kseries export - write the branch's commits back to patches/ and series\n"
	"\n"
	"usage: kseries export [--repo DIR] [--base REV] [--branch REV]\n"
	"                      [--series FILE] [--patches DIR]\n"
	"\n"
	"Writes one patch file, patches/NNNN-<subject>.patch, for each commit\n"
	"from the base to the branch (first parents, oldest first) and\n"
	"rewrites 'series' to list them. The patches are 'git format-patch'\n"
	"mails (accepted by 'git am' and checkpatch.pl) written the same way\n"
	"every time: zero commit id on the From line, '[PATCH] subject',\n"
	"diffstat, diff, fixed signature. So 'kseries apply' followed by\n"
	"'kseries export' leaves patches/ byte-identical.\n"
	"\n"
	"The comment lines of 'series' ('# topic: NAME - text' and others)\n"
	"stay with the entry they preceded, matched by subject. Patch files no\n"
	"longer in the series are removed. patches/ is written as a whole into\n"
	"a temporary directory and renamed into place, so a failure leaves it\n"
	"as it was.\n"
	"\n"
	"    --repo DIR     export from the git repository DIR\n"
	"                   (default: the kernel tree, <cache>/src)\n"
	"    --base REV     the commit the series starts on (default: base)\n"
	"    --branch REV   the last commit of the series (default: series)\n"
	"    --series FILE  the series file (default: <project>/series)\n"
	"    --patches DIR  the patches directory (default: <project>/patches)\n"
	"\n"
	"Exit status: 0 written, 2 failure (nothing changed), 129 usage.\n";

struct old_entry {
	char *subject;		/* of its patch file, NULL if unreadable */
	bool used;
	size_t out;		/* the new entry that took its place */
};

static char *patch_subject(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	struct patch p;
	char *s = NULL;

	if (read_file(path, &sb))
		return NULL;
	if (!patch_parse(&p, path, sb.buf, sb.len, NULL)) {
		s = xstrdup(p.subject);
		patch_release(&p);
	}
	sb_release(&sb);
	return s;
}

static int resolve(git_repository *repo, const char *rev, git_oid *out)
{
	git_object *obj = NULL;

	if (git_revparse_single(&obj, repo, rev)) {
		git_object *o2 = NULL;
		char *full = xasprintf("%s^{commit}", rev);
		int r = git_revparse_single(&o2, repo, full);

		free(full);
		if (r)
			return error("unknown revision '%s': %s", rev,
				     lg2_err());
		obj = o2;
	} else {
		git_object *peeled = NULL;

		if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT)) {
			git_object_free(obj);
			return error("'%s' is not a commit", rev);
		}
		git_object_free(obj);
		obj = peeled;
	}
	git_oid_cpy(out, git_object_id(obj));
	git_object_free(obj);
	return 0;
}

/*
 * The commits base..tip along first parents, oldest first, each with one
 * parent: a merge, or a root reached before the base, cannot be exported.
 */
static int first_parent_chain(struct krepo *t, const git_oid *base,
			      const git_oid *tip, git_commit ***list,
			      size_t *nr)
{
	git_commit **l, *c;
	git_oid *ids, bad;
	size_t n, i;

	if (krepo_linear_chain(t, base, tip, &ids, &n, &bad)) {
		if (git_commit_lookup(&c, t->repo, &bad))
			return -1;
		error("commit %.12s (\"%s\") %s; cannot export it as a patch",
		      git_oid_tostr_s(&bad), git_commit_summary(c),
		      git_commit_parentcount(c) ? "is a merge" :
		      "has no parent: the base is not an ancestor of the branch");
		git_commit_free(c);
		return -1;
	}
	l = xcalloc(n + 1, sizeof(*l));
	for (i = 0; i < n; i++) {
		if (git_commit_lookup(&l[i], t->repo, &ids[i])) {
			while (i--)
				git_commit_free(l[i]);
			free(l);
			free(ids);
			return -1;
		}
	}
	free(ids);
	*list = l;
	*nr = n;
	return 0;
}

/* Keep the files of @old that are not patches (a README, say). */
static int carry_other_files(const char *old, const char *tmp)
{
	struct dirent *de;
	DIR *d = opendir(old);
	int ret = 0;

	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d))) {
		char *a, *b;

		if (de->d_name[0] == '.' || ends_with(de->d_name, ".patch"))
			continue;
		a = path_join(old, de->d_name);
		b = path_join(tmp, de->d_name);
		if (link(a, b) && errno != EEXIST)
			ret = error("cannot keep %s: %s", a, strerror(errno));
		free(a);
		free(b);
	}
	closedir(d);
	return ret;
}

/* How many files of @dir named in @names differ from @tmp's. */
static void count_changes(const char *dir, const char *tmp,
			  char *const *names, size_t n, size_t *same,
			  size_t *changed, size_t *added)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
		char *pa = path_join(dir, names[i]);
		char *pb = path_join(tmp, names[i]);

		if (read_file(pa, &a))
			(*added)++;
		else if (!read_file(pb, &b) && a.len == b.len &&
			 !memcmp(a.buf, b.buf, a.len))
			(*same)++;
		else
			(*changed)++;
		sb_release(&a);
		sb_release(&b);
		free(pa);
		free(pb);
	}
}

static int swap_dirs(const char *dir, const char *tmp)
{
	char *old = xasprintf("%s.old-%d", dir, (int)getpid());
	bool had = is_dir(dir);

	if (had && rename(dir, old)) {
		error("cannot move %s aside: %s", dir, strerror(errno));
		free(old);
		return -1;
	}
	if (rename(tmp, dir)) {
		error("cannot rename %s to %s: %s", tmp, dir, strerror(errno));
		if (had)
			rename(old, dir);
		free(old);
		return -1;
	}
	if (had)
		remove_tree(old);
	free(old);
	return 0;
}

struct export_opts {
	const char *repo_dir, *base_rev, *branch_rev, *series, *patches;
};

/* -1 to go on, else the exit status (0 after --help, 129 usage error). */
static int parse_args(int argc, char **argv, struct export_opts *o)
{
	const struct option options[] = {
		OPT_STRING(0, "repo", &o->repo_dir),
		OPT_STRING(0, "base", &o->base_rev),
		OPT_STRING(0, "branch", &o->branch_rev),
		OPT_STRING(0, "series", &o->series),
		OPT_STRING(0, "patches", &o->patches),
		OPT_END(),
	};
	int n = cmd_parse_options(argc, argv, options, 0, cmd_export_usage);

	if (n < 0)
		return cmd_parse_status(n);
	if (n > 0)
		return usage_error(cmd_export_usage, "unknown argument '%s'",
				   argv[0]);
	return -1;
}

/*
 * The old entry of the @i-th commit, whose summary is @subject: the same
 * subject, else the same position. NULL for a new one.
 */
static const struct series_entry *old_match(const struct series *s,
					    struct old_entry *old, size_t i,
					    const char *subject)
{
	size_t j;

	for (j = 0; j < s->nr; j++)
		if (!old[j].used && old[j].subject && subject &&
		    !strcmp(old[j].subject, subject))
			break;
	if (j == s->nr) {
		if (i >= s->nr || old[i].used ||
		    (old[i].subject && subject &&
		     strcmp(old[i].subject, subject)))
			return NULL;
		j = i;
	}
	old[j].used = true;
	old[j].out = i;
	return &s->entries[j];
}

/*
 * Write @commits as patch files into @tmp (their names into @names) and
 * their entries into @out, keeping the topics and comments of @s.
 */
static int write_patches(git_repository *repo, git_commit **commits,
			 size_t nr, const char *tmp, char **names,
			 const struct series *s, struct old_entry *old,
			 struct series *out)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int ret = -1;

	for (i = 0; i < nr; i++) {
		const char *subject = git_commit_summary(commits[i]);
		const struct series_entry *match;
		char *path;

		sb_reset(&sb);
		if (format_patch(repo, commits[i], &sb))
			goto out;
		names[i] = patch_file_name(i + 1, subject ? subject : "");
		path = path_join(tmp, names[i]);
		if (write_file_atomic(path, sb.buf, sb.len)) {
			error("cannot write %s: %s", path, strerror(errno));
			free(path);
			goto out;
		}
		free(path);
		match = old_match(s, old, i, subject);
		if (match)
			series_add(out, names[i], match->topic, match->pre);
		else
			series_add(out, names[i],
				   i ? out->entries[i - 1].topic : NULL, NULL);
	}
	ret = 0;
out:
	sb_release(&sb);
	return ret;
}

/* Comments of entries that went away move to the next one kept. */
static void move_comments(const struct series *s, const struct old_entry *old,
			  struct series *out)
{
	struct strbuf orphan = STRBUF_INIT;
	size_t i;

	for (i = 0; i < s->nr; i++) {
		struct series_entry *e;

		if (!old[i].used) {
			sb_addstr(&orphan, s->entries[i].pre);
			continue;
		}
		if (!orphan.len)
			continue;
		e = &out->entries[old[i].out];
		sb_addstr(&orphan, e->pre);
		free(e->pre);
		e->pre = sb_detach(&orphan);
	}
	out->tail = xasprintf("%s%s", sb_str(&orphan), s->tail ? s->tail : "");
	sb_release(&orphan);
}

/* How many entries of @s are not among the @nr new @names. */
static size_t count_removed(const struct series *s, char **names, size_t nr)
{
	size_t i, j, removed = 0;

	for (i = 0; i < s->nr; i++) {
		for (j = 0; j < nr; j++)
			if (!strcmp(s->entries[i].name, names[j]))
				break;
		removed += j == nr;
	}
	return removed;
}

int cmd_export(int argc, char **argv)
{
	struct export_opts o = {
		.base_rev = "refs/tags/" TREE_TAG,
		.branch_rev = "refs/heads/" TREE_BRANCH,
	};
	char *series_path = NULL, *patches = NULL, *tmp = NULL;
	struct old_entry *old = NULL;
	struct krepo repo = { 0 };
	git_commit **commits = NULL;
	char **names = NULL;
	struct strbuf sb = STRBUF_INIT;
	struct series s, out;
	size_t nr = 0, i, same = 0, changed = 0, added = 0;
	git_oid base, tip;
	int ret;

	ret = parse_args(argc, argv, &o);
	if (ret >= 0)
		return ret;
	ret = 2;
	memset(&s, 0, sizeof(s));
	memset(&out, 0, sizeof(out));
	series_path = o.series ? xstrdup(o.series) : project_path("series");
	patches = o.patches ? xstrdup(o.patches) : project_path("patches");
	if (krepo_open_ext(&repo, o.repo_dir, KREPO_ANY_BASE | KREPO_SEARCH,
			   &sb)) {
		error("%s", sb.buf);
		goto out;
	}
	if (resolve(repo.repo, o.base_rev, &base) ||
	    resolve(repo.repo, o.branch_rev, &tip) ||
	    first_parent_chain(&repo, &base, &tip, &commits, &nr))
		goto out;
	if (series_load(&s, series_path, patches))
		goto out;
	old = xcalloc(s.nr + 1, sizeof(*old));
	for (i = 0; i < s.nr; i++) {
		char *p = series_patch_path(&s, i);

		old[i].subject = patch_subject(p);
		free(p);
	}

	tmp = xasprintf("%s.tmp-%d", patches, (int)getpid());
	remove_tree(tmp);
	if (mkdir_p(tmp, 0755)) {
		error("cannot create %s: %s", tmp, strerror(errno));
		goto out;
	}
	names = xcalloc(nr + 1, sizeof(*names));
	out.path = xstrdup(series_path);
	out.dir = xstrdup(patches);
	if (write_patches(repo.repo, commits, nr, tmp, names, &s, old, &out))
		goto out;
	move_comments(&s, old, &out);

	if (carry_other_files(patches, tmp))
		goto out;
	count_changes(patches, tmp, names, nr, &same, &changed, &added);
	series_format(&out, &sb);
	if (swap_dirs(patches, tmp))
		goto out;
	if (write_file_atomic(series_path, sb.buf, sb.len)) {
		error("cannot write %s: %s", series_path, strerror(errno));
		goto out;
	}
	{
		char b[GIT_OID_HEXSZ + 1], t[GIT_OID_HEXSZ + 1];

		git_oid_tostr(b, sizeof(b), &base);
		git_oid_tostr(t, sizeof(t), &tip);
		note("export: %zu patches (%.12s..%.12s) to %s: %zu unchanged, %zu changed, %zu new, %zu removed",
		     nr, b, t, patches, same, changed, added,
		     count_removed(&s, names, nr));
	}
	ret = 0;
out:
	if (tmp && path_exists(tmp))
		remove_tree(tmp);
	free(tmp);
	for (i = 0; i < nr; i++) {
		git_commit_free(commits[i]);
		if (names)
			free(names[i]);
	}
	for (i = 0; old && i < s.nr; i++)
		free(old[i].subject);
	free(old);
	free(names);
	free(commits);
	series_release(&s);
	series_release(&out);
	sb_release(&sb);
	free(series_path);
	free(patches);
	krepo_close(&repo);
	return ret;
}
