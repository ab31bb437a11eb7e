/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The series file: quilt format, one patch file name (relative to
 * patches/) per line, applied in order. Lines starting with '#' are
 * comments; "# topic: NAME - text" starts a topic, which lasts until the
 * next one. Comments stay attached to the entry that follows them, so a
 * rewrite keeps the file as a person laid it out.
 */
#ifndef KSERIES_SERIES_H
#define KSERIES_SERIES_H

#include <stddef.h>

#include "util.h"

struct series_entry {
	char *name;		/* relative to the patches directory */
	char *topic;		/* NULL before the first topic line */
	char *pre;		/* comment and blank lines before it */
	int line_no;
};

struct series {
	char *path;		/* the series file */
	char *dir;		/* the patches directory */
	struct series_entry *entries;
	size_t nr, alloc;
	char *tail;		/* lines after the last entry */
};

int series_load(struct series *s, const char *path, const char *dir);
void series_release(struct series *s);
/* The whole file as series_load() would read it back. */
void series_format(const struct series *s, struct strbuf *out);
/* Append an entry; @pre may be NULL. */
void series_add(struct series *s, const char *name, const char *topic,
		const char *pre);
/* The path of entry @i's patch file. */
char *series_patch_path(const struct series *s, size_t i);
/* The topic named in a "# topic: NAME ..." line, or NULL. */
char *series_topic_of_line(const char *line);

#endif
