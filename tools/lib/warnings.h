/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compiler warnings by content, tracked per build unit.
 *
 * A warning is normalised to (file, message): the file relative to the
 * kernel tree (or to the build directory for generated files), the
 * message without line and column, colours or hex offsets. Two builds
 * are compared as sets of those, so a warning replaced by another shows
 * as one added and one fixed, where a count would show nothing.
 *
 * An incremental build prints warnings only for what it rebuilds. So the
 * warnings are kept per unit (the target of a kbuild quiet line such as
 * "  CC      arch/x86/kvm/x86.o"): a unit rebuilt replaces its warnings,
 * the others keep theirs. The units, the mtime each target had when
 * its warnings were seen and whether sparse checked it are saved in the
 * build directory (<build>/.kseries-warnings); an object whose mtime
 * differs (rebuilt by someone else) or that was never seen is removed
 * before the build so that make compiles it again (through ccache, which
 * replays warnings).
 *
 * Parallel make interleaves the output of jobs; kbuild runs here with
 * --output-sync=target so that a unit's quiet line and its compiler
 * messages come out together.
 *
 * With C=1, kbuild runs sparse on every .c file it compiles, after gcc:
 * "  CHECK   <source>.c" and sparse's lines follow the object's own
 * quiet line, within its output. A CHECK line is not a unit: what
 * follows belongs to the object, and each "path:L:C: warning: ..." or
 * "error: ..." up to the next quiet line is a sparse finding, its
 * message "sparse: MSG" or "sparse: error: MSG", with sparse's
 * continuation lines ("path:L:C:    expected ...", "    got ...", and
 * an "error: got ..." after an "error: Expected ...") appended as
 * "; expected ...; got ...". Lines without a column there (kernel-doc's
 * under W=1, objtool's) are read as any other warning.
 */
#ifndef KSERIES_WARNINGS_H
#define KSERIES_WARNINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct warning {
	char *file;	/* relative to the tree, or "" if none */
	char *msg;	/* "unused variable 'x' [-Wunused-variable]" */
};

/* A sorted set of distinct warnings. */
struct wset {
	struct warning *w;
	size_t nr, alloc;
};

/*
 * Parse one line of build output as a warning ("path:L:C: warning: msg",
 * "path: warning: msg", "WARNING: modpost: ..."), normalising the path:
 * a relative one is taken from @build (make runs compilers there), then
 * @tree's or @build's prefix is dropped. False for any other line.
 */
bool warning_parse(const char *line, const char *tree, const char *build,
		   struct warning *w);
void warning_release(struct warning *w);
int warning_cmp(const struct warning *a, const struct warning *b);

/*
 * Where a warning comes from: sparse (C=1), coccinelle (another module
 * makes those, "cocci: ..."), W=1: a gcc option that only W=1 turns on
 * (the last "[-Wfoo]", "[-Wfoo=]" or "[-Werror=foo]" of the message) or
 * kernel-doc (which W=1 runs on each .c; warning_parse() makes its
 * "x.c:N: warning: m" lines, without a column, "kernel-doc: m"), or
 * anything else: gcc's default warnings, objtool, modpost, the linker.
 */
enum warning_kind { WK_GCC, WK_W1, WK_SPARSE, WK_COCCI };
enum warning_kind warning_kind(const struct warning *w);
/* "gcc", "W=1", "sparse", "cocci" */
const char *warning_kind_name(enum warning_kind k);
/*
 * The gcc options W=1 turns on, sorted, without "-W" ("missing-prototypes",
 * "unused-const-variable"); their number into @nr.
 */
const char *const *warning_w1_options(size_t *nr);

/* Add a copy of @w unless the set has it; keeps the set sorted. */
void wset_add(struct wset *s, const struct warning *w);
bool wset_has(const struct wset *s, const struct warning *w);
void wset_release(struct wset *s);
void wset_copy(struct wset *dst, const struct wset *src);
/* What @child has that @parent has not (@added) and the reverse (@fixed). */
void wset_diff(const struct wset *parent, const struct wset *child,
	       struct wset *added, struct wset *fixed);

/* The target of a kbuild quiet line ("  CC      kernel/fork.o"), or NULL. */
char *kbuild_quiet_target(const char *line);

/* One build unit: a target and the warnings its last build printed. */
struct wunit {
	char *target;		/* relative to the build directory */
	int64_t mtime_ns;	/* of the target when seen; 0: unknown */
	struct wset ws;
	bool seen;		/* rebuilt in the build being parsed */
	bool sparse;		/* checked: built with C=1 (an "S" line) */
};

/* The warnings of a build directory, unit by unit. */
struct wdb {
	struct wunit *u;	/* sorted by target */
	size_t nr, alloc;
};

/*
 * The units sparse checks (the build runs C=1): @all of them, or those
 * whose targets are in @objs (sorted). A build without sparse has none
 * (a NULL scope).
 */
struct sparse_scope {
	bool all;
	char **objs;
	size_t nr;
};

bool sparse_scope_has(const struct sparse_scope *s, const char *target);

/* Load <build>/.kseries-warnings; a missing or bad file is empty. */
int wdb_load(struct wdb *db, const char *build);
int wdb_save(const struct wdb *db, const char *build);
void wdb_release(struct wdb *db);
struct wunit *wdb_find(const struct wdb *db, const char *target);

/*
 * Before a build: find the objects kbuild made in @build (those with a
 * .NAME.o.cmd file, outside scripts/ and tools/); remove every one whose
 * warnings are not known (not in @db, or its mtime changed), so the
 * build compiles it again; forget units whose target is gone. An object
 * in @sparse's scope whose unit was not checked by sparse is removed
 * too, so that it is compiled again (ccache) and checked. Returns the
 * number of objects removed, their names in @names if not NULL.
 */
size_t wdb_prepare(struct wdb *db, const char *build,
		   const struct sparse_scope *sparse, struct strbuf *names);

/*
 * After a build: read its output @log (make's stdout and stderr). Each
 * unit named by a quiet line gets the warnings that follow it, replacing
 * what it had; its target's mtime is recorded. A unit without a file
 * after the build (a failed compile, a CALL) keeps its warnings for
 * this build only. Warnings before any quiet line belong to the unit ""
 * (make and Kconfig), also for this build only. A unit rebuilt in
 * @sparse's scope is marked checked, with sparse's findings; out of it,
 * unmarked, and what sparse said of it is dropped (C=1 checks whatever
 * it compiles: a finding there has no baseline to be compared with).
 * @rebuilt, if not NULL, gets the warnings printed in this build.
 */
void wdb_update(struct wdb *db, const char *log, const char *tree,
		const char *build, const struct sparse_scope *sparse,
		struct wset *rebuilt);

/*
 * A unit out of @sparse's scope has no sparse findings, nor the mark of
 * a unit checked: what an earlier check with another scope left.
 */
void wdb_limit_sparse(struct wdb *db, const struct sparse_scope *sparse);

/* Every warning the build directory's units have, as one set. */
void wdb_all(const struct wdb *db, struct wset *out);

#endif
