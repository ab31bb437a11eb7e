// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the MAINTAINERS file, its patterns and the tree's .mailmap and
 * .get_maintainer.ignore as get_maintainer.pl reads them
 * (lib/maint-parse.h).
 */
#include "maint-parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "maint-addr.h"

size_t maintainers_sections(const struct maintainers *m)
{
	return m->sections;
}

size_t start_index(const struct maintainers *m, size_t i)
{
	while (i > 0 && m->tv[i].type)
		i--;
	return i;
}

size_t end_index(const struct maintainers *m, size_t i)
{
	while (i < m->nr && m->tv[i].type)
		i++;
	return i;
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

		while (n && mp_perl_space((unsigned char)*v)) {
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

			t->re = mp_re_compile(pat, strlen(pat), 0);
			free(pat);
		}
		t->prefix = literal_prefix(t->value);
	} else if (t->type == 'N') {
		t->re = mp_re_compile(t->value, strlen(t->value),
				   PCRE2_EXTENDED);
	} else if (t->type == 'K') {
		char *pat = xasprintf("^[+-].*%s", t->value);

		t->re = mp_re_compile(t->value, strlen(t->value),
				   PCRE2_EXTENDED);
		t->re_diff = mp_re_compile(pat, strlen(pat), PCRE2_EXTENDED);
		free(pat);
		ALLOC_GROW(m->kw, m->nr_kw + 1, m->alloc_kw);
		m->kw[m->nr_kw++] = m->nr - 1;
	}
}

static bool blank_or_comment(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && mp_perl_space((unsigned char)line[i]))
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
		mp_trim(line);
		len = strlen(line);
		if (!len) {
			free(line);
			continue;
		}
		if (mp_re_exec(mp_R(RE_MM1), line, len, 0)) {
			char *rn = mp_re_dup(line, 1), *ra = mp_re_dup(line, 2);
			char *tmp, *n, *a;

			mp_rtrim(rn);
			tmp = xasprintf("%s <%s>", rn, ra);
			maint_parse_email(tmp, &n, &a);
			mp_map_set(&m->mm_names, a, n);
			free(tmp);
			free(n);
			free(a);
			free(rn);
			free(ra);
		} else if (mp_re_exec(mp_R(RE_MM2), line, len, 0)) {
			char *ra = mp_re_dup(line, 1), *wa = mp_re_dup(line, 2);

			mp_map_set(&m->mm_addresses, wa, ra);
			free(ra);
			free(wa);
		} else if (mp_re_exec(mp_R(RE_MM3), line, len, 0)) {
			char *rn = mp_re_dup(line, 1), *ra = mp_re_dup(line, 2);
			char *wa = mp_re_dup(line, 3), *tmp, *n, *a;

			mp_rtrim(rn);
			tmp = xasprintf("%s <%s>", rn, ra);
			maint_parse_email(tmp, &n, &a);
			mp_map_set(&m->mm_names, wa, n);
			mp_map_set(&m->mm_addresses, wa, a);
			free(tmp);
			free(n);
			free(a);
			free(rn);
			free(ra);
			free(wa);
		} else if (mp_re_exec(mp_R(RE_MM4), line, len, 0)) {
			char *rn = mp_re_dup(line, 1), *ra = mp_re_dup(line, 2);
			char *wn = mp_re_dup(line, 3), *wa = mp_re_dup(line, 4);
			char *tmp, *n, *a, *n2, *a2, *key;

			mp_rtrim(rn);
			tmp = xasprintf("%s <%s>", rn, ra);
			maint_parse_email(tmp, &n, &a);
			free(tmp);
			mp_rtrim(wn);
			tmp = xasprintf("%s <%s>", wn, wa);
			maint_parse_email(tmp, &n2, &a2);
			key = maint_format_email(n2, a2);
			mp_map_set(&m->mm_names, key, n);
			mp_map_set(&m->mm_addresses, key, a);
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
		mp_trim(line);
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
	mp_map_release(&m->mm_names);
	mp_map_release(&m->mm_addresses);
	for (i = 0; i < m->nr_ignore; i++)
		free(m->ignore[i]);
	free(m->ignore);
	free(m->root);
	free(m);
}
