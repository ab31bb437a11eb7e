// SPDX-License-Identifier: GPL-2.0
/*
 * Replays the fuzz targets' seed corpus (fuzz/corpus/NAME) and every
 * input that once crashed or hung them (fuzz/regress/NAME, kept when the
 * bug was fixed), through the same code as the fuzzers (fuzz/targets.c).
 * Under `make fuzz` they run with AddressSanitizer; here they must at
 * least return, and valgrind or a sanitizer build can be pointed at it.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fuzz/targets.c"

/* fuzz/ from the tools directory (where make runs the tests) */
static char *fuzz_dir(void)
{
	const char *env = getenv("KSERIES_FUZZ_DIR");

	if (env && *env)
		return xstrdup(env);
	if (is_dir("fuzz"))
		return xstrdup("fuzz");
	return xstrdup("../fuzz");
}

static size_t replay(const char *sub, const char *target,
		     void (*fn)(const uint8_t *, size_t))
{
	char *base = fuzz_dir(), *dir = xasprintf("%s/%s/%s", base, sub,
						  target);
	struct dirent *de;
	size_t n = 0;
	DIR *d = opendir(dir);

	while (d && (de = readdir(d))) {
		struct strbuf sb = STRBUF_INIT;
		char *path;

		if (de->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (!read_file(path, &sb)) {
			fn((const uint8_t *)sb.buf, sb.len);
			n++;
		}
		sb_release(&sb);
		free(path);
	}
	if (d)
		closedir(d);
	free(dir);
	free(base);
	return n;
}

static void check_target(const char *target,
			 void (*fn)(const uint8_t *, size_t))
{
	size_t seeds = replay("corpus", target, fn);

	/* the seeds are committed: their absence is a broken checkout */
	assert_true(seeds > 0);
	replay("regress", target, fn);
}

static void test_mbox(void **state)
{
	check_target("mbox", fuzz_mbox_one);
}

static void test_patch(void **state)
{
	check_target("patch", fuzz_patch_one);
}

static void test_maintainers(void **state)
{
	check_target("maintainers", fuzz_maintainers_one);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mbox),
		cmocka_unit_test(test_patch),
		cmocka_unit_test(test_maintainers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
