// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for lib/parse-options.c and its wrapper cmd_parse_options()
 * (lib/cmd.c): every kind of option, both ways of giving a value, "--",
 * and the usage errors and --help with the exit status a command gives.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmd.h"
#include "parse-options.h"

struct opts {
	bool json, force, dry;
	const char *tree, *name;
	int jobs, mode, level;
	int seen, kvm;
	double timeout;
	char last[64];
};

static int count_cb(const struct option *opt, const char *arg, bool unset,
		    struct strbuf *err)
{
	struct opts *o = opt->value;

	if (arg && !strcmp(arg, "bad")) {
		sb_addf(err, "--count: '%s' is not a count", arg);
		return -1;
	}
	o->seen++;
	snprintf(o->last, sizeof(o->last), "%s", unset ? "(unset)" :
		 arg ? arg : "(none)");
	return 0;
}

static struct opts o;

static const struct option table[] = {
	OPT_BOOL(0, "json", &o.json),
	OPT_BOOL_F('f', "force", &o.force, PARSE_OPT_NEG),
	OPT_BOOL('n', NULL, &o.dry),
	OPT_STRING_F(0, "tree", &o.tree, PARSE_OPT_NONEMPTY),
	OPT_STRING(0, "name", &o.name),
	OPT_INT('j', "jobs", &o.jobs, 1, 64),
	OPT_INT(0, "level", &o.level, 0, INT_MAX),
	OPT_SET_INT(0, "continue", &o.mode, 1),
	OPT_SET_INT(0, "abort", &o.mode, 2),
	OPT_CALLBACK_F(0, "count", &o, count_cb, PARSE_OPT_NEG),
	OPT_CALLBACK_F(0, "tick", &o, count_cb, PARSE_OPT_NOARG),
	OPT_SECONDS(0, "timeout", &o.timeout),
	OPT_TRISTATE(0, "kvm", &o.kvm),
	OPT_END(),
};

/* parse_options() on the NULL-terminated @args (after a command name). */
static int parse(struct strbuf *err, char **argv, unsigned int flags)
{
	int argc = 0;

	memset(&o, 0, sizeof(o));
	o.kvm = -1;
	while (argv[argc])
		argc++;
	sb_reset(err);
	return parse_options(argc, argv, table, flags, err);
}

static void test_bool_and_set_int(void **state)
{
	char *argv[] = { "cmd", "--json", "-f", "-n", "--continue", NULL };
	char *neg[] = { "cmd", "-f", "--no-force", "--abort", NULL };
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(parse(&err, argv, 0), 0);
	assert_true(o.json && o.force && o.dry);
	assert_int_equal(o.mode, 1);
	assert_int_equal(parse(&err, neg, 0), 0);
	assert_false(o.force);
	assert_int_equal(o.mode, 2);
	sb_release(&err);
}

static void test_bool_errors(void **state)
{
	char *val[] = { "cmd", "--json=yes", NULL };
	char *noneg[] = { "cmd", "--no-json", NULL };
	char *attached[] = { "cmd", "-nx", NULL };
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(parse(&err, val, 0), PARSE_OPT_ERROR);
	assert_string_equal(err.buf, "option '--json' takes no value");
	/* Only options marked PARSE_OPT_NEG have a --no- form. */
	assert_int_equal(parse(&err, noneg, 0), PARSE_OPT_ERROR);
	assert_string_equal(err.buf, "unknown option '--no-json'");
	assert_int_equal(parse(&err, attached, 0), PARSE_OPT_ERROR);
	assert_string_equal(err.buf, "unknown option '-nx'");
	sb_release(&err);
}

static void test_string_both_forms(void **state)
{
	char *sep[] = { "cmd", "--tree", "/a", "--name", "x", NULL };
	char *eq[] = { "cmd", "--tree=/b", "--name=", NULL };
	char *dash[] = { "cmd", "--name", "--json", NULL };
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(parse(&err, sep, 0), 0);
	assert_string_equal(o.tree, "/a");
	assert_string_equal(o.name, "x");
	assert_int_equal(parse(&err, eq, 0), 0);
	assert_string_equal(o.tree, "/b");
	assert_string_equal(o.name, "");
	/* The next argument is the value, whatever it looks like. */
	assert_int_equal(parse(&err, dash, 0), 0);
	assert_string_equal(o.name, "--json");
	assert_false(o.json);
	sb_release(&err);
}

static void test_missing_value(void **state)
{
	char *last[] = { "cmd", "--tree", NULL };
	char *empty[] = { "cmd", "--tree=", NULL };
	char *shortlast[] = { "cmd", "-j", NULL };
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(parse(&err, last, 0), PARSE_OPT_ERROR);
	assert_string_equal(err.buf, "option '--tree' needs a value");
	assert_int_equal(parse(&err, empty, 0), PARSE_OPT_ERROR);
	assert_string_equal(err.buf, "option '--tree' needs a value");
	assert_int_equal(parse(&err, shortlast, 0), PARSE_OPT_ERROR);
	assert_string_equal(err.buf, "option '-j' needs a value");
	sb_release(&err);
}

static void test_int(void **state)
{
	char *forms[] = { "cmd", "-j", "3", NULL };
	char *attached[] = { "cmd", "-j4", NULL };
	char *eqshort[] = { "cmd", "-j=5", NULL };
	char *eqlong[] = { "cmd", "--jobs=6", "--level", "100000", NULL };
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(parse(&err, forms, 0), 0);
	assert_int_equal(o.jobs, 3);
	assert_int_equal(parse(&err, attached, 0), 0);
	assert_int_equal(o.jobs, 4);
	assert_int_equal(parse(&err, eqshort, 0), 0);
	assert_int_equal(o.jobs, 5);
	assert_int_equal(parse(&err, eqlong, 0), 0);
	assert_int_equal(o.jobs, 6);
	assert_int_equal(o.level, 100000);
	sb_release(&err);
}

static void test_bad_int(void **state)
{
	char *word[] = { "cmd", "-jx", NULL };
	char *range[] = { "cmd", "--jobs", "65", NULL };
	char *trail[] = { "cmd", "--jobs=2k", NULL };
	char *neg[] = { "cmd", "--level=-1", NULL };
	char *empty[] = { "cmd", "--level=", NULL };
	char *huge[] = { "cmd", "--level=99999999999999999999", NULL };
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(parse(&err, word, 0), PARSE_OPT_ERROR);
	assert_string_equal(err.buf,
			    "option '-j' expects an integer from 1 to 64, not 'x'");
	assert_int_equal(parse(&err, range, 0), PARSE_OPT_ERROR);
	assert_string_equal(err.buf,
			    "option '--jobs' expects an integer from 1 to 64, not '65'");
	assert_int_equal(parse(&err, trail, 0), PARSE_OPT_ERROR);
	assert_int_equal(parse(&err, neg, 0), PARSE_OPT_ERROR);
	assert_string_equal(err.buf,
			    "option '--level' expects an integer of at least 0, not '-1'");
	assert_int_equal(parse(&err, empty, 0), PARSE_OPT_ERROR);
	assert_int_equal(parse(&err, huge, 0), PARSE_OPT_ERROR);
	sb_release(&err);
}

static void test_callback(void **state)
{
	char *argv[] = { "cmd", "--count", "1", "--count=2", "--tick", NULL };
	char *unset[] = { "cmd", "--no-count", NULL };
	char *bad[] = { "cmd", "--count=bad", NULL };
	char *tickval[] = { "cmd", "--tick=1", NULL };
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(parse(&err, argv, 0), 0);
	assert_int_equal(o.seen, 3);
	assert_string_equal(o.last, "(none)");
	assert_int_equal(parse(&err, unset, 0), 0);
	assert_string_equal(o.last, "(unset)");
	/* The callback's message is the whole message. */
	assert_int_equal(parse(&err, bad, 0), PARSE_OPT_ERROR);
	assert_string_equal(err.buf, "--count: 'bad' is not a count");
	assert_int_equal(parse(&err, tickval, 0), PARSE_OPT_ERROR);
	assert_string_equal(err.buf, "option '--tick' takes no value");
	sb_release(&err);
}

static void test_seconds_and_tristate(void **state)
{
	char *argv[] = { "cmd", "--timeout", "1.5", "--kvm", "--kvm", NULL };
	char *eq[] = { "cmd", "--timeout=30", "--no-kvm", NULL };
	char *zero[] = { "cmd", "--timeout=0", NULL };
	char *word[] = { "cmd", "--timeout", "soon", NULL };
	char *both[] = { "cmd", "--kvm", "--no-kvm", NULL };
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(parse(&err, argv, 0), 0);
	assert_true(o.timeout == 1.5);
	assert_int_equal(o.kvm, 1);
	assert_int_equal(parse(&err, eq, 0), 0);
	assert_true(o.timeout == 30);
	assert_int_equal(o.kvm, 0);
	assert_int_equal(parse(&err, zero, 0), PARSE_OPT_ERROR);
	assert_string_equal(err.buf,
			    "option '--timeout' expects a number of seconds above 0, not '0'");
	assert_int_equal(parse(&err, word, 0), PARSE_OPT_ERROR);
	assert_int_equal(parse(&err, both, 0), PARSE_OPT_ERROR);
	assert_string_equal(err.buf, "--kvm and --no-kvm exclude each other");
	sb_release(&err);
}

static void test_positional_and_dashdash(void **state)
{
	char *argv[] = { "cmd", "a", "--json", "-", "b", "--", "--tree",
			 "-j", NULL };
	char *keep[] = { "cmd", "x", "--", "--json", NULL };
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(parse(&err, argv, 0), 5);
	assert_string_equal(argv[0], "a");
	assert_string_equal(argv[1], "-");
	assert_string_equal(argv[2], "b");
	assert_string_equal(argv[3], "--tree");
	assert_string_equal(argv[4], "-j");
	assert_null(argv[5]);
	assert_true(o.json);
	assert_null(o.tree);
	assert_int_equal(parse(&err, keep, PARSE_OPT_KEEP_DASHDASH), 3);
	assert_string_equal(keep[0], "x");
	assert_string_equal(keep[1], "--");
	assert_string_equal(keep[2], "--json");
	assert_false(o.json);
	sb_release(&err);
}

static void test_unknown_and_help(void **state)
{
	char *unknown[] = { "cmd", "--nope=1", NULL };
	char *ushort[] = { "cmd", "-z", NULL };
	char *help[] = { "cmd", "--tree", "/x", "-h", NULL };
	char *late[] = { "cmd", "--", "--help", NULL };
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(parse(&err, unknown, 0), PARSE_OPT_ERROR);
	assert_string_equal(err.buf, "unknown option '--nope'");
	assert_int_equal(parse(&err, ushort, 0), PARSE_OPT_ERROR);
	assert_string_equal(err.buf, "unknown option '-z'");
	assert_int_equal(parse(&err, help, 0), PARSE_OPT_HELP);
	/* After "--" it is an argument. */
	assert_int_equal(parse(&err, late, 0), 1);
	assert_string_equal(late[0], "--help");
	sb_release(&err);
}

static const char usage[] = "kseries t - test\n\nusage: kseries t [--json]\n";

/*
 * cmd_parse_options() in a child with stdout and stderr in files; its
 * exit status is the command's (cmd_parse_status()), or 100 + the number
 * of positional arguments.
 */
static int run_parse(char **argv, struct strbuf *out, struct strbuf *err)
{
	char outp[] = "/tmp/po-out.XXXXXX", errp[] = "/tmp/po-err.XXXXXX";
	int fo = mkstemp(outp), fe = mkstemp(errp), st, argc = 0;
	pid_t pid;

	assert_true(fo >= 0 && fe >= 0);
	while (argv[argc])
		argc++;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		int r;

		dup2(fo, 1);
		dup2(fe, 2);
		cmd_set_name("t");
		r = cmd_parse_options(argc, argv, table, 0, usage);
		fflush(NULL);
		_exit(r < 0 ? cmd_parse_status(r) : 100 + r);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	sb_reset(out);
	sb_reset(err);
	assert_int_equal(read_file(outp, out), 0);
	assert_int_equal(read_file(errp, err), 0);
	close(fo);
	close(fe);
	unlink(outp);
	unlink(errp);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void test_cmd_exit_status(void **state)
{
	char *help[] = { "t", "--help", NULL };
	char *unknown[] = { "t", "--nope", NULL };
	char *missing[] = { "t", "--tree", NULL };
	char *badint[] = { "t", "-j", "many", NULL };
	char *ok[] = { "t", "--json", "p", NULL };
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;

	assert_int_equal(run_parse(help, &out, &err), 0);
	assert_string_equal(sb_str(&out), usage);
	assert_string_equal(sb_str(&err), "");

	assert_int_equal(run_parse(unknown, &out, &err), EXIT_USAGE);
	assert_string_equal(sb_str(&out), "");
	assert_string_equal(sb_str(&err),
			    "kseries t: unknown option '--nope'\n\n"
			    "kseries t - test\n\nusage: kseries t [--json]\n");

	assert_int_equal(run_parse(missing, &out, &err), EXIT_USAGE);
	assert_non_null(strstr(sb_str(&err), "option '--tree' needs a value"));
	assert_non_null(strstr(sb_str(&err), usage));

	assert_int_equal(run_parse(badint, &out, &err), EXIT_USAGE);
	assert_non_null(strstr(sb_str(&err), "'-j' expects an integer"));

	assert_int_equal(run_parse(ok, &out, &err), 101);
	assert_string_equal(sb_str(&out), "");
	assert_string_equal(sb_str(&err), "");
	sb_release(&out);
	sb_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bool_and_set_int),
		cmocka_unit_test(test_bool_errors),
		cmocka_unit_test(test_string_both_forms),
		cmocka_unit_test(test_missing_value),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_bad_int),
		cmocka_unit_test(test_callback),
		cmocka_unit_test(test_seconds_and_tristate),
		cmocka_unit_test(test_positional_and_dashdash),
		cmocka_unit_test(test_unknown_and_help),
		cmocka_unit_test(test_cmd_exit_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
