// SPDX-License-Identifier: GPL-2.0
/*
 * kseries sparse: sparse through a cache of its findings, as kbuild's CHECK.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cmd.h"
#include "lib/sparsecache.h"

const char cmd_sparse_usage[] =
	"kseries sparse - run sparse through a cache of its findings (kbuild's CHECK)\n"
	"\n"
	"usage: kseries sparse SPARSE-ARGUMENT...\n"
	"\n"
	"What the kernel builds of 'kseries check' give kbuild as CHECK with\n"
	"C=1: sparse (found on $PATH) with the arguments\n"
	"as they are, unless a run with the same key is in <cache>/sparse:\n"
	"then that run's output and exit status, and sparse does not run.\n"
	"The key: sparse's binary, the arguments, the current directory, and\n"
	"the content of the source and of every file the object's .cmd file\n"
	"lists (the argument \"-Wp,-MMD,DIR/.NAME.o.d\" names DIR/.NAME.o.cmd,\n"
	"which kbuild writes after the compile, before it runs sparse; a\n"
	"\"$(wildcard FILE)\" counts by whether it exists). ccache keeps the\n"
	"compile; this keeps sparse's run, so a check walking the series again\n"
	"does not pay sparse again for the objects a header change reaches.\n"
	"Without that argument, or if a file it lists cannot be read, sparse\n"
	"runs and nothing is kept.\n"
	"\n"
	"sparse's stdout and stderr go to stderr as one stream (sparse writes\n"
	"its findings there). With $KSERIES_SPARSE_STATS naming a file, each\n"
	"run appends a line to it: \"hit SOURCE\", \"miss SOURCE\" (run and\n"
	"kept) or \"uncached SOURCE: WHY\". An entry is a few hundred bytes;\n"
	"nothing removes them ('rm -r <cache>/sparse' starts afresh).\n"
	"\n"
	"Exit status: sparse's; 2 if sparse could not be run; 129 without\n"
	"arguments. -h or --help alone prints this.\n";

/* One line of $KSERIES_SPARSE_STATS, appended in one write. */
static void count(enum sparse_cache_how how, const char *src,
		  const struct strbuf *why)
{
	const char *path = getenv("KSERIES_SPARSE_STATS");
	static const char *const name[] = {
		[SPARSE_CACHE_HIT] = "hit",
		[SPARSE_CACHE_MISS] = "miss",
		[SPARSE_CACHE_UNCACHED] = "uncached",
	};
	struct strbuf line = STRBUF_INIT;
	int fd;

	if (!path || !*path)
		return;
	sb_addf(&line, "%s %s", name[how], src);
	if (how == SPARSE_CACHE_UNCACHED)
		sb_addf(&line, ": %s", why->len ? why->buf : "not stored");
	sb_addch(&line, '\n');
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (write_in_full(fd, line.buf, line.len) < 0)
			warning("cannot write %s", path);
		close(fd);
	}
	sb_release(&line);
}

int cmd_sparse(int argc, char **argv)
{
	struct strbuf why = STRBUF_INIT;
	enum sparse_cache_how how;
	char *prog, *dir;
	int status;

	if (argc == 2 && (!strcmp(argv[1], "-h") ||
			  !strcmp(argv[1], "--help"))) {
		fputs(cmd_sparse_usage, stdout);
		return 0;
	}
	if (argc < 2)
		return usage_error(cmd_sparse_usage, "no arguments for sparse");
	prog = which("sparse");
	if (!prog) {
		error("sparse is not on $PATH: install the package \"sparse\"");
		return 2;
	}
	dir = cache_path("sparse");
	status = sparse_cache_run(prog, argv + 1, argc - 1, dir, 2, &how,
				  &why);
	if (status < 0)
		status = 2;
	else
		count(how, argv[argc - 1], &why);
	free(dir);
	free(prog);
	sb_release(&why);
	return status;
}
