/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Import a release tarball (.tar.xz) as the base commit of a new git
 * repository with a checked-out work tree, in one streaming pass:
 * decompression (liblzma, multi-threaded) feeds a writer that hashes each
 * file into a pack, writes it to the work tree and records its index
 * entry. The tarball's SHA-256 is computed on the way and must match.
 *
 * The base tree is what `git add -A` of the extracted tarball gives with
 * no ignore rules: every regular file and symlink, no empty directory.
 * The repository is built beside @repo and renamed into place only when
 * everything succeeded, so a bad tarball leaves nothing behind.
 */
#ifndef KSERIES_TARBALL_H
#define KSERIES_TARBALL_H

#include <stdbool.h>
#include <stddef.h>

/* How far an import is, for a progress report. */
struct tarball_progress {
	size_t files;		/* files and symlinks so far */
	size_t bytes;		/* their uncompressed content */
	double seconds;		/* since the import started */
	bool done;		/* the last report: the import ended */
};

struct tarball_opts {
	const char *tarball;
	const char *sha256;	/* expected, hex; NULL to skip the check */
	const char *strip;	/* top directory to strip, e.g. linux-5.10.223 */
	const char *repo;	/* the repository to create; must not exist */
	const char *name;	/* for the commit message, e.g. Linux 5.10.223 */
	const char *branch;	/* branch to create at the base and check out */
	const char *tag;	/* tag to create at the base */
	int level;		/* zlib level of the packs, 0 stores */
	int threads;		/* xz decoder threads, 0 for the CPU count */
	/*
	 * Progress, if not NULL: called about once a second during the
	 * import and once when it ends (p->done); the caller says what to
	 * print, e.g. with tarball_print_progress().
	 */
	void (*progress_fn)(const struct tarball_progress *p, void *data);
	void *progress_data;
	/*
	 * An incremental import into an existing repository (a new point
	 * release over the old one): @have says which objects it already
	 * stores, and only the others are written, into one pack in
	 * @pack_dir. No work tree, index or ref is made; @repo is unused.
	 * The base commit is the same as a fresh import would make.
	 */
	bool (*have)(const unsigned char oid[20], void *data);
	void *have_data;
	const char *pack_dir;
};

struct tarball_result {
	char commit[41];	/* id of the base commit */
	char tree[41];		/* id of its tree */
	size_t files;
	size_t bytes;		/* uncompressed file content */
	size_t stored;		/* objects written (all, unless @have) */
	double seconds;
};

int tarball_import(const struct tarball_opts *o, struct tarball_result *r);

/*
 * The usual report on stderr, unless quiet: "kseries: import: N files,
 * M MB, F files/s, S s", a line rewritten in place on a terminal.
 */
void tarball_print_progress(const struct tarball_progress *p, void *data);

/* The identity and message of base commits (deterministic). */
#define BASE_AUTHOR_NAME	"KVM Series Maintainers"
#define BASE_AUTHOR_EMAIL	"maintainers@kvm-series.invalid"

#endif
