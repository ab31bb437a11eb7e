/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sparse's findings, cached by what sparse reads. kbuild's C=1 runs
 * sparse on each object it compiles again; ccache keeps the compile,
 * nothing kept sparse's run, so a check that walks the series again
 * paid sparse anew for every object a patch's headers reach. The key
 * is ccache's direct mode applied to the .cmd file kbuild has just
 * written for the object (C=1 runs sparse after the compile): the
 * source and every header the compiler read, by content, with sparse's
 * own binary, its arguments and the directory it runs in.
 */
#ifndef KSERIES_SPARSECACHE_H
#define KSERIES_SPARSECACHE_H

#include <stddef.h>

#include "util.h"

/*
 * The key of running the sparse binary @prog with @argv (@argc words,
 * as kbuild passes them: "-Wp,-MMD,DIR/.NAME.o.d" names the object's
 * .cmd file, DIR/.NAME.o.cmd) in the directory @cwd, as 64 hex digits
 * into @hex. -1, with the reason in @why, if it cannot be keyed: no
 * such argument, no .cmd file or one without its dependencies, a
 * dependency that cannot be read (only "$(wildcard ...)" ones may be
 * missing: their absence is part of the key).
 */
int sparse_cache_key(const char *prog, char *const *argv, size_t argc,
		     const char *cwd, char hex[65], struct strbuf *why);

/*
 * The cached run under @hex in the cache directory @dir: 0 with sparse's
 * exit status in *@status and its output in @out; -1 if there is none
 * (or it is not one this version wrote).
 */
int sparse_cache_load(const char *dir, const char *hex, int *status,
		      struct strbuf *out);
/* Keep a run (status 0-127, output): 0, or -1 if it could not be written. */
int sparse_cache_store(const char *dir, const char *hex, int status,
		       const char *out, size_t len);

enum sparse_cache_how {
	SPARSE_CACHE_HIT,	/* output from the cache, sparse not run */
	SPARSE_CACHE_MISS,	/* sparse run, its output stored */
	SPARSE_CACHE_UNCACHED,	/* sparse run, nothing stored (why said) */
};

/*
 * Run sparse @prog with @argv (@argc words) in the current directory
 * through the cache directory @dir: its output (stdout and stderr as
 * one stream) written to the file descriptor @out_fd. sparse's exit
 * status (0-255; 128 + signal), or -1 if it could not be started.
 * How it went into *@how, and for an uncached run the reason in @why.
 */
int sparse_cache_run(const char *prog, char *const *argv, size_t argc,
		     const char *dir, int out_fd, enum sparse_cache_how *how,
		     struct strbuf *why);

#endif
