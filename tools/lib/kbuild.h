/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Build the guest kernel out of tree: a Kconfig made from tinyconfig and
 * the project's fragments (kernel-overlay/config/NAME.config) merged with the
 * tree's own scripts/kconfig/merge_config.sh, then `make O=<build>` with
 * ccache when present, then headers_install into <build>/usr for the
 * selftests. Nothing is written into the source tree.
 *
 * Progress is one line a phase, said through the caller's msg_sink
 * (kbuild prints nothing itself); the complete make output goes to a log
 * (for people, and for the per-commit warning checks that parse it).
 *
 * The compiles can go to other machines through distcc (see "distcc"
 * below): a host list from --distcc or $DISTCC_HOSTS, the hosts that do
 * not answer left out, a local build when none does.
 */
#ifndef KSERIES_KBUILD_H
#define KSERIES_KBUILD_H

#include <stdbool.h>
#include <stddef.h>

#include "parse-options.h"
#include "util.h"

/*
 * distcc. The host list is distcc's own (DISTCC_HOSTS, distcc(1)):
 * whitespace-separated "localhost[/LIMIT]", TCP hosts
 * "HOST[:PORT][/LIMIT][,lzo][,cpp][,auth]" (HOST a name, an IPv4
 * address or "[IPv6]"), SSH hosts "[USER]@HOST[/LIMIT][:COMMAND]", and
 * "--randomize", "--localslots=N", "--localslots_cpp=N". A host's
 * LIMIT (its slots: the jobs distcc sends it at once) defaults to 4, 2
 * for localhost. "+zeroconf" is refused: its hosts cannot be probed or
 * counted.
 *
 * Compiles go out through ccache's prefix_command (CCACHE_PREFIX=distcc):
 * ccache looks in its cache first, preprocessing here, and only its
 * misses run "distcc gcc ...", so cache hits stay local.
 * prefix_command_cpp (CCACHE_PREFIX_CPP) would wrap the preprocessor
 * instead, which distcc only runs locally anyway. ccache hashes the
 * compiler (this machine's), not the prefix: an object made by another
 * machine is cached as this one's, which is right only when every host
 * runs the same gcc (Debian 12's on each). Without ccache, scripts
 * named gcc and cc in <build>/.kseries-distcc run "distcc /usr/bin/gcc".
 */
#define DISTCC_PORT		3632
#define DISTCC_SSH_PORT		22
#define DISTCC_SLOTS		4	/* distcc's default LIMIT of a host */
#define DISTCC_LOCAL_SLOTS	2	/* ... of localhost */
#define DISTCC_PROBE_MS		1000	/* to answer a TCP connect */

struct distcc_host {
	char *spec;		/* the entry as written */
	char *name;		/* host name or address; NULL: an option */
	int port;		/* TCP port to probe (22 for SSH hosts) */
	unsigned int slots;	/* its LIMIT */
	bool local;		/* localhost: distcc compiles here */
	bool ssh;
	bool up;		/* it answered (set by the probe) */
	char *down;		/* why not, when it did not */
};

struct distcc_hosts {
	struct distcc_host *v;
	size_t nr, alloc;
};

/* Parse @text; 0, or -1 with the reason in @err (nothing kept). */
int distcc_parse_hosts(const char *text, struct distcc_hosts *h,
		       struct strbuf *err);
void distcc_hosts_release(struct distcc_hosts *h);

/*
 * Set up (or down and why) for every host of @h that is neither local
 * nor an option, within @timeout_ms in all. distcc_probe_tcp() connects
 * to each host's port (every address of its name, all at once); the
 * unit tests give their own.
 */
typedef void (*distcc_probe_fn)(struct distcc_hosts *h, int timeout_ms);
void distcc_probe_tcp(struct distcc_hosts *h, int timeout_ms);

/* What a build is to do about distcc. */
struct kbuild_distcc_ctx {
	const char *opt;	/* --distcc HOSTS; NULL or "": not given */
	const char *env;	/* $DISTCC_HOSTS; used when @opt is not */
	bool installed;		/* distcc can run here */
	bool ccache;		/* compiles go through ccache */
	int jobs;		/* make -j asked for; 0: not asked */
	int cpus;		/* this machine's */
	distcc_probe_fn probe;	/* NULL: distcc_probe_tcp */
};

struct kbuild_distcc {
	bool requested;		/* a host list was given */
	const char *from;	/* "--distcc" or "DISTCC_HOSTS" */
	bool use;		/* compiles go through distcc */
	char *hosts;		/* the list distcc gets: what answered */
	unsigned int remote;	/* hosts of the list, localhost aside */
	unsigned int up;	/* of them, those that answered */
	unsigned int slots;	/* their slots */
	int jobs;		/* make -j */
	char *line;		/* the decision in one line, or NULL */
};

/*
 * Decide from @c: with a host list, probe its hosts; distcc is used when
 * one of them (not localhost) answers, with those that did, and make -j
 * is their slots plus this machine's CPUs (which preprocess every job
 * distcc sends, link, and run what cannot go out), unless -j was given.
 * Otherwise the build is local and @d->line says why. -1 and @err when
 * the list does not parse.
 */
int kbuild_distcc_decide(const struct kbuild_distcc_ctx *c,
			 struct kbuild_distcc *d, struct strbuf *err);
void kbuild_distcc_release(struct kbuild_distcc *d);

/*
 * @line (@len bytes, no newline) is distcc's warning that it compiled a
 * file here after all: the host it picked failed (down since the probe,
 * refused the client, ...) and DISTCC_FALLBACK is on, distcc's default.
 * With DISTCC_FALLBACK=0 distcc fails the compile instead.
 */
bool distcc_ran_locally(const char *line, size_t len);

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
	bool sparse;		/* C=1: sparse on every .c compiled */
	/*
	 * With @sparse: kbuild's CHECK, a shell command line ("'DIR/kseries'
	 * sparse", sparse through its cache: builtin/sparse.c), which
	 * counts its runs (sparse_cached, sparse_ran); NULL: sparse.
	 */
	const char *sparse_cmd;
	const char *distcc;	/* --distcc HOSTS; NULL: $DISTCC_HOSTS */
	bool no_distcc;		/* neither: no distcc */
	distcc_probe_fn distcc_probe;	/* NULL: distcc_probe_tcp */
	/*
	 * What the phases say: a note each (MSG_NOTE), the counter while
	 * make runs (MSG_PROGRESS, with @progress), errors and the lines
	 * under them (the first build errors, hints, the log's name).
	 * Zero: stderr as msg_stderr(); {msg_discard}: nothing.
	 */
	struct msg_sink say;

	/* Results */
	double config_secs, build_secs, headers_secs;
	bool config_merged;	/* the config was (re)made this run */
	unsigned int compiled;	/* objects compiled ("CC" lines) */
	unsigned int distcc_local;	/* of them, distcc's local fallbacks */
	unsigned int sparse_cached;	/* sparse runs from @sparse_cmd's cache */
	unsigned int sparse_ran;	/* and those it ran */
	struct kbuild_distcc dist;	/* decided by the first phase run */
	bool dist_decided;
};

/*
 * --distcc HOSTS / --no-distcc of the commands that build (build, check):
 * OPT_DISTCC(&opt) in their option table; the host list is checked
 * while parsing (a bad one is a usage error).
 */
struct distcc_opt {
	const char *hosts;	/* --distcc HOSTS; NULL: $DISTCC_HOSTS */
	bool off;		/* --no-distcc */
};
parse_opt_cb parse_opt_distcc_cb;
#define OPT_DISTCC(v)							\
	OPT_CALLBACK_F(0, "distcc", v, parse_opt_distcc_cb,		\
		       PARSE_OPT_NEG | PARSE_OPT_NONEMPTY)

/* The default tree and build directories: <cache>/src, <cache>/build. */
char *kbuild_default_tree(void);
char *kbuild_default_build(void);
/* The default fragments: kernel-overlay/config/NAME.config of the project. */
int kbuild_default_fragments(char ***frags, size_t *nr);

/*
 * The distcc decision for @kb's builds (kb->dist), made once: each phase
 * makes it if it was not made yet; a builtin calls this first to say it
 * before the build. -1 with @err on a bad host list.
 */
int kbuild_distcc_setup(struct kbuild *kb, struct strbuf *err);
/* What @kb holds besides the caller's (the distcc decision). */
void kbuild_release(struct kbuild *kb);

/*
 * make's command line for a phase, NULL-ended, its length into @nr
 * (free_strv()): "make -C <tree> O=<build> -jN", then for the kernel
 * build (@kernel) "W=1" and with kb->sparse "C=1" (and "CHECK=" its
 * kb->sparse_cmd), then @args (NULL-ended).
 *
 * W=1 for every kernel build: ccache keys an object by its command
 * line, so the build directories of the project (the series', the
 * coverage build's, the check fixture's) share objects only if they
 * agree on it. It comes with "KCFLAGS=[$KCFLAGS ]-Wno-error=OPT..." for each option
 * of warning_w1_options(): arch/x86/kvm compiles with -Werror
 * (CONFIG_KVM_WERROR), which would make W=1's warnings fail the build
 * (5.10's include/linux/mmzone.h has one with gcc 12); they are to be
 * reported, compared between commits, not fatal.
 */
char **kbuild_make_args(const struct kbuild *kb, bool kernel,
			const char *const *args, size_t *nr);

/*
 * Each phase; 0 on success, -1 on failure (said to kb->say). With
 * kb->sparse, kbuild_kernel() fails if sparse is not on $PATH.
 */
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

/*
 * What a range of commits may make kbuild compile again, from the paths
 * it changes: objects whose .cmd file names one of @paths (a changed
 * file, whatever its spelling there: "../src/P", "/abs/src/P",
 * "D/../P"; or "include/config/A/B.h", the file fixdep makes an object
 * depend on for CONFIG_A_B) or a file called one of @names (an added or
 * deleted file's name: it may be found instead of another of that name),
 * objects under a directory whose Makefile or Kbuild changed, or @all
 * (the top Makefile, the architecture's, scripts/, a Kconfig file's
 * menus or conditions).
 */
struct kbuild_reach {
	char **paths;
	size_t nr_paths, alloc_paths;
	char **names;
	size_t nr_names, alloc_names;
	char **dirs;			/* "DIR/" */
	size_t nr_dirs, alloc_dirs;
	bool all;
	char *why_all;			/* the first path that made it @all */
};

/*
 * Add @path (relative to the tree), changed by a commit of the range
 * (@added: added or deleted). A Kconfig file (kbuild_reach_wants_text())
 * comes with its text before and after (NULL: absent): the symbols of
 * each entry that differs other than by its help text are added (their
 * include/config files), with every upper-case symbol its lines name
 * (depends on, select, ...).
 */
void kbuild_reach_add(struct kbuild_reach *r, const char *path, bool added,
		      const char *old, const char *new);
bool kbuild_reach_wants_text(const char *path);
void kbuild_reach_release(struct kbuild_reach *r);
/*
 * The objects of @build within @r's reach, sorted ("DIR/NAME.o"), into
 * @objs (free_strv()); -1 if @build has no object's .cmd file.
 */
int kbuild_reach_objects(const struct kbuild_reach *r, const char *build,
			 char ***objs, size_t *nr);
/*
 * Each object of @build (from @rel, "" for all) that a ".NAME.o.cmd"
 * file describes, but under scripts/, tools/, usr/include and source:
 * @fn gets its target ("DIR/NAME.o") and the .cmd file's path.
 */
void kbuild_each_object(const char *build, const char *rel,
			void (*fn)(void *ctx, const char *obj,
				   const char *cmd),
			void *ctx);

/* The first lines of @log that look like build errors, into @out. */
void kbuild_first_errors(const char *log_text, size_t max,
			 struct strbuf *out);

#endif
