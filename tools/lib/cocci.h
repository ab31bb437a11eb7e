/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Coccinelle findings a patch adds and fixes, fast.
 *
 * For a pair of commits (a patch's parent and the patch), each .c file
 * the diff touches outside tools/ is cut down, on both sides, to the
 * functions the patch changes (a function holding an added line in the
 * child or a removed line in the parent, by name, kept on both sides).
 * A file version (blob) that several pairs use (a patch's child is the
 * next one's parent) is written once, with the functions of all of
 * them. Each of the kernel's scripts/coccinelle/ scripts then runs once,
 * in report mode, over the reduced files of the whole batch of pairs
 * that its grep query (spatch --parse-cocci) may match, each file a
 * group of its own (--file-groups: given as plain arguments, spatch
 * treats its files as one group, where a rule's bindings in one file
 * apply to the next). A finding is kept by content: the file, and
 * "cocci: SCRIPT: FUNCTION(): MESSAGE" with any "line N" as "line ?";
 * a side gets the findings in its own functions. A pair's added findings
 * are the child's not in the parent's, fixed the reverse.
 *
 * Results are cached per pair under <cache>/cocci/, keyed by the
 * scripts' digest (their contents, spatch's version and how files are
 * reduced) and both trees.
 *
 * Findings outside functions (file-scope initialisers) are not seen.
 */
#ifndef KSERIES_COCCI_H
#define KSERIES_COCCI_H

#include <stdbool.h>
#include <stddef.h>

#include <git2.h>

#include "util.h"
#include "warnings.h"

/* One script: where it is, its name, extra options, its grep query. */
struct cocci_script {
	char *path;	/* absolute */
	char *name;	/* "free/ifnullfree" */
	char **opts;	/* its "// Options:" words, minus include options */
	size_t nopts;
	char *query;	/* "kfree || vfree"; NULL: none, it may match anything */
	bool broken;	/* spatch rejected it: warned once, skipped */
};

struct cocci {
	char *dir;		/* the scripts directory */
	char *cache;		/* the cache directory (holds cocci/) */
	int jobs;		/* spatch processes at once */
	char *version;		/* spatch's first --version line */
	char *python;		/* spatch's --python, or NULL */
	struct cocci_script *s;	/* sorted by name */
	size_t nr;
	char digest[65];	/* sha256 of the method, the scripts and
				 * spatch's version */
	bool defines;		/* keep #define lines in reduced files */
};

/*
 * Find the scripts under @scripts_dir (<tree>/scripts/coccinelle), spatch
 * and its version, and each script's grep query (cached under
 * @cache_dir/cocci/query/). -1 (reported with error()) if spatch is
 * missing or there is no script.
 */
int cocci_init(struct cocci *c, const char *scripts_dir,
	       const char *cache_dir, int jobs);
void cocci_release(struct cocci *c);

/* A patch: its parent and child commits, and what cocci_pairs() found. */
struct cocci_pair {
	git_oid parent, child;	/* commits */
	struct wset added, fixed;
	bool cached;		/* taken from the cache, nothing run */
	unsigned int files;	/* reduced files (both sides) */
	unsigned int scripts_run;	/* scripts run on some of them */
};

/*
 * Fill @p[0..nr-1] (added, fixed and the counters; their oids set by the
 * caller). Pairs not in the cache run together and are cached. Progress
 * goes to @say ("cocci: script 12 of 70"). -1 (reported) if a commit
 * cannot be read or spatch could not run at all; a script spatch rejects
 * is a warning, once, and is skipped.
 */
int cocci_pairs(struct cocci *c, git_repository *repo, struct cocci_pair *p,
		size_t nr, const struct msg_sink *say);
void cocci_pair_release(struct cocci_pair *p);

/* The pieces, for tests. */

/* A top-level function definition: its name and lines (1-based). */
struct cocci_func {
	char *name;
	unsigned int first, last;
	size_t body;	/* the offset of its '{' */
};

/* The function definitions of C text @s, in order; their number. */
size_t cocci_functions(const char *s, size_t len, struct cocci_func **out);
void cocci_functions_release(struct cocci_func *f, size_t nr);

/* The distinct identifiers of a text, sorted. */
struct cocci_ids {
	char **v;
	size_t nr, alloc;
};

/* Add the identifiers of @s; sorted and made distinct (as ids_sort). */
void cocci_ids_scan(struct cocci_ids *ids, const char *s, size_t len);
/* Sort @ids->v and drop the repeated ones. */
void cocci_ids_sort(struct cocci_ids *ids);
bool cocci_ids_has(const struct cocci_ids *ids, const char *id, size_t len);
void cocci_ids_release(struct cocci_ids *ids);

/* Line numbers: a reduced file's line N is the original's v[N - 1]. */
struct cocci_lines {
	unsigned int *v;
	size_t nr, alloc;
};

/*
 * @s cut down to the functions @f[i] with @keep[i] set (with @defines,
 * and the #define lines with their continuations). Without @map, every
 * other line is left empty, so the line count and numbers stay; with it,
 * they are left out and @map gets each kept line's original number: as
 * spatch takes some 17 ms a script to read 10,000 empty lines, a dense
 * file is what cocci_pairs() runs on. With @map and @called, the dense
 * text starts with a prototype (one line, numbered 0 in @map) of each
 * function not kept that @called names.
 */
void cocci_reduce(const char *s, size_t len, const struct cocci_func *f,
		  const bool *keep, size_t nr, bool defines,
		  const struct cocci_ids *called, struct strbuf *out,
		  struct cocci_lines *map);

/*
 * Whether the grep query @q ("a || (b && c)") holds for @ids: 1 or 0;
 * NULL or empty matches anything; -1 for a query it cannot read.
 */
int cocci_query_eval(const char *q, const struct cocci_ids *ids);

/*
 * Parse a report line "PATH:L:C-C: MSG" or "PATH:L:C-L:C: MSG": the path,
 * line and message (allocated). False for any other line.
 */
bool cocci_parse_report(const char *line, char **path, unsigned int *lineno,
			char **msg);
/* @msg with each "line N" (and "lines N") as "line ?"; allocated. */
char *cocci_norm_msg(const char *msg);

#endif
