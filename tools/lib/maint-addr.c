// SPDX-License-Identifier: GPL-2.0
/*
 * Addresses as get_maintainer.pl handles them (lib/maint-addr.h).
 */
#include "maint-addr.h"

#include "mailhdr.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- "Name <address>" --------------------------------------------- */

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

	mailhdr_add_quoted(&sb, s, true);
	return sb_detach(&sb);
}

/*
 * What parse_email and format_email of get_maintainer.pl both do to a
 * name and an address: trim both, drop the name's quotes, and quote it
 * again if RFC 822 wants it.
 */
static void tidy(char **name, char *address)
{
	char *n = *name;

	mp_trim(n);
	strip_quotes(n);
	mp_trim(address);
	if (must_quote(n)) {
		*name = quote(n);
		free(n);
	}
}

void maint_parse_email(const char *s, char **name, char **address)
{
	size_t len = strlen(s);
	char *n, *a;

	if (mp_re_exec(mp_R(RE_EMAIL1), s, len, 0)) {
		n = mp_re_dup(s, 1);
		a = mp_re_dup(s, 2);
	} else if (mp_re_exec(mp_R(RE_EMAIL2), s, len, 0) ||
		   mp_re_exec(mp_R(RE_EMAIL3), s, len, 0)) {
		n = xstrdup("");
		a = mp_re_dup(s, 1);
	} else {
		n = xstrdup("");
		a = xstrdup("");
	}
	tidy(&n, a);
	*name = n;
	*address = a;
}

char *maint_format_email(const char *name, const char *address)
{
	char *n = xstrdup(name), *a = xstrdup(address), *r;

	tidy(&n, a);
	if (!*n)
		r = xstrdup(a);
	else
		r = xasprintf("%s <%s>", n, a);
	free(n);
	free(a);
	return r;
}

/* ---- RFC 822 addresses -------------------------------------------- */

/* rfc822_strip_comments: each (comment) becomes a space */
static char *strip_comments(const char *s)
{
	char *cur = xstrdup(s);
	int guard = 0;

	while (mp_re_exec(mp_R(RE_COMMENT), cur, strlen(cur), 0) && guard++ < 1000) {
		size_t so1 = 0, eo1 = 0, so0 = 0, eo0 = 0;
		char *next;

		mp_re_group(0, &so0, &eo0);
		mp_re_group(1, &so1, &eo1);
		next = xasprintf("%.*s %s", (int)(eo1 - so1), cur + so1,
				 cur + eo0);
		free(cur);
		cur = next;
	}
	return cur;
}

bool rfc822_valid(const char *s)
{
	char *t = strip_comments(s);
	bool ok = mp_re_exec(mp_R(RE_RFC822), t, strlen(t), 0);

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
	if (!mp_re_exec(mp_R(RE_RFC822_LIST), t, len, 0)) {
		free(t);
		return false;
	}
	while (pos <= len && mp_re_exec(mp_R(RE_RFC822_ITEM), t, len, pos)) {
		size_t so = 0, eo = 0, so0 = 0, eo0 = 0;

		mp_re_group(0, &so0, &eo0);
		mp_re_group(1, &so, &eo);
		ALLOC_GROW(*out, *nr + 1, alloc);
		(*out)[(*nr)++] = xstrndup(t + so, eo - so);
		pos = eo0 > so0 ? eo0 : eo0 + 1;
	}
	free(t);
	return true;
}

/* ---- one query's addresses ---------------------------------------- */

static char *mailmap_email(struct query *q, const char *line)
{
	char *name, *address, *email, *r;
	const char *rn, *ra;

	maint_parse_email(line, &name, &address);
	email = maint_format_email(name, address);
	if (mp_map_get(&q->m->mm_names, email) ||
	    mp_map_get(&q->m->mm_addresses, email)) {
		rn = mp_map_get(&q->m->mm_names, email);
		ra = mp_map_get(&q->m->mm_addresses, email);
	} else {
		rn = mp_map_get(&q->m->mm_names, address);
		ra = mp_map_get(&q->m->mm_addresses, address);
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

char *deduplicate_email(struct query *q, const char *in)
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

	key = mp_lc(name);
	if (*name)
		hit = mp_map_get(&q->dedup_name, key);
	matched = hit != NULL;
	free(key);
	if (!matched) {
		key = mp_lc(address);
		hit = mp_map_get(&q->dedup_address, key);
		matched = hit != NULL;
		free(key);
	}
	if (matched) {
		free(name);
		free(address);
		split_pair(hit, &name, &address);
	} else {
		char *pair = xasprintf("%s\n%s", name, address);

		key = mp_lc(name);
		mp_map_set(&q->dedup_name, key, pair);
		free(key);
		key = mp_lc(address);
		mp_map_set(&q->dedup_address, key, pair);
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

void push_entry(struct entry **v, size_t *nr, size_t *alloc,
		char *addr, enum maint_role role, size_t section)
{
	ALLOC_GROW(*v, *nr + 1, *alloc);
	(*v)[*nr].addr = addr;
	(*v)[*nr].role = role;
	(*v)[*nr].section = section;
	(*nr)++;
}

/* push_email_address: false if there is no address at all */
bool push_email_address(struct query *q, const char *line,
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
	ln = mp_lc(name);
	la = mp_lc(address);
	inuse = (*name && mp_map_get(&q->hash_name, ln)) ||
		mp_map_get(&q->hash_address, la);
	if (!inuse) {
		push_entry(&q->to, &q->nr_to, &q->alloc_to,
			   maint_format_email(name, address), role, section);
		if (*name)
			mp_map_set(&q->hash_name, ln, "");
		mp_map_set(&q->hash_address, la, "");
	}
	free(ln);
	free(la);
	free(name);
	free(address);
	return true;
}

void push_email_addresses(struct query *q, const char *value,
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

/* ---- addresses in a changed file ---------------------------------- */

/* Perl's split: trailing empty fields are dropped. */
static size_t split_name(const char *name, char ***out)
{
	size_t len = strlen(name), pos = 0, nr = 0, alloc = 0;

	*out = NULL;
	while (pos <= len) {
		size_t so = len, eo = len;

		if (mp_re_exec(mp_R(RE_NAME_SPLIT), name, len, pos))
			mp_re_group(0, &so, &eo);
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

	while (pos <= len && mp_re_exec(mp_R(RE_FILE_EMAIL_CLEAN), raw, len, pos)) {
		size_t so0 = 0, eo0 = 0, so1 = 0, eo1 = 0;

		mp_re_group(0, &so0, &eo0);
		mp_re_group(1, &so1, &eo1);
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
void maintainers_in_file(struct query *q, const char *file)
{
	struct strbuf text = STRBUF_INIT;
	char *path;
	size_t pos = 0;

	if (!q->m->root || !ends_with(file, ".yaml"))
		return;
	path = path_join(q->m->root, file);
	if (!is_dir(path) && !read_file(path, &text)) {
		while (pos <= text.len &&
		       mp_re_exec(mp_R(RE_FILE_EMAIL), text.buf, text.len, pos)) {
			size_t so = 0, eo = 0;
			char *raw;

			mp_re_group(0, &so, &eo);
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

/* ---- signers of the commits Fixes: tags name ---------------------- */

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
void fixes_signers(struct query *q, const char *id,
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
		for (s = line; mp_perl_space((unsigned char)*s); s++)
			;
		n = strlen(s);
		if (!body) {
			/* %s is the first paragraph; %b the rest */
			body = !n;
			free(line);
			continue;
		}
		if (!mp_re_exec(mp_R(RE_SIGNATURE), s, n, 0) ||
		    mp_re_exec(mp_R(RE_CHIEF_NAME), s, n, 0)) {
			free(line);
			continue;
		}
		if (mp_re_exec(mp_R(RE_SIGNER), s, n, 0)) {
			size_t so0 = 0, eo0 = 0, so1 = 0, eo1 = 0;

			mp_re_group(0, &so0, &eo0);
			mp_re_group(1, &so1, &eo1);
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
		mp_add_str(&signers, &nr, &alloc, s);
		free(line);
	}
	sb_release(&msg);
	if (nr)
		qsort(signers, nr, sizeof(*signers), cmp_strp);
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
