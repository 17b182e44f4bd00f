/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel TLS from userspace: attach the "tls" ULP, install a key, and the
 * table of the ciphers of <linux/tls.h> (names and UAPI sizes).
 */
#ifndef KTLS_LIB_KTLS_SETUP_H
#define KTLS_LIB_KTLS_SETUP_H

#include <stdint.h>

struct ktls_cipher {
	uint16_t type;		/* TLS_CIPHER_* */
	const char *name;	/* "AES_GCM_128": the TLS_CIPHER_ suffix */
	uint8_t key, iv, salt;	/* UAPI sizes */
};

/* The entry of cipher @type, or NULL. */
const struct ktls_cipher *ktls_cipher(int type);
/* "AES_GCM_128", ...; "-" for 0, "other" for an unknown number. */
const char *ktls_cipher_name(int type);

/* setsockopt(TCP_ULP, "tls"): 0 or -1 (errno). */
int ktls_ulp(int fd);

/*
 * Install one direction: @opt is TLS_TX or TLS_RX, @version TLS_1_x_VERSION.
 * @key, @iv and @salt have the cipher's UAPI sizes (@salt may be NULL when
 * it has none); @rec_seq is 8 bytes, or NULL for 0. Every UAPI crypto_info
 * is laid out as info, iv, key, salt, rec_seq. Returns setsockopt's
 * result; -1 with EINVAL for a cipher not in the table.
 */
int ktls_set_key(int fd, int opt, uint16_t version, uint16_t cipher,
		 const void *key, const void *iv, const void *salt,
		 const void *rec_seq);

#endif
