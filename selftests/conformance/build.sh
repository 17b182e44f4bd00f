#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the upstream kTLS selftest from Debian's linux-source-6.1 package into
# $O/conformance (never committed). Two adaptations are needed for the test
# as shipped in 6.1.192 to build against the 6.1 harness:
#  - it calls __test_passed(_metadata), which this harness spells
#    _metadata->passed;
#  - its backported rekey tests pass a fourth "key generation" argument to
#    tls_crypto_info_init(); the helper gains that parameter (the key bytes
#    are filled with it, so each generation has distinct keys) and the
#    three-argument calls default it to 0.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-$top/build}
out=$O/conformance
tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n 1)
[ -n "$tarball" ] || { echo "conformance: linux-source-6.1 not installed (make deps)" >&2; exit 1; }
bin=$out/tls_conformance
if [ -x "$bin" ] && [ "$bin" -nt "$tarball" ] && [ "$bin" -nt "$0" ] &&
   [ "$bin" -nt "$top/selftests/conformance/harness_main.c" ]; then
	exit 0
fi
src=$out/src
rm -rf "$src"
mkdir -p "$src"
sel=linux-source-6.1/tools/testing/selftests
tar -C "$src" -xf "$tarball" "$sel/net/tls.c" "$sel/kselftest_harness.h" "$sel/kselftest.h"
t=$src/$sel/net
# Adaptation 2: give the key helper its generation parameter.
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
	grep -q 'memset(tls12, key_generation' "$t/tls.c" ||
	{ echo "conformance: adaptation did not apply; has tls.c changed?" >&2; exit 1; }
cp "$top/selftests/conformance/harness_main.c" "$t/"
gcc -O2 -g -w -D'__test_passed(m)=((m)->passed)' \
	-I "$src/$sel" -I "$t" -o "$bin.tmp" "$t/harness_main.c" -lpthread >"$out/build.log" 2>&1 ||
	{ cat "$out/build.log" >&2; exit 1; }
mv "$bin.tmp" "$bin"
echo "conformance: built $bin ($("$bin" -l | wc -l) cases)"
