/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Write git objects straight into pack files (with their .idx), without
 * delta search: the fast path for importing a whole source tree.
 *
 * Objects are gathered in memory and written as a complete pack whenever
 * the current one reaches @max_bytes, so every pack header carries its
 * true object count and nothing is hashed twice.
 */
#ifndef KSERIES_PACK_H
#define KSERIES_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

enum obj_type { OBJ_COMMIT = 1, OBJ_TREE = 2, OBJ_BLOB = 3 };

struct pack_entry {
	unsigned char oid[20];
	uint32_t crc;
	uint64_t offset;
};

struct pack_writer {
	char *dir;		/* objects/pack */
	int level;		/* zlib level, 0 stores */
	size_t max_bytes;
	struct strbuf body;	/* the current pack after its header */
	struct pack_entry *ents;
	size_t nr, alloc;
	size_t total_objects;
	int packs;
	/* Streaming mode (pack_stream()): one pack written as it grows. */
	int fd;
	char *tmp;
	uint64_t off;		/* bytes written to @fd */
	uint32_t crc;		/* of the entry being written */
	bool failed;
};

void pack_init(struct pack_writer *w, const char *pack_dir, int level,
	       size_t max_bytes);
/* The object id git gives @len bytes of type @type. */
void object_id(enum obj_type type, const void *data, size_t len,
	       unsigned char oid[20]);
/* Add an object; its id is returned in @oid. */
int pack_add(struct pack_writer *w, enum obj_type type, const void *data,
	     size_t len, unsigned char oid[20]);
/* Add an object whose id the caller already computed. */
int pack_add_oid(struct pack_writer *w, enum obj_type type, const void *data,
		 size_t len, const unsigned char oid[20]);
/*
 * Write every object straight into one pack file as it is added, instead
 * of gathering packs in memory: for a whole tree, faulting in a
 * gigabyte of fresh memory costs more than writing it. The trailer is
 * computed by reading the file back in pack_flush().
 */
int pack_stream(struct pack_writer *w);
/* Write out what is gathered; call once at the end too. */
int pack_flush(struct pack_writer *w);
void pack_release(struct pack_writer *w);

#endif
