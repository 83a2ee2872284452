#ifndef HOMESERVE_CCRYPTO_SHIM_H
#define HOMESERVE_CCRYPTO_SHIM_H
/* SHA-1 for the WebSocket handshake, random bytes for keys and masks; the sandbox also signs tokens
   (HMAC-SHA256) and hashes passwords (PBKDF2). */
#include <openssl/sha.h>
#include <openssl/rand.h>
#include <openssl/hmac.h>
#include <openssl/evp.h>
#endif
