/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing mails the way `git format-patch` and `git send-email` do:
 * non-ASCII text as RFC 2047 "Q" words (split where git splits them),
 * addresses quoted where needed, Message-Ids and threading. The
 * encoding itself is lib/mailhdr.c's; mboxrd mailboxes are written by
 * mail_mbox_append() (lib/mbox.h), patch files by patch_file_format()
 * (lib/fmtpatch.h).
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

#endif
