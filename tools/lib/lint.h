/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The series-level checks of `kseries lint` (checkpatch.pl itself runs
 * in builtin/lint.c; its output is attributed here):
 *
 *  from-signoff      the author (From:) is the last Signed-off-by
 *  subject-prefix    the subject starts with a subsystem prefix
 *                    ("KVM: x86/xen: ...")
 *  subject-period    the subject does not end with a period
 *  fixes             "Fixes: <12 hex digits> (\"<subject>\")" names a
 *                    commit of the kernel tree or of the upstream-commits
 *                    list, with its right abbreviation and subject
 *  fixes-missing     (warning) a patch that says it fixes something has
 *                    a Fixes: tag, see lint_says_fix()
 *  duplicate-subject no two patches share a subject
 *  series-missing    every series entry has its file in patches/
 *  series-orphan     every file in patches/ is in the series
 *  diffstat          the diffstat under "---" matches the diff
 *  malformed         the patch parses at all
 */
#ifndef KSERIES_LINT_H
#define KSERIES_LINT_H

#include <stdbool.h>

#include "series.h"
#include "util.h"

enum lint_check {
	LINT_CHECKPATCH,
	LINT_MALFORMED,
	LINT_FROM_SIGNOFF,
	LINT_SUBJECT_PREFIX,
	LINT_SUBJECT_PERIOD,
	LINT_FIXES,
	LINT_FIXES_MISSING,
	LINT_DUPLICATE_SUBJECT,
	LINT_SERIES_MISSING,
	LINT_SERIES_ORPHAN,
	LINT_DIFFSTAT,
};

struct lint_finding {
	enum lint_check check;
	char *patch;		/* its name in the series; NULL: the series */
	int line;		/* in the patch (or series) file; 0 unknown */
	char *msg;
	bool warning;		/* reported, but not a problem (exit 0) */
};

struct lint_report {
	struct lint_finding *v;
	size_t nr, alloc;
};

const char *lint_check_name(enum lint_check c);
void lint_add(struct lint_report *r, enum lint_check c, const char *patch,
	      int line, const char *fmt, ...) __printf(5, 6);
/* The same, as a warning: reported, but lint still succeeds. */
void lint_warn(struct lint_report *r, enum lint_check c, const char *patch,
	       int line, const char *fmt, ...) __printf(5, 6);
/* How many findings are about @patch (NULL: the series itself). */
size_t lint_count(const struct lint_report *r, const char *patch);
/* How many of those are warnings. */
size_t lint_count_warnings(const struct lint_report *r, const char *patch);
/* How many findings of the whole report are problems (not warnings). */
size_t lint_problems(const struct lint_report *r);

/*
 * Whether a patch says it fixes something: its subject has the word
 * "fix", "fixes" or "fixed" (any case), or its body says "this fixes",
 * "this patch fixes", "fixes a bug" or "fixes the bug".  Not when the
 * subject is about a typo, or the body says "No functional change" or
 * explains itself with "No Fixes: tag".
 */
bool lint_says_fix(const char *subject, const char *body);
void lint_report_release(struct lint_report *r);

/*
 * Upstream commits the series refers to, for a base without history:
 * kernel-overlay/upstream-commits, one "<id> <subject>" a line (the id
 * with 12 to 40 hex digits), '#' comments.
 */
struct upstream_commit {
	char *id;
	char *subject;
};

struct upstream_commits {
	struct upstream_commit *v;
	size_t nr, alloc;
};

int upstream_commits_parse(const char *text, struct upstream_commits *uc,
			   struct strbuf *err);
void upstream_commits_release(struct upstream_commits *uc);

/*
 * Look up commit @id (hex, maybe abbreviated) in the kernel tree: 0 found
 * (@full gets the 40-digit id, *@subject its subject), 1 unknown,
 * 2 ambiguous.
 */
typedef int (*lint_commit_fn)(void *data, const char *id, char full[41],
			      char **subject);

struct lint_ctx {
	lint_commit_fn commit;		/* may be NULL */
	void *data;
	const struct upstream_commits *upstream;	/* may be NULL */
};

/* The checks of one patch file (@name for the report). */
void lint_patch(struct lint_report *r, const struct lint_ctx *ctx,
		const char *name, const char *text, size_t len);
/* No two of the @n patches share a subject (NULL: did not parse). */
void lint_duplicates(struct lint_report *r, char *const *names,
		     char *const *subjects, size_t n);
/* The series file and the files in its patches directory agree. */
void lint_series_files(struct lint_report *r, const struct series *s);
/*
 * Attribute checkpatch.pl --terse --show-types output: a line
 * "PATH:LINE: TYPE:NAME: message" whose PATH is @paths[i] is a finding
 * of @names[i]. Returns how many lines were attributed.
 */
size_t lint_checkpatch_output(struct lint_report *r, const char *output,
			      char *const *paths, char *const *names,
			      size_t n);

#endif
