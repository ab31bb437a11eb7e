// SPDX-License-Identifier: GPL-2.0
/*
 * kseries import: take a series from a mailbox into patches/ and series.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cmd.h"
#include "lib/tree.h"
#include "lib/fmtpatch.h"
#include "lib/mbox.h"
#include "lib/series.h"
#include "lib/thread.h"

const char cmd_import_usage[] =
	"kseries import - take a posted series from a mailbox into the project\n"
	"\n"
	"usage: kseries import [--tree DIR] [--dry-run] MBOX\n"
	"\n"
	"Reads MBOX (an mbox as mail clients, lore or `b4 mbox` write it, mboxo\n"
	"or mboxrd; the patchwork series mbox; or a single mail), finds the\n"
	"newest version of the series in it and writes its patches, in order,\n"
	"as patches/NNNN-subject.patch (git format-patch files) and the series\n"
	"file listing them. Reviewed-by:, Acked-by: and Tested-by: lines of\n"
	"replies are added to the patch they answer; those given to the cover\n"
	"letter to every patch. A patch whose subject matches one of the\n"
	"current series keeps its file name and the comment and topic lines\n"
	"above it in the series file.\n"
	"\n"
	"Refuses, and changes nothing, when the mailbox holds no series, a\n"
	"series for another project (a subject tag such as kvm-unit-tests or\n"
	"QEMU, or files outside the Linux tree), an incomplete one (patch k of\n"
	"N missing) or a malformed mail. patches/ and series are replaced\n"
	"together: a failure leaves both as they were.\n"
	"\n"
	"    --tree DIR   the kernel tree, to check the patches' paths against\n"
	"                 (default $KSERIES_TREE or <cache>/src; without one the\n"
	"                 paths are checked against the kernel's top level)\n"
	"    --dry-run    say what would be written, write nothing\n"
	"\n"
	"Exit status: 0 imported; 1 refused for what the mailbox holds (no\n"
	"complete kernel series in it, a malformed mail); 2 failed (the\n"
	"mailbox or tree cannot be read, patches/ cannot be written); 129\n"
	"usage error. Nothing is changed unless it exits 0.\n";

static bool tree_path(void *data, const char *path)
{
	struct krepo *t = data;
	const char *s1, *s2;
	char *dir;
	bool ok;

	if (!thread_kernel_path_guess(NULL, path))
		return false;
	if (!t->repo || !t->has_base)
		return true;
	s1 = strchr(path, '/');
	if (!s1)
		return true;
	s2 = strchr(s1 + 1, '/');
	dir = xstrndup(path, s2 ? s2 - path : s1 - path);
	ok = krepo_base_has(t, dir);
	free(dir);
	return ok;
}

static int write_all(const char *path, const struct strbuf *sb)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	FILE *f;
	int ret = 0;

	if (slash) {
		*slash = '\0';
		mkdir_p(dir, 0755);
	}
	free(dir);
	f = fopen(path, "w");
	if (!f)
		return error("cannot write %s: %s", path, strerror(errno));
	if (fwrite(sb->buf, 1, sb->len, f) != sb->len)
		ret = error("cannot write %s: %s", path, strerror(errno));
	if (fclose(f))
		ret = error("cannot write %s: %s", path, strerror(errno));
	return ret;
}

/* The old entry with the same subject, or -1. */
static ssize_t old_entry(const struct series *old, char **subjects,
			 const char *subject, bool *used)
{
	size_t i;

	for (i = 0; i < old->nr; i++)
		if (!used[i] && subjects[i] && !strcmp(subjects[i], subject))
			return i;
	return -1;
}

/* Whether @name is already in @new, or an old name kept for later. */
static bool name_taken(const struct series *new, const struct series *old,
		       const bool *used, const char *name)
{
	size_t i;

	for (i = 0; i < new->nr; i++)
		if (!strcmp(new->entries[i].name, name))
			return true;
	for (i = 0; i < old->nr; i++)
		if (!used[i] && !strcmp(old->entries[i].name, name))
			return true;
	return false;
}

static char *subject_of(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	struct patch p;
	char *s = NULL;

	if (!read_file(path, &sb) &&
	    !patch_parse(&p, path, sb.buf, sb.len, NULL)) {
		s = xstrdup(p.subject);
		patch_release(&p);
	}
	sb_release(&sb);
	return s;
}

/*
 * Put @tmp_dir in place of @dir and @tmp_file in place of @file, both or
 * neither.
 */
static int swap_in(const char *tmp_dir, const char *dir,
		   const char *tmp_file, const char *file)
{
	bool had_dir = is_dir(dir);

	if (had_dir) {
		if (renameat2(AT_FDCWD, tmp_dir, AT_FDCWD, dir,
			      RENAME_EXCHANGE))
			return error("cannot replace %s: %s", dir,
				     strerror(errno));
	} else if (rename(tmp_dir, dir)) {
		return error("cannot create %s: %s", dir, strerror(errno));
	}
	if (rename(tmp_file, file)) {
		int e = errno;

		if (had_dir)
			renameat2(AT_FDCWD, tmp_dir, AT_FDCWD, dir,
				  RENAME_EXCHANGE);
		else
			rename(dir, tmp_dir);
		return error("cannot replace %s: %s", file, strerror(e));
	}
	return 0;
}

/* -1 to go on, else the exit status (0 after --help, 129 usage error). */
static int parse_args(int argc, char **argv, const char **tree,
		      const char **mbox, bool *dry_run)
{
	const struct option options[] = {
		OPT_STRING_F(0, "tree", tree, PARSE_OPT_NONEMPTY),
		OPT_BOOL('n', "dry-run", dry_run),
		OPT_END(),
	};
	int n = cmd_parse_options(argc, argv, options, 0, cmd_import_usage);

	if (n < 0)
		return cmd_parse_status(n);
	if (n > 1)
		return usage_error(cmd_import_usage, "one mailbox at a time");
	if (!n)
		return usage_error(cmd_import_usage, "which mailbox?");
	*mbox = argv[0];
	return -1;
}

/*
 * The series' patches as files in @tmp_dir (NULL: only say what would be
 * written) and as entries of @new, keeping the names, topics and comments
 * of the patches of @old with the same subjects (@subjects; @used marks
 * them taken). Adds the review trailers taken to *@trailers.
 */
static int write_patches(const struct thread_series *ts,
			 const struct series *old, char **subjects, bool *used,
			 struct series *new, const char *tmp_dir,
			 size_t *trailers)
{
	struct strbuf out = STRBUF_INIT;
	int ret = -1;
	size_t i;

	for (i = 0; i < (size_t)ts->total; i++) {
		const struct thread_patch *tp = &ts->patches[i];
		ssize_t o = old_entry(old, subjects, tp->patch.subject, used);
		char *name, *path;

		sb_reset(&out);
		thread_patch_file(ts, i, &out);
		if (o >= 0) {
			used[o] = true;
			name = xstrdup(old->entries[o].name);
			series_add(new, name, old->entries[o].topic,
				   old->entries[o].pre);
		} else {
			name = patch_file_name(i + 1, tp->patch.subject);
			if (name_taken(new, old, used, name)) {
				/* an old file name kept by another patch */
				char *dot = strrchr(name, '.'), *n2;

				n2 = xasprintf("%.*s-%zu.patch",
					       (int)(dot - name), name, i + 1);
				free(name);
				name = n2;
			}
			series_add(new, name, NULL, NULL);
		}
		*trailers += tp->nr_trailers;
		if (!tmp_dir) {
			printf("would write patches/%s%s\n", name,
			       tp->nr_trailers ? " (with review trailers)" : "");
		} else {
			path = path_join(tmp_dir, name);
			if (write_all(path, &out)) {
				free(path);
				free(name);
				goto out;
			}
			free(path);
		}
		free(name);
	}
	ret = 0;
out:
	sb_release(&out);
	return ret;
}

int cmd_import(int argc, char **argv)
{
	const char *tree_opt = NULL, *mbox_path = NULL;
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	struct thread_series ts = { 0 };
	struct series old = { 0 }, new = { 0 };
	struct mbox mb = { 0 };
	struct krepo t = { 0 };
	char *series_path = NULL, *patches_dir = NULL, *tmp_dir = NULL;
	char *tmp_series = NULL, **subjects = NULL;
	bool dry_run = false, have_tree = false, *used = NULL;
	size_t i, trailers = 0;
	int ret = 1;

	ret = parse_args(argc, argv, &tree_opt, &mbox_path, &dry_run);
	if (ret >= 0)
		return ret;
	/* What the mailbox holds is a finding (1); the rest is 2. */
	ret = 2;
	if (!krepo_open_ext(&t, tree_opt, KREPO_MAIL, &err)) {
		have_tree = true;
	} else if (tree_opt) {
		error("%s", err.buf);
		goto out;
	}
	sb_reset(&err);
	if (access(mbox_path, R_OK)) {
		error("cannot read %s: %s; nothing imported", mbox_path,
		      strerror(errno));
		goto out;
	}
	if (mbox_read(&mb, mbox_path, &err)) {
		error("%s: %s; nothing imported", mbox_path, err.buf);
		ret = 1;
		goto out;
	}
	if (thread_find_series(&mb, tree_path, &t, &ts, &err)) {
		error("%s: %s", mbox_path, err.buf);
		ret = 1;
		goto out;
	}

	series_path = project_path("series");
	patches_dir = project_path("patches");
	if (series_load(&old, series_path, patches_dir))
		goto out;
	subjects = xcalloc(old.nr + 1, sizeof(*subjects));
	used = xcalloc(old.nr + 1, sizeof(*used));
	for (i = 0; i < old.nr; i++) {
		char *p = series_patch_path(&old, i);

		subjects[i] = subject_of(p);
		free(p);
	}

	tmp_dir = xasprintf("%s.import.%d", patches_dir, (int)getpid());
	tmp_series = xasprintf("%s.import.%d", series_path, (int)getpid());
	remove_tree(tmp_dir);
	if (!dry_run && mkdir_p(tmp_dir, 0755)) {
		error("cannot create %s: %s", tmp_dir, strerror(errno));
		goto out;
	}
	memset(&new, 0, sizeof(new));
	if (write_patches(&ts, &old, subjects, used, &new,
			  dry_run ? NULL : tmp_dir, &trailers))
		goto out;
	new.tail = xstrdup(old.tail ? old.tail : "");
	sb_reset(&out);
	series_format(&new, &out);
	for (i = 0; i < ts.nr_notes; i++)
		note("%s", ts.notes[i]);
	if (dry_run) {
		printf("would write series:\n%s", out.buf);
		ret = 0;
		goto out;
	}
	if (write_all(tmp_series, &out) ||
	    swap_in(tmp_dir, patches_dir, tmp_series, series_path))
		goto out;
	printf("imported v%d of '%s': %d patch%s, %zu review trailer%s added\n",
	       ts.version, ts.title, ts.total, ts.total == 1 ? "" : "es",
	       trailers, trailers == 1 ? "" : "s");
	ret = 0;
out:
	if (tmp_dir)
		remove_tree(tmp_dir);
	if (tmp_series)
		unlink(tmp_series);
	for (i = 0; subjects && i < old.nr; i++)
		free(subjects[i]);
	free(subjects);
	free(used);
	free(tmp_dir);
	free(tmp_series);
	free(series_path);
	free(patches_dir);
	series_release(&old);
	series_release(&new);
	thread_series_release(&ts);
	mbox_release(&mb);
	if (have_tree)
		krepo_close(&t);
	sb_release(&err);
	sb_release(&out);
	return ret;
}
