// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for lib/mail.c: headers as git writes them (the expected texts
 * are git 2.39's format-patch output, unfolded), addresses, Message-Ids, mboxrd
 * writing read back by lib/mbox.c, and patch files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fmtpatch.h"
#include "mail.h"
#include "mbox.h"

static void test_one_line(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	/* git would fold this at 78 columns; kseries keeps one line */
	mail_add_header(&sb, "Subject",
			"[PATCH] KVM: x86: an ascii subject line that is long enough to exceed the seventy eight column limit of mail");
	assert_string_equal(sb.buf,
		"Subject: [PATCH] KVM: x86: an ascii subject line that is long enough to exceed"
		" the seventy eight column limit of mail\n");
	sb_reset(&sb);
	mail_add_header(&sb, "Subject", "[PATCH] short");
	assert_string_equal(sb.buf, "Subject: [PATCH] short\n");
	sb_release(&sb);
}

static void test_encode_utf8(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *a;

	mail_add_header(&sb, "Subject",
			"[PATCH] KVM: x86: fix the \xc3\xbc" "ber-long subject line that definitely goes beyond seventy-eight columns for sure");
	/* git's encoded words, unfolded */
	assert_string_equal(sb.buf,
		"Subject: [PATCH] =?UTF-8?q?KVM:=20x86:=20fix=20the=20=C3=BCber-long=20subj?="
		" =?UTF-8?q?ect=20line=20that=20definitely=20goes=20beyond=20seventy-eight?="
		" =?UTF-8?q?=20columns=20for=20sure?=\n");
	sb_release(&sb);
	a = mail_address("Radim Kr\xc4\x8dm\xc3\xa1\xc5\x99", "r@x.org");
	assert_string_equal(a, "=?UTF-8?q?Radim=20Kr=C4=8Dm=C3=A1=C5=99?= <r@x.org>");
	free(a);
}

static void test_addresses(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *v[] = { "\"H. Peter Anvin\" <hpa@zytor.com>",
		      "J\xc3\xb6rg R\xc3\xb6" "del <joro@x>", "list@x" };
	char *a;

	a = mail_address("H. Peter Anvin", "hpa@zytor.com");
	assert_string_equal(a, "\"H. Peter Anvin\" <hpa@zytor.com>");
	free(a);
	a = mail_address("", "a@b");
	assert_string_equal(a, "a@b");
	free(a);
	a = mail_address("Say \"hi\"", "a@b");
	assert_string_equal(a, "\"Say \\\"hi\\\"\" <a@b>");
	free(a);
	mail_add_address_header(&sb, "Cc", v, 3);
	assert_string_equal(sb.buf,
		"Cc: \"H. Peter Anvin\" <hpa@zytor.com>,\n"
		"\t=?UTF-8?q?J=C3=B6rg=20R=C3=B6del?= <joro@x>,\n"
		"\tlist@x\n");
	sb_reset(&sb);
	mail_add_address_header(&sb, "To", v, 0);
	assert_int_equal(sb.len, 0);
	sb_release(&sb);
}

static void test_msgid(void **state)
{
	char *a = mail_make_msgid("seed", 1, "me@example.org", 1700000000);
	char *b = mail_make_msgid("seed", 1, "me@example.org", 1700000000);
	char *c = mail_make_msgid("seed", 2, "me@example.org", 1700000000);
	char *d = mail_make_msgid("other", 1, "me@example.org", 1700000000);

	assert_string_equal(a, b);
	assert_true(starts_with(a, "20231114221320."));
	assert_true(ends_with(a, "-1-me@example.org"));
	assert_true(ends_with(c, "-2-me@example.org"));
	assert_string_not_equal(a, d);
	free(a);
	free(b);
	free(c);
	free(d);
}

static void test_mbox_round_trip(void **state)
{
	static const char m1[] =
		"From: A <a@b>\nSubject: one\n\n"
		"From the start\n>From quoted\nplain\n";
	static const char m2[] = "From: B <b@b>\nSubject: two\n\nbody";
	struct strbuf box = STRBUF_INIT, err = STRBUF_INIT;
	struct mbox mb;

	mail_mbox_append(&box, m1, strlen(m1), 1700000000);
	mail_mbox_append(&box, m2, strlen(m2), 1700000001);
	assert_true(starts_with(box.buf,
				"From kseries Tue, Nov 14 22:13:20 2023\n") ||
		    starts_with(box.buf, "From kseries Tue Nov 14 22:13:20 2023\n"));
	assert_non_null(strstr(box.buf, "\n>From the start\n>>From quoted\n"));
	assert_int_equal(mbox_parse(&mb, box.buf, box.len, &err), 0);
	assert_int_equal(mb.nr, 2);
	assert_string_equal(mb.mails[0].body,
			    "From the start\n>From quoted\nplain\n");
	assert_string_equal(mb.mails[1].body, "body\n");
	mbox_release(&mb);
	sb_release(&box);
	sb_release(&err);
}

static void test_patch_file(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	patch_file_format(&sb, "A U Thor", "a@example.org", 1700000000, 60,
			  "KVM: x86: do it", "Why.\n\nSigned-off-by: A U Thor <a@example.org>",
			  " x | 1 +\n");
	assert_string_equal(sb.buf,
		"From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n"
		"From: A U Thor <a@example.org>\n"
		"Date: Tue, 14 Nov 2023 23:13:20 +0100\n"
		"Subject: [PATCH] KVM: x86: do it\n"
		"\n"
		"Why.\n\nSigned-off-by: A U Thor <a@example.org>\n"
		"---\n"
		" x | 1 +\n");
	sb_reset(&sb);
	patch_file_format(&sb, "A", "a@x", 0, 0, "s", "caf\xc3\xa9\n", "");
	assert_non_null(strstr(sb.buf,
			       "Subject: [PATCH] s\nMIME-Version: 1.0\n"
			       "Content-Type: text/plain; charset=UTF-8\n"
			       "Content-Transfer-Encoding: 8bit\n\n"));
	sb_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_line),
		cmocka_unit_test(test_encode_utf8),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_msgid),
		cmocka_unit_test(test_mbox_round_trip),
		cmocka_unit_test(test_patch_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
