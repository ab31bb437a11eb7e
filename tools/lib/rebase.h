/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Moving the series to a new base (kseries rebase).
 *
 * The new base is imported into the kernel tree incrementally (only the
 * objects the old import does not have are written), then every patch
 * is replayed on it and classified:
 *
 *   clean    applies exactly where its hunks say
 *   moved    applies, with offsets (how many lines each hunk moved)
 *   merged   does not apply, but a three-way merge of each file it
 *            touches (old parent, new base so far, the patch's result;
 *            libgit2's git_merge_file) resolves by itself
 *   already  the new base already has the change: dropped, with the
 *            hunks found present as evidence
 *   conflict the merge leaves conflicts: the rebase stops with the
 *            conflicted files (diff3 markers) in the work tree
 *
 * Everything is driven by a state directory in the kernel repository
 * (.git/kseries-rebase: the state file, written atomically, and copies
 * of what the rebase will change in the project), created by a rename
 * and removed by a rename, so a kill at any point leaves either no
 * rebase or one that --continue finishes and --abort undoes.
 *
 * These functions report errors in @err and never print.
 */
#ifndef KSERIES_REBASE_H
#define KSERIES_REBASE_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

#include "patch.h"
#include "pin.h"
#include "tree.h"
#include "util.h"

enum rb_status {
	RB_PENDING = 0,
	RB_CLEAN,
	RB_MOVED,
	RB_MERGED,
	RB_ALREADY,
	RB_CONFLICT,	/* stopped here; resolved by hand once continued */
	RB_SKIPPED,	/* dropped with --skip */
};

const char *rb_status_name(enum rb_status s);

/* What replaying one patch on a new parent gave. */
struct rb_result {
	enum rb_status status;
	git_oid commit;		/* the new commit (clean, moved, merged) */
	git_oid tree;		/* conflict: the tree with the markers */
	struct strbuf detail;	/* offsets, merged files, evidence, ... */
	char **paths;		/* conflict: the conflicted paths */
	size_t nr_paths;
};

void rb_result_release(struct rb_result *r);

/*
 * Replay @p (whose commit on the old series is @old, its parent
 * @old_parent) on commit @onto. Objects stay in memory (krepo_persist).
 * Returns 0 with @r filled (any status), -1 on a repository error.
 */
int rb_replay(struct krepo *t, const git_oid *onto, const git_oid *old,
	      struct patch *p, const char *label_onto,
	      struct rb_result *r, struct strbuf *err);

/* Where the hunks of @p are present in @commit's tree, one per line. */
int rb_evidence(struct krepo *t, const git_oid *commit,
		const struct patch *p, struct strbuf *out, size_t *present,
		size_t *total);

enum rb_phase { RB_REPLAY, RB_STOPPED, RB_FINISH };

struct rb_entry {
	char *name;		/* the patch file in patches/ */
	enum rb_status status;
	git_oid old_commit;
	git_oid new_commit;	/* zero when dropped or not yet replayed */
	char *detail;		/* one line per item */
};

struct rb_state {
	char *dir;		/* .git/kseries-rebase */
	enum rb_phase phase;
	int step;		/* in RB_FINISH: how far it got */
	char *old_name, *new_name;	/* "Linux 5.10.223" */
	git_oid old_base, old_tip, new_base;
	git_oid cur;		/* the new series so far */
	git_oid worktree;	/* the commit work tree and index are at */
	bool moving;		/* a work tree move was started */
	git_oid move_to;
	git_oid conflict;	/* stopped: commit of the conflict tree */
	bool detached;		/* HEAD detached at @cur while stopped */
	size_t next;		/* the patch to replay next */
	struct rb_entry *e;
	size_t nr;
};

/* The state directory of the tree at @git_dir (its .git). */
char *rb_state_dir(const char *git_dir);
bool rb_in_progress(const char *git_dir);
int rb_state_load(struct rb_state *st, const char *dir, struct strbuf *err);
/* Write the state file atomically. */
int rb_state_save(const struct rb_state *st, struct strbuf *err);
void rb_state_release(struct rb_state *st);

/*
 * Import the tarball at @tarball (verified against @pin) into @t,
 * reusing the objects it has. @base gets the new base commit.
 */
struct rb_import {
	size_t files, stored;
	double seconds;
	double cpu;		/* user + system seconds, all threads */
};
int rb_import(struct krepo *t, const struct pin *pin, const char *tarball,
	      git_oid *base, struct rb_import *stats, struct strbuf *err);

/* The project files a rebase rewrites; copied aside at the start. */
struct rb_project {
	const char *pin;	/* kernel-overlay/pin */
	const char *series;
	const char *patches;	/* directory */
};

/*
 * Start: create the state directory (atomically) holding @st, copies of
 * the project's files, @new_pin (the pin text to install at the end)
 * and the patches being replayed.
 */
int rb_begin(struct krepo *t, struct rb_state *st,
	     const struct rb_project *proj, const char *new_pin,
	     struct strbuf *err);

/* The patches of the series being replayed (the copies taken). */
struct patch **rb_load_patches(const struct rb_state *st, struct strbuf *err);

/*
 * Replay from st->next on. Returns 0 when every patch is done (phase
 * RB_FINISH), 1 when stopped at a conflict (the work tree shows it),
 * -1 on an error (the state is as last saved).
 */
int rb_run(struct krepo *t, struct rb_state *st, struct patch **patches,
	   struct strbuf *err);

/*
 * --continue at a conflict: the resolution is what the work tree has in
 * the paths the conflict tree changed. 1 if markers are left.
 */
int rb_resolve(struct krepo *t, struct rb_state *st, struct patch **patches,
	       struct strbuf *err);
/* --skip at a conflict: drop that patch. */
int rb_skip(struct krepo *t, struct rb_state *st, struct strbuf *err);

/*
 * The tree part of the end: work tree to the new series, branch
 * 'series' and tag 'base' moved. Resumable; st->step records it.
 */
int rb_finish_tree(struct krepo *t, struct rb_state *st, struct strbuf *err);
/* Install the new pin (the copy in the state directory) at @pin_path. */
int rb_install_pin(const struct rb_state *st, const char *pin_path,
		   struct strbuf *err);
/* The end: remove the state directory (by a rename first). */
int rb_end(struct rb_state *st, struct strbuf *err);

/* Undo everything: refs, HEAD, work tree, index and project files. */
int rb_abort(struct krepo *t, struct rb_state *st,
	     const struct rb_project *proj, struct strbuf *err);

/*
 * What changed in each patch beyond line numbers, as text (a diff of
 * the two versions of each changed patch) and as JSON.
 */
int rb_range_diff(struct krepo *t, const struct rb_state *st,
		  struct strbuf *text, struct strbuf *json,
		  struct strbuf *err);

/* For tests: SIGKILL ourselves at point @name if $KSERIES_REBASE_KILL names it. */
void rb_kill_point(const char *name);

#endif
