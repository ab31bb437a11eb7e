// SPDX-License-Identifier: GPL-2.0
/*
 * kseries rebase: move the series to a new base.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cmd.h"
#include "lib/fetch.h"
#include "lib/json.h"
#include "lib/kernel.h"
#include "lib/rebase.h"
#include "lib/util.h"

const char cmd_rebase_usage[] =
	"kseries rebase - move the series to a new base\n"
	"\n"
	"usage: kseries rebase --to PIN|VERSION [--from FILE] [--pin FILE] [--json]\n"
	"       kseries rebase --to VERSION --print-pin\n"
	"       kseries rebase --continue | --skip | --abort [--json]\n"
	"\n"
	"Imports the new base into the kernel tree (<cache>/src) over the old\n"
	"one: only files that changed become new objects. Then replays every\n"
	"patch of the series on it and says what each one did:\n"
	"\n"
	"    clean     applies where its hunks say\n"
	"    moved     applies with offsets (by how many lines, per hunk)\n"
	"    merged    needed a three-way merge (old base, new base, the\n"
	"              patch) that resolved by itself\n"
	"    already   the new base has the change: the patch is dropped from\n"
	"              'series', with the hunks found present as evidence\n"
	"    conflict  the merge leaves conflicts: the rebase stops\n"
	"\n"
	"At a conflict the conflicted files are in the work tree with diff3\n"
	"markers (the new base's side, the old base's and the patch's), HEAD\n"
	"is detached at the new series so far and the index holds the\n"
	"conflict. Edit the files, then --continue; or --skip to drop the\n"
	"patch; or --abort to put everything back as it was (branch, tag,\n"
	"HEAD, work tree, index, pin, series and patches/).\n"
	"\n"
	"At the end branch 'series' and tag 'base' point at the new series\n"
	"and base, kernel-overlay/pin names the new base (with its\n"
	"base-commit), patches/ and series are exported, and a range-diff of\n"
	"the series says what changed in each patch beyond line numbers (also\n"
	"written to <out>/rebase/range-diff.txt and .json).\n"
	"\n"
	"The state is kept in <cache>/src/.git/kseries-rebase; a rebase killed\n"
	"at any point is finished by --continue or undone by --abort.\n"
	"\n"
	"    --to PIN       the new base: a pin file (kernel-overlay/pin's\n"
	"                   format), or a version (5.10.262) looked up in\n"
	"                   Debian's source index of --suite with apt\n"
	"    --suite NAME   for a version: the suite (bullseye-security)\n"
	"    --print-pin    print the new pin (as looked up) and stop\n"
	"    --from FILE    the new base's tarball from FILE instead of apt\n"
	"    --pin FILE     the current pin (default kernel-overlay/pin)\n"
	"    --continue     go on after resolving a conflict (or a kill)\n"
	"    --skip         drop the patch that conflicts and go on\n"
	"    --abort        undo the whole rebase\n"
	"    --json         the range-diff as JSON on stdout (at a stop: the\n"
	"                   patch, its conflicts and the patches done)\n"
	"\n"
	"Exit status: 0 done (or aborted), 1 stopped at a conflict or a\n"
	"rebase is already in progress, 2 the rebase could not be done, 129\n"
	"usage error.\n";

struct rebase_cmd {
	const char *to, *from, *pin_file, *suite;
	bool cont, skip, abort, json, print_pin;
	struct rb_project proj;
	char *pin_path, *series_path, *patches_dir;
};

/* The pin @text with its base-commit set to @base. */
static char *pin_text(const char *text, const git_oid *base)
{
	struct strbuf out = STRBUF_INIT;
	const char *p = text, *nl;
	bool done = false;

	for (; *p; p = nl ? nl + 1 : p + strlen(p)) {
		const char *s = p;

		nl = strchr(p, '\n');
		while (*s == ' ' || *s == '\t')
			s++;
		if (starts_with(s, "base-commit") &&
		    (isspace((unsigned char)s[11]) || s[11] == '=')) {
			sb_addf(&out, "base-commit = %s\n",
				git_oid_tostr_s(base));
			done = true;
			continue;
		}
		sb_add(&out, p, nl ? (size_t)(nl - p + 1) : strlen(p));
		if (!nl)
			sb_addch(&out, '\n');
	}
	if (!done) {
		sb_addstr(&out, "# The commit 'kseries apply' makes of the tarball (fixed author, date =\n"
			  "# newest mtime in the tarball): the same on every machine.\n");
		sb_addf(&out, "base-commit = %s\n", git_oid_tostr_s(base));
	}
	return sb_detach(&out);
}

static bool is_version(const char *s)
{
	if (!isdigit((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s) && *s != '.' && *s != '-' &&
		    *s != '+' && *s != '~')
			return false;
	return true;
}

/* The new pin: a file, or a version looked up in Debian's index. */
static int new_pin(struct rebase_cmd *c, struct pin *np, struct strbuf *text)
{
	char *tmp = NULL;
	int ret = -1;

	if (!path_exists(c->to) && is_version(c->to)) {
		struct strbuf err = STRBUF_INIT;

		note("rebase: looking up linux %s in Debian's %s source index",
		     c->to, c->suite);
		if (fetch_pin_for_version(c->suite, "linux", c->to, text,
					  &err)) {
			error("%s", err.buf);
			sb_release(&err);
			return -1;
		}
		sb_release(&err);
		tmp = out_path("rebase/pin.looked-up");
		{
			char *dir = out_path("rebase");

			mkdir_p(dir, 0755);
			free(dir);
		}
		if (write_file_atomic(tmp, text->buf, text->len)) {
			error("cannot write %s: %s", tmp, strerror(errno));
			goto out;
		}
		ret = pin_load(np, tmp);
		goto out;
	}
	if (read_file(c->to, text)) {
		error("cannot read the pin %s: %s", c->to, strerror(errno));
		goto out;
	}
	ret = pin_load(np, c->to);
out:
	free(tmp);
	return ret;
}

static void print_done(const struct rb_state *st, size_t from)
{
	size_t i;

	for (i = from; i < st->next && i < st->nr; i++) {
		const struct rb_entry *e = &st->e[i];

		note("rebase: %-8s %s", rb_status_name(e->status), e->name);
	}
}

static void print_stop(struct krepo *t, const struct rb_state *st)
{
	const struct rb_entry *e = &st->e[st->next];
	char *patch = xasprintf("%s/patches.orig/%s", st->dir, e->name);

	error("patch %zu of %zu, %s, conflicts with %s:", st->next + 1,
	      st->nr, e->name, st->new_name);
	fprintf(stderr, "%s", e->detail ? e->detail : "");
	fprintf(stderr,
		"The conflict is in the work tree %s: HEAD is detached at the\n"
		"new series so far; 'git -C %s diff --cached' shows the merge\n"
		"with its markers (<<<<<<< the new base, ||||||| the old base,\n"
		">>>>>>> the patch). The patch: %s\n"
		"Edit the files, then 'kseries rebase --continue'; or --skip to\n"
		"drop this patch, --abort to undo the rebase.\n",
		t->dir, t->dir, patch);
	free(patch);
}

/* A stop as JSON: the patches done, the one stopped at, its conflicts. */
static void print_stop_json(const struct rb_state *st)
{
	const struct rb_entry *e = &st->e[st->next];
	struct strbuf sb = STRBUF_INIT;
	json_t *doc, *done = json_array();
	size_t i;

	for (i = 0; i < st->next; i++)
		json_array_append_new(done, json_pack("{s:o,s:s}",
				"name", json_text(st->e[i].name),
				"status", rb_status_name(st->e[i].status)));
	doc = json_pack("{s:o,s:I,s:I,s:o,s:o}", "stopped", json_text(e->name),
			"index", (json_int_t)st->next + 1,
			"of", (json_int_t)st->nr,
			"conflicts", json_lines(e->detail), "done", done);
	json_dump_sb(doc, &sb);
	sb_addch(&sb, '\n');
	json_decref(doc);
	fputs(sb.buf, stdout);
	fflush(stdout);
	sb_release(&sb);
}

/* Export, install the pin, report, remove the state. */
static int finish(struct rebase_cmd *c, struct krepo *t, struct rb_state *st)
{
	struct strbuf err = STRBUF_INIT, text = STRBUF_INIT, js = STRBUF_INIT;
	char *export_argv[] = { "export", NULL };
	char *dir, *p;
	int ret = 2;

	if (rb_finish_tree(t, st, &err)) {
		error("%s", err.buf);
		note("rebase: the rebase is still in progress: fix that, then 'kseries rebase --continue' (or --abort)");
		goto out;
	}
	if (cmd_export(1, export_argv)) {
		error("rebase: exporting the new series failed; 'kseries rebase --continue' retries");
		goto out;
	}
	rb_kill_point("export");
	if (rb_install_pin(st, c->pin_path, &err)) {
		error("%s", err.buf);
		goto out;
	}
	rb_kill_point("pin");
	if (rb_range_diff(t, st, &text, &js, &err)) {
		error("%s", err.buf);
		goto out;
	}
	dir = out_path("rebase");
	mkdir_p(dir, 0755);
	p = path_join(dir, "range-diff.txt");
	write_file_atomic(p, text.buf, text.len);
	free(p);
	p = path_join(dir, "range-diff.json");
	write_file_atomic(p, js.buf, js.len);
	free(p);
	free(dir);
	fputs(c->json ? js.buf : text.buf, stdout);
	fflush(stdout);
	if (rb_end(st, &err)) {
		error("%s", err.buf);
		goto out;
	}
	{
		char base[GIT_OID_HEXSZ + 1];

		/* git_oid_tostr_s() has one buffer: one call per message */
		git_oid_tostr(base, sizeof(base), &st->new_base);
		note("rebase: done: %s on %s (base %.12s), branch '%s' at %.12s; %s updated",
		     st->nr == 1 ? "the patch" : "the series", st->new_name,
		     base, TREE_BRANCH, git_oid_tostr_s(&st->cur),
		     c->pin_path);
	}
	ret = 0;
out:
	sb_release(&err);
	sb_release(&text);
	sb_release(&js);
	return ret;
}

/* Replay what is left, then finish; prints as it goes. */
static int run(struct rebase_cmd *c, struct krepo *t, struct rb_state *st,
	       struct patch **patches)
{
	struct strbuf err = STRBUF_INIT;
	size_t from = st->next;
	int r;

	r = rb_run(t, st, patches, &err);
	print_done(st, from);
	if (r < 0) {
		error("%s", err.buf);
		sb_release(&err);
		return 2;
	}
	sb_release(&err);
	if (r > 0) {
		print_stop(t, st);
		if (c->json)
			print_stop_json(st);
		return 1;
	}
	return finish(c, t, st);
}

/* Start a rebase: import, record the old series, begin, run. */
static int start(struct rebase_cmd *c, struct krepo *t, const char *git_dir)
{
	struct strbuf err = STRBUF_INIT, text = STRBUF_INIT;
	struct apply_result ar = { 0 };
	struct patch **patches = NULL;
	struct fetch_opts fo = { .from = c->from };
	struct rb_import stats;
	struct rb_state st;
	struct series s;
	struct pin old, np;
	git_oid tip, newbase;
	char *tarball = NULL, *pintext = NULL;
	bool fetched;
	size_t i;
	int ret = 2;

	memset(&st, 0, sizeof(st));
	if (pin_load(&old, c->pin_file))
		return 2;
	c->pin_path = xstrdup(old.path);
	c->proj.pin = c->pin_path;
	if (new_pin(c, &np, &text)) {
		pin_release(&old);
		return 2;
	}
	if (load_series(&s, NULL))
		goto out_pins;
	patches = load_patches(&s);
	if (!patches)
		goto out_series;
	if (open_kernel_tree(t, &old, false))
		goto out_patches;
	if (krepo_branch(t, TREE_BRANCH, &tip)) {
		error("%s has no branch '%s': run 'kseries apply' first",
		      t->dir, TREE_BRANCH);
		goto out_tree;
	}
	if (krepo_apply(t, &t->base, patches, s.nr, &ar)) {
		error("the series does not apply on %s: %s", old.name,
		      ar.msg.buf);
		goto out_tree;
	}
	if (!git_oid_equal(&tip, s.nr ? &ar.commits[s.nr - 1] : &t->base)) {
		error("branch '%s' is not the series as 'kseries apply' makes it: run 'kseries export' (to keep commits made there) or 'kseries apply' first",
		      TREE_BRANCH);
		goto out_tree;
	}
	if (krepo_persist(t))
		goto out_tree;
	if (fetch_tarball(&np, &fo, &tarball, &fetched))
		goto out_tree;
	note("rebase: importing %s over %s", np.name, old.name);
	if (rb_import(t, &np, tarball, &newbase, &stats, &err)) {
		error("%s", err.buf);
		goto out_tree;
	}
	note("rebase: imported %s: %zu files, %zu new objects, %.1f s (CPU %.1f s); base commit %.12s",
	     np.name, stats.files, stats.stored, stats.seconds, stats.cpu,
	     git_oid_tostr_s(&newbase));
	if (git_oid_equal(&newbase, &t->base)) {
		note("rebase: the series is already on %s; nothing to do",
		     np.name);
		ret = 0;
		goto out_tree;
	}
	st.dir = rb_state_dir(git_dir);
	st.old_name = xstrdup(old.name);
	st.new_name = xstrdup(np.name);
	git_oid_cpy(&st.old_base, &t->base);
	git_oid_cpy(&st.old_tip, &tip);
	git_oid_cpy(&st.new_base, &newbase);
	git_oid_cpy(&st.cur, &newbase);
	git_oid_cpy(&st.worktree, &tip);
	st.nr = s.nr;
	st.e = xcalloc(s.nr + 1, sizeof(*st.e));
	for (i = 0; i < s.nr; i++) {
		st.e[i].name = xstrdup(s.entries[i].name);
		git_oid_cpy(&st.e[i].old_commit, &ar.commits[i]);
	}
	pintext = pin_text(text.buf, &newbase);
	if (rb_begin(t, &st, &c->proj, pintext, &err)) {
		error("%s", err.buf);
		goto out_tree;
	}
	note("rebase: replaying %zu patches of %s on %s", s.nr, old.name,
	     np.name);
	ret = run(c, t, &st, patches);
out_tree:
	apply_result_release(&ar);
	free(tarball);
	free(pintext);
	rb_state_release(&st);
out_patches:
	free_patches(patches, s.nr);
out_series:
	series_release(&s);
out_pins:
	sb_release(&err);
	sb_release(&text);
	pin_release(&old);
	pin_release(&np);
	return ret;
}

/* --continue, --skip, --abort on the rebase in progress. */
static int resume(struct rebase_cmd *c, struct krepo *t, const char *git_dir)
{
	struct strbuf err = STRBUF_INIT;
	struct patch **patches = NULL;
	struct rb_state st;
	char *dir = rb_state_dir(git_dir);
	int ret = 2, r;

	if (rb_state_load(&st, dir, &err)) {
		error("%s", err.buf);
		goto out;
	}
	if (c->abort) {
		if (rb_abort(t, &st, &c->proj, &err)) {
			error("%s", err.buf);
			note("rebase: the abort is not complete; run 'kseries rebase --abort' again");
			goto out;
		}
		note("rebase: aborted: branch '%s' at %.12s on %s again; pin, series and patches/ as they were",
		     TREE_BRANCH, git_oid_tostr_s(&st.old_tip), st.old_name);
		ret = 0;
		goto out;
	}
	patches = rb_load_patches(&st, &err);
	if (!patches) {
		error("%s", err.buf);
		goto out;
	}
	if (c->skip) {
		if (st.phase != RB_STOPPED) {
			error("not stopped at a conflict: nothing to skip (use --continue)");
			ret = 1;
			goto out;
		}
		note("rebase: skipping %s", st.e[st.next].name);
		if (rb_skip(t, &st, &err)) {
			error("%s", err.buf);
			goto out;
		}
	} else if (st.phase == RB_STOPPED) {
		r = rb_resolve(t, &st, patches, &err);
		if (r) {
			error("%s", err.buf);
			ret = r > 0 ? 1 : 2;
			goto out;
		}
		note("rebase: %s resolved", st.e[st.next - 1].name);
	}
	ret = run(c, t, &st, patches);
out:
	free_patches(patches, st.nr);
	rb_state_release(&st);
	sb_release(&err);
	free(dir);
	return ret;
}

int cmd_rebase(int argc, char **argv)
{
	struct rebase_cmd c = { .suite = "bullseye-security" };
	struct krepo t = { 0 };
	const struct option options[] = {
		OPT_STRING(0, "to", &c.to),
		OPT_STRING(0, "from", &c.from),
		OPT_STRING(0, "pin", &c.pin_file),
		OPT_STRING(0, "suite", &c.suite),
		OPT_BOOL(0, "continue", &c.cont),
		OPT_BOOL(0, "skip", &c.skip),
		OPT_BOOL(0, "abort", &c.abort),
		OPT_BOOL(0, "json", &c.json),
		OPT_BOOL(0, "print-pin", &c.print_pin),
		OPT_END(),
	};
	char *tree = NULL, *git_dir = NULL;
	int n, ret = 2, modes;

	n = cmd_parse_options(argc, argv, options, 0, cmd_rebase_usage);
	if (n < 0)
		return cmd_parse_status(n);
	if (n > 0)
		return usage_error(cmd_rebase_usage, "unknown argument '%s'",
				   argv[0]);
	modes = !!c.to + c.cont + c.skip + c.abort;
	if (modes != 1 || (c.to && !*c.to))
		return usage_error(cmd_rebase_usage,
				   "give one of --to PIN, --continue, --skip, --abort");
	if (c.print_pin) {
		struct strbuf text = STRBUF_INIT;
		struct pin np;

		if (!c.to)
			return usage_error(cmd_rebase_usage,
					   "--print-pin goes with --to");
		if (new_pin(&c, &np, &text))
			return 2;
		fputs(text.buf, stdout);
		pin_release(&np);
		sb_release(&text);
		return 0;
	}
	c.series_path = project_path("series");
	c.patches_dir = project_path("patches");
	c.proj.series = c.series_path;
	c.proj.patches = c.patches_dir;
	tree = tree_dir();
	git_dir = path_join(tree, ".git");
	if (c.to) {
		if (rb_in_progress(git_dir)) {
			error("a rebase is in progress in %s: 'kseries rebase --continue', --skip or --abort",
			      tree);
			ret = 1;
			goto out;
		}
		ret = start(&c, &t, git_dir);
		goto out;
	}
	if (!rb_in_progress(git_dir)) {
		error("no rebase in progress in %s", tree);
		ret = 1;
		goto out;
	}
	{
		struct pin cur;

		/* The pin to restore: where the project keeps it. */
		if (c.pin_file || !pin_load(&cur, NULL)) {
			c.pin_path = c.pin_file ? xstrdup(c.pin_file) :
						  xstrdup(cur.path);
			if (!c.pin_file)
				pin_release(&cur);
		} else {
			c.pin_path = project_path("kernel-overlay/pin");
		}
		c.proj.pin = c.pin_path;
	}
	if (krepo_open(&t, tree))
		goto out;
	ret = resume(&c, &t, git_dir);
out:
	if (t.repo)
		krepo_close(&t);
	free(c.pin_path);
	free(c.series_path);
	free(c.patches_dir);
	free(tree);
	free(git_dir);
	return ret;
}
