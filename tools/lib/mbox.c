// SPDX-License-Identifier: GPL-2.0
/*
 * Mailboxes, read and written (lib/mbox.h); each message is parsed by
 * lib/mbox-msg.c.
 */
#include "mbox.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mailhdr.h"

/* ---- mailboxes ---------------------------------------------------- */

/*
 * "From SENDER DATE", where DATE has a time (h:mm) and after it a year
 * (four digits on their own): the postmark of an mbox message.
 */
static bool is_postmark(const char *s, size_t n)
{
	size_t i = 5, run;
	bool time = false;

	if (n < 6 || strncmp(s, "From ", 5) || s[5] == ' ')
		return false;
	while (i < n && s[i] != ' ')
		i++;
	for (; i < n; i++) {
		if (!time) {
			time = s[i] == ':' && i + 2 < n &&
			       isdigit((unsigned char)s[i - 1]) &&
			       isdigit((unsigned char)s[i + 1]) &&
			       isdigit((unsigned char)s[i + 2]);
			continue;
		}
		if (!isdigit((unsigned char)s[i]) ||
		    isdigit((unsigned char)s[i - 1]))
			continue;
		for (run = 0; i + run < n && isdigit((unsigned char)s[i + run]);
		     run++)
			;
		if (run == 4 && s[i - 1] == ' ')
			return true;
	}
	return false;
}

/* The postmark of `git format-patch`: mails may follow one another. */
static bool is_git_postmark(const char *s, size_t n)
{
	size_t i;

	if (n != 70 || strncmp(s, "From ", 5))
		return false;
	for (i = 5; i < 45; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return !strncmp(s + 45, " Mon Sep 17 00:00:00 2001", 25);
}

/*
 * Copy @n bytes at @s to @out, quoting (mboxrd: one more '>' before any
 * ">*From " line) or unquoting (one '>' less).
 */
static void mboxrd_lines(struct strbuf *out, const char *s, size_t n,
			 bool quote)
{
	const char *p = s, *end = s + n;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *next = nl ? nl + 1 : end;
		const char *q = p;

		while (q < next && *q == '>')
			q++;
		if (next - q >= 5 && !strncmp(q, "From ", 5)) {
			if (quote)
				sb_addch(out, '>');
			else if (q > p)
				p++;
		}
		sb_add(out, p, next - p);
		p = next;
	}
}

static int add_message(struct mbox *mb, const char *s, size_t n, long line,
		       struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT;
	struct mail *m;
	int ret;

	/* undo mboxrd quoting: ">From " and ">>From " lose one '>' */
	mboxrd_lines(&text, s, n, false);
	/* the blank line that separates messages is the mbox's */
	if (text.len >= 2 && text.buf[text.len - 1] == '\n' &&
	    text.buf[text.len - 2] == '\n')
		text.len--;
	ALLOC_GROW(mb->mails, mb->nr + 1, mb->alloc);
	m = &mb->mails[mb->nr];
	ret = mail_parse(m, sb_str(&text), text.len, err);
	sb_release(&text);
	m->line = line;
	m->index = mb->nr;
	if (ret) {
		struct strbuf e = STRBUF_INIT;

		sb_addf(&e, "message %zu (line %ld): %s", mb->nr + 1, line,
			sb_str(err));
		sb_reset(err);
		sb_addstr(err, e.buf);
		sb_release(&e);
		mail_release(m);
		return -1;
	}
	mb->nr++;
	return 0;
}

int mbox_parse(struct mbox *mb, const char *buf, size_t len,
	       struct strbuf *err)
{
	const char *p = buf, *end = buf + len, *start = NULL;
	long no = 0, start_line = 1;
	bool prev_blank = true;

	memset(mb, 0, sizeof(*mb));
	if (len < 5 || strncmp(buf, "From ", 5)) {
		if (!len) {
			sb_addf(err, "empty mailbox");
			return -1;
		}
		if (add_message(mb, buf, len, 1, err))
			goto fail;
		return 0;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *next = nl ? nl + 1 : end;
		size_t n = (nl ? nl : end) - p;

		no++;
		if (n && p[n - 1] == '\r')
			n--;
		if ((prev_blank || is_git_postmark(p, n)) &&
		    is_postmark(p, n)) {
			const char *nl2 = next < end ?
				memchr(next, '\n', end - next) : NULL;
			size_t n2 = (nl2 ? nl2 : end) - next;

			if (next < end && mailhdr_field_name_len(next, n2)) {
				if (start && add_message(mb, start, p - start,
							 start_line, err))
					goto fail;
				start = next;
				start_line = no + 1;
				p = next;
				prev_blank = false;
				continue;
			}
		}
		prev_blank = n == 0;
		p = next;
	}
	if (start && add_message(mb, start, end - start, start_line, err))
		goto fail;
	return 0;
fail:
	mbox_release(mb);
	return -1;
}

int mbox_read(struct mbox *mb, const char *path, struct strbuf *err)
{
	struct strbuf sb = STRBUF_INIT;
	int ret;

	if (read_file(path, &sb)) {
		sb_addf(err, "cannot read %s: %s", path, strerror(errno));
		memset(mb, 0, sizeof(*mb));
		return -1;
	}
	ret = mbox_parse(mb, sb.buf, sb.len, err);
	sb_release(&sb);
	return ret;
}

void mbox_release(struct mbox *mb)
{
	size_t i;

	for (i = 0; i < mb->nr; i++)
		mail_release(&mb->mails[i]);
	free(mb->mails);
	memset(mb, 0, sizeof(*mb));
}

void mail_mbox_append(struct strbuf *mbox, const char *msg, size_t len,
		      int64_t time)
{
	/* the postmark has the ctime() form of the date (UTC) */
	sb_addstr(mbox, "From kseries ");
	mailhdr_add_date(mbox, time, 0, MAILHDR_DATE_CTIME);
	sb_addch(mbox, '\n');
	mboxrd_lines(mbox, msg, len, true);
	if (len && msg[len - 1] != '\n')
		sb_addch(mbox, '\n');
	sb_addch(mbox, '\n');
}
