/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Build the guest kernel out of tree: a Kconfig made from tinyconfig and
 * the project's fragments (kernel-overlay/config/NAME.config) merged with the
 * tree's own scripts/kconfig/merge_config.sh, then `make O=<build>` with
 * ccache when present, then headers_install into <build>/usr for the
 * selftests. Nothing is written into the source tree.
 *
 * Progress is one line a phase; the complete make output goes to a log
 * (for people, and for the per-commit warning checks that parse it).
 */
#ifndef KSERIES_KBUILD_H
#define KSERIES_KBUILD_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct kbuild {
	const char *tree;	/* kernel source tree, never written */
	const char *build;	/* the O= directory */
	const char *log;	/* make output, truncated at start */
	char **fragments;	/* Kconfig fragments, merged in order */
	size_t nr_fragments;
	int jobs;		/* make -j; 0: the number of CPUs */
	bool ccache;		/* use ccache if it is installed */
	bool force_config;	/* re-merge even if nothing changed */
	bool headers;		/* run headers_install after the build */
	const char *target;	/* default "bzImage" */
	bool progress;		/* live counter on a terminal */
	bool sync_output;	/* make -Otarget: a target's messages in one
				 * piece, after its quiet line (lib/warnings
				 * reads them per unit) */

	/* Results */
	double config_secs, build_secs, headers_secs;
	bool config_merged;	/* the config was (re)made this run */
	unsigned int compiled;	/* objects compiled ("CC" lines) */
};

/* The default tree and build directories: <cache>/src, <cache>/build. */
char *kbuild_default_tree(void);
char *kbuild_default_build(void);
/* The default fragments: kernel-overlay/config/NAME.config of the project. */
int kbuild_default_fragments(char ***frags, size_t *nr);

/* Each phase; 0 on success, -1 on failure (reported). */
int kbuild_config(struct kbuild *kb);
int kbuild_kernel(struct kbuild *kb);
int kbuild_headers(struct kbuild *kb);
/* The built image, <build>/arch/x86/boot/bzImage. */
char *kbuild_image(const struct kbuild *kb);

/*
 * One Kconfig assignment of a fragment or a .config: "CONFIG_X=y" gives
 * ("CONFIG_X", "y"); "# CONFIG_X is not set" and "CONFIG_X=n" give "n".
 * Returns false for other lines. @name and @value are allocated.
 */
bool kconfig_parse_line(const char *line, char **name, char **value);

/* A requested option whose final value differs. */
struct kconfig_mismatch {
	char *name;
	char *want;	/* from the fragment */
	char *got;	/* in .config; "n" when absent */
	char *fragment;	/* which fragment asked */
};

/*
 * Compare what fragment @frag_text (named @frag_name) asks for with
 * @config_text (a .config); append differences to @out.
 */
void kconfig_compare(const char *frag_name, const char *frag_text,
		     const char *config_text,
		     struct kconfig_mismatch **out, size_t *nr,
		     size_t *alloc);
void kconfig_mismatch_free(struct kconfig_mismatch *m, size_t nr);

/*
 * Whether some Kconfig file under @tree defines @name ("CONFIG_KVM");
 * if so and @deps is given, append its "depends on" lines to it.
 */
bool kconfig_known(const char *tree, const char *name, struct strbuf *deps);

/*
 * Digest (hex, 64 chars + NUL) of what the merged config depends on: the
 * fragments' names and contents and the tree's Kconfig files.
 */
int kconfig_inputs_digest(const char *tree, char **fragments, size_t nr,
			  char out[65]);

/*
 * Whether changing @path (relative to the source tree; @added: a file
 * added, deleted or replaced, not only modified) may change what kbuild
 * makes, whatever the build directory says: kbuild's own files
 * (Makefile, Kbuild and Kconfig files, scripts/, localversion files,
 * configs/ directories)
 * always may; a file added or deleted may be found by an #include path
 * or a wildcard, unless it is under Documentation/.
 */
bool kbuild_always_input(const char *path, bool added);

/*
 * Of @paths (relative to @tree; @added[i] as above, NULL: all modified),
 * the first that may be an input of the last build in @build, or NULL if
 * none is, so that a tree differing from the one built only by @paths
 * builds the same image. Besides kbuild_always_input(), a path is an
 * input when a .cmd file of @build names it: kbuild writes there every
 * target's command, source and the headers it read (matched by the
 * file's name, whatever the directory, as the compiler may spell a
 * header's path relative to the build directory). -1 into *@err if
 * @build has no .cmd file (then every path is taken as an input).
 */
const char *kbuild_first_input(const char *tree, const char *build,
			       char *const *paths, const bool *added,
			       size_t nr, int *err);

/* The first lines of @log that look like build errors, into @out. */
void kbuild_first_errors(const char *log_text, size_t max,
			 struct strbuf *out);

#endif
