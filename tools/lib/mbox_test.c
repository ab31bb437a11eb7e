// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for lib/mbox.c: splitting mailboxes (mboxo, mboxrd, patchwork),
 * parsing messages (folding, RFC 2047, MIME) and subject tags.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mbox.h"

static void parse_ok(struct mbox *mb, const char *text)
{
	struct strbuf err = STRBUF_INIT;

	if (mbox_parse(mb, text, strlen(text), &err))
		fail_msg("mbox_parse: %s", err.buf);
	sb_release(&err);
}

static void test_mboxrd_quoting(void **state)
{
	static const char text[] =
		"From mboxrd@z Thu Jan  1 00:00:00 1970\n"
		"From: A <a@example.org>\n"
		"Subject: one\n"
		"\n"
		">From the start, quoted once\n"
		">>From twice\n"
		"From-not-a-postmark stays\n"
		"> quoted reply stays\n"
		"\n"
		"From mboxrd@z Thu Jan  1 00:00:00 1970\n"
		"From: B <b@example.org>\n"
		"Subject: two\n"
		"\n"
		"body two\n";
	struct mbox mb;

	parse_ok(&mb, text);
	assert_int_equal(mb.nr, 2);
	assert_string_equal(mail_get(&mb.mails[0], "Subject"), "one");
	assert_string_equal(mb.mails[0].body,
			    "From the start, quoted once\n"
			    ">From twice\n"
			    "From-not-a-postmark stays\n"
			    "> quoted reply stays\n");
	assert_string_equal(mb.mails[1].body, "body two\n");
	assert_int_equal(mb.mails[1].line, 11);
	assert_int_equal(mb.mails[1].index, 1);
	mbox_release(&mb);
}

static void test_mboxo_and_unquoted_from(void **state)
{
	/*
	 * mboxo quotes "From " once; patchwork leaves it alone. A "From "
	 * line that is no postmark, or not followed by a header, does not
	 * start a message.
	 */
	static const char text[] =
		"From patchwork Mon Jan  1 10:00:00 2024\n"
		"From: A <a@example.org>\n"
		"Subject: [PATCH 1/2] x\n"
		"X-Patchwork-Id: 1\n"
		"\n"
		">From an mboxo writer\n"
		"From the spec: this line is part of the body.\n"
		"\n"
		"From someone Mon Jan  1 10:00:00 2024\n"
		"still the body: no header follows\n"
		"\n"
		"From patchwork Mon Jan  1 10:00:01 2024\n"
		"From: A <a@example.org>\n"
		"Subject: [PATCH 2/2] y\n"
		"\n"
		"body\n";
	struct mbox mb;

	parse_ok(&mb, text);
	assert_int_equal(mb.nr, 2);
	assert_non_null(strstr(mb.mails[0].body,
			       "From an mboxo writer\nFrom the spec:"));
	assert_non_null(strstr(mb.mails[0].body,
			       "From someone Mon Jan  1 10:00:00 2024\nstill"));
	assert_string_equal(mail_get(&mb.mails[1], "Subject"),
			    "[PATCH 2/2] y");
	mbox_release(&mb);
}

static void test_format_patch_concatenated(void **state)
{
	/* git format-patch --stdout: postmarks follow the signature */
	static const char text[] =
		"From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001\n"
		"From: A <a@example.org>\n"
		"Subject: [PATCH 1/2] x\n"
		"\n"
		"-- \n"
		"2.39.5\n"
		"From 2222222222222222222222222222222222222222 Mon Sep 17 00:00:00 2001\n"
		"From: A <a@example.org>\n"
		"Subject: [PATCH 2/2] y\n"
		"\n"
		"b\n";
	struct mbox mb;

	parse_ok(&mb, text);
	assert_int_equal(mb.nr, 2);
	assert_string_equal(mb.mails[0].body, "-- \n2.39.5\n");
	mbox_release(&mb);
}

static void test_single_message(void **state)
{
	static const char text[] =
		"Subject: =?UTF-8?q?KVM:=20x86:=20caf=C3=A9?=\n"
		"From: =?UTF-8?q?Radim=20Kr=C4=8Dm=C3=A1=C5=99?= <r@example.org>\n"
		"Message-Id: <1234@example.org>\n"
		"References: <a@x>\n"
		" <b@x> <c@x>\n"
		"\n"
		"text\n";
	struct mbox mb;
	char *s, **ids;
	size_t n, i;

	parse_ok(&mb, text);
	assert_int_equal(mb.nr, 1);
	s = mail_get_decoded(&mb.mails[0], "subject");
	assert_string_equal(s, "KVM: x86: caf\xc3\xa9");
	free(s);
	s = mail_get_decoded(&mb.mails[0], "From");
	assert_string_equal(s, "Radim Kr\xc4\x8dm\xc3\xa1\xc5\x99 <r@example.org>");
	free(s);
	s = mail_msgid(mail_get(&mb.mails[0], "Message-ID"));
	assert_string_equal(s, "1234@example.org");
	free(s);
	n = mail_msgids(mail_get(&mb.mails[0], "References"), &ids);
	assert_int_equal(n, 3);
	assert_string_equal(ids[2], "c@x");
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	assert_null(mail_get(&mb.mails[0], "In-Reply-To"));
	mbox_release(&mb);
}

static void test_transfer_encodings(void **state)
{
	static const char text[] =
		"From x Mon Jan  1 10:00:00 2024\n"
		"From: A <a@example.org>\n"
		"Content-Type: text/plain; charset=\"utf-8\"\n"
		"Content-Transfer-Encoding: quoted-printable\n"
		"\n"
		"caf=C3=A9 soft=\n"
		"break\n"
		"\n"
		"From x Mon Jan  1 10:00:00 2024\n"
		"From: A <a@example.org>\n"
		"Content-Transfer-Encoding: base64\n"
		"\n"
		"aGVsbG8sIHdvcmxkCg==\n"
		"\n"
		"From x Mon Jan  1 10:00:00 2024\n"
		"From: A <a@example.org>\n"
		"Content-Type: text/plain; charset=iso-8859-1\n"
		"\n"
		"caf\xe9\n";
	struct mbox mb;

	parse_ok(&mb, text);
	assert_int_equal(mb.nr, 3);
	assert_string_equal(mb.mails[0].body, "caf\xc3\xa9 softbreak\n");
	assert_string_equal(mb.mails[1].body, "hello, world\n");
	assert_string_equal(mb.mails[2].body, "caf\xc3\xa9\n");
	mbox_release(&mb);
}

static void test_multipart(void **state)
{
	static const char text[] =
		"From: A <a@example.org>\n"
		"Content-Type: multipart/alternative; boundary=\"XX\"\n"
		"\n"
		"preamble\n"
		"--XX\n"
		"Content-Type: text/html\n"
		"\n"
		"<p>html</p>\n"
		"--XX\n"
		"Content-Type: text/plain; charset=utf-8\n"
		"Content-Transfer-Encoding: quoted-printable\n"
		"\n"
		"Reviewed-by: R <r@example.org>=0A\n"
		"--XX--\n";
	struct mail m;
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(mail_parse(&m, text, strlen(text), &err), 0);
	assert_true(m.has_text);
	assert_string_equal(m.body, "Reviewed-by: R <r@example.org>\n\n");
	mail_release(&m);
	sb_release(&err);
}

static void test_crlf(void **state)
{
	static const char text[] =
		"From: A <a@example.org>\r\n"
		"Subject: x\r\n"
		"\r\n"
		"line\r\n";
	struct mail m;
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(mail_parse(&m, text, strlen(text), &err), 0);
	assert_string_equal(mail_get(&m, "Subject"), "x");
	assert_string_equal(m.body, "line\n");
	mail_release(&m);
	sb_release(&err);
}

static void expect_error(const char *text, const char *want)
{
	struct strbuf err = STRBUF_INIT;
	struct mbox mb;

	assert_int_equal(mbox_parse(&mb, text, strlen(text), &err), -1);
	if (!strstr(err.buf, want))
		fail_msg("error '%s' lacks '%s'", err.buf, want);
	assert_int_equal(mb.nr, 0);
	sb_release(&err);
}

static void test_malformed(void **state)
{
	expect_error("", "empty mailbox");
	expect_error("From x Mon Jan  1 10:00:00 2024\n"
		     "From: A <a@b>\n\nok\n\n"
		     "From x Mon Jan  1 10:00:00 2024\n"
		     "From: A <a@b>\n"
		     "this is no header\n\nbody\n",
		     "message 2 (line 7): line 2: not a mail header");
	expect_error("From: A <a@b>\n"
		     "Content-Transfer-Encoding: base64\n\n"
		     "%%% not base64 %%%\n",
		     "not valid base64");
	expect_error("From: A <a@b>\n"
		     "Content-Transfer-Encoding: x-uuencode\n\nbody\n",
		     "unknown Content-Transfer-Encoding");
	expect_error(" folded: before anything\n\n",
		     "continuation line before any header");
	expect_error("From: A <a@b>\n"
		     "Content-Type: multipart/mixed\n\nbody\n",
		     "without a boundary");
}

static void check_subject(const char *s, bool reply, bool patch, int version,
			  int index, int total, const char *project,
			  const char *title)
{
	struct subject_info si;

	subject_parse(s, &si);
	assert_int_equal(si.reply, reply);
	assert_int_equal(si.patch, patch);
	assert_int_equal(si.version, version);
	assert_int_equal(si.index, index);
	assert_int_equal(si.total, total);
	assert_string_equal(si.project, project);
	assert_string_equal(si.title, title);
	subject_release(&si);
}

static void test_subjects(void **state)
{
	check_subject("[PATCH v3 02/10] KVM: x86/xen: add it", false, true, 3,
		      2, 10, "", "KVM: x86/xen: add it");
	check_subject("Re: [PATCH 0/4] KVM: Xen HVM", true, true, 1, 0, 4, "",
		      "KVM: Xen HVM");
	check_subject("[kvm-unit-tests PATCH v2 1/3] x86: svm: test", false,
		      true, 2, 1, 3, "kvm-unit-tests", "x86: svm: test");
	check_subject("[RFC PATCH] KVM: one", false, true, 1, 0, 0, "",
		      "KVM: one");
	check_subject("[PATCH RESEND v2 3/3] x", false, true, 2, 3, 3, "", "x");
	check_subject("[PATCH for-5.10] [QEMU] y", false, true, 1, 0, 0,
		      "for-5.10 QEMU", "y");
	check_subject("RE: re: [GIT PULL] KVM changes", true, false, 1, 0, 0,
		      "GIT PULL", "KVM changes");
	check_subject("no tags at all", false, false, 1, 0, 0, "",
		      "no tags at all");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mboxrd_quoting),
		cmocka_unit_test(test_mboxo_and_unquoted_from),
		cmocka_unit_test(test_format_patch_concatenated),
		cmocka_unit_test(test_single_message),
		cmocka_unit_test(test_transfer_encodings),
		cmocka_unit_test(test_multipart),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_subjects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
