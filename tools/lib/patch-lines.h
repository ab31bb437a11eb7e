/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to lib/patch.c and lib/patch-diff.c: the line cursor both
 * read a patch with, and their error messages ("NAME:LINE: what").
 */
#ifndef KSERIES_PATCH_LINES_H
#define KSERIES_PATCH_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "patch.h"

/* A cursor over the lines of a buffer. */
struct lines {
	const char *p, *end;
	int no;			/* number of the line last returned */
};

/* Return the next line, without its newline; false at the end. */
static inline bool next_line(struct lines *l, const char **line, size_t *len)
{
	const char *nl;

	if (l->p >= l->end)
		return false;
	nl = memchr(l->p, '\n', l->end - l->p);
	*line = l->p;
	*len = (nl ? nl : l->end) - l->p;
	l->p = nl ? nl + 1 : l->end;
	l->no++;
	return true;
}

static inline bool peek_line(const struct lines *l, const char **line, size_t *len)
{
	struct lines c = *l;

	return next_line(&c, line, len);
}

static inline bool line_is(const char *line, size_t len, const char *s)
{
	return strlen(s) == len && !memcmp(line, s, len);
}

static inline bool line_starts(const char *line, size_t len, const char *s)
{
	size_t n = strlen(s);

	return len >= n && !memcmp(line, s, n);
}

/* Add "NAME:LINE: message" to @err (if not NULL); returns -1. */
int patch_fail(struct strbuf *err, const struct patch *p, int line,
	       const char *fmt, ...) __printf(4, 5);

/*
 * Parse the file diff whose "diff --git" line (@line, @len) @l has just
 * returned: extended headers and hunks, up to the next file or the
 * signature. Returns -1 with the reason in @err.
 */
int patch_parse_file(struct patch *p, struct lines *l, const char *line,
		     size_t len, struct strbuf *err);

#endif
