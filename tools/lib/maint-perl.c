// SPDX-License-Identifier: GPL-2.0
/*
 * The Perl that the get_maintainer.pl port needs (lib/maint-perl.h): its
 * regexes run by PCRE2, its string functions and hashes.
 */
#include "maint-perl.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ---- regexes ------------------------------------------------------ */

/* a hostile MAINTAINERS must not hang us */
#define RE_MATCH_LIMIT	2000000
#define RE_DEPTH_LIMIT	20000

static pcre2_match_data *md;
static pcre2_match_context *mctx;

pcre2_code *mp_re_compile(const char *pat, size_t len, uint32_t flags)
{
	PCRE2_SIZE off;
	int e;

	return pcre2_compile((PCRE2_SPTR)pat, len, flags, &e, &off, NULL);
}

/* Match @re against @len bytes at @s from @start; groups via mp_re_group(). */
bool mp_re_exec(const pcre2_code *re, const char *s, size_t len,
	     size_t start)
{
	if (!md) {
		md = pcre2_match_data_create(32, NULL);
		mctx = pcre2_match_context_create(NULL);
		pcre2_set_match_limit(mctx, RE_MATCH_LIMIT);
		pcre2_set_depth_limit(mctx, RE_DEPTH_LIMIT);
	}
	if (!re || start > len)
		return false;
	return pcre2_match(re, (PCRE2_SPTR)s, len, start, 0, md, mctx) > 0;
}

bool mp_re_group(unsigned int g, size_t *so, size_t *eo)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

	if (g >= pcre2_get_ovector_count(md) || ov[2 * g] == PCRE2_UNSET)
		return false;
	*so = ov[2 * g];
	*eo = ov[2 * g + 1];
	return true;
}

/* Group @g of the last match in @s, or "" when it did not take part. */
char *mp_re_dup(const char *s, unsigned int g)
{
	size_t so, eo;

	if (!mp_re_group(g, &so, &eo))
		return xstrdup("");
	return xstrndup(s + so, eo - so);
}

static const char *const fixed_patterns[RE_NR] = {
	/* parse_email */
	[RE_EMAIL1] = "^([^<]+)<(.+\\@.*)>.*$",
	[RE_EMAIL2] = "^\\s*<(.+\\@\\S*)>.*$",
	[RE_EMAIL3] = "^(.+\\@\\S*).*$",
	/* read_mailmap */
	[RE_MM1] = "^([^<]+)<([^>]+)>$",
	[RE_MM2] = "^<([^>]+)>\\s*<([^>]+)>$",
	[RE_MM3] = "^(.+)<([^>]+)>\\s*<([^>]+)>$",
	[RE_MM4] = "^(.+)<([^>]+)>\\s*(.+)\\s*<([^>]+)>$",
	/* the lines of a patch */
	[RE_MODE] = "^ mode change [0-7]+ => [0-7]+ (\\S+)\\s*$",
	[RE_RENAME] = "^rename (?:from|to) (\\S+)\\s*$",
	[RE_DIFFGIT] = "^diff --git a\\/(\\S+) b\\/(\\S+)\\s*$",
	[RE_FIXES] = "^Fixes:\\s+([0-9a-fA-F]{6,40})",
	[RE_PLUSMINUS] = "^(?:\\+\\+\\+|---)\\s+(\\S+)",
	[RE_HUNK] = "^\\@\\@ -(\\d+),(\\d+)",
	/* add_categories: "list@host (moderated for non-subscribers)" */
	[RE_LIST] = "([^\\s]+)\\s+(.*)$",
	/* vcs_find_signers, extract_formatted_signatures */
	[RE_SIGNATURE] =
		"^[ \\t]*(Signed-off-by:|Reviewed-by:|Acked-by:).*\\@.*$",
	[RE_SIGNER] = "\\s*.*:\\s*(.+)\\s*",
	[RE_CHIEF] = "Linus Torvalds <torvalds@linux-foundation.org>",
	[RE_CHIEF_NAME] = "(Linus Torvalds)",
	/*
	 * maintainers_in_file, clean_file_emails. The script's "À-ÿ" is
	 * UTF-8 in a byte regex: the bytes \xc3, \x80-\xc3 and \xbf.
	 */
	[RE_FILE_EMAIL] = "[A-Za-z\\x80-\\xc3\"' ,.+-]*\\s*[,]*\\s*[(<{]{0,1}"
			  "[A-Za-z0-9_.+-]+\\@[A-Za-z0-9.-]+\\.[A-Za-z0-9]+"
			  "[)>}]{0,1}",
	[RE_FILE_EMAIL_CLEAN] = "[(<{]{0,1}([A-Za-z0-9_.+-]+\\@[A-Za-z0-9.-]+)"
				"[)>}]{0,1}",
	[RE_NAME_SPLIT] = "[^A-Za-z\\x80-\\xc3',.+-]",
	/* rfc822_strip_comments */
	[RE_COMMENT] = "^((?:[^\"\\\\]|\\\\.)*"
		       "(?:\"(?:[^\"\\\\]|\\\\.)*\"(?:[^\"\\\\]|\\\\.)*)*)"
		       "\\((?:[^()\\\\]|\\\\.)*\\)",
	/* the RFC 822 address grammar: built in rfc822_pattern() */
	[RE_RFC822] = NULL,
	[RE_RFC822_LIST] = NULL,
	[RE_RFC822_ITEM] = NULL,
};

static pcre2_code *fixed[RE_NR];

/*
 * An RFC 822 address as a regex: atoms, quoted strings, domain literals,
 * route addresses and groups, with linear white space after each token.
 */
static char *rfc822_pattern(void)
{
	const char *lwsp = "(?:(?:\\r\\n)?[ \\t])";
	const char *specials = "()<>@,;:\\\\\".\\[\\]";
	const char *controls = "\\000-\\037\\177";
	struct strbuf dl = STRBUF_INIT, qs = STRBUF_INIT, atom = STRBUF_INIT;
	struct strbuf word = STRBUF_INIT, local = STRBUF_INIT;
	struct strbuf sub = STRBUF_INIT, domain = STRBUF_INIT;
	struct strbuf spec = STRBUF_INIT, phrase = STRBUF_INIT;
	struct strbuf route = STRBUF_INIT, raddr = STRBUF_INIT;
	struct strbuf mailbox = STRBUF_INIT, group = STRBUF_INIT;
	struct strbuf out = STRBUF_INIT;

	sb_addf(&dl, "\\[(?:[^\\[\\]\\r\\\\]|\\\\.)*\\]%s*", lwsp);
	sb_addf(&qs, "\"(?:[^\\\"\\r\\\\]|\\\\.|%s)*\"%s*", lwsp, lwsp);
	sb_addf(&atom, "[^%s %s]+(?:%s+|\\Z|(?=[\\[\"%s]))", specials,
		controls, lwsp, specials);
	sb_addf(&word, "(?:%s|%s)", atom.buf, qs.buf);
	sb_addf(&local, "%s(?:\\.%s*%s)*", word.buf, lwsp, word.buf);
	sb_addf(&sub, "(?:%s|%s)", atom.buf, dl.buf);
	sb_addf(&domain, "%s(?:\\.%s*%s)*", sub.buf, lwsp, sub.buf);
	sb_addf(&spec, "%s\\@%s*%s", local.buf, lwsp, domain.buf);
	sb_addf(&phrase, "%s*", word.buf);
	sb_addf(&route, "(?:\\@%s(?:,\\@%s*%s)*:%s*)", domain.buf, lwsp,
		domain.buf, lwsp);
	sb_addf(&raddr, "\\<%s*%s?%s\\>%s*", lwsp, route.buf, spec.buf, lwsp);
	sb_addf(&mailbox, "(?:%s|%s%s)", spec.buf, phrase.buf, raddr.buf);
	sb_addf(&group, "%s:%s*(?:%s(?:,\\s*%s)*)?;\\s*", phrase.buf, lwsp,
		mailbox.buf, mailbox.buf);
	sb_addf(&out, "%s*(?:%s|%s)", lwsp, mailbox.buf, group.buf);
	sb_release(&dl);
	sb_release(&qs);
	sb_release(&atom);
	sb_release(&word);
	sb_release(&local);
	sb_release(&sub);
	sb_release(&domain);
	sb_release(&spec);
	sb_release(&phrase);
	sb_release(&route);
	sb_release(&raddr);
	sb_release(&mailbox);
	sb_release(&group);
	return sb_detach(&out);
}

const pcre2_code *mp_R(int which)
{
	if (!fixed[which]) {
		char *pat = NULL;
		uint32_t flags = 0;

		if (which >= RE_RFC822) {
			char *a = rfc822_pattern();

			flags = PCRE2_DOTALL;
			if (which == RE_RFC822)
				pat = xasprintf("^%s$", a);
			else if (which == RE_RFC822_LIST)
				pat = xasprintf("^(?:%s)?(?:,(?:%s)?)*$", a, a);
			else
				pat = xasprintf("(?:^|,(?:(?:\\r\\n)?[ \\t])*)(%s)",
						a);
			free(a);
		} else {
			pat = xstrdup(fixed_patterns[which]);
			if (which == RE_COMMENT)
				flags = PCRE2_DOTALL;
			if (which == RE_CHIEF_NAME)
				flags = PCRE2_CASELESS;
		}
		fixed[which] = mp_re_compile(pat, strlen(pat), flags);
		if (!fixed[which])
			die("internal error: bad regex %d", which);
		free(pat);
	}
	return fixed[which];
}

/* ---- Perl string helpers ------------------------------------------ */

bool mp_perl_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\f' || c == '\v';
}

/* s/^\s+|\s+$//g */
void mp_trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n && mp_perl_space((unsigned char)s[n - 1]))
		n--;
	while (i < n && mp_perl_space((unsigned char)s[i]))
		i++;
	memmove(s, s + i, n - i);
	s[n - i] = '\0';
}

void mp_rtrim(char *s)
{
	size_t n = strlen(s);

	while (n && mp_perl_space((unsigned char)s[n - 1]))
		n--;
	s[n] = '\0';
}

/* mp_lc(): ASCII only, as Perl does on a byte string */
char *mp_lc(const char *s)
{
	char *r = xstrdup(s), *p;

	for (p = r; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 'a' - 'A';
	return r;
}

/* ---- small string sets and maps ----------------------------------- */

static ssize_t map_find(const struct strmap *m, const char *key)
{
	size_t i;

	for (i = 0; i < m->nr; i++)
		if (!strcmp(m->keys[i], key))
			return i;
	return -1;
}

void mp_map_set(struct strmap *m, const char *key, const char *val)
{
	ssize_t i = map_find(m, key);

	if (i >= 0) {
		free(m->vals[i]);
		m->vals[i] = xstrdup(val ? val : "");
		return;
	}
	ALLOC_GROW(m->keys, m->nr + 1, m->alloc);
	ALLOC_GROW(m->vals, m->nr + 1, m->alloc2);
	m->keys[m->nr] = xstrdup(key);
	m->vals[m->nr] = xstrdup(val ? val : "");
	m->nr++;
}

const char *mp_map_get(const struct strmap *m, const char *key)
{
	ssize_t i = map_find(m, key);

	return i >= 0 ? m->vals[i] : NULL;
}

void mp_map_release(struct strmap *m)
{
	size_t i;

	for (i = 0; i < m->nr; i++) {
		free(m->keys[i]);
		free(m->vals[i]);
	}
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* ---- arrays of strings -------------------------------------------- */

/* sort_and_uniq of strings */
void mp_sort_uniq(char **v, size_t *nr)
{
	size_t i, j = 0;

	if (*nr)
		qsort(v, *nr, sizeof(*v), cmp_strp);
	for (i = 0; i < *nr; i++) {
		if (j && !strcmp(v[j - 1], v[i])) {
			free(v[i]);
			continue;
		}
		v[j++] = v[i];
	}
	*nr = j;
}

void mp_add_str(char ***v, size_t *nr, size_t *alloc, char *s)
{
	ALLOC_GROW(*v, *nr + 1, *alloc);
	(*v)[(*nr)++] = s;
}
