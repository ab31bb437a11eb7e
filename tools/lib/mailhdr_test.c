// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for lib/mailhdr.c: the three forms of RFC 2047 words, their
 * decoding back, both quoting rules, quoted names read back, the date
 * forms and subject tags.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mailhdr.h"

static void text_is(const char *prefix, const char *s,
		    enum mailhdr_words how, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	sb_addstr(&sb, prefix);
	mailhdr_add_text(&sb, s, strlen(s), how);
	assert_string_equal(sb.buf, want);
	sb_release(&sb);
}

/* "Subject: " and 50 'x' after or before an 'é': @fmt of the x's */
static void words_are(enum mailhdr_words how, bool e_first,
		      const char *fmt)
{
	char x[51], *in, *want;

	memset(x, 'x', 50);
	x[50] = '\0';
	in = xasprintf(e_first ? "\xc3\xa9%s" : "%s\xc3\xa9", x);
	want = xasprintf(fmt, x);
	text_is("Subject: ", in, how, want);
	free(in);
	free(want);
}

static void test_words(void **state)
{
	text_is("", "a=b? c_d", MAILHDR_TEXT, "a=b? c_d");
	text_is("", "caf\xc3\xa9 a=b?_(x)", MAILHDR_TEXT,
		"=?UTF-8?q?caf=C3=A9=20a=3Db=3F=5F(x)?=");
	text_is("", "caf\xc3\xa9 a=b?_(x)", MAILHDR_PHRASE,
		"=?UTF-8?q?caf=C3=A9=20a=3Db=3F=5F=28x=29?=");
	/* 76 columns from the start of the line: the prefix counts */
	words_are(MAILHDR_TEXT, true,
		  "Subject: =?UTF-8?q?=C3=A9%.49s?= =?UTF-8?q?x?=");
	/* a UTF-8 character is not split between two words */
	words_are(MAILHDR_TEXT, false,
		  "Subject: =?UTF-8?q?%s?= =?UTF-8?q?=C3=A9?=");
}

static void decoded_is(const char *s, const char *want)
{
	char *d = mail_decode_header(s, strlen(s));

	assert_string_equal(d, want);
	free(d);
}

static void test_decode(void **state)
{
	static const enum mailhdr_words hows[] = {
		MAILHDR_TEXT, MAILHDR_PHRASE,
	};
	static const char s[] =
		"J\xc3\xb6rg R\xc3\xb6" "del: a long subject, with = and ? and _ "
		"that goes on well past the seventy-six columns of a word";
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hows); i++) {
		struct strbuf sb = STRBUF_INIT;

		mailhdr_add_text(&sb, s, strlen(s), hows[i]);
		decoded_is(sb.buf, s);
		sb_release(&sb);
	}
	decoded_is("=?iso-8859-1?q?caf=E9?= =?UTF-8?b?w6k=?= x", "caf\xc3\xa9\xc3\xa9 x");
	decoded_is("a =?bogus", "a =?bogus");
}

static void test_quoting(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *n;

	mailhdr_add_quoted(&sb, "a \"b\" \\\"c\\", false);
	assert_string_equal(sb.buf, "\"a \\\"b\\\" \\\\\\\"c\\\\\"");
	sb_reset(&sb);
	mailhdr_add_quoted(&sb, "a \"b\" \\\"c\\", true);
	assert_string_equal(sb.buf, "\"a \\\"b\\\" \\\"c\\\"");
	sb_reset(&sb);
	mailhdr_add_address(&sb, "A. U. Thor", "a@b", MAILHDR_PHRASE);
	assert_string_equal(sb.buf, "\"A. U. Thor\" <a@b>");
	sb_reset(&sb);
	mailhdr_add_address(&sb, "J\xc3\xb6rg R.", "j@b", MAILHDR_PHRASE);
	assert_string_equal(sb.buf, "=?UTF-8?q?J=C3=B6rg=20R=2E?= <j@b>");
	sb_reset(&sb);
	mailhdr_add_address(&sb, "Plain Name", "p@b", MAILHDR_PHRASE);
	assert_string_equal(sb.buf, "Plain Name <p@b>");
	sb_release(&sb);

	n = mailhdr_unquote("\"Say \\\"hi\\\"\"", 12);
	assert_string_equal(n, "Say \"hi\"");
	free(n);
	n = mailhdr_unquote("\"x\" y", 5);
	assert_string_equal(n, "\"x\" y");
	free(n);
	n = mailhdr_unquote("\"\"", 2);
	assert_string_equal(n, "");
	free(n);
}

static void date_is(int64_t t, int tz, enum mailhdr_date form,
		    const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	mailhdr_add_date(&sb, t, tz, form);
	assert_string_equal(sb.buf, want);
	sb_release(&sb);
}

static void test_dates(void **state)
{
	int64_t t;
	int tz;

	date_is(1700000000, 60, MAILHDR_DATE_RFC2822,
		"Tue, 14 Nov 2023 23:13:20 +0100");
	date_is(1700000000, 60, MAILHDR_DATE_CTIME,
		"Tue Nov 14 22:13:20 2023");
	date_is(1700000000, 60, MAILHDR_DATE_STAMP, "20231114221320");
	date_is(86400 * 3 - 1, 0, MAILHDR_DATE_CTIME,
		"Sat Jan  3 23:59:59 1970");
	date_is(-1, 0, MAILHDR_DATE_STAMP, "19691231235959");
	assert_int_equal(parse_mail_date("Tue, 14 Nov 2023 23:13:20 +0100",
					 &t, &tz), 0);
	assert_int_equal(t, 1700000000);
	assert_int_equal(tz, 60);
}

static void test_field_name(void **state)
{
	assert_int_equal(mailhdr_field_name_len("Message-ID: <x>", 15), 10);
	assert_int_equal(mailhdr_field_name_len("X-y:", 4), 3);
	assert_int_equal(mailhdr_field_name_len("Not a: header", 13), 0);
	assert_int_equal(mailhdr_field_name_len(":x", 2), 0);
	assert_int_equal(mailhdr_field_name_len("Caf\xc3\xa9: x", 8), 0);
	assert_int_equal(mailhdr_field_name_len("Subject", 7), 0);
}

static void test_subject(void **state)
{
	struct subject_info si;
	char *s;

	s = clean_subject("[PATCH 1/2] [RFC] a  b");
	assert_string_equal(s, "a b");
	free(s);
	subject_parse(" Re:  [PATCH v2,3/5]\t[x] KVM:  y\tz ", &si);
	assert_true(si.reply);
	assert_true(si.patch);
	assert_int_equal(si.version, 2);
	assert_int_equal(si.index, 3);
	assert_int_equal(si.total, 5);
	assert_string_equal(si.project, "x");
	assert_string_equal(si.title, "KVM: y z");
	subject_release(&si);
	subject_parse("[unclosed x", &si);
	assert_false(si.patch);
	assert_string_equal(si.title, "[unclosed x");
	subject_release(&si);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_field_name),
		cmocka_unit_test(test_subject),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
