#include "BrokerStubs.h"
#include "../../include/CMosquittoBroker/CMosquittoBroker.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The broker's struct is opaque to plugins; these tests give it just what the stubs read. */
struct mosquitto {
    char id[256];
    char address[64];
    char username[256];
    int username_sets;
};

#define MAX_CALLBACKS 32
#define MAX_KICKS 256
#define MAX_LOG_LINES 1024

static struct {
    int event;
    MOSQ_FUNC_generic_callback callback;
    void *userdata;
} callbacks[MAX_CALLBACKS];
static int callback_count;

static char kicked[MAX_KICKS][256];
static bool kicked_with_will[MAX_KICKS];
static int kick_count;

static char *log_lines[MAX_LOG_LINES];
static int log_count;

#define MAX_PUBLISHES 1024
static char *published_topics[MAX_PUBLISHES];
static char *published_payloads[MAX_PUBLISHES];
static int publish_count;


struct mosquitto *stub_client_new(const char *client_id, const char *address) {
    struct mosquitto *client = calloc(1, sizeof(struct mosquitto));
    snprintf(client->id, sizeof(client->id), "%s", client_id);
    snprintf(client->address, sizeof(client->address), "%s", address ? address : "127.0.0.1");
    return client;
}

void stub_client_free(struct mosquitto *client) { free(client); }

void stub_reset(void) {
    callback_count = 0;
    kick_count = 0;
    for (int i = 0; i < log_count; i++) free(log_lines[i]);
    log_count = 0;
    for (int i = 0; i < publish_count; i++) {
        free(published_topics[i]);
        free(published_payloads[i]);
    }
    publish_count = 0;
}

static int invoke(int event, void *event_data) {
    for (int i = 0; i < callback_count; i++) {
        if (callbacks[i].event == event) return callbacks[i].callback(event, event_data, callbacks[i].userdata);
    }
    return -1000;
}

int stub_basic_auth(struct mosquitto *client, const char *username, const char *password) {
    struct mosquitto_evt_basic_auth event = {0};
    event.client = client;
    event.username = (char *)username;
    event.password = (char *)password;
    return invoke(MOSQ_EVT_BASIC_AUTH, &event);
}

int stub_acl_check(struct mosquitto *client, const char *topic, int access) {
    struct mosquitto_evt_acl_check event = {0};
    event.client = client;
    event.topic = topic;
    event.access = access;
    return invoke(MOSQ_EVT_ACL_CHECK, &event);
}

int stub_tick(void) {
    struct mosquitto_evt_tick event = {0};
    return invoke(MOSQ_EVT_TICK, &event);
}

int stub_disconnect(struct mosquitto *client) {
    struct mosquitto_evt_disconnect event = {0};
    event.client = client;
    return invoke(MOSQ_EVT_DISCONNECT, &event);
}

int stub_registered_count(void) { return callback_count; }

bool stub_is_registered(int event) {
    for (int i = 0; i < callback_count; i++) if (callbacks[i].event == event) return true;
    return false;
}

int stub_kick_count(void) { return kick_count; }
const char *stub_kicked_client_id(int index) { return index < kick_count ? kicked[index] : NULL; }
bool stub_kicked_with_will(int index) { return index < kick_count && kicked_with_will[index]; }
int stub_log_count(void) { return log_count; }
const char *stub_log_line(int index) { return index < log_count ? log_lines[index] : NULL; }

/* ---- The broker's exported functions, as the plugin calls them. ---- */

int mosquitto_callback_register(mosquitto_plugin_id_t *identifier, int event, MOSQ_FUNC_generic_callback cb_func,
                                const void *event_data, void *userdata) {
    (void)identifier; (void)event_data;
    if (callback_count == MAX_CALLBACKS) return MOSQ_ERR_NOMEM;
    for (int i = 0; i < callback_count; i++) {
        if (callbacks[i].event == event && callbacks[i].callback == cb_func) return MOSQ_ERR_ALREADY_EXISTS;
    }
    callbacks[callback_count].event = event;
    callbacks[callback_count].callback = cb_func;
    callbacks[callback_count].userdata = userdata;
    callback_count++;
    return MOSQ_ERR_SUCCESS;
}

int mosquitto_callback_unregister(mosquitto_plugin_id_t *identifier, int event, MOSQ_FUNC_generic_callback cb_func,
                                  const void *event_data) {
    (void)identifier; (void)event_data;
    for (int i = 0; i < callback_count; i++) {
        if (callbacks[i].event == event && callbacks[i].callback == cb_func) {
            callbacks[i] = callbacks[callback_count - 1];
            callback_count--;
            return MOSQ_ERR_SUCCESS;
        }
    }
    return MOSQ_ERR_NOT_FOUND;
}

void mosquitto_log_printf(int level, const char *fmt, ...) {
    (void)level;
    if (log_count == MAX_LOG_LINES) return;
    char buffer[4096];
    va_list args;
    va_start(args, fmt);
    vsnprintf(buffer, sizeof(buffer), fmt, args);
    va_end(args);
    log_lines[log_count++] = strdup(buffer);
}

const char *mosquitto_client_id(const struct mosquitto *client) { return client ? client->id : NULL; }
const char *mosquitto_client_address(const struct mosquitto *client) { return client ? client->address : NULL; }

int mosquitto_broker_publish_copy(const char *clientid, const char *topic, int payloadlen, const void *payload,
                                  int qos, bool retain, mosquitto_property *properties) {
    (void)clientid; (void)qos; (void)retain; (void)properties;
    if (publish_count < MAX_PUBLISHES) {
        published_topics[publish_count] = strdup(topic);
        published_payloads[publish_count] = strndup(payload, (size_t)payloadlen);
        publish_count++;
    }
    return MOSQ_ERR_SUCCESS;
}

int stub_publish_count(void) { return publish_count; }
const char *stub_published_topic(int index) { return index < publish_count ? published_topics[index] : NULL; }
const char *stub_published_payload(int index) { return index < publish_count ? published_payloads[index] : NULL; }

int mosquitto_set_username(struct mosquitto *client, const char *username) {
    if (!client) return MOSQ_ERR_INVAL;
    snprintf(client->username, sizeof(client->username), "%s", username ? username : "");
    client->username_sets++;
    return MOSQ_ERR_SUCCESS;
}

const char *stub_client_username(const struct mosquitto *client) {
    return client && client->username_sets ? client->username : NULL;
}

int stub_reload(void) {
    struct mosquitto_evt_reload event = {0};
    return invoke(MOSQ_EVT_RELOAD, &event);
}

int mosquitto_kick_client_by_clientid(const char *clientid, bool with_will) {
    if (kick_count < MAX_KICKS) {
        snprintf(kicked[kick_count], sizeof(kicked[0]), "%s", clientid);
        kicked_with_will[kick_count] = with_will;
        kick_count++;
    }
    return MOSQ_ERR_SUCCESS;
}
