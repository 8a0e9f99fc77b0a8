import CMosquittoBroker

// The three symbols Mosquitto looks up with dlsym. They are the only public (exported) functions of
// the library; the release link's version script hides everything else.

/// Agrees on plugin API version 5, the only one this plugin implements.
@_cdecl("mosquitto_plugin_version")
public func pluginVersion(_ supportedVersionCount: Int32, _ supportedVersions: UnsafePointer<Int32>?) -> Int32 {
    guard let supportedVersions, supportedVersionCount > 0 else { return -1 }
    for index in 0..<Int(supportedVersionCount) where supportedVersions[index] == MOSQ_PLUGIN_VERSION {
        return MOSQ_PLUGIN_VERSION
    }
    return -1
}

@_cdecl("mosquitto_plugin_init")
public func pluginInit(
    _ identifier: OpaquePointer?, _ userdata: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
    _ options: UnsafeMutablePointer<mosquitto_opt>?, _ optionCount: Int32
) -> Int32 {
    PluginLifecycle.start(identifier: identifier, userdata: userdata, options: options, optionCount: optionCount)
}

@_cdecl("mosquitto_plugin_cleanup")
public func pluginCleanup(
    _ userdata: UnsafeMutableRawPointer?, _ options: UnsafeMutablePointer<mosquitto_opt>?, _ optionCount: Int32
) -> Int32 {
    PluginLifecycle.stop(userdata: userdata)
}
