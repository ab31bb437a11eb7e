// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the results-port parser, the judging of a boot's results
 * (missing results, timeouts, known failures) and the TAP written back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tap.h"
#include "util.h"

static void test_parse_results(void **state)
{
	struct test_result t;

	assert_true(tap_parse_result("ok 1 project/smoke_test # time=310ms",
				     &t));
	assert_string_equal(t.name, "project/smoke_test");
	assert_int_equal(t.status, TS_PASS);
	assert_int_equal(t.rc, 0);
	assert_true(t.secs > 0.3099 && t.secs < 0.3101);
	test_result_release(&t);

	assert_true(tap_parse_result("ok 2 base/evmcs_test # SKIP time=20ms",
				     &t));
	assert_int_equal(t.status, TS_SKIP);
	assert_int_equal(t.rc, 4);
	test_result_release(&t);

	assert_true(tap_parse_result("not ok 3 base/state_test # rc=254 time=1200ms\r",
				     &t));
	assert_string_equal(t.name, "base/state_test");
	assert_int_equal(t.status, TS_FAIL);
	assert_int_equal(t.rc, 254);
	test_result_release(&t);

	assert_true(tap_parse_result("not ok 4 base/dirty_log_test # TIMEOUT rc=137 time=300000ms",
				     &t));
	assert_int_equal(t.status, TS_TIMEOUT);
	assert_int_equal(t.rc, 137);
	assert_true(t.secs > 299.9);
	test_result_release(&t);

	assert_true(tap_parse_result("not ok 5 project/gone_test # missing",
				     &t));
	assert_int_equal(t.status, TS_FAIL);
	assert_non_null(t.reason);
	assert_true(t.secs < 0);
	test_result_release(&t);

	/* Plain TAP: a dash, a TODO directive, no directive. */
	assert_true(tap_parse_result("not ok 6 - x # TODO later", &t));
	assert_string_equal(t.name, "x");
	assert_int_equal(t.status, TS_XFAIL);
	test_result_release(&t);
	assert_true(tap_parse_result("ok 7 y", &t));
	assert_string_equal(t.name, "y");
	assert_int_equal(t.status, TS_PASS);
	test_result_release(&t);

	assert_false(tap_parse_result("1..3", &t));
	assert_false(tap_parse_result("# ks: done", &t));
	assert_false(tap_parse_result("okay 1 x", &t));
	assert_false(tap_parse_result("ok x", &t));
	assert_false(tap_parse_result("not ok", &t));
}

static void feed(struct tap_run *run, const char *text)
{
	char *copy = xstrdup(text), *line, *save = NULL;

	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		tap_feed_line(run, line);
	free(copy);
}

static void test_feed(void **state)
{
	struct tap_run run;
	struct test_result *t;

	tap_run_init(&run);
	assert_int_equal(run.planned, -1);
	assert_null(tap_feed_line(&run, "TAP version 13"));
	assert_true(run.header);
	assert_null(tap_feed_line(&run,
		"# ks: kernel 5.10.223 console=ttyS0 panic=-1"));
	assert_string_equal(run.kernel, "5.10.223");
	assert_string_equal(run.guest_cmdline, "console=ttyS0 panic=-1");
	assert_null(tap_feed_line(&run, "1..2"));
	assert_int_equal(run.planned, 2);
	t = tap_feed_line(&run, "ok 1 a/b # time=1ms");
	assert_non_null(t);
	assert_string_equal(t->name, "a/b");
	assert_null(tap_feed_line(&run, "random noise"));
	assert_false(run.done);
	assert_null(tap_feed_line(&run, "# ks: done"));
	assert_true(run.done);
	assert_int_equal(run.nr, 1);
	tap_run_release(&run);
}

static void free_results(struct test_result *r, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		test_result_release(&r[i]);
	free(r);
}

static void test_judge_missing(void **state)
{
	char *want[] = { "p/a", "p/b", "p/c", "p/d" };
	struct known_failures k = { 0 };
	struct test_result *r = NULL;
	size_t nr = 0, alloc = 0;
	struct tap_run run;

	/* The guest died during p/c: c crashed, d never ran. */
	tap_run_init(&run);
	feed(&run, "TAP version 13\n1..4\nok 1 p/a # time=5ms\n"
		   "not ok 2 p/b # rc=1 time=7ms\n");
	tap_judge(&run, want, 4, &k, 2, &r, &nr, &alloc);
	assert_int_equal(nr, 4);
	assert_int_equal(r[0].status, TS_PASS);
	assert_int_equal(r[1].status, TS_FAIL);
	assert_string_equal(r[1].reason, "exit status 1");
	assert_int_equal(r[2].status, TS_CRASH);
	assert_int_equal(r[3].status, TS_NOTRUN);
	assert_int_equal(r[3].boot, 2);
	assert_true(test_status_failed(r[2].status));
	assert_true(test_status_failed(r[3].status));
	assert_false(test_status_failed(r[0].status));
	free_results(r, nr);
	tap_run_release(&run);

	/* Finished, but a test never reported: not run, no crash. */
	r = NULL;
	nr = alloc = 0;
	tap_run_init(&run);
	feed(&run, "ok 1 p/a\nok 3 p/c # SKIP\nok 4 p/d\n# ks: done\n");
	tap_judge(&run, want, 4, &k, 0, &r, &nr, &alloc);
	assert_int_equal(r[1].status, TS_NOTRUN);
	assert_int_equal(r[2].status, TS_SKIP);
	assert_int_equal(r[3].status, TS_PASS);
	free_results(r, nr);
	tap_run_release(&run);

	/* Died before the init's plan (a panic at boot): nothing ran. */
	r = NULL;
	nr = alloc = 0;
	tap_run_init(&run);
	feed(&run, "TAP version 13\n");
	tap_judge(&run, want, 4, &k, 0, &r, &nr, &alloc);
	assert_int_equal(nr, 4);
	assert_int_equal(r[0].status, TS_NOTRUN);
	assert_non_null(strstr(r[0].reason, "before its init"));
	assert_int_equal(r[3].status, TS_NOTRUN);
	free_results(r, nr);
	tap_run_release(&run);
}

static void test_known_failures(void **state)
{
	static const char text[] =
		"# comment\n"
		"\n"
		"base/state_test\tKVM_GET_MSRS fails on MSR 0x3a on SVM\n"
		"  base/smm_test   same  \n"
		"base/debug_regs\n"
		"base/slow_test  SKIP  takes 10 minutes under TCG\n";
	char *want[] = {
		"base/state_test", "base/smm_test", "base/debug_regs",
		"base/other",
	};
	struct known_failures k = { 0 };
	struct test_result *r = NULL;
	size_t nr = 0, alloc = 0;
	struct tap_counts c;
	struct tap_run run;

	assert_int_equal(known_failures_parse(&k, text, "kf"), 0);
	assert_int_equal(k.nr, 4);
	assert_true(k.kf[3].skip);
	assert_false(k.kf[0].skip);
	assert_string_equal(k.kf[3].reason, "takes 10 minutes under TCG");
	assert_string_equal(k.kf[0].reason,
			    "KVM_GET_MSRS fails on MSR 0x3a on SVM");
	assert_string_equal(k.kf[1].name, "base/smm_test");
	assert_string_equal(k.kf[1].reason, "same");
	assert_string_equal(k.kf[2].reason, "known failure");
	assert_non_null(known_failures_find(&k, "base/debug_regs"));
	assert_null(known_failures_find(&k, "base/debug"));

	tap_run_init(&run);
	feed(&run, "not ok 1 base/state_test # rc=254\n"
		   "ok 2 base/smm_test\n"
		   "not ok 3 base/debug_regs # TIMEOUT rc=137\n"
		   "not ok 4 base/other # rc=1\n# ks: done\n");
	tap_judge(&run, want, 4, &k, 0, &r, &nr, &alloc);
	assert_int_equal(r[0].status, TS_XFAIL);
	assert_string_equal(r[0].reason,
			    "KVM_GET_MSRS fails on MSR 0x3a on SVM");
	assert_int_equal(r[1].status, TS_XPASS);
	assert_non_null(strstr(r[1].reason, "known failure passed"));
	assert_int_equal(r[2].status, TS_XFAIL);
	assert_int_equal(r[3].status, TS_FAIL);
	tap_count(r, nr, &c);
	assert_int_equal(c.xfail, 2);
	assert_int_equal(c.xpass, 1);
	assert_int_equal(c.fail, 1);
	assert_int_equal(c.pass, 0);
	free_results(r, nr);
	tap_run_release(&run);
	known_failures_release(&k);

	/* A line without suite/ is refused, with its line number. */
	assert_int_equal(known_failures_parse(&k, "ok/x a\nstate_test b\n",
					      "kf"), -1);
	known_failures_release(&k);
	/* A missing file is an empty list. */
	assert_int_equal(known_failures_load(&k, "/nonexistent/kf"), 0);
	assert_int_equal(k.nr, 0);
}

static void test_write_tap(void **state)
{
	struct test_result t[] = {
		{ .name = "p/a", .status = TS_PASS, .secs = 0.5 },
		{ .name = "p/b", .status = TS_SKIP, .secs = -1 },
		{ .name = "b/c", .status = TS_XFAIL, .secs = 1.25,
		  .reason = "MSR 0x3a" },
		{ .name = "b/d", .status = TS_FAIL, .secs = -1,
		  .reason = "exit status 1" },
		{ .name = "b/e", .status = TS_NOTRUN, .secs = -1 },
	};
	struct strbuf sb = STRBUF_INIT;

	tap_write(&sb, NULL, t, ARRAY_SIZE(t));
	assert_string_equal(sb.buf,
		"TAP version 13\n"
		"1..5\n"
		"ok 1 p/a time=0.50s\n"
		"ok 2 p/b # SKIP\n"
		"not ok 3 b/c # TODO MSR 0x3a time=1.25s\n"
		"not ok 4 b/d # FAIL: exit status 1\n"
		"not ok 5 b/e # NOTRUN\n");
	sb_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_results),
		cmocka_unit_test(test_feed),
		cmocka_unit_test(test_judge_missing),
		cmocka_unit_test(test_known_failures),
		cmocka_unit_test(test_write_tap),
	};

	return cmocka_run_group_tests_name("tap", tests, NULL, NULL);
}
