/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Write a commit as a patch mail the way `git format-patch` does, but
 * deterministically: a zero commit id on the "From " line, no patch
 * numbers in the subject ("[PATCH] subject"), a diffstat, full-context
 * git diff with 12-digit index lines and a fixed signature. The same
 * commit always gives the same bytes, whatever else is in the series.
 * patch_file_format() is the one writer of patch files: import and send
 * (lib/thread.c) write the patches of a mailbox with it too.
 */
#ifndef KSERIES_FMTPATCH_H
#define KSERIES_FMTPATCH_H

#include <stdint.h>

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

/*
 * The one patch-file writer, for export (format_patch()), import and
 * send (lib/thread.c): zero-id postmark, From, Date, "Subject: [PATCH]
 * subject" (+ MIME headers for a non-ASCII message), the message @body,
 * "---" and @rest (diffstat, diff, signature). The file name comes from
 * patch_file_name().
 */
void patch_file_format(struct strbuf *out, const char *author_name,
		       const char *author_email, int64_t time,
		       int tz_minutes, const char *subject, const char *body,
		       const char *rest);

/*
 * Append "Name <email>", quoting or RFC 2047-encoding the name, and @s
 * as RFC 2047 words if it needs them, as git format-patch writes them
 * (lib/mailhdr.c's MAILHDR_PHRASE and MAILHDR_TEXT).
 */
void add_from(struct strbuf *sb, const char *name, const char *email);
void add_header_text(struct strbuf *sb, const char *s, size_t len);

#endif
