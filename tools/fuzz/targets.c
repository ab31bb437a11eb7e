// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzed code paths. Every allocation is freed, so that leaks show.
 */
#include "targets.h"

#include <stdlib.h>
#include <string.h>

#include "lib/diffstat.h"
#include "lib/lint.h"
#include "lib/maintainers.h"
#include "lib/mbox.h"
#include "lib/patch.h"
#include "lib/thread.h"

void fuzz_mbox_one(const uint8_t *data, size_t size)
{
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	struct thread_series s;
	struct mbox mb;
	size_t i;

	if (mbox_parse(&mb, (const char *)data, size, &err)) {
		sb_release(&err);
		return;
	}
	for (i = 0; i < mb.nr; i++) {
		char *d = mail_describe(&mb.mails[i]);
		char *irt = mail_msgid(mail_get(&mb.mails[i], "In-Reply-To"));

		free(d);
		free(irt);
	}
	if (!thread_find_series(&mb, NULL, NULL, &s, &err)) {
		for (i = 0; i < (size_t)s.total; i++) {
			sb_reset(&out);
			thread_patch_file(&s, i, &out);
		}
		thread_series_release(&s);
	}
	mbox_release(&mb);
	sb_release(&err);
	sb_release(&out);
}

void fuzz_patch_one(const uint8_t *data, size_t size)
{
	struct strbuf err = STRBUF_INIT, why = STRBUF_INIT, fmt = STRBUF_INIT;
	struct lint_report r = { 0 };
	struct lint_ctx ctx = { 0 };
	struct diffstat ds = { 0 };
	struct patch p;
	char *text = xstrndup((const char *)data, size);

	if (!patch_parse(&p, "fuzz.patch", (const char *)data, size, &err)) {
		diffstat_from_patch(&ds, &p);
		diffstat_sort(&ds);
		diffstat_format(&ds, 72, &fmt);
		diffstat_check(text, &ds, &why);
		diffstat_release(&ds);
		patch_release(&p);
	}
	lint_patch(&r, &ctx, "fuzz.patch", (const char *)data, size);
	lint_report_release(&r);
	free(text);
	sb_release(&err);
	sb_release(&why);
	sb_release(&fmt);
}

void fuzz_maintainers_one(const uint8_t *data, size_t size)
{
	static const char cut[] = "\n---8<---\n";
	static const char dflt[] =
		"Subject: [PATCH] KVM: x86: bpf\n\nFixes: 0123456789ab (\"x\")\n"
		"---\ndiff --git a/arch/x86/kvm/x86.c b/arch/x86/kvm/x86.c\n"
		"--- a/arch/x86/kvm/x86.c\n+++ b/arch/x86/kvm/x86.c\n"
		"@@ -1 +1 @@\n-a\n+KVM_XEN_HVM\n";
	const char *text = (const char *)data, *patch = dflt;
	size_t mlen = size, plen = strlen(dflt), i;
	struct strbuf err = STRBUF_INIT;
	struct maint_list l = { 0 };
	struct maintainers *m;
	const char *sep = memmem(text, size, cut, strlen(cut));

	if (sep) {
		mlen = sep - text;
		patch = sep + strlen(cut);
		plen = size - (patch - text);
	}
	m = maintainers_parse("fuzz", text, mlen, NULL, &err);
	maintainers_for_patch(m, patch, plen, NULL, NULL, &l);
	for (i = 0; i < l.nr; i++) {
		char *n, *a, *f;

		maint_parse_email(l.v[i].addr, &n, &a);
		f = maint_format_email(n, a);
		free(n);
		free(a);
		free(f);
	}
	maint_list_release(&l);
	maintainers_free(m);
	sb_release(&err);
}
