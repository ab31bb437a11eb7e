/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The MAINTAINERS file as get_maintainer.pl reads it (private to the
 * port; the public functions are in lib/maintainers.h):
 *
 *  - struct maintainers holds its lines in order (struct tv, the
 *    script's @typevalue): a "T: value" line with its type, any other
 *    line that is not blank or a comment (a section's title) with type 0.
 *    A section is a title and the typed lines after it; start_index()
 *    is the title of the section holding line @i, end_index() the line
 *    after its last;
 *  - F: and X: globs become anchored regexes ('.' literal, '*' and '?'
 *    any), with a '/' added when they name a directory of the tree, and
 *    the depth that ranks them; N: and K: values are /x regexes; one
 *    that does not compile stays NULL, matches nothing, and
 *    maintainers_parse() warns of it;
 *  - the tree's .mailmap (mm_names, mm_addresses: read_mailmap's hashes)
 *    and .get_maintainer.ignore (addresses that are valid RFC 822) are
 *    read with it, for lib/maint-addr.c.
 */
#ifndef KSERIES_MAINT_PARSE_H
#define KSERIES_MAINT_PARSE_H

#include "maint-perl.h"
#include "maintainers.h"

struct tv {
	char type;		/* 'A'..'Z', or 0 for any other line */
	char *value;		/* F:/X: as a regex; other lines as written */
	pcre2_code *re;		/* F:/X: "^value"; N:, K: value (/x) */
	pcre2_code *re_diff;	/* K: "^[+-].*value" (/x) */
	char *prefix;		/* F:/X: literal start of every match */
	int slashes;		/* F:/X: '/' in the regex */
	int depth;		/* F: how specific a match is */
};

struct maintainers {
	struct tv *tv;
	size_t nr, alloc;
	size_t *kw;		/* indexes of the K: lines */
	size_t nr_kw, alloc_kw;
	struct strmap mm_names, mm_addresses;	/* .mailmap */
	char **ignore;		/* .get_maintainer.ignore */
	size_t nr_ignore, alloc_ignore;
	size_t sections;
	char *root;
};

size_t start_index(const struct maintainers *m, size_t i);
size_t end_index(const struct maintainers *m, size_t i);

#endif
