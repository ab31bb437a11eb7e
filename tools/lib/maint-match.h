/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which sections a patch goes to, as get_maintainer.pl finds them
 * (private to the port):
 *
 *  - scan_patch() is the script's loop over the patch's lines: the files
 *    it touches, the ids of its Fixes: tags, and the K: lines whose regex
 *    matches a line of it (any line before the diff, only added or removed
 *    lines in it), as sorted strings of their line numbers;
 *  - sections_for_file() adds the sections whose F: or N: matches a file
 *    and no X: does, deepest match first, sections of equal depth in
 *    MAINTAINERS order, then the addresses named in the file if it is a
 *    .yaml file of the tree;
 *  - add_categories() adds one section: its M: and R: people and its L:
 *    lists (not "subscribers-only" ones), in the order of its lines.
 */
#ifndef KSERIES_MAINT_MATCH_H
#define KSERIES_MAINT_MATCH_H

#include "maint-addr.h"

void add_categories(struct query *q, size_t index);
void sections_for_file(struct query *q, const char *file);
/* @m may be NULL (files only); so may @fixes and @kw. */
void scan_patch(const struct maintainers *m, const char *text,
		size_t len, char ***files, size_t *nr_files,
		char ***fixes, size_t *nr_fixes, char ***kw,
		size_t *nr_kw);

#endif
