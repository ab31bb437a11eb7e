// SPDX-License-Identifier: GPL-2.0
/*
 * The file diffs of a patch (lib/patch.h): a file's extended header lines
 * (modes, renames, copies, "---"/"+++"), its paths, and its hunks.
 */
#include <stdlib.h>
#include <string.h>

#include "patch-lines.h"

/* Unquote a C-style quoted path ("a/x\tb") or copy it up to a tab. */
static char *parse_path(const char *s, size_t len)
{
	static const char from[] = "ntabfrv", to[] = "\n\t\a\b\f\r\v";
	struct strbuf sb = STRBUF_INIT;
	const char *e;
	size_t i;

	if (len && s[0] == '"') {
		for (i = 1; i < len && s[i] != '"'; i++) {
			if (s[i] != '\\' || i + 1 >= len) {
				sb_addch(&sb, s[i]);
				continue;
			}
			i++;
			e = s[i] ? strchr(from, s[i]) : NULL;
			if (e) {
				sb_addch(&sb, to[e - from]);
			} else if (s[i] >= '0' && s[i] <= '3' && i + 2 < len) {
				sb_addch(&sb, (s[i] - '0') * 64 +
					 (s[i + 1] - '0') * 8 + (s[i + 2] - '0'));
				i += 2;
			} else {
				sb_addch(&sb, s[i]);
			}
		}
		return sb_detach(&sb);
	}
	for (i = 0; i < len && s[i] != '\t'; i++)
		;
	while (i > 0 && s[i - 1] == ' ')
		i--;
	return xstrndup(s, i);
}

/* "a/foo" -> "foo"; "/dev/null" -> NULL. */
static char *strip_side(char *path)
{
	char *r;

	if (!path)
		return NULL;
	if (!strcmp(path, "/dev/null")) {
		free(path);
		return NULL;
	}
	if ((path[0] == 'a' || path[0] == 'b') && path[1] == '/') {
		r = xstrdup(path + 2);
		free(path);
		return r;
	}
	return path;
}

static int parse_range(const char **s, long *start, long *count)
{
	char *end;

	*start = strtol(*s, &end, 10);
	if (end == *s)
		return -1;
	*s = end;
	*count = 1;
	if (**s == ',') {
		(*s)++;
		*count = strtol(*s, &end, 10);
		if (end == *s)
			return -1;
		*s = end;
	}
	return 0;
}

static int parse_hunk(struct patch *p, struct file_patch *fp, struct lines *l,
		      const char *line, size_t len, struct strbuf *err)
{
	char *hdr = xstrndup(line, len);
	/* past "@@ -"; a bare "@@ " has nothing there */
	const char *s = hdr + (len > 4 ? 4 : len), *close;
	long old_left, new_left;
	struct hunk *h;

	ALLOC_GROW(fp->hunks, fp->nr_hunks + 1, fp->alloc_hunks);
	h = &fp->hunks[fp->nr_hunks++];
	memset(h, 0, sizeof(*h));
	h->line_no = l->no;
	if (len <= 4 || parse_range(&s, &h->old_start, &h->old_count) ||
	    *s++ != ' ' ||
	    *s++ != '+' || parse_range(&s, &h->new_start, &h->new_count) ||
	    strncmp(s, " @@", 3)) {
		free(hdr);
		return patch_fail(err, p, l->no, "malformed hunk header '%.*s'",
				  (int)len, line);
	}
	close = s + 3;
	if (*close == ' ')
		close++;
	h->section = xstrdup(close);
	free(hdr);
	old_left = h->old_count;
	new_left = h->new_count;
	while (old_left > 0 || new_left > 0) {
		struct hunk_line *hl;
		char kind;

		if (!next_line(l, &line, &len))
			return patch_fail(err, p, l->no,
					  "patch ends inside a hunk (%ld old and %ld new lines missing)",
					  old_left, new_left);
		kind = len ? line[0] : ' ';
		if (kind == '\\') {
			if (!h->nr)
				return patch_fail(err, p, l->no,
						  "'\\' line before any hunk line");
			h->lines[h->nr - 1].no_eol = true;
			continue;
		}
		if (kind != ' ' && kind != '-' && kind != '+')
			return patch_fail(err, p, l->no,
					  "unexpected line in hunk (expected ' ', '-' or '+'): '%.*s'",
					  (int)(len > 60 ? 60 : len), line);
		if ((kind != '+' && old_left <= 0) ||
		    (kind != '-' && new_left <= 0))
			return patch_fail(err, p, l->no,
					  "hunk has more lines than its header @@ -%ld,%ld +%ld,%ld @@ says",
					  h->old_start, h->old_count, h->new_start,
					  h->new_count);
		if (kind != '+')
			old_left--;
		if (kind != '-')
			new_left--;
		ALLOC_GROW(h->lines, h->nr + 1, h->alloc);
		hl = &h->lines[h->nr++];
		hl->kind = kind;
		hl->no_eol = false;
		hl->text = len ? line + 1 : line;
		hl->len = len ? len - 1 : 0;
	}
	/* A trailing "\ No newline" after the last counted line. */
	if (peek_line(l, &line, &len) && len && line[0] == '\\') {
		next_line(l, &line, &len);
		h->lines[h->nr - 1].no_eol = true;
	}
	return 0;
}

static unsigned int parse_mode(const char *s)
{
	return (unsigned int)strtoul(s, NULL, 8);
}

/* Parse "diff --git a/X b/Y": only used when no other line names a path. */
static void guess_git_paths(const char *s, size_t len, char **a, char **b)
{
	size_t half;

	*a = *b = NULL;
	if (len < 7 || s[0] == '"')
		return;
	/* "a/X b/X": the two halves are equal when there is no rename. */
	half = (len - 1) / 2;
	if (len % 2 == 1 && s[half] == ' ' &&
	    !memcmp(s + 2, s + half + 3, half - 2)) {
		*a = xstrndup(s + 2, half - 2);
		*b = xstrndup(s + half + 3, half - 2);
	}
}

/* What the header lines of one file diff say about its paths. */
struct diff_paths {
	char *gita, *gitb;	/* from "diff --git", when they can be told */
	char *minus, *plus;	/* "---" and "+++" (NULL: /dev/null) */
	bool have_minus, have_plus;
};

static char *parse_path_str(const char *v)
{
	return parse_path(v, strlen(v));
}

/* One extended header line @s of a file diff; false if it is none. */
static bool parse_ext_header(struct file_patch *fp, struct diff_paths *dp,
			     const char *s)
{
	const char *v;

	if (skip_prefix(s, "new file mode ", &v)) {
		fp->is_new = true;
		fp->new_mode = parse_mode(v);
	} else if (skip_prefix(s, "deleted file mode ", &v)) {
		fp->is_delete = true;
		fp->old_mode = parse_mode(v);
	} else if (skip_prefix(s, "old mode ", &v)) {
		fp->old_mode = parse_mode(v);
	} else if (skip_prefix(s, "new mode ", &v)) {
		fp->new_mode = parse_mode(v);
	} else if (skip_prefix(s, "rename from ", &v) ||
		   skip_prefix(s, "copy from ", &v)) {
		fp->is_rename |= s[0] == 'r';
		fp->is_copy |= s[0] == 'c';
		free(fp->old_path);
		fp->old_path = parse_path_str(v);
	} else if (skip_prefix(s, "rename to ", &v) ||
		   skip_prefix(s, "copy to ", &v)) {
		free(fp->new_path);
		fp->new_path = parse_path_str(v);
	} else if (skip_prefix(s, "index ", &v)) {
		const char *sp = strchr(v, ' ');

		if (sp && !fp->old_mode && !fp->new_mode)
			fp->old_mode = fp->new_mode = parse_mode(sp + 1);
	} else if (skip_prefix(s, "--- ", &v)) {
		dp->have_minus = true;
		free(dp->minus);	/* a repeated line: the last counts */
		dp->minus = strip_side(parse_path_str(v));
	} else if (skip_prefix(s, "+++ ", &v)) {
		dp->have_plus = true;
		free(dp->plus);
		dp->plus = strip_side(parse_path_str(v));
	} else if (starts_with(s, "Binary files ") ||
		   starts_with(s, "GIT binary patch")) {
		fp->is_binary = true;
	} else if (skip_prefix(s, "similarity index ", &v)) {
		fp->similarity = atoi(v);
	} else if (!starts_with(s, "dissimilarity index ")) {
		return false;	/* "dissimilarity" is informational */
	}
	return true;
}

/* The file's paths from what its header lines said. */
static int settle_paths(struct patch *p, struct file_patch *fp,
			struct diff_paths *dp, int line_no,
			struct strbuf *err)
{
	if (fp->is_binary)
		return patch_fail(err, p, fp->line_no,
				  "binary diffs are not supported (%s)",
				  dp->gitb ? dp->gitb : "unknown file");
	if (dp->have_minus != dp->have_plus)
		return patch_fail(err, p, line_no,
				  "'---' and '+++' lines must come in pairs");
	if (dp->have_minus) {
		if (!fp->is_rename && !fp->is_copy) {
			free(fp->old_path);
			free(fp->new_path);
			fp->old_path = dp->minus;
			fp->new_path = dp->plus;
			dp->minus = dp->plus = NULL;
		}
	} else if (!fp->is_rename && !fp->is_copy) {
		/* mode change, empty new file or pure deletion */
		free(fp->old_path);	/* a stray "rename to"/"copy to" */
		free(fp->new_path);
		fp->old_path = fp->is_new ? NULL :
			       xstrdup(dp->gita ? dp->gita : "");
		fp->new_path = fp->is_delete ? NULL :
			       xstrdup(dp->gitb ? dp->gitb : "");
		if (!dp->gita)
			return patch_fail(err, p, fp->line_no,
					  "cannot tell the file name from 'diff --git' line");
	}
	if (!fp->old_path && !fp->is_new)
		fp->is_new = true;
	if (!fp->new_path && !fp->is_delete)
		fp->is_delete = true;
	if (fp->is_new && fp->old_path)
		return patch_fail(err, p, fp->line_no,
				  "a new file must come from /dev/null");
	if (!fp->new_mode && !fp->is_delete)
		fp->new_mode = fp->old_mode;
	return 0;
}

int patch_parse_file(struct patch *p, struct lines *l, const char *line,
		     size_t len, struct strbuf *err)
{
	struct file_patch *fp;
	struct diff_paths dp = { 0 };
	int ret = 0;

	ALLOC_GROW(p->files, p->nr_files + 1, p->alloc_files);
	fp = &p->files[p->nr_files++];
	memset(fp, 0, sizeof(*fp));
	fp->line_no = l->no;
	guess_git_paths(line + 11, len - 11, &dp.gita, &dp.gitb);

	/* Extended headers */
	while (peek_line(l, &line, &len)) {
		char *tmp;
		bool ok;

		if (line_starts(line, len, "diff --git ") ||
		    line_starts(line, len, "@@ ") || line_is(line, len, "-- "))
			break;
		next_line(l, &line, &len);
		tmp = xstrndup(line, len);
		ok = parse_ext_header(fp, &dp, tmp) || fp->is_binary;
		if (!ok)
			ret = patch_fail(err, p, l->no,
					 "unexpected line in the header of a file diff: '%s'",
					 tmp);
		free(tmp);
		if (!ok)
			goto out;
	}
	ret = settle_paths(p, fp, &dp, l->no, err);
	while (!ret && peek_line(l, &line, &len) &&
	       line_starts(line, len, "@@ ")) {
		next_line(l, &line, &len);
		ret = parse_hunk(p, fp, l, line, len, err);
	}
out:
	free(dp.gita);
	free(dp.gitb);
	free(dp.minus);
	free(dp.plus);
	return ret;
}
