/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Patch coverage: which of the lines the series adds the selftests ran.
 *
 * The kernel is built with gcov for the directories the series touches
 * (a GCOV_PROFILE line in their Makefiles, cov_profile_marks()); the
 * guest's init sends its .gcda files back (cov_frame_decode()); gcov
 * turns each into JSON (gcc 12's `gcov --json-format --stdout`), read
 * and merged here (cov_data_add_json()). Every line the series adds is
 * attributed to the patch that added it (cov_blame_file(): blame of the
 * tip against the base) and marked executed, not executed, not code or
 * without data (cov_classify()); cov_report_build() adds them up per
 * patch and per topic, and the writers print them as a table, JSON and
 * one HTML page. Every function returns errors; none prints.
 */
#ifndef KSERIES_COVERAGE_H
#define KSERIES_COVERAGE_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "util.h"

/* What gcov says about one source file (merged over units and boots). */
struct cov_func {
	char *name;
	unsigned int start, end;	/* lines */
	uint64_t count;			/* times entered */
};

struct cov_line {
	unsigned int line;
	uint64_t count;
};

struct cov_file {
	char *path;			/* relative to the source tree */
	struct cov_line *lines;		/* the executable lines, sorted */
	size_t nr_lines, alloc_lines;
	struct cov_func *funcs;
	size_t nr_funcs, alloc_funcs;
};

struct cov_data {
	struct cov_file *files;
	size_t nr, alloc;
};

/*
 * Merge one gcov JSON document into @d: a line's counts add up over
 * units (a header inlined in several) and boots, a function is one by
 * name and first line. Paths are made relative to @tree (absolute; a
 * relative path in the JSON is taken from its current_working_directory);
 * files outside @tree are kept with their normalised path. -1 with the
 * reason in @err if @json is not gcov's JSON.
 */
int cov_data_add_json(struct cov_data *d, const char *json, size_t len,
		      const char *tree, struct strbuf *err);
/* The entry of @path (relative), or NULL when gcov said nothing of it. */
const struct cov_file *cov_data_find(const struct cov_data *d,
				     const char *path);
void cov_data_release(struct cov_data *d);

/* "a/./b/../c" -> "a/c"; "//" -> "/". Allocated. */
char *cov_normalise_path(const char *path);

/*
 * The payload of the init's gcov frame in @text (a serial port's log):
 * the bytes between "ks-gcov: begin" and "ks-gcov: end N", base64
 * decoded into @out, N into @nr_files. -1 with the reason in @err if
 * there is no complete frame ("ks-gcov: none WHY" gives WHY).
 */
int cov_frame_decode(const char *text, size_t len, struct strbuf *out,
		     unsigned int *nr_files, struct strbuf *err);

/*
 * The lines to add to the tree's Makefiles so that kbuild profiles the
 * series' C files @paths (relative): a whole directory for KVM
 * (arch/x86/kvm's Makefile builds virt/kvm too), one object elsewhere.
 * Appends "MAKEFILE\tLINE" strings to @out (no duplicates).
 */
void cov_profile_marks(char *const *paths, size_t nr, char ***out,
		       size_t *nr_out);

/* A line the series adds, at the tip. */
enum cov_state {
	CS_EXECUTED,
	CS_NOT_EXECUTED,
	CS_NOT_CODE,		/* gcov knows the file; not an executable line */
	CS_NO_DATA,		/* a source file gcov has no data of (not
				 * built or not profiled in this config) */
};

const char *cov_state_name(enum cov_state s);

struct cov_added {
	char *path;
	unsigned int line;
	size_t patch;		/* index in the series */
	char *text;		/* the line, without its newline */
	enum cov_state state;
	uint64_t count;
};

struct cov_added_set {
	struct cov_added *l;
	size_t nr, alloc;
};

void cov_added_push(struct cov_added_set *s, const char *path,
		    unsigned int line, size_t patch, const char *text,
		    size_t text_len);
void cov_added_release(struct cov_added_set *s);

/* Whether @path is source gcov can say something of (.c, .h, .S). */
bool cov_is_source(const char *path);

/* Mark every line of @s from @d. */
void cov_classify(struct cov_added_set *s, const struct cov_data *d);

/*
 * Blame @path at @tip back to @base: each line whose last change is one
 * of @commits[0..nr) (the series, oldest first) is pushed to @s with
 * that commit's index. A path missing at @tip adds nothing. -1 with the
 * reason in @err on a libgit2 error.
 */
int cov_blame_file(git_repository *repo, const git_oid *base,
		   const git_oid *tip, const git_oid *commits, size_t nr,
		   const char *path, struct cov_added_set *s,
		   struct strbuf *err);
/* The paths @base..@tip changes (added or modified at @tip), sorted. */
int cov_changed_paths(git_repository *repo, const git_oid *base,
		      const git_oid *tip, char ***paths, size_t *nr,
		      struct strbuf *err);

/* The figures of one patch or topic. */
struct cov_stat {
	size_t added;		/* lines added */
	size_t executable;	/* executed + not executed */
	size_t executed;
	size_t not_code;
	size_t no_data;
	char **never;		/* functions with added executable lines,
				 * never entered */
	size_t nr_never, alloc_never;
};

/* Percent executed, or -1 when nothing is executable. */
double cov_percent(const struct cov_stat *st);

struct cov_patch {
	char *name;		/* patch file name */
	char *topic;		/* may be NULL */
	struct cov_stat st;
};

struct cov_topic {
	char *name;
	struct cov_stat st;
	size_t first, nr;	/* its patches */
};

struct cov_report {
	struct cov_patch *patches;
	size_t nr_patches;
	struct cov_topic *topics;
	size_t nr_topics;
	struct cov_stat total;
};

/*
 * Add @s (classified) up for @nr patches named @names with @topics
 * (NULL entries: no topic); the never-entered functions come from @d.
 */
void cov_report_build(struct cov_report *r, const struct cov_added_set *s,
		      const struct cov_data *d, char *const *names,
		      char *const *topics, size_t nr);
void cov_report_release(struct cov_report *r);

/*
 * Writers. cov_report_json() writes one object and a newline: the
 * members of @meta (an object, or NULL) first, then patches, topics and
 * total.
 */
void cov_report_text(struct strbuf *out, const struct cov_report *r);
void cov_report_json(struct strbuf *out, const struct cov_report *r,
		     const json_t *meta);
void cov_report_html(struct strbuf *out, const struct cov_report *r,
		     const struct cov_added_set *s, const char *title);

#endif
