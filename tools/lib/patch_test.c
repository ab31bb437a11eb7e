// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the format-patch parser: headers, message, file diffs
 * and the errors on malformed input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "patch.h"
#include "util.h"

static const char basic[] =
	"From 1234567890abcdef1234567890abcdef12345678 Mon Sep 17 00:00:00 2001\n"
	"From: Jane Hacker <jane@example.org>\n"
	"Date: Tue, 14 Nov 2023 23:13:20 +0100\n"
	"Subject: [PATCH v2 3/7] KVM: x86: fix the thing that\n"
	" was broken\n"
	"\n"
	"The body, first paragraph.\n"
	"\n"
	"Signed-off-by: Jane Hacker <jane@example.org>\n"
	"---\n"
	" arch/x86/kvm/x86.c | 3 ++-\n"
	" 1 file changed, 2 insertions(+), 1 deletion(-)\n"
	"\n"
	"diff --git a/arch/x86/kvm/x86.c b/arch/x86/kvm/x86.c\n"
	"index 111111111111..222222222222 100644\n"
	"--- a/arch/x86/kvm/x86.c\n"
	"+++ b/arch/x86/kvm/x86.c\n"
	"@@ -10,4 +10,5 @@ int kvm_arch_init(void)\n"
	" a\n"
	"-b\n"
	"+B\n"
	"+C\n"
	" c\n"
	" d\n"
	"-- \n"
	"2.39.5\n"
	"\n";

static struct patch parse_ok(const char *text)
{
	struct strbuf err = STRBUF_INIT;
	struct patch p;
	int r = patch_parse(&p, "patches/t.patch", text, strlen(text), &err);

	if (r)
		fail_msg("parse failed: %s", err.buf);
	sb_release(&err);
	return p;
}

static void test_basic(void **state)
{
	struct patch p = parse_ok(basic);
	const struct file_patch *fp;
	const struct hunk *h;
	char *msg;

	assert_string_equal(p.author_name, "Jane Hacker");
	assert_string_equal(p.author_email, "jane@example.org");
	assert_int_equal(p.time, 1700000000);
	assert_int_equal(p.tz_minutes, 60);
	assert_string_equal(p.subject,
			    "KVM: x86: fix the thing that was broken");
	assert_string_equal(p.body, "The body, first paragraph.\n\n"
			    "Signed-off-by: Jane Hacker <jane@example.org>");
	assert_int_equal(p.nr_files, 1);
	fp = &p.files[0];
	assert_string_equal(fp->old_path, "arch/x86/kvm/x86.c");
	assert_string_equal(fp->new_path, "arch/x86/kvm/x86.c");
	assert_int_equal(fp->new_mode, 0100644);
	assert_false(fp->is_new || fp->is_delete || fp->is_rename);
	assert_int_equal(fp->line_no, 14);
	assert_int_equal(fp->nr_hunks, 1);
	h = &fp->hunks[0];
	assert_int_equal(h->old_start, 10);
	assert_int_equal(h->old_count, 4);
	assert_int_equal(h->new_start, 10);
	assert_int_equal(h->new_count, 5);
	assert_int_equal(h->line_no, 18);
	assert_string_equal(h->section, "int kvm_arch_init(void)");
	assert_int_equal(h->nr, 6);
	assert_int_equal(h->lines[1].kind, '-');
	assert_int_equal(h->lines[1].len, 1);
	assert_memory_equal(h->lines[1].text, "b", 1);
	msg = patch_message(&p);
	assert_string_equal(msg, "KVM: x86: fix the thing that was broken\n\n"
			    "The body, first paragraph.\n\n"
			    "Signed-off-by: Jane Hacker <jane@example.org>\n");
	free(msg);
	patch_release(&p);
}

static void test_encoded_headers(void **state)
{
	static const char text[] =
		"From: =?UTF-8?q?J=C3=B6rg_R=C3=B6del?= <joro@example.org>\n"
		"Date: Mon, 2 Jan 2006 15:04:05 -0700\n"
		"Subject: [PATCH] =?UTF-8?q?KVM=3A_caf=C3=A9?=\n"
		"\n"
		"---\n"
		"diff --git a/f b/f\n"
		"--- a/f\n"
		"+++ b/f\n"
		"@@ -1 +1 @@\n"
		"-x\n"
		"+y\n";
	struct patch p = parse_ok(text);

	assert_string_equal(p.author_name, "J\xc3\xb6rg R\xc3\xb6" "del");
	assert_string_equal(p.subject, "KVM: caf\xc3\xa9");
	assert_string_equal(p.body, "");
	assert_int_equal(p.tz_minutes, -420);
	assert_int_equal(p.time, 1136239445);
	patch_release(&p);
}

static void test_file_kinds(void **state)
{
	static const char text[] =
		"From: A <a@b.c>\n"
		"Date: Thu, 1 Jan 1970 00:00:00 +0000\n"
		"Subject: kinds\n"
		"\n"
		"diff --git a/new.c b/new.c\n"
		"new file mode 100755\n"
		"index 000000000000..111111111111\n"
		"--- /dev/null\n"
		"+++ b/new.c\n"
		"@@ -0,0 +1 @@\n"
		"+hello\n"
		"\\ No newline at end of file\n"
		"diff --git a/old.c b/old.c\n"
		"deleted file mode 100644\n"
		"index 111111111111..000000000000\n"
		"--- a/old.c\n"
		"+++ /dev/null\n"
		"@@ -1 +0,0 @@\n"
		"-bye\n"
		"diff --git a/x.sh b/y.sh\n"
		"similarity index 100%\n"
		"rename from x.sh\n"
		"rename to y.sh\n"
		"diff --git a/m b/m\n"
		"old mode 100644\n"
		"new mode 100755\n"
		"diff --git \"a/sp ace\\tx\" \"b/sp ace\\tx\"\n"
		"--- \"a/sp ace\\tx\"\n"
		"+++ \"b/sp ace\\tx\"\n"
		"@@ -1 +1 @@\n"
		"-a\n"
		"+b\n";
	struct patch p = parse_ok(text);

	assert_int_equal(p.nr_files, 5);
	assert_true(p.files[0].is_new);
	assert_null(p.files[0].old_path);
	assert_string_equal(p.files[0].new_path, "new.c");
	assert_int_equal(p.files[0].new_mode, 0100755);
	assert_true(p.files[0].hunks[0].lines[0].no_eol);
	assert_true(p.files[1].is_delete);
	assert_null(p.files[1].new_path);
	assert_true(p.files[2].is_rename);
	assert_string_equal(p.files[2].old_path, "x.sh");
	assert_string_equal(p.files[2].new_path, "y.sh");
	assert_int_equal(p.files[2].nr_hunks, 0);
	assert_string_equal(p.files[3].old_path, "m");
	assert_int_equal(p.files[3].old_mode, 0100644);
	assert_int_equal(p.files[3].new_mode, 0100755);
	assert_string_equal(p.files[4].new_path, "sp ace\tx");
	patch_release(&p);
}

/* Parse @text expecting failure; the error must contain @want. */
static void expect_error(const char *text, const char *want)
{
	struct strbuf err = STRBUF_INIT;
	struct patch p;

	assert_int_equal(patch_parse(&p, "patches/bad.patch", text,
				     strlen(text), &err), -1);
	if (!strstr(err.buf, want))
		fail_msg("error '%s' lacks '%s'", err.buf, want);
	assert_true(starts_with(err.buf, "patches/bad.patch:"));
	sb_release(&err);
}

static void test_errors(void **state)
{
	expect_error("Subject: x\n\ndiff --git a/f b/f\n", "missing From:");
	expect_error("From: a <a@b>\nSubject: x\nDate: whenever\n\n",
		     "malformed Date:");
	expect_error("From: a <a@b>\nDate: Thu, 1 Jan 1970 00:00:00 +0000\n"
		     "Subject: x\n\nbody only\n", "no 'diff --git'");
	expect_error("From: a <a@b>\nDate: Thu, 1 Jan 1970 00:00:00 +0000\n"
		     "Subject: x\n\n---\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n"
		     "@@ -1,2 +1,2 @@\n-a\n+b\n",
		     "bad.patch:11: patch ends inside a hunk");
	expect_error("From: a <a@b>\nDate: Thu, 1 Jan 1970 00:00:00 +0000\n"
		     "Subject: x\n\n---\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n"
		     "@@ -1 +1 @@\n-a\n+b\n+c\n",
		     "unexpected text between file diffs");
	expect_error("From: a <a@b>\nDate: Thu, 1 Jan 1970 00:00:00 +0000\n"
		     "Subject: x\n\n---\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n"
		     "@@ -x +1 @@\n", "malformed hunk header");
	expect_error("From: a <a@b>\nDate: Thu, 1 Jan 1970 00:00:00 +0000\n"
		     "Subject: x\n\n---\ndiff --git a/f b/f\n"
		     "GIT binary patch\nliteral 0\n", "binary diffs");
}

static void test_dates(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	int64_t t;
	int tz;

	assert_int_equal(parse_mail_date("Sat, 29 Feb 2020 23:59:60 +0530",
					 &t, &tz), 0);
	assert_int_equal(tz, 330);
	assert_int_equal(parse_mail_date("1 Jan 2000 00:00 -0000", &t, &tz),
			 0);
	assert_int_equal(t, 946684800);
	assert_int_equal(parse_mail_date("32 Jan 2000 00:00 +0000", &t, &tz),
			 -1);
	format_mail_date(&sb, 1700000000, 60);
	assert_string_equal(sb.buf, "Tue, 14 Nov 2023 23:13:20 +0100");
	sb_reset(&sb);
	format_mail_date(&sb, 0, -150);
	assert_string_equal(sb.buf, "Wed, 31 Dec 1969 21:30:00 -0230");
	sb_release(&sb);
}

static void test_clean_subject(void **state)
{
	char *s = clean_subject("Re: [PATCH v3 02/10] [RFC]  KVM:   x");

	assert_string_equal(s, "KVM: x");
	free(s);
	s = clean_subject("KVM: keep [brackets] inside");
	assert_string_equal(s, "KVM: keep [brackets] inside");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_encoded_headers),
		cmocka_unit_test(test_file_kinds),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_clean_subject),
	};

	return cmocka_run_group_tests_name("patch", tests, NULL, NULL);
}
