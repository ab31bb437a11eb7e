// SPDX-License-Identifier: GPL-2.0
/*
 * Diffstats in git's layout.
 */
#include "diffstat.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

void diffstat_add(struct diffstat *ds, const char *old_path,
		  const char *new_path, long added, long deleted)
{
	struct diffstat_file *f;
	size_t i;

	for (i = 0; i < ds->nr; i++) {
		f = &ds->v[i];
		if (same(f->old_path, old_path) &&
		    same(f->new_path, new_path)) {
			f->added += added;
			f->deleted += deleted;
			return;
		}
	}
	ALLOC_GROW(ds->v, ds->nr + 1, ds->alloc);
	f = &ds->v[ds->nr++];
	memset(f, 0, sizeof(*f));
	f->old_path = old_path ? xstrdup(old_path) : NULL;
	f->new_path = new_path ? xstrdup(new_path) : NULL;
	f->is_new = !old_path;
	f->is_delete = !new_path;
	f->is_rename = old_path && new_path && strcmp(old_path, new_path);
	f->added = added;
	f->deleted = deleted;
}

void diffstat_from_patch(struct diffstat *ds, const struct patch *p)
{
	size_t i, j, k;

	for (i = 0; i < p->nr_files; i++) {
		const struct file_patch *fp = &p->files[i];
		long add = 0, del = 0;
		struct diffstat_file *f;

		for (j = 0; j < fp->nr_hunks; j++) {
			for (k = 0; k < fp->hunks[j].nr; k++) {
				add += fp->hunks[j].lines[k].kind == '+';
				del += fp->hunks[j].lines[k].kind == '-';
			}
		}
		diffstat_add(ds, fp->old_path, fp->new_path, add, del);
		f = &ds->v[ds->nr - 1];
		f->is_new = fp->is_new;
		f->is_delete = fp->is_delete;
		f->is_rename = fp->is_rename;
		f->old_mode = fp->old_mode;
		f->new_mode = fp->new_mode;
		f->similarity = fp->similarity;
	}
}

static const char *sort_key(const struct diffstat_file *f)
{
	return f->new_path ? f->new_path : f->old_path;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(sort_key(a), sort_key(b));
}

void diffstat_sort(struct diffstat *ds)
{
	if (ds->nr)
		qsort(ds->v, ds->nr, sizeof(*ds->v), cmp_file);
}

void diffstat_release(struct diffstat *ds)
{
	size_t i;

	for (i = 0; i < ds->nr; i++) {
		free(ds->v[i].old_path);
		free(ds->v[i].new_path);
	}
	free(ds->v);
	memset(ds, 0, sizeof(*ds));
}

/* "pre{old => new}post", sharing whole leading and trailing components */
char *diffstat_name(const struct diffstat_file *f)
{
	const char *a = f->old_path, *b = f->new_path;
	size_t la, lb, pfx = 0, sfx = 0, i;

	if (!a || !b || !strcmp(a, b))
		return xstrdup(b ? b : a);
	la = strlen(a);
	lb = strlen(b);
	for (i = 0; i < la && i < lb && a[i] == b[i]; i++)
		if (a[i] == '/')
			pfx = i + 1;
	/* a common tail starting at a '/', not overlapping the head */
	for (i = 1; i <= la - pfx && i <= lb - pfx; i++) {
		if (a[la - i] != b[lb - i])
			break;
		if (a[la - i] == '/')
			sfx = i;
	}
	if (!pfx && !sfx)
		return xasprintf("%s => %s", a, b);
	return xasprintf("%.*s{%.*s => %.*s}%s", (int)pfx, a,
			 (int)(la - pfx - sfx), a + pfx,
			 (int)(lb - pfx - sfx), b + pfx, a + la - sfx);
}

static int digits(long n)
{
	int d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

/* Bars for @n changes when @max changes get @width columns (n > 0: >= 1) */
static long scale(long n, long width, long max)
{
	return n ? 1 + n * (width - 1) / max : 0;
}

void diffstat_summary(const struct diffstat *ds, struct strbuf *out)
{
	long add = 0, del = 0;
	size_t i;

	for (i = 0; i < ds->nr; i++) {
		add += ds->v[i].added;
		del += ds->v[i].deleted;
	}
	sb_addf(out, " %zu file%s changed", ds->nr, ds->nr == 1 ? "" : "s");
	if (add || !del)
		sb_addf(out, ", %ld insertion%s(+)", add, add == 1 ? "" : "s");
	if (del || !add)
		sb_addf(out, ", %ld deletion%s(-)", del, del == 1 ? "" : "s");
}

void diffstat_format(const struct diffstat *ds, int width,
		     struct strbuf *out)
{
	long max_change = 0, name_w = 0, graph_w, num_w;
	char **names = xcalloc(ds->nr ? ds->nr : 1, sizeof(*names));
	size_t i;

	for (i = 0; i < ds->nr; i++) {
		long change = ds->v[i].added + ds->v[i].deleted;

		names[i] = diffstat_name(&ds->v[i]);
		if ((long)strlen(names[i]) > name_w)
			name_w = strlen(names[i]);
		if (change > max_change)
			max_change = change;
	}
	num_w = digits(max_change);
	if (width < 22 + num_w)
		width = 22 + num_w;
	/*
	 * The name, " | ", the count, a space and the graph: when they do
	 * not fit, the graph gets at most 3/8 of the line (and at least
	 * 6 columns) and the name what is left.
	 */
	graph_w = max_change;
	if (name_w + num_w + 6 + graph_w > width) {
		if (graph_w > width * 3 / 8 - num_w - 6)
			graph_w = width * 3 / 8 - num_w - 6;
		if (graph_w < 6)
			graph_w = 6;
		if (name_w > width - num_w - 6 - graph_w)
			name_w = width - num_w - 6 - graph_w;
		else
			graph_w = width - num_w - 6 - name_w;
	}
	for (i = 0; i < ds->nr; i++) {
		const struct diffstat_file *f = &ds->v[i];
		long change = f->added + f->deleted, add = f->added;
		long del = f->deleted, len = strlen(names[i]);
		const char *name = names[i], *prefix = "";

		if (len > name_w) {
			/* keep the tail, from a '/' if there is one */
			long keep = name_w - 3 > 0 ? name_w - 3 : 0;
			const char *slash;

			prefix = "...";
			name += len - keep;
			slash = strchr(name, '/');
			if (slash)
				name = slash;
		}
		if (graph_w <= max_change) {
			long total = scale(add + del, graph_w, max_change);

			if (total < 2 && add && del)
				total = 2;
			if (add < del) {
				add = scale(add, graph_w, max_change);
				del = total - add;
			} else {
				del = scale(del, graph_w, max_change);
				add = total - del;
			}
		}
		sb_addf(out, " %s%-*s | %*ld%s", prefix,
			(int)(name_w - strlen(prefix)), name, (int)num_w,
			change, change ? " " : "");
		while (add-- > 0)
			sb_addch(out, '+');
		while (del-- > 0)
			sb_addch(out, '-');
		sb_addch(out, '\n');
	}
	diffstat_summary(ds, out);
	sb_addch(out, '\n');
	for (i = 0; i < ds->nr; i++) {
		const struct diffstat_file *f = &ds->v[i];

		if (f->is_new)
			sb_addf(out, " create mode %06o %s\n",
				f->new_mode ? f->new_mode : 0100644,
				f->new_path);
		else if (f->is_delete)
			sb_addf(out, " delete mode %06o %s\n",
				f->old_mode ? f->old_mode : 0100644,
				f->old_path);
		else if (f->is_rename)
			sb_addf(out, " rename %s (%d%%)\n", names[i],
				f->similarity);
		if (!f->is_new && !f->is_delete && f->old_mode &&
		    f->new_mode && f->old_mode != f->new_mode)
			sb_addf(out, " mode change %06o => %06o %s\n",
				f->old_mode, f->new_mode,
				f->new_path);
	}
	for (i = 0; i < ds->nr; i++)
		free(names[i]);
	free(names);
}

/* ---- reading one back --------------------------------------------- */

struct stat_line {
	char *name;
	long change;
};

/* " name | 12 +++--" -> name and 12; false if not such a line */
static bool parse_stat_line(const char *s, size_t n, struct stat_line *sl)
{
	const char *bar = NULL, *p, *end = s + n;
	char *num_end;
	long v;

	if (n < 5 || s[0] != ' ')
		return false;
	for (p = s; p + 2 < end; p++)
		if (p[0] == ' ' && p[1] == '|' && p[2] == ' ')
			bar = p;
	if (!bar || bar == s)	/* " | 1 +": no name */
		return false;
	p = bar + 3;
	while (p < end && *p == ' ')
		p++;
	if (p + 3 <= end && !strncmp(p, "Bin", 3)) {
		v = -1;
	} else {
		v = strtol(p, &num_end, 10);
		if (num_end == p)
			return false;
		for (p = num_end; p < end; p++)
			if (*p != ' ' && *p != '+' && *p != '-')
				return false;
	}
	for (p = bar; p > s + 1 && p[-1] == ' '; p--)
		;
	sl->name = xstrndup(s + 1, p - s - 1);
	sl->change = v;
	return true;
}

/* Whether the diffstat name @shown (maybe "...tail") stands for @full. */
static bool name_matches(const char *shown, const char *full)
{
	if (starts_with(shown, "..."))
		return ends_with(full, shown + 3);
	return !strcmp(shown, full);
}

int diffstat_check(const char *text, const struct diffstat *ds,
		   struct strbuf *why)
{
	const char *p = text, *line;
	struct stat_line *lines = NULL;
	struct strbuf want = STRBUF_INIT;
	size_t nr = 0, alloc = 0, i;
	bool in_stat = false, have_summary = false;
	char *summary = NULL;
	int ret = 0;

	/* the lines between the first "---" line and the first diff */
	while (*p) {
		const char *nl = strchrnul(p, '\n');
		size_t n = nl - p;

		line = p;
		p = *nl ? nl + 1 : nl;
		if (n >= 11 && !strncmp(line, "diff --git ", 11))
			break;
		if (!in_stat) {
			in_stat = n == 3 && !strncmp(line, "---", 3);
			continue;
		}
		if (!have_summary) {
			struct stat_line sl;

			if (parse_stat_line(line, n, &sl)) {
				ALLOC_GROW(lines, nr + 1, alloc);
				lines[nr++] = sl;
			} else if (n > 1 && line[0] == ' ' &&
				   memmem(line, n, " changed", 8)) {
				summary = xstrndup(line, n);
				have_summary = true;
			}
		}
	}
	if (!nr && !have_summary)
		goto out;	/* no diffstat */
	diffstat_summary(ds, &want);
	if (!have_summary) {
		sb_addf(why, "the diffstat has no summary line (want '%s')",
			want.buf + 1);
		ret = 1;
	} else if (strcmp(summary, want.buf)) {
		sb_addf(why, "the diffstat says '%s', the diff has '%s'",
			summary + 1, want.buf + 1);
		ret = 1;
	}
	for (i = 0; i < ds->nr && !ret; i++) {
		const struct diffstat_file *f = &ds->v[i];
		char *name = diffstat_name(f);
		long change = f->added + f->deleted;
		size_t j;

		for (j = 0; j < nr; j++)
			if (lines[j].name && name_matches(lines[j].name, name))
				break;
		if (j == nr) {
			sb_addf(why, "the diffstat does not list %s", name);
			ret = 1;
		} else if (lines[j].change >= 0 && lines[j].change != change) {
			sb_addf(why, "the diffstat says %s changes %ld lines, the diff %ld",
				name, lines[j].change, change);
			ret = 1;
		}
		if (j < nr) {
			free(lines[j].name);
			lines[j].name = NULL;
		}
		free(name);
	}
	for (i = 0; i < nr && !ret; i++) {
		if (lines[i].name) {
			sb_addf(why, "the diffstat lists %s, which the diff does not change",
				lines[i].name);
			ret = 1;
		}
	}
out:
	for (i = 0; i < nr; i++)
		free(lines[i].name);
	free(lines);
	free(summary);
	sb_release(&want);
	return ret;
}
