#ifndef C_OPENSSL_H
#define C_OPENSSL_H
/* The system OpenSSL (Debian: libssl-dev) for every cryptographic primitive. */
#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
/* JWS verification (SessionAuthCrypto: VerificationKey, SignatureVerifier). */
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

/* OPENSSL_free is a macro (it passes __FILE__/__LINE__ to CRYPTO_free), so Swift cannot call it;
 * PEM_read_bio hands back name/header/data buffers that must be released with it. */
static inline void COpenSSL_free(void *pointer) {
    OPENSSL_free(pointer);
}

/* EVP_PKEY_PUBLIC_KEY is a macro OR-ing two other macros (selection bits); Swift does not import it.
 * VerificationKey builds public keys from JWK components with it (EVP_PKEY_fromdata). */
static inline int COpenSSL_selection_public_key(void) {
    return EVP_PKEY_PUBLIC_KEY;
}

/* OSSL_PARAM_BLD_push_* and the OSSL_PARAM array made from it keep the *key name pointer* until
 * EVP_PKEY_fromdata has run. Swift turns these string macros into temporary C strings that die after
 * the push call, so VerificationKey takes the names from here: C string literals, static storage. */
static inline const char *COpenSSL_param_rsa_n(void) { return OSSL_PKEY_PARAM_RSA_N; }
static inline const char *COpenSSL_param_rsa_e(void) { return OSSL_PKEY_PARAM_RSA_E; }
static inline const char *COpenSSL_param_group_name(void) { return OSSL_PKEY_PARAM_GROUP_NAME; }
static inline const char *COpenSSL_param_pub_key(void) { return OSSL_PKEY_PARAM_PUB_KEY; }
#endif
