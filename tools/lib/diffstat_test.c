// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for lib/diffstat.c: git's diffstat layout (compared with what
 * git 2.39 format-patch printed for the same changes) and the check of
 * a patch's diffstat against its diff.
 *
 * testdata/diffstat/ holds three patches of the series as git 2.39.5
 * format-patch wrote them from the applied series (patches 6, 7 and 21 of
 * patches/, whose own diffstats 'kseries export' wrote with libgit2): a
 * one-line change, files with insertions only, and created files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <git2.h>

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

static const char *const real_patches[] = {
	"svm-one-line.patch", "insertions-only.patch", "create-mode.patch",
};

static void read_fixture(const char *name, struct strbuf *text)
{
	const char *dir = getenv("KSERIES_TESTDATA");
	char *file = xstrdup(__FILE__), *slash = strrchr(file, '/'), *p;

	if (slash)
		*slash = '\0';
	else
		strcpy(file, ".");
	p = dir ? xasprintf("%s/diffstat/%s", dir, name) :
		  xasprintf("%s/testdata/diffstat/%s", file, name);
	assert_int_equal(read_file(p, text), 0);
	free(p);
	free(file);
}

/* What format-patch wrote between the "---" line and the blank line. */
static char *git_stat_block(const char *text)
{
	const char *s = strstr(text, "\n---\n"), *e;

	assert_non_null(s);
	s += 5;
	e = strstr(s, "\n\ndiff --git ");
	assert_non_null(e);
	return xstrndup(s, e - s + 1);
}

static void ours_of(const struct strbuf *text, struct diffstat *ds)
{
	struct patch p;

	assert_int_equal(patch_parse(&p, "p", text->buf, text->len, NULL), 0);
	diffstat_from_patch(ds, &p);
	diffstat_sort(ds);
	patch_release(&p);
}

static void test_real_patches_like_git(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(real_patches); i++) {
		struct strbuf text = STRBUF_INIT, out = STRBUF_INIT;
		struct strbuf why = STRBUF_INIT;
		struct diffstat ds = { 0 };
		char *want;

		read_fixture(real_patches[i], &text);
		want = git_stat_block(text.buf);
		ours_of(&text, &ds);
		diffstat_format(&ds, 72, &out);
		assert_string_equal(out.buf, want);
		assert_int_equal(diffstat_check(text.buf, &ds, &why), 0);
		diffstat_release(&ds);
		sb_release(&text);
		sb_release(&out);
		sb_release(&why);
		free(want);
	}
}

/*
 * libgit2 (git_diff_from_buffer) counts the same lines as we do, file by
 * file, and writes the same summary line.
 */
static void test_libgit2_counts_like_ours(void **state)
{
	size_t i, j;

	git_libgit2_init();
	for (i = 0; i < ARRAY_SIZE(real_patches); i++) {
		struct strbuf text = STRBUF_INIT, sum = STRBUF_INIT;
		struct diffstat ds = { 0 };
		git_diff *diff;
		git_diff_stats *stats;
		git_buf buf = GIT_BUF_INIT;

		read_fixture(real_patches[i], &text);
		ours_of(&text, &ds);
		assert_int_equal(git_diff_from_buffer(&diff, text.buf, text.len), 0);
		assert_int_equal(git_diff_num_deltas(diff), ds.nr);
		for (j = 0; j < ds.nr; j++) {
			const git_diff_delta *d = git_diff_get_delta(diff, j);
			const struct diffstat_file *f = &ds.v[j];
			size_t ctx, add, del;
			git_patch *gp;

			assert_int_equal(git_patch_from_diff(&gp, diff, j), 0);
			assert_int_equal(git_patch_line_stats(&ctx, &add, &del, gp), 0);
			assert_string_equal(d->new_file.path,
					    f->new_path ? f->new_path : f->old_path);
			assert_int_equal(add, f->added);
			assert_int_equal(del, f->deleted);
			git_patch_free(gp);
		}
		assert_int_equal(git_diff_get_stats(&stats, diff), 0);
		assert_int_equal(git_diff_stats_to_buf(&buf, stats,
						       GIT_DIFF_STATS_SHORT, 0), 0);
		diffstat_summary(&ds, &sum);
		sb_addch(&sum, '\n');
		assert_string_equal(buf.ptr, sum.buf);
		git_buf_dispose(&buf);
		git_diff_stats_free(stats);
		git_diff_free(diff);
		diffstat_release(&ds);
		sb_release(&text);
		sb_release(&sum);
	}
	git_libgit2_shutdown();
}

/*
 * Why the layout is ours and not git_diff_stats_to_buf()'s: for a width
 * libgit2 1.5 writes at least one '+' and one '-' for every changed file
 * ("1 +-" where git writes "1 +") and scales the graph to another width;
 * with width 0 it does not scale at all. If this fails, libgit2 has come
 * to lay the diffstat out as git does: see bench/diffstat.sh.
 */
static void test_libgit2_layout_is_not_gits(void **state)
{
	struct strbuf text = STRBUF_INIT;
	git_diff *diff;
	git_diff_stats *stats;
	git_buf buf = GIT_BUF_INIT;
	char *want;

	git_libgit2_init();
	read_fixture("svm-one-line.patch", &text);
	want = git_stat_block(text.buf);
	assert_non_null(strstr(want, " arch/x86/kvm/svm/svm.h |  1 +\n"));
	assert_int_equal(git_diff_from_buffer(&diff, text.buf, text.len), 0);
	assert_int_equal(git_diff_get_stats(&stats, diff), 0);
	assert_int_equal(git_diff_stats_to_buf(&buf, stats, GIT_DIFF_STATS_FULL |
					       GIT_DIFF_STATS_INCLUDE_SUMMARY,
					       72), 0);
	assert_non_null(strstr(buf.ptr, " arch/x86/kvm/svm/svm.h |  1 +-\n"));
	assert_string_not_equal(buf.ptr, want);
	git_buf_dispose(&buf);
	assert_int_equal(git_diff_stats_to_buf(&buf, stats, GIT_DIFF_STATS_FULL |
					       GIT_DIFF_STATS_INCLUDE_SUMMARY,
					       0), 0);
	assert_string_not_equal(buf.ptr, want);
	git_buf_dispose(&buf);
	git_diff_stats_free(stats);
	git_diff_free(diff);
	sb_release(&text);
	free(want);
	git_libgit2_shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_like_git),
		cmocka_unit_test(test_rename_and_mode),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_real_patches_like_git),
		cmocka_unit_test(test_libgit2_counts_like_ours),
		cmocka_unit_test(test_libgit2_layout_is_not_gits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
