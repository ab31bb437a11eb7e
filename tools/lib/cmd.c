// SPDX-License-Identifier: GPL-2.0
#include "cmd.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *name = "";

void cmd_set_name(const char *n)
{
	name = n;
}

const char *cmd_name(void)
{
	return name;
}

void cmd_handle_help(int argc, char **argv, const char *usage)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage, stdout);
			exit(0);
		}
	}
}

const char *cmd_opt(int argc, char **argv, int *i, const char *opt)
{
	size_t n = strlen(opt);
	bool is_short = n == 2 && opt[0] == '-' && opt[1] != '-';

	if (!strncmp(argv[*i], opt, n) && argv[*i][n] == '=')
		return argv[*i] + n + 1;
	/* A short option takes its value attached, too: -j4 as make. */
	if (is_short && !strncmp(argv[*i], opt, n) && argv[*i][n])
		return argv[*i] + n;
	if (strcmp(argv[*i], opt))
		return NULL;
	if (*i + 1 >= argc)
		return "";
	return argv[++*i];
}

int usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kseries %s: ", name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n\n", stderr);
	fputs(usage, stderr);
	return EXIT_USAGE;
}

int cmd_parse_options(int argc, char **argv, const struct option *opts,
		      unsigned int flags, const char *usage)
{
	struct strbuf err = STRBUF_INIT;
	int r = parse_options(argc, argv, opts, flags, &err);

	if (r == PARSE_OPT_HELP)
		fputs(usage, stdout);
	else if (r == PARSE_OPT_ERROR)
		usage_error(usage, "%s", err.buf);
	sb_release(&err);
	return r;
}

int cmd_parse_status(int r)
{
	return r == PARSE_OPT_HELP ? 0 : EXIT_USAGE;
}
