/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Definitions for nested_migration_test that the 5.10 selftest headers of
 * the tree do not provide.  Values are the architectural (AMD APM) and
 * upstream uapi ones.
 */
#ifndef SELFTEST_NESTED_MIGRATION_H
#define SELFTEST_NESTED_MIGRATION_H

#include <stdint.h>
#include <linux/kvm.h>

#ifndef SVM_EXIT_NMI
#define SVM_EXIT_NMI			0x061
#endif
#ifndef SVM_EXIT_VMMCALL
#define SVM_EXIT_VMMCALL		0x081
#endif

/* CPUID Fn8000_000A EDX: nested paging. */
#define SVM_FEATURE_NPT			(1u << 0)

/* Nested page table entries: present, writable, user (NPT walks are user). */
#define NPT_PRESENT_RW_USER		0x7ull
#define NPT_LARGE			0x80ull

#ifndef KVM_STATE_NESTED_GUEST_MODE
#define KVM_STATE_NESTED_GUEST_MODE	0x00000001
#endif
#ifndef KVM_STATE_NESTED_RUN_PENDING
#define KVM_STATE_NESTED_RUN_PENDING	0x00000002
#endif
#ifndef KVM_STATE_NESTED_GIF_SET
#define KVM_STATE_NESTED_GIF_SET	0x00000100
#endif

/* Room for the header and the SVM data (one VMCB page). */
union nested_state_buf {
	struct kvm_nested_state state;
	char bytes[16384];
};

_Static_assert(sizeof(struct kvm_nested_state) == 128,
	       "struct kvm_nested_state header is 128 bytes");

#endif /* SELFTEST_NESTED_MIGRATION_H */
