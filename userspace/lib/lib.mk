# SPDX-License-Identifier: GPL-2.0
# The shared helpers of userspace/lib, compiled into each program that
# uses them. Include this file, then add $(KTLS_LIB_SRCS) to the program's
# sources and $(KTLS_LIB_CFLAGS) to its CFLAGS.
KTLS_TOP        := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../..)
KTLS_LIB        := $(KTLS_TOP)/userspace/lib
KTLS_LIB_SRCS   := $(KTLS_LIB)/log.c $(KTLS_LIB)/net.c $(KTLS_LIB)/ktls_setup.c
KTLS_LIB_HDRS   := $(KTLS_LIB)/compiler.h $(KTLS_LIB)/log.h $(KTLS_LIB)/mix.h $(KTLS_LIB)/net.h $(KTLS_LIB)/ktls_setup.h \
		   $(KTLS_TOP)/kmod/uapi/linux/ktls.h
# <linux/ktls.h> is the project's UAPI header (SOL_TLS numbers newer than 6.1)
KTLS_LIB_CFLAGS := -I$(KTLS_TOP)/kmod/uapi -I$(KTLS_LIB)
