// SPDX-License-Identifier: GPL-2.0
/*
 * Mail headers, read and written (lib/mailhdr.h).
 */
#include "mailhdr.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RFC2047_MAX	76	/* an encoded word with its line */
#define Q_OPEN		"=?UTF-8?q?"
#define RFC822_SPECIALS	"()<>@,;:\\\".[]"

/* ---- header lines ------------------------------------------------ */

size_t mailhdr_field_name_len(const char *line, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = line[i];

		if (c == ':')
			return i;
		if (c <= 32 || c >= 127)
			return 0;
	}
	return 0;
}

/* ---- RFC 2047: writing -------------------------------------------- */

bool mailhdr_is_ascii(const char *s, size_t n)
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
static size_t utf8_len(const unsigned char *s, size_t left)
{
	size_t n = 1, i;

	if (s[0] >= 0xf0)
		n = 4;
	else if (s[0] >= 0xe0)
		n = 3;
	else if (s[0] >= 0xc0)
		n = 2;
	if (n > left)
		return 1;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

/*
 * Whether @c must be written as =XX: in text non-ASCII, controls, space,
 * '=', '?' and '_'; in a phrase also everything but letters, digits and
 * "!*+-/" (RFC 2047 5(3)).
 */
static bool q_special(unsigned char c, enum mailhdr_words how)
{
	if (c >= 0x7f || c <= ' ' || c == '=' || c == '?' || c == '_')
		return true;
	return how != MAILHDR_TEXT && !isalnum(c) && !strchr("!*+-/", c);
}

/* "Q" words for @len bytes at @s, split as git splits them (see .h). */
static void add_q_words(struct strbuf *out, const char *s, size_t len,
			enum mailhdr_words how)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	size_t col = last_line_len(out) + strlen(Q_OPEN);

	sb_addstr(out, Q_OPEN);
	while (p < end) {
		size_t n = utf8_len(p, end - p), w, i;
		bool special = n > 1 || q_special(*p, how);

		w = special ? 3 * n : 1;
		if (col + w + 2 > RFC2047_MAX) {
			sb_addstr(out, "?= " Q_OPEN);
			col = 1 + strlen(Q_OPEN);
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

void mailhdr_add_text(struct strbuf *out, const char *s, size_t len,
		      enum mailhdr_words how)
{
	if (mailhdr_is_ascii(s, len))
		sb_add(out, s, len);
	else
		add_q_words(out, s, len, how);
}

/* ---- RFC 2047 and transfer encodings: reading --------------------- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

void mail_latin1_to_utf8(struct strbuf *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i;

	for (i = 0; i < n; i++) {
		if (u[i] < 0x80) {
			sb_addch(out, u[i]);
		} else {
			sb_addch(out, 0xc0 | (u[i] >> 6));
			sb_addch(out, 0x80 | (u[i] & 0x3f));
		}
	}
}

/* The "Q" text between @s and @end, '_' for a space. */
static void decode_q(struct strbuf *raw, const char *s, const char *end)
{
	const char *p;

	for (p = s; p < end; p++) {
		if (*p == '_') {
			sb_addch(raw, ' ');
		} else if (*p == '=' && end - p >= 3 &&
			   hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
			sb_addch(raw, hexval(p[1]) * 16 + hexval(p[2]));
			p += 2;
		} else {
			sb_addch(raw, *p);
		}
	}
}

/* Decode one encoded word "=?cs?E?text?=" at @s; return its length or 0. */
static size_t decode_word(struct strbuf *out, const char *s, const char *end)
{
	const char *q1, *q2, *q3, *stop;
	struct strbuf raw = STRBUF_INIT;
	bool latin1;

	if (end - s < 8 || s[0] != '=' || s[1] != '?')
		return 0;
	q1 = memchr(s + 2, '?', end - s - 2);
	if (!q1 || end - q1 < 4 || q1[2] != '?')
		return 0;
	q2 = q1 + 2;
	q3 = NULL;
	for (stop = q2 + 1; stop + 1 < end; stop++) {
		if (stop[0] == '?' && stop[1] == '=') {
			q3 = stop;
			break;
		}
	}
	if (!q3)
		return 0;
	latin1 = (q1 - s - 2 == 10 && !strncasecmp(s + 2, "iso-8859-1", 10)) ||
		 (q1 - s - 2 == 12 && !strncasecmp(s + 2, "windows-1252", 12));
	if (q1[1] == 'q' || q1[1] == 'Q')
		decode_q(&raw, q2 + 1, q3);
	else if (q1[1] == 'b' || q1[1] == 'B')
		base64_decode(&raw, q2 + 1, q3 - q2 - 1, false, NULL);
	else
		return 0;
	if (latin1)
		mail_latin1_to_utf8(out, sb_str(&raw), raw.len);
	else
		sb_add(out, sb_str(&raw), raw.len);
	sb_release(&raw);
	return q3 + 2 - s;
}

/* White space from @p that separates two encoded words: its end, or @p. */
static const char *between_words(const char *p, const char *end)
{
	struct strbuf probe = STRBUF_INIT;
	const char *q = p;
	size_t n;

	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	if (q == p || q + 1 >= end || q[0] != '=' || q[1] != '?')
		return p;
	n = decode_word(&probe, q, end);
	sb_release(&probe);
	return n ? q : p;
}

char *mail_decode_header(const char *s, size_t len)
{
	struct strbuf out = STRBUF_INIT;
	const char *p = s, *end = s + len, *q;
	bool last_encoded = false;

	while (p < end) {
		size_t n = decode_word(&out, p, end);

		if (n) {
			p += n;
			last_encoded = true;
			continue;
		}
		/* whitespace between two encoded words vanishes */
		q = last_encoded ? between_words(p, end) : p;
		if (q != p) {
			p = q;
			continue;
		}
		last_encoded = false;
		sb_addch(&out, *p++);
	}
	return sb_detach(&out);
}

void mail_decode_qp(struct strbuf *out, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] != '=') {
			sb_addch(out, s[i]);
		} else if (i + 1 < n && s[i + 1] == '\n') {
			i++;
		} else if (i + 2 < n && s[i + 1] == '\r' && s[i + 2] == '\n') {
			i += 2;
		} else if (i + 2 < n && hexval(s[i + 1]) >= 0 &&
			   hexval(s[i + 2]) >= 0) {
			sb_addch(out, hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			sb_addch(out, s[i]);
		}
	}
}

void mail_decode_base64(struct strbuf *out, const char *s, size_t n)
{
	base64_decode(out, s, n, false, NULL);
}

/* ---- addresses ---------------------------------------------------- */

void mailhdr_add_quoted(struct strbuf *out, const char *s,
			bool keep_escaped)
{
	size_t i;

	sb_addch(out, '"');
	for (i = 0; s[i]; i++) {
		bool escaped = i && s[i - 1] == '\\';

		if (keep_escaped ? s[i] == '"' && !escaped :
				   s[i] == '"' || s[i] == '\\')
			sb_addch(out, '\\');
		sb_addch(out, s[i]);
	}
	sb_addch(out, '"');
}

void mailhdr_add_address(struct strbuf *out, const char *name,
			 const char *email, enum mailhdr_words how)
{
	size_t len = strlen(name);

	if (mailhdr_is_ascii(name, len) && strpbrk(name, RFC822_SPECIALS))
		mailhdr_add_quoted(out, name, false);
	else
		mailhdr_add_text(out, name, len, how);
	sb_addf(out, " <%s>", email);
}

char *mailhdr_unquote(const char *s, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	const char *e = s + n;

	if (n < 2 || s[0] != '"' || e[-1] != '"')
		return xstrndup(s, n);
	for (s++, e--; s < e; s++) {
		if (*s == '\\' && s + 1 < e)
			s++;
		sb_addch(&sb, *s);
	}
	return sb_detach(&sb);
}

/* ---- dates -------------------------------------------------------- */

static const char *const months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};
static const char *const wdays[] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
};

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

int parse_mail_date(const char *s, int64_t *time, int *tz_minutes)
{
	int day, year, hh, mm, ss = 0, mon, n = 0, tz;
	char mname[4], sign;
	const char *p = s;

	while (isspace((unsigned char)*p))
		p++;
	if (isalpha((unsigned char)*p)) {	/* optional weekday */
		while (isalpha((unsigned char)*p))
			p++;
		if (*p == ',')
			p++;
	}
	if (sscanf(p, "%d %3s %d %d:%d%n", &day, mname, &year, &hh, &mm,
		   &n) != 5)
		return -1;
	p += n;
	if (*p == ':') {
		if (sscanf(p, ":%d%n", &ss, &n) != 1)
			return -1;
		p += n;
	}
	for (mon = 0; mon < 12; mon++)
		if (!strcasecmp(mname, months[mon]))
			break;
	if (mon == 12 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60)
		return -1;
	while (isspace((unsigned char)*p))
		p++;
	if (sscanf(p, "%c%4d", &sign, &tz) != 2 || (sign != '+' && sign != '-'))
		return -1;
	tz = (tz / 100) * 60 + tz % 100;
	if (sign == '-')
		tz = -tz;
	*time = days_from_civil(year, mon + 1, day) * 86400 + hh * 3600 +
		mm * 60 + ss - (int64_t)tz * 60;
	*tz_minutes = tz;
	return 0;
}

void mailhdr_add_date(struct strbuf *sb, int64_t time, int tz_minutes,
		      enum mailhdr_date form)
{
	int64_t local, days, secs;
	int y, m, d, tz, hh, mi, ss;
	const char *wday;

	if (form != MAILHDR_DATE_RFC2822)
		tz_minutes = 0;
	local = time + (int64_t)tz_minutes * 60;
	days = local / 86400;
	secs = local % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	hh = secs / 3600;
	mi = secs / 60 % 60;
	ss = secs % 60;
	wday = wdays[((days % 7) + 11) % 7];
	tz = tz_minutes < 0 ? -tz_minutes : tz_minutes;
	if (form == MAILHDR_DATE_RFC2822)
		sb_addf(sb, "%s, %d %s %d %02d:%02d:%02d %c%02d%02d", wday, d,
			months[m - 1], y, hh, mi, ss,
			tz_minutes < 0 ? '-' : '+', tz / 60, tz % 60);
	else if (form == MAILHDR_DATE_CTIME)
		sb_addf(sb, "%s %s %2d %02d:%02d:%02d %d", wday,
			months[m - 1], d, hh, mi, ss, y);
	else
		sb_addf(sb, "%04d%02d%02d%02d%02d%02d", y, m, d, hh, mi, ss);
}

void format_mail_date(struct strbuf *sb, int64_t time, int tz_minutes)
{
	mailhdr_add_date(sb, time, tz_minutes, MAILHDR_DATE_RFC2822);
}

/* ---- subjects ----------------------------------------------------- */

/* "k/N" (patchwork's "[v2,1/2]" has no PATCH). */
static bool tag_index(struct subject_info *si, const char *w, size_t n)
{
	const char *slash = memchr(w, '/', n);
	size_t i;

	if (!slash || slash == w || slash + 1 >= w + n || n >= 16)
		return false;
	for (i = 0; i < n; i++)
		if (w + i != slash && !isdigit((unsigned char)w[i]))
			return false;
	si->patch = true;
	si->index = atoi(w);
	si->total = atoi(slash + 1);
	return true;
}

static void tag_word(struct subject_info *si, const char *w, size_t n,
		     struct strbuf *project)
{
	size_t i;

	if (n == 5 && !strncasecmp(w, "PATCH", 5)) {
		si->patch = true;
		return;
	}
	if (n == 3 && !strncasecmp(w, "RFC", 3)) {
		si->rfc = si->patch = true;
		return;
	}
	if (n == 6 && !strncasecmp(w, "RESEND", 6)) {
		si->resend = true;
		return;
	}
	if (n >= 2 && n < 8 && (w[0] == 'v' || w[0] == 'V')) {
		for (i = 1; i < n && isdigit((unsigned char)w[i]); i++)
			;
		if (i == n) {
			si->version = atoi(w + 1);
			return;
		}
	}
	if (tag_index(si, w, n))
		return;
	if (project->len)
		sb_addch(project, ' ');
	sb_add(project, w, n);
}

/* The words of one "[...]" group, @s to @close. */
static void tag_group(struct subject_info *si, const char *s,
		      const char *close, struct strbuf *project)
{
	const char *w, *e;

	for (w = s + 1; w < close; w = e + 1) {
		for (e = w; e < close && *e != ',' &&
		     !isspace((unsigned char)*e); e++)
			;
		if (e > w)
			tag_word(si, w, e - w, project);
	}
}

void subject_parse(const char *subject, struct subject_info *si)
{
	struct strbuf project = STRBUF_INIT, title = STRBUF_INIT;
	const char *s = subject, *close;
	bool space = false;

	memset(si, 0, sizeof(si[0]));
	si->version = 1;
	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (!strncasecmp(s, "re:", 3)) {
			si->reply = true;
			s += 3;
			continue;
		}
		close = *s == '[' ? strchr(s, ']') : NULL;
		if (!close)
			break;
		tag_group(si, s, close, &project);
		s = close + 1;
	}
	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			space = true;
			continue;
		}
		if (space && title.len)
			sb_addch(&title, ' ');
		space = false;
		sb_addch(&title, *s);
	}
	si->project = sb_detach(&project);
	si->title = sb_detach(&title);
}

void subject_release(struct subject_info *si)
{
	free(si->project);
	free(si->title);
	memset(si, 0, sizeof(*si));
}

char *clean_subject(const char *s)
{
	struct subject_info si;

	subject_parse(s, &si);
	free(si.project);
	return si.title;
}
