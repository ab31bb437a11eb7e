/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's results: TAP lines the init writes to the results port,
 *
 *	TAP version 13
 *	# ks: kernel 5.10.223 console=ttyS0 ...
 *	1..3
 *	ok 1 project/smoke_test # time=310ms
 *	ok 2 base/evmcs_test # SKIP time=20ms
 *	not ok 3 base/state_test # rc=1 time=1200ms
 *	not ok 4 base/dirty_log_test # TIMEOUT rc=137 time=300000ms
 *	# ks: done
 *
 * parsed line by line as they arrive, then judged against the tests that
 * were asked for and the known failures (selftests/known-failures, lines
 * "suite/name  reason": expected to fail in this guest, reported as TAP
 * TODO so they do not fail the run, and flagged when they pass).
 */
#ifndef KSERIES_TAP_H
#define KSERIES_TAP_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

enum test_status {
	TS_NOTRUN,	/* never reached: the guest stopped before it */
	TS_PASS,
	TS_SKIP,
	TS_FAIL,
	TS_TIMEOUT,	/* killed by the init's per-test timeout */
	TS_XFAIL,	/* a known failure that failed */
	TS_XPASS,	/* a known failure that passed: prune the list */
	TS_CRASH,	/* running when the guest died: no result */
};

const char *test_status_name(enum test_status s);
/* Whether @s fails the run. */
bool test_status_failed(enum test_status s);

struct test_result {
	char *name;		/* "suite/name" */
	enum test_status status;
	int rc;			/* exit status, -1 if unknown */
	double secs;		/* guest-measured, -1 if unknown */
	double host_secs;	/* host time since QEMU start at the result */
	char *reason;		/* known-failure reason, or why it failed */
	char *output;		/* the test's last console lines, or NULL */
	unsigned int boot;	/* which boot ran it (0-based) */
};

/* One parsed result line; returns false for any other line. */
bool tap_parse_result(const char *line, struct test_result *out);
void test_result_release(struct test_result *t);

/* The state of one boot's results port. */
struct tap_run {
	bool header;		/* "TAP version" seen */
	bool done;		/* "# ks: done" seen */
	long planned;		/* from "1..N", -1 before it */
	char *kernel;		/* release, from "# ks: kernel R CMDLINE" */
	char *guest_cmdline;	/* the command line the guest saw */
	struct test_result *tests;
	size_t nr, alloc;
	struct strbuf partial;	/* an incomplete last line */
};

void tap_run_init(struct tap_run *run);
void tap_run_release(struct tap_run *run);
/*
 * Feed one complete line (without '\n'). Returns the new result if the
 * line was one, else NULL.
 */
struct test_result *tap_feed_line(struct tap_run *run, const char *line);

/* Known failures */
struct known_failure {
	char *name;
	char *reason;
	bool skip;	/* "SKIP reason": not run unless asked for by name */
};

struct known_failures {
	struct known_failure *kf;
	size_t nr, alloc;
};

/*
 * Parse "suite/name  reason" lines ('#' comments); -1 on a bad line. A
 * reason starting with "SKIP " marks a test not to run by default (too
 * slow for this guest, say): it is reported as skipped with the reason.
 */
int known_failures_parse(struct known_failures *k, const char *text,
			 const char *path);
/* Load @path; a missing file is an empty list. */
int known_failures_load(struct known_failures *k, const char *path);
const struct known_failure *known_failures_find(
	const struct known_failures *k, const char *name);
void known_failures_release(struct known_failures *k);

/*
 * The final results of one boot: every test in @want (in order) gets
 * the guest's result; one without a result is TS_CRASH if it was the
 * first one missing and the guest did not finish, else TS_NOTRUN.
 * Known failures become TS_XFAIL or TS_XPASS. Appends to @out.
 */
void tap_judge(const struct tap_run *run, char **want, size_t nr_want,
	       const struct known_failures *k, unsigned int boot,
	       struct test_result **out, size_t *nr, size_t *alloc);

/* Counts of a result set, and TAP for it (TODO for known failures). */
struct tap_counts {
	unsigned int pass, skip, fail, xfail, xpass, notrun;
};

void tap_count(const struct test_result *t, size_t nr, struct tap_counts *c);
/* @comment (or NULL): a "# ..." line after the version, as the header. */
void tap_write(struct strbuf *out, const char *comment,
	       const struct test_result *t, size_t nr);

#endif
