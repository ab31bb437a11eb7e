// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for lib/lint.c: each check on a patch with exactly that defect,
 * the upstream-commits list, the series/patches/ agreement and the
 * attribution of checkpatch.pl's output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lint.h"

static const char good[] =
	"From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n"
	"From: KVM Series Maintainers <maintainers@kvm-series.invalid>\n"
	"Date: Tue, 14 Nov 2023 23:13:20 +0000\n"
	"Subject: [PATCH] KVM: x86: Explain when the clocksource notifier runs\n"
	"\n"
	"Why.\n"
	"\n"
	"Fixes: 16e8d74d2da9 (\"KVM: x86: notifier for clocksource changes\")\n"
	"Fixes: 0123456789ab (\"KVM: a commit of the tree\")\n"
	"Signed-off-by: KVM Series Maintainers <maintainers@kvm-series.invalid>\n"
	"---\n"
	" arch/x86/kvm/x86.c | 2 +-\n"
	" 1 file changed, 1 insertion(+), 1 deletion(-)\n"
	"\n"
	"diff --git a/arch/x86/kvm/x86.c b/arch/x86/kvm/x86.c\n"
	"index 1111111..2222222 100644\n"
	"--- a/arch/x86/kvm/x86.c\n"
	"+++ b/arch/x86/kvm/x86.c\n"
	"@@ -1,2 +1,2 @@\n"
	" a\n"
	"-b\n"
	"+c\n"
	"-- \n"
	"kseries\n";

static struct upstream_commits uc;

static int fake_tree(void *data, const char *id, char full[41],
		     char **subject)
{
	const char *c = "0123456789abcdef0123456789abcdef01234567";

	if (strlen(id) < 4 || strncmp(c, id, strlen(id)))
		return 1;
	strcpy(full, c);
	*subject = xstrdup("KVM: a commit of the tree");
	return 0;
}

static const struct lint_ctx ctx = {
	.commit = fake_tree,
	.upstream = &uc,
};

/* Replace @from by @to in the good patch and lint it. */
static void lint_variant(struct lint_report *r, const char *from,
			 const char *to)
{
	const char *at = strstr(good, from);
	char *t;

	assert_non_null(at);
	t = xasprintf("%.*s%s%s", (int)(at - good), good, to,
		      at + strlen(from));
	lint_patch(r, &ctx, "p.patch", t, strlen(t));
	free(t);
}

/* Exactly one finding, of check @c, at @line, its message with @text. */
static void expect_one(const char *from, const char *to, enum lint_check c,
		       int line, const char *text)
{
	struct lint_report r = { 0 };

	lint_variant(&r, from, to);
	if (r.nr != 1)
		fail_msg("%zu findings for '%s' (first: %s)", r.nr, to,
			 r.nr ? r.v[0].msg : "-");
	assert_string_equal(lint_check_name(r.v[0].check), lint_check_name(c));
	assert_int_equal(r.v[0].line, line);
	if (!strstr(r.v[0].msg, text))
		fail_msg("'%s' lacks '%s'", r.v[0].msg, text);
	assert_string_equal(r.v[0].patch, "p.patch");
	lint_report_release(&r);
}

static int setup(void **state)
{
	struct strbuf err = STRBUF_INIT;

	if (upstream_commits_parse("# upstream\n"
				   "16e8d74d2da9 KVM: x86: notifier for clocksource changes\n"
				   "abcdef0123456789 KVM: one\n"
				   "abcdef0123999999 KVM: two\n", &uc, &err))
		return -1;
	sb_release(&err);
	return 0;
}

static int teardown(void **state)
{
	upstream_commits_release(&uc);
	return 0;
}

static void test_clean(void **state)
{
	struct lint_report r = { 0 };

	lint_patch(&r, &ctx, "p.patch", good, strlen(good));
	if (r.nr)
		fail_msg("%s", r.v[0].msg);
}

static void test_from_signoff(void **state)
{
	expect_one("From: KVM Series Maintainers <maintainers@kvm-series.invalid>\n",
		   "From: Someone Else <else@example.org>\n",
		   LINT_FROM_SIGNOFF, 10,
		   "the last Signed-off-by is KVM Series Maintainers <maintainers@kvm-series.invalid>, but the patch is From: Someone Else <else@example.org>");
	expect_one("Signed-off-by: KVM Series Maintainers <maintainers@kvm-series.invalid>\n",
		   "Signed-off-by: KVM Series Maintainers <maintainers@kvm-series.invalid>\nSigned-off-by: Other <o@x>\n",
		   LINT_FROM_SIGNOFF, 11, "the last Signed-off-by is Other <o@x>");
	expect_one("Signed-off-by: KVM Series Maintainers <maintainers@kvm-series.invalid>\n",
		   "", LINT_FROM_SIGNOFF, 2, "no Signed-off-by");
}

static void test_subject(void **state)
{
	expect_one("Subject: [PATCH] KVM: x86: Explain",
		   "Subject: [PATCH] Explain", LINT_SUBJECT_PREFIX, 4,
		   "has no subsystem prefix");
	expect_one("Subject: [PATCH] KVM: x86: Explain",
		   "Subject: [PATCH] KVM x86 Explain", LINT_SUBJECT_PREFIX, 4,
		   "has no subsystem prefix");
	/* a prefix-like word up to the end, without ": " */
	expect_one("Subject: [PATCH] KVM: x86: Explain when the clocksource notifier runs",
		   "Subject: [PATCH] KVM", LINT_SUBJECT_PREFIX, 4,
		   "has no subsystem prefix");
	expect_one("notifier runs\n", "notifier runs.\n",
		   LINT_SUBJECT_PERIOD, 4, "ends with a period");
}

static void test_subject_allowed(void **state)
{
	struct lint_report r = { 0 };

	lint_variant(&r, "Subject: [PATCH] KVM: x86: Explain when the clocksource notifier runs",
		     "Subject: [PATCH] Revert \"KVM: x86: Explain it\"");
	lint_variant(&r, "notifier runs\n", "notifier runs...\n");
	lint_variant(&r, "Subject: [PATCH] KVM: x86: Explain",
		     "Subject: [PATCH] x86/kvm: Explain");
	assert_int_equal(r.nr, 0);
}

static void test_fixes(void **state)
{
	const char *up = "Fixes: 16e8d74d2da9 (\"KVM: x86: notifier for clocksource changes\")";

	expect_one(up, "Fixes: 16e8d74d2da9 (\"KVM: x86: a notifier\")",
		   LINT_FIXES, 8,
		   "Fixes: 16e8d74d2da9 is (\"KVM: x86: notifier for clocksource changes\"), not (\"KVM: x86: a notifier\")");
	expect_one(up, "Fixes: 16e8d74d (\"KVM: x86: notifier for clocksource changes\")",
		   LINT_FIXES, 8,
		   "Fixes: 16e8d74d has 8 digits; use the 12-digit abbreviation: Fixes: 16e8d74d2da9 (\"KVM: x86: notifier for clocksource changes\")");
	expect_one(up, "Fixes: fedcba987654 (\"KVM: x86: notifier for clocksource changes\")",
		   LINT_FIXES, 8,
		   "is neither a commit of the kernel tree nor listed in kernel-overlay/upstream-commits");
	expect_one(up, "Fixes: 16e8d74d2da9 KVM: x86: notifier for clocksource changes",
		   LINT_FIXES, 8, "malformed tag");
	expect_one(up, "fixes: 16e8d74d2da9 (\"KVM: x86: notifier for clocksource changes\")",
		   LINT_FIXES, 8, "malformed tag");
	expect_one(up, "Fixes:", LINT_FIXES, 8, "malformed tag");
	expect_one(up, "Fixes: 16e8d74d2da9 (\")", LINT_FIXES, 8,
		   "malformed tag");
	/* two listed ids start with abcdef0123 */
	expect_one(up, "Fixes: abcdef0123 (\"KVM: one\")", LINT_FIXES, 8,
		   "is ambiguous");
	/* a commit of the tree, by its 13-digit id */
	expect_one("Fixes: 0123456789ab (", "Fixes: 0123456789abc (",
		   LINT_FIXES, 9, "has 13 digits; use the 12-digit abbreviation: Fixes: 0123456789ab");
}

static void test_says_fix(void **state)
{
	assert_true(lint_says_fix("KVM: x86: Fix the notifier", ""));
	assert_true(lint_says_fix("KVM: x86: fixes for the notifier", NULL));
	assert_true(lint_says_fix("KVM: x86: FIXED notifier", ""));
	assert_true(lint_says_fix("KVM: x86: Tidy up",
				  "Why.\n\nThis\n  fixes the leak.\n"));
	assert_true(lint_says_fix("KVM: x86: Tidy up", "It fixes a bug.\n"));
	/* only whole words, and not what a body says it does not fix */
	assert_false(lint_says_fix("KVM: x86: Prefix the notifier", ""));
	assert_false(lint_says_fix("KVM: x86: fixup the notifier", ""));
	assert_false(lint_says_fix("KVM: x86: Tidy up",
				   "which the next patch fixes.\n"));
	/* the ways out */
	assert_false(lint_says_fix("docs: vfio: fix typo", ""));
	assert_false(lint_says_fix("KVM: x86: Fix sparse warnings",
				   "No functional\nchange.\n"));
	assert_false(lint_says_fix("KVM: x86: Fix the notifier",
				   "No Fixes: tag: the bug is older than\n"
				   "the history we have.\n"));
}

static void test_fixes_missing(void **state)
{
	const char *subj = "Subject: [PATCH] KVM: x86: Explain";
	const char *tags = "Fixes: 16e8d74d2da9 (\"KVM: x86: notifier for clocksource changes\")\n"
		"Fixes: 0123456789ab (\"KVM: a commit of the tree\")\n";
	struct lint_report r = { 0 };
	char *t, *u;
	const char *at;

	/* a "Fix" subject with its Fixes: tags is clean */
	lint_variant(&r, subj, "Subject: [PATCH] KVM: x86: Fix");
	assert_int_equal(r.nr, 0);

	/* without them: one warning, on the subject line */
	at = strstr(good, tags);
	assert_non_null(at);
	t = xasprintf("%.*s%s", (int)(at - good), good, at + strlen(tags));
	u = xasprintf("%.*s%s%s", (int)(strstr(t, subj) - t), t,
		      "Subject: [PATCH] KVM: x86: Fix",
		      strstr(t, subj) + strlen(subj));
	lint_patch(&r, &ctx, "p.patch", u, strlen(u));
	assert_int_equal(r.nr, 1);
	assert_string_equal(lint_check_name(r.v[0].check), "fixes-missing");
	assert_true(r.v[0].warning);
	assert_int_equal(r.v[0].line, 4);
	assert_int_equal(lint_problems(&r), 0);
	assert_int_equal(lint_count_warnings(&r, "p.patch"), 1);
	assert_int_equal(lint_count(&r, "p.patch"), 1);
	lint_report_release(&r);

	/* the subject as it is, but the body says it fixes a bug */
	lint_patch(&r, &ctx, "p.patch", t, strlen(t));
	assert_int_equal(r.nr, 0);
	free(u);
	at = strstr(t, "Why.");
	u = xasprintf("%.*s%s%s", (int)(at - t), t, "This fixes it.", at + 4);
	lint_patch(&r, &ctx, "p.patch", u, strlen(u));
	assert_int_equal(r.nr, 1);
	assert_true(r.v[0].warning);
	/* a problem next to it is counted apart */
	lint_add(&r, LINT_FIXES, "p.patch", 1, "x");
	assert_int_equal(lint_problems(&r), 1);
	assert_int_equal(lint_count_warnings(&r, "p.patch"), 1);
	lint_report_release(&r);
	free(t);
	free(u);
}

static void test_diffstat(void **state)
{
	expect_one(" arch/x86/kvm/x86.c | 2 +-\n",
		   " arch/x86/kvm/x86.c | 3 ++-\n", LINT_DIFFSTAT, 11,
		   "the diffstat says arch/x86/kvm/x86.c changes 3 lines, the diff 2");
}

static void test_malformed(void **state)
{
	expect_one("@@ -1,2 +1,2 @@\n", "@@ -1,3 +1,3 @@\n", LINT_MALFORMED,
		   0, "unexpected line in hunk");
}

static void test_duplicates(void **state)
{
	char *names[] = { "a", "b", "c", "d" };
	char *subjects[] = { "KVM: one", "KVM: two", NULL, "KVM: one" };
	struct lint_report r = { 0 };

	lint_duplicates(&r, names, subjects, 4);
	assert_int_equal(r.nr, 1);
	assert_int_equal(r.v[0].check, LINT_DUPLICATE_SUBJECT);
	assert_string_equal(r.v[0].patch, "d");
	assert_string_equal(r.v[0].msg,
			    "the subject 'KVM: one' is also the subject of a");
	lint_report_release(&r);
}

static void test_upstream_parse(void **state)
{
	struct upstream_commits u;
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(upstream_commits_parse("16e8d74d2da9 ok\n1234 short\n",
						&u, &err), -1);
	assert_string_equal(err.buf,
			    "line 2: want '<commit id, 12 to 40 hex digits> <subject>'");
	sb_reset(&err);
	assert_int_equal(upstream_commits_parse("16E8D74D2DA9 upper case\n",
						&u, &err), -1);
	sb_release(&err);
}

static void test_series_files(void **state)
{
	char dir[] = "/tmp/lint_test.XXXXXX";
	char *sp, *pd, *f;
	struct series s;
	struct lint_report r = { 0 };
	FILE *fp;

	assert_non_null(mkdtemp(dir));
	sp = xasprintf("%s/series", dir);
	pd = xasprintf("%s/patches", dir);
	f = xasprintf("%s/patches/sub", dir);
	mkdir_p(f, 0755);
	free(f);
	fp = fopen(sp, "w");
	fputs("# topic: x\n0001-a.patch\nsub/0002-b.patch\n0003-gone.patch\n", fp);
	fclose(fp);
	f = xasprintf("%s/patches/0001-a.patch", dir);
	fclose(fopen(f, "w"));
	free(f);
	f = xasprintf("%s/patches/sub/0002-b.patch", dir);
	fclose(fopen(f, "w"));
	free(f);
	f = xasprintf("%s/patches/extra.patch", dir);
	fclose(fopen(f, "w"));
	free(f);
	f = xasprintf("%s/patches/.hidden", dir);
	fclose(fopen(f, "w"));
	free(f);
	assert_int_equal(series_load(&s, sp, pd), 0);
	lint_series_files(&r, &s);
	assert_int_equal(r.nr, 2);
	assert_int_equal(r.v[0].check, LINT_SERIES_MISSING);
	assert_int_equal(r.v[0].line, 4);
	assert_null(r.v[0].patch);
	assert_string_equal(r.v[0].msg,
			    "the series lists 0003-gone.patch, which is not in patches/");
	assert_int_equal(r.v[1].check, LINT_SERIES_ORPHAN);
	assert_string_equal(r.v[1].msg, "patches/extra.patch is not in the series");
	assert_int_equal(lint_count(&r, NULL), 2);
	lint_report_release(&r);
	series_release(&s);
	remove_tree(dir);
	free(sp);
	free(pd);
}

static void test_checkpatch_output(void **state)
{
	char *paths[] = { "/abs/0001-a.patch", "/abs/0001-a.patch.orig" };
	char *names[] = { "patches/0001-a.patch", "patches/other" };
	struct lint_report r = { 0 };

	assert_int_equal(lint_checkpatch_output(&r,
		"/abs/0001-a.patch:22: CHECK:LINE_SPACING: Please use a blank line\n"
		"Traceback (most recent call last):\n"
		"/abs/0001-a.patch.orig:7: WARNING:COMMIT_MESSAGE: Missing commit description\n",
		paths, names, 2), 2);
	assert_int_equal(r.nr, 2);
	assert_string_equal(r.v[0].patch, "patches/0001-a.patch");
	assert_int_equal(r.v[0].line, 22);
	assert_string_equal(r.v[0].msg,
			    "CHECK:LINE_SPACING: Please use a blank line");
	assert_string_equal(r.v[1].patch, "patches/other");
	assert_int_equal(lint_count(&r, "patches/other"), 1);
	lint_report_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_from_signoff),
		cmocka_unit_test(test_subject),
		cmocka_unit_test(test_subject_allowed),
		cmocka_unit_test(test_fixes),
		cmocka_unit_test(test_says_fix),
		cmocka_unit_test(test_fixes_missing),
		cmocka_unit_test(test_diffstat),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_upstream_parse),
		cmocka_unit_test(test_series_files),
		cmocka_unit_test(test_checkpatch_output),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
