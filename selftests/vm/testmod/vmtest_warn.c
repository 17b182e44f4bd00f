// SPDX-License-Identifier: GPL-2.0
/*
 * A module whose only purpose is to misbehave on request, so that the VM
 * runner's own tests can prove that a kernel WARN during a run fails it.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/bug.h>

static bool warn = true;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "WARN at load time (default true)");

static int __init vmtest_warn_init(void)
{
	WARN(warn, "vmtest_warn: deliberate warning for the runner's self-test\n");
	return 0;
}

static void __exit vmtest_warn_exit(void)
{
}

module_init(vmtest_warn_init);
module_exit(vmtest_warn_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Deliberately WARNs at load; used by selftests/vm/selftest.sh");
