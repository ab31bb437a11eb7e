/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Xen HVM guest support in KVM: what the xen_* selftests need.
 *
 * The uapi parts fall back to upstream's values when the kernel headers
 * predate them, so that the tests build against any tree of the series
 * and skip at run time where KVM_CAP_XEN_HVM lacks the feature.  The
 * static asserts at the end check the layouts against upstream's ABI,
 * whichever definitions are in use.
 *
 * The Xen ABI structures the guest shares with the hypervisor are defined
 * here as well, in their 64-bit (native) and 32-bit (compat) layouts.
 */
#ifndef SELFTEST_XEN_H
#define SELFTEST_XEN_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

/* KVM_CAP_XEN_HVM: the set of supported KVM_XEN_HVM_CONFIG_* flags */
#ifndef KVM_XEN_HVM_CONFIG_HYPERCALL_MSR
#define KVM_XEN_HVM_CONFIG_HYPERCALL_MSR	(1 << 0)
#endif
#ifndef KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL
#define KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL	(1 << 1)
#endif
#ifndef KVM_XEN_HVM_CONFIG_SHARED_INFO
#define KVM_XEN_HVM_CONFIG_SHARED_INFO		(1 << 2)
#endif
#ifndef KVM_XEN_HVM_CONFIG_RUNSTATE
#define KVM_XEN_HVM_CONFIG_RUNSTATE		(1 << 3)
#endif

/* The hypercall exit; kvm_run.xen overlays the exit union at offset 32. */
#ifdef KVM_EXIT_XEN
#define XEN_EXIT(run)		(&(run)->xen)
#else
#define KVM_EXIT_XEN		34

struct kvm_xen_exit {
#define KVM_EXIT_XEN_HCALL	1
	__u32 type;
	union {
		struct {
			__u32 longmode;
			__u32 cpl;
			__u64 input;
			__u64 result;
			__u64 params[6];
		} hcall;
	} u;
};

#define XEN_EXIT(run)		((struct kvm_xen_exit *)&(run)->hyperv)
#endif

/* Per-VM attributes */
#ifndef KVM_XEN_HVM_GET_ATTR
struct kvm_xen_hvm_attr {
	__u16 type;
	__u16 pad[3];
	union {
		__u8 long_mode;
		__u8 vector;
		struct {
			__u64 gfn;
		} shared_info;
		__u64 pad[8];
	} u;
};

#define KVM_XEN_HVM_GET_ATTR	_IOWR(KVMIO, 0xc8, struct kvm_xen_hvm_attr)
#define KVM_XEN_HVM_SET_ATTR	_IOW(KVMIO,  0xc9, struct kvm_xen_hvm_attr)
#endif
#ifndef KVM_XEN_ATTR_TYPE_LONG_MODE
#define KVM_XEN_ATTR_TYPE_LONG_MODE		0x0
#define KVM_XEN_ATTR_TYPE_SHARED_INFO		0x1
#define KVM_XEN_ATTR_TYPE_UPCALL_VECTOR		0x2
#endif

/* Per-vCPU attributes */
#ifndef KVM_XEN_VCPU_GET_ATTR
struct kvm_xen_vcpu_attr {
	__u16 type;
	__u16 pad[3];
	union {
		__u64 gpa;
		__u64 pad[8];
		struct {
			__u64 state;
			__u64 state_entry_time;
			__u64 time_running;
			__u64 time_runnable;
			__u64 time_blocked;
			__u64 time_offline;
		} runstate;
	} u;
};

#define KVM_XEN_VCPU_GET_ATTR	_IOWR(KVMIO, 0xca, struct kvm_xen_vcpu_attr)
#define KVM_XEN_VCPU_SET_ATTR	_IOW(KVMIO,  0xcb, struct kvm_xen_vcpu_attr)
#endif
#ifndef KVM_XEN_VCPU_ATTR_TYPE_VCPU_INFO
#define KVM_XEN_VCPU_ATTR_TYPE_VCPU_INFO	0x0
#define KVM_XEN_VCPU_ATTR_TYPE_VCPU_TIME_INFO	0x1
#endif
#ifndef KVM_XEN_VCPU_ATTR_TYPE_RUNSTATE_ADDR
#define KVM_XEN_VCPU_ATTR_TYPE_RUNSTATE_ADDR	0x2
#define KVM_XEN_VCPU_ATTR_TYPE_RUNSTATE_CURRENT	0x3
#define KVM_XEN_VCPU_ATTR_TYPE_RUNSTATE_DATA	0x4
#define KVM_XEN_VCPU_ATTR_TYPE_RUNSTATE_ADJUST	0x5
#endif

/* Upstream's ABI, checked against whichever definitions are in use. */
_Static_assert(sizeof(struct kvm_xen_hvm_config) == 56, "xen_hvm_config");
_Static_assert(offsetof(struct kvm_xen_hvm_config, blob_size_64) == 25,
	       "xen_hvm_config.blob_size_64");
_Static_assert(sizeof(struct kvm_xen_exit) == 80, "kvm_xen_exit size");
_Static_assert(offsetof(struct kvm_xen_exit, u.hcall.input) == 16,
	       "kvm_xen_exit.input");
_Static_assert(offsetof(struct kvm_xen_exit, u.hcall.params) == 32,
	       "kvm_xen_exit.params");
_Static_assert(offsetof(struct kvm_run, hyperv) == 32, "kvm_run union");
_Static_assert(sizeof(struct kvm_xen_hvm_attr) == 72, "kvm_xen_hvm_attr");
_Static_assert(offsetof(struct kvm_xen_hvm_attr, u) == 8,
	       "kvm_xen_hvm_attr.u");
_Static_assert(sizeof(struct kvm_xen_vcpu_attr) == 72, "kvm_xen_vcpu_attr");
_Static_assert(offsetof(struct kvm_xen_vcpu_attr, u.runstate.time_offline) ==
	       48, "kvm_xen_vcpu_attr.u.runstate");
_Static_assert(KVM_EXIT_XEN == 34 && KVM_EXIT_XEN_HCALL == 1, "exit");
_Static_assert(KVM_XEN_HVM_GET_ATTR == _IOWR(KVMIO, 0xc8, struct
					       kvm_xen_hvm_attr), "0xc8");
_Static_assert(KVM_XEN_HVM_SET_ATTR == _IOW(KVMIO, 0xc9, struct
					      kvm_xen_hvm_attr), "0xc9");
_Static_assert(KVM_XEN_VCPU_GET_ATTR == _IOWR(KVMIO, 0xca, struct
						kvm_xen_vcpu_attr), "0xca");
_Static_assert(KVM_XEN_VCPU_SET_ATTR == _IOW(KVMIO, 0xcb, struct
					       kvm_xen_vcpu_attr), "0xcb");
_Static_assert(KVM_XEN_VCPU_ATTR_TYPE_RUNSTATE_ADJUST == 5, "types");

/* Xen ABI: RUNSTATE_* and the structures shared with the guest */
#define XEN_RUNSTATE_running	0
#define XEN_RUNSTATE_runnable	1
#define XEN_RUNSTATE_blocked	2
#define XEN_RUNSTATE_offline	3
#define XEN_RUNSTATE_UPDATE	(1ULL << 63)

struct xen_pvclock_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time;
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags;
	uint8_t pad[2];
} __attribute__((packed));

struct xen_wall_clock {
	uint32_t version;
	uint32_t sec;
	uint32_t nsec;
} __attribute__((packed));

/* 64 bytes in both layouts; time at 0x20 */
struct xen_vcpu_info {
	uint8_t evtchn_upcall_pending;
	uint8_t evtchn_upcall_mask;
	uint8_t pad0[6];
	uint64_t evtchn_pending_sel;
	uint64_t arch[2];
	struct xen_pvclock_time_info time;
};

/* Where the wall clock lives in shared_info */
#define XEN_SHINFO_WC_64	0xc00
#define XEN_SHINFO_WC_SEC_HI_64	0xc0c
#define XEN_SHINFO_WC_32	0x900
#define XEN_SHINFO_WC_SEC_HI_32	0x924

struct xen_runstate_info {
	int state;
	uint64_t state_entry_time;
	uint64_t time[4];
};

struct xen_compat_runstate_info {
	int state;
	uint64_t state_entry_time;
	uint64_t time[4];
} __attribute__((packed));

_Static_assert(sizeof(struct xen_vcpu_info) == 64, "vcpu_info");
_Static_assert(offsetof(struct xen_vcpu_info, time) == 0x20, "vcpu_info");
_Static_assert(sizeof(struct xen_runstate_info) == 48, "runstate");
_Static_assert(sizeof(struct xen_compat_runstate_info) == 44, "runstate32");

#endif /* SELFTEST_XEN_H */
