/* SPDX-License-Identifier: GPL-2.0 */
/*
 * git's index file (.git/index, versions 2 and 3), read and rewritten
 * directly: looking up a path is a binary search over the file as read,
 * and updating a few paths copies every other entry as it is. For a
 * 70,000-entry kernel index this is a few milliseconds, against tens of
 * allocations per entry in a general-purpose index.
 *
 * Extensions (cache tree, untracked cache, offset tables) are dropped on
 * a rewrite; git rebuilds what it needs. Index version 4, split indexes
 * and unmerged entries are refused: the caller falls back or stops.
 */
#ifndef KSERIES_GITINDEX_H
#define KSERIES_GITINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "util.h"

struct gitindex_entry {
	uint32_t ctime, ctime_ns, mtime, mtime_ns, dev, ino;
	uint32_t mode, uid, gid, size;
	unsigned char oid[20];
	const char *path;	/* points into the file, NUL-terminated */
};

struct gitindex {
	char *path;
	const char *raw;	/* the file, mapped */
	size_t len;
	uint32_t version;
	size_t nr;
	size_t *off;		/* offset of each entry in @raw */
	size_t end;		/* where the entries end */
};

/* Read @path; a missing file is an empty index. */
int gitindex_read(struct gitindex *ix, const char *path);
void gitindex_release(struct gitindex *ix);
/* Entry @path (stage 0) into @e; false if there is none. */
bool gitindex_find(const struct gitindex *ix, const char *path,
		   struct gitindex_entry *e);

/* An update: @path gets entry @e, or is removed if @e is NULL. */
struct gitindex_update {
	const char *path;
	const struct gitindex_entry *e;
};

/* Fill the stat part of @e from @st. */
void gitindex_stat(struct gitindex_entry *e, const struct stat *st);

/*
 * Write the index with @n updates (any order, each path once) applied,
 * atomically
 * (through index.lock, as git does). Fails if index.lock exists.
 */
int gitindex_write(const struct gitindex *ix, struct gitindex_update *up,
		   size_t n);

#endif
