/// A plugin option the broker must not start with. The description is the one line the broker logs.
public enum OptionError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknown(option: String)
    case duplicate(option: String)
    case badValue(option: String, value: String, why: String)

    public var description: String {
        switch self {
        case .unknown(let option):
            return "unknown option '\(option)' (plugin_opt_\(option) / auth_opt_\(option)); "
                + "see mosquitto.conf.example for the options this plugin knows"
        case .duplicate(let option):
            return "option '\(option)' is given more than once; keep one"
        case .badValue(let option, let value, let why):
            return "option '\(option)' has a bad value '\(value)': it \(why)"
        }
    }
}
