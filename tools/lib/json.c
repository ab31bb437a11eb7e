// SPDX-License-Identifier: GPL-2.0
#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The length of the well-formed UTF-8 sequence at @s (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0 if the
 * byte at @s does not start one. The NUL ending @s is never a
 * continuation byte, so this never reads past it.
 */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;	/* overlong below U+0800 */
		else if (s[0] == 0xed)
			hi = 0x9f;	/* surrogates U+D800..U+DFFF */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		if (s[0] == 0xf0)
			lo = 0x90;	/* overlong below U+10000 */
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else {
		return 0;
	}
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

json_t *json_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	struct strbuf sb = STRBUF_INIT;
	json_t *j;

	while (p && *p) {
		size_t n = *p < 0x80 ? 1 : utf8_len(p);

		if (n) {
			sb_add(&sb, p, n);
			p += n;
			continue;
		}
		/* Not UTF-8: the Latin-1 character, encoded in UTF-8. */
		sb_addch(&sb, 0xc0 | (*p >> 6));
		sb_addch(&sb, 0x80 | (*p & 0x3f));
		p++;
	}
	j = json_stringn(sb.buf ? sb.buf : "", sb.len);
	sb_release(&sb);
	return j;
}

json_t *json_text_or_null(const char *s)
{
	return s ? json_text(s) : json_null();
}

int json_set_text(json_t *obj, const char *key, const char *s)
{
	return json_object_set_new(obj, key, json_text(s));
}

static int dump_cb(const char *buf, size_t size, void *data)
{
	sb_add(data, buf, size);
	return 0;
}

int json_dump_sb_digits(const json_t *j, struct strbuf *sb, int digits)
{
	if (!j)
		return -1;
	return json_dump_callback(j, dump_cb, sb,
				  JSON_COMPACT | JSON_ENCODE_ANY |
				  JSON_REAL_PRECISION(digits));
}

int json_dump_sb(const json_t *j, struct strbuf *sb)
{
	return json_dump_sb_digits(j, sb, 6);
}

json_t *json_round(double v, int places)
{
	char buf[64];

	if (!isfinite(v))
		return json_null();
	if (fabs(v) >= 1e15)	/* no decimals to round at this size */
		return json_real(v);
	/* What printf shows, read back: its rounding, not ours. */
	snprintf(buf, sizeof(buf), "%.*f", places, v);
	return json_real(strtod(buf, NULL));
}

json_t *json_lines(const char *text)
{
	const char *p = text, *nl;
	json_t *a = json_array();

	for (; p && *p; p = nl ? nl + 1 : p + strlen(p)) {
		char *l;

		nl = strchr(p, '\n');
		l = xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
		json_array_append_new(a, json_text(l));
		free(l);
	}
	return a;
}

json_t *json_secs(double secs)
{
	return secs < 0 ? json_null() : json_round(secs, 3);
}
