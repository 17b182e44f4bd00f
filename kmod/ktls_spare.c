// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU spare buffers for per-record work memory (TX records in
 * ktls_tx_rec.c, decrypt work areas in ktls_decrypt.c).
 *
 * The kernel zeroes every fresh allocation (init_on_alloc, on in Debian's
 * kernels): 2-4 KiB per record, which for a 1 KiB record costs more than
 * the copy of its data. Each user keeps the last buffer it freed on each
 * CPU in a slot of its own and takes it back for the next record when it
 * is large enough. At most one buffer per slot and CPU is kept, whatever
 * the number of sockets. this_cpu_xchg() makes a slot safe against
 * preemption; the buffers are taken and given back in process context.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/percpu.h>
#include <linux/slab.h>

#include "ktls.h"

/* The buffer kept in @slot on this CPU if it holds @size bytes, or NULL. */
void *ktls_spare_get(struct ktls_spare __percpu *slot, size_t size)
{
	void *p = this_cpu_xchg(slot->buf, NULL);

	if (p && ksize(p) < size) {
		kfree(p);
		p = NULL;
	}
	return p;
}

/* Keep @p (kmalloc'ed) in @slot on this CPU; free what was kept there. */
void ktls_spare_put(struct ktls_spare __percpu *slot, void *p)
{
	kfree(this_cpu_xchg(slot->buf, p));
}

/* Module exit: free what @slot keeps on every CPU. */
void ktls_spare_drain(struct ktls_spare __percpu *slot)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		kfree(per_cpu_ptr(slot, cpu)->buf);
		per_cpu_ptr(slot, cpu)->buf = NULL;
	}
}
