/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cover letter of a posting and what it is made of, kept in the
 * repository:
 *
 *  kernel-overlay/cover-letter  the subject on the first line, a blank
 *                               line, then the text ('#' lines before the
 *                               subject are comments);
 *  kernel-overlay/changelog     what changed from version to version,
 *                               newest first: a "vN:" line, then its
 *                               items, until the next "vN:" ('#' lines
 *                               are comments). The newest N is the version
 *                               a posting gets unless told otherwise.
 *
 * The letter then has "Changes in vN:" for every version up to the one
 * sent, the shortlog of the patches, the diffstat of the whole series and
 * the base-commit line.
 */
#ifndef KSERIES_COVER_H
#define KSERIES_COVER_H

#include "patch.h"
#include "util.h"

struct changelog_entry {
	int version;
	char *text;		/* its lines, without the "vN:" heading */
};

struct changelog {
	struct changelog_entry *v;
	size_t nr, alloc;
};

/* Parse; -1 with "line N: ..." in @err on a malformed file. */
int changelog_parse(const char *text, struct changelog *cl,
		    struct strbuf *err);
void changelog_release(struct changelog *cl);
/* The highest version listed, 0 if none. */
int changelog_latest(const struct changelog *cl);

/* Split a cover-letter file into its subject and text. */
int cover_file_parse(const char *text, char **subject, char **body,
		     struct strbuf *err);

/*
 * `git shortlog` of the patches: authors by name, "Name (N):", then each
 * subject indented by 2 and wrapped at 72 columns (continued at 4).
 */
void cover_shortlog(struct strbuf *out, struct patch *const *patches,
		    size_t n);

/*
 * The cover letter's text: @body, the changes of versions 2..@version,
 * the shortlog, @diffstat and "base-commit: @base" (if @base is not
 * empty), and the signature.
 */
void cover_compose(struct strbuf *out, const char *body,
		   const struct changelog *cl, int version,
		   struct patch *const *patches, size_t n,
		   const char *diffstat, const char *base);

#endif
