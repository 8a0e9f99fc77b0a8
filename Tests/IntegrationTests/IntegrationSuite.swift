import Testing

/// Tests against a real mosquitto process. Each test starts its own broker on a free port; they run
/// one at a time so that the 1-second promises are measured on an unloaded machine.
@Suite(.serialized) enum IntegrationSuite {}

let notAuthorisedV311: Int32 = 5
let notAuthorisedV5: Int32 = 135
/// SUBACK return code of a refused filter: 0x80 in MQTT 3.1.1, 0x87 "not authorized" in MQTT 5.
let subscriptionRefused: Int32 = 128
let subscriptionRefusedV5: Int32 = 135

/// A PUBACK reason below 0x80 is a success (MQTT 5 sends 0x10 "no matching subscribers").
func isAccepted(_ reason: Int32) -> Bool { reason < 128 }
