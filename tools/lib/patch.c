// SPDX-License-Identifier: GPL-2.0
/*
 * Parse `git format-patch` mails: headers and message here, each file's
 * diff in lib/patch-diff.c.
 */
#include "patch.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mailhdr.h"
#include "patch-lines.h"

/* Split "Name <email>" (or a bare address). */
static void parse_from(struct patch *p, const char *v)
{
	const char *lt = strchr(v, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	const char *e;

	free(p->author_name);
	free(p->author_email);
	if (!lt || !gt) {
		p->author_email = xstrdup(v);
		p->author_name = xstrdup(v);
		return;
	}
	p->author_email = xstrndup(lt + 1, gt - lt - 1);
	e = lt;
	while (e > v && isspace((unsigned char)e[-1]))
		e--;
	while (v < e && isspace((unsigned char)*v))
		v++;
	p->author_name = mailhdr_unquote(v, e - v);
}

int patch_fail(struct strbuf *err, const struct patch *p, int line,
	       const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	sb_addf(err, "%s:%d: ", p->name, line);
	va_start(ap, fmt);
	sb_vaddf(err, fmt, ap);
	va_end(ap);
	return -1;
}

static bool is_header_line(const char *line, size_t len)
{
	size_t i;

	for (i = 0; i < len && line[i] != ':'; i++)
		if (line[i] == ' ' || line[i] == '\t')
			return false;
	return i > 0 && i < len;
}

/* Read folded mail headers into @hdr (one unfolded header per entry). */
static void read_headers(struct lines *l, struct strbuf *from,
			 struct strbuf *date, struct strbuf *subject,
			 struct strbuf *cte)
{
	const char *line;
	size_t len;
	struct strbuf *cur = NULL;

	while (next_line(l, &line, &len)) {
		if (len && line[len - 1] == '\r')
			len--;
		if (!len)
			break;
		if ((line[0] == ' ' || line[0] == '\t') && cur) {
			while (len && (*line == ' ' || *line == '\t')) {
				line++;
				len--;
			}
			sb_addch(cur, ' ');
			sb_add(cur, line, len);
			continue;
		}
		cur = NULL;
		if (!is_header_line(line, len))
			continue;
		if (len >= 5 && !strncasecmp(line, "From:", 5))
			cur = from;
		else if (len >= 5 && !strncasecmp(line, "Date:", 5))
			cur = date;
		else if (len >= 8 && !strncasecmp(line, "Subject:", 8))
			cur = subject;
		else if (len >= 26 &&
			 !strncasecmp(line, "Content-Transfer-Encoding:", 26))
			cur = cte;
		if (!cur)
			continue;
		sb_reset(cur);
		line = memchr(line, ':', len) + 1;
		len = l->p - line;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		while (len && (*line == ' ' || *line == '\t')) {
			line++;
			len--;
		}
		sb_add(cur, line, len);
	}
}

/* The message body ends at "---" or where the diff starts. */
static bool ends_message(const char *line, size_t len)
{
	size_t i;

	if (line_starts(line, len, "---")) {
		for (i = 3; i < len; i++)
			if (!isspace((unsigned char)line[i]))
				return false;
		return true;
	}
	return line_starts(line, len, "diff --git ");
}

static char *trim_body(const char *s, size_t n)
{
	while (n && (*s == '\n' || *s == '\r')) {
		const char *nl = memchr(s, '\n', n);
		bool blank = true;
		const char *q;

		if (!nl)
			break;
		for (q = s; q < nl; q++)
			if (!isspace((unsigned char)*q))
				blank = false;
		if (!blank)
			break;
		n -= nl + 1 - s;
		s = nl + 1;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

int patch_parse(struct patch *p, const char *name, const char *buf,
		size_t len, struct strbuf *err)
{
	struct strbuf from = STRBUF_INIT, date = STRBUF_INIT;
	struct strbuf subject = STRBUF_INIT, cte = STRBUF_INIT;
	struct strbuf decoded = STRBUF_INIT;
	const char *line, *body_start, *body_end;
	struct lines l;
	size_t n;
	int ret = -1;

	memset(p, 0, sizeof(*p));
	p->name = xstrdup(name);
	p->text = xstrndup(buf, len);
	l.p = p->text;
	l.end = p->text + len;
	l.no = 0;

	if (peek_line(&l, &line, &n) && line_starts(line, n, "From "))
		next_line(&l, &line, &n);
	read_headers(&l, &from, &date, &subject, &cte);
	if (!from.len || !subject.len) {
		patch_fail(err, p, 1, "not a git format-patch mail: missing %s header",
			   !from.len ? "From:" : "Subject:");
		goto out;
	}

	if (cte.len && (!strcasecmp(cte.buf, "quoted-printable") ||
			!strcasecmp(cte.buf, "base64"))) {
		/* Decode the body, then parse it in place of the original. */
		size_t hdr = l.p - p->text;
		char *text;

		if (!strcasecmp(cte.buf, "base64"))
			base64_decode(&decoded, l.p, l.end - l.p, false, NULL);
		else
			mail_decode_qp(&decoded, l.p, l.end - l.p);
		text = xmalloc(hdr + decoded.len + 1);
		memcpy(text, p->text, hdr);
		memcpy(text + hdr, sb_str(&decoded), decoded.len + 1);
		free(p->text);
		p->text = text;
		l.p = text + hdr;
		l.end = text + hdr + decoded.len;
	}

	/* In-body "From:"/"Subject:"/"Date:" lines override the mail's. */
	while (peek_line(&l, &line, &n) && is_header_line(line, n) &&
	       (line_starts(line, n, "From:") || line_starts(line, n, "Subject:") ||
		line_starts(line, n, "Date:"))) {
		read_headers(&l, &from, &date, &subject, &cte);
	}

	{
		char *v = mail_decode_header(from.buf, from.len);

		parse_from(p, v);
		free(v);
		v = mail_decode_header(subject.buf, subject.len);
		p->subject = clean_subject(v);
		free(v);
	}
	if (!date.len || parse_mail_date(date.buf, &p->time, &p->tz_minutes)) {
		patch_fail(err, p, 1, "missing or malformed Date: header '%s'",
			   sb_str(&date));
		goto out;
	}

	body_start = l.p;
	body_end = l.end;
	while (peek_line(&l, &line, &n)) {
		if (ends_message(line, n)) {
			body_end = line;
			break;
		}
		next_line(&l, &line, &n);
	}
	p->body = trim_body(body_start, body_end - body_start);

	/* Skip the diffstat up to the first diff. */
	while (peek_line(&l, &line, &n) && !line_starts(line, n, "diff --git "))
		next_line(&l, &line, &n);
	while (next_line(&l, &line, &n)) {
		if (line_starts(line, n, "diff --git ")) {
			if (patch_parse_file(p, &l, line, n, err))
				goto out;
			continue;
		}
		if (line_is(line, n, "-- "))
			break;	/* signature */
		if (n && line[0] != '\r') {
			patch_fail(err, p, l.no, "unexpected text between file diffs: '%.*s'",
				   (int)(n > 60 ? 60 : n), line);
			goto out;
		}
	}
	if (!p->nr_files) {
		patch_fail(err, p, l.no, "no 'diff --git' in the patch");
		goto out;
	}
	ret = 0;
out:
	sb_release(&from);
	sb_release(&date);
	sb_release(&subject);
	sb_release(&cte);
	sb_release(&decoded);
	if (ret)
		patch_release(p);
	return ret;
}

void patch_release(struct patch *p)
{
	size_t i, j;

	for (i = 0; i < p->nr_files; i++) {
		struct file_patch *fp = &p->files[i];

		for (j = 0; j < fp->nr_hunks; j++) {
			free(fp->hunks[j].lines);
			free(fp->hunks[j].section);
		}
		free(fp->hunks);
		free(fp->old_path);
		free(fp->new_path);
	}
	free(p->files);
	free(p->name);
	free(p->author_name);
	free(p->author_email);
	free(p->subject);
	free(p->body);
	free(p->text);
	memset(p, 0, sizeof(*p));
}

char *patch_message(const struct patch *p)
{
	if (p->body && *p->body)
		return xasprintf("%s\n\n%s\n", p->subject, p->body);
	return xasprintf("%s\n", p->subject);
}
