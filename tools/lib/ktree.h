/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel tree the mail workflow reads: a git work tree of the pinned
 * base, by default <cache>/src as 'kseries apply' makes it (branch
 * "series", tag "base"). Its scripts/checkpatch.pl, scripts/
 * get_maintainer.pl and MAINTAINERS are used as they are, and its commits
 * are what Fixes: tags are checked against.
 */
#ifndef KSERIES_KTREE_H
#define KSERIES_KTREE_H

#include <stdbool.h>

#include "util.h"

struct ktree {
	char *dir;		/* the work tree */
	char *git_dir;		/* its repository, NULL if not a git tree */
	void *repo;		/* git_repository *, NULL if not a git tree */
	char base[41];		/* the base commit, "" if unknown */
	bool base_tag;		/* it is the tag "base" (kseries apply's) */
};

/*
 * Find the tree: @dir if not NULL, else $KSERIES_TREE, else <cache>/src.
 * It must be a git repository or hold MAINTAINERS (a plain copy).
 * The base commit is the tag "base", else the branch "base".
 */
int ktree_open(struct ktree *t, const char *dir, struct strbuf *err);
void ktree_close(struct ktree *t);

enum ktree_lookup { KTREE_FOUND, KTREE_UNKNOWN, KTREE_AMBIGUOUS };

/*
 * Look up the commit @id (4 to 40 hex digits). On KTREE_FOUND @full gets
 * its 40-digit id and @msg (if not NULL) its whole message.
 */
enum ktree_lookup ktree_commit(struct ktree *t, const char *id,
			       char full[41], struct strbuf *msg);
/* The same as a maint_commit_fn (@data is the struct ktree). */
int ktree_commit_message(void *data, const char *id, struct strbuf *msg);
/* Whether @path (a file or directory) exists in the base commit. */
bool ktree_base_has(struct ktree *t, const char *path);

#endif
