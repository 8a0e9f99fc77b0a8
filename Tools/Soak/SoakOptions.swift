import Foundation

/// Command line (`--name value`) with environment fallbacks (`SOAK_CYCLES`, ...), as `make soak` passes them.
struct SoakOptions {
    var buildDirectory = "build"
    var cycles = 20_000
    var threads = 4
    var floodSeconds = 20.0
    var floodThreads = 4
    var seed = UInt64.random(in: 1...UInt64(UInt32.max))
    var keep = false

    /// Cycles before the baseline is measured (the broker and the plugin reach their working size).
    var warmUpCycles: Int { min(500, cycles / 4) }

    static let usage = """
        usage: soak [--build-dir DIR] [--cycles N] [--threads N] [--flood-seconds S] [--flood-threads N] [--seed N] [--keep]
          environment: SOAK_CYCLES, SOAK_THREADS, SOAK_FLOOD_SECONDS, SOAK_FLOOD_THREADS, SOAK_SEED
        """

    static func parse(_ arguments: [String], environment: [String: String]) throws -> SoakOptions {
        var options = SoakOptions()
        func number(_ text: String?, _ name: String) throws -> Double? {
            guard let text else { return nil }
            guard let value = Double(text), value >= 0 else {
                throw SoakError("\(name) must be a number, not '\(text)'")
            }
            return value
        }
        var values: [String: String] = [:]
        for (key, name) in [
            ("SOAK_CYCLES", "cycles"), ("SOAK_THREADS", "threads"), ("SOAK_FLOOD_SECONDS", "flood-seconds"),
            ("SOAK_FLOOD_THREADS", "flood-threads"), ("SOAK_SEED", "seed"),
        ] {
            if let value = environment[key], !value.isEmpty { values[name] = value }
        }
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--keep" {
                options.keep = true
            } else if argument == "--help" || argument == "-h" {
                print(usage)
                exit(0)
            } else if argument.hasPrefix("--"), index + 1 < arguments.count {
                values[String(argument.dropFirst(2))] = arguments[index + 1]
                index += 1
            } else {
                throw SoakError("unexpected argument '\(argument)'\n\(usage)")
            }
            index += 1
        }
        for (name, value) in values {
            switch name {
            case "build-dir": options.buildDirectory = value
            case "cycles": options.cycles = Int(try number(value, name)!)
            case "threads": options.threads = max(1, Int(try number(value, name)!))
            case "flood-seconds": options.floodSeconds = try number(value, name)!
            case "flood-threads": options.floodThreads = max(1, Int(try number(value, name)!))
            case "seed":
                guard let seed = UInt64(value) else { throw SoakError("seed must be a whole number") }
                options.seed = seed
            default: throw SoakError("unknown option --\(name)\n\(usage)")
            }
        }
        return options
    }
}
