/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel tree: the git repository in <cache>/src holding the
 * imported base (tag "base") and the applied series (branch "series"),
 * with a checked-out work tree; or, for the mail workflow, any kernel
 * tree given by --tree or $KSERIES_TREE, possibly a plain copy without
 * git. Its scripts/checkpatch.pl, scripts/get_maintainer.pl and
 * MAINTAINERS are used as they are, and its commits are what Fixes: tags
 * are checked against.
 *
 * Patches are applied in memory: blobs are read from the object
 * database, hunks applied with lib/apply.c, trees and commits built and
 * kept in an in-memory object store until the whole series succeeded.
 * Only then are the objects written (one pack), the work tree and the
 * index updated for exactly the paths that changed, and the branch moved.
 * Commits are deterministic (committer = author, same dates), so the same
 * patch on the same parent always gives the same commit id.
 */
#ifndef KSERIES_TREE_LIB_H
#define KSERIES_TREE_LIB_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

#include "patch.h"
#include "util.h"

#define TREE_BRANCH	"series"
#define TREE_TAG	"base"

struct krepo {
	git_repository *repo;		/* NULL: a plain copy without git */
	git_odb *odb;
	git_odb_backend *mempack;	/* new objects until persisted (memodb) */
	char *dir;			/* the work tree */
	char *git_dir;			/* its repository, NULL without git */
	git_oid base;			/* the base commit, if has_base */
	bool has_base;
	bool base_tag;			/* base is the tag "base" (apply's) */
};

/* How krepo_open_ext() takes a tree; 0 is krepo_open()'s strict way. */
enum krepo_open_flags {
	/* No tag "base": the branch "base" is the base, else there is none. */
	KREPO_ANY_BASE = 1 << 0,
	/* A directory holding MAINTAINERS but no repository: repo NULL. */
	KREPO_PLAIN = 1 << 1,
	/* The repository of @dir's parents if @dir is not one itself. */
	KREPO_SEARCH = 1 << 2,
	/* @dir NULL: $KSERIES_TREE before <cache>/src. */
	KREPO_ENV = 1 << 3,
};

/*
 * Open the tree at @dir (NULL: <cache>/src) as @flags allow; on failure
 * -1 with the reason in @err. With KREPO_PLAIN, @dir must be a git
 * repository or hold MAINTAINERS.
 */
int krepo_open_ext(struct krepo *t, const char *dir, unsigned int flags,
		   struct strbuf *err);
/* The repository at @dir (made by tarball_import()), with tag "base". */
int krepo_open(struct krepo *t, const char *dir);
void krepo_close(struct krepo *t);

/*
 * The tree lint, maintainers, send and import read: --tree, else
 * $KSERIES_TREE, else the cache's; git or a plain copy; any base.
 */
#define KREPO_MAIL	(KREPO_ANY_BASE | KREPO_PLAIN | KREPO_ENV)

enum krepo_lookup { KREPO_FOUND, KREPO_UNKNOWN, KREPO_AMBIGUOUS };

/*
 * Look up the commit @id (4 to 40 hex digits). On KREPO_FOUND @full (if
 * not NULL) gets its 40-digit id and @msg (if not NULL) its whole
 * message. Always KREPO_UNKNOWN in a plain copy.
 */
enum krepo_lookup krepo_find_commit(struct krepo *t, const char *id,
				    char full[41], struct strbuf *msg);
/* The same as a maint_commit_fn (@data is the struct krepo). */
int krepo_commit_message(void *data, const char *id, struct strbuf *msg);
/* Whether @path (a file or directory) exists in the base commit. */
bool krepo_base_has(struct krepo *t, const char *path);

/* The last libgit2 error as text. */
const char *lg2_err(void);

/* Why krepo_apply() failed. */
enum apply_status {
	APPLY_OK = 0,
	APPLY_CONFLICT,		/* a hunk or file does not apply */
	APPLY_ALREADY,		/* the patch's changes are already there */
	APPLY_UNSAFE,		/* a path outside the tree or via a symlink */
	APPLY_ERROR,		/* repository error */
};

struct apply_result {
	enum apply_status status;
	size_t failed;		/* index of the patch that failed */
	git_oid *commits;	/* one per applied patch */
	size_t nr;
	struct strbuf msg;	/* what went wrong, for a person */
};

/*
 * Apply @n patches in order on commit @parent, one commit each, in
 * memory. Nothing reaches the disk until krepo_persist().
 */
int krepo_apply(struct krepo *t, const git_oid *parent,
		struct patch *const *patches, size_t n,
		struct apply_result *res);
void apply_result_release(struct apply_result *res);

/*
 * The commit krepo_apply() makes of @p, for tree @tree on @parent (for
 * a tree made otherwise, by a merge): in memory until krepo_persist().
 */
int krepo_commit(struct krepo *t, const struct patch *p,
		 const git_oid *tree, const git_oid *parent, git_oid *out);

/* Write the objects made since the last call into one pack. */
int krepo_persist(struct krepo *t);

/* The commit the branch points at; -1 if it does not exist. */
int krepo_branch(struct krepo *t, const char *branch, git_oid *out);

/*
 * The commits from @base (excluded) to @tip along first parents, oldest
 * first. Returns -1 if @base is not an ancestor on that path.
 */
int krepo_chain(struct krepo *t, const git_oid *base, const git_oid *tip,
		git_oid **commits, size_t *nr);
/*
 * The same, but every commit must have exactly one parent: on failure
 * @bad gets the first commit from @tip that has none or several (or that
 * could not be read).
 */
int krepo_linear_chain(struct krepo *t, const git_oid *base,
		       const git_oid *tip, git_oid **commits, size_t *nr,
		       git_oid *bad);

/*
 * Make the work tree and index, now at commit @from, match commit @to:
 * only the paths that differ are touched. Unless @force, refuse (with
 * the paths in @err) if any of those paths has local changes in the
 * work tree or index. Returns the number of paths updated, or -1.
 */
long krepo_checkout(struct krepo *t, const git_oid *from, const git_oid *to,
		    bool force, struct strbuf *err);

/* Point refs/heads/@branch at @id, with @why in the reflog. */
int krepo_set_branch(struct krepo *t, const char *branch, const git_oid *id,
		     const char *why);

/*
 * The commits 'kseries apply' made are recorded (.git/kseries-applied),
 * so that commits made by hand on the branch are recognised and not
 * dropped silently by the next apply.
 */
int krepo_record_applied(struct krepo *t, const git_oid *ids, size_t n);
/* Of @n commits, how many were not made by apply; the first in @first. */
size_t krepo_count_unrecorded(struct krepo *t, const git_oid *ids, size_t n,
			      size_t *first);

/* Paths a patch may name: relative, no "..", ".", "" or ".git" parts. */
bool tree_path_ok(const char *path, const char **why);
/* May a symlink at @path point to @target (inside the tree, relative)? */
bool symlink_target_ok(const char *path, const char *target, size_t len);

#endif
