#ifndef BROKER_STUBS_H
#define BROKER_STUBS_H
/* Test stand-ins for the functions the broker exports to plugins, so the plugin's C-ABI layer can
 * be linked into a test executable and driven event by event. Not thread-safe: tests using them
 * run serialized. */
#include <stdbool.h>
#include <stdint.h>

struct mosquitto;

struct mosquitto *stub_client_new(const char *client_id, const char *address);
void stub_client_free(struct mosquitto *client);

/* Invoke the callback the plugin registered for an event; -1000 when none is registered. */
int stub_basic_auth(struct mosquitto *client, const char *username, const char *password);
int stub_acl_check(struct mosquitto *client, const char *topic, int access);
int stub_tick(void);
int stub_disconnect(struct mosquitto *client);
int stub_reload(void);

/* The username the plugin set with mosquitto_set_username, or NULL when it set none. */
const char *stub_client_username(const struct mosquitto *client);

int stub_registered_count(void);
bool stub_is_registered(int event);

int stub_kick_count(void);
const char *stub_kicked_client_id(int index);
bool stub_kicked_with_will(int index);

int stub_log_count(void);
const char *stub_log_line(int index);

/* What the plugin published with mosquitto_broker_publish_copy, in order. */
int stub_publish_count(void);
const char *stub_published_topic(int index);
const char *stub_published_payload(int index);

void stub_reset(void);
#endif
