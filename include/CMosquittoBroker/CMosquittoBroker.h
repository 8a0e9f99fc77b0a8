#ifndef C_MOSQUITTO_BROKER_H
#define C_MOSQUITTO_BROKER_H
/* Mosquitto's plugin API (Debian: mosquitto-dev, libmosquitto-dev). The broker symbols are left
 * undefined in the plugin and resolve from the broker executable at load time. */
#include <mosquitto.h>
#include <mosquitto_broker.h> /* before mosquitto_plugin.h, which uses its mosquitto_plugin_id_t */
#include <mosquitto_plugin.h>
#include <malloc.h>

/* mosquitto_log_printf is variadic, which Swift cannot call: this shim passes one preformatted
 * line through "%s" so that no client-controlled text is ever read as a format string. */
/* glibc keeps freed heap pages mapped unless asked; the plugin asks after loading a whole store. */
static inline void session_auth_release_free_memory(void) {
    malloc_trim(0);
}

static inline void session_auth_log(int level, const char *line) {
    mosquitto_log_printf(level, "%s", line);
}

#endif
