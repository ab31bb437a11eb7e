// SPDX-License-Identifier: GPL-2.0
#include "series.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

char *series_topic_of_line(const char *line)
{
	const char *p = line, *e;

	if (*p++ != '#')
		return NULL;
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncasecmp(p, "topic:", 6))
		return NULL;
	p += 6;
	while (*p == ' ' || *p == '\t')
		p++;
	for (e = p; *e && !isspace((unsigned char)*e); e++)
		;
	return e > p ? xstrndup(p, e - p) : NULL;
}

static int bad_name(const char *name)
{
	const char *p = name;

	if (!*name || *name == '/')
		return 1;
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (!n || (n == 2 && !strncmp(p, "..", 2)) ||
		    (n == 1 && *p == '.'))
			return 1;
		p += n + (slash ? 1 : 0);
	}
	return 0;
}

int series_load(struct series *s, const char *path, const char *dir)
{
	struct strbuf sb = STRBUF_INIT, pre = STRBUF_INIT;
	char *topic = NULL, *p, *line;
	int no = 0, ret = -1;

	memset(s, 0, sizeof(*s));
	s->path = xstrdup(path);
	s->dir = xstrdup(dir);
	if (read_file(path, &sb)) {
		if (errno == ENOENT) {
			s->tail = xstrdup("");
			return 0;
		}
		return error("cannot read %s: %s", path, strerror(errno));
	}
	for (p = sb.buf; p && *p; ) {
		char *nl = strchr(p, '\n'), *t, *name, *end;

		line = nl ? xstrndup(p, nl - p) : xstrdup(p);
		p = nl ? nl + 1 : NULL;
		no++;
		for (t = line; *t == ' ' || *t == '\t'; t++)
			;
		if (!*t || *t == '#') {
			char *tp = series_topic_of_line(t);

			if (tp) {
				free(topic);
				topic = tp;
			}
			sb_addstr(&pre, line);
			sb_addch(&pre, '\n');
			free(line);
			continue;
		}
		name = t;
		for (end = t; *end && !isspace((unsigned char)*end); end++)
			;
		if (*end) {
			char *opt = end;

			*opt++ = '\0';
			while (*opt == ' ' || *opt == '\t')
				opt++;
			if (*opt && strcmp(opt, "-p1")) {
				error("%s:%d: unsupported options '%s' (only -p1)",
				      path, no, opt);
				free(line);
				goto out;
			}
		}
		if (bad_name(name)) {
			error("%s:%d: '%s' is not a relative path inside the patches directory",
			      path, no, name);
			free(line);
			goto out;
		}
		series_add(s, name, topic, sb_str(&pre));
		s->entries[s->nr - 1].line_no = no;
		sb_reset(&pre);
		free(line);
	}
	s->tail = sb_detach(&pre);
	ret = 0;
out:
	free(topic);
	sb_release(&sb);
	sb_release(&pre);
	if (ret)
		series_release(s);
	return ret;
}

void series_add(struct series *s, const char *name, const char *topic,
		const char *pre)
{
	struct series_entry *e;

	ALLOC_GROW(s->entries, s->nr + 1, s->alloc);
	e = &s->entries[s->nr++];
	e->name = xstrdup(name);
	e->topic = topic ? xstrdup(topic) : NULL;
	e->pre = xstrdup(pre ? pre : "");
	e->line_no = 0;
}

void series_release(struct series *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++) {
		free(s->entries[i].name);
		free(s->entries[i].topic);
		free(s->entries[i].pre);
	}
	free(s->entries);
	free(s->path);
	free(s->dir);
	free(s->tail);
	memset(s, 0, sizeof(*s));
}

void series_format(const struct series *s, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < s->nr; i++) {
		sb_addstr(out, s->entries[i].pre);
		sb_addstr(out, s->entries[i].name);
		sb_addch(out, '\n');
	}
	if (s->tail)
		sb_addstr(out, s->tail);
}

char *series_patch_path(const struct series *s, size_t i)
{
	return path_join(s->dir, s->entries[i].name);
}
