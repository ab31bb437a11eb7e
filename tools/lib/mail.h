/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing mails the way `git format-patch` and `git send-email` do:
 * non-ASCII text as RFC 2047 "Q" words (split where git splits them),
 * addresses quoted where needed, Message-Ids and threading, mboxrd
 * mailboxes and patch files.
 */
#ifndef KSERIES_MAIL_H
#define KSERIES_MAIL_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

/*
 * "Name: value\n" on one line, encoded when @value is not ASCII. (git
 * folds long subjects; b4 0.12 fails on a folded Subject read from an
 * mbox, and git send-email unfolds them anyway.)
 */
void mail_add_header(struct strbuf *out, const char *name,
		     const char *value);
/* "Name <email>" with the name quoted or encoded as it needs. */
char *mail_address(const char *name, const char *email);
/* An address as get_maintainer.pl prints it, encoded if not ASCII. */
char *mail_encode_address(const char *addr);
/* "To: a,\n\tb\n" (nothing when @nr is 0); addresses as given. */
void mail_add_address_header(struct strbuf *out, const char *name,
			     char *const *addrs, size_t nr);

bool mail_is_ascii(const char *s);

/*
 * A Message-Id (without brackets) for mail @nr of a posting:
 * "YYYYMMDDhhmmss.HASH-NR-LOCAL@DOMAIN" from the sender's address, the
 * date and a seed; the same inputs give the same id.
 */
char *mail_make_msgid(const char *seed, int nr, const char *from_email,
		      int64_t time);

/*
 * Append message @msg to mailbox @mbox: a "From " postmark line, the
 * message with ">From " quoting (mboxrd) and a blank line.
 */
void mail_mbox_append(struct strbuf *mbox, const char *msg, size_t len,
		      int64_t time);

/*
 * A patch file as `kseries export` writes it (lib/fmtpatch.c): zero-id
 * postmark, From, Date, "Subject: [PATCH] subject" (+ MIME headers for
 * a non-ASCII message), the message @body, "---" and @rest (diffstat,
 * diff, signature). The file name comes from patch_file_name().
 */
void patch_file_format(struct strbuf *out, const char *author_name,
		       const char *author_email, int64_t time,
		       int tz_minutes, const char *subject, const char *body,
		       const char *rest);

#endif
