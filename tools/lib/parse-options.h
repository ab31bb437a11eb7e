/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One option parser for every command, in the way of git's
 * parse-options: a command describes its options in a table of struct
 * option (OPT_BOOL, OPT_STRING, OPT_INT, ... ending with OPT_END()) and
 * parse_options() walks argv once:
 *
 *   --name=value and --name value    for an option that takes a value
 *   -x value, -xvalue and -x=value   for a short one ("-j4" as make)
 *   --no-name                        for an option marked PARSE_OPT_NEG
 *   --                               ends the options; the rest are
 *                                    positional arguments
 *   -h, --help                       PARSE_OPT_HELP (the caller prints
 *                                    the usage)
 *
 * Long names are matched exactly (no abbreviations). Options and
 * positional arguments may be mixed; "-" alone is a positional argument.
 * A value that starts with '-' is still the value ("--tree -x").
 *
 * Nothing is printed: an unknown option, a missing or unwanted value, a
 * bad integer or a callback's refusal returns PARSE_OPT_ERROR with the
 * message (naming the option) in @err. cmd_parse_options() (cmd.h) is
 * the wrapper the commands use: it prints and gives the exit status.
 */
#ifndef KSERIES_PARSE_OPTIONS_H
#define KSERIES_PARSE_OPTIONS_H

#include <limits.h>
#include <stdbool.h>

#include "util.h"

enum parse_opt_type {
	OPTION_END,
	OPTION_BOOL,		/* bool *: true (false for --no-NAME) */
	OPTION_SET_INT,		/* int *: set to .min */
	OPTION_STRING,		/* const char **: the value (the last wins) */
	OPTION_INT,		/* int *: a decimal in [.min, .max] */
	OPTION_CALLBACK,	/* .cb(opt, value, unset, err) */
};

/* Per-option flags. */
#define PARSE_OPT_NEG		(1 << 0)	/* --no-NAME is accepted */
#define PARSE_OPT_NONEMPTY	(1 << 1)	/* the value may not be "" */
#define PARSE_OPT_NOARG		(1 << 2)	/* a callback without a value */

/* parse_options() flags. */
#define PARSE_OPT_KEEP_DASHDASH	(1 << 0)	/* "--" stays a positional */

/* parse_options()'s results when it did not parse to the end. */
#define PARSE_OPT_HELP		(-1)
#define PARSE_OPT_ERROR		(-2)

struct option;

/*
 * A callback gets the option's value (NULL for PARSE_OPT_NOARG and for
 * --no-NAME, when @unset is true). It returns 0, or -1 with a message
 * in @err (parse_options() adds nothing to it).
 */
typedef int parse_opt_cb(const struct option *opt, const char *arg,
			 bool unset, struct strbuf *err);

struct option {
	enum parse_opt_type type;
	char short_name;	/* 'j' for -j, or 0 */
	const char *long_name;	/* "jobs" for --jobs, or NULL */
	void *value;
	int flags;		/* PARSE_OPT_NEG, ... */
	long min, max;		/* OPTION_INT's range; OPTION_SET_INT's value */
	parse_opt_cb *cb;
};

#define OPT_END()	{ .type = OPTION_END }
#define OPT_BOOL_F(s, l, v, f)						\
	{ .type = OPTION_BOOL, .short_name = (s), .long_name = (l),	\
	  .value = (v), .flags = (f) }
#define OPT_BOOL(s, l, v)	OPT_BOOL_F(s, l, v, 0)
#define OPT_SET_INT(s, l, v, i)						\
	{ .type = OPTION_SET_INT, .short_name = (s), .long_name = (l),	\
	  .value = (v), .min = (i) }
#define OPT_STRING_F(s, l, v, f)					\
	{ .type = OPTION_STRING, .short_name = (s), .long_name = (l),	\
	  .value = (v), .flags = (f) }
#define OPT_STRING(s, l, v)	OPT_STRING_F(s, l, v, 0)
#define OPT_INT(s, l, v, lo, hi)					\
	{ .type = OPTION_INT, .short_name = (s), .long_name = (l),	\
	  .value = (v), .min = (lo), .max = (hi) }
#define OPT_CALLBACK_F(s, l, v, c, f)					\
	{ .type = OPTION_CALLBACK, .short_name = (s), .long_name = (l),	\
	  .value = (v), .cb = (c), .flags = (f) }
#define OPT_CALLBACK(s, l, v, c)	OPT_CALLBACK_F(s, l, v, c, 0)

/*
 * Callbacks for options more than one command has:
 *
 * OPT_SECONDS: a double, more than 0 ("--timeout 1.5").
 * OPT_TRISTATE: --NAME sets the int to 1, --no-NAME to 0 (it starts at
 * -1, "not said"); giving both is an error.
 */
parse_opt_cb parse_opt_seconds_cb;
parse_opt_cb parse_opt_tristate_cb;
#define OPT_SECONDS(s, l, v)	OPT_CALLBACK(s, l, v, parse_opt_seconds_cb)
#define OPT_TRISTATE(s, l, v)						\
	OPT_CALLBACK_F(s, l, v, parse_opt_tristate_cb,			\
		       PARSE_OPT_NOARG | PARSE_OPT_NEG)

/*
 * Parse argv[1..@argc) (argv[0] is the command's name) by @opts. Returns
 * the number of positional arguments, moved in their order to argv[0..]
 * (argv[n] is then NULL); PARSE_OPT_HELP for -h or --help; or
 * PARSE_OPT_ERROR with a message in @err. Values point into argv.
 */
int parse_options(int argc, char **argv, const struct option *opts,
		  unsigned int flags, struct strbuf *err);

/* The option's name as the user writes it: "--jobs" (else "-j"). */
#define PARSE_OPT_NAME_MAX	64
const char *parse_opt_name(const struct option *opt,
			   char buf[PARSE_OPT_NAME_MAX]);

#endif
