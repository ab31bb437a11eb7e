// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the series file: entries, topics, comments kept in
 * place on a rewrite, and names that would leave patches/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "series.h"
#include "util.h"

static char *write_tmp(const char *text)
{
	char *path = xstrdup("/tmp/kseries-series-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static const char text[] =
	"# The KVM series on 5.10.\n"
	"\n"
	"0001-KVM-x86-first.patch\n"
	"# topic: xen - minimal Xen HVM guest support\n"
	"0002-KVM-x86-xen-one.patch -p1\n"
	"  0003-KVM-x86-xen-two.patch\n"
	"# topic: emul - emulation failure exits\n"
	"0004-KVM-x86-emul.patch\n"
	"# trailing comment\n";

static void test_load(void **state)
{
	char *path = write_tmp(text);
	struct series s;

	assert_int_equal(series_load(&s, path, "/p"), 0);
	assert_int_equal(s.nr, 4);
	assert_string_equal(s.entries[0].name, "0001-KVM-x86-first.patch");
	assert_null(s.entries[0].topic);
	assert_string_equal(s.entries[0].pre, "# The KVM series on 5.10.\n\n");
	assert_string_equal(s.entries[1].name, "0002-KVM-x86-xen-one.patch");
	assert_string_equal(s.entries[1].topic, "xen");
	assert_string_equal(s.entries[2].topic, "xen");
	assert_string_equal(s.entries[3].topic, "emul");
	assert_int_equal(s.entries[3].line_no, 8);
	assert_string_equal(s.tail, "# trailing comment\n");
	{
		char *p = series_patch_path(&s, 3);

		assert_string_equal(p, "/p/0004-KVM-x86-emul.patch");
		free(p);
	}
	series_release(&s);
	unlink(path);
	free(path);
}

static void test_round_trip(void **state)
{
	static const char clean[] =
		"# c\n0001-a.patch\n# topic: t - x\n0002-b.patch\n\n";
	struct strbuf sb = STRBUF_INIT;
	char *path = write_tmp(clean);
	struct series s;

	assert_int_equal(series_load(&s, path, "p"), 0);
	series_format(&s, &sb);
	assert_string_equal(sb.buf, clean);
	series_release(&s);
	sb_release(&sb);
	unlink(path);
	free(path);
}

static void test_bad_names(void **state)
{
	static const char *const bad[] = {
		"../evil.patch\n", "/abs.patch\n", "a/../../x.patch\n",
		"./x.patch\n", "x.patch -p0\n",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		char *path = write_tmp(bad[i]);
		struct series s;

		assert_int_equal(series_load(&s, path, "p"), -1);
		unlink(path);
		free(path);
	}
}

static void test_missing_file_is_empty(void **state)
{
	struct series s;

	assert_int_equal(series_load(&s, "/nonexistent/series", "p"), 0);
	assert_int_equal(s.nr, 0);
	series_release(&s);
}

static void test_topic_line(void **state)
{
	char *t = series_topic_of_line("# topic: nested-svm - the fixes");

	assert_string_equal(t, "nested-svm");
	free(t);
	assert_null(series_topic_of_line("# topics are nice"));
	assert_null(series_topic_of_line("0001-x.patch"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_missing_file_is_empty),
		cmocka_unit_test(test_topic_line),
	};

	return cmocka_run_group_tests_name("series", tests, NULL, NULL);
}
