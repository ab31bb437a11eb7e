// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for lib/cover.c: the changelog and cover-letter files, the
 * shortlog and the composed cover letter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cover.h"

static void test_changelog(void **state)
{
	struct changelog cl;
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(changelog_parse("# comment\n\n"
					 "v3:\n- c\n  continued\n\n"
					 "v2:\n- b\n# not part of it\n- b2\n"
					 "V1:  \n",
					 &cl, &err), 0);
	assert_int_equal(cl.nr, 3);
	assert_int_equal(changelog_latest(&cl), 3);
	assert_int_equal(cl.v[0].version, 3);
	assert_string_equal(cl.v[0].text, "- c\n  continued");
	assert_string_equal(cl.v[1].text, "- b\n- b2");
	assert_string_equal(cl.v[2].text, "");
	changelog_release(&cl);

	assert_int_equal(changelog_parse("", &cl, &err), 0);
	assert_int_equal(changelog_latest(&cl), 0);
	changelog_release(&cl);

	assert_int_equal(changelog_parse("- orphan item\nv2:\n", &cl, &err),
			 -1);
	assert_string_equal(err.buf,
			    "line 1: text before the first \"vN:\" heading");
	sb_reset(&err);
	assert_int_equal(changelog_parse("v2:\nv1:\nv2:\n", &cl, &err), -1);
	assert_string_equal(err.buf, "line 3: v2 is listed twice");
	sb_release(&err);
}

static void test_cover_file(void **state)
{
	struct strbuf err = STRBUF_INIT;
	char *s, *b;

	assert_int_equal(cover_file_parse("# how to write it\nKVM: the title  \n\n\nText.\n\nMore.\n\n",
					  &s, &b, &err), 0);
	assert_string_equal(s, "KVM: the title");
	assert_string_equal(b, "Text.\n\nMore.");
	free(s);
	free(b);
	assert_int_equal(cover_file_parse("# only a comment\n", &s, &b, &err),
			 -1);
	assert_non_null(strstr(err.buf, "no subject"));
	sb_release(&err);
}

static struct patch mk(const char *author, const char *subject)
{
	struct patch p;

	memset(&p, 0, sizeof(p));
	p.author_name = (char *)author;
	p.subject = (char *)subject;
	return p;
}

static void test_shortlog_and_compose(void **state)
{
	struct patch a = mk("Zed", "KVM: x86: one");
	struct patch b = mk("Alice", "KVM: x86/xen: a subject long enough that git shortlog wraps it at seventy-two");
	struct patch c = mk("Zed", "KVM: selftests: three");
	struct patch *v[] = { &a, &b, &c };
	struct changelog cl;
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;

	cover_shortlog(&out, v, 3);
	assert_string_equal(out.buf,
		"Alice (1):\n"
		"  KVM: x86/xen: a subject long enough that git shortlog wraps it at\n"
		"    seventy-two\n"
		"\n"
		"Zed (2):\n"
		"  KVM: x86: one\n"
		"  KVM: selftests: three\n");
	sb_reset(&out);

	assert_int_equal(changelog_parse("v3:\n- three\nv2:\n- two\nv1:\n- one\n",
					 &cl, &err), 0);
	cover_compose(&out, "The text.", &cl, 2, v, 3,
		      " x | 1 +\n 1 file changed, 1 insertion(+)\n", "abc123");
	assert_string_equal(out.buf,
		"The text.\n\n"
		"Changes in v2:\n- two\n\n"
		"Alice (1):\n"
		"  KVM: x86/xen: a subject long enough that git shortlog wraps it at\n"
		"    seventy-two\n"
		"\n"
		"Zed (2):\n"
		"  KVM: x86: one\n"
		"  KVM: selftests: three\n"
		"\n"
		" x | 1 +\n 1 file changed, 1 insertion(+)\n"
		"\n"
		"base-commit: abc123\n"
		"-- \nkseries\n");
	changelog_release(&cl);
	sb_release(&out);
	sb_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_changelog),
		cmocka_unit_test(test_cover_file),
		cmocka_unit_test(test_shortlog_and_compose),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
