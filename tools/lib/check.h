/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checking one commit of the series: build it (incrementally, in the
 * same O= directory, warnings tracked per unit by lib/warnings), boot it
 * and run the selftests (built once, from the tip) in the guest; the
 * result is cached under <cache>/check/ by a key of everything it
 * depends on. Then the judgement of a range of such results: what each
 * patch adds or breaks against its parent.
 *
 * The commits are walked in the kernel work tree: each is checked out
 * (only the files that differ get new mtimes, so kbuild rebuilds only
 * what changed) with HEAD detached at it, and the original HEAD is put
 * back at the end, on failure, or by the next run if this one was
 * killed (the walk is recorded in the repository's kseries-walk file).
 *
 * The library prints nothing of its own but error(), warning() and
 * note() lines; what a step found is in its result, for the caller to
 * say. kbuild, which check_build() runs, says its own notes and a
 * failure's report on stderr: a caller that summarises hides them.
 *
 * Modules: check.c (names, suites, the context), check-result.c (the
 * cache's text form, keys, the cache), check-step.c (build, boot,
 * results reused or copied), check-walk.c (the walk, signals),
 * check-judge.c (patch files, the judgement), check-report.c (matrix,
 * JSON, JUnit, TAP).
 */
#ifndef KSERIES_CHECK_H
#define KSERIES_CHECK_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "accel.h"
#include "kbuild.h"
#include "tap.h"
#include "testset.h"
#include "tree.h"
#include "vm.h"
#include "warnings.h"

/* The build of one commit. */
enum check_build { CB_NOTRUN, CB_OK, CB_FAIL };

const char *check_build_name(enum check_build b);

/* One selftest at one commit. */
struct check_test {
	char *name;			/* "suite/name" */
	enum test_status status;	/* TS_NOTRUN when it did not run */
	double secs;
	char *reason;
	char *output;			/* a failure's last console lines */
};

/* Everything known about one commit; what is cached. */
struct check_result {
	char commit[41];
	char *subject;
	enum check_build build;
	double make_secs;		/* kbuild's make (config and kernel) */
	unsigned int compiled;		/* objects compiled */
	char *errors;			/* the first error lines of a failure */
	struct wset warnings;		/* every warning of this commit */
	bool booted;			/* a boot was attempted */
	enum vm_verdict verdict;
	double boot_secs;		/* QEMU, all boots */
	unsigned int boots, retries;
	char *evidence;			/* why the boot is not ok */
	struct check_test *tests;
	size_t nr_tests, alloc_tests;
	double total_secs;		/* the whole step, kseries included */
	char *log;			/* the build log kept, or NULL */
	char image[65];			/* sha256 of the bzImage, or "" */
	char accel[4];			/* the guest's: "kvm", "tcg", "" */
	bool cached;			/* read back from the cache */
	bool reused;			/* boot results of the same image */
	char same_build[41];		/* not built: no input of the image
					 * differs from this commit's build */
};

void check_result_release(struct check_result *r);
/* The cache's text form, and back; -1 on a malformed text. */
void check_result_format(const struct check_result *r, struct strbuf *out);
int check_result_parse(struct check_result *r, const char *text);
const struct check_test *check_result_test(const struct check_result *r,
					   const char *name);

/* The tests one boot series runs: one initramfs per kernel command line. */
struct check_suite {
	struct testset ts;
	struct boot_group *groups;
	size_t nr_groups;
	char **initrd;			/* one per group */
	const char *cmd;		/* a guest command instead of tests */
	char digest[65];		/* names, binaries, command lines */
};

/*
 * Make the suite of @ts's tests (taken over) or, if @cmd, of that shell
 * command; write its initramfs files into @dir. -1 if that failed.
 */
int check_suite_init(struct check_suite *s, struct testset *ts,
		     const char *cmd, const char *dir);
void check_suite_release(struct check_suite *s);

/* What a check needs besides the commit. */
struct check_ctx {
	const char *tree;		/* kernel work tree */
	const char *build;		/* O= directory */
	char **fragments;
	size_t nr_fragments;
	int jobs;			/* make -j, 0: CPUs */
	bool ccache;
	const char *log_dir;		/* build and console logs */
	const struct known_failures *known;
	double test_timeout, boot_timeout;
	bool keep_logs;			/* keep good commits' logs too */
	bool kvm, no_kvm;		/* force KVM or TCG (accel.h) */
	const char *distcc;		/* --distcc HOSTS; NULL: $DISTCC_HOSTS */
	bool no_distcc;			/* --no-distcc */
	bool static_checks;		/* sparse on every object compiled
					 * (C=1); coccinelle is the caller's
					 * (lib/cocci), W=1 is always on */
	/*
	 * What the commits checked may compile again: sparse's findings
	 * are kept for those objects only (NULL: every object). The
	 * first build finds them in the build directory (after a build
	 * without sparse, so that it checks only them).
	 */
	const struct kbuild_reach *reach;
	/*
	 * kbuild's CHECK with static_checks: "'PATH/kseries' sparse", its
	 * runs cached (builtin/sparse.c); NULL: sparse itself.
	 */
	const char *sparse_cmd;

	/* Filled by check_ctx_init() */
	char inputs[65];		/* fragments, toolchain, options,
					 * known failures */
	char *cache_dir;		/* <cache>/check */
	struct wdb db;
	bool db_loaded;
	struct sparse_scope scope;	/* from @reach, at the first build */
	bool scope_known;
	char *toolchain;		/* "gcc ...; QEMU ..." */
	struct accel_choice accel;	/* part of every key */
};

/*
 * Choose the accelerator; digest the inputs (fragments, gcc and QEMU
 * versions, the accelerator); load the db.
 */
int check_ctx_init(struct check_ctx *c);
void check_ctx_release(struct check_ctx *c);

/*
 * The cache key of the source tree @tree_id (hex: the commit's tree, not
 * the commit, so that a commit-message edit keeps its result) checked
 * with @suite (NULL: build only): 64 hex digits into @key.
 */
void check_key(const struct check_ctx *c, const char *tree_id,
	       const struct check_suite *suite, char key[65]);
/* The tree of @commit in @repo as hex into @out; -1 if not a commit. */
int check_tree_of(git_repository *repo, const git_oid *commit,
		  char out[41]);
/*
 * Read the cached result of @key; 0 if there was one and its guest ran
 * under the accelerator in use now (check_accel()).
 */
int check_cache_load(const struct check_ctx *c, const char *key,
		     struct check_result *r);
int check_cache_store(const struct check_ctx *c, const char *key,
		      const struct check_result *r);
/* "kvm" or "tcg": what boots use now (TCG after a fall-back). */
const char *check_accel(const struct check_ctx *c);

/*
 * What the commits @commits (@nr, each the parent of the next, the first
 * a child of @from) change, and @from against @base (NULL: not), for
 * kbuild_reach_objects(): into @r, sorted. From the base, so that a
 * check of the last patches has the reach (and the cache keys) of a
 * check of them all. -1 if a commit cannot be read.
 */
int check_range_reach(git_repository *repo, const git_oid *base,
		      const git_oid *from, const git_oid *commits, size_t nr,
		      struct kbuild_reach *r);

/*
 * Build what the work tree holds now: config (merged again only if its
 * inputs changed), bzImage; the warnings of every unit, carried over
 * for what was not rebuilt. @tag names the logs ("0003-1a2b3c4d").
 * Returns 0 whatever the build's outcome, -1 if it could not be run.
 * The outcome is in @r: build, times, image, warnings, and a failure's
 * first errors (errors) and log. kbuild_config() and kbuild_kernel()
 * print as they do for 'kseries build': notes (unless quiet), and on a
 * failure an error with its first errors and the log's name.
 */
int check_build(struct check_ctx *c, const char *tag, struct check_result *r);

/*
 * Boot the kernel image @kernel (NULL: the build directory's bzImage)
 * once per command line of @suite and collect every test's result; a
 * boot QEMU could not run (or a watchdog stopped) is tried again once.
 * Returns 0 whatever the verdict, -1 if it could not be run. It reads
 * nothing of @c that check_build() writes: it may run while the next
 * commit builds (give it a copy of the image, then).
 */
int check_boot(const struct check_ctx *c, const struct check_suite *suite,
	       const char *tag, const char *kernel, struct check_result *r);

/*
 * A byte-identical kernel image boots the same: copy @from's verdict,
 * evidence and test results into @r (marked reused).
 */
void check_reuse_boot(struct check_result *r, const struct check_result *from);

/*
 * Whether the build directory, last built from @built's tree, would
 * build the same image from @commit's tree: every path that differs
 * is no input of that build (kbuild_first_input()). If not, *@why gets
 * the first path that is one (allocated), or NULL on an error.
 */
bool check_same_build(git_repository *repo, const char *tree,
		      const char *build, const git_oid *built,
		      const git_oid *commit, char **why);
/*
 * @r (of a commit check_same_build() said builds the same image as
 * @from) gets @from's build result, not built again.
 */
void check_copy_build(struct check_result *r, const struct check_result *from);

/* The work tree, walked commit by commit. */
struct check_walk {
	struct krepo repo;
	char *head_ref;			/* "refs/heads/series", or NULL */
	git_oid head;			/* HEAD's commit at the start */
	git_oid cur;			/* what the work tree holds now */
	char *state;			/* <git dir>/kseries-walk */
	bool open;
};

/*
 * Open @tree: put back a walk a killed run left, then refuse if the work
 * tree or index has local changes (one error naming the first 10 paths).
 */
int check_walk_open(struct check_walk *w, const char *tree);
/* Check out @id (HEAD detached there). */
int check_walk_goto(struct check_walk *w, const git_oid *id);
/* Back to the original HEAD. */
int check_walk_restore(struct check_walk *w);
void check_walk_close(struct check_walk *w);

/*
 * Interruption: SIGINT, SIGTERM and SIGHUP set check_interrupted and
 * stop our children (make, QEMU: each in its own process group), so the
 * caller can put the tree back and stop.
 */
extern volatile sig_atomic_t check_interrupted;
void check_signals_install(void);

/* The judgement of a range: rows in order, the first is the reference. */
struct check_row {
	struct check_result r;
	size_t index;			/* position in the series, 0: base */
	char *patch;			/* "patches/NAME", or NULL */
	bool reference;			/* the first row: not judged */
	/* filled by check_judge() */
	struct wset added, fixed;	/* against the last row that built */
	/* coccinelle's findings the patch adds and fixes (lib/cocci): set
	 * by the caller before the judgement, which adds them to the above */
	struct wset cocci_added, cocci_fixed;
	enum test_status *prev;		/* per column: earlier result */
	bool *regressed;		/* per column */
	struct strbuf reasons;		/* "build failed; boot: panic; ..." */
	bool flagged;
};

struct check_report {
	struct check_row *rows;
	size_t nr, alloc;
	char **cols;			/* every test seen, in order */
	size_t nr_cols;
	bool build_only;
	bool static_checks;		/* sparse and coccinelle ran */
	double cocci_secs;		/* coccinelle's pass, before the walk */
	char *from, *to;		/* commit ids */
	char *tree;
	char accel[4];			/* the accelerator chosen: "tcg" */
	char *accel_why;		/* and why, in one line */
	unsigned int flagged;
};

/*
 * Judge each row after the first against the rows before it: the build
 * failed; warnings added (against the nearest row that built; with the
 * row's coccinelle findings, whatever its build); the boot
 * is not ok; a test regressed: PASS (on the nearest earlier row that ran
 * it) to FAIL, TIMEOUT, CRASH or a known failure, SKIP to a failure that
 * is not known, or a failure with no earlier result at all.
 */
void check_judge(struct check_report *rep);
void check_report_release(struct check_report *rep);

/* The matrix for people, JSON, JUnit XML, TAP. */
void check_format_matrix(const struct check_report *rep, struct strbuf *out);
void check_format_json(const struct check_report *rep, struct strbuf *out);
void check_format_junit(const struct check_report *rep, struct strbuf *out);
void check_format_tap(const struct check_report *rep, struct strbuf *out);

/* One character a test result: P S F x (known failure) or '-'. */
char check_status_char(enum test_status s);

/*
 * The patch file of the @index-th commit (1-based) of the series in
 * @series_path, if its subject is @subject: "patches/NAME". NULL when
 * the series has no such entry or it is another patch.
 */
char *check_patch_file(const char *series_path, const char *patches_dir,
		       size_t index, const char *subject);

#endif
