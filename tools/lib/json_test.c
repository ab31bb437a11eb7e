// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the JSON writer. What json_text() makes, as json_dump_sb()
 * writes it, is read back by
 * a strict JSON string reader written here (RFC 8259 escapes, raw text
 * decoded by the C library's UTF-8 decoder, code points up to U+10FFFF,
 * no surrogates): valid UTF-8 must come back as the same characters,
 * and any other byte as the Latin-1 character of its value.
 */
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "json.h"
#include "util.h"

#define MAX_CP 256

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static uint32_t read_u4(const char **p)
{
	uint32_t v = 0;
	int i, h;

	for (i = 0; i < 4; i++) {
		h = hexval((*p)[i]);
		if (h < 0)
			fail_msg("bad \\u escape at '%s'", *p);
		v = v * 16 + h;
	}
	*p += 4;
	return v;
}

/*
 * Read the JSON string at @s, which must be all of @s, into code points;
 * fail the test if it is not valid JSON. Returns the number read.
 */
static size_t json_decode(const char *s, uint32_t *cp)
{
	const char *p = s, *end = s + strlen(s);
	size_t n = 0;

	if (*p++ != '"')
		fail_msg("no opening quote: %s", s);
	while (*p != '"') {
		unsigned char c = *p;
		uint32_t v;

		assert_true(n < MAX_CP);
		if (!c)
			fail_msg("no closing quote: %s", s);
		if (c < 0x20)
			fail_msg("raw control character 0x%02x in %s", c, s);
		if (c == '\\') {
			static const char esc[] = "\"\\/bfnrt";
			static const char val[] = "\"\\/\b\f\n\r\t";
			const char *e;

			p++;
			if (*p == 'u') {
				p++;
				v = read_u4(&p);
				if (v >= 0xdc00 && v <= 0xdfff)
					fail_msg("lone low surrogate in %s", s);
				if (v >= 0xd800 && v <= 0xdbff) {
					uint32_t lo;

					if (p[0] != '\\' || p[1] != 'u')
						fail_msg("lone surrogate: %s",
							 s);
					p += 2;
					lo = read_u4(&p);
					if (lo < 0xdc00 || lo > 0xdfff)
						fail_msg("bad pair: %s", s);
					v = 0x10000 + ((v - 0xd800) << 10) +
					    (lo - 0xdc00);
				}
				cp[n++] = v;
				continue;
			}
			e = *p ? strchr(esc, *p) : NULL;
			if (!e)
				fail_msg("bad escape \\%c in %s", *p, s);
			cp[n++] = (unsigned char)val[e - esc];
			p++;
		} else if (c < 0x80) {
			cp[n++] = c;
			p++;
		} else {
			mbstate_t st;
			wchar_t w;
			size_t r;

			memset(&st, 0, sizeof(st));
			r = mbrtowc(&w, p, end - p, &st);
			if (r == (size_t)-1 || r == (size_t)-2)
				fail_msg("not UTF-8 at byte %zu of %s",
					 (size_t)(p - s), s);
			if ((uint32_t)w > 0x10ffff ||
			    ((uint32_t)w >= 0xd800 && (uint32_t)w <= 0xdfff))
				fail_msg("U+%X is not a character",
					 (unsigned int)w);
			cp[n++] = w;
			p += r;
		}
	}
	if (p[1])
		fail_msg("text after the string: %s", s);
	return n;
}

/* The code points of valid UTF-8 @s, by the C library's decoder. */
static size_t utf8_decode(const char *s, uint32_t *cp)
{
	const char *end = s + strlen(s);
	size_t n = 0;

	while (*s) {
		mbstate_t st;
		wchar_t w;
		size_t r;

		memset(&st, 0, sizeof(st));
		r = mbrtowc(&w, s, end - s, &st);
		assert_true(r != (size_t)-1 && r != (size_t)-2 && r);
		assert_true(n < MAX_CP);
		cp[n++] = w;
		s += r;
	}
	return n;
}

/* The code points of @s read as Latin-1: one per byte, its value. */
static size_t latin1_decode(const char *s, uint32_t *cp)
{
	size_t n = 0;

	for (; *s; s++) {
		assert_true(n < MAX_CP);
		cp[n++] = (unsigned char)*s;
	}
	return n;
}

/* Append json_text(@s) as json_dump_sb() writes it. */
static void dump_text(struct strbuf *sb, const char *s)
{
	json_t *j = json_text(s);

	assert_non_null(j);
	assert_int_equal(json_dump_sb(j, sb), 0);
	json_decref(j);
}

/* json_text(@s) as json_dump_sb() writes it, checked valid, into @cp. */
static size_t write_and_read(const char *s, uint32_t *cp)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n;

	dump_text(&sb, s);
	n = json_decode(sb.buf, cp);
	sb_release(&sb);
	return n;
}

static void assert_cps(const uint32_t *got, size_t ngot,
		       const uint32_t *want, size_t nwant)
{
	size_t i;

	assert_int_equal(ngot, nwant);
	for (i = 0; i < nwant; i++)
		if (got[i] != want[i])
			fail_msg("character %zu: U+%04X, want U+%04X", i,
				 (unsigned int)got[i], (unsigned int)want[i]);
}

static void test_ascii_escapes(void **state)
{
	static const char *const in[] = {
		"", "plain", "quote \" backslash \\ slash /",
		"nl\ntab\tcr\rbs\bff\f", "\x01\x02\x1f\x7f end",
		"KVM: x86: Add KVM_CAP_EXIT_ON_EMULATION_FAILURE",
	};
	uint32_t got[MAX_CP], want[MAX_CP];
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(in); i++)
		assert_cps(got, write_and_read(in[i], got),
			   want, latin1_decode(in[i], want));

	/* The exact form of a few: quotes, and \uXXXX for controls. */
	dump_text(&sb, "a\"b\\c\n\x01");
	assert_string_equal(sb.buf, "\"a\\\"b\\\\c\\n\\u0001\"");
	sb_reset(&sb);
	dump_text(&sb, NULL);
	assert_string_equal(sb.buf, "\"\"");
	sb_release(&sb);
}

static void test_utf8_kept(void **state)
{
	static const char *const in[] = {
		"Gr\xc3\xbc\xc3\x9f" "e",		/* Grüße */
		"\xe6\x97\xa5\xe6\x9c\xac",		/* two CJK */
		"smile \xf0\x9f\x98\x80",		/* U+1F600 */
		"\xc2\x80 \xdf\xbf",			/* U+0080, U+07FF */
		"\xe0\xa0\x80 \xed\x9f\xbf \xee\x80\x80",	/* U+0800, D7FF, E000 */
		"\xef\xbf\xbf \xf0\x90\x80\x80 \xf4\x8f\xbf\xbf",
	};
	uint32_t got[MAX_CP], want[MAX_CP];
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(in); i++) {
		assert_cps(got, write_and_read(in[i], got),
			   want, utf8_decode(in[i], want));
		/* Copied as it is, not escaped. */
		sb_reset(&sb);
		dump_text(&sb, in[i]);
		assert_int_equal(sb.len, strlen(in[i]) + 2);
		assert_memory_equal(sb.buf + 1, in[i], strlen(in[i]));
	}
	sb_release(&sb);
}

static void test_latin1_subject(void **state)
{
	/* A Subject: in Latin-1, as some mailers still send it. */
	static const char *const in[] = {
		"[PATCH] KVM: caf\xe9 cr\xe8me br\xfbl\xe9" "e",
		"Re: \xc4nderung f\xfcr \xabKVM\xbb",
		"\xff\xfe\xfd",
	};
	uint32_t got[MAX_CP], want[MAX_CP];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(in); i++)
		assert_cps(got, write_and_read(in[i], got),
			   want, latin1_decode(in[i], want));
}

static void test_ill_formed(void **state)
{
	/* Each of these bytes is outside any well-formed sequence. */
	static const char *const in[] = {
		"\x80",				/* lone continuation */
		"\xc0\xaf",			/* overlong '/' */
		"\xc1\xbf",			/* overlong */
		"\xe0\x80\xaf",			/* overlong */
		"\xf0\x8f\xbf\xbf",		/* overlong U+FFFF */
		"\xed\xa0\x80",			/* surrogate U+D800 */
		"\xed\xbf\xbf",			/* surrogate U+DFFF */
		"\xf4\x90\x80\x80",		/* U+110000 */
		"\xf5\x80\x80\x80",
		"\xf8\x88\x80\x80\x80",		/* old 5-byte form */
		"ab\xe2\x82",			/* cut short at the end */
		"\xe2\x82x",			/* cut short before ASCII */
		"\xf0\x9f\x98",			/* cut short 4-byte */
	};
	uint32_t got[MAX_CP], want[MAX_CP];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(in); i++)
		assert_cps(got, write_and_read(in[i], got),
			   want, latin1_decode(in[i], want));
}

static void test_mixed(void **state)
{
	/* Valid sequences stay characters; the bytes around them do not. */
	static const uint32_t want1[] = { 0xe9, 0xe9, 'x', 0x20ac, 0xe2, 'y' };
	static const uint32_t want2[] = { 0xf0, 0x9f, 0x1f600, 0x98 };
	uint32_t got[MAX_CP];

	assert_cps(got, write_and_read("\xc3\xa9\xe9x\xe2\x82\xac\xe2y",
				       got), want1, ARRAY_SIZE(want1));
	assert_cps(got, write_and_read("\xf0\x9f\xf0\x9f\x98\x80\x98", got),
		   want2, ARRAY_SIZE(want2));
}

/* @j written by json_dump_sb_digits(@digits) is @want; @j is released. */
static void assert_dump(json_t *j, int digits, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	assert_non_null(j);
	assert_int_equal(json_dump_sb_digits(j, &sb, digits), 0);
	assert_string_equal(sb.buf, want);
	json_decref(j);
	sb_release(&sb);
}

static void test_round(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *o;

	/* As printf("%.1f") and ("%.3f") would have written them. */
	assert_dump(json_round(12.34, 1), 6, "12.3");
	assert_dump(json_round(0.05, 1), 6, "0.1");
	assert_dump(json_round(100.0, 1), 6, "100.0");
	assert_dump(json_round(0.0, 1), 6, "0.0");
	assert_dump(json_round(2.0004, 3), 6, "2.0");
	assert_dump(json_round(1.23456, 3), 6, "1.235");
	assert_dump(json_round(99999.96, 1), 6, "100000.0");
	/* Past 6 digits only a wider writer keeps them all. */
	assert_dump(json_round(1234.5678, 3), 6, "1234.57");
	assert_dump(json_round(1234.5678, 3), 9, "1234.568");
	assert_dump(json_round(86399.9991, 3), 9, "86399.999");
	assert_dump(json_round(1e20, 1), 6, "1e20");
	assert_dump(json_round(NAN, 1), 6, "null");
	assert_dump(json_round(-INFINITY, 3), 6, "null");

	/* Keys in the order set, compact; NULL is an error, not a crash. */
	o = json_pack("{s:i,s:o,s:n}", "b", 1, "a", json_round(0.25, 1),
		      "c");
	assert_int_equal(json_dump_sb(o, &sb), 0);
	assert_string_equal(sb.buf, "{\"b\":1,\"a\":0.2,\"c\":null}");
	json_decref(o);
	assert_int_equal(json_dump_sb(NULL, &sb), -1);
	sb_release(&sb);
}

static void test_or_null_and_secs(void **state)
{
	assert_dump(json_text_or_null(NULL), 6, "null");
	assert_dump(json_text_or_null(""), 6, "\"\"");
	assert_dump(json_text_or_null("\xe9"), 6, "\"\xc3\xa9\"");
	assert_dump(json_secs(-1), 6, "null");
	assert_dump(json_secs(-0.0001), 6, "null");
	assert_dump(json_secs(0), 6, "0.0");
	assert_dump(json_secs(1.23449), 6, "1.234");
	assert_dump(json_secs(12.0004), 6, "12.0");
	assert_dump(json_secs(3599.9996), 9, "3600.0");
	assert_dump(json_secs(3599.9994), 9, "3599.999");
}

static void test_lines(void **state)
{
	assert_dump(json_lines("a\nb\n"), 6, "[\"a\",\"b\"]");
	assert_dump(json_lines("a\n\nb"), 6, "[\"a\",\"\",\"b\"]");
	assert_dump(json_lines("caf\xe9\n"), 6, "[\"caf\xc3\xa9\"]");
	assert_dump(json_lines(""), 6, "[]");
	assert_dump(json_lines(NULL), 6, "[]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii_escapes),
		cmocka_unit_test(test_utf8_kept),
		cmocka_unit_test(test_latin1_subject),
		cmocka_unit_test(test_ill_formed),
		cmocka_unit_test(test_mixed),
		cmocka_unit_test(test_round),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_or_null_and_secs),
	};

	if (!setlocale(LC_CTYPE, "C.UTF-8")) {
		fprintf(stderr, "json_test: no C.UTF-8 locale\n");
		return 1;
	}
	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
