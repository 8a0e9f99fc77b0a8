#ifndef C_OPENSSL_H
#define C_OPENSSL_H
/* The system OpenSSL (Debian: libssl-dev) for every cryptographic primitive. */
#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#endif
