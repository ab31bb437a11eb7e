// SPDX-License-Identifier: GPL-2.0
#include "accel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "util.h"

#define PROBE_ENV	"KSERIES_ACCEL_PROBE"

const char *accel_name(enum accel a)
{
	return a == ACCEL_KVM ? "kvm" : "tcg";
}

static bool has_word(const char *s, size_t len, const char *word)
{
	size_t wl = strlen(word);
	const char *end = s + len, *p = s;

	while (p < end) {
		const char *q;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		q = p;
		while (q < end && *q != ' ' && *q != '\t')
			q++;
		if ((size_t)(q - p) == wl && !memcmp(p, word, wl))
			return true;
		p = q;
	}
	return false;
}

void accel_cpu_flags(const char *cpuinfo, bool *vmx, bool *svm)
{
	const char *line = cpuinfo;

	*vmx = false;
	*svm = false;
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		const char *colon = memchr(line, ':', len);

		/* "flags\t\t: fpu vme ...": the first CPU's is enough. */
		if (colon && starts_with(line, "flags") &&
		    strspn(line + 5, " \t") == (size_t)(colon - line - 5)) {
			colon++;
			*vmx = has_word(colon, line + len - colon, "vmx");
			*svm = has_word(colon, line + len - colon, "svm");
			return;
		}
		line = nl ? nl + 1 : NULL;
	}
}

int accel_parse_nested(const char *text)
{
	if (!text)
		return -1;
	while (*text == ' ' || *text == '\t')
		text++;
	if (*text == 'Y' || *text == 'y' || *text == '1')
		return 1;
	if (*text == 'N' || *text == 'n' || *text == '0')
		return 0;
	return -1;
}

static int parse_errno(const char *v, int *out)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (end == v || *end || n < 0)
		return -1;
	*out = (int)n;
	return 0;
}

int accel_host_parse(const char *text, struct accel_host *h)
{
	char *copy = xstrdup(text), *save = NULL, *tok;
	int ret = 0;

	memset(h, 0, sizeof(*h));
	h->nested = -1;
	for (tok = strtok_r(copy, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save)) {
		char *v = strchr(tok, '=');

		if (!v) {
			ret = -1;
			break;
		}
		*v++ = '\0';
		if (!strcmp(tok, "dev")) {
			ret = parse_errno(v, &h->dev_err);
		} else if (!strcmp(tok, "vm")) {
			ret = parse_errno(v, &h->vm_err);
		} else if (!strcmp(tok, "nested")) {
			h->nested = accel_parse_nested(v);
			ret = h->nested < 0 && strcmp(v, "?") ? -1 : 0;
		} else if (!strcmp(tok, "flags")) {
			h->vmx = strstr(v, "vmx") != NULL;
			h->svm = strstr(v, "svm") != NULL;
			ret = !h->vmx && !h->svm && strcmp(v, "none") ? -1 : 0;
		} else {
			ret = -1;
		}
		if (ret)
			break;
	}
	free(copy);
	return ret;
}

void accel_probe(struct accel_host *h)
{
	struct strbuf sb = STRBUF_INIT;
	int fd, vm;

	memset(h, 0, sizeof(*h));
	h->nested = -1;
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		h->dev_err = errno;
	} else {
		vm = ioctl(fd, KVM_CREATE_VM, 0);
		if (vm < 0)
			h->vm_err = errno;
		else
			close(vm);
		close(fd);
	}
	if (!read_file("/proc/cpuinfo", &sb))
		accel_cpu_flags(sb_str(&sb), &h->vmx, &h->svm);
	sb_reset(&sb);
	if ((h->vmx || h->svm) &&
	    !read_file(h->vmx ? "/sys/module/kvm_intel/parameters/nested" :
				"/sys/module/kvm_amd/parameters/nested", &sb))
		h->nested = accel_parse_nested(sb_str(&sb));
	sb_release(&sb);
}

static void why(struct accel_choice *c, const char *fmt, ...)
	__printf(2, 3);

static void why(struct accel_choice *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
}

/* Why the guest would get no VMX/SVM from KVM, or NULL if it would. */
static const char *no_nesting(const struct accel_host *h, char *buf,
			      size_t size)
{
	const char *mod = h->vmx ? "kvm_intel" : "kvm_amd";
	const char *feat = h->vmx ? "VMX" : "SVM";

	if (!h->vmx && !h->svm)
		return "the host CPU has no VMX/SVM to give the guest";
	if (h->nested == 1)
		return NULL;
	snprintf(buf, size, h->nested ?
		 "%s's nested parameter cannot be read, so the guest may get no %s" :
		 "%s's nested parameter is off, so the guest gets no %s",
		 mod, feat);
	return buf;
}

int accel_decide(const struct accel_host *h, int want,
		 struct accel_choice *c)
{
	const char *dev = want > 0 ? "--kvm" : "TCG";
	const char *lack;
	char buf[160];

	memset(c, 0, sizeof(*c));
	c->accel = ACCEL_TCG;
	c->forced = want >= 0;
	if (!want) {
		why(c, "TCG: --no-kvm");
		return 0;
	}
	if (h->dev_err) {
		if (h->dev_err == ENOENT)
			why(c, "%s: no /dev/kvm on this host", dev);
		else
			why(c, "%s: /dev/kvm cannot be opened: %s", dev,
			    strerror(h->dev_err));
		return want > 0 ? -1 : 0;
	}
	if (h->vm_err) {
		why(c, "%s: /dev/kvm opens but KVM_CREATE_VM fails: %s", dev,
		    strerror(h->vm_err));
		return want > 0 ? -1 : 0;
	}
	lack = no_nesting(h, buf, sizeof(buf));
	if (want > 0) {
		c->accel = ACCEL_KVM;
		if (lack)
			why(c, "KVM: --kvm, although %s (its KVM selftests will skip)",
			    lack);
		else
			why(c, "KVM: --kvm");
		return 0;
	}
	if (lack) {
		why(c, "TCG: /dev/kvm works but %s", lack);
		return 0;
	}
	c->accel = ACCEL_KVM;
	why(c, "KVM: /dev/kvm works and %s nests %s for the guest",
	    h->vmx ? "kvm_intel" : "kvm_amd", h->vmx ? "VMX" : "SVM");
	return 0;
}

static struct {
	bool probed;
	struct accel_host host;
	bool fell_back;
	char fall_back_why[256];
} state;

int accel_choose(int want, struct accel_choice *c)
{
	/* --no-kvm needs no probe. */
	if (want && !state.probed) {
		const char *fake = getenv(PROBE_ENV);

		if (fake && *fake) {
			if (accel_host_parse(fake, &state.host))
				return error("%s: cannot parse '%s'", PROBE_ENV,
					     fake);
		} else {
			accel_probe(&state.host);
		}
		state.probed = true;
	}
	if (accel_decide(&state.host, want, c))
		return -1;
	if (state.fell_back && !c->forced) {
		c->accel = ACCEL_TCG;
		memcpy(c->why, state.fall_back_why, sizeof(c->why));
	}
	return 0;
}

void accel_fall_back(const char *qemu_error, struct accel_choice *c)
{
	const char *msg = qemu_error && *qemu_error ? qemu_error :
			  "no message";
	size_t len = strcspn(msg, "\n");

	if (len > 120)
		len = 120;
	memset(c, 0, sizeof(*c));
	c->accel = ACCEL_TCG;
	why(c, "TCG: QEMU failed to start under KVM (%.*s); retrying under TCG",
	    (int)len, msg);
	state.fell_back = true;
	memcpy(state.fall_back_why, c->why, sizeof(c->why));
}
