/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Apply the hunks of one file diff to the file's content, in memory.
 *
 * Like `git apply`: every context and removed line must match exactly;
 * a hunk may move (offset) but not fuzz; hunks apply in order and never
 * overlap; a hunk at the start (or end, without trailing context) of a
 * file must match there.
 */
#ifndef KSERIES_APPLY_H
#define KSERIES_APPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "patch.h"
#include "util.h"

struct apply_failure {
	int hunk;		/* 1-based number of the failing hunk */
	int patch_line;		/* its "@@" line in the patch file */
	long expected_line;	/* 1-based line where it should apply */
	char *want;		/* the first line that did not match */
	char *found;		/* what the file has there, or NULL at EOF */
	char *header;		/* "@@ -a,b +c,d @@" */
};

/*
 * Apply @fp (reversed if @reverse) to @len bytes at @old, appending the
 * result to @out. Returns 0, or -1 with @fail filled (if not NULL).
 */
int apply_file(const char *old, size_t len, const struct file_patch *fp,
	       bool reverse, struct strbuf *out, struct apply_failure *fail);
/*
 * The same, and in @offsets (one per hunk, if not NULL) how many lines
 * from the line its header names each hunk applied (+ later, - earlier).
 */
int apply_file_offsets(const char *old, size_t len,
		       const struct file_patch *fp, bool reverse,
		       struct strbuf *out, struct apply_failure *fail,
		       long *offsets);
void apply_failure_release(struct apply_failure *f);
/* "hunk #2 (@@ -10,7 +10,8 @@) at line 10: expected '...', found '...'" */
void apply_failure_describe(const struct apply_failure *f, struct strbuf *sb);

#endif
