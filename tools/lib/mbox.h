/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mail messages and mailboxes, as patches travel: an mbox (mboxo or
 * mboxrd, or the patchwork form that leaves "From " lines in bodies
 * unquoted), a single message, RFC 5322 headers with folding and RFC 2047
 * words, and MIME bodies (quoted-printable, base64, multipart with a
 * text/plain part); mboxrd mailboxes written. Subjects are parsed by
 * subject_parse() (lib/mailhdr.h, included here).
 */
#ifndef KSERIES_MBOX_H
#define KSERIES_MBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mailhdr.h"
#include "util.h"

struct mail_header {
	char *name;		/* as written, e.g. "Message-ID" */
	char *value;		/* unfolded, not decoded */
};

struct mail {
	struct mail_header *hdrs;
	size_t nr_hdrs, alloc_hdrs;
	char *body;		/* the text: transfer encoding undone, UTF-8 */
	size_t body_len;
	bool has_text;		/* false: a multipart without a text part */
	char *raw;		/* the message as stored (">From " undone) */
	size_t raw_len;
	long line;		/* its first line in the mailbox (1-based) */
	size_t index;		/* its position in the mailbox (0-based) */
};

struct mbox {
	struct mail *mails;
	size_t nr, alloc;
};

/*
 * Split @len bytes into messages. A message starts at a "From " line
 * that looks like a postmark ("From SENDER DATE") at the start or after
 * a blank line, and is followed by a header line; ">From " lines lose
 * one '>' (mboxrd). Input that does not start with "From " is one
 * message. Each message is parsed with mail_parse(); on the first that
 * fails, returns -1 with the reason (naming the message) in @err.
 */
int mbox_parse(struct mbox *mb, const char *buf, size_t len,
	       struct strbuf *err);
int mbox_read(struct mbox *mb, const char *path, struct strbuf *err);
void mbox_release(struct mbox *mb);

/*
 * Parse one message: headers up to the first blank line (at least one,
 * and no malformed line among them), then the body. Returns -1 with the
 * reason in @err.
 */
int mail_parse(struct mail *m, const char *buf, size_t len,
	       struct strbuf *err);
void mail_release(struct mail *m);

/* The first header @name (case-insensitive), raw; NULL if absent. */
const char *mail_get(const struct mail *m, const char *name);
/* The same with RFC 2047 words decoded (malloc'd), or NULL. */
char *mail_get_decoded(const struct mail *m, const char *name);
/* The first <id> in a header value, without the brackets, or NULL. */
char *mail_msgid(const char *value);
/* Every <id> in a header value (References), in order. */
size_t mail_msgids(const char *value, char ***ids);
/* A short description for messages: "message 3 (line 120, 'Subject')" */
char *mail_describe(const struct mail *m);

/*
 * Append message @msg to mailbox @mbox: a "From " postmark line, the
 * message with ">From " quoting (mboxrd) and a blank line.
 */
void mail_mbox_append(struct strbuf *mbox, const char *msg, size_t len,
		      int64_t time);

#endif
