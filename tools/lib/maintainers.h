/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who gets a patch: the kernel's MAINTAINERS file (F:/X: globs and
 * directories, N: file name regexes, K: content regexes; M:/R:/L: roles)
 * applied to a patch the way the base's scripts/get_maintainer.pl does
 * with --no-git --no-git-fallback --no-rolestats, so that both give the
 * same addresses in the same order:
 *
 *  - the patch's files are the sorted, unique names from its "diff --git",
 *    "---"/"+++", "rename from/to" and diffstat "mode change" lines;
 *  - for each file, every section whose F:/N: matches (and no X:) counts,
 *    deepest pattern first ("arch/x86/kvm/" before "arch/x86/" before
 *    "*"; an N: match ranks as depth 0, a pattern starting with '*' as
 *    -1; within a section the last matching pattern sets the depth, and
 *    sections of equal depth keep their MAINTAINERS order);
 *  - then every section with a K: regex matching a line of the patch (the
 *    mail and message lines as they are, diff lines only when added or
 *    removed);
 *  - each section adds its M: and R: people, then its L: lists; a person
 *    already listed (same name or address, ignoring case) is not added
 *    again, .mailmap of the tree maps addresses, Linus Torvalds is left
 *    to the rest; the addresses named in a changed .yaml file (device
 *    tree bindings) and the signers of commits named by Fixes: tags come
 *    after the people.
 *
 * Regexes are Perl's, run by PCRE2 on bytes.
 */
#ifndef KSERIES_MAINTAINERS_H
#define KSERIES_MAINTAINERS_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

enum maint_role {
	MAINT_MAINTAINER,	/* M: */
	MAINT_REVIEWER,		/* R: */
	MAINT_LIST,		/* L: */
	MAINT_MODERATED_LIST,	/* L: ... (moderated for non-subscribers) */
	MAINT_FIXES,		/* signed the commit a Fixes: tag names */
	MAINT_FILE,		/* named in a changed .yaml file */
};

struct maint_addr {
	char *addr;		/* "Name <user@host>", or "list@host" */
	enum maint_role role;
	char *section;		/* the section's title; NULL for MAINT_FIXES */
	char *status;		/* its S: line, e.g. "Supported"; may be "" */
};

struct maint_list {
	struct maint_addr *v;
	size_t nr, alloc;
};

struct maintainers;

/*
 * Read the MAINTAINERS file @path. @root is the kernel tree the patterns
 * refer to: an F: naming a directory there matches everything below it,
 * and its .mailmap and .get_maintainer.ignore are read. @root may be NULL.
 * Returns NULL with the reason in @err.
 */
struct maintainers *maintainers_load(const char *path, const char *root,
				     struct strbuf *err);
/* The same from a buffer (@name for messages). */
struct maintainers *maintainers_parse(const char *name, const char *buf,
				      size_t len, const char *root,
				      struct strbuf *err);
void maintainers_free(struct maintainers *m);
/* Number of sections (for messages and tests). */
size_t maintainers_sections(const struct maintainers *m);

/*
 * Look up commit @id (6 to 40 hex digits, as written in a Fixes: tag) and
 * append its whole message to @msg; return 0, or -1 if there is no such
 * commit (or the prefix is ambiguous).
 */
typedef int (*maint_commit_fn)(void *data, const char *id,
			       struct strbuf *msg);

/*
 * The addresses for the patch @text (a mail or `git format-patch` file),
 * in get_maintainer.pl's order, appended to @out. @commit (may be NULL)
 * finds the commits named by Fixes: tags.
 */
void maintainers_for_patch(struct maintainers *m, const char *text,
			   size_t len, maint_commit_fn commit, void *data,
			   struct maint_list *out);

/* The files a patch touches, as get_maintainer.pl sees them (sorted). */
void maintainers_patch_files(const char *text, size_t len, char ***files,
			     size_t *nr);

void maint_list_release(struct maint_list *l);
/*
 * Add the addresses of @src not yet in @dst (for a cover letter, which
 * goes to everybody of every patch); an address that is To: in @src
 * becomes To: in @dst.
 */
void maint_list_union(struct maint_list *dst, const struct maint_list *src);
/* "maintainer", "reviewer", "list", "moderated list", "fixes" */
const char *maint_role_name(enum maint_role role);
/* Maintainers go in To:, everybody else in Cc:. */
static inline bool maint_role_is_to(enum maint_role role)
{
	return role == MAINT_MAINTAINER;
}

/*
 * get_maintainer.pl's way of splitting and re-quoting "Name <address>":
 * *name gets quotes when it holds anything but letters, digits, '_',
 * ' ' and '-'. Either may come back "".
 */
void maint_parse_email(const char *s, char **name, char **address);
char *maint_format_email(const char *name, const char *address);

#endif
