// SPDX-License-Identifier: GPL-2.0
/*
 * Composing mails.
 */
#include "mail.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmtpatch.h"
#include "hash.h"
#include "patch.h"

#define RFC2047_MAX	76	/* an encoded word with its line */

bool mail_is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

static bool mail_is_ascii_n(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

static size_t last_line_len(const struct strbuf *sb)
{
	const char *nl;

	if (!sb->len)
		return 0;
	nl = memrchr(sb->buf, '\n', sb->len);
	return nl ? sb->len - (nl + 1 - sb->buf) : sb->len;
}

/* The bytes of the UTF-8 character at @s (1 for a stray byte). */
static size_t utf8_len(const unsigned char *s)
{
	size_t n = 1;

	if (s[0] >= 0xf0)
		n = 4;
	else if (s[0] >= 0xe0)
		n = 3;
	else if (s[0] >= 0xc0)
		n = 2;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

/*
 * Whether @c must be written as =XX: always for non-ASCII, controls,
 * space, '=', '?' and '_'; in a phrase (an address's name) also for
 * everything but letters, digits and "!*+-/".
 */
static bool q_special(unsigned char c, bool phrase)
{
	if (c >= 0x7f || c <= ' ' || c == '=' || c == '?' || c == '_')
		return true;
	return phrase && !isalnum(c) && !strchr("!*+-/", c);
}

/*
 * RFC 2047 "Q" words for @s: each at most 76 columns long, counted as git
 * does from the start of the header line; they follow one another on
 * that line, separated by spaces.
 */
static void add_q_words(struct strbuf *out, const char *s, bool phrase)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t col = last_line_len(out) + strlen("=?UTF-8?q?");

	sb_addstr(out, "=?UTF-8?q?");
	while (*p) {
		size_t n = utf8_len(p), w, i;
		bool special = n > 1 || q_special(*p, phrase);

		w = special ? 3 * n : 1;
		if (col + w + 2 > RFC2047_MAX) {
			sb_addstr(out, "?= =?UTF-8?q?");
			col = 1 + strlen("=?UTF-8?q?");
		}
		for (i = 0; i < n; i++) {
			if (special)
				sb_addf(out, "=%02X", p[i]);
			else
				sb_addch(out, p[i]);
		}
		col += w;
		p += n;
	}
	sb_addstr(out, "?=");
}

void mail_add_header(struct strbuf *out, const char *name,
		     const char *value)
{
	const char *p = value;

	sb_addf(out, "%s: ", name);
	if (mail_is_ascii(value)) {
		sb_addstr(out, value);
	} else {
		/* "[PATCH v2 1/3] " tags stay readable, as git does */
		while (*p == '[' && strchr(p, ']') &&
		       strchr(p, ']')[1] == ' ' &&
		       mail_is_ascii_n(p, strchr(p, ']') + 2 - p))
			p = strchr(p, ']') + 2;
		sb_add(out, value, p - value);
		add_q_words(out, p, false);
	}
	sb_addch(out, '\n');
}

/* RFC 822 specials that make a name need quotes */
static bool needs_quotes(const char *name)
{
	for (; *name; name++)
		if (strchr("()<>@,;:\\\".[]", *name))
			return true;
	return false;
}

char *mail_address(const char *name, const char *email)
{
	struct strbuf sb = STRBUF_INIT;

	if (!name || !*name)
		return xstrdup(email);
	if (!mail_is_ascii(name)) {
		add_q_words(&sb, name, true);
	} else if (needs_quotes(name)) {
		sb_addch(&sb, '"');
		for (; *name; name++) {
			if (*name == '"' || *name == '\\')
				sb_addch(&sb, '\\');
			sb_addch(&sb, *name);
		}
		sb_addch(&sb, '"');
	} else {
		sb_addstr(&sb, name);
	}
	sb_addf(&sb, " <%s>", email);
	return sb_detach(&sb);
}

char *mail_encode_address(const char *addr)
{
	const char *lt = strrchr(addr, '<');
	char *name, *email, *r;
	size_t n;

	if (mail_is_ascii(addr) || !lt || !strchr(lt, '>'))
		return xstrdup(addr);
	n = lt - addr;
	while (n && addr[n - 1] == ' ')
		n--;
	name = xstrndup(addr, n);
	if (n >= 2 && name[0] == '"' && name[n - 1] == '"') {
		/* unquote: drop the quotes and the backslashes */
		char *d = name;
		const char *s;

		for (s = name + 1; s < name + n - 1; s++) {
			if (*s == '\\' && s + 1 < name + n - 1)
				s++;
			*d++ = *s;
		}
		*d = '\0';
	}
	email = xstrndup(lt + 1, strchr(lt, '>') - lt - 1);
	r = mail_address(name, email);
	free(name);
	free(email);
	return r;
}

void mail_add_address_header(struct strbuf *out, const char *name,
			     char *const *addrs, size_t nr)
{
	size_t i;

	if (!nr)
		return;
	sb_addf(out, "%s: ", name);
	for (i = 0; i < nr; i++) {
		char *a = mail_encode_address(addrs[i]);

		sb_addf(out, "%s%s", i ? ",\n\t" : "", a);
		free(a);
	}
	sb_addch(out, '\n');
}

char *mail_make_msgid(const char *seed, int nr, const char *from_email,
		      int64_t time)
{
	unsigned char sha[20];
	char hex[41], *in, *local, *at;
	const char *domain;
	struct strbuf date = STRBUF_INIT;
	int64_t days = time / 86400, secs = time % 86400;
	int64_t y, m, d, era, doe, yoe, doy, mp, z;
	char *r;

	in = xasprintf("%s\n%d", seed, nr);
	sha1_buf(in, strlen(in), sha);
	free(in);
	hex_encode(hex, sha, 20);
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	/* the civil date of @days since the epoch */
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400 + (m <= 2);
	sb_addf(&date, "%04lld%02lld%02lld%02lld%02lld%02lld", (long long)y,
		(long long)m, (long long)d, (long long)(secs / 3600),
		(long long)(secs / 60 % 60), (long long)(secs % 60));
	at = strchr(from_email, '@');
	local = at ? xstrndup(from_email, at - from_email) :
		     xstrdup("kseries");
	domain = at ? at + 1 : "kseries.invalid";
	r = xasprintf("%s.%.12s-%d-%s@%s", date.buf, hex, nr, local, domain);
	free(local);
	sb_release(&date);
	return r;
}

void mail_mbox_append(struct strbuf *mbox, const char *msg, size_t len,
		      int64_t time)
{
	struct strbuf date = STRBUF_INIT;
	const char *p = msg, *end = msg + len;
	char day[4], mon[4];
	int dd, yy, hh, mi, ss;

	/* the postmark has the ctime() form of the date (UTC) */
	format_mail_date(&date, time, 0);
	if (sscanf(date.buf, "%3s, %d %3s %d %d:%d:%d", day, &dd, mon, &yy,
		   &hh, &mi, &ss) == 7)
		sb_addf(mbox, "From kseries %s %s %2d %02d:%02d:%02d %d\n",
			day, mon, dd, hh, mi, ss, yy);
	else
		sb_addstr(mbox, "From kseries Mon Sep 17 00:00:00 2001\n");
	sb_release(&date);
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *next = nl ? nl + 1 : end;
		const char *q = p;

		while (q < next && *q == '>')
			q++;
		if (next - q >= 5 && !strncmp(q, "From ", 5))
			sb_addch(mbox, '>');
		sb_add(mbox, p, next - p);
		p = next;
	}
	if (len && msg[len - 1] != '\n')
		sb_addch(mbox, '\n');
	sb_addch(mbox, '\n');
}

void patch_file_format(struct strbuf *out, const char *author_name,
		       const char *author_email, int64_t time,
		       int tz_minutes, const char *subject, const char *body,
		       const char *rest)
{
	/* byte for byte what lib/fmtpatch.c (kseries export) writes */
	sb_addstr(out, "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n");
	sb_addstr(out, "From: ");
	add_from(out, author_name, author_email);
	sb_addstr(out, "\nDate: ");
	format_mail_date(out, time, tz_minutes);
	sb_addstr(out, "\nSubject: [PATCH] ");
	add_header_text(out, subject, strlen(subject));
	sb_addch(out, '\n');
	if (!mail_is_ascii(body) || !mail_is_ascii(rest))
		sb_addstr(out, "MIME-Version: 1.0\n"
			  "Content-Type: text/plain; charset=UTF-8\n"
			  "Content-Transfer-Encoding: 8bit\n");
	sb_addch(out, '\n');
	if (*body) {
		sb_addstr(out, body);
		if (!ends_with(body, "\n"))
			sb_addch(out, '\n');
	}
	sb_addstr(out, "---\n");
	sb_addstr(out, rest);
}
