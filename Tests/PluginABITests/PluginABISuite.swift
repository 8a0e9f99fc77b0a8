import Testing

/// Every test that drives the plugin through the broker stubs: the stubs are process-global, so all
/// of them run one after another.
@Suite(.serialized) enum PluginABISuite {}
