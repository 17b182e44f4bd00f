#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# DKMS's MAKE and CLEAN (dkms.conf), run in a copy of the module sources:
#   dkms-build.sh KERNEL_SOURCE_DIR    build tls.ko and tlssim.ko
#   dkms-build.sh --clean              remove what a build left
# The same steps as 'make install': ktls.ko's objects linked as "tls", and
# the build fails when one of tls.ko's five exports has another CRC.
set -e
cd "$(dirname "$0")/.."
if [ "$1" = --clean ]; then
	find kmod drivers \( -name '*.o' -o -name '*.ko' -o -name '*.mod*' \
		-o -name '.*.cmd' -o -name Module.symvers -o -name modules.order \) \
		-type f -exec rm -f {} +
	exit 0
fi
make -C "$1" M="$PWD/kmod" KTLS_MODNAME=tls modules
kmod/symvers-check.sh kmod/Module.symvers "$1/Module.symvers"
make -C "$1" M="$PWD/drivers/tlssim" modules
