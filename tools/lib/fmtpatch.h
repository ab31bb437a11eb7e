/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Write a commit as a patch mail the way `git format-patch` does, but
 * deterministically: a zero commit id on the "From " line, no patch
 * numbers in the subject ("[PATCH] subject"), a diffstat, full-context
 * git diff with 12-digit index lines and a fixed signature. The same
 * commit always gives the same bytes, whatever else is in the series.
 */
#ifndef KSERIES_FMTPATCH_H
#define KSERIES_FMTPATCH_H

#include <git2.h>

#include "util.h"

#define FMTPATCH_SIGNATURE	"kseries"

/* Format @commit (diffed against its first parent) into @out. */
int format_patch(git_repository *repo, git_commit *commit,
		 struct strbuf *out);

/*
 * The file name `git format-patch` gives patch @nr: "0001-subject.patch"
 * with the subject sanitized to [A-Za-z0-9._-] and cut to 64 characters.
 */
char *patch_file_name(unsigned int nr, const char *subject);

/* Append "Name <email>", quoting or RFC 2047-encoding the name. */
void add_from(struct strbuf *sb, const char *name, const char *email);
/* Append @s as an RFC 2047 header value if it needs it, else as is. */
void add_header_text(struct strbuf *sb, const char *s, size_t len);

#endif
