// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for lib/thread.c: picking the newest complete version of a
 * series out of a mailbox, refusing what is not a kernel series or is
 * incomplete or malformed, and collecting review trailers from replies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "thread.h"

static struct strbuf box = STRBUF_INIT;
static int date;

static void add_mail(const char *subject, const char *id, const char *parent,
		     const char *body)
{
	sb_addstr(&box, "From mailer Mon Jan  1 10:00:00 2024\n");
	sb_addf(&box, "From: A U Thor <author@example.org>\n"
		"Date: Mon, 1 Jan 2024 10:%02d:00 +0000\n"
		"Subject: %s\n"
		"Message-Id: <%s>\n", date++ % 60, subject, id);
	if (parent)
		sb_addf(&box, "In-Reply-To: <%s>\nReferences: <%s>\n", parent,
			parent);
	sb_addf(&box, "\n%s\n", body);
}

static char *diff_body(const char *msg, const char *path)
{
	return xasprintf("%s\n\nSigned-off-by: A U Thor <author@example.org>\n"
			 "---\n"
			 " %s | 1 +\n"
			 " 1 file changed, 1 insertion(+)\n"
			 "\n"
			 "diff --git a/%s b/%s\n"
			 "--- a/%s\n"
			 "+++ b/%s\n"
			 "@@ -1,1 +1,2 @@\n"
			 " a\n"
			 "+%s\n"
			 "-- \n"
			 "kseries\n", msg, path, path, path, path, path, msg);
}

static void add_patch(const char *tags, int k, int n, const char *id,
		      const char *parent, const char *path)
{
	char *subj = xasprintf("[%s %d/%d] KVM: x86: change %d", tags, k, n,
			       k);
	char *msg = xasprintf("Change number %d.", k);
	char *body = diff_body(msg, path);

	add_mail(subj, id, parent, body);
	free(subj);
	free(msg);
	free(body);
}

static void add_posting(const char *tags, const char *v, int n,
			int skip)
{
	char *cover = xasprintf("%s-0@example.org", v);
	char *subj = xasprintf("[%s 0/%d] KVM: the series", tags, n);
	int k;

	add_mail(subj, cover, NULL, "The cover letter.\n");
	for (k = 1; k <= n; k++) {
		char *id = xasprintf("%s-%d@example.org", v, k);

		if (k != skip)
			add_patch(tags, k, n, id, cover, "arch/x86/kvm/x86.c");
		free(id);
	}
	free(cover);
	free(subj);
}

static int find(struct thread_series *s, struct mbox *mb, struct strbuf *err)
{
	struct strbuf perr = STRBUF_INIT;
	int ret;

	if (mbox_parse(mb, box.buf, box.len, &perr))
		fail_msg("mbox: %s", perr.buf);
	sb_release(&perr);
	ret = thread_find_series(mb, NULL, NULL, s, err);
	return ret;
}

static int setup(void **state)
{
	sb_reset(&box);
	date = 0;
	return 0;
}

static void test_newest_version(void **state)
{
	struct thread_series s;
	struct strbuf err = STRBUF_INIT;
	struct mbox mb;

	/* v2 first, then v1, then v3 with its patches out of order */
	add_posting("PATCH v2", "v2", 3, 0);
	add_posting("PATCH", "v1", 2, 0);
	add_mail("[PATCH v3 0/3] KVM: the series", "v3-0@example.org", NULL,
		 "Cover v3.\n");
	add_patch("PATCH v3", 3, 3, "v3-3@example.org", "v3-0@example.org",
		  "arch/x86/kvm/x86.c");
	add_patch("PATCH v3", 1, 3, "v3-1@example.org", "v3-0@example.org",
		  "include/uapi/linux/kvm.h");
	add_patch("PATCH v3", 2, 3, "v3-2@example.org", "v3-0@example.org",
		  "Documentation/virt/kvm/api.rst");
	if (find(&s, &mb, &err))
		fail_msg("%s", err.buf);
	assert_int_equal(s.version, 3);
	assert_int_equal(s.total, 3);
	assert_non_null(s.cover);
	assert_string_equal(s.title, "KVM: the series");
	assert_string_equal(s.patches[0].patch.subject, "KVM: x86: change 1");
	assert_string_equal(s.patches[0].patch.files[0].new_path,
			    "include/uapi/linux/kvm.h");
	assert_string_equal(s.patches[2].patch.subject, "KVM: x86: change 3");
	assert_int_equal(s.nr_notes, 1);	/* 5 older mails left aside */
	thread_series_release(&s);
	mbox_release(&mb);
	sb_release(&err);
}

static void test_incomplete(void **state)
{
	struct thread_series s;
	struct strbuf err = STRBUF_INIT;
	struct mbox mb;

	add_posting("PATCH", "v1", 2, 0);
	add_posting("PATCH v2", "v2", 4, 2);
	assert_int_equal(find(&s, &mb, &err), -1);
	assert_string_equal(err.buf,
			    "incomplete series: v2 lacks patch 2 of 4; nothing imported");
	mbox_release(&mb);
	sb_release(&err);
}

static void test_kvm_unit_tests(void **state)
{
	struct thread_series s;
	struct strbuf err = STRBUF_INIT;
	struct mbox mb;

	add_posting("kvm-unit-tests PATCH v2", "kut", 2, 0);
	assert_int_equal(find(&s, &mb, &err), -1);
	assert_non_null(strstr(err.buf,
			       "not a kernel series: the subject tag 'kvm-unit-tests'"));
	mbox_release(&mb);
	sb_release(&err);
}

static void test_qemu_paths(void **state)
{
	struct thread_series s;
	struct strbuf err = STRBUF_INIT;
	struct mbox mb;

	add_mail("[PATCH 0/2] i386: KVM Xen", "q0@x", NULL, "QEMU side.\n");
	add_patch("PATCH", 1, 2, "q1@x", "q0@x", "target/i386/kvm/xen-emu.c");
	add_patch("PATCH", 2, 2, "q2@x", "q0@x", "lib/x86/processor.h");
	assert_int_equal(find(&s, &mb, &err), -1);
	assert_string_equal(err.buf,
			    "not a kernel series: target/i386/kvm/xen-emu.c, lib/x86/processor.h are not in the Linux tree");
	mbox_release(&mb);
	sb_release(&err);
}

static void test_malformed(void **state)
{
	struct thread_series s;
	struct strbuf err = STRBUF_INIT;
	struct mbox mb;

	/* a patch mail without a diff */
	add_mail("[PATCH 1/1] KVM: nothing", "m1@x", NULL, "No diff here.\n");
	assert_int_equal(find(&s, &mb, &err), -1);
	assert_non_null(strstr(err.buf, "malformed patch mail: message 1"));
	assert_non_null(strstr(err.buf, "has no diff"));
	mbox_release(&mb);
	sb_reset(&err);

	/* a hunk that claims more lines than it has */
	setup(NULL);
	add_mail("[PATCH] KVM: broken", "m2@x", NULL,
		 "Msg.\n---\ndiff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n"
		 "@@ -1,3 +1,4 @@\n a\n+b\n");
	assert_int_equal(find(&s, &mb, &err), -1);
	assert_non_null(strstr(err.buf, "malformed patch mail"));
	assert_non_null(strstr(err.buf, "patch ends inside a hunk"));
	mbox_release(&mb);
	sb_release(&err);
}

static void test_no_series(void **state)
{
	struct thread_series s;
	struct strbuf err = STRBUF_INIT;
	struct mbox mb;

	add_mail("Re: a question", "q@x", NULL, "Hello.\n");
	assert_int_equal(find(&s, &mb, &err), -1);
	assert_non_null(strstr(err.buf, "no patches in the mailbox"));
	mbox_release(&mb);
	sb_release(&err);
}

static void test_trailers(void **state)
{
	struct thread_series s;
	struct strbuf err = STRBUF_INIT, file = STRBUF_INIT;
	struct mbox mb;

	add_posting("PATCH", "v1", 2, 0);
	add_posting("PATCH v2", "v2", 2, 0);
	/* for patch 2 of v2 */
	add_mail("Re: [PATCH v2 2/2] KVM: x86: change 2", "r1@x",
		 "v2-2@example.org",
		 "> Reviewed-by: Quoted Person <quoted@example.org>\n"
		 "\n"
		 "Looks good.\n"
		 "\n"
		 "Reviewed-by: Rev Iewer <rev@example.org>\n"
		 "reviewed-by:   Lower Case <lower@example.org>  \n"
		 "Reviewed-by: no address at all\n"
		 "-- \n"
		 "Acked-by: In The Signature <sig@example.org>\n");
	/* a reply to that reply: still patch 2 */
	add_mail("Re: [PATCH v2 2/2] KVM: x86: change 2", "r2@x", "r1@x",
		 "Tested-by: Test Er <tester@example.org>\n");
	/* to the cover letter: every patch; the same line twice */
	add_mail("Re: [PATCH v2 0/2] KVM: the series", "r3@x",
		 "v2-0@example.org",
		 "Acked-by: Main Tainer <maint@example.org>\n"
		 "Acked-by: Main Tainer <maint@example.org>\n");
	/* for v1: not carried over */
	add_mail("Re: [PATCH 1/2] KVM: x86: change 1", "r4@x",
		 "v1-1@example.org",
		 "Reviewed-by: Old Review <old@example.org>\n");
	/* the patch's own Signed-off-by is not added again */
	add_mail("Re: [PATCH v2 1/2] KVM: x86: change 1", "r5@x",
		 "v2-1@example.org",
		 "Signed-off-by: A U Thor <author@example.org>\n");
	if (find(&s, &mb, &err))
		fail_msg("%s", err.buf);
	assert_int_equal(s.patches[0].nr_trailers, 1);
	assert_string_equal(s.patches[0].trailers[0],
			    "Acked-by: Main Tainer <maint@example.org>");
	assert_int_equal(s.patches[1].nr_trailers, 4);
	assert_string_equal(s.patches[1].trailers[0],
			    "Reviewed-by: Rev Iewer <rev@example.org>");
	assert_string_equal(s.patches[1].trailers[1],
			    "Reviewed-by: Lower Case <lower@example.org>");
	assert_string_equal(s.patches[1].trailers[2],
			    "Tested-by: Test Er <tester@example.org>");
	assert_string_equal(s.patches[1].trailers[3],
			    "Acked-by: Main Tainer <maint@example.org>");

	/* the written patch: trailers right after the Signed-off-by */
	thread_patch_file(&s, 0, &file);
	assert_non_null(strstr(file.buf,
			       "Subject: [PATCH] KVM: x86: change 1\n\n"
			       "Change number 1.\n\n"
			       "Signed-off-by: A U Thor <author@example.org>\n"
			       "Acked-by: Main Tainer <maint@example.org>\n"
			       "---\n"
			       " arch/x86/kvm/x86.c | 1 +\n"));
	assert_true(starts_with(file.buf,
				"From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n"
				"From: A U Thor <author@example.org>\n"
				"Date: Mon, 1 Jan 2024 10:"));
	assert_true(ends_with(file.buf, "+Change number 1.\n-- \nkseries\n"));
	thread_series_release(&s);
	mbox_release(&mb);
	sb_release(&err);
	sb_release(&file);
}

static void test_patchwork_form(void **state)
{
	/* patchwork: trailers already in the body, no replies, no cover */
	static const char text[] =
		"From patchwork Mon Jan  1 10:00:00 2024\n"
		"Content-Type: text/plain; charset=\"utf-8\"\n"
		"MIME-Version: 1.0\n"
		"Content-Transfer-Encoding: 7bit\n"
		"X-Patchwork-Submitter: A U Thor <author@example.org>\n"
		"X-Patchwork-Id: 1001\n"
		"Message-Id: <p1@x>\n"
		"From: A U Thor <author@example.org>\n"
		"Date: Mon, 1 Jan 2024 10:00:00 +0000\n"
		"Subject: [v2,1/2] KVM: x86: one\n"
		"\n"
		"From the manual: one.\n"
		"\n"
		"Signed-off-by: A U Thor <author@example.org>\n"
		"Reviewed-by: Rev Iewer <rev@example.org>\n"
		"---\n"
		"diff --git a/virt/kvm/kvm_main.c b/virt/kvm/kvm_main.c\n"
		"--- a/virt/kvm/kvm_main.c\n"
		"+++ b/virt/kvm/kvm_main.c\n"
		"@@ -1 +1 @@\n"
		"-a\n"
		"+b\n"
		"\n"
		"From patchwork Mon Jan  1 10:00:01 2024\n"
		"X-Patchwork-Id: 1002\n"
		"Message-Id: <p2@x>\n"
		"From: A U Thor <author@example.org>\n"
		"Date: Mon, 1 Jan 2024 10:00:01 +0000\n"
		"Subject: [v2,2/2] KVM: x86: two\n"
		"\n"
		"Two.\n"
		"---\n"
		"diff --git a/virt/kvm/kvm_main.c b/virt/kvm/kvm_main.c\n"
		"--- a/virt/kvm/kvm_main.c\n"
		"+++ b/virt/kvm/kvm_main.c\n"
		"@@ -1 +1 @@\n"
		"-b\n"
		"+c\n";
	struct thread_series s;
	struct strbuf err = STRBUF_INIT;
	struct mbox mb;

	sb_addstr(&box, text);
	/* "[v2,1/2]" has no PATCH word: patchwork drops it */
	if (find(&s, &mb, &err))
		fail_msg("%s", err.buf);
	assert_int_equal(s.version, 2);
	assert_int_equal(s.total, 2);
	assert_null(s.cover);
	assert_string_equal(s.title, "KVM: x86: one");
	assert_non_null(strstr(s.patches[0].patch.body,
			       "From the manual: one."));
	assert_non_null(strstr(s.patches[0].patch.body,
			       "Reviewed-by: Rev Iewer <rev@example.org>"));
	assert_int_equal(s.patches[0].nr_trailers, 0);
	thread_series_release(&s);
	mbox_release(&mb);
	sb_release(&err);
}

static void test_trailer_lines(void **state)
{
	char **t;
	size_t n, i;

	n = thread_trailers("Acked-by : A <a@b>\n  Tested-by: T <t@b>\n"
			    "Reviewed-by:\n", &t);
	assert_int_equal(n, 2);
	assert_string_equal(t[0], "Acked-by: A <a@b>");
	assert_string_equal(t[1], "Tested-by: T <t@b>");
	for (i = 0; i < n; i++)
		free(t[i]);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_newest_version, setup),
		cmocka_unit_test_setup(test_incomplete, setup),
		cmocka_unit_test_setup(test_kvm_unit_tests, setup),
		cmocka_unit_test_setup(test_qemu_paths, setup),
		cmocka_unit_test_setup(test_malformed, setup),
		cmocka_unit_test_setup(test_no_series, setup),
		cmocka_unit_test_setup(test_trailers, setup),
		cmocka_unit_test_setup(test_patchwork_form, setup),
		cmocka_unit_test_setup(test_trailer_lines, setup),
	};
	int ret = cmocka_run_group_tests(tests, NULL, NULL);

	sb_release(&box);
	return ret;
}
