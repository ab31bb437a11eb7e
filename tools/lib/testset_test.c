// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the selftest set: loading <dir>/<suite>/list with
 * NAME.cmdline files, selecting, and grouping by kernel command line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tap.h"
#include "testset.h"
#include "util.h"

static void put(const char *dir, const char *rel, const char *text)
{
	char *p = path_join(dir, rel), *slash = strrchr(p, '/');

	*slash = '\0';
	assert_int_equal(mkdir_p(p, 0755), 0);
	*slash = '/';
	assert_int_equal(write_file_atomic(p, text, strlen(text)), 0);
	free(p);
}

static void test_normalise(void **state)
{
	char *s;

	s = cmdline_normalise("  lockdown=integrity\n\tkvm_amd.npt=0  \n");
	assert_string_equal(s, "lockdown=integrity kvm_amd.npt=0");
	free(s);
	s = cmdline_normalise("# why: the test needs it\nfoo=1 # bar\nbaz\n");
	assert_string_equal(s, "foo=1 baz");
	free(s);
	s = cmdline_normalise("a#b");
	assert_string_equal(s, "a#b");
	free(s);
	s = cmdline_normalise("");
	assert_string_equal(s, "");
	free(s);
}

static void test_group(void **state)
{
	struct testset ts = { 0 };
	struct boot_group *g;
	size_t n;

	testset_add(&ts, "project/smoke_test", "/x", NULL);
	testset_add(&ts, "project/lock_test", "/x", "lockdown=integrity\n");
	testset_add(&ts, "project/npt0_test", "/x", "kvm_amd.npt=0");
	testset_add(&ts, "base/a", "/x", "");
	testset_add(&ts, "project/lock2_test", "/x", " lockdown=integrity");
	n = testset_group(&ts, &g);
	assert_int_equal(n, 3);
	assert_string_equal(g[0].cmdline, "");
	assert_int_equal(g[0].nr, 2);
	assert_int_equal(g[0].idx[0], 0);
	assert_int_equal(g[0].idx[1], 3);
	assert_string_equal(g[1].cmdline, "lockdown=integrity");
	assert_int_equal(g[1].nr, 2);
	assert_int_equal(g[1].idx[1], 4);
	assert_string_equal(g[2].cmdline, "kvm_amd.npt=0");
	assert_int_equal(g[2].nr, 1);
	boot_groups_release(g, n);
	testset_release(&ts);
}

static void test_load_select(void **state)
{
	char tmpl[] = "/tmp/ks-testset-XXXXXX";
	char *dir = mkdtemp(tmpl);
	struct testset ts = { 0 };
	char *p;

	assert_non_null(dir);
	put(dir, "base/list", "a_test\n# comment\n\nstate_test\n");
	put(dir, "project/list", "smoke_test\nlock_test\n");
	put(dir, "project/lock_test.cmdline", "lockdown=integrity\n");
	put(dir, "zzz/notasuite", "");
	assert_int_equal(testset_load(&ts, dir), 0);
	assert_int_equal(ts.nr, 4);
	/* The project's suite first, whatever the directory order. */
	assert_string_equal(ts.t[0].name, "project/smoke_test");
	assert_string_equal(ts.t[0].cmdline, "");
	assert_string_equal(ts.t[1].name, "project/lock_test");
	assert_string_equal(ts.t[1].cmdline, "lockdown=integrity");
	assert_string_equal(ts.t[2].name, "base/a_test");
	assert_string_equal(ts.t[3].name, "base/state_test");
	p = path_join(dir, "base/state_test");
	assert_string_equal(ts.t[3].path, p);
	free(p);

	/* Order of the spec; a suite selects all of it; no duplicates. */
	assert_int_equal(testset_select(&ts,
		"base/state_test,project,project/smoke_test"), 0);
	assert_int_equal(ts.nr, 3);
	assert_string_equal(ts.t[0].name, "base/state_test");
	assert_string_equal(ts.t[1].name, "project/smoke_test");
	assert_string_equal(ts.t[2].name, "project/lock_test");
	/* An unknown name is an error. */
	assert_int_equal(testset_select(&ts, "project/nope"), -1);
	testset_release(&ts);

	assert_int_equal(testset_load(&ts, dir), 0);
	assert_int_equal(testset_select(&ts, "base/*"), 0);
	assert_int_equal(ts.nr, 2);
	testset_release(&ts);

	remove_tree(dir);
	/* No suite at all. */
	assert_int_equal(testset_load(&ts, "/nonexistent/st"), -1);
}

static void test_drop_listed(void **state)
{
	struct known_failures k = { 0 };
	struct testset ts = { 0 };

	testset_add(&ts, "project/a_test", "/t/a", NULL);
	testset_add(&ts, "base/slow_test", "/t/s", NULL);
	testset_add(&ts, "base/b_test", "/t/b", NULL);
	testset_add(&ts, "base/flaky_test", "/t/f", "x=1");
	assert_int_equal(known_failures_parse(&k,
		"base/slow_test\tslow\nbase/flaky_test\tSKIP races\n"
		"base/none\tSKIP not in the set\n", "list"), 0);

	/* Only the "SKIP" ones: the order of the others stays. */
	assert_int_equal(testset_drop_listed(&ts, &k, true), 1);
	assert_int_equal(ts.nr, 3);
	assert_string_equal(ts.t[0].name, "project/a_test");
	assert_string_equal(ts.t[1].name, "base/slow_test");
	assert_string_equal(ts.t[2].name, "base/b_test");

	/* Every one listed. */
	assert_int_equal(testset_drop_listed(&ts, &k, false), 1);
	assert_int_equal(ts.nr, 2);
	assert_string_equal(ts.t[0].name, "project/a_test");
	assert_string_equal(ts.t[1].name, "base/b_test");
	assert_int_equal(testset_drop_listed(&ts, &k, false), 0);

	testset_release(&ts);
	known_failures_release(&k);
}

static void test_default_dir(void **state)
{
	char *s;

	s = selftests_default_dir("/root/.cache/kseries/build");
	assert_string_equal(s, "/root/.cache/kseries/selftests");
	free(s);
	s = selftests_default_dir("/root/dev/vm/build/");
	assert_string_equal(s, "/root/dev/vm/selftests");
	free(s);
	s = selftests_default_dir("/build");
	assert_string_equal(s, "/selftests");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_group),
		cmocka_unit_test(test_load_select),
		cmocka_unit_test(test_drop_listed),
		cmocka_unit_test(test_default_dir),
	};

	return cmocka_run_group_tests_name("testset", tests, NULL, NULL);
}
