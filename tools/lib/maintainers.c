// SPDX-License-Identifier: GPL-2.0
/*
 * MAINTAINERS matching, step for step what scripts/get_maintainer.pl of
 * the base does for a patch with --no-git --no-git-fallback --no-rolestats
 * (the comments name its functions). Everything here works on bytes, as
 * Perl does on a file read without an encoding layer.
 */
#include "maintainers.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* ---- regexes ------------------------------------------------------ */

static pcre2_match_data *md;
static pcre2_match_context *mctx;

static pcre2_code *re_compile(const char *pat, size_t len, uint32_t flags)
{
	PCRE2_SIZE off;
	int e;

	return pcre2_compile((PCRE2_SPTR)pat, len, flags, &e, &off, NULL);
}

/* Match @re against @len bytes at @s from @start; groups via re_group(). */
static bool re_exec(const pcre2_code *re, const char *s, size_t len,
		    size_t start)
{
	if (!md) {
		md = pcre2_match_data_create(32, NULL);
		mctx = pcre2_match_context_create(NULL);
		/* a hostile MAINTAINERS must not hang us */
		pcre2_set_match_limit(mctx, 2000000);
		pcre2_set_depth_limit(mctx, 20000);
	}
	if (!re || start > len)
		return false;
	return pcre2_match(re, (PCRE2_SPTR)s, len, start, 0, md, mctx) > 0;
}

static bool re_group(unsigned int g, size_t *so, size_t *eo)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

	if (g >= pcre2_get_ovector_count(md) || ov[2 * g] == PCRE2_UNSET)
		return false;
	*so = ov[2 * g];
	*eo = ov[2 * g + 1];
	return true;
}

/* Group @g of the last match in @s, or "" when it did not take part. */
static char *re_dup(const char *s, unsigned int g)
{
	size_t so, eo;

	if (!re_group(g, &so, &eo))
		return xstrdup("");
	return xstrndup(s + so, eo - so);
}

enum {
	RE_EMAIL1, RE_EMAIL2, RE_EMAIL3,
	RE_MM1, RE_MM2, RE_MM3, RE_MM4,
	RE_MODE, RE_RENAME, RE_DIFFGIT, RE_FIXES, RE_PLUSMINUS, RE_HUNK,
	RE_LIST, RE_SIGNATURE, RE_SIGNER, RE_CHIEF, RE_CHIEF_NAME,
	RE_FILE_EMAIL, RE_FILE_EMAIL_CLEAN, RE_NAME_SPLIT,
	RE_COMMENT, RE_RFC822, RE_RFC822_LIST, RE_RFC822_ITEM,
	RE_NR
};

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

static const pcre2_code *R(int which)
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
		fixed[which] = re_compile(pat, strlen(pat), flags);
		if (!fixed[which])
			die("internal error: bad regex %d", which);
		free(pat);
	}
	return fixed[which];
}

/* ---- Perl string helpers ------------------------------------------ */

static bool perl_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\f' || c == '\v';
}

/* s/^\s+|\s+$//g */
static void trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n && perl_space((unsigned char)s[n - 1]))
		n--;
	while (i < n && perl_space((unsigned char)s[i]))
		i++;
	memmove(s, s + i, n - i);
	s[n - i] = '\0';
}

static void rtrim(char *s)
{
	size_t n = strlen(s);

	while (n && perl_space((unsigned char)s[n - 1]))
		n--;
	s[n] = '\0';
}

/* lc(): ASCII only, as Perl does on a byte string */
static char *lc(const char *s)
{
	char *r = xstrdup(s), *p;

	for (p = r; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 'a' - 'A';
	return r;
}

/* The name needs quotes: /[^\w \-]/i */
static bool must_quote(const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;

		if (!(isascii(c) && (isalnum(c) || c == '_')) && c != ' ' &&
		    c != '-')
			return true;
	}
	return false;
}

/* s/^\"|\"$//g */
static void strip_quotes(char *s)
{
	size_t n = strlen(s);

	if (n && s[0] == '"') {
		memmove(s, s + 1, n);
		n--;
	}
	if (n && s[n - 1] == '"')
		s[n - 1] = '\0';
}

/* s/(?<!\\)"/\\"/g; then wrap in quotes */
static char *quote(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	sb_addch(&sb, '"');
	for (i = 0; s[i]; i++) {
		if (s[i] == '"' && (i == 0 || s[i - 1] != '\\'))
			sb_addch(&sb, '\\');
		sb_addch(&sb, s[i]);
	}
	sb_addch(&sb, '"');
	return sb_detach(&sb);
}

void maint_parse_email(const char *s, char **name, char **address)
{
	size_t len = strlen(s);
	char *n, *a;

	if (re_exec(R(RE_EMAIL1), s, len, 0)) {
		n = re_dup(s, 1);
		a = re_dup(s, 2);
	} else if (re_exec(R(RE_EMAIL2), s, len, 0) ||
		   re_exec(R(RE_EMAIL3), s, len, 0)) {
		n = xstrdup("");
		a = re_dup(s, 1);
	} else {
		n = xstrdup("");
		a = xstrdup("");
	}
	trim(n);
	strip_quotes(n);
	trim(a);
	if (must_quote(n)) {
		char *q = quote(n);

		free(n);
		n = q;
	}
	*name = n;
	*address = a;
}

char *maint_format_email(const char *name, const char *address)
{
	char *n = xstrdup(name), *a = xstrdup(address), *r;

	trim(n);
	strip_quotes(n);
	trim(a);
	if (must_quote(n)) {
		char *q = quote(n);

		free(n);
		n = q;
	}
	if (!*n)
		r = xstrdup(a);
	else
		r = xasprintf("%s <%s>", n, a);
	free(n);
	free(a);
	return r;
}

/* ---- small string sets and maps ----------------------------------- */

struct strmap {
	char **keys, **vals;
	size_t nr, alloc, alloc2;
};

static ssize_t map_find(const struct strmap *m, const char *key)
{
	size_t i;

	for (i = 0; i < m->nr; i++)
		if (!strcmp(m->keys[i], key))
			return i;
	return -1;
}

static void map_set(struct strmap *m, const char *key, const char *val)
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

static const char *map_get(const struct strmap *m, const char *key)
{
	ssize_t i = map_find(m, key);

	return i >= 0 ? m->vals[i] : NULL;
}

static void map_release(struct strmap *m)
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

/* ---- the MAINTAINERS file ----------------------------------------- */

struct tv {
	char type;		/* 'A'..'Z', or 0 for any other line */
	char *value;		/* F:/X: as a regex; other lines as written */
	pcre2_code *re;		/* F:/X: "^value"; N:, K: value (/x) */
	pcre2_code *re_diff;	/* K: "^[+-].*value" (/x) */
	char *prefix;		/* F:/X: literal start of every match */
	int slashes;		/* F:/X: '/' in the regex */
	int depth;		/* F: how specific a match is */
};

struct maintainers {
	struct tv *tv;
	size_t nr, alloc;
	size_t *kw;		/* indexes of the K: lines */
	size_t nr_kw, alloc_kw;
	struct strmap mm_names, mm_addresses;	/* .mailmap */
	char **ignore;		/* .get_maintainer.ignore */
	size_t nr_ignore, alloc_ignore;
	size_t sections;
	char *root;
};

size_t maintainers_sections(const struct maintainers *m)
{
	return m->sections;
}

/*
 * The literal text every match of "^@re" starts with, so that most
 * patterns are ruled out without running them. Empty when unsure.
 */
static char *literal_prefix(const char *re)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;

	if (strchr(re, '|'))
		return xstrdup("");
	for (p = re; *p; p++) {
		if (p[0] == '\\' && p[1] == '.') {
			sb_addch(&sb, '.');
			p++;
			continue;
		}
		if (strchr(".*?+{}[]()^$\\", *p)) {
			/* a quantifier makes the char before it optional */
			if (strchr("*?+{", *p) && sb.len)
				sb.len--;
			break;
		}
		sb_addch(&sb, *p);
	}
	if (sb.buf)
		sb.buf[sb.len] = '\0';
	return sb_detach(&sb);
}

static void add_tv(struct maintainers *m, const char *line, size_t len,
		   const char *root)
{
	struct tv *t;

	ALLOC_GROW(m->tv, m->nr + 1, m->alloc);
	t = &m->tv[m->nr++];
	memset(t, 0, sizeof(*t));
	if (len >= 2 && line[0] >= 'A' && line[0] <= 'Z' && line[1] == ':') {
		const char *v = line + 2;
		size_t n = len - 2;

		while (n && perl_space((unsigned char)*v)) {
			v++;
			n--;
		}
		t->type = line[0];
		t->value = xstrndup(v, n);
	} else {
		t->value = xstrndup(line, len);
		return;
	}
	if (t->type == 'F' || t->type == 'X') {
		struct strbuf sb = STRBUF_INIT;
		const char *p;

		for (p = t->value; *p; p++) {
			if (*p == '.')
				sb_addstr(&sb, "\\.");
			else if (*p == '*')
				sb_addstr(&sb, ".*");
			else if (*p == '?')
				sb_addch(&sb, '.');
			else
				sb_addch(&sb, *p);
		}
		if (root && sb.len && sb.buf[sb.len - 1] != '/') {
			char *path = path_join(root, sb.buf);

			if (is_dir(path))
				sb_addch(&sb, '/');
			free(path);
		}
		free(t->value);
		t->value = sb_detach(&sb);
		for (p = t->value; *p; p++)
			t->slashes += *p == '/';
		t->depth = t->slashes;
		if (!ends_with(t->value, "/"))
			t->depth++;
		if (starts_with(t->value, ".*"))
			t->depth = -1;
		{
			char *pat = xasprintf("^%s", t->value);

			t->re = re_compile(pat, strlen(pat), 0);
			free(pat);
		}
		t->prefix = literal_prefix(t->value);
	} else if (t->type == 'N') {
		t->re = re_compile(t->value, strlen(t->value),
				   PCRE2_EXTENDED);
	} else if (t->type == 'K') {
		char *pat = xasprintf("^[+-].*%s", t->value);

		t->re = re_compile(t->value, strlen(t->value),
				   PCRE2_EXTENDED);
		t->re_diff = re_compile(pat, strlen(pat), PCRE2_EXTENDED);
		free(pat);
		ALLOC_GROW(m->kw, m->nr_kw + 1, m->alloc_kw);
		m->kw[m->nr_kw++] = m->nr - 1;
	}
}

static bool blank_or_comment(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && perl_space((unsigned char)line[i]))
		i++;
	return i == len || line[i] == '#';
}

/* read_mailmap */
static void load_mailmap(struct maintainers *m, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char *p, *line;

	if (read_file(path, &sb))
		return;
	for (p = sb.buf; p && *p;) {
		char *nl = strchr(p, '\n'), *hash;
		size_t len;

		line = nl ? xstrndup(p, nl - p) : xstrdup(p);
		p = nl ? nl + 1 : NULL;
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		trim(line);
		len = strlen(line);
		if (!len) {
			free(line);
			continue;
		}
		if (re_exec(R(RE_MM1), line, len, 0)) {
			char *rn = re_dup(line, 1), *ra = re_dup(line, 2);
			char *tmp, *n, *a;

			rtrim(rn);
			tmp = xasprintf("%s <%s>", rn, ra);
			maint_parse_email(tmp, &n, &a);
			map_set(&m->mm_names, a, n);
			free(tmp);
			free(n);
			free(a);
			free(rn);
			free(ra);
		} else if (re_exec(R(RE_MM2), line, len, 0)) {
			char *ra = re_dup(line, 1), *wa = re_dup(line, 2);

			map_set(&m->mm_addresses, wa, ra);
			free(ra);
			free(wa);
		} else if (re_exec(R(RE_MM3), line, len, 0)) {
			char *rn = re_dup(line, 1), *ra = re_dup(line, 2);
			char *wa = re_dup(line, 3), *tmp, *n, *a;

			rtrim(rn);
			tmp = xasprintf("%s <%s>", rn, ra);
			maint_parse_email(tmp, &n, &a);
			map_set(&m->mm_names, wa, n);
			map_set(&m->mm_addresses, wa, a);
			free(tmp);
			free(n);
			free(a);
			free(rn);
			free(ra);
			free(wa);
		} else if (re_exec(R(RE_MM4), line, len, 0)) {
			char *rn = re_dup(line, 1), *ra = re_dup(line, 2);
			char *wn = re_dup(line, 3), *wa = re_dup(line, 4);
			char *tmp, *n, *a, *n2, *a2, *key;

			rtrim(rn);
			tmp = xasprintf("%s <%s>", rn, ra);
			maint_parse_email(tmp, &n, &a);
			free(tmp);
			rtrim(wn);
			tmp = xasprintf("%s <%s>", wn, wa);
			maint_parse_email(tmp, &n2, &a2);
			key = maint_format_email(n2, a2);
			map_set(&m->mm_names, key, n);
			map_set(&m->mm_addresses, key, a);
			free(tmp);
			free(key);
			free(n);
			free(a);
			free(n2);
			free(a2);
			free(rn);
			free(ra);
			free(wn);
			free(wa);
		}
		free(line);
	}
	sb_release(&sb);
}

static char *strip_comments(const char *s);
static bool rfc822_valid(const char *s);

/* the .get_maintainer.ignore of the tree */
static void load_ignore(struct maintainers *m, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char *p;

	if (read_file(path, &sb))
		return;
	for (p = sb.buf; p && *p;) {
		char *nl = strchr(p, '\n'), *line, *hash;

		line = nl ? xstrndup(p, nl - p) : xstrdup(p);
		p = nl ? nl + 1 : NULL;
		trim(line);
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		if (*line && rfc822_valid(line)) {
			ALLOC_GROW(m->ignore, m->nr_ignore + 1,
				   m->alloc_ignore);
			m->ignore[m->nr_ignore++] = line;
		} else {
			free(line);
		}
	}
	sb_release(&sb);
}

struct maintainers *maintainers_parse(const char *name, const char *buf,
				      size_t len, const char *root,
				      struct strbuf *err)
{
	struct maintainers *m = xcalloc(1, sizeof(*m));
	const char *p = buf, *end = buf + len;
	size_t i;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = (nl ? nl : end) - p;

		if ((n >= 2 && p[0] >= 'A' && p[0] <= 'Z' && p[1] == ':') ||
		    !blank_or_comment(p, n))
			add_tv(m, p, n, root);
		p = nl ? nl + 1 : end;
	}
	for (i = 0; i < m->nr; i++) {
		if (m->tv[i].type && (i == 0 || !m->tv[i - 1].type))
			m->sections++;
		if ((m->tv[i].type == 'F' || m->tv[i].type == 'X' ||
		     m->tv[i].type == 'N' || m->tv[i].type == 'K') &&
		    !m->tv[i].re && err)
			sb_addf(err, "%s: warning: bad regex in '%c: %s'\n",
				name, m->tv[i].type, m->tv[i].value);
	}
	if (root) {
		char *path = path_join(root, ".mailmap");

		m->root = xstrdup(root);
		load_mailmap(m, path);
		free(path);
		path = path_join(root, ".get_maintainer.ignore");
		load_ignore(m, path);
		free(path);
	}
	return m;
}

struct maintainers *maintainers_load(const char *path, const char *root,
				     struct strbuf *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct maintainers *m;

	if (read_file(path, &sb)) {
		sb_addf(err, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	m = maintainers_parse(path, sb.buf, sb.len, root, err);
	sb_release(&sb);
	return m;
}

void maintainers_free(struct maintainers *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->nr; i++) {
		free(m->tv[i].value);
		free(m->tv[i].prefix);
		pcre2_code_free(m->tv[i].re);
		pcre2_code_free(m->tv[i].re_diff);
	}
	free(m->tv);
	free(m->kw);
	map_release(&m->mm_names);
	map_release(&m->mm_addresses);
	for (i = 0; i < m->nr_ignore; i++)
		free(m->ignore[i]);
	free(m->ignore);
	free(m->root);
	free(m);
}

/* ---- RFC 822 addresses -------------------------------------------- */

/* rfc822_strip_comments: each (comment) becomes a space */
static char *strip_comments(const char *s)
{
	char *cur = xstrdup(s);
	int guard = 0;

	while (re_exec(R(RE_COMMENT), cur, strlen(cur), 0) && guard++ < 1000) {
		size_t so1 = 0, eo1 = 0, so0 = 0, eo0 = 0;
		char *next;

		re_group(0, &so0, &eo0);
		re_group(1, &so1, &eo1);
		next = xasprintf("%.*s %s", (int)(eo1 - so1), cur + so1,
				 cur + eo0);
		free(cur);
		cur = next;
	}
	return cur;
}

static bool rfc822_valid(const char *s)
{
	char *t = strip_comments(s);
	bool ok = re_exec(R(RE_RFC822), t, strlen(t), 0);

	free(t);
	return ok;
}

/* rfc822_validlist: false if invalid; else the addresses in @out */
static bool rfc822_validlist(const char *s, char ***out, size_t *nr)
{
	char *t = strip_comments(s);
	size_t len = strlen(t), pos = 0, alloc = 0;

	*out = NULL;
	*nr = 0;
	if (!re_exec(R(RE_RFC822_LIST), t, len, 0)) {
		free(t);
		return false;
	}
	while (pos <= len && re_exec(R(RE_RFC822_ITEM), t, len, pos)) {
		size_t so = 0, eo = 0, so0 = 0, eo0 = 0;

		re_group(0, &so0, &eo0);
		re_group(1, &so, &eo);
		ALLOC_GROW(*out, *nr + 1, alloc);
		(*out)[(*nr)++] = xstrndup(t + so, eo - so);
		pos = eo0 > so0 ? eo0 : eo0 + 1;
	}
	free(t);
	return true;
}

/* ---- one query ---------------------------------------------------- */

struct entry {
	char *addr;
	enum maint_role role;
	size_t section;		/* index of the section's first line */
};

struct query {
	struct maintainers *m;
	struct entry *to, *lists;
	size_t nr_to, alloc_to, nr_lists, alloc_lists;
	struct strmap hash_name, hash_address;	/* email_inuse */
	struct strmap hash_list;
	struct strmap dedup_name, dedup_address; /* "name\naddress" */
	char **file_emails;
	size_t nr_file_emails, alloc_file_emails;
};

static size_t start_index(const struct maintainers *m, size_t i)
{
	while (i > 0 && m->tv[i].type)
		i--;
	return i;
}

static size_t end_index(const struct maintainers *m, size_t i)
{
	while (i < m->nr && m->tv[i].type)
		i++;
	return i;
}

static bool file_match(const struct tv *t, const char *file)
{
	const char *p;
	int slashes = 0;

	if (!t->re || !starts_with(file, t->prefix))
		return false;
	if (!re_exec(t->re, file, strlen(file), 0))
		return false;
	if (ends_with(t->value, "/"))
		return true;
	for (p = file; *p; p++)
		slashes += *p == '/';
	return slashes == t->slashes;
}

static char *mailmap_email(struct query *q, const char *line)
{
	char *name, *address, *email, *r;
	const char *rn, *ra;

	maint_parse_email(line, &name, &address);
	email = maint_format_email(name, address);
	if (map_get(&q->m->mm_names, email) ||
	    map_get(&q->m->mm_addresses, email)) {
		rn = map_get(&q->m->mm_names, email);
		ra = map_get(&q->m->mm_addresses, email);
	} else {
		rn = map_get(&q->m->mm_names, address);
		ra = map_get(&q->m->mm_addresses, address);
	}
	r = maint_format_email(rn ? rn : name, ra ? ra : address);
	free(name);
	free(address);
	free(email);
	return r;
}

static void split_pair(const char *v, char **a, char **b)
{
	const char *nl = strchr(v, '\n');

	*a = xstrndup(v, nl - v);
	*b = xstrdup(nl + 1);
}

static char *deduplicate_email(struct query *q, const char *in)
{
	char *name, *address, *email, *mapped, *key, *r;
	const char *hit = NULL;
	bool matched = false;

	maint_parse_email(in, &name, &address);
	email = maint_format_email(name, address);
	mapped = mailmap_email(q, email);
	free(email);
	free(name);
	free(address);
	maint_parse_email(mapped, &name, &address);
	free(mapped);

	key = lc(name);
	if (*name)
		hit = map_get(&q->dedup_name, key);
	matched = hit != NULL;
	free(key);
	if (!matched) {
		key = lc(address);
		hit = map_get(&q->dedup_address, key);
		matched = hit != NULL;
		free(key);
	}
	if (matched) {
		free(name);
		free(address);
		split_pair(hit, &name, &address);
	} else {
		char *pair = xasprintf("%s\n%s", name, address);

		key = lc(name);
		map_set(&q->dedup_name, key, pair);
		free(key);
		key = lc(address);
		map_set(&q->dedup_address, key, pair);
		free(key);
		free(pair);
	}
	email = maint_format_email(name, address);
	r = mailmap_email(q, email);
	free(email);
	free(name);
	free(address);
	return r;
}

static void push_entry(struct entry **v, size_t *nr, size_t *alloc,
		       char *addr, enum maint_role role, size_t section)
{
	ALLOC_GROW(*v, *nr + 1, *alloc);
	(*v)[*nr].addr = addr;
	(*v)[*nr].role = role;
	(*v)[*nr].section = section;
	(*nr)++;
}

/* push_email_address: false if there is no address at all */
static bool push_email_address(struct query *q, const char *line,
			       enum maint_role role, size_t section)
{
	char *name, *address, *ln, *la;
	bool inuse;

	maint_parse_email(line, &name, &address);
	if (!*address) {
		free(name);
		free(address);
		return false;
	}
	ln = lc(name);
	la = lc(address);
	inuse = (*name && map_get(&q->hash_name, ln)) ||
		map_get(&q->hash_address, la);
	if (!inuse) {
		push_entry(&q->to, &q->nr_to, &q->alloc_to,
			   maint_format_email(name, address), role, section);
		if (*name)
			map_set(&q->hash_name, ln, "");
		map_set(&q->hash_address, la, "");
	}
	free(ln);
	free(la);
	free(name);
	free(address);
	return true;
}

static void push_email_addresses(struct query *q, const char *value,
				 enum maint_role role, size_t section)
{
	char **list;
	size_t nr, i;

	if (rfc822_valid(value)) {
		push_email_address(q, value, role, section);
	} else if (rfc822_validlist(value, &list, &nr)) {
		for (i = 0; i < nr; i++) {
			/* Perl's "while (my $entry = shift(...))" */
			if (!*list[i] || !strcmp(list[i], "0"))
				break;
			push_email_address(q, list[i], role, section);
		}
		for (i = 0; i < nr; i++)
			free(list[i]);
		free(list);
	} else {
		push_email_address(q, value, role, section);
	}
}

static void add_categories(struct query *q, size_t index)
{
	const struct maintainers *m = q->m;
	size_t start = start_index(m, index), end = end_index(m, index), i;

	for (i = start + 1; i < end; i++) {
		const struct tv *t = &m->tv[i];

		if (t->type == 'L') {
			const char *v = t->value;
			char *address, *extra, *key;

			if (re_exec(R(RE_LIST), v, strlen(v), 0)) {
				address = re_dup(v, 1);
				extra = re_dup(v, 2);
			} else {
				address = xstrdup(v);
				extra = xstrdup("");
			}
			key = lc(address);
			if (!strstr(extra, "subscribers-only") &&
			    !map_get(&q->hash_list, key)) {
				map_set(&q->hash_list, key, "");
				push_entry(&q->lists, &q->nr_lists,
					   &q->alloc_lists, xstrdup(address),
					   strstr(extra, "moderated") ?
					   MAINT_MODERATED_LIST : MAINT_LIST,
					   start);
			}
			free(key);
			free(address);
			free(extra);
		} else if (t->type == 'M') {
			push_email_addresses(q, t->value, MAINT_MAINTAINER,
					     start);
		} else if (t->type == 'R') {
			push_email_addresses(q, t->value, MAINT_REVIEWER,
					     start);
		}
	}
}

struct hit {
	size_t tvi;
	int depth;
};

static int cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->depth != y->depth)
		return x->depth > y->depth ? -1 : 1;
	return x->tvi < y->tvi ? -1 : x->tvi > y->tvi;
}

static void set_hit(struct hit **h, size_t *nr, size_t *alloc, size_t tvi,
		    int depth)
{
	if (*nr && (*h)[*nr - 1].tvi == tvi) {
		(*h)[*nr - 1].depth = depth;
		return;
	}
	ALLOC_GROW(*h, *nr + 1, *alloc);
	(*h)[*nr].tvi = tvi;
	(*h)[*nr].depth = depth;
	(*nr)++;
}

/* Perl's split: trailing empty fields are dropped. */
static size_t split_name(const char *name, char ***out)
{
	size_t len = strlen(name), pos = 0, nr = 0, alloc = 0;

	*out = NULL;
	while (pos <= len) {
		size_t so = len, eo = len;

		if (re_exec(R(RE_NAME_SPLIT), name, len, pos))
			re_group(0, &so, &eo);
		ALLOC_GROW(*out, nr + 1, alloc);
		(*out)[nr++] = xstrndup(name + pos, so - pos);
		if (so == len)
			break;
		pos = eo;
	}
	while (nr && !*(*out)[nr - 1])
		free((*out)[--nr]);
	return nr;
}

static bool one_of(char c, const char *set)
{
	return c && strchr(set, c);
}

/* clean_file_emails, for one address */
static char *clean_file_email(const char *raw)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len = strlen(raw), pos = 0, n;
	char *name, *address, **nw, *r;

	while (pos <= len && re_exec(R(RE_FILE_EMAIL_CLEAN), raw, len, pos)) {
		size_t so0 = 0, eo0 = 0, so1 = 0, eo1 = 0;

		re_group(0, &so0, &eo0);
		re_group(1, &so1, &eo1);
		sb_add(&sb, raw + pos, so0 - pos);
		sb_addf(&sb, "<%.*s>", (int)(eo1 - so1), raw + so1);
		pos = eo0;
	}
	if (pos < len)
		sb_addstr(&sb, raw + pos);
	maint_parse_email(sb_str(&sb), &name, &address);
	sb_release(&sb);
	if (!strcmp(name, "\"[,\\.]\""))
		name[0] = '\0';
	n = split_name(name, &nw);
	if (n > 2) {
		const char *first = nw[n - 3], *middle = nw[n - 2];
		const char *last = nw[n - 1];
		size_t lf = strlen(first), lm = strlen(middle);

		free(name);
		if ((lf == 1 && isalpha((unsigned char)first[0])) ||
		    (lf == 2 && first[1] == '.') || lm == 1 ||
		    (lm == 2 && middle[1] == '.'))
			name = xasprintf("%s %s %s", first, middle, last);
		else
			name = xasprintf("%s %s", middle, last);
	}
	while (n)
		free(nw[--n]);
	free(nw);
	n = strlen(name);
	if (n && one_of(name[n - 1], ",."))
		name[n - 1] = '\0';
	else if (n >= 2 && one_of(name[n - 2], ",.") && name[n - 1] == '"')
		memcpy(name + n - 2, "\"", 2);
	n = strlen(name);
	if (n && one_of(name[0], ",."))
		memmove(name, name + 1, n);
	else if (n >= 2 && name[0] == '"' && one_of(name[1], ",."))
		memmove(name + 1, name + 2, n - 1);
	r = maint_format_email(name, address);
	free(name);
	free(address);
	return r;
}

/* maintainers_in_file: the addresses in a .yaml file of the tree */
static void maintainers_in_file(struct query *q, const char *file)
{
	struct strbuf text = STRBUF_INIT;
	char *path;
	size_t pos = 0;

	if (!q->m->root || !ends_with(file, ".yaml"))
		return;
	path = path_join(q->m->root, file);
	if (!is_dir(path) && !read_file(path, &text)) {
		while (pos <= text.len &&
		       re_exec(R(RE_FILE_EMAIL), text.buf, text.len, pos)) {
			size_t so = 0, eo = 0;
			char *raw;

			re_group(0, &so, &eo);
			raw = xstrndup(text.buf + so, eo - so);
			ALLOC_GROW(q->file_emails, q->nr_file_emails + 1,
				   q->alloc_file_emails);
			q->file_emails[q->nr_file_emails++] =
				clean_file_email(raw);
			free(raw);
			pos = eo > so ? eo : eo + 1;
		}
	}
	sb_release(&text);
	free(path);
}

static void sections_for_file(struct query *q, const char *file)
{
	const struct maintainers *m = q->m;
	struct hit *hits = NULL;
	size_t nr = 0, alloc = 0, tvi, i;

	for (tvi = 0; tvi < m->nr && !m->tv[tvi].type; tvi++)
		;
	while (tvi < m->nr) {
		size_t start = start_index(m, tvi), end = end_index(m, tvi);
		bool exclude = false;

		for (i = start; i < end && !exclude; i++)
			if (m->tv[i].type == 'X' && file_match(&m->tv[i], file))
				exclude = true;
		for (i = start; i < end && !exclude; i++) {
			const struct tv *t = &m->tv[i];

			if (t->type == 'F' && file_match(t, file))
				set_hit(&hits, &nr, &alloc, tvi, t->depth);
			else if (t->type == 'N' &&
				 re_exec(t->re, file, strlen(file), 0))
				set_hit(&hits, &nr, &alloc, tvi, 0);
		}
		tvi = end + 1;
	}
	if (nr)
		qsort(hits, nr, sizeof(*hits), cmp_hit);
	for (i = 0; i < nr; i++)
		add_categories(q, hits[i].tvi);
	free(hits);
	maintainers_in_file(q, file);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* sort_and_uniq of strings */
static void sort_uniq(char **v, size_t *nr)
{
	size_t i, j = 0;

	if (*nr)
		qsort(v, *nr, sizeof(*v), cmp_str);
	for (i = 0; i < *nr; i++) {
		if (j && !strcmp(v[j - 1], v[i])) {
			free(v[i]);
			continue;
		}
		v[j++] = v[i];
	}
	*nr = j;
}

static void add_str(char ***v, size_t *nr, size_t *alloc, char *s)
{
	ALLOC_GROW(*v, *nr + 1, *alloc);
	(*v)[(*nr)++] = s;
}

/*
 * The patch loop of get_maintainer.pl: file names, Fixes: ids and the
 * K: sections whose regex matches a line. @m may be NULL (files only).
 */
static void scan_patch(const struct maintainers *m, const char *text,
		       size_t len, char ***files, size_t *nr_files,
		       char ***fixes, size_t *nr_fixes, char ***kw,
		       size_t *nr_kw)
{
	size_t alloc_files = 0, alloc_fixes = 0, alloc_kw = 0;
	const char *p = text, *end = text + len;
	bool in_diff = false;

	*files = NULL;
	*nr_files = 0;
	if (fixes) {
		*fixes = NULL;
		*nr_fixes = 0;
	}
	if (kw) {
		*kw = NULL;
		*nr_kw = 0;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = (nl ? nl + 1 : end) - p, k;
		char *line = xstrndup(p, n);

		p += n;
		if (re_exec(R(RE_MODE), line, n, 0) ||
		    re_exec(R(RE_RENAME), line, n, 0)) {
			add_str(files, nr_files, &alloc_files, re_dup(line, 1));
		} else if (re_exec(R(RE_DIFFGIT), line, n, 0)) {
			add_str(files, nr_files, &alloc_files, re_dup(line, 1));
			add_str(files, nr_files, &alloc_files, re_dup(line, 2));
		} else if (re_exec(R(RE_FIXES), line, n, 0)) {
			if (fixes)
				add_str(fixes, nr_fixes, &alloc_fixes,
					re_dup(line, 1));
		} else if (re_exec(R(RE_PLUSMINUS), line, n, 0)) {
			char *f = re_dup(line, 1), *slash = strchr(f, '/');

			if (slash)
				memmove(f, slash + 1, strlen(slash + 1) + 1);
			add_str(files, nr_files, &alloc_files, f);
			in_diff = true;
		} else if (re_exec(R(RE_HUNK), line, n, 0)) {
			/* only --git-blame looks at hunks */
		} else if (m && kw) {
			for (k = 0; k < m->nr_kw; k++) {
				const struct tv *t = &m->tv[m->kw[k]];

				if (re_exec(in_diff ? t->re_diff : t->re, line,
					    n, 0))
					add_str(kw, nr_kw, &alloc_kw,
						xasprintf("%zu", m->kw[k]));
			}
		}
		free(line);
	}
	sort_uniq(*files, nr_files);
	if (kw)
		sort_uniq(*kw, nr_kw);	/* as strings, like Perl's sort */
}

void maintainers_patch_files(const char *text, size_t len, char ***files,
			     size_t *nr)
{
	scan_patch(NULL, text, len, files, nr, NULL, NULL, NULL, NULL);
}

static void free_strv(char **v, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		free(v[i]);
	free(v);
}

static bool ignored(const struct maintainers *m, const char *addr)
{
	size_t i;

	for (i = 0; i < m->nr_ignore; i++)
		if (!strcmp(m->ignore[i], addr))
			return true;
	return false;
}

struct count {
	char *addr;
	int n;
};

static int cmp_count(const void *a, const void *b)
{
	const struct count *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->addr, y->addr);
}

/* vcs_add_commit_signers + vcs_assign for one Fixes: id */
static void fixes_signers(struct query *q, const char *id,
			  maint_commit_fn fn, void *data)
{
	struct strbuf msg = STRBUF_INIT;
	char **signers = NULL;
	size_t nr = 0, alloc = 0, i, j;
	struct count *counts;
	const char *p;
	bool body = false;
	int pushed = 0;

	if (!fn || fn(data, id, &msg)) {
		sb_release(&msg);
		return;
	}
	for (p = sb_str(&msg); *p;) {
		const char *nl = strchrnul(p, '\n');
		char *line = xstrndup(p, nl - p), *s, *v;
		size_t n;

		p = *nl ? nl + 1 : nl;
		for (s = line; perl_space((unsigned char)*s); s++)
			;
		n = strlen(s);
		if (!body) {
			/* %s is the first paragraph; %b the rest */
			body = !n;
			free(line);
			continue;
		}
		if (!re_exec(R(RE_SIGNATURE), s, n, 0) ||
		    re_exec(R(RE_CHIEF_NAME), s, n, 0)) {
			free(line);
			continue;
		}
		if (re_exec(R(RE_SIGNER), s, n, 0)) {
			size_t so0 = 0, eo0 = 0, so1 = 0, eo1 = 0;

			re_group(0, &so0, &eo0);
			re_group(1, &so1, &eo1);
			v = xasprintf("%.*s%.*s%s", (int)so0, s,
				      (int)(eo1 - so1), s + so1, s + eo0);
		} else {
			v = xstrdup(s);
		}
		s = deduplicate_email(q, v);	/* extract_formatted_... */
		free(v);
		v = deduplicate_email(q, s);	/* vcs_add_commit_signers */
		free(s);
		s = mailmap_email(q, v);	/* vcs_assign: mailmap() */
		free(v);
		add_str(&signers, &nr, &alloc, s);
		free(line);
	}
	sb_release(&msg);
	if (nr)
		qsort(signers, nr, sizeof(*signers), cmp_str);
	counts = xcalloc(nr ? nr : 1, sizeof(*counts));
	for (i = 0, j = 0; i < nr; i++) {
		if (j && !strcmp(counts[j - 1].addr, signers[i])) {
			counts[j - 1].n++;
			continue;
		}
		counts[j].addr = signers[i];
		counts[j++].n = 1;
	}
	if (j)
		qsort(counts, j, sizeof(*counts), cmp_count);
	for (i = 0; i < j; i++) {
		if (ignored(q->m, counts[i].addr))
			continue;
		if (++pushed > 5)	/* --git-max-maintainers */
			break;
		push_email_address(q, counts[i].addr, MAINT_FIXES,
				   (size_t)-1);
	}
	free(counts);
	free_strv(signers, nr);
}

static void add_result(struct maint_list *out, const struct maintainers *m,
		       const struct entry *e)
{
	struct maint_addr *a;
	size_t i, end;

	for (i = 0; i < out->nr; i++)
		if (!strcmp(out->v[i].addr, e->addr))
			return;	/* merge_email */
	ALLOC_GROW(out->v, out->nr + 1, out->alloc);
	a = &out->v[out->nr++];
	a->addr = xstrdup(e->addr);
	a->role = e->role;
	a->section = NULL;
	a->status = xstrdup("");
	if (e->section == (size_t)-1)
		return;
	a->section = xstrdup(m->tv[e->section].type ? "" :
			     m->tv[e->section].value);
	end = end_index(m, e->section + 1);
	for (i = e->section + 1; i < end; i++) {
		if (m->tv[i].type == 'S') {
			free(a->status);
			a->status = xstrdup(m->tv[i].value);
		}
	}
}

void maintainers_for_patch(struct maintainers *m, const char *text,
			   size_t len, maint_commit_fn commit, void *data,
			   struct maint_list *out)
{
	struct query q;
	char **files, **fixes, **kw;
	size_t nr_files, nr_fixes, nr_kw, i, j;

	memset(&q, 0, sizeof(q));
	q.m = m;
	scan_patch(m, text, len, &files, &nr_files, &fixes, &nr_fixes, &kw,
		   &nr_kw);
	for (i = 0; i < nr_files; i++)
		sections_for_file(&q, files[i]);
	for (i = 0; i < nr_kw; i++)
		add_categories(&q, strtoul(kw[i], NULL, 10));

	for (i = 0; i < q.nr_to; i++) {
		char *d = deduplicate_email(&q, q.to[i].addr);

		free(q.to[i].addr);
		q.to[i].addr = d;
	}
	for (i = 0; i < q.nr_lists; i++) {
		char *d = deduplicate_email(&q, q.lists[i].addr);

		free(q.lists[i].addr);
		q.lists[i].addr = d;
	}

	/* Linus is left to THE REST */
	for (i = 0, j = 0; i < q.nr_to; i++) {
		if (re_exec(R(RE_CHIEF), q.to[i].addr, strlen(q.to[i].addr),
			    0)) {
			free(q.to[i].addr);
			continue;
		}
		q.to[j++] = q.to[i];
	}
	q.nr_to = j;

	for (i = 0; i < q.nr_file_emails; i++) {
		char *name, *address, *e;

		maint_parse_email(q.file_emails[i], &name, &address);
		e = maint_format_email(name, address);
		push_email_address(&q, e, MAINT_FILE, (size_t)-1);
		free(e);
		free(name);
		free(address);
	}

	/* @fixes = uniq(@fixes) */
	for (i = 0; i < nr_fixes; i++) {
		for (j = 0; j < i; j++)
			if (!strcmp(fixes[i], fixes[j]))
				break;
		if (j == i)
			fixes_signers(&q, fixes[i], commit, data);
	}

	for (i = 0; i < q.nr_to; i++)
		add_result(out, m, &q.to[i]);
	for (i = 0; i < q.nr_lists; i++)
		add_result(out, m, &q.lists[i]);

	for (i = 0; i < q.nr_to; i++)
		free(q.to[i].addr);
	for (i = 0; i < q.nr_lists; i++)
		free(q.lists[i].addr);
	free(q.to);
	free(q.lists);
	map_release(&q.hash_name);
	map_release(&q.hash_address);
	map_release(&q.hash_list);
	map_release(&q.dedup_name);
	map_release(&q.dedup_address);
	free_strv(q.file_emails, q.nr_file_emails);
	free_strv(files, nr_files);
	free_strv(fixes, nr_fixes);
	free_strv(kw, nr_kw);
}

void maint_list_release(struct maint_list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++) {
		free(l->v[i].addr);
		free(l->v[i].section);
		free(l->v[i].status);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void maint_list_union(struct maint_list *dst, const struct maint_list *src)
{
	size_t i, j;

	for (i = 0; i < src->nr; i++) {
		const struct maint_addr *a = &src->v[i];
		struct maint_addr *d;

		for (j = 0; j < dst->nr; j++)
			if (!strcmp(dst->v[j].addr, a->addr))
				break;
		if (j < dst->nr) {
			if (maint_role_is_to(a->role))
				dst->v[j].role = a->role;
			continue;
		}
		ALLOC_GROW(dst->v, dst->nr + 1, dst->alloc);
		d = &dst->v[dst->nr++];
		d->addr = xstrdup(a->addr);
		d->role = a->role;
		d->section = a->section ? xstrdup(a->section) : NULL;
		d->status = xstrdup(a->status);
	}
}

const char *maint_role_name(enum maint_role role)
{
	switch (role) {
	case MAINT_MAINTAINER:
		return "maintainer";
	case MAINT_REVIEWER:
		return "reviewer";
	case MAINT_LIST:
		return "list";
	case MAINT_MODERATED_LIST:
		return "moderated list";
	case MAINT_FIXES:
		return "fixes";
	case MAINT_FILE:
		return "in file";
	}
	return "unknown";
}
