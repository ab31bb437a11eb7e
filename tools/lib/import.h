/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Import a release tarball (.tar.xz) as the base commit of a new git
 * repository with a checked-out work tree, in one streaming pass:
 * decompression (liblzma, multi-threaded) feeds a writer that hashes each
 * file into a pack, writes it to the work tree and records its index
 * entry. The tarball's SHA-256 is computed on the way and must match.
 */
#ifndef KSERIES_IMPORT_H
#define KSERIES_IMPORT_H

#include <stddef.h>

struct import_opts {
	const char *tarball;
	const char *sha256;	/* expected, hex; NULL to skip the check */
	const char *strip;	/* top directory to strip, e.g. linux-5.10.223 */
	const char *repo;	/* the repository to create; must not exist */
	const char *name;	/* for the commit message, e.g. Linux 5.10.223 */
	const char *branch;	/* branch to create at the base */
	const char *tag;	/* tag to create at the base */
	int level;		/* zlib level of the packs, 0 stores */
	int threads;		/* xz decoder threads */
};

struct import_result {
	char commit[41];	/* id of the base commit */
	size_t files;
	size_t bytes;
	double seconds;
};

int import_tarball(const struct import_opts *o, struct import_result *r);

#endif
