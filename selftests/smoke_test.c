// SPDX-License-Identifier: GPL-2.0
/*
 * smoke_test: the guest's KVM works at all.
 *
 * Create a VM with one vCPU in long mode, run guest code that computes
 * something from a value the host passes in, and check the ucall round
 * trips: a GUEST_SYNC with the value, the host's reply seen by the guest,
 * and GUEST_DONE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "kvm_util.h"
#include "processor.h"
#include "kselftest.h"

#define VCPU_ID		0
#define ROUNDS		16

static uint64_t host_value;

static void guest_code(void)
{
	uint64_t i, sum = 0;

	for (i = 0; i < ROUNDS; i++) {
		GUEST_SYNC(i);
		/* The host changed host_value before resuming us. */
		GUEST_ASSERT(host_value == i * 3);
		sum += host_value;
	}
	GUEST_ASSERT(sum == 3 * ROUNDS * (ROUNDS - 1) / 2);
	GUEST_DONE();
}

int main(int argc, char *argv[])
{
	struct kvm_sregs sregs;
	struct kvm_vm *vm;
	struct ucall uc;
	uint64_t round = 0;

	ksft_print_header();
	ksft_set_plan(3);

	vm = vm_create_default(VCPU_ID, 0, guest_code);
	ksft_test_result_pass("create a VM with one vCPU\n");

	vcpu_sregs_get(vm, VCPU_ID, &sregs);
	TEST_ASSERT(sregs.efer & EFER_LMA, "vCPU not in long mode: EFER %llx",
		    sregs.efer);
	ksft_test_result_pass("vCPU is in long mode\n");

	for (;;) {
		struct kvm_run *run = vcpu_state(vm, VCPU_ID);

		vcpu_run(vm, VCPU_ID);
		TEST_ASSERT(run->exit_reason == KVM_EXIT_IO,
			    "unexpected exit reason %u (%s)", run->exit_reason,
			    exit_reason_str(run->exit_reason));
		switch (get_ucall(vm, VCPU_ID, &uc)) {
		case UCALL_SYNC:
			TEST_ASSERT(uc.args[1] == round,
				    "guest sync %lu, expected %lu",
				    uc.args[1], round);
			host_value = round * 3;
			sync_global_to_guest(vm, host_value);
			round++;
			break;
		case UCALL_ABORT:
			TEST_FAIL("guest assertion: %s at %s:%ld",
				  (const char *)uc.args[0], __FILE__,
				  uc.args[1]);
			break;
		case UCALL_DONE:
			TEST_ASSERT(round == ROUNDS, "done after %lu rounds",
				    round);
			ksft_test_result_pass("%d ucall round trips\n", ROUNDS);
			kvm_vm_free(vm);
			ksft_exit_pass();
		default:
			TEST_FAIL("unknown ucall %lu", uc.cmd);
		}
	}
}
