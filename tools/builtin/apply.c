// SPDX-License-Identifier: GPL-2.0
/*
 * kseries apply: the series as one commit per patch on the pinned base.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cmd.h"
#include "lib/kernel.h"
#include "lib/util.h"

const char cmd_apply_usage[] =
	"kseries apply - apply the series to the base, one commit per patch\n"
	"\n"
	"usage: kseries apply [--check] [--force] [--pin FILE] [--series FILE]\n"
	"\n"
	"Imports the pinned base into <cache>/src on first use (fetching and\n"
	"verifying the tarball; tag 'base'), then applies every patch of\n"
	"'series' on it as one commit (author, date, subject and body from\n"
	"the patch; committer = author) and points branch 'series' at the\n"
	"result. The same patch on the same parent always gives the same\n"
	"commit, so patches already on the branch are kept as they are.\n"
	"\n"
	"The patches are applied in memory like 'git apply' (exact context,\n"
	"no fuzz, hunks may move). Only when all of them applied are the work\n"
	"tree and index updated, for exactly the paths that changed, and the\n"
	"branch moved. If a patch does not apply, is already applied, or names\n"
	"a path outside the tree ('..', absolute, '.git') or through a\n"
	"symlink, nothing is changed and the error names the patch, file,\n"
	"hunk and line.\n"
	"\n"
	"Local changes: apply refuses if any path it would update has\n"
	"changes in the work tree or index (other paths are left alone), and\n"
	"if the branch has commits it did not make (commit by hand, then\n"
	"'kseries export' them into the series).\n"
	"\n"
	"    --check       apply in memory and report; change nothing\n"
	"    --force       overwrite local changes in the paths it updates\n"
	"                  and drop commits on the branch not in the series\n"
	"    --pin FILE    use FILE instead of kernel-overlay/pin\n"
	"    --series FILE use FILE instead of <project>/series\n"
	"\n"
	"Exit status: 0 applied (or up to date); 1 a patch does not apply, or\n"
	"the tree has local changes, commits made by hand or another branch\n"
	"checked out (nothing changed); 2 the tool could not do its job (no\n"
	"pin or series, a patch file that cannot be read or parsed, the\n"
	"tarball could not be fetched or verified, a repository error); 129\n"
	"usage error.\n";

static const char *const nothing_changed =
	"nothing was changed: branch '" TREE_BRANCH
	"', index and work tree are as they were";

struct apply_opts {
	const char *pin_file, *series_file;
	bool check, force;
};

/* -1 to go on, else the exit status (0 after --help, 129 usage error). */
static int parse_args(int argc, char **argv, struct apply_opts *o)
{
	const struct option options[] = {
		OPT_BOOL(0, "check", &o->check),
		OPT_BOOL(0, "force", &o->force),
		OPT_STRING(0, "pin", &o->pin_file),
		OPT_STRING(0, "series", &o->series_file),
		OPT_END(),
	};
	int n = cmd_parse_options(argc, argv, options, 0, cmd_apply_usage);

	if (n < 0)
		return cmd_parse_status(n);
	if (n > 0)
		return usage_error(cmd_apply_usage, "unknown argument '%s'",
				   argv[0]);
	return -1;
}

/* Whether HEAD is branch 'series' (else an error). */
static bool head_is_series(struct krepo *t)
{
	git_reference *head = NULL;
	bool ok = !git_reference_lookup(&head, t->repo, "HEAD") &&
		  git_reference_type(head) == GIT_REFERENCE_SYMBOLIC &&
		  !strcmp(git_reference_symbolic_target(head),
			  "refs/heads/" TREE_BRANCH);

	if (!ok)
		error("%s: HEAD is not branch '%s'; check it out first",
		      t->dir, TREE_BRANCH);
	git_reference_free(head);
	return ok;
}

/*
 * Commits made by hand on the branch (@chain past the @kept ones 'kseries
 * apply' made) are not dropped silently: an error when there are any.
 */
static int refuse_unrecorded(struct krepo *t, const git_oid *chain,
			     size_t nchain, size_t kept)
{
	size_t first = 0, n = krepo_count_unrecorded(t, chain + kept,
						     nchain - kept, &first);
	git_commit *c = NULL;

	if (!n)
		return 0;
	git_commit_lookup(&c, t->repo, &chain[kept + first]);
	error("branch '%s' has %zu commit%s that 'kseries apply' did not make (the first: %.12s \"%s\"); run 'kseries export' to keep them in the series, or 'kseries apply --force' to drop them",
	      TREE_BRANCH, n, n == 1 ? "" : "s",
	      git_oid_tostr_s(&chain[kept + first]),
	      c ? git_commit_summary(c) : "?");
	git_commit_free(c);
	note("%s", nothing_changed);
	return -1;
}

int cmd_apply(int argc, char **argv)
{
	struct apply_opts o = { 0 };
	struct apply_result res = { 0 };
	struct patch **patches = NULL;
	struct strbuf err = STRBUF_INIT;
	git_oid cur, tip, old, *chain = NULL;
	size_t nchain = 0, kept = 0;
	bool moved;
	struct series s;
	struct krepo t;
	struct pin pin;
	double t0;
	long files;
	int ret = 1;

	/*
	 * Keep freed blocks for reuse rather than unmapping them: on these
	 * virtual machines faulting fresh pages in dominates small applies.
	 */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	ret = parse_args(argc, argv, &o);
	if (ret >= 0)
		return ret;
	/* Findings about the tree or the series are 1; the rest is 2. */
	ret = 2;
	if (pin_load(&pin, o.pin_file))
		return 2;
	if (load_series(&s, o.series_file)) {
		pin_release(&pin);
		return 2;
	}
	patches = load_patches(&s);
	if (!patches)
		goto out_series;
	if (open_kernel_tree_moving(&t, &pin, &old))
		goto out_patches;
	moved = !git_oid_equal(&old, &t.base);
	t0 = now_seconds();
	if (krepo_branch(&t, TREE_BRANCH, &cur))
		git_oid_cpy(&cur, &old);
	if (!head_is_series(&t)) {
		ret = 1;
		goto out_tree;
	}
	if (krepo_apply(&t, &t.base, patches, s.nr, &res)) {
		error("%s", res.msg.buf);
		note("%s", nothing_changed);
		if (res.status != APPLY_ERROR)
			ret = 1;	/* a patch does not apply */
		goto out_tree;
	}
	if (s.nr)
		git_oid_cpy(&tip, &res.commits[s.nr - 1]);
	else
		git_oid_cpy(&tip, &t.base);
	/* After a move of the base, every commit of the branch is replaced. */
	if (!krepo_chain(&t, &old, &cur, &chain, &nchain) && !moved)
		while (kept < nchain && kept < s.nr &&
		       git_oid_equal(&chain[kept], &res.commits[kept]))
			kept++;
	if (!o.force && nchain > kept &&
	    refuse_unrecorded(&t, chain, nchain, kept)) {
		ret = 1;
		goto out_tree;
	}
	if (o.check) {
		note("apply --check: all %zu patches apply on %s (%zu already on branch '%s'); nothing changed",
		     s.nr, pin.name, kept, TREE_BRANCH);
		ret = 0;
		goto out_tree;
	}
	if (git_oid_equal(&tip, &cur)) {
		krepo_record_applied(&t, res.commits, res.nr);
		note("apply: up to date: %zu patches on %s, branch '%s' at %.12s",
		     s.nr, pin.name, TREE_BRANCH, git_oid_tostr_s(&tip));
		ret = 0;
		goto out_tree;
	}
	if (krepo_persist(&t))
		goto out_tree;
	files = krepo_checkout(&t, &cur, &tip, o.force, &err);
	if (files < 0) {
		if (err.len && err.buf[err.len - 1] == '\n') {
			error("the work tree %s has local changes in paths the series changes (use --force to overwrite them):\n%s",
			      t.dir, err.buf);
			ret = 1;
		} else {
			error("%s", err.buf);
		}
		note("%s", nothing_changed);
		goto out_tree;
	}
	if (krepo_record_applied(&t, res.commits, res.nr) ||
	    krepo_set_branch(&t, TREE_BRANCH, &tip, "kseries apply") ||
	    (moved && kernel_tree_set_base(&t, "kseries apply: the pin moved")))
		goto out_tree;
	if (moved) {
		char from[GIT_OID_HEXSZ + 1];

		git_oid_tostr(from, sizeof(from), &old);
		note("apply: the tree moved from base %.12s to %s (%.12s)",
		     from, pin.name, git_oid_tostr_s(&t.base));
	}
	note("apply: %zu patches on %s: %zu kept, %zu new; %ld files updated; branch '%s' at %.12s (%.2f s)",
	     s.nr, pin.name, kept, s.nr - kept, files, TREE_BRANCH,
	     git_oid_tostr_s(&tip), now_seconds() - t0);
	ret = 0;
out_tree:
	free(chain);
	apply_result_release(&res);
	krepo_close(&t);
out_patches:
	free_patches(patches, s.nr);
out_series:
	sb_release(&err);
	series_release(&s);
	pin_release(&pin);
	return ret;
}
