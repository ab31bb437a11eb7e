/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every subcommand shares: --help handling and usage errors, with
 * git's exit codes (0 for --help, 129 for a usage error).
 *
 * A command's usage text starts with "kseries NAME - summary", then a
 * blank line, the synopsis and the options.
 */
#ifndef KSERIES_CMD_H
#define KSERIES_CMD_H

#include <stdbool.h>

#include "parse-options.h"
#include "util.h"

#define EXIT_USAGE	129

/* The running subcommand's name, for messages ("apply"). */
void cmd_set_name(const char *name);
const char *cmd_name(void);

/*
 * parse_options() for a command: on -h or --help print @usage to stdout;
 * on a usage error print the message (naming the option) and @usage to
 * stderr. Returns the number of positional arguments (moved to argv[0..]),
 * or a negative number that cmd_parse_status() turns into the exit
 * status (0 after --help, EXIT_USAGE after an error).
 */
int cmd_parse_options(int argc, char **argv, const struct option *opts,
		      unsigned int flags, const char *usage);
int cmd_parse_status(int r);

/*
 * For commands not yet on parse_options() (check, build).
 *
 * If argv[1..] holds -h or --help (before any "--"), print @usage to
 * stdout and exit 0.
 */
void cmd_handle_help(int argc, char **argv, const char *usage);

/*
 * If argv[*i] is "@opt=VALUE" return VALUE; if it is "@opt", return the
 * next argument (advancing *i), or "" when there is none. A short @opt
 * ("-j") also takes its value attached ("-j4"). Else NULL.
 */
const char *cmd_opt(int argc, char **argv, int *i, const char *opt);

/* Report a usage error and the usage text; returns EXIT_USAGE. */
int usage_error(const char *usage, const char *fmt, ...) __printf(2, 3);

#endif
