#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the upstream kTLS selftest of one kernel, $KVER (default: the one
# selftests/vm/kver.sh names), from Debian's linux-source package of that
# kernel's series into $O/conformance/$KVER/tls_conformance (never
# committed). The test comes with the kernel it tests: each series' tls.c
# exercises that series' UAPI and behaviour.
#
# The test as Debian ships it does not build against its own harness;
# each adaptation below is applied only when the source needs it, so that
# a newer package that no longer needs it builds unchanged:
#  - 6.1: the backported rekey tests call __test_passed(_metadata), which
#    the 6.1 harness lacks (it spells it _metadata->passed); 6.12's harness
#    has it. harness_main.c uses it too.
#  - 6.1 and 6.12: the backported rekey tests pass a fourth "key
#    generation" argument to tls_crypto_info_init(), which still takes
#    three; the helper gains that parameter (the key bytes are filled with
#    it, so each generation has distinct keys) and the three-argument calls
#    default it to 0.
#
#   KVER=6.12.117+deb12-amd64 selftests/conformance/build.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
KVER=${KVER:-$("$top/selftests/vm/kver.sh")}
series=$(echo "$KVER" | cut -d. -f1,2)
out=$O/conformance/$KVER
tarball=$(ls /usr/src/linux-source-"$series".tar.* 2>/dev/null | head -n 1) || true
[ -n "$tarball" ] || {
	echo "conformance: linux-source-$series not installed (make deps)" >&2
	exit 1
}
bin=$out/tls_conformance
if [ -x "$bin" ] && [ "$bin" -nt "$tarball" ] && [ "$bin" -nt "$0" ] &&
   [ "$bin" -nt "$top/selftests/conformance/harness_main.c" ] &&
   [ "$out/modprobe_cache" -nt "$top/selftests/conformance/modprobe_cache.c" ]; then
	exit 0
fi
mkdir -p "$out"
src=$out/src
rm -rf "$src"
mkdir -p "$src"
sel=linux-source-$series/tools/testing/selftests
tar -C "$src" -xf "$tarball" "$sel/net/tls.c" "$sel/kselftest_harness.h" "$sel/kselftest.h"
t=$src/$sel/net
defs=()
note=()

# Adaptation 1: __test_passed() for a harness without it.
if ! grep -q '__test_passed(struct __test_metadata' "$src/$sel/kselftest_harness.h"; then
	defs+=(-D'__test_passed(m)=((m)->passed)')
	note+=("__test_passed")
fi

# Adaptation 2: the key helper's generation parameter, when some call
# passes one the helper does not take.
if grep -q '^static void tls_crypto_info_init(uint16_t tls_version, uint16_t cipher_type,$' "$t/tls.c" &&
   grep -A1 '^static void tls_crypto_info_init(' "$t/tls.c" | grep -q 'tls12)$' &&
   grep -qE 'tls_crypto_info_init\([^;]*, &tls12, [01]\);' "$t/tls.c"; then
	sed -i \
		-e 's/^static void tls_crypto_info_init(uint16_t tls_version, uint16_t cipher_type,$/#define tls_crypto_info_init(v, c, k, ...) ktls_crypto_info_init_gen(v, c, k, (0, ##__VA_ARGS__))\nstatic void ktls_crypto_info_init_gen(uint16_t tls_version, uint16_t cipher_type,/' \
		-e 's/^\t\t\t\t struct tls_crypto_info_keys \*tls12)$/\t\t\t\t struct tls_crypto_info_keys *tls12, char key_generation)/' \
		"$t/tls.c"
	# Within the helper, fill the key material with the generation byte.
	awk '
		/^static void ktls_crypto_info_init_gen/ { inside = 1 }
		inside && /memset\(tls12, 0, sizeof\(\*tls12\)\);/ {
			sub(/memset\(tls12, 0,/, "memset(tls12, key_generation,"); inside = 0
		}
		{ print }' "$t/tls.c" >"$t/tls.c.new" && mv "$t/tls.c.new" "$t/tls.c"
	grep -q 'ktls_crypto_info_init_gen(uint16_t' "$t/tls.c" &&
		grep -q 'char key_generation)' "$t/tls.c" &&
		grep -q 'memset(tls12, key_generation' "$t/tls.c" ||
		{ echo "conformance: key-generation adaptation did not apply; has tls.c changed?" >&2; exit 1; }
	note+=("key generation")
fi

cp "$top/selftests/conformance/harness_main.c" "$t/"
gcc -O2 -g -w "${defs[@]}" \
	-I "$src/$sel" -I "$t" -o "$bin.tmp" "$t/harness_main.c" -lpthread >"$out/build.log" 2>&1 ||
	{ cat "$out/build.log" >&2; exit 1; }
mv "$bin.tmp" "$bin"
# run.sh's kernel.modprobe for the run (see modprobe_cache.c).
gcc -O2 -Wall -Wextra -Werror -static -o "$out/modprobe_cache" \
	"$top/selftests/conformance/modprobe_cache.c"
echo "conformance: built $bin from $(basename "$tarball") ($("$bin" -l | wc -l) cases;" \
	"adapted: ${note[*]:-nothing})"
