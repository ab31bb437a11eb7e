// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of in-memory hunk application: exact match, offsets, no
 * fuzz, start and end of file, missing final newlines, reverse (the
 * already-applied check) and the failure's description.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "apply.h"
#include "patch.h"
#include "util.h"

static const char ten[] = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n";

/* A one-file patch around @diff (starting at "@@"). */
static struct patch *mk(const char *diff)
{
	struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
	struct patch *p = xcalloc(1, sizeof(*p));

	sb_addstr(&sb, "From: A <a@b.c>\n"
		  "Date: Thu, 1 Jan 1970 00:00:00 +0000\n"
		  "Subject: t\n\n---\n"
		  "diff --git a/f b/f\n--- a/f\n+++ b/f\n");
	sb_addstr(&sb, diff);
	if (patch_parse(p, "t.patch", sb.buf, sb.len, &err))
		fail_msg("parse: %s", err.buf);
	sb_release(&sb);
	sb_release(&err);
	return p;
}

static void rm(struct patch *p)
{
	patch_release(p);
	free(p);
}

/* Apply @diff to @old; expect @want (NULL: expect failure). */
static void expect(const char *old, const char *diff, bool reverse,
		   const char *want)
{
	struct patch *p = mk(diff);
	struct strbuf out = STRBUF_INIT;
	struct apply_failure f;
	int r = apply_file(old, strlen(old), &p->files[0], reverse, &out, &f);

	if (want) {
		assert_int_equal(r, 0);
		assert_string_equal(out.buf, want);
	} else {
		assert_int_equal(r, -1);
		apply_failure_release(&f);
	}
	sb_release(&out);
	rm(p);
}

static void test_exact(void **state)
{
	expect(ten, "@@ -4,3 +4,3 @@\n 4\n-5\n+five\n 6\n", false,
	       "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n");
}

static void test_offset(void **state)
{
	/* The hunk says line 2 but the text is at line 5: it moves. */
	expect(ten, "@@ -1,3 +1,3 @@\n 4\n-5\n+five\n 6\n", false, NULL);
	expect(ten, "@@ -2,3 +2,3 @@\n 4\n-5\n+five\n 6\n", false,
	       "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n");
	expect(ten, "@@ -8,3 +8,3 @@\n 4\n-5\n+five\n 6\n", false,
	       "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n");
}

static void test_no_fuzz(void **state)
{
	struct patch *p = mk("@@ -4,3 +4,3 @@\n 4\n-5\n+five\n 6x\n");
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;
	struct apply_failure f;

	assert_int_equal(apply_file(ten, strlen(ten), &p->files[0], false,
				    &out, &f), -1);
	assert_int_equal(f.hunk, 1);
	assert_int_equal(f.patch_line, 9);
	assert_int_equal(f.expected_line, 6);
	assert_string_equal(f.want, "6x");
	assert_string_equal(f.found, "6");
	assert_string_equal(f.header, "@@ -4,3 +4,3 @@");
	apply_failure_describe(&f, &why);
	assert_string_equal(why.buf,
			    "hunk #1 (@@ -4,3 +4,3 @@, patch line 9) does not apply: expected at line 6: '6x', found: '6'");
	apply_failure_release(&f);
	sb_release(&out);
	sb_release(&why);
	rm(p);
}

static void test_second_hunk_fails(void **state)
{
	struct patch *p = mk("@@ -1,2 +1,2 @@\n-1\n+one\n 2\n"
			     "@@ -9,2 +9,2 @@\n 9\n-11\n+eleven\n");
	struct strbuf out = STRBUF_INIT;
	struct apply_failure f;

	assert_int_equal(apply_file(ten, strlen(ten), &p->files[0], false,
				    &out, &f), -1);
	assert_int_equal(f.hunk, 2);
	assert_string_equal(f.want, "11");
	assert_string_equal(f.found, "10");
	assert_int_equal(f.expected_line, 10);
	apply_failure_release(&f);
	sb_release(&out);
	rm(p);
}

static void test_start_and_end(void **state)
{
	/* No leading context: must match at the start of the file. */
	expect("a\nb\na\nb\n", "@@ -1,2 +1,2 @@\n-a\n+A\n b\n", false,
	       "A\nb\na\nb\n");
	expect("x\na\nb\n", "@@ -1,2 +1,2 @@\n-a\n+A\n b\n", false, NULL);
	/* No trailing context: must match at the end. */
	expect("a\nb\na\nb\n", "@@ -3,2 +3,2 @@\n a\n-b\n+B\n", false,
	       "a\nb\na\nB\n");
	/* Appending at the end. */
	expect("a\n", "@@ -1 +1,2 @@\n a\n+b\n", false, "a\nb\n");
	/* Creating from nothing. */
	expect("", "@@ -0,0 +1,2 @@\n+x\n+y\n", false, "x\ny\n");
}

static void test_no_newline(void **state)
{
	/* Adding the missing final newline. */
	expect("a\nb", "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n",
	       false, "a\nb\n");
	/* Removing it. */
	expect("a\nb\n", "@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n",
	       false, "a\nb");
	/* A line without newline does not match one with. */
	expect("a\nb\n", "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n",
	       false, NULL);
}

static void test_reverse(void **state)
{
	const char *d = "@@ -4,3 +4,3 @@\n 4\n-5\n+five\n 6\n";

	/* The patched file: the reverse applies (already applied)... */
	expect("1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n", d, true, ten);
	/* ... the original does not. */
	expect(ten, d, true, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact),
		cmocka_unit_test(test_offset),
		cmocka_unit_test(test_no_fuzz),
		cmocka_unit_test(test_second_hunk_fails),
		cmocka_unit_test(test_start_and_end),
		cmocka_unit_test(test_no_newline),
		cmocka_unit_test(test_reverse),
	};

	return cmocka_run_group_tests_name("apply", tests, NULL, NULL);
}
