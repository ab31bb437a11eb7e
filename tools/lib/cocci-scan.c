// SPDX-License-Identifier: GPL-2.0
/*
 * The text side of cocci.c: finding a C file's function definitions,
 * cutting a file down to some of them, its identifiers against a grep
 * query, and spatch's report lines.
 */
#include "cocci.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static bool is_id_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool is_id_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/*
 * The scanner's state. At brace depth 0 it follows the declaration since
 * the last ';', '}' or preprocessor line: its first line, whether it has
 * a '(' (not an __attribute__'s), the identifier before that '(' and
 * whether everything after the first parenthesised group is identifiers
 * and more groups (attribute macros), as a function definition's is.
 */
struct scan {
	const char *s;
	size_t len, i;
	unsigned int line;
	bool bol;		/* only blanks since the line began */
	unsigned int depth;	/* braces */
	unsigned int pdepth;	/* parentheses at brace depth 0 */
	bool in_decl, has_paren, tail_bad, attr_next, attr_group, in_func;
	unsigned int decl_line;
	unsigned int ids_after;	/* identifiers since the last group */
	const char *last_id, *name;
	size_t last_id_len, name_len;
	struct cocci_func *f;
	size_t nr, alloc;
};

static void decl_reset(struct scan *sc)
{
	sc->in_decl = false;
	sc->has_paren = false;
	sc->tail_bad = false;
	sc->attr_next = false;
	sc->attr_group = false;
	sc->last_id = NULL;
	sc->name = NULL;
	sc->pdepth = 0;
	sc->ids_after = 0;
}

static void decl_token(struct scan *sc)
{
	if (!sc->in_decl) {
		sc->in_decl = true;
		sc->decl_line = sc->line;
	}
}

/* Skip to the end of the line, over backslash continuations. */
static void skip_logical_line(struct scan *sc)
{
	while (sc->i < sc->len && sc->s[sc->i] != '\n') {
		if (sc->s[sc->i] == '\\' && sc->i + 1 < sc->len &&
		    sc->s[sc->i + 1] == '\n') {
			sc->line++;
			sc->i++;
		}
		sc->i++;
	}
}

/* The directive word of the preprocessor line at sc->i ('#'). */
static size_t directive(const struct scan *sc, const char **word)
{
	size_t j = sc->i + 1, k;

	while (j < sc->len && (sc->s[j] == ' ' || sc->s[j] == '\t'))
		j++;
	k = j;
	while (k < sc->len && is_id_char(sc->s[k]))
		k++;
	*word = sc->s + j;
	return k - j;
}

static bool word_is(const char *w, size_t n, const char *lit)
{
	return n == strlen(lit) && !memcmp(w, lit, n);
}

/*
 * Inside a function, an #else or #elif branch often repeats the opening
 * of a block that the first branch opened: count the braces of the first
 * branch only, skipping to the matching #endif.
 */
static void skip_other_branches(struct scan *sc)
{
	unsigned int nest = 0;

	for (;;) {
		const char *w;
		size_t n;

		skip_logical_line(sc);
		if (sc->i >= sc->len)
			return;
		sc->i++;
		sc->line++;
		while (sc->i < sc->len &&
		       (sc->s[sc->i] == ' ' || sc->s[sc->i] == '\t'))
			sc->i++;
		if (sc->i >= sc->len || sc->s[sc->i] != '#')
			continue;
		n = directive(sc, &w);
		if (n >= 2 && !memcmp(w, "if", 2)) {
			nest++;
		} else if (word_is(w, n, "endif")) {
			if (!nest--) {
				skip_logical_line(sc);
				return;
			}
		}
	}
}

static void preprocessor(struct scan *sc)
{
	const char *w;
	size_t n = directive(sc, &w);

	if (sc->depth && (word_is(w, n, "else") || word_is(w, n, "elif")))
		skip_other_branches(sc);
	else
		skip_logical_line(sc);
	if (!sc->depth)
		decl_reset(sc);
}

/* Skip a comment or a literal at sc->i if there is one: true if so. */
static bool skip_comment_or_literal(struct scan *sc)
{
	const char *s = sc->s;
	char q = s[sc->i];

	if (q == '/' && sc->i + 1 < sc->len && s[sc->i + 1] == '*') {
		for (sc->i += 2; sc->i < sc->len; sc->i++) {
			if (s[sc->i] == '\n')
				sc->line++;
			else if (s[sc->i] == '*' && sc->i + 1 < sc->len &&
				 s[sc->i + 1] == '/')
				break;
		}
		sc->i += 2;
		return true;
	}
	if (q == '/' && sc->i + 1 < sc->len && s[sc->i + 1] == '/') {
		while (sc->i < sc->len && s[sc->i] != '\n')
			sc->i++;
		return true;
	}
	if (q != '"' && q != '\'')
		return false;
	for (sc->i++; sc->i < sc->len && s[sc->i] != q; sc->i++) {
		if (s[sc->i] == '\n')
			break;	/* unterminated: stop at the line's end */
		if (s[sc->i] == '\\' && sc->i + 1 < sc->len) {
			sc->i++;
			if (s[sc->i] == '\n')
				sc->line++;
		}
	}
	if (sc->i < sc->len && s[sc->i] == q)
		sc->i++;
	return true;
}

static void identifier(struct scan *sc)
{
	size_t start = sc->i;

	while (sc->i < sc->len && is_id_char(sc->s[sc->i]))
		sc->i++;
	if (sc->depth || sc->pdepth)
		return;
	decl_token(sc);
	sc->last_id = sc->s + start;
	sc->last_id_len = sc->i - start;
	sc->ids_after++;
	if (word_is(sc->last_id, sc->last_id_len, "__attribute__") ||
	    word_is(sc->last_id, sc->last_id_len, "__attribute"))
		sc->attr_next = true;
}

static void open_brace(struct scan *sc)
{
	if (!sc->depth && !sc->pdepth) {
		decl_token(sc);
		if (sc->has_paren && !sc->tail_bad && sc->name) {
			struct cocci_func *f;

			ALLOC_GROW(sc->f, sc->nr + 1, sc->alloc);
			f = &sc->f[sc->nr++];
			f->name = xstrndup(sc->name, sc->name_len);
			f->first = sc->decl_line;
			f->last = 0;
			f->body = sc->i - 1;
			sc->in_func = true;
		}
	}
	sc->depth++;
}

static void close_brace(struct scan *sc)
{
	if (!sc->depth)
		return;		/* unbalanced: ignore */
	if (--sc->depth)
		return;
	if (sc->in_func && !sc->pdepth) {
		sc->f[sc->nr - 1].last = sc->line;
		sc->in_func = false;
	}
	if (!sc->pdepth)
		decl_reset(sc);
}

/* A character of punctuation at brace depth 0. */
static void top_punct(struct scan *sc, char c)
{
	decl_token(sc);
	if (c == '(') {
		if (!sc->pdepth) {
			if (sc->attr_next) {
				sc->attr_group = true;
				sc->attr_next = false;
			} else if (!sc->has_paren || sc->ids_after >= 2) {
				/*
				 * The first group, or one after a type and a
				 * name: the groups before were a macro's
				 * ("__printf(1, 2) int f(...)").
				 */
				sc->has_paren = true;
				sc->name = sc->last_id;
				sc->name_len = sc->last_id_len;
			}
		}
		sc->pdepth++;
		return;
	}
	if (c == ')') {
		if (sc->pdepth && !--sc->pdepth) {
			sc->attr_group = false;
			sc->ids_after = 0;
		}
		return;
	}
	if (sc->pdepth)
		return;
	if (c == ';') {
		decl_reset(sc);
		return;
	}
	sc->last_id = NULL;
	if (c == '=' || (sc->has_paren && c != '*'))
		sc->tail_bad = true;
}

static void scan_char(struct scan *sc)
{
	char c = sc->s[sc->i];

	if (c == '\n') {
		sc->line++;
		sc->bol = true;
		sc->i++;
		return;
	}
	if (isspace((unsigned char)c)) {
		sc->i++;
		return;
	}
	if (c == '#' && sc->bol) {
		preprocessor(sc);
		return;
	}
	sc->bol = false;
	if (skip_comment_or_literal(sc)) {
		if (!sc->depth && !sc->pdepth && c != '/')
			decl_token(sc);	/* a string at file scope */
		return;
	}
	if (is_id_start(c)) {
		identifier(sc);
		return;
	}
	if (isdigit((unsigned char)c)) {
		while (sc->i < sc->len && is_id_char(sc->s[sc->i]))
			sc->i++;
		if (!sc->depth && !sc->pdepth) {
			decl_token(sc);
			if (sc->has_paren)
				sc->tail_bad = true;
		}
		return;
	}
	sc->i++;
	if (c == '{')
		open_brace(sc);
	else if (c == '}')
		close_brace(sc);
	else if (!sc->depth)
		top_punct(sc, c);
}

size_t cocci_functions(const char *s, size_t len, struct cocci_func **out)
{
	struct scan sc = { .s = s, .len = len, .line = 1, .bol = true };

	decl_reset(&sc);
	while (sc.i < sc.len)
		scan_char(&sc);
	if (sc.in_func)		/* never closed: drop it */
		free(sc.f[--sc.nr].name);
	*out = sc.f;
	return sc.nr;
}

void cocci_functions_release(struct cocci_func *f, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		free(f[i].name);
	free(f);
}

/* Whether the line at @p (up to @end) is a #define. */
static bool is_define(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= end || *p++ != '#')
		return false;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return end - p >= 6 && !memcmp(p, "define", 6) &&
		(end - p == 6 || !is_id_char(p[6]));
}

/* Whether the line at @p (up to @end) ends in a backslash. */
static bool continues(const char *p, const char *end)
{
	while (end > p && (end[-1] == '\r' || end[-1] == ' ' ||
			   end[-1] == '\t'))
		end--;
	return end > p && end[-1] == '\\';
}

/* The start of line @n (1-based) of @s, searching from @from (line @at). */
static const char *line_start(const char *s, const char *end,
			      unsigned int at, unsigned int n)
{
	while (at < n && s < end) {
		const char *nl = memchr(s, '\n', end - s);

		if (!nl)
			return end;
		s = nl + 1;
		at++;
	}
	return s;
}

/*
 * Prototypes of the functions not kept that @called names (spatch types
 * their calls from them: "if (f() == false)" with a bool f), each on one
 * line, numbered 0 in @map.
 */
static void prototypes(const char *s, size_t len, const struct cocci_func *f,
		       const bool *keep, size_t nr,
		       const struct cocci_ids *called, struct strbuf *out,
		       struct cocci_lines *map)
{
	const char *p = s, *end = s + len;
	unsigned int at = 1;
	size_t i;

	for (i = 0; i < nr; i++) {
		const char *q, *b = s + f[i].body;

		if (keep[i] || !cocci_ids_has(called, f[i].name,
					      strlen(f[i].name)))
			continue;
		p = line_start(p, end, at, f[i].first);
		at = f[i].first;
		for (q = p; q < b; q++)
			sb_addch(out, *q == '\n' ? ' ' : *q);
		sb_rtrim(out);
		sb_addstr(out, ";\n");
		ALLOC_GROW(map->v, map->nr + 1, map->alloc);
		map->v[map->nr++] = 0;
	}
}

void cocci_reduce(const char *s, size_t len, const struct cocci_func *f,
		  const bool *keep, size_t nr, bool defines,
		  const struct cocci_ids *called, struct strbuf *out,
		  struct cocci_lines *map)
{
	const char *p = s, *end = s + len;
	unsigned int line = 1;
	bool in_define = false;
	size_t k = 0;

	sb_grow(out, map ? 0 : len);
	if (map && called)
		prototypes(s, len, f, keep, nr, called, out, map);
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *eol = nl ? nl : end;
		bool want = false;

		while (k < nr && f[k].last < line)
			k++;
		for (size_t j = k; j < nr && f[j].first <= line; j++)
			if (keep[j] && f[j].last >= line)
				want = true;
		if (defines && (in_define || is_define(p, eol))) {
			want = true;
			in_define = continues(p, eol);
		}
		if (want)
			sb_add(out, p, eol - p);
		if (want && map) {
			sb_addch(out, '\n');
			ALLOC_GROW(map->v, map->nr + 1, map->alloc);
			map->v[map->nr++] = line;
		} else if (!map && nl) {
			sb_addch(out, '\n');
		}
		p = nl ? nl + 1 : end;
		line++;
	}
	if (!out->buf)
		sb_addstr(out, "");
}

void cocci_ids_scan(struct cocci_ids *ids, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t start = i;

		if (!is_id_char(s[i])) {
			i++;
			continue;
		}
		while (i < len && is_id_char(s[i]))
			i++;
		if (isdigit((unsigned char)s[start]))
			continue;
		ALLOC_GROW(ids->v, ids->nr + 1, ids->alloc);
		ids->v[ids->nr++] = xstrndup(s + start, i - start);
	}
	cocci_ids_sort(ids);
}

void cocci_ids_sort(struct cocci_ids *ids)
{
	size_t n = 0, j;

	if (!ids->nr)
		return;
	qsort(ids->v, ids->nr, sizeof(*ids->v), cmp_strp);
	for (j = 1; j < ids->nr; j++) {
		if (!strcmp(ids->v[j], ids->v[n]))
			free(ids->v[j]);
		else
			ids->v[++n] = ids->v[j];
	}
	ids->nr = n + 1;
}

bool cocci_ids_has(const struct cocci_ids *ids, const char *id, size_t len)
{
	size_t lo = 0, hi = ids->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strncmp(ids->v[mid], id, len);

		if (!c && ids->v[mid][len])
			c = 1;
		if (!c)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

void cocci_ids_release(struct cocci_ids *ids)
{
	free_strv(ids->v, ids->nr);
	ids->v = NULL;
	ids->nr = ids->alloc = 0;
}

/* A grep query: expr = and ("||" and)*, and = atom ("&&" atom)*. */
struct query {
	const char *p;
	const struct cocci_ids *ids;
	bool bad;
};

static int q_or(struct query *q);

static void q_space(struct query *q)
{
	while (isspace((unsigned char)*q->p))
		q->p++;
}

static int q_atom(struct query *q)
{
	const char *start;
	bool plain = true;

	q_space(q);
	if (*q->p == '(') {
		int v;

		q->p++;
		v = q_or(q);
		q_space(q);
		if (*q->p != ')')
			q->bad = true;
		else
			q->p++;
		return v;
	}
	start = q->p;
	while (*q->p && !isspace((unsigned char)*q->p) &&
	       !strchr("()&|", *q->p)) {
		if (!is_id_char(*q->p))
			plain = false;
		q->p++;
	}
	if (q->p == start) {
		q->bad = true;
		return 1;
	}
	/* A token that is not an identifier: assume it may be there. */
	return !plain || cocci_ids_has(q->ids, start, q->p - start);
}

static int q_and(struct query *q)
{
	int v = q_atom(q);

	for (;;) {
		q_space(q);
		if (q->p[0] != '&' || q->p[1] != '&')
			return v;
		q->p += 2;
		v = q_atom(q) && v;
	}
}

static int q_or(struct query *q)
{
	int v = q_and(q);

	for (;;) {
		q_space(q);
		if (q->p[0] != '|' || q->p[1] != '|')
			return v;
		q->p += 2;
		v = q_and(q) || v;
	}
}

int cocci_query_eval(const char *query, const struct cocci_ids *ids)
{
	struct query q = { .p = query, .ids = ids };
	int v;

	if (!query)
		return 1;
	q_space(&q);
	if (!*q.p)
		return 1;
	v = q_or(&q);
	q_space(&q);
	if (q.bad || *q.p)
		return -1;
	return v;
}

/* Parse digits at *@p: true and the number in *@n if there are some. */
static bool number(const char **p, unsigned int *n)
{
	const char *s = *p;
	unsigned long v = 0;

	if (!isdigit((unsigned char)*s))
		return false;
	while (isdigit((unsigned char)*s))
		v = v * 10 + (*s++ - '0');
	*p = s;
	*n = (unsigned int)v;
	return true;
}

/* Parse "L:C-C: " or "L:C-L:C: " at @p: the line, and the message. */
static bool position(const char *p, unsigned int *lineno, const char **msg)
{
	unsigned int a, b;

	if (!number(&p, lineno) || *p++ != ':' || !number(&p, &a) ||
	    *p++ != '-' || !number(&p, &a))
		return false;
	if (*p == ':' && isdigit((unsigned char)p[1])) {
		p++;
		if (!number(&p, &b))
			return false;
	}
	if (*p++ != ':')
		return false;
	if (*p == ' ')
		p++;
	*msg = p;
	return true;
}

bool cocci_parse_report(const char *line, char **path, unsigned int *lineno,
			char **msg)
{
	const char *c;

	/* The path may hold ':'; the position is after one of them. */
	for (c = strchr(line, ':'); c; c = strchr(c + 1, ':')) {
		const char *m;

		if (c == line || !position(c + 1, lineno, &m))
			continue;
		*path = xstrndup(line, c - line);
		*msg = xstrdup(m);
		return true;
	}
	return false;
}

char *cocci_norm_msg(const char *msg)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = msg;

	while (*p) {
		const char *rest;

		if ((p == msg || !is_id_char(p[-1])) &&
		    (skip_prefix(p, "line ", &rest) ||
		     skip_prefix(p, "lines ", &rest)) &&
		    isdigit((unsigned char)*rest)) {
			sb_add(&sb, p, rest - p);
			sb_addch(&sb, '?');
			while (isdigit((unsigned char)*rest) ||
			       (*rest == ',' && isdigit((unsigned char)rest[1])))
				rest++;
			p = rest;
			continue;
		}
		sb_addch(&sb, *p == '\t' || *p == '\n' ? ' ' : *p);
		p++;
	}
	if (!sb.buf)
		sb_addstr(&sb, "");
	return sb_detach(&sb);
}
