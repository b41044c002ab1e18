/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * synq's munmap(): the unmap of a memif peer's memory waits for the workers.
 *
 * DPDK 22.11's net_memif unmaps the regions a peer shared when the peer leaves, in the
 * EAL interrupt thread, while a worker may be inside rx or tx burst on them (the crash
 * of issue 12; lib/port/link.c has the whole story). The driver offers no hook between
 * "link down" and the unmap, so synq defines munmap itself: the driver's call (a
 * plugin, resolved through the executable first) comes here, waits for a grace period
 * of the workers when it is that call (synq_ports_unmap_guard: the interrupt thread,
 * a memif port started), and unmaps with the system call. Every other munmap of the
 * process returns from the guard after two loads. It lives in the executable, not in
 * lib/port: only the synq binary should interpose on libc (the tests and the fuzz
 * targets link lib/port under sanitizers that intercept munmap themselves).
 */

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "synq_port.h"

int
munmap(void *addr, size_t len)
{
	synq_ports_unmap_guard();
	return (int)syscall(SYS_munmap, addr, len);
}
