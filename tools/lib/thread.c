// SPDX-License-Identifier: GPL-2.0
/*
 * Finding a patch series and its reviews in a mailbox.
 */
#include "thread.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fmtpatch.h"

/* Subject tags of projects whose patches are not kernel patches. */
static const char *const foreign_projects[] = {
	"kvm-unit-tests", "kut", "unit-tests", "qemu", "kvmtool", "libvirt",
	"edk2", "ovmf", "seabios", "crosvm", "firecracker",
	"cloud-hypervisor", "xen", "virtme",
};

/* The top level of the Linux tree. */
static const char *const kernel_top[] = {
	".clang-format", ".cocciconfig", ".get_maintainer.ignore",
	".gitattributes", ".gitignore", ".mailmap", "COPYING", "CREDITS",
	"Documentation", "Kbuild", "Kconfig", "LICENSES", "MAINTAINERS",
	"Makefile", "README", "arch", "block", "certs", "crypto", "drivers",
	"fs", "include", "init", "io_uring", "ipc", "kernel", "lib", "mm",
	"net", "rust", "samples", "scripts", "security", "sound", "tools",
	"usr", "virt",
};

/* kvm-unit-tests and QEMU directories under names the kernel also has */
static const char *const foreign_dirs[] = {
	"lib/x86/", "lib/arm/", "lib/arm64/", "lib/s390x/", "lib/powerpc/",
	"lib/ppc64/", "lib/riscv/", "lib/libcflat.h", "scripts/arch-run.bash",
	"scripts/runtime.bash", "include/hw/", "include/qemu/",
	"include/sysemu/", "include/exec/",
};

bool thread_kernel_path_guess(void *data, const char *path)
{
	const char *slash = strchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : strlen(path), i;
	bool top = false;

	for (i = 0; i < ARRAY_SIZE(kernel_top); i++)
		if (strlen(kernel_top[i]) == n &&
		    !strncmp(kernel_top[i], path, n))
			top = true;
	if (!top)
		return false;
	for (i = 0; i < ARRAY_SIZE(foreign_dirs); i++)
		if (starts_with(path, foreign_dirs[i]))
			return false;
	return true;
}

static void add_str(char ***v, size_t *nr, size_t *alloc, char *s)
{
	ALLOC_GROW(*v, *nr + 1, *alloc);
	(*v)[(*nr)++] = s;
}

static void add_note(struct thread_series *s, char *msg)
{
	add_str(&s->notes, &s->nr_notes, &s->alloc_notes, msg);
}

/* ---- trailers ----------------------------------------------------- */

static const char *const review_tags[] = {
	"Reviewed-by", "Acked-by", "Tested-by",
};

size_t thread_trailers(const char *body, char ***trailers)
{
	size_t nr = 0, alloc = 0, i;
	const char *p = body;

	*trailers = NULL;
	while (p && *p) {
		const char *nl = strchrnul(p, '\n'), *s = p, *v, *e;
		size_t n = nl - p;

		p = *nl ? nl + 1 : NULL;
		if ((n == 3 && !strncmp(s, "-- ", 3)) ||
		    (n == 2 && !strncmp(s, "--", 2)))
			break;	/* the signature */
		while (s < nl && (*s == ' ' || *s == '\t'))
			s++;
		for (i = 0; i < ARRAY_SIZE(review_tags); i++) {
			size_t tl = strlen(review_tags[i]);

			if ((size_t)(nl - s) > tl &&
			    !strncasecmp(s, review_tags[i], tl))
				break;
		}
		if (i == ARRAY_SIZE(review_tags))
			continue;
		v = s + strlen(review_tags[i]);
		while (v < nl && (*v == ' ' || *v == '\t'))
			v++;
		if (v >= nl || *v != ':')
			continue;
		v++;
		while (v < nl && (*v == ' ' || *v == '\t'))
			v++;
		for (e = nl; e > v && isspace((unsigned char)e[-1]); e--)
			;
		if (e == v || !memchr(v, '@', e - v))
			continue;
		add_str(trailers, &nr, &alloc,
			xasprintf("%s: %.*s", review_tags[i], (int)(e - v), v));
	}
	return nr;
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while (p && *p) {
		const char *nl = strchrnul(p, '\n');

		if ((size_t)(nl - p) == n && !strncasecmp(p, line, n))
			return true;
		p = *nl ? nl + 1 : NULL;
	}
	return false;
}

static void add_trailer(struct thread_patch *tp, const char *t)
{
	size_t i;

	if (has_line(tp->patch.body, t))
		return;
	for (i = 0; i < tp->nr_trailers; i++)
		if (!strcasecmp(tp->trailers[i], t))
			return;
	add_str(&tp->trailers, &tp->nr_trailers, &tp->alloc_trailers,
		xstrdup(t));
}

/* Whether every line of the last paragraph of @body is a trailer. */
static bool ends_with_trailers(const char *body)
{
	const char *end = body + strlen(body), *start, *p;
	bool any = false;

	while (end > body && end[-1] == '\n')
		end--;
	start = end;
	while (start > body && !(start[-1] == '\n' && start - 1 > body &&
				 start[-2] == '\n'))
		start--;
	for (p = start; p < end;) {
		const char *nl = memchr(p, '\n', end - p), *q = p;

		if (!nl)
			nl = end;
		if (*p == '[' && nl[-1] == ']') {
			p = nl + 1;
			continue;
		}
		while (q < nl && (isalnum((unsigned char)*q) || *q == '-'))
			q++;
		if (q == p || q + 1 >= nl || q[0] != ':' || q[1] != ' ')
			return false;
		any = true;
		p = nl + 1;
	}
	return any;
}

/* ---- the series --------------------------------------------------- */

struct info {
	const struct mail *m;
	struct subject_info si;
	char *msgid;
	bool is_patch, is_cover;
	int64_t time;
};

static bool has_diff(const struct mail *m)
{
	const char *p = m->body;

	if (!p)
		return false;
	if (starts_with(p, "diff --git "))
		return true;
	return strstr(p, "\ndiff --git ") != NULL;
}

static ssize_t find_msgid(const struct info *in, size_t nr, const char *id)
{
	size_t i;

	for (i = 0; id && i < nr; i++)
		if (in[i].msgid && !strcmp(in[i].msgid, id))
			return i;
	return -1;
}

/*
 * Which selected mail a reply is about: -1 for the cover letter, 1..N for
 * a patch, 0 for none of them. Follows In-Reply-To up through other
 * replies, then References from the nearest.
 */
static int reply_target(const struct info *in, size_t nr, size_t i,
			const int *selected, int depth)
{
	const char *irt = mail_get(in[i].m, "In-Reply-To");
	const char *refs = mail_get(in[i].m, "References");
	char *parent = mail_msgid(irt), **ids;
	size_t nr_ids = refs ? mail_msgids(refs, &ids) : 0, k;
	ssize_t j = find_msgid(in, nr, parent);
	int t = 0;

	free(parent);
	if (j >= 0 && selected[j]) {
		t = selected[j];
	} else if (j >= 0 && depth < 64 && !in[j].is_patch &&
		   !in[j].is_cover) {
		t = reply_target(in, nr, j, selected, depth + 1);
	}
	for (k = nr_ids; !t && k-- > 0;) {
		j = find_msgid(in, nr, ids[k]);
		if (j >= 0 && selected[j])
			t = selected[j];
	}
	for (k = 0; k < nr_ids; k++)
		free(ids[k]);
	if (nr_ids)
		free(ids);
	return t;
}

/* The text after the message: from the "---" line on, or the diff. */
static char *rest_of(const char *body)
{
	const char *p = body;
	bool headers = true;

	while (*p) {
		const char *nl = strchrnul(p, '\n');
		size_t n = nl - p, i;

		if (headers && (starts_with(p, "From:") ||
				starts_with(p, "Subject:") ||
				starts_with(p, "Date:"))) {
			p = *nl ? nl + 1 : nl;
			continue;
		}
		headers = false;
		if (n >= 3 && !strncmp(p, "---", 3)) {
			for (i = 3; i < n && isspace((unsigned char)p[i]); i++)
				;
			if (i == n)
				return xstrdup(*nl ? nl + 1 : nl);
		}
		if (starts_with(p, "diff --git "))
			return xstrdup(p);
		p = *nl ? nl + 1 : nl;
	}
	return xstrdup("");
}

static bool foreign_tag(const char *project, char **which)
{
	const char *p = project;
	size_t i;

	while (*p) {
		const char *e = p;

		while (*e && *e != ' ')
			e++;
		for (i = 0; i < ARRAY_SIZE(foreign_projects); i++) {
			if (strlen(foreign_projects[i]) == (size_t)(e - p) &&
			    !strncasecmp(foreign_projects[i], p, e - p)) {
				*which = xstrndup(p, e - p);
				return true;
			}
		}
		p = *e ? e + 1 : e;
	}
	return false;
}

static int parse_patch(struct thread_patch *tp, const struct info *in,
		       struct strbuf *err)
{
	const struct mail *m = in->m;
	struct strbuf text = STRBUF_INIT, perr = STRBUF_INIT;
	const char *from = mail_get(m, "From"), *date = mail_get(m, "Date");
	char *desc = mail_describe(m);
	int ret = 0;

	/* the headers git am reads, then the decoded body */
	sb_addf(&text, "From: %s\nDate: %s\nSubject: %s\n\n",
		from ? from : "", date ? date : "",
		mail_get(m, "Subject"));
	sb_add(&text, m->body, m->body_len);
	tp->mail = m;
	if (!from || !date) {
		sb_addf(err, "malformed mail: %s has no %s header", desc,
			!from ? "From:" : "Date:");
		ret = -1;
	} else if (patch_parse(&tp->patch, desc, text.buf, text.len, &perr)) {
		sb_addf(err, "malformed patch mail: %s", perr.buf);
		ret = -1;
	} else {
		tp->rest = rest_of(m->body);
	}
	sb_release(&text);
	sb_release(&perr);
	free(desc);
	return ret;
}

static int mail_time(const struct mail *m, int64_t *t)
{
	const char *d = mail_get(m, "Date");
	int tz;

	*t = 0;
	return d ? parse_mail_date(d, t, &tz) : -1;
}

/* Read the subjects, ids and dates; tell patches and cover letters. */
static int classify(const struct mbox *mb, struct info *in,
		    struct strbuf *err)
{
	size_t i;

	for (i = 0; i < mb->nr; i++) {
		char *subj = mail_get_decoded(&mb->mails[i], "Subject"), *d;

		in[i].m = &mb->mails[i];
		subject_parse(subj ? subj : "", &in[i].si);
		free(subj);
		in[i].msgid = mail_msgid(mail_get(in[i].m, "Message-Id"));
		mail_time(in[i].m, &in[i].time);
		if (in[i].si.reply || !in[i].si.patch)
			continue;
		if (in[i].si.index == 0 && in[i].si.total > 0) {
			in[i].is_cover = true;
		} else if (has_diff(in[i].m)) {
			in[i].is_patch = true;
		} else {
			d = mail_describe(in[i].m);
			sb_addf(err, "malformed patch mail: %s has no diff", d);
			free(d);
			return -1;
		}
	}
	return 0;
}

/* The newest version (its newest posting if it came twice): 0 if none. */
static int newest_version(const struct info *in, size_t nr, int *total)
{
	int version = 0;
	int64_t newest = 0;
	size_t i;

	for (i = 0; i < nr; i++) {
		const struct subject_info *si = &in[i].si;

		if (!in[i].is_patch && !in[i].is_cover)
			continue;
		if (si->version > version ||
		    (si->version == version && in[i].time >= newest)) {
			version = si->version;
			newest = in[i].time;
			*total = si->total ? si->total : 1;
		}
	}
	return version;
}

/* pick[k]: the mail of patch k of @version (0: the cover), or -1. */
static ssize_t *pick_mails(const struct info *in, size_t nr, int version,
			   int total, struct thread_series *s)
{
	ssize_t *pick = xmalloc((total + 1) * sizeof(*pick));
	int other_versions = 0;
	size_t i, k;

	for (k = 0; k <= (size_t)total; k++)
		pick[k] = -1;
	for (i = 0; i < nr; i++) {
		const struct subject_info *si = &in[i].si;
		int idx = si->total ? si->index : 1;

		if (!in[i].is_patch && !in[i].is_cover)
			continue;
		if (si->version != version ||
		    (si->total ? si->total : 1) != total || idx > total) {
			other_versions++;
			continue;
		}
		if (pick[idx] >= 0) {
			add_note(s, xasprintf("v%d %d/%d was posted twice; using the newer mail",
					      version, idx, total));
			if (in[pick[idx]].time > in[i].time)
				continue;
		}
		pick[idx] = i;
	}
	if (other_versions)
		add_note(s, xasprintf("left aside %d patch mail(s) of other versions or postings",
				      other_versions));
	return pick;
}

/* Refuse a series tagged for another project, or one that lacks a patch. */
static int check_picked(const struct info *in, const ssize_t *pick,
			int version, int total, struct strbuf *err)
{
	struct strbuf bad = STRBUF_INIT;
	size_t k, missing = 0;
	char *which;

	for (k = 0; k <= (size_t)total; k++) {
		if (pick[k] < 0 || !foreign_tag(in[pick[k]].si.project, &which))
			continue;
		sb_addf(err, "not a kernel series: the subject tag '%s' marks patches for another project ('%s')",
			which, mail_get(in[pick[k]].m, "Subject"));
		free(which);
		return -1;
	}
	for (k = 1; k <= (size_t)total; k++)
		if (pick[k] < 0)
			sb_addf(&bad, "%s%zu", missing++ ? ", " : "", k);
	if (missing)
		sb_addf(err, "incomplete series: v%d lacks patch%s %s of %d; nothing imported",
			version, missing > 1 ? "es" : "", bad.buf, total);
	sb_release(&bad);
	return missing ? -1 : 0;
}

/* Refuse patches to paths that are not the kernel's. */
static int check_paths(const struct thread_series *s,
		       thread_path_fn is_kernel_path, void *data,
		       struct strbuf *err)
{
	struct strbuf bad = STRBUF_INIT;
	size_t i, k;
	int ret;

	for (k = 0; k < (size_t)s->total; k++) {
		const struct patch *p = &s->patches[k].patch;

		for (i = 0; i < p->nr_files; i++) {
			const char *path = p->files[i].new_path ?
				p->files[i].new_path : p->files[i].old_path;

			if (path && !is_kernel_path(data, path))
				sb_addf(&bad, "%s%s", bad.len ? ", " : "", path);
		}
	}
	if (bad.len)
		sb_addf(err, "not a kernel series: %s %s not in the Linux tree",
			bad.buf, strchr(bad.buf, ',') ? "are" : "is");
	ret = bad.len ? -1 : 0;
	sb_release(&bad);
	return ret;
}

/* Review trailers from the replies, in mailbox order. */
static void collect_trailers(const struct info *in, size_t nr,
			     const int *selected, struct thread_series *s)
{
	size_t i, j, k, nt;
	char **t;
	int target;

	for (i = 0; i < nr; i++) {
		if (selected[i] || in[i].is_patch || in[i].is_cover)
			continue;
		target = reply_target(in, nr, i, selected, 0);
		if (!target)
			continue;
		nt = thread_trailers(in[i].m->body, &t);
		for (j = 0; j < nt; j++) {
			if (target < 0) {
				for (k = 0; k < (size_t)s->total; k++)
					add_trailer(&s->patches[k], t[j]);
			} else {
				add_trailer(&s->patches[target - 1], t[j]);
			}
			free(t[j]);
		}
		free(t);
	}
}

int thread_find_series(const struct mbox *mb, thread_path_fn is_kernel_path,
		       void *data, struct thread_series *s,
		       struct strbuf *err)
{
	struct info *in = xcalloc(mb->nr ? mb->nr : 1, sizeof(*in));
	int *selected = xcalloc(mb->nr ? mb->nr : 1, sizeof(*selected));
	ssize_t *pick = NULL;
	int version, total = 0;
	size_t i, k;
	int ret = -1;

	memset(s, 0, sizeof(*s));
	if (!is_kernel_path)
		is_kernel_path = thread_kernel_path_guess;
	if (classify(mb, in, err))
		goto out;
	version = newest_version(in, mb->nr, &total);
	if (!version) {
		sb_addf(err, "no patches in the mailbox (no mail has a [PATCH] subject and a diff)");
		goto out;
	}
	pick = pick_mails(in, mb->nr, version, total, s);
	if (check_picked(in, pick, version, total, err))
		goto out;

	s->version = version;
	s->total = total;
	s->patches = xcalloc(total, sizeof(*s->patches));
	for (k = 1; k <= (size_t)total; k++) {
		if (parse_patch(&s->patches[k - 1], &in[pick[k]], err))
			goto out;
		selected[pick[k]] = k;
	}
	if (pick[0] >= 0) {
		s->cover = in[pick[0]].m;
		selected[pick[0]] = -1;
		s->title = xstrdup(in[pick[0]].si.title);
	} else {
		s->title = xstrdup(s->patches[0].patch.subject);
	}
	if (check_paths(s, is_kernel_path, data, err))
		goto out;
	collect_trailers(in, mb->nr, selected, s);
	ret = 0;
out:
	if (ret)
		thread_series_release(s);
	for (i = 0; i < mb->nr; i++) {
		subject_release(&in[i].si);
		free(in[i].msgid);
	}
	free(in);
	free(selected);
	free(pick);
	return ret;
}

void thread_series_release(struct thread_series *s)
{
	size_t i, j;

	for (i = 0; s->patches && i < (size_t)s->total; i++) {
		struct thread_patch *tp = &s->patches[i];

		if (tp->patch.text)
			patch_release(&tp->patch);
		free(tp->rest);
		for (j = 0; j < tp->nr_trailers; j++)
			free(tp->trailers[j]);
		free(tp->trailers);
	}
	free(s->patches);
	for (i = 0; i < s->nr_notes; i++)
		free(s->notes[i]);
	free(s->notes);
	free(s->title);
	memset(s, 0, sizeof(*s));
}

void thread_patch_file(const struct thread_series *s, size_t i,
		       struct strbuf *out)
{
	const struct thread_patch *tp = &s->patches[i];
	const struct patch *p = &tp->patch;
	struct strbuf body = STRBUF_INIT;
	size_t k;

	sb_addstr(&body, p->body);
	if (tp->nr_trailers)
		sb_addstr(&body, ends_with_trailers(p->body) ? "\n" : "\n\n");
	for (k = 0; k < tp->nr_trailers; k++)
		sb_addf(&body, "%s%s", tp->trailers[k],
			k + 1 < tp->nr_trailers ? "\n" : "");
	if (body.len)
		sb_addch(&body, '\n');
	patch_file_format(out, p->author_name, p->author_email, p->time,
			  p->tz_minutes, p->subject, sb_str(&body), tp->rest);
	sb_release(&body);
}
