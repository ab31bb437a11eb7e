/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An in-memory object database backend: new objects (blobs, trees,
 * commits of a series being applied) are kept here, readable like any
 * other, and reach the disk only when written out as one pack, after
 * the whole series applied. Dropping them is freeing memory.
 */
#ifndef KSERIES_MEMODB_H
#define KSERIES_MEMODB_H

#include <git2.h>
#include <stddef.h>

/* A new backend; add it to an odb with the highest priority. */
struct git_odb_backend *memodb_new(void);
size_t memodb_count(git_odb_backend *b);
/* Write every object into one pack in @pack_dir, then forget them. */
int memodb_write_pack(git_odb_backend *b, const char *pack_dir, int level);

#endif
