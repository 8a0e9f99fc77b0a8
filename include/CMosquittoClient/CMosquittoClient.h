#ifndef C_MOSQUITTO_CLIENT_H
#define C_MOSQUITTO_CLIENT_H
/* libmosquitto, the real MQTT client library the integration tests drive the broker with. */
#include <mosquitto.h>
#endif
