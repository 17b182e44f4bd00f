#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Second stage of a test guest: PID 1 after switch_root, in the overlay root.
# Prepares the system the way a test expects a small real machine to be,
# runs the command the host left in $RUNDIR/cmd, and reports its exit status
# through $RUNDIR/rc (a file in the writable build export, never the console).
RUNDIR=$1
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=${TERM:-linux} LANG=C.UTF-8

mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts -o gid=5,mode=620,ptmxmode=666
mount -t tmpfs tmpfs /dev/shm
# /tmp and /run were made empty by the first stage (init).
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t bpf bpf /sys/fs/bpf
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
ln -sf /proc/self/fd /dev/fd
hostname ktls-vm
ip link set lo up
# Only our namespaces may carry traffic; nothing routes off the machine.
sysctl -qw kernel.panic_on_warn=1 kernel.printk_ratelimit=0 2>/dev/null

# udev would load the CPU-specific crypto drivers from CPU modaliases on a
# real machine; without them the guest would run generic C AES/GHASH.
for m in aesni_intel ghash_clmulni_intel chacha_x86_64 poly1305_x86_64; do
	modprobe -q "$m"
done

# shellcheck disable=SC1091
. "$RUNDIR/env"
cd "$VM_CWD" || cd /

if [ -n "$VM_SHELL" ]; then
	echo "ktls-vm: interactive shell (exit or Ctrl-D powers the guest off)"
	setsid -c bash -l </dev/ttyS0 >/dev/ttyS0 2>&1
	rc=$?
else
	bash "$RUNDIR/cmd" </dev/null >/dev/ttyS0 2>&1
	rc=$?
fi

# Leave any kernel messages of the command's last moments in the log.
echo "ktls-vm: command exited with status $rc" >/dev/kmsg
echo "$rc" >"$RUNDIR/rc.tmp" && mv "$RUNDIR/rc.tmp" "$RUNDIR/rc"
sync
busybox poweroff -f
