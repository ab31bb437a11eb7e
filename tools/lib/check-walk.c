// SPDX-License-Identifier: GPL-2.0
/*
 * The walk of the work tree, commit by commit, recorded so that a killed
 * run's is put back; and the signals that interrupt it.
 */
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define WALK_FILE	"kseries-walk"

/* Walking the work tree */

static int read_head(struct check_walk *w)
{
	git_reference *head = NULL, *res = NULL;
	int ret = 0;

	if (git_reference_lookup(&head, w->repo.repo, "HEAD"))
		return error("%s: no HEAD: %s", w->repo.dir, lg2_err());
	if (git_reference_type(head) == GIT_REFERENCE_SYMBOLIC)
		w->head_ref = xstrdup(git_reference_symbolic_target(head));
	if (git_reference_resolve(&res, head))
		ret = error("%s: HEAD does not point at a commit: %s",
			    w->repo.dir, lg2_err());
	else
		git_oid_cpy(&w->head, git_reference_target(res));
	git_reference_free(res);
	git_reference_free(head);
	return ret;
}

static int write_state(struct check_walk *w)
{
	char head[GIT_OID_HEXSZ + 1], cur[GIT_OID_HEXSZ + 1], *text;
	int ret;

	git_oid_tostr(head, sizeof(head), &w->head);
	git_oid_tostr(cur, sizeof(cur), &w->cur);
	text = xasprintf("head %s\nref %s\ncur %s\n", head,
			 w->head_ref ? w->head_ref : "", cur);
	ret = write_file_atomic(w->state, text, strlen(text));

	free(text);
	if (ret)
		error("cannot write %s: %s", w->state, strerror(errno));
	return ret;
}

/* Put back what a killed walk left: HEAD detached at 'cur'. */
static int resume_state(struct check_walk *w)
{
	struct strbuf sb = STRBUF_INIT, err = STRBUF_INIT;
	char head[41] = "", ref[256] = "", cur[41] = "";
	git_oid h, c;
	const char *p;
	int ret = -1;

	if (read_file(w->state, &sb))
		return 0;
	for (p = sb.buf; p && *p; ) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len > 5 && !strncmp(p, "head ", 5) && len - 5 < sizeof(head))
			memcpy(head, p + 5, len - 5), head[len - 5] = '\0';
		else if (len > 4 && !strncmp(p, "ref ", 4) &&
			 len - 4 < sizeof(ref))
			memcpy(ref, p + 4, len - 4), ref[len - 4] = '\0';
		else if (len > 4 && !strncmp(p, "cur ", 4) &&
			 len - 4 < sizeof(cur))
			memcpy(cur, p + 4, len - 4), cur[len - 4] = '\0';
		p = nl ? nl + 1 : NULL;
	}
	if (git_oid_fromstr(&h, head) || git_oid_fromstr(&c, cur)) {
		error("%s is damaged; remove it after checking the tree",
		      w->state);
		goto out;
	}
	note("putting back the work tree a killed check left at %.12s",
	     cur);
	if (krepo_checkout(&w->repo, &c, &h, false, &err) < 0) {
		error("cannot put the work tree back from %.12s to %.12s:\n%s",
		      cur, head, err.buf);
		goto out;
	}
	if (ref[0] ? git_repository_set_head(w->repo.repo, ref) :
		     git_repository_set_head_detached(w->repo.repo, &h)) {
		error("cannot set HEAD back: %s", lg2_err());
		goto out;
	}
	unlink(w->state);
	ret = 0;
out:
	sb_release(&sb);
	sb_release(&err);
	return ret;
}

static int refuse_local_changes(struct check_walk *w)
{
	git_status_options so;
	git_status_list *st = NULL;
	struct strbuf paths = STRBUF_INIT;
	size_t n, i;

	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (git_status_list_new(&st, w->repo.repo, &so))
		return error("cannot read the work tree's state: %s",
			     lg2_err());
	n = git_status_list_entrycount(st);
	for (i = 0; i < n && i < 10; i++) {
		const git_status_entry *e = git_status_byindex(st, i);
		const git_diff_delta *d = e->index_to_workdir ?
			e->index_to_workdir : e->head_to_index;

		sb_addf(&paths, "\n\t%s", d && d->new_file.path ?
			d->new_file.path : "?");
	}
	if (n > 10)
		sb_addf(&paths, "\n\t... and %zu more", n - 10);
	if (n)
		error("%s has local changes; commit or stash them first (a check builds each commit as committed):%s",
		      w->repo.dir, paths.buf);
	sb_release(&paths);
	git_status_list_free(st);
	return n ? -1 : 0;
}

int check_walk_open(struct check_walk *w, const char *tree)
{
	memset(w, 0, sizeof(*w));
	if (krepo_open(&w->repo, tree))
		return -1;
	w->open = true;
	w->state = path_join(git_repository_path(w->repo.repo), WALK_FILE);
	if (resume_state(w) || read_head(w) || refuse_local_changes(w)) {
		check_walk_close(w);
		return -1;
	}
	git_oid_cpy(&w->cur, &w->head);
	return 0;
}

int check_walk_goto(struct check_walk *w, const git_oid *id)
{
	struct strbuf err = STRBUF_INIT;
	git_oid from = w->cur;

	if (git_oid_equal(&w->cur, id) && !path_exists(w->state))
		return 0;
	/* Record first: a kill in between leaves a walk to put back. */
	git_oid_cpy(&w->cur, id);
	if (write_state(w))
		return -1;
	if (krepo_checkout(&w->repo, &from, id, false, &err) < 0) {
		git_oid_cpy(&w->cur, &from);
		write_state(w);
		error("cannot check out %.12s: %s", git_oid_tostr_s(id),
		      err.buf);
		sb_release(&err);
		return -1;
	}
	sb_release(&err);
	if (git_repository_set_head_detached(w->repo.repo, id))
		return error("cannot detach HEAD at %.12s: %s",
			     git_oid_tostr_s(id), lg2_err());
	return 0;
}

int check_walk_restore(struct check_walk *w)
{
	struct strbuf err = STRBUF_INIT;

	if (!w->open || !path_exists(w->state))
		return 0;
	if (krepo_checkout(&w->repo, &w->cur, &w->head, false, &err) < 0) {
		error("cannot put the work tree back at %.12s: %s\n"
		      "(run the check again to retry)",
		      git_oid_tostr_s(&w->head), err.buf);
		sb_release(&err);
		return -1;
	}
	sb_release(&err);
	if (w->head_ref ? git_repository_set_head(w->repo.repo, w->head_ref) :
			  git_repository_set_head_detached(w->repo.repo,
							   &w->head))
		return error("cannot set HEAD back: %s", lg2_err());
	git_oid_cpy(&w->cur, &w->head);
	unlink(w->state);
	return 0;
}

void check_walk_close(struct check_walk *w)
{
	if (w->open)
		krepo_close(&w->repo);
	free(w->head_ref);
	free(w->state);
	memset(w, 0, sizeof(*w));
}

/* Interruption */

volatile sig_atomic_t check_interrupted;

/* Async-signal-safe: find our children in /proc, stop their groups. */
static void stop_children(int sig)
{
	char buf[4096], path[64], stat[512];
	pid_t me = getpid();
	int dfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long n;

	if (dfd < 0)
		return;
	while ((n = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0) {
		long off = 0;

		while (off < n) {
			unsigned short reclen;
			const char *name = buf + off + 19;
			long pid = 0, ppid = 0;
			const char *p;
			int fd;
			ssize_t len;

			memcpy(&reclen, buf + off + 16, sizeof(reclen));
			off += reclen;
			for (p = name; *p >= '0' && *p <= '9'; p++)
				pid = pid * 10 + (*p - '0');
			if (*p || !pid)
				continue;
			/* "/proc/<pid>/stat": "pid (comm) S ppid ..." */
			{
				char *q = path;
				const char *s = "/proc/";
				char digits[24];
				int k = 0;
				long v = pid;

				while (*s)
					*q++ = *s++;
				do {
					digits[k++] = '0' + v % 10;
					v /= 10;
				} while (v);
				while (k)
					*q++ = digits[--k];
				s = "/stat";
				while (*s)
					*q++ = *s++;
				*q = '\0';
			}
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			len = read(fd, stat, sizeof(stat) - 1);
			close(fd);
			if (len <= 0)
				continue;
			stat[len] = '\0';
			p = strrchr(stat, ')');
			if (!p || p[1] != ' ' || !p[2] || p[3] != ' ')
				continue;
			for (p += 4; *p >= '0' && *p <= '9'; p++)
				ppid = ppid * 10 + (*p - '0');
			if (ppid != me)
				continue;
			kill(-(pid_t)pid, sig);
			kill((pid_t)pid, sig);
		}
	}
	close(dfd);
}

static void on_signal(int sig)
{
	int saved = errno;

	if (check_interrupted) {
		/* A second one: stop now, the next run puts the tree back. */
		signal(sig, SIG_DFL);
		raise(sig);
	}
	check_interrupted = sig;
	stop_children(SIGTERM);
	errno = saved;
}

void check_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}
