/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The selftests a boot runs: built by `kseries selftests` (selftests/
 * Makefile) into <dir>/<suite>/<name> with <dir>/<suite>/list giving the
 * order; a test with <dir>/<suite>/<name>.cmdline needs its own boot with
 * those extra kernel parameters (tests sharing a command line share a
 * boot).
 */
#ifndef KSERIES_TESTSET_H
#define KSERIES_TESTSET_H

#include <stdbool.h>
#include <stddef.h>

struct test_entry {
	char *name;	/* "suite/name" */
	char *path;	/* the binary on the host */
	char *cmdline;	/* extra kernel parameters, "" for none */
};

struct testset {
	struct test_entry *t;
	size_t nr, alloc;
};

/* The default selftests directory for @build: "selftests" beside it. */
char *selftests_default_dir(const char *build);

/* Add one test (for callers and tests); @cmdline may be NULL. */
void testset_add(struct testset *ts, const char *name, const char *path,
		 const char *cmdline);
/*
 * Load every suite under @dir: "project" first, then the others in name
 * order. Returns -1 if @dir has no suite at all.
 */
int testset_load(struct testset *ts, const char *dir);
/*
 * Keep the tests @spec names: comma-separated "suite/name" or "suite"
 * (a whole suite), in the order given. -1 (reported) if one matches no
 * test.
 */
int testset_select(struct testset *ts, const char *spec);
struct known_failures;
/*
 * Drop the tests @list names (a known-failures or slow-tests list); with
 * @only_skip, only those it marks "SKIP" (run only when asked for by
 * name). The order of the others stays. Returns how many were dropped.
 */
size_t testset_drop_listed(struct testset *ts,
			   const struct known_failures *list, bool only_skip);
void testset_release(struct testset *ts);

/* Whitespace-normalised command line: "a  b\n" -> "a b"; '#' comments. */
char *cmdline_normalise(const char *text);

/* A boot: the tests (indexes into the testset) sharing a command line. */
struct boot_group {
	char *cmdline;
	size_t *idx;
	size_t nr;
};

/*
 * Group @ts by command line, in the order each command line first
 * appears. Returns the number of groups.
 */
size_t testset_group(const struct testset *ts, struct boot_group **groups);
void boot_groups_release(struct boot_group *g, size_t nr);

#endif
