/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Diffstats as `git format-patch` lays them out (72 columns): one line a
 * file with its changed lines and a +/- graph, the "N files changed"
 * summary, then create/delete/rename/mode lines. Also reading one back
 * from a patch, to tell whether it still matches the diff below it.
 *
 * Not libgit2's git_diff_stats_to_buf(): it counts the same lines, but
 * lays the graph out otherwise (at least one '+' and one '-' for every
 * changed file, "1 +-" where git writes "1 +", and another scale), so it
 * differs from git format-patch on 21 of the series' 57 patches; and it
 * takes longer from the patch text (bench/diffstat.sh).
 */
#ifndef KSERIES_DIFFSTAT_H
#define KSERIES_DIFFSTAT_H

#include <stdbool.h>

#include "patch.h"
#include "util.h"

struct diffstat_file {
	char *old_path, *new_path;	/* NULL when created / deleted */
	long added, deleted;
	unsigned int old_mode, new_mode;
	bool is_new, is_delete, is_rename;
	int similarity;			/* percent, for renames */
};

struct diffstat {
	struct diffstat_file *v;
	size_t nr, alloc;
};

/* Add @added/@deleted for a file (merged with an earlier entry). */
void diffstat_add(struct diffstat *ds, const char *old_path,
		  const char *new_path, long added, long deleted);
/* The diffstat of a parsed patch, from its hunks. */
void diffstat_from_patch(struct diffstat *ds, const struct patch *p);
/* Sort by path, as git does. */
void diffstat_sort(struct diffstat *ds);
void diffstat_release(struct diffstat *ds);

/* The block git writes after "---": stat lines, summary, mode lines. */
void diffstat_format(const struct diffstat *ds, int width,
		     struct strbuf *out);
/* " 3 files changed, 10 insertions(+), 2 deletions(-)" */
void diffstat_summary(const struct diffstat *ds, struct strbuf *out);
/* "a/{b => c}/d" for a rename, else the path */
char *diffstat_name(const struct diffstat_file *f);

/*
 * Compare the diffstat written in patch text @text (between "---" and the
 * first "diff --git") with @ds. Returns 0 if it matches or there is none,
 * else 1 with what differs in @why (e.g. "x.c: diffstat says 3, the diff
 * changes 4 lines").
 */
int diffstat_check(const char *text, const struct diffstat *ds,
		   struct strbuf *why);

#endif
