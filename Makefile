# SPDX-License-Identifier: GPL-2.0
#
# ktls: an out-of-tree kernel TLS offload system (ktls.ko, tlssim.ko, BPF
# policy, userspace tools) with every kernel-side test run in a QEMU guest.
#
#   make            build every module, BPF object and userspace tool
#                   (KVER=<release>: the modules for that kernel)
#   make check      run every test suite in guests on every kernel of
#                   KVERS (default "6.1 6.12"; T=suite-glob F=filter)
#   make demo       boot a guest and show a kTLS session end to end
#   make bench      benchmarks (QUICK=1 for a short run)
#   make bench-profile  perf profile of one figure, tls.ko vs ktls.ko
#                   (PROFILE="rx 12 aes128gcm 16384": mode version cipher size)
#   make fuzz       record and syscall fuzzers on ktls.ko (SECONDS=600 SEED=)
#   make soak       long mixed load over a lossy tlssim pair (MINUTES=30)
#   make lint       checkpatch + sparse on our kernel code
#   make vm-shell   interactive shell in a guest
#   make install    ktls.ko as this system's tls module, tlssim.ko, ktlsctl,
#                   the ip plugin, BPF objects, header, man pages
#                   (DESTDIR=, PREFIX=/usr/local; make uninstall; dkms.conf)

# The kernels 'make check' covers: Debian 12's 6.1 and the 6.12 series of
# Debian 13 (selftests/vm/kver.sh turns each into a release). KVER is the
# one kernel a plain 'make', 'make demo' or 'make bench' works with.
KVERS ?= 6.1 6.12
# KVER may name a series (make bench KVER=6.12) or a release.
override KVER := $(shell selftests/vm/kver.sh $(KVER) 2>/dev/null)
KDIR ?= /lib/modules/$(KVER)/build
O    ?= $(CURDIR)/build
export KVER KDIR O

# Module directories: each one is a separate Kbuild run, so that tlssim.ko
# records the symbol CRCs of the kernel's own Module.symvers (abi-notes.md).
# Kbuild writes its objects next to the sources, so each kernel builds in
# its own tree of links to them: $(O)/mod/$(KVER)/kmod/ktls.ko and
# $(O)/mod/$(KVER)/drivers/tlssim/tlssim.ko.
# selftests/ktls/readsock is a test hook module (read_sock, as nvme-tcp).
MODDIRS := $(patsubst %/Kbuild,%,$(wildcard kmod/Kbuild drivers/*/Kbuild selftests/ktls/readsock/Kbuild))
MOD_O := $(O)/mod/$(KVER)
# Kbuild runs its files in parallel (one job per CPU unless -j is given):
# the modules of two kernels were minutes of a fresh 'make check'
JOBS ?= $(shell nproc)
SUBDIRS := $(patsubst %/Makefile,%,$(wildcard userspace/Makefile bpf/Makefile selftests/Makefile))

.PHONY: all modules $(MODDIRS) $(SUBDIRS) deps deps-check kernel conformance check demo \
	bench bench-profile fuzz soak lint vm-shell clean nginx install install-modules uninstall dkms dkms-remove

all: modules $(SUBDIRS)

modules: $(MODDIRS)

$(MODDIRS): deps-check
	@selftests/vm/linktree.sh $@ $(MOD_O)/$@
	$(MAKE) -C $(KDIR) M=$(MOD_O)/$@ W=1 $(if $(filter -j%,$(MAKEFLAGS)),,-j$(JOBS)) modules
	@if [ $@ = kmod ]; then kmod/symvers-check.sh $(MOD_O)/kmod/Module.symvers $(KDIR)/Module.symvers; fi

$(SUBDIRS): deps-check
	$(MAKE) -C $@

# ktlsctl embeds the skeleton of $(O)/bpf/ktls_policy.o
userspace: bpf

deps:
	selftests/vm/deps.sh

# Install only when something is missing, so that 'make check' and
# 'make demo' work on a fresh machine and cost nothing afterwards.
deps-check:
	@selftests/vm/deps.sh --check 2>/dev/null || selftests/vm/deps.sh
	@test -n "$(KVER)" || { echo "KVER unknown"; exit 1; }

conformance: deps-check
	selftests/conformance/build.sh

kernel: deps-check
	selftests/vm/fetch-kernel.sh

# Debian's nginx, unpacked into $(O)/nginx/ for the nginx suites and the
# demo (never installed on the host)
nginx: deps-check
	@selftests/nginx/fetch.sh

# Every kernel's modules, guest kernel and upstream selftest first, then
# the suites, each kernel's in turn (selftests/run-suites).
check: all nginx
	@set -e; for k in $$(selftests/vm/kver.sh $(KVERS)); do \
		$(MAKE) --no-print-directory KVER=$$k KDIR=/lib/modules/$$k/build modules install-modules kernel conformance; \
	done
	KVERS="$$(selftests/vm/kver.sh $(KVERS) | tr '\n' ' ')" selftests/run-suites

demo: all kernel nginx
	selftests/vm/vm-run --name demo --timeout 600 -- userspace/demo.sh

# One guest boot, providers alternated (userspace/bench/README.md).
# QUICK=1: < 5 min.
bench: all kernel
	selftests/vm/vm-run --name bench --timeout $(if $(QUICK),900,2400) --mem 4096 \
		-- env QUICK=$(if $(QUICK),1,0) userspace/bench/run.sh
	@echo "reproduce: make bench$(if $(QUICK), QUICK=1) (results in $(O)/bench/)"

# A/B of ktls.ko builds against tls.ko on a few figures, one boot
# (userspace/bench/ab.sh)
AB ?= $(MOD_O)/kmod/ktls.ko
bench-ab: all kernel
	selftests/vm/vm-run --name bench-ab --timeout 1800 --mem 4096 \
		-- env AB_FIGS="$(AB_FIGS)" userspace/bench/ab.sh $(AB)

# perf profile of one bulk figure on tls.ko and ktls.ko (userspace/bench/profile.sh)
PROFILE ?= rx 12 aes128gcm 16384
bench-profile: all kernel
	selftests/vm/vm-run --name profile --timeout 600 --mem 4096 \
		-- userspace/bench/profile.sh $(PROFILE)

# Fuzzers time-boxed (selftests/ktls/fuzz.sh); make check runs a short fixed dose
SECONDS ?= 600
fuzz: all kernel
	selftests/vm/vm-run --name fuzz --timeout $$(( $(SECONDS) + 600 )) \
		-- env FUZZ_SECONDS=$(SECONDS) FUZZ_SEED=$(SEED) selftests/ktls/fuzz.sh

# Soak over tlssim (selftests/tlssim/soak.sh); make check runs 1 minute
MINUTES ?= 30
FLOWS ?= 16
soak: all kernel
	selftests/vm/vm-run --name soak --timeout $$(( $(MINUTES) * 60 + 900 )) --mem 3072 \
		-- env SOAK_MINUTES=$(MINUTES) SOAK_FLOWS=$(FLOWS) selftests/tlssim/soak.sh

# ktls.ko's objects once more as the module "tls" (kmod/Kbuild's
# KTLS_MODNAME): what make install puts under updates/
install-modules: deps-check
	@selftests/vm/linktree.sh kmod $(MOD_O)/install/kmod
	$(MAKE) -C $(KDIR) M=$(MOD_O)/install/kmod KTLS_MODNAME=tls W=1 \
		$(if $(filter -j%,$(MAKEFLAGS)),,-j$(JOBS)) modules
	@kmod/symvers-check.sh $(MOD_O)/install/kmod/Module.symvers $(KDIR)/Module.symvers

# install/install.sh: where each file goes, and the manifest uninstall reads
PREFIX ?= /usr/local
export PREFIX DESTDIR
install: all install-modules
	install/install.sh install

uninstall:
	install/install.sh uninstall

# DKMS (dkms.conf): stage the module sources in /usr/src, add, build and
# install them for KVER; 'make dkms-remove' takes them out of DKMS again
dkms: deps-check
	install/dkms.sh

dkms-remove: deps-check
	install/dkms.sh remove

vm-shell: kernel
	selftests/vm/vm-run --shell

lint: deps-check
	selftests/lint/lint.sh

clean:
	rm -rf $(O)/mod
	for d in $(SUBDIRS); do $(MAKE) -C $$d clean; done
	rm -rf $(O)/vm/runs
