// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the per-patch check's core: the cached result's text
 * form, the cache key, the judgement of a range (build failures, new
 * warnings against the last patch that built, boot verdicts, test
 * regressions and what does not count as one), the matrix, JSON, JUnit
 * and TAP written from it, and the commit-to-patch-file mapping.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "check.h"
#include "junit.h"
#include "util.h"

static void test_roundtrip(void **state)
{
	struct check_result r = { 0 }, back = { 0 };
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	struct warning w = { "kernel/a.c", "unused 'x'\twith a tab" };
	const struct check_test *t;

	memset(r.commit, 'a', 40);
	r.subject = xstrdup("KVM: x86: a \\ subject");
	r.build = CB_OK;
	r.make_secs = 12.5;
	r.compiled = 7;
	wset_add(&r.warnings, &w);
	r.booted = true;
	r.verdict = VV_PANIC;
	r.boot_secs = 3.25;
	r.boots = 2;
	r.retries = 1;
	r.evidence = xstrdup("panic at console line 3:\nKernel panic - not syncing: x\n");
	r.nr_tests = 0;
	{
		struct check_test *ct;

		r.tests = xcalloc(2, sizeof(*r.tests));
		r.alloc_tests = 2;
		ct = &r.tests[r.nr_tests++];
		ct->name = xstrdup("project/smoke_test");
		ct->status = TS_PASS;
		ct->secs = 0.5;
		ct = &r.tests[r.nr_tests++];
		ct->name = xstrdup("base/state_test");
		ct->status = TS_XFAIL;
		ct->secs = -1;
		ct->reason = xstrdup("MSR 0x3a");
		ct->output = xstrdup("line 1\nline\t2\n");
	}
	r.total_secs = 20;
	memset(r.image, 'b', 64);
	r.reused = true;
	strcpy(r.accel, "tcg");
	memset(r.same_build, 'c', 40);
	check_result_format(&r, &a);
	assert_int_equal(check_result_parse(&back, a.buf), 0);
	check_result_format(&back, &b);
	assert_string_equal(a.buf, b.buf);
	assert_string_equal(back.subject, r.subject);
	assert_int_equal(back.verdict, VV_PANIC);
	assert_int_equal(back.retries, 1);
	assert_string_equal(back.image, r.image);
	assert_string_equal(back.accel, "tcg");
	assert_true(back.reused);
	assert_string_equal(back.same_build, r.same_build);
	assert_string_equal(back.evidence, r.evidence);
	assert_int_equal(back.warnings.nr, 1);
	assert_string_equal(back.warnings.w[0].msg, w.msg);
	t = check_result_test(&back, "base/state_test");
	assert_non_null(t);
	assert_int_equal(t->status, TS_XFAIL);
	assert_string_equal(t->output, "line 1\nline\t2\n");
	assert_null(check_result_test(&back, "base/nope"));

	/* Not a result: refused, nothing leaked. */
	check_result_release(&back);
	assert_int_equal(check_result_parse(&back, "kseries-check 2\n"), -1);
	check_result_release(&back);
	assert_int_equal(check_result_parse(&back, "kseries-check 1\nbuild x\n"),
			 -1);
	assert_int_equal(check_result_parse(&back, "kseries-check 1\nsubject x\n"),
			 -1);	/* no commit */
	assert_int_equal(check_result_parse(&back, "kseries-check 1\naccel hvf\n"),
			 -1);
	check_result_release(&r);
	sb_release(&a);
	sb_release(&b);
}

static void test_key(void **state)
{
	struct check_ctx c = { 0 };
	struct check_suite s1 = { 0 }, s2 = { 0 };
	char k1[65], k2[65], k3[65], k4[65];
	const char *commit = "0123456789012345678901234567890123456789";

	memset(c.inputs, 'i', 64);
	memset(s1.digest, '1', 64);
	memset(s2.digest, '2', 64);
	check_key(&c, commit, &s1, k1);
	check_key(&c, commit, &s1, k2);
	assert_string_equal(k1, k2);
	check_key(&c, commit, &s2, k2);
	assert_string_not_equal(k1, k2);
	check_key(&c, commit, NULL, k3);
	assert_string_not_equal(k1, k3);
	c.inputs[0] = 'j';	/* another toolchain or fragment */
	check_key(&c, commit, &s1, k4);
	assert_string_not_equal(k1, k4);
	assert_int_equal(strlen(k1), 64);
}

/* A row: tests as "name=P,name=S" with P S F T(imeout) C(rash) X x N. */
/* A status letter of the fixtures: P S F T C X x, anything else not run. */
static enum test_status status_of(char c)
{
	static const char letters[] = "PSFTCXx";
	static const enum test_status st[] = {
		TS_PASS, TS_SKIP, TS_FAIL, TS_TIMEOUT, TS_CRASH, TS_XPASS,
		TS_XFAIL,
	};
	const char *p = c ? strchr(letters, c) : NULL;

	return p ? st[p - letters] : TS_NOTRUN;
}

static struct check_row *add_row(struct check_report *rep,
				 const char *subject, enum check_build b,
				 int verdict, const char *tests)
{
	struct check_row *row;
	char *copy, *tok, *save = NULL;

	ALLOC_GROW(rep->rows, rep->nr + 1, rep->alloc);
	row = &rep->rows[rep->nr];
	memset(row, 0, sizeof(*row));
	row->index = rep->nr++;
	snprintf(row->r.commit, sizeof(row->r.commit), "%040zu", row->index);
	row->r.subject = xstrdup(subject);
	row->r.build = b;
	if (verdict >= 0) {
		row->r.booted = true;
		row->r.verdict = verdict;
	}
	copy = xstrdup(tests ? tests : "");
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		struct check_test *t;

		*eq = '\0';
		ALLOC_GROW(row->r.tests, row->r.nr_tests + 1,
			   row->r.alloc_tests);
		t = &row->r.tests[row->r.nr_tests++];
		memset(t, 0, sizeof(*t));
		t->name = xstrdup(tok);
		t->secs = 1;
		t->status = status_of(eq[1]);
		if (t->status == TS_FAIL)
			t->output = xstrdup("==== Test Assertion Failure ====\nvalue 41, expected 42\n");
	}
	free(copy);
	return row;
}

static void warn(struct check_row *row, const char *file, const char *msg)
{
	struct warning w = { (char *)file, (char *)msg };

	wset_add(&row->r.warnings, &w);
}

static bool reason_has(const struct check_row *row, const char *what)
{
	return row->reasons.buf && strstr(row->reasons.buf, what);
}

/*
 * The fixture's shape: a harmless patch, a new warning, a broken build
 * fixed by the next patch, a panic fixed by the next, a test regression.
 */
static void make_series(struct check_report *rep)
{
	struct check_row *r;

	r = add_row(rep, "base", CB_OK, VV_OK, "p/a=P,p/b=S,b/slow=P,b/k=x");
	warn(r, "kernel/old.c", "old warning");
	r = add_row(rep, "harmless", CB_OK, VV_OK, "p/a=P,p/b=S,b/k=x");
	warn(r, "kernel/old.c", "old warning");
	r = add_row(rep, "adds a warning", CB_OK, VV_OK, "p/a=P,p/b=S,b/k=x");
	warn(r, "kernel/old.c", "old warning");
	warn(r, "lib/new.c", "unused variable 'v'");
	add_row(rep, "breaks the build", CB_FAIL, -1, NULL);
	r = add_row(rep, "fixes the build", CB_OK, VV_OK, "p/a=P,p/b=S,b/k=x");
	warn(r, "kernel/old.c", "old warning");
	warn(r, "lib/new.c", "unused variable 'v'");
	r = add_row(rep, "panics", CB_OK, VV_PANIC, "p/a=C,p/b=N,b/k=N");
	r->r.evidence = xstrdup("Kernel panic - not syncing: planted");
	warn(r, "kernel/old.c", "old warning");
	warn(r, "lib/new.c", "unused variable 'v'");
	r = add_row(rep, "fixes the panic", CB_OK, VV_OK, "p/a=P,p/b=S,b/k=x");
	warn(r, "kernel/old.c", "old warning");
	warn(r, "lib/new.c", "unused variable 'v'");
	r = add_row(rep, "breaks a test", CB_OK, VV_OK, "p/a=F,p/b=S,b/k=x");
	warn(r, "kernel/old.c", "old warning");
	warn(r, "lib/new.c", "unused variable 'v'");
	r = add_row(rep, "tip", CB_OK, VV_OK,
		    "p/a=F,p/b=S,b/slow=P,b/k=x");
	warn(r, "kernel/old.c", "old warning");
	warn(r, "lib/new.c", "unused variable 'v'");
}

static void test_judge_series(void **state)
{
	struct check_report rep = { 0 };
	size_t i;

	make_series(&rep);
	check_judge(&rep);
	/* Exactly the planted ones. */
	for (i = 0; i < rep.nr; i++) {
		bool want = i == 2 || i == 3 || i == 5 || i == 7;

		if (rep.rows[i].flagged != want)
			fail_msg("row %zu (%s): flagged %d: %s", i,
				 rep.rows[i].r.subject, rep.rows[i].flagged,
				 rep.rows[i].reasons.buf);
	}
	assert_int_equal(rep.flagged, 4);
	assert_true(rep.rows[0].reference);
	assert_true(reason_has(&rep.rows[2], "1 new warning"));
	assert_int_equal(rep.rows[2].added.nr, 1);
	assert_string_equal(rep.rows[2].added.w[0].file, "lib/new.c");
	assert_int_equal(rep.rows[2].fixed.nr, 0);
	assert_true(reason_has(&rep.rows[3], "build failed"));
	/* Compared with the last patch that built, not the broken one. */
	assert_int_equal(rep.rows[4].added.nr, 0);
	assert_int_equal(rep.rows[4].fixed.nr, 0);
	/* The panic is the reason, not its crashed test. */
	assert_string_equal(rep.rows[5].reasons.buf, "boot: panic");
	assert_true(reason_has(&rep.rows[7], "p/a PASS->FAIL"));
	/* The tip: p/a still fails (not new); the slow test is compared
	 * with the base, the last row that ran it. */
	assert_false(rep.rows[8].flagged);
	/* Columns: the row with the most tests first (the base). */
	assert_int_equal(rep.nr_cols, 4);
	assert_string_equal(rep.cols[2], "b/slow");
	/* Judging again gives the same (progress judges as it goes). */
	check_judge(&rep);
	assert_int_equal(rep.flagged, 4);
	check_report_release(&rep);
}

static void test_judge_rules(void **state)
{
	struct check_report rep = { 0 };

	add_row(&rep, "ref", CB_OK, VV_OK,
		"t/pass=P,t/skip=S,t/known=S,t/fail=F,t/xp=X,t/gone=P");
	add_row(&rep, "one", CB_OK, VV_OK,
		"t/pass=x,t/skip=F,t/known=x,t/fail=F,t/xp=x,t/new=T,t/gone=N");
	check_judge(&rep);
	assert_true(reason_has(&rep.rows[1], "t/pass PASS->XFAIL"));
	assert_true(reason_has(&rep.rows[1], "t/skip SKIP->FAIL"));
	assert_false(reason_has(&rep.rows[1], "t/known"));	/* SKIP->XFAIL */
	assert_false(reason_has(&rep.rows[1], "t/fail"));	/* still fails */
	assert_true(reason_has(&rep.rows[1], "t/xp XPASS->XFAIL"));
	assert_true(reason_has(&rep.rows[1],
			       "t/new TIMEOUT (no earlier result)"));
	/* No result from a boot that finished: a failure. */
	assert_true(reason_has(&rep.rows[1], "t/gone PASS->NOTRUN"));
	check_report_release(&rep);

	/* A hang: the test running then is named too. */
	add_row(&rep, "ref", CB_OK, VV_OK, "t/a=P,t/b=P");
	add_row(&rep, "hangs", CB_OK, VV_HANG, "t/a=T,t/b=N");
	check_judge(&rep);
	assert_true(reason_has(&rep.rows[1], "boot: hang"));
	assert_true(reason_has(&rep.rows[1], "t/a PASS->TIMEOUT"));
	assert_false(reason_has(&rep.rows[1], "t/b"));
	check_report_release(&rep);

	/* Build only: only builds and warnings count. */
	rep.build_only = true;
	add_row(&rep, "ref", CB_OK, -1, NULL);
	add_row(&rep, "ok", CB_OK, -1, NULL);
	check_judge(&rep);
	assert_int_equal(rep.flagged, 0);
	check_report_release(&rep);
}

/*
 * Static analysis: sparse and W=1 findings come with the warnings of a
 * build, coccinelle's with the row (against the patch's parent, even
 * when the build failed); each kind is named in the reasons, counted in
 * the matrix and the JSON.
 */
static void test_judge_static(void **state)
{
	struct check_report rep = { .static_checks = true, .build_only = true };
	struct strbuf m = STRBUF_INIT, j = STRBUF_INIT;
	struct warning cw = {
		"lib/b.c", "cocci: free/ifnullfree: f(): WARNING: NULL check"
	};
	struct check_row *r;

	r = add_row(&rep, "ref", CB_OK, -1, NULL);
	warn(r, "lib/a.c", "old one [-Wunused-function]");
	r = add_row(&rep, "sparse", CB_OK, -1, NULL);
	warn(r, "lib/a.c", "old one [-Wunused-function]");
	warn(r, "lib/a.c", "sparse: dereference of noderef expression");
	r = add_row(&rep, "cocci, broken", CB_FAIL, -1, NULL);
	wset_add(&r->cocci_added, &cw);
	r = add_row(&rep, "cocci fixed", CB_OK, -1, NULL);
	warn(r, "lib/a.c", "old one [-Wunused-function]");
	warn(r, "lib/a.c", "sparse: dereference of noderef expression");
	wset_add(&r->cocci_fixed, &cw);
	r = add_row(&rep, "w1", CB_OK, -1, NULL);
	warn(r, "lib/a.c", "old one [-Wunused-function]");
	warn(r, "lib/a.c", "sparse: dereference of noderef expression");
	warn(r, "lib/c.c", "no previous prototype for 'g' [-Wmissing-prototypes]");
	check_judge(&rep);
	assert_int_equal(rep.flagged, 3);
	assert_string_equal(rep.rows[1].reasons.buf, "1 new sparse warning");
	assert_string_equal(rep.rows[2].reasons.buf,
			    "build failed; 1 new coccinelle report");
	assert_false(rep.rows[3].flagged);
	assert_int_equal(rep.rows[3].fixed.nr, 1);
	assert_string_equal(rep.rows[4].reasons.buf, "1 new W=1 warning");

	check_format_matrix(&rep, &m);
	assert_non_null(strstr(m.buf, "build     gcc    W=1 sparse  cocci\n"));
	assert_non_null(strstr(m.buf, "0000 (base)"));
	assert_non_null(strstr(m.buf, " ok          1      0      0      -\n"));
	assert_non_null(strstr(m.buf, " ok          .      .     +1      .  <-\n"));
	assert_non_null(strstr(m.buf, " FAIL        -      -      -     +1  <-\n"));
	assert_non_null(strstr(m.buf, " ok          .      .      .     -1\n"));
	assert_non_null(strstr(m.buf, " ok          .     +1      .      .  <-\n"));
	assert_non_null(strstr(m.buf, "  + sparse: lib/a.c: sparse: dereference of noderef expression\n"));
	assert_non_null(strstr(m.buf, "  + cocci: lib/b.c: cocci: free/ifnullfree: f(): WARNING: NULL check\n"));
	assert_non_null(strstr(m.buf, "  - cocci (fixed): lib/b.c: cocci: free/ifnullfree: f(): "));
	assert_non_null(strstr(m.buf, "  + W=1: lib/c.c: no previous prototype for 'g' [-Wmissing-prototypes]\n"));
	assert_null(strstr(m.buf, "did not run (--no-static)"));

	check_format_json(&rep, &j);
	assert_non_null(strstr(j.buf, "\"static\":true,"));
	assert_non_null(strstr(j.buf, "\"added\":[{\"kind\":\"sparse\",\"file\":\"lib/a.c\""));
	assert_non_null(strstr(j.buf, "\"by_kind\":{\"gcc\":{\"added\":0,\"fixed\":0,\"total\":1},\"W=1\":{\"added\":0,\"fixed\":0,\"total\":0},\"sparse\":{\"added\":1,\"fixed\":0,\"total\":1},\"cocci\":{\"added\":0,\"fixed\":0,\"total\":null}}"));
	sb_release(&m);
	sb_release(&j);
	check_report_release(&rep);

	/* --no-static: sparse and cocci are not known, and it says so. */
	rep.build_only = true;
	add_row(&rep, "ref", CB_OK, -1, NULL);
	add_row(&rep, "one", CB_OK, -1, NULL);
	check_judge(&rep);
	check_format_matrix(&rep, &m);
	assert_non_null(strstr(m.buf, " ok          .      .      -      -\n"));
	assert_non_null(strstr(m.buf, "sparse and coccinelle did not run (--no-static)\n"));
	sb_release(&m);
	check_report_release(&rep);
}

static void test_outputs(void **state)
{
	struct check_report rep = { 0 };
	struct strbuf m = STRBUF_INIT, j = STRBUF_INIT, x = STRBUF_INIT;
	struct strbuf t = STRBUF_INIT;

	make_series(&rep);
	rep.rows[3].r.errors = xstrdup("    ../src/kernel/a.c:1:2: error: expected ';'\n");
	rep.rows[2].patch = xstrdup("patches/0002-adds-a-warning.patch");
	memset(rep.rows[8].r.same_build, 'd', 40);
	check_judge(&rep);
	check_format_matrix(&rep, &m);
	/*
	 * One row a patch: label, build, findings by kind (sparse and
	 * cocci not run here), boot, a char a test.
	 */
	assert_non_null(strstr(m.buf, "\n0002 adds a warning"));
	assert_non_null(strstr(m.buf, "ok         +1      .      -      - ok          PS-x  <-\n"));
	assert_non_null(strstr(m.buf, "FAIL        -      -      -      - -           ----  <-\n"));
	assert_non_null(strstr(m.buf, "ok          .      .      -      - panic       F---  <-\n"));
	assert_non_null(strstr(m.buf, "ok          .      .      -      - ok          FS-x  <-\n"));
	assert_non_null(strstr(m.buf, "ok          .      .      -      - ok          FSPx\n"));
	assert_non_null(strstr(m.buf, "  + warning: lib/new.c: unused variable 'v'\n"));
	assert_non_null(strstr(m.buf, "patches/0002-adds-a-warning.patch"));
	assert_non_null(strstr(m.buf, "error: expected ';'"));
	assert_non_null(strstr(m.buf, "Kernel panic - not syncing: planted"));
	assert_non_null(strstr(m.buf, "  p/a: FAIL\n    | ==== Test Assertion Failure ====\n    | value 41, expected 42\n"));
	assert_non_null(strstr(m.buf, "1 p/a"));

	check_format_json(&rep, &j);
	assert_non_null(strstr(j.buf, "\"flagged\":4,"));
	assert_non_null(strstr(j.buf, "\"name\":\"p/a\",\"status\":\"FAIL\",\"previous\":\"PASS\",\"regression\":true"));
	assert_non_null(strstr(j.buf, "\"added\":[{\"kind\":\"gcc\",\"file\":\"lib/new.c\",\"message\":\"unused variable 'v'\"}]"));
	assert_non_null(strstr(j.buf, "\"boot\":{\"verdict\":\"panic\""));
	/* A patch not built says whose build it has. */
	assert_non_null(strstr(j.buf, "\"same_build\":\"dddddddddddddddddddddddddddddddddddddddd\"}"));
	assert_non_null(strstr(j.buf, "\"log\":null,\"same_build\":null}"));
	assert_int_equal(j.buf[j.len - 2], '}');

	check_format_junit(&rep, &x);
	assert_true(starts_with(x.buf, "<?xml version=\"1.0\""));
	/* 9 suites; failures: build, warnings, boot, the test. */
	assert_non_null(strstr(x.buf, "<testsuites tests="));
	assert_non_null(strstr(x.buf, "failures=\"4\""));
	assert_non_null(strstr(x.buf, "<testsuite name=\"0007 breaks a test\""));
	assert_non_null(strstr(x.buf, "<failure message=\"PASS -&gt; FAIL"));
	assert_non_null(strstr(x.buf, "name=\"build\" time=\"0.000\">\n      <failure message=\"the build failed\">"));
	{
		const char *p = x.buf;
		size_t open = 0, close = 0;

		while ((p = strstr(p, "<testsuite ")))
			open++, p++;
		p = x.buf;
		while ((p = strstr(p, "</testsuite>")))
			close++, p++;
		assert_int_equal(open, 9);
		assert_int_equal(close, 9);
	}

	check_format_tap(&rep, &t);
	assert_true(starts_with(t.buf, "1..8\nok 1 - 0001 harmless\n"));
	assert_non_null(strstr(t.buf, "not ok 3 - 0003 breaks the build # build failed\n"));
	assert_non_null(strstr(t.buf, "not ok 7 - 0007 breaks a test # p/a PASS->FAIL\n"));
	assert_non_null(strstr(t.buf, "ok 8 - 0008 tip\n"));
	sb_release(&m);
	sb_release(&j);
	sb_release(&x);
	sb_release(&t);
	check_report_release(&rep);
}

/*
 * The JSON report is one valid document whatever the text holds, keys
 * in the order they always were, seconds to the millisecond at any size.
 */
static void test_json_document(void **state)
{
	struct check_report rep = { 0 };
	struct strbuf j = STRBUF_INIT;
	json_error_t err;
	json_t *doc, *row;
	double nan = 0.0 / 0.0;

	make_series(&rep);
	rep.rows[1].r.make_secs = 1234.5674;
	rep.rows[1].r.total_secs = 7654321.25;
	rep.rows[1].r.tests[0].secs = 0.0004;
	rep.rows[1].r.tests[1].secs = nan;
	rep.rows[1].r.tests[2].secs = -1;
	free(rep.rows[2].r.subject);
	rep.rows[2].r.subject = xstrdup("caf\xe9 \"quoted\"\n");
	check_judge(&rep);
	check_format_json(&rep, &j);
	assert_true(starts_with(j.buf, "{\"tree\":null,\"from\":null,\"to\":null,\"accel\":null,\"accel_reason\":null,\"build_only\":false,\"static\":false,\"cocci_secs\":0.0,\"flagged\":4,\"tests\":[\"p/a\",\"p/b\",\"b/slow\",\"b/k\"],\"patches\":[{\"index\":0,\"commit\":\"0000000000000000000000000000000000000000\",\"subject\":\"base\",\"patch\":null,\"reference\":true,\"flagged\":false,\"reasons\":\"\",\"cached\":false,\"total_secs\":0.0,\"build\":{\"status\":\"ok\",\"make_secs\":0.0,\"compiled\":0,"));
	assert_int_equal(j.buf[j.len - 1], '\n');
	assert_non_null(strstr(j.buf, "\"total_secs\":7654321.25,"));
	assert_non_null(strstr(j.buf, "\"make_secs\":1234.567,"));
	assert_non_null(strstr(j.buf, "\"secs\":0.0,\"reason\""));
	assert_non_null(strstr(j.buf, "\"name\":\"p/b\",\"status\":\"SKIP\",\"previous\":\"SKIP\",\"regression\":false,\"secs\":null,"));
	assert_non_null(strstr(j.buf, "\"name\":\"b/k\",\"status\":\"XFAIL\",\"previous\":\"XFAIL\",\"regression\":false,\"secs\":null,"));
	assert_non_null(strstr(j.buf, "\"boot\":{\"verdict\":\"ok\",\"accel\":null,\"qemu_secs\":0.0,\"boots\":0,\"retries\":0,\"evidence\":null},\"tests\":["));
	assert_non_null(strstr(j.buf, "\"boot\":null,\"tests\":[]}"));

	doc = json_loads(j.buf, 0, &err);
	assert_non_null(doc);
	row = json_array_get(json_object_get(doc, "patches"), 2);
	assert_string_equal(json_string_value(json_object_get(row, "subject")),
			    "caf\xc3\xa9 \"quoted\"\n");
	row = json_array_get(json_object_get(doc, "patches"), 1);
	assert_true(json_real_value(json_object_get(json_object_get(row,
				"build"), "make_secs")) == 1234.567);
	json_decref(doc);
	sb_release(&j);
	check_report_release(&rep);
}

/*
 * Every report names the guest's accelerator, and the matrix names the
 * rows that ran under another one, so results of two machines are never
 * mixed silently.
 */
static void test_outputs_accel(void **state)
{
	struct check_report rep = { 0 };
	struct strbuf m = STRBUF_INIT, j = STRBUF_INIT, x = STRBUF_INIT;
	struct strbuf t = STRBUF_INIT;
	size_t i;

	make_series(&rep);
	strcpy(rep.accel, "tcg");
	rep.accel_why = xstrdup("TCG: no /dev/kvm on this host");
	for (i = 0; i < rep.nr; i++)
		if (rep.rows[i].r.booted)
			strcpy(rep.rows[i].r.accel, i == 1 ? "kvm" : "tcg");
	check_judge(&rep);
	check_format_matrix(&rep, &m);
	assert_true(starts_with(m.buf, "guest accelerator: tcg (TCG: no /dev/kvm on this host)\n  but under kvm: 0001 harmless\n"));
	assert_null(strstr(m.buf, "but under tcg"));
	check_format_json(&rep, &j);
	assert_non_null(strstr(j.buf, "\"accel\":\"tcg\",\"accel_reason\":\"TCG: no /dev/kvm on this host\","));
	assert_non_null(strstr(j.buf, "\"boot\":{\"verdict\":\"ok\",\"accel\":\"kvm\","));
	check_format_junit(&rep, &x);
	assert_non_null(strstr(x.buf, "name=\"boot (kvm)\""));
	assert_non_null(strstr(x.buf, "name=\"boot (tcg)\""));
	check_format_tap(&rep, &t);
	assert_true(starts_with(t.buf, "# guest accelerator: tcg (TCG: no /dev/kvm on this host)\n1..8\n"));
	sb_release(&m);
	sb_release(&j);
	sb_release(&x);
	sb_release(&t);
	check_report_release(&rep);
}

/* The accelerator is one of the inputs every cache key depends on. */
static void test_key_accel(void **state)
{
	char tmpl[] = "/tmp/ks-check-XXXXXX";
	struct check_ctx tcg = { 0 }, kvm = { 0 };

	assert_non_null(mkdtemp(tmpl));
	setenv("KSERIES_CACHE", tmpl, 1);
	paths_reset();
	setenv("KSERIES_ACCEL_PROBE", "dev=0 vm=0 flags=svm nested=1", 1);
	tcg.build = kvm.build = tmpl;
	tcg.no_kvm = true;
	assert_int_equal(check_ctx_init(&tcg), 0);
	assert_int_equal(check_ctx_init(&kvm), 0);
	assert_int_equal(tcg.accel.accel, ACCEL_TCG);
	assert_int_equal(kvm.accel.accel, ACCEL_KVM);
	assert_false(kvm.accel.forced);
	assert_memory_not_equal(tcg.inputs, kvm.inputs, 64);
	assert_string_equal(check_accel(&tcg), "tcg");
	assert_string_equal(check_accel(&kvm), "kvm");
	check_ctx_release(&tcg);
	check_ctx_release(&kvm);
	unsetenv("KSERIES_ACCEL_PROBE");
	unsetenv("KSERIES_CACHE");
	paths_reset();
	remove_tree(tmpl);
}

/* A commit of @files ("path", "content" pairs) on @parent into @out. */
static void commit_files(git_repository *repo, const git_oid *parent,
			 const char *const *files, const char *msg,
			 git_oid *out)
{
	git_index *idx = NULL;
	git_signature *sig = NULL;
	git_commit *p = NULL;
	git_tree *tree = NULL;
	git_oid tid;
	size_t i;

	assert_int_equal(git_index_new(&idx), 0);
	for (i = 0; files[i]; i += 2) {
		git_index_entry e;

		memset(&e, 0, sizeof(e));
		e.path = files[i];
		e.mode = GIT_FILEMODE_BLOB;
		assert_int_equal(git_blob_create_from_buffer(&e.id, repo,
							     files[i + 1],
							     strlen(files[i + 1])),
				 0);
		assert_int_equal(git_index_add(idx, &e), 0);
	}
	assert_int_equal(git_index_write_tree_to(&tid, idx, repo), 0);
	assert_int_equal(git_tree_lookup(&tree, repo, &tid), 0);
	assert_int_equal(git_signature_new(&sig, "A", "a@b.invalid",
					   1700000000, 0), 0);
	if (parent)
		assert_int_equal(git_commit_lookup(&p, repo, parent), 0);
	assert_int_equal(git_commit_create_v(out, repo, NULL, sig, sig, NULL,
					     msg, tree, p ? 1 : 0, p), 0);
	git_commit_free(p);
	git_tree_free(tree);
	git_signature_free(sig);
	git_index_free(idx);
}

/*
 * Results are keyed by tree: a reworded commit keeps them. And a commit
 * that touches no input of the last build (no .cmd file names its
 * paths) builds the same image; one that touches a source does not.
 */
static void test_tree_key_and_same_build(void **state)
{
	char tmpl[] = "/tmp/ks-check-XXXXXX";
	char *top = mkdtemp(tmpl), *gitdir, *tree, *build, *cmd, *why;
	const char *v1[] = { "Documentation/a.rst", "doc\n", "lib/x.c",
			     "int x;\n", NULL };
	const char *doc[] = { "Documentation/a.rst", "doc, edited\n",
			      "lib/x.c", "int x;\n", NULL };
	const char *src[] = { "Documentation/a.rst", "doc\n", "lib/x.c",
			      "int x = 1;\n", NULL };
	git_repository *repo = NULL;
	git_oid a, reworded, docs, code;
	struct check_ctx c = { 0 };
	char ta[41], tb[41], tc[41], k1[65], k2[65], k3[65];

	assert_non_null(top);
	gitdir = path_join(top, "repo.git");
	tree = path_join(top, "src");
	build = path_join(top, "build");
	assert_int_equal(mkdir_p(tree, 0755), 0);
	git_libgit2_init();
	assert_int_equal(git_repository_init(&repo, gitdir, 1), 0);
	commit_files(repo, NULL, v1, "lib: x\n", &a);
	commit_files(repo, NULL, v1, "lib: x, reworded\n\nA new body.\n",
		     &reworded);
	commit_files(repo, &a, doc, "docs: edit\n", &docs);
	commit_files(repo, &a, src, "lib: x = 1\n", &code);
	assert_false(git_oid_equal(&a, &reworded));

	assert_int_equal(check_tree_of(repo, &a, ta), 0);
	assert_int_equal(check_tree_of(repo, &reworded, tb), 0);
	assert_int_equal(check_tree_of(repo, &code, tc), 0);
	assert_string_equal(ta, tb);
	assert_string_not_equal(ta, tc);
	memset(c.inputs, 'i', 64);
	check_key(&c, ta, NULL, k1);
	check_key(&c, tb, NULL, k2);
	check_key(&c, tc, NULL, k3);
	assert_string_equal(k1, k2);
	assert_string_not_equal(k1, k3);
	assert_int_equal(check_tree_of(repo, &(git_oid){ { 0 } }, ta), -1);

	/* The last build read lib/x.c, not the documentation. */
	cmd = xasprintf("cmd_lib/x.o := gcc -c -o lib/x.o %s/lib/x.c\n"
			"source_lib/x.o := %s/lib/x.c\n"
			"deps_lib/x.o := \\\n  %s/include/linux/kconfig.h \\\n",
			tree, tree, tree);
	{
		char *dir = path_join(build, "lib"), *p;

		assert_int_equal(mkdir_p(dir, 0755), 0);
		p = path_join(dir, ".x.o.cmd");
		assert_int_equal(write_file_atomic(p, cmd, strlen(cmd)), 0);
		free(p);
		free(dir);
	}
	free(cmd);
	assert_true(check_same_build(repo, tree, build, &a, &docs, &why));
	assert_null(why);
	assert_true(check_same_build(repo, tree, build, &a, &reworded, &why));
	assert_false(check_same_build(repo, tree, build, &a, &code, &why));
	assert_string_equal(why, "lib/x.c");
	free(why);
	assert_false(check_same_build(repo, tree, build, &docs, &code, &why));
	free(why);

	{
		/* The copy: the build's result, marked, nothing rebuilt. */
		struct check_result from = { 0 }, r = { 0 };
		struct warning w = { "lib/x.c", "unused 'y'" };

		memset(from.commit, 'a', 40);
		from.build = CB_OK;
		from.make_secs = 9;
		from.compiled = 3;
		from.log = xstrdup("/x/build.log");
		memset(from.image, 'e', 64);
		wset_add(&from.warnings, &w);
		check_copy_build(&r, &from);
		assert_int_equal(r.build, CB_OK);
		assert_int_equal(r.compiled, 0);
		assert_true(r.make_secs == 0);
		assert_null(r.log);
		assert_string_equal(r.image, from.image);
		assert_string_equal(r.same_build, from.commit);
		assert_int_equal(r.warnings.nr, 1);
		assert_false(r.booted);
		check_result_release(&r);
		check_result_release(&from);
	}

	git_repository_free(repo);
	free(gitdir);
	free(tree);
	free(build);
	remove_tree(top);
}

static void test_junit_escape(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	junit_escape(&sb, "a<b>&\"c'\001\td\n");
	assert_string_equal(sb.buf, "a&lt;b&gt;&amp;&quot;c&apos;\td\n");
	sb_release(&sb);
}

/*
 * A work tree with local changes is refused with one error that names
 * the first ten paths and counts the rest, and nothing else on stderr.
 */
static void test_walk_refuses_local_changes(void **state)
{
	char tmpl[] = "/tmp/ks-check-XXXXXX";
	char *top = mkdtemp(tmpl), *out, *p;
	const char *files[25];
	char names[12][4];
	git_repository *repo = NULL;
	git_object *obj = NULL;
	git_reference *ref = NULL;
	git_checkout_options co;
	struct check_walk w;
	struct strbuf err = STRBUF_INIT;
	git_oid id, tag;
	int saved, fd;
	size_t i;

	assert_non_null(top);
	git_libgit2_init();
	for (i = 0; i < 12; i++) {
		snprintf(names[i], sizeof(names[i]), "f%02zu", i);
		files[2 * i] = names[i];
		files[2 * i + 1] = "committed\n";
	}
	files[24] = NULL;
	assert_int_equal(git_repository_init(&repo, top, 0), 0);
	commit_files(repo, NULL, files, "files\n", &id);
	assert_int_equal(git_reference_create(&ref, repo, "refs/heads/series",
					      &id, 1, NULL), 0);
	assert_int_equal(git_repository_set_head(repo, "refs/heads/series"),
			 0);
	assert_int_equal(git_object_lookup(&obj, repo, &id, GIT_OBJECT_COMMIT),
			 0);
	assert_int_equal(git_tag_create_lightweight(&tag, repo, "base", obj,
						    0), 0);
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_FORCE;
	assert_int_equal(git_checkout_head(repo, &co), 0);

	/* Clean: the walk opens. */
	assert_int_equal(check_walk_open(&w, top), 0);
	check_walk_close(&w);

	for (i = 0; i < 12; i++) {
		p = path_join(top, names[i]);
		assert_int_equal(write_file_atomic(p, "changed\n", 8), 0);
		free(p);
	}
	out = path_join(top, "stderr");
	fflush(stderr);
	saved = dup(2);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, 2);
	close(fd);
	assert_int_equal(check_walk_open(&w, top), -1);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_int_equal(read_file(out, &err), 0);
	assert_true(starts_with(err.buf, "kseries: error: "));
	p = strstr(err.buf, " has local changes; commit or stash them first (a check builds each commit as committed):\n");
	assert_non_null(p);
	assert_string_equal(strchr(p, '\n'), "\n\tf00\n\tf01\n\tf02\n\tf03\n\tf04\n\tf05\n\tf06\n\tf07\n\tf08\n\tf09\n\t... and 2 more\n");
	sb_release(&err);
	free(out);
	git_object_free(obj);
	git_reference_free(ref);
	git_repository_free(repo);
	remove_tree(top);
}

static void test_patch_file(void **state)
{
	char dir[] = "/tmp/ks-check-XXXXXX";
	char *series, *patches, *p1, *p2, *got;

	assert_non_null(mkdtemp(dir));
	series = path_join(dir, "series");
	patches = path_join(dir, "patches");
	mkdir_p(patches, 0755);
	p1 = path_join(patches, "0001-a.patch");
	p2 = path_join(patches, "0002-b.patch");
	assert_int_equal(write_file_atomic(series,
		"# topic: t - x\n0001-a.patch\n0002-b.patch\n", 41), 0);
	{
		const char *a = "From 1 Mon Sep 17 00:00:00 2001\nFrom: X <x@y>\n"
			"Subject: [PATCH 1/2] KVM: x86: a long\n subject\n\nbody\n";
		const char *b = "From: X <x@y>\nSubject: KVM: b\n\n";

		assert_int_equal(write_file_atomic(p1, a, strlen(a)), 0);
		assert_int_equal(write_file_atomic(p2, b, strlen(b)), 0);
	}
	got = check_patch_file(series, patches, 1, "KVM: x86: a long subject");
	assert_non_null(got);
	assert_string_equal(got, "patches/0001-a.patch");
	free(got);
	got = check_patch_file(series, patches, 2, "KVM: b");
	assert_string_equal(got, "patches/0002-b.patch");
	free(got);
	/* Another patch at that place, the base, past the end: none. */
	assert_null(check_patch_file(series, patches, 2, "KVM: c"));
	assert_null(check_patch_file(series, patches, 0, "base"));
	assert_null(check_patch_file(series, patches, 3, "KVM: b"));
	assert_null(check_patch_file("/nonexistent", patches, 1, "KVM: b"));
	free(series);
	free(patches);
	free(p1);
	free(p2);
	remove_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_judge_series),
		cmocka_unit_test(test_judge_rules),
		cmocka_unit_test(test_judge_static),
		cmocka_unit_test(test_outputs),
		cmocka_unit_test(test_outputs_accel),
		cmocka_unit_test(test_json_document),
		cmocka_unit_test(test_key_accel),
		cmocka_unit_test(test_tree_key_and_same_build),
		cmocka_unit_test(test_junit_escape),
		cmocka_unit_test(test_patch_file),
		cmocka_unit_test(test_walk_refuses_local_changes),
	};

	return cmocka_run_group_tests_name("check", tests, NULL, NULL);
}
