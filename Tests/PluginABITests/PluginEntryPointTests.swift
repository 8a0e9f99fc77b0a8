import BrokerStubs
import CMosquittoBroker
import MosquittoSessionAuth
import Testing

/// The plugin's C ABI as the broker drives it; serialized because the stubs are process-global.
extension PluginABISuite {
    @Suite struct PluginEntryPointTests {
        @Test(arguments: [([5], 5), ([4], -1), ([4, 5], 5), ([6, 5, 4], 5), ([Int32](), -1)] as [([Int32], Int32)])
        func versionNegotiationPicksFive(supported: [Int32], expected: Int32) {
            #expect(supported.withUnsafeBufferPointer { pluginVersion(Int32($0.count), $0.baseAddress) } == expected)
        }

        @Test func initRegistersEveryCallbackAndCleanupRemovesThem() throws {
            let plugin = try PluginHarness()
            #expect(plugin.start() == authOK)
            #expect(stub_registered_count() == 5)
            for event in [MOSQ_EVT_BASIC_AUTH, MOSQ_EVT_ACL_CHECK, MOSQ_EVT_TICK, MOSQ_EVT_DISCONNECT] {
                #expect(stub_is_registered(Int32(event.rawValue)))
            }
            plugin.stop()
            #expect(stub_registered_count() == 0)
        }

        @Test(arguments: [
            ([("db_path", "/x"), ("no_such_option", "1")], "unknown option 'no_such_option'"),
            ([("pin_login", "yes")], "option 'pin_login' has a bad value 'yes'"),
            ([("topic_root", "%s")], "option 'topic_root' has a bad value '%s'"),
            ([("max_identity_length", "0")], "option 'max_identity_length' has a bad value '0'"),
            ([("clientid_policy", "anything")], "option 'clientid_policy' has a bad value 'anything'"),
            ([("db_path", "/a"), ("db_path", "/b")], "option 'db_path' is given more than once"),
        ])
        func badOptionsStopTheBrokerWithOneLine(options: [(String, String)], expectedLine: String) throws {
            let plugin = try PluginHarness()
            #expect(plugin.start(options: options) == MOSQ_ERR_INVAL.rawValue)
            #expect(stub_registered_count() == 0)
            let errors = plugin.logLines.filter { $0.contains(expectedLine) }
            #expect(errors.count == 1, "log was: \(plugin.logLines)")
            #expect(errors.first?.hasPrefix("session-auth: ") == true)
        }
    }
}
