// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for lib/cmd.c: how cmd_opt() takes an option's value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmd.h"

/* cmd_opt() on argv[@at]; *@next is where it left the index. */
static const char *opt_at(char **argv, int argc, int at, const char *opt,
			  int *next)
{
	*next = at;
	return cmd_opt(argc, argv, next, opt);
}

static void test_long_option(void **state)
{
	char *argv[] = { "x", "--tree", "/a", "--tree=/b", "--tree", NULL };
	int next;

	assert_string_equal(opt_at(argv, 5, 1, "--tree", &next), "/a");
	assert_int_equal(next, 2);
	assert_string_equal(opt_at(argv, 5, 3, "--tree", &next), "/b");
	assert_int_equal(next, 3);
	/* The last argument: no value. */
	assert_string_equal(opt_at(argv, 5, 4, "--tree", &next), "");
	/* A longer name is another option, and no attached value. */
	assert_null(opt_at(argv, 5, 1, "--tre", &next));
	assert_int_equal(next, 1);
}

static void test_short_option(void **state)
{
	char *argv[] = { "x", "-j", "3", "-j4", "-j=5", "-jx", "--jobs", NULL };
	int next;

	assert_string_equal(opt_at(argv, 7, 1, "-j", &next), "3");
	assert_int_equal(next, 2);
	/* Attached, as make and git take it. */
	assert_string_equal(opt_at(argv, 7, 3, "-j", &next), "4");
	assert_int_equal(next, 3);
	assert_string_equal(opt_at(argv, 7, 4, "-j", &next), "5");
	/* Any attached text is the value; the command judges it. */
	assert_string_equal(opt_at(argv, 7, 5, "-j", &next), "x");
	/* A long option is never a short one with a value. */
	assert_null(opt_at(argv, 7, 6, "-j", &next));
	assert_null(opt_at(argv, 7, 3, "-k", &next));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_long_option),
		cmocka_unit_test(test_short_option),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
