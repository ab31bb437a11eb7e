// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for lib/diffstat.c: git's diffstat layout (compared with what
 * git 2.39 format-patch printed for the same changes) and the check of
 * a patch's diffstat against its diff.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diffstat.h"

static void test_layout_like_git(void **state)
{
	struct diffstat ds = { 0 };
	struct strbuf out = STRBUF_INIT;

	diffstat_add(&ds, "tools/testing/selftests/kvm/include/x86_64/a_rather_long_header_name_for_testing.h",
		     "tools/testing/selftests/kvm/include/x86_64/a_rather_long_header_name_for_testing.h",
		     1, 0);
	diffstat_add(&ds, NULL, "tmp", 150, 0);
	diffstat_add(&ds, "small.c", "small.c", 2, 0);
	diffstat_add(&ds, NULL, "newfile", 1, 0);
	diffstat_add(&ds, "arch/x86/kvm/vmx/nested.c",
		     "arch/x86/kvm/vmx/nested.c", 150, 150);
	ds.v[1].new_mode = ds.v[3].new_mode = 0100644;
	diffstat_sort(&ds);
	diffstat_format(&ds, 72, &out);
	assert_string_equal(out.buf,
		" arch/x86/kvm/vmx/nested.c                     | 300 +++++++++---------\n"
		" newfile                                       |   1 +\n"
		" small.c                                       |   2 +\n"
		" tmp                                           | 150 +++++++++\n"
		" .../a_rather_long_header_name_for_testing.h   |   1 +\n"
		" 5 files changed, 304 insertions(+), 150 deletions(-)\n"
		" create mode 100644 newfile\n"
		" create mode 100644 tmp\n");
	diffstat_release(&ds);
	sb_release(&out);
}

static void test_rename_and_mode(void **state)
{
	struct diffstat ds = { 0 };
	struct strbuf out = STRBUF_INIT;

	diffstat_add(&ds, "d/sub/file.txt", "d/other.txt", 0, 0);
	ds.v[0].similarity = 100;
	diffstat_add(&ds, "a", "a", 0, 0);
	ds.v[1].old_mode = 0100644;
	ds.v[1].new_mode = 0100755;
	diffstat_format(&ds, 72, &out);
	assert_string_equal(out.buf,
		" d/{sub/file.txt => other.txt} | 0\n"
		" a                             | 0\n"
		" 2 files changed, 0 insertions(+), 0 deletions(-)\n"
		" rename d/{sub/file.txt => other.txt} (100%)\n"
		" mode change 100644 => 100755 a\n");
	diffstat_release(&ds);
	sb_release(&out);
}

static void test_names(void **state)
{
	struct diffstat_file f = { 0 };
	char *n;

	f.old_path = "a/b/c.c";
	f.new_path = "x/y.c";
	n = diffstat_name(&f);
	assert_string_equal(n, "a/b/c.c => x/y.c");
	free(n);
	f.old_path = "arch/x86/kvm/a.c";
	f.new_path = "arch/x86/kvm/b.c";
	n = diffstat_name(&f);
	assert_string_equal(n, "arch/x86/kvm/{a.c => b.c}");
	free(n);
	f.old_path = "one/x.c";
	f.new_path = "two/x.c";
	n = diffstat_name(&f);
	assert_string_equal(n, "{one => two}/x.c");
	free(n);
}

static const char patch_text[] =
	"From: A <a@b.c>\n"
	"Date: Mon, 1 Jan 2024 00:00:00 +0000\n"
	"Subject: [PATCH] x: y\n"
	"\n"
	"Body.\n"
	"---\n"
	" arch/x86/kvm/x86.c | 3 ++-\n"
	" .../kvm/x86_64/xen_test.c | 1 +\n"
	" 2 files changed, 3 insertions(+), 1 deletion(-)\n"
	"\n"
	"diff --git a/arch/x86/kvm/x86.c b/arch/x86/kvm/x86.c\n"
	"--- a/arch/x86/kvm/x86.c\n"
	"+++ b/arch/x86/kvm/x86.c\n"
	"@@ -1,2 +1,3 @@\n"
	" a\n"
	"-b\n"
	"+c\n"
	"+d\n"
	"diff --git a/tools/testing/selftests/kvm/x86_64/xen_test.c b/tools/testing/selftests/kvm/x86_64/xen_test.c\n"
	"--- a/tools/testing/selftests/kvm/x86_64/xen_test.c\n"
	"+++ b/tools/testing/selftests/kvm/x86_64/xen_test.c\n"
	"@@ -1 +1,2 @@\n"
	" a\n"
	"+b\n";

static int check_text(const char *text, struct strbuf *why)
{
	struct diffstat ds = { 0 };
	struct patch p;
	int ret;

	assert_int_equal(patch_parse(&p, "p", text, strlen(text), NULL), 0);
	diffstat_from_patch(&ds, &p);
	ret = diffstat_check(text, &ds, why);
	diffstat_release(&ds);
	patch_release(&p);
	return ret;
}

static char *replace(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);

	assert_non_null(at);
	return xasprintf("%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
}

static void test_check(void **state)
{
	struct strbuf why = STRBUF_INIT;
	char *t;

	assert_int_equal(check_text(patch_text, &why), 0);

	t = replace(patch_text, "x86.c | 3 ++-", "x86.c | 4 +++-");
	assert_int_equal(check_text(t, &why), 1);
	assert_string_equal(why.buf,
			    "the diffstat says arch/x86/kvm/x86.c changes 4 lines, the diff 3");
	free(t);
	sb_reset(&why);

	t = replace(patch_text, "3 insertions(+), 1 deletion(-)",
		    "2 insertions(+), 1 deletion(-)");
	assert_int_equal(check_text(t, &why), 1);
	assert_non_null(strstr(why.buf, "the diffstat says '2 files changed, 2 insertions(+), 1 deletion(-)'"));
	free(t);
	sb_reset(&why);

	t = replace(patch_text, " .../kvm/x86_64/xen_test.c | 1 +\n",
		    " virt/kvm/kvm_main.c | 1 +\n");
	assert_int_equal(check_text(t, &why), 1);
	assert_string_equal(why.buf,
			    "the diffstat does not list tools/testing/selftests/kvm/x86_64/xen_test.c");
	free(t);
	sb_reset(&why);

	/* a line with no name is not a stat line: the file is missing */
	t = replace(patch_text, " .../kvm/x86_64/xen_test.c | 1 +\n", " | 1 +\n");
	assert_int_equal(check_text(t, &why), 1);
	assert_string_equal(why.buf,
			    "the diffstat does not list tools/testing/selftests/kvm/x86_64/xen_test.c");
	free(t);
	sb_reset(&why);

	/* no diffstat at all is not stale */
	t = replace(patch_text,
		    " arch/x86/kvm/x86.c | 3 ++-\n"
		    " .../kvm/x86_64/xen_test.c | 1 +\n"
		    " 2 files changed, 3 insertions(+), 1 deletion(-)\n", "");
	assert_int_equal(check_text(t, &why), 0);
	free(t);
	sb_release(&why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_like_git),
		cmocka_unit_test(test_rename_and_mode),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
