// SPDX-License-Identifier: GPL-2.0
#include "parse-options.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *parse_opt_name(const struct option *opt,
			   char buf[PARSE_OPT_NAME_MAX])
{
	if (opt->long_name)
		snprintf(buf, PARSE_OPT_NAME_MAX, "--%s", opt->long_name);
	else
		snprintf(buf, PARSE_OPT_NAME_MAX, "-%c", opt->short_name);
	return buf;
}

static bool takes_value(const struct option *opt)
{
	switch (opt->type) {
	case OPTION_STRING:
	case OPTION_INT:
		return true;
	case OPTION_CALLBACK:
		return !(opt->flags & PARSE_OPT_NOARG);
	default:
		return false;
	}
}

static int parse_int(const struct option *opt, const char *name,
		     const char *arg, struct strbuf *err)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (!*arg || *end || errno || v < opt->min || v > opt->max) {
		if (opt->max == INT_MAX)
			sb_addf(err, "option '%s' expects an integer of at least %ld, not '%s'",
				name, opt->min, arg);
		else
			sb_addf(err, "option '%s' expects an integer from %ld to %ld, not '%s'",
				name, opt->min, opt->max, arg);
		return -1;
	}
	*(int *)opt->value = (int)v;
	return 0;
}

/*
 * Apply @opt, written as @name: @arg is its value (NULL when it takes
 * none), @unset true for --no-NAME.
 */
static int apply_opt(const struct option *opt, const char *name,
		     const char *arg, bool unset, struct strbuf *err)
{
	if (arg && !*arg && (opt->flags & PARSE_OPT_NONEMPTY)) {
		sb_addf(err, "option '%s' needs a value", name);
		return -1;
	}
	switch (opt->type) {
	case OPTION_BOOL:
		*(bool *)opt->value = !unset;
		return 0;
	case OPTION_SET_INT:
		*(int *)opt->value = unset ? 0 : (int)opt->min;
		return 0;
	case OPTION_STRING:
		*(const char **)opt->value = unset ? NULL : arg;
		return 0;
	case OPTION_INT:
		if (unset) {
			*(int *)opt->value = 0;
			return 0;
		}
		return parse_int(opt, name, arg, err);
	case OPTION_CALLBACK:
		return opt->cb(opt, arg, unset, err);
	default:
		return 0;
	}
}

int parse_opt_seconds_cb(const struct option *opt, const char *arg,
			 bool unset, struct strbuf *err)
{
	char name[PARSE_OPT_NAME_MAX];
	char *end;
	double d;

	errno = 0;
	d = arg ? strtod(arg, &end) : 0;
	if (!arg || !*arg || *end || errno || !(d > 0)) {
		sb_addf(err, "option '%s' expects a number of seconds above 0, not '%s'",
			parse_opt_name(opt, name), arg ? arg : "");
		return -1;
	}
	*(double *)opt->value = d;
	return 0;
}

int parse_opt_tristate_cb(const struct option *opt, const char *arg,
			  bool unset, struct strbuf *err)
{
	int *v = opt->value;
	int want = unset ? 0 : 1;

	if (*v >= 0 && *v != want) {
		sb_addf(err, "--%s and --no-%s exclude each other",
			opt->long_name, opt->long_name);
		return -1;
	}
	*v = want;
	return 0;
}

struct parse_state {
	int argc, i;
	char **argv;
	struct strbuf *err;
};

/* The value of an option that needs one and had none attached. */
static const char *next_value(struct parse_state *ps, const char *name)
{
	if (ps->i + 1 >= ps->argc) {
		sb_addf(ps->err, "option '%s' needs a value", name);
		return NULL;
	}
	return ps->argv[++ps->i];
}

static int parse_long(struct parse_state *ps, const struct option *opts,
		      const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	char name[PARSE_OPT_NAME_MAX];
	const struct option *o;
	bool unset = false;
	const char *value;

	for (o = opts; o->type != OPTION_END; o++)
		if (o->long_name && strlen(o->long_name) == len &&
		    !strncmp(o->long_name, arg, len))
			break;
	if (o->type == OPTION_END && len > 3 && !strncmp(arg, "no-", 3)) {
		for (o = opts; o->type != OPTION_END; o++)
			if (o->long_name && (o->flags & PARSE_OPT_NEG) &&
			    strlen(o->long_name) == len - 3 &&
			    !strncmp(o->long_name, arg + 3, len - 3))
				break;
		unset = o->type != OPTION_END;
	}
	if (o->type == OPTION_END) {
		sb_addf(ps->err, "unknown option '--%.*s'", (int)len, arg);
		return -1;
	}
	snprintf(name, sizeof(name), "--%.*s", (int)len, arg);
	if (unset || !takes_value(o)) {
		if (eq) {
			sb_addf(ps->err, "option '%s' takes no value", name);
			return -1;
		}
		return apply_opt(o, name, NULL, unset, ps->err);
	}
	if (eq) {
		value = eq + 1;
	} else {
		value = next_value(ps, name);
		if (!value)
			return -1;
	}
	return apply_opt(o, name, value, false, ps->err);
}

static int parse_short(struct parse_state *ps, const struct option *opts,
		       const char *arg)
{
	const struct option *o;
	char name[3] = { '-', arg[0], '\0' };
	const char *value = arg + 1;

	for (o = opts; o->type != OPTION_END; o++)
		if (o->short_name && o->short_name == arg[0])
			break;
	if (o->type == OPTION_END) {
		sb_addf(ps->err, "unknown option '-%s'", arg);
		return -1;
	}
	if (!takes_value(o)) {
		if (*value) {
			sb_addf(ps->err, "unknown option '-%s'", arg);
			return -1;
		}
		return apply_opt(o, name, NULL, false, ps->err);
	}
	/* Attached: -j4, and -j=4 as well. */
	if (*value == '=')
		value++;
	else if (!*value)
		value = next_value(ps, name);
	if (!value)
		return -1;
	return apply_opt(o, name, value, false, ps->err);
}

int parse_options(int argc, char **argv, const struct option *opts,
		  unsigned int flags, struct strbuf *err)
{
	struct parse_state ps = { .argc = argc, .i = 1, .argv = argv,
				  .err = err };
	int nr = 0, r;

	for (; ps.i < argc; ps.i++) {
		const char *arg = argv[ps.i];

		if (!strcmp(arg, "--")) {
			if (flags & PARSE_OPT_KEEP_DASHDASH)
				argv[nr++] = argv[ps.i];
			for (ps.i++; ps.i < argc; ps.i++)
				argv[nr++] = argv[ps.i];
			break;
		}
		if (arg[0] != '-' || !arg[1]) {
			argv[nr++] = argv[ps.i];
			continue;
		}
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help"))
			return PARSE_OPT_HELP;
		if (arg[1] == '-')
			r = parse_long(&ps, opts, arg + 2);
		else
			r = parse_short(&ps, opts, arg + 1);
		if (r)
			return PARSE_OPT_ERROR;
	}
	argv[nr] = NULL;
	return nr;
}
