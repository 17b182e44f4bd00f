// SPDX-License-Identifier: GPL-2.0
/*
 * ktls_bench: one measurement per invocation, one JSON object on stdout.
 *
 *   ktls_bench bulk  --mode tx|rx|txrx|sendfile [common options]
 *   ktls_bench rr    --size 64|4096 ...   request/response rate
 *   ktls_bench setup ...                  connections per second
 *   ktls_bench mem   --flows N ...        memory per idle flow
 *   ktls_bench aead  --size N --cipher C  AF_ALG AEAD throughput
 *   ktls_bench crypto                     implementations in /proc/crypto
 *
 * Common options: --provider tcp|kernel|ossl, --tls 12|13,
 * --cipher aes128gcm|chacha20poly1305, --size BYTES, --secs S,
 * --max-bytes BYTES, --dir DIR (record/file cache), --addr IPV4.
 * bulk --netns SND,RCV: the sender's socket in network namespace SND and
 * the receiver's in RCV (paths, /run/netns/NAME), connecting to --addr in
 * RCV, so that the flow crosses a device pair (device offload) instead of
 * loopback.
 *
 * On failure it prints "ktls_bench: <reason>" on stderr and exits 1.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include "bench.h"

static struct opts g_opts;

const char *prov_name(enum provider p)
{
	return p == PROV_TCP ? "tcp" : p == PROV_OSSL ? "ossl" : "kernel";
}

void json_head(const struct opts *o)
{
	printf("{\"test\":\"%s\",\"mode\":\"%s\",\"provider\":\"%s\","
	       "\"tls\":%d,\"cipher\":\"%s\",\"size\":%zu",
	       o->test, o->mode, prov_name(o->prov), o->cfg.ver,
	       cipher_name(o->cfg.cipher), o->size);
}

static size_t num(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (*end == 'K' || *end == 'k')
		v *= 1024;
	else if (*end == 'M' || *end == 'm')
		v *= 1024 * 1024;
	else if (*end)
		die("bad number %s", s);
	return (size_t)v;
}

/* --netns SND,RCV */
static void netns_opt(struct opts *o, const char *v)
{
	char *snd = strdup(v), *comma = snd ? strchr(snd, ',') : NULL;

	if (!comma || comma == snd || !comma[1])
		die("--netns needs SND,RCV (two namespace paths)");
	*comma = 0;
	o->ns_snd = snd;
	o->ns_rcv = comma + 1;
}

int main(int argc, char **argv)
{
	struct opts *o = &g_opts;
	int i;

	log_set_name("ktls_bench", LOG_PROG);
	if (argc < 2)
		die("usage: ktls_bench bulk|rr|setup|mem|memcheck|aead|crypto [opts]");
	o->test = argv[1];
	o->mode = "-";
	o->prov = PROV_KERNEL;
	o->cfg.ver = 13;
	o->cfg.cipher = CIPH_AES128GCM;
	o->size = 16384;
	o->secs = 1.0;
	o->max_bytes = 64 << 20;
	o->flows = 1000;
	o->file = "/tmp";
	o->addr = "127.0.0.1";
	for (i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			die("option %s needs a value", a);
		i++;
		if (!strcmp(a, "--mode"))
			o->mode = v;
		else if (!strcmp(a, "--provider"))
			o->prov = !strcmp(v, "tcp") ? PROV_TCP :
				  !strcmp(v, "ossl") ? PROV_OSSL :
				  !strcmp(v, "kernel") ? PROV_KERNEL :
				  (die("unknown provider %s", v), PROV_TCP);
		else if (!strcmp(a, "--tls"))
			o->cfg.ver = atoi(v);
		else if (!strcmp(a, "--cipher"))
			o->cfg.cipher = !strcmp(v, "chacha20poly1305") ?
				CIPH_CHACHA : !strcmp(v, "aes128gcm") ?
				CIPH_AES128GCM :
				(die("unknown cipher %s", v), CIPH_AES128GCM);
		else if (!strcmp(a, "--size"))
			o->size = num(v);
		else if (!strcmp(a, "--secs"))
			o->secs = strtod(v, NULL);
		else if (!strcmp(a, "--max-bytes"))
			o->max_bytes = num(v);
		else if (!strcmp(a, "--flows"))
			o->flows = num(v);
		else if (!strcmp(a, "--dir"))
			o->file = v;
		else if (!strcmp(a, "--addr"))
			o->addr = v;
		else if (!strcmp(a, "--netns"))
			netns_opt(o, v);
		else
			die("unknown option %s", a);
	}
	if (o->cfg.ver != 12 && o->cfg.ver != 13)
		die("--tls must be 12 or 13");
	signal(SIGPIPE, SIG_IGN);
	pat_init();
	if (!strcmp(o->test, "bulk"))
		return run_bulk(o);
	if (!strcmp(o->test, "rr"))
		return run_rr(o);
	if (!strcmp(o->test, "setup"))
		return run_setup(o);
	if (!strcmp(o->test, "mem"))
		return run_mem(o);
	if (!strcmp(o->test, "memcheck"))
		return run_memcheck();
	if (!strcmp(o->test, "aead"))
		return run_aead(o);
	if (!strcmp(o->test, "crypto"))
		return run_crypto_info();
	die("unknown test %s", o->test);
}
