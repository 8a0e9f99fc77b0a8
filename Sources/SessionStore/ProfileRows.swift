import SessionAuthCore

/// The one place that reads profiles and their rules, for the plugin and the CLI alike.
enum ProfileRows {
    static func profiles(_ database: SQLiteDatabase) throws(SQLiteError) -> [Profile] {
        let rulesQuery = try database.prepare(
            "SELECT profile, role, access, pattern FROM profile_rules ORDER BY profile, role, id")
        var rulesByProfile: [String: [ProfileRule]] = [:]
        while try rulesQuery.step() {
            let profile = rulesQuery.text(0)
            // An access value this version does not know is read as deny: a newer writer may only narrow.
            let access = RuleAccess(rawValue: rulesQuery.text(2)) ?? .deny
            rulesByProfile[profile, default: []].append(
                ProfileRule(profile: profile, role: rulesQuery.text(1), access: access, pattern: rulesQuery.text(3)))
        }
        let profilesQuery = try database.prepare("SELECT name, description FROM profiles ORDER BY name")
        var profiles: [Profile] = []
        while try profilesQuery.step() {
            let name = profilesQuery.text(0)
            profiles.append(
                Profile(name: name, description: profilesQuery.text(1), rules: rulesByProfile[name] ?? []))
        }
        return profiles
    }

    static func revision(_ database: SQLiteDatabase) throws(SQLiteError) -> Int64 {
        try database.integer("SELECT coalesce(max(revision), 0) FROM profiles") ?? 0
    }
}
