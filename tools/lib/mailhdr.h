/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mail headers, read and written: the one place for
 *
 *  - header lines: what a field name is;
 *  - RFC 2047 encoded words: mail_decode_header() reads "Q" and "B" words
 *    (UTF-8, ISO-8859-1, windows-1252) into UTF-8; mailhdr_add_text()
 *    writes them as `git format-patch` does (MAILHDR_TEXT for a Subject,
 *    MAILHDR_PHRASE for the name in an address), one encoder for all,
 *    with `kseries export`'s older form as a third mode;
 *  - the body transfer encodings a mail may use (quoted-printable,
 *    base64) and ISO-8859-1 text, decoded;
 *  - addresses: "Name <email>" written with the name quoted (RFC 822
 *    specials) or encoded (non-ASCII), and quoted names read back;
 *  - dates: RFC 2822 ("Mon, 2 Jan 2006 15:04:05 -0700") read and written,
 *    and the other forms mails use (the mbox postmark, Message-Id stamps);
 *  - subjects: subject_parse() reads "Re: [PATCH v2 3/5] title" into its
 *    tags and title.
 *
 * Callers: lib/patch.c and lib/mbox-msg.c read with it, lib/mail.c and
 * lib/fmtpatch.c write with it, lib/maint-addr.c quotes with it; header
 * and mailbox syntax (folding, MIME, postmarks) stays with those
 * readers. A function that returns a string returns it malloc'd, for
 * the caller to free; text is UTF-8 in and out.
 */
#ifndef KSERIES_MAILHDR_H
#define KSERIES_MAILHDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/*
 * The length of the RFC 5322 field name (printable ASCII but ':' and
 * space) that starts @line and ends at its ':'; 0 if there is none.
 */
size_t mailhdr_field_name_len(const char *line, size_t len);

/* ---- RFC 2047 ----------------------------------------------------- */

/* Whether @n bytes at @s are all ASCII. */
bool mailhdr_is_ascii(const char *s, size_t n);

enum mailhdr_words {
	/*
	 * git's RFC 2047 words for unstructured text (a Subject): space,
	 * '=', '?', '_', controls and non-ASCII as =XX, each word at most
	 * 76 columns counted from the start of the header line, words
	 * joined by a space (git folds there; kseries keeps one line).
	 */
	MAILHDR_TEXT,
	/* The same for a phrase (an address's name): RFC 2047 5(3). */
	MAILHDR_PHRASE,
};

/* Append @len bytes at @s, as they are if ASCII, else as encoded words. */
void mailhdr_add_text(struct strbuf *out, const char *s, size_t len,
		      enum mailhdr_words how);
/* Decode RFC 2047 encoded words in a header value into UTF-8. */
char *mail_decode_header(const char *s, size_t len);

/* The headers of a message whose text is UTF-8, 8 bits, as git writes. */
#define MAILHDR_MIME_UTF8	"MIME-Version: 1.0\n" \
				"Content-Type: text/plain; charset=UTF-8\n" \
				"Content-Transfer-Encoding: 8bit\n"

/* Body transfer encodings: append the decoded bytes to @out. */
void mail_decode_qp(struct strbuf *out, const char *s, size_t n);
void mail_decode_base64(struct strbuf *out, const char *s, size_t n);
/* ISO-8859-1 bytes as UTF-8. */
void mail_latin1_to_utf8(struct strbuf *out, const char *s, size_t n);

/* ---- addresses ---------------------------------------------------- */

/*
 * Append @s in double quotes. With @keep_escaped (get_maintainer.pl's
 * s/(?<!\\)"/\\"/g) a '"' gets a backslash unless it has one and '\' is
 * left alone; without it (RFC 822, as git writes) both get one.
 */
void mailhdr_add_quoted(struct strbuf *out, const char *s,
			bool keep_escaped);
/*
 * Append "Name <email>": the name encoded (@how) if it is not ASCII,
 * quoted if it has an RFC 822 special, else as it is.
 */
void mailhdr_add_address(struct strbuf *out, const char *name,
			 const char *email, enum mailhdr_words how);
/* A name as written (@n bytes): quotes and their backslashes dropped. */
char *mailhdr_unquote(const char *s, size_t n);

/* ---- dates -------------------------------------------------------- */

/* Parse an RFC 2822 date ("Mon, 2 Jan 2006 15:04:05 -0700"). */
int parse_mail_date(const char *s, int64_t *time, int *tz_minutes);
/* Format like `git format-patch` does. */
void format_mail_date(struct strbuf *sb, int64_t time, int tz_minutes);

enum mailhdr_date {
	MAILHDR_DATE_RFC2822,	/* "Tue, 14 Nov 2023 23:13:20 +0100" */
	MAILHDR_DATE_CTIME,	/* "Tue Nov 14 22:13:20 2023", UTC */
	MAILHDR_DATE_STAMP,	/* "20231114221320", UTC */
};

/* @time in form @form (the zone only counts for RFC 2822). */
void mailhdr_add_date(struct strbuf *sb, int64_t time, int tz_minutes,
		      enum mailhdr_date form);

/* ---- subjects ----------------------------------------------------- */

/*
 * What a subject's tags say: "Re: [kvm-unit-tests PATCH v2 3/7] x: y"
 * is a reply to patch 3 of 7 of version 2 for project "kvm-unit-tests".
 */
struct subject_info {
	bool reply;		/* "Re:" */
	bool patch;		/* a PATCH or RFC tag, or "k/N" */
	bool rfc, resend;
	int version;		/* 1 without "vN" */
	int index, total;	/* 0, 0 without "k/N" */
	char *project;		/* the tags' other words ("" if none) */
	char *title;		/* without "Re:" and the tags */
};

/*
 * The one Subject parser: leading "Re:"s and "[...]" groups are read
 * as tags, the rest, its white space folded, is the title. (lib/check.c
 * has its own patch_subject(), which drops only the first "[...]"
 * group of a patch file's Subject; it should move to this one.)
 */
void subject_parse(const char *subject, struct subject_info *si);
void subject_release(struct subject_info *si);
/* subject_parse()'s title alone, like git am: "KVM: x" (malloc'd). */
char *clean_subject(const char *s);

#endif
