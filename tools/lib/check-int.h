/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the lib/check*.c modules share with each other and nobody else:
 * the public interface is check.h.
 */
#ifndef KSERIES_CHECK_INT_H
#define KSERIES_CHECK_INT_H

#include "check.h"

/* A new test @name at the end of @r's (secs -1: not timed). */
struct check_test *check_add_test(struct check_result *r, const char *name);

/*
 * The diff of commit @b's tree against commit @a's, into @diff
 * (git_diff_free()); -1 if either cannot be read.
 */
int check_diff_commits(git_repository *repo, const git_oid *a,
		       const git_oid *b, git_diff **diff);

/* What vm_opts.kvm says for the accelerator chosen in check_ctx_init(). */
int check_ctx_want(const struct check_ctx *c);

/* @row's result of test @name; *@present whether it has one. */
enum test_status check_row_status(const struct check_row *row,
				  const char *name, bool *present);
/* FAIL, TIMEOUT or CRASH: not a known failure. */
bool check_is_failure(enum test_status s);

/* The kinds of finding (lib/warnings): gcc, W=1, sparse, coccinelle. */
#define CHECK_KINDS	(WK_COCCI + 1)

/* How many findings of each kind @ws holds. */
void check_kind_counts(const struct wset *ws, size_t n[CHECK_KINDS]);

#endif
