// SPDX-License-Identifier: GPL-2.0
/*
 * Composing mails (lib/mail.h); the header encoding is lib/mailhdr.c's.
 */
#include "mail.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "mailhdr.h"

bool mail_is_ascii(const char *s)
{
	return mailhdr_is_ascii(s, strlen(s));
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
		       mailhdr_is_ascii(p, strchr(p, ']') + 2 - p))
			p = strchr(p, ']') + 2;
		sb_add(out, value, p - value);
		mailhdr_add_text(out, p, strlen(p), MAILHDR_TEXT);
	}
	sb_addch(out, '\n');
}

char *mail_address(const char *name, const char *email)
{
	struct strbuf sb = STRBUF_INIT;

	if (!name || !*name)
		return xstrdup(email);
	mailhdr_add_address(&sb, name, email, MAILHDR_PHRASE);
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
	name = mailhdr_unquote(addr, n);
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
	char *r;

	in = xasprintf("%s\n%d", seed, nr);
	sha1_buf(in, strlen(in), sha);
	free(in);
	hex_encode(hex, sha, 20);
	mailhdr_add_date(&date, time, 0, MAILHDR_DATE_STAMP);
	at = strchr(from_email, '@');
	local = at ? xstrndup(from_email, at - from_email) :
		     xstrdup("kseries");
	domain = at ? at + 1 : "kseries.invalid";
	r = xasprintf("%s.%.12s-%d-%s@%s", date.buf, hex, nr, local, domain);
	free(local);
	sb_release(&date);
	return r;
}
