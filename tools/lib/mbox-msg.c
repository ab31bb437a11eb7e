// SPDX-License-Identifier: GPL-2.0
/*
 * One mail message (lib/mbox.h): its headers, unfolded, and its body,
 * the transfer encoding undone and of a multipart the text part.
 */
#include "mbox.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "mailhdr.h"

/* ---- headers ------------------------------------------------------ */

static void add_header(struct mail *m, const char *name, size_t nlen,
		       const char *value, size_t vlen)
{
	struct mail_header *h;

	while (vlen && (*value == ' ' || *value == '\t')) {
		value++;
		vlen--;
	}
	ALLOC_GROW(m->hdrs, m->nr_hdrs + 1, m->alloc_hdrs);
	h = &m->hdrs[m->nr_hdrs++];
	h->name = xstrndup(name, nlen);
	h->value = xstrndup(value, vlen);
}

static void append_folded(struct mail *m, const char *s, size_t n)
{
	struct mail_header *h = &m->hdrs[m->nr_hdrs - 1];
	char *v;

	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	v = xasprintf("%s %.*s", h->value, (int)n, s);
	free(h->value);
	h->value = v;
}

const char *mail_get(const struct mail *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nr_hdrs; i++)
		if (!strcasecmp(m->hdrs[i].name, name))
			return m->hdrs[i].value;
	return NULL;
}

char *mail_get_decoded(const struct mail *m, const char *name)
{
	const char *v = mail_get(m, name);

	return v ? mail_decode_header(v, strlen(v)) : NULL;
}

size_t mail_msgids(const char *value, char ***ids)
{
	size_t nr = 0, alloc = 0;
	const char *p = value;

	*ids = NULL;
	while (p && (p = strchr(p, '<'))) {
		const char *gt = strchr(p + 1, '>');

		if (!gt)
			break;
		if (gt > p + 1) {
			ALLOC_GROW(*ids, nr + 1, alloc);
			(*ids)[nr++] = xstrndup(p + 1, gt - p - 1);
		}
		p = gt + 1;
	}
	return nr;
}

char *mail_msgid(const char *value)
{
	char **ids, *r = NULL;
	size_t nr, i;

	if (!value)
		return NULL;
	nr = mail_msgids(value, &ids);
	if (nr)
		r = ids[0];
	for (i = 1; i < nr; i++)
		free(ids[i]);
	free(ids);
	return r;
}

char *mail_describe(const struct mail *m)
{
	char *subj = mail_get_decoded(m, "Subject"), *r;

	r = xasprintf("message %zu (line %ld%s%s%s)", m->index + 1, m->line,
		      subj ? ", '" : "", subj ? subj : "", subj ? "'" : "");
	free(subj);
	return r;
}

/* ---- bodies ------------------------------------------------------- */

/* The value of parameter @param in a Content-Type value, or NULL. */
static char *ct_param(const char *ct, const char *param)
{
	size_t n = strlen(param);
	const char *p = ct;

	while ((p = strchr(p, ';'))) {
		const char *e;

		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, param, n) || p[n] != '=')
			continue;
		p += n + 1;
		if (*p == '"') {
			e = strchr(p + 1, '"');
			return e ? xstrndup(p + 1, e - p - 1) : xstrdup(p + 1);
		}
		for (e = p; *e && *e != ';' && *e != ' ' && *e != '\t'; e++)
			;
		return xstrndup(p, e - p);
	}
	return NULL;
}

static bool ct_is(const char *ct, const char *type)
{
	size_t n = strlen(type);

	while (ct && (*ct == ' ' || *ct == '\t'))
		ct++;
	return ct && !strncasecmp(ct, type, n) &&
	       (!ct[n] || ct[n] == ';' || ct[n] == ' ' || ct[n] == '/');
}

static bool valid_base64(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (!isalnum(c) && c != '+' && c != '/' && c != '=' &&
		    !isspace(c))
			return false;
	}
	return true;
}

static int parse(struct mail *m, const char *buf, size_t len,
		 struct strbuf *err, int depth);
static int parse_part(const char *s, size_t n, struct strbuf *out,
		      bool *found, struct strbuf *err, int depth);

/*
 * Decode the body @s of a part whose Content-Type is @ct (NULL: text/plain)
 * and Content-Transfer-Encoding @cte into @out; of a multipart, its first
 * text part (*found says whether there was one). Returns -1 with the
 * reason in @err.
 */
static int decode_body(const char *ct, const char *cte, const char *s,
		       size_t n, struct strbuf *out, bool *found,
		       struct strbuf *err, int depth)
{
	struct strbuf raw = STRBUF_INIT;
	char *charset;

	if (ct && ct_is(ct, "multipart")) {
		char *boundary = ct_param(ct, "boundary"), *delim;
		const char *p = s, *end = s + n, *part = NULL;
		size_t dlen;
		int ret = 0;

		if (!boundary || !*boundary) {
			free(boundary);
			sb_addf(err, "multipart message without a boundary");
			return -1;
		}
		if (depth > 8) {
			free(boundary);
			sb_addf(err, "MIME parts nested too deep");
			return -1;
		}
		delim = xasprintf("--%s", boundary);
		dlen = strlen(delim);
		*found = false;
		while (p < end && !*found && !ret) {
			const char *nl = memchr(p, '\n', end - p);
			const char *next = nl ? nl + 1 : end;
			size_t len = (nl ? nl : end) - p;

			if (len >= dlen && !strncmp(p, delim, dlen)) {
				if (part)
					ret = parse_part(part, p - part, out,
							 found, err, depth);
				if (len >= dlen + 2 &&
				    !strncmp(p + dlen, "--", 2))
					break;
				part = next;
			}
			p = next;
		}
		free(delim);
		free(boundary);
		return ret;
	}
	*found = !ct || ct_is(ct, "text");
	if (!cte || !strcasecmp(cte, "7bit") || !strcasecmp(cte, "8bit") ||
	    !strcasecmp(cte, "binary")) {
		sb_add(&raw, s, n);
	} else if (!strcasecmp(cte, "quoted-printable")) {
		mail_decode_qp(&raw, s, n);
	} else if (!strcasecmp(cte, "base64")) {
		if (!valid_base64(s, n)) {
			sb_addf(err, "body is not valid base64");
			return -1;
		}
		mail_decode_base64(&raw, s, n);
	} else {
		sb_addf(err, "unknown Content-Transfer-Encoding '%s'", cte);
		return -1;
	}
	charset = ct ? ct_param(ct, "charset") : NULL;
	if (charset && (!strcasecmp(charset, "iso-8859-1") ||
			!strcasecmp(charset, "latin1") ||
			!strcasecmp(charset, "windows-1252")))
		mail_latin1_to_utf8(out, sb_str(&raw), raw.len);
	else
		sb_add(out, sb_str(&raw), raw.len);
	free(charset);
	sb_release(&raw);
	return 0;
}

/* One part of a multipart body: its text, if it is text/plain. */
static int parse_part(const char *s, size_t n, struct strbuf *out,
		      bool *found, struct strbuf *err, int depth)
{
	struct strbuf e = STRBUF_INIT;
	struct mail sub;
	const char *ct;
	int ret = 0;

	*found = false;
	if (parse(&sub, s, n, &e, depth + 1)) {
		sb_addf(err, "bad MIME part: %s", sb_str(&e));
		sb_release(&e);
		mail_release(&sub);
		return -1;
	}
	ct = mail_get(&sub, "Content-Type");
	if (!ct || ct_is(ct, "text/plain") || ct_is(ct, "multipart")) {
		*found = sub.has_text;
		if (*found)
			sb_add(out, sub.body, sub.body_len);
	}
	mail_release(&sub);
	sb_release(&e);
	return ret;
}

/* True if every line ends with CR LF: the mail's transport line ends. */
static bool all_crlf(const char *s, size_t n)
{
	size_t i, lines = 0;

	for (i = 0; i < n; i++) {
		if (s[i] != '\n')
			continue;
		if (!i || s[i - 1] != '\r')
			return false;
		lines++;
	}
	return lines > 0;
}

static int parse(struct mail *m, const char *buf, size_t len,
		 struct strbuf *err, int depth)
{
	struct strbuf text = STRBUF_INIT, body = STRBUF_INIT;
	const char *p, *end, *body_start = NULL;
	int no = 0;

	memset(m, 0, sizeof(*m));
	if (all_crlf(buf, len)) {
		size_t i;

		for (i = 0; i < len; i++)
			if (buf[i] != '\r' || i + 1 >= len ||
			    buf[i + 1] != '\n')
				sb_addch(&text, buf[i]);
	} else {
		sb_add(&text, buf, len);
	}
	m->raw_len = text.len;
	m->raw = sb_detach(&text);
	p = m->raw;
	end = m->raw + m->raw_len;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = (nl ? nl : end) - p, fl;

		no++;
		if (!n) {
			body_start = nl ? nl + 1 : end;
			break;
		}
		if (no == 1 && n > 5 && !strncmp(p, "From ", 5)) {
			/* an mbox postmark */
		} else if (*p == ' ' || *p == '\t') {
			if (!m->nr_hdrs) {
				sb_addf(err, "line %d: continuation line before any header",
					no);
				return -1;
			}
			append_folded(m, p, n);
		} else {
			fl = mailhdr_field_name_len(p, n);
			if (!fl) {
				sb_addf(err, "line %d: not a mail header: '%.*s'",
					no, (int)(n > 60 ? 60 : n), p);
				return -1;
			}
			add_header(m, p, fl, p + fl + 1, n - fl - 1);
		}
		p = nl ? nl + 1 : end;
	}
	if (!m->nr_hdrs) {
		sb_addf(err, "no mail headers");
		return -1;
	}
	if (!body_start)
		body_start = end;
	if (decode_body(mail_get(m, "Content-Type"),
			mail_get(m, "Content-Transfer-Encoding"), body_start,
			end - body_start, &body, &m->has_text, err, depth)) {
		sb_release(&body);
		return -1;
	}
	m->body_len = body.len;
	m->body = sb_detach(&body);
	return 0;
}

int mail_parse(struct mail *m, const char *buf, size_t len,
	       struct strbuf *err)
{
	if (parse(m, buf, len, err, 0)) {
		mail_release(m);
		return -1;
	}
	return 0;
}

void mail_release(struct mail *m)
{
	size_t i;

	for (i = 0; i < m->nr_hdrs; i++) {
		free(m->hdrs[i].name);
		free(m->hdrs[i].value);
	}
	free(m->hdrs);
	free(m->body);
	free(m->raw);
	memset(m, 0, sizeof(*m));
}
