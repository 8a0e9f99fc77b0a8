import Foundation

/// The kinds of cycle: each connects, logs in, does what its kind does, checks it, disconnects.
extension Worker {
    /// Two members of one `open` session by pin: the subscriber gets the allowed publish; filters and
    /// topics outside the session's root are refused, and a denied publish reaches nobody.
    func pinPubSubCycle() {
        let (sessionID, password, _) = validSession()
        let serial = nextSerial()
        let subscriber = SoakClient(clientID: "w\(index)-\(serial)-sub", version: randomVersion)
        let publisher = SoakClient(clientID: "w\(index)-\(serial)-pub", version: .v5)
        defer { finish([subscriber, publisher]) }
        guard
            login(
                "pin login", subscriber, username: "dev\(index)s", password: password, expected: mustAccept(sessionID))
        else { return settle(sessionID) }
        let ownFilter = "\(sessionID)/soak/\(subscriber.clientID)/#"
        subscribe(subscriber, ownFilter, granted: true)
        let watched = fixture.watched.id
        let refused = ["#", "+/#", "$SYS/#", "\(watched)/#", sessionID, "+/soak/#", "\(sessionID)x/#", "$share/g/#"]
        subscribe(subscriber, refused.randomElement(using: &generator)!, granted: false)
        guard
            login("pin login", publisher, username: "dev\(index)p", password: password, expected: mustAccept(sessionID))
        else { return settle(sessionID) }
        let outside = [
            "\(watched)/soak/deny/\(publisher.clientID)", "$SYS/soak/\(publisher.clientID)", "soak/\(serial)",
            "\(sessionID)x/soak", sessionID,
        ]
        publish(publisher, outside.randomElement(using: &generator)!, "denied \(serial)", allowed: false)
        let topic = "\(sessionID)/soak/\(subscriber.clientID)/\(serial)"
        publish(publisher, topic, "p\(serial)", allowed: true)
        expectDelivery(subscriber, topic, payload: "p\(serial)", others: [publisher])
        settle(sessionID)
    }

    /// One member by token (username = sub and password = token, or the token as the username): it gets
    /// its own allowed publish back; `$SYS` and other sessions stay closed to it.
    func tokenPubSubCycle() {
        let (sessionID, _, tokens) = validSession()
        guard let token = tokens.randomElement(using: &generator) else { return }
        let serial = nextSerial()
        let client = SoakClient(clientID: "w\(index)-\(serial)-tok", version: randomVersion)
        defer { finish([client]) }
        let asUsername = Bool.random(using: &generator)
        guard
            login(
                asUsername ? "token-as-username login" : "token login", client,
                username: asUsername ? token.token : token.device, password: asUsername ? nil : token.token,
                expected: mustAccept(sessionID))
        else { return settle(sessionID) }
        let ownFilter = "\(sessionID)/soak/\(client.clientID)/#"
        subscribe(client, ownFilter, granted: true)
        subscribe(client, ["$SYS/#", "\(fixture.watched.id)/#", "#"].randomElement(using: &generator)!, granted: false)
        publish(client, "\(fixture.watched.id)/soak/deny/\(client.clientID)", "denied", allowed: false)
        let topic = "\(sessionID)/soak/\(client.clientID)/\(serial)"
        publish(client, topic, "t\(serial)", allowed: true)
        expectDelivery(client, topic, payload: "t\(serial)", others: [])
        settle(sessionID)
    }

    /// The `telemetry` profile: a service (token, role service) reads `dt/#`; a device (pin) may write only
    /// `dt/+/<its name>/#`. Its write under another device's name is refused and never reaches the
    /// service, which receives the allowed one.
    func telemetryCycle() {
        let stable = fixture.telemetry.randomElement(using: &generator)!
        let sessionID = stable.id
        let service = stable.tokens[0]
        let serial = nextSerial()
        let subscriber = SoakClient(clientID: "w\(index)-\(serial)-svc", version: randomVersion)
        let device = SoakClient(clientID: "w\(index)-\(serial)-dev", version: .v5)
        defer { finish([subscriber, device]) }
        guard
            login(
                "token login", subscriber, username: service.device, password: service.token,
                expected: mustAccept(sessionID))
        else { return settle(sessionID) }
        subscribe(subscriber, "\(sessionID)/dt/#", granted: true)
        subscribe(subscriber, "\(sessionID)/#", granted: false)
        let name = "dev\(index)"
        guard
            login(
                "pin login", device, username: name, password: stable.session.password, expected: mustAccept(sessionID))
        else { return settle(sessionID) }
        subscribe(device, "\(sessionID)/dt/#", granted: false)
        subscribe(device, "\(sessionID)/cmd/+/\(name)/#", granted: true)
        publish(device, "\(sessionID)/dt/soak/nobody/\(serial)", "forged", allowed: false)
        let topic = "\(sessionID)/dt/soak/\(name)/\(serial)"
        publish(device, topic, "m\(serial)", allowed: true)
        expectDelivery(subscriber, topic, payload: "m\(serial)", others: [device])
        // The denied message was published first on the same connection: had it been delivered, it
        // would have arrived before the allowed one.
        let leaked = subscriber.events.messages.filter { $0.topic.contains("/dt/soak/nobody/") }
        later("denied publish not delivered", leaked.isEmpty, "the service received \(leaked.map(\.topic))")
        settle(sessionID)
    }

    /// Connect and disconnect only: the churn itself, by pin or by token.
    func quickLoginCycle() {
        let (sessionID, password, tokens) = validSession()
        let client = SoakClient(clientID: "w\(index)-\(nextSerial())-q", version: randomVersion)
        defer { finish([client]) }
        if Bool.random(using: &generator), let token = tokens.randomElement(using: &generator) {
            login("token login", client, username: token.device, password: token.token, expected: mustAccept(sessionID))
        } else {
            login("pin login", client, username: "quick\(index)", password: password, expected: mustAccept(sessionID))
        }
    }

    func wrongPinCycle() {
        let decoy = book.randomDecoy(using: &generator) ?? fixture.decoys[0]
        var guess = String(format: "%06d", Int.random(in: 0..<1_000_000, using: &generator))
        if guess == decoy.pin { guess = "\((Int(guess.prefix(1))! + 1) % 10)" + guess.dropFirst() }
        let client = SoakClient(clientID: "w\(index)-\(nextSerial())-wp", version: randomVersion)
        defer { finish([client]) }
        login(
            "wrong pin refused", client, username: "guess\(index)", password: "\(decoy.id):\(guess)",
            expected: mustRefuse)
    }

    func unknownSessionCycle() {
        // A '-' never appears in a generated id, so this session cannot exist.
        let id = "nosuch-\(Int.random(in: 0..<1_000_000, using: &generator))"
        let client = SoakClient(clientID: "w\(index)-\(nextSerial())-us", version: randomVersion)
        defer { finish([client]) }
        login(
            "unknown session refused", client, username: "dev\(index)", password: "\(id):123456", expected: mustRefuse)
    }

    /// The right pin (or a valid token) with a username or client id outside the identity alphabet.
    func badIdentityCycle() {
        let stable = fixture.open.randomElement(using: &generator)!
        let serial = nextSerial()
        let badUsernames = ["a/b", "+", "#", "dev/+", "", String(repeating: "u", count: 65), "d\u{E9}v", "$SYS", "a b"]
        let variant = Int.random(in: 0..<(badUsernames.count + 2), using: &generator)
        if variant < badUsernames.count {
            let client = SoakClient(clientID: "w\(index)-\(serial)-bu", version: randomVersion)
            defer { finish([client]) }
            login(
                "bad username refused", client, username: badUsernames[variant], password: stable.session.password,
                expected: mustRefuse)
        } else {
            let clientID = variant == badUsernames.count ? "w\(index)/\(serial)" : "w\(index)+\(serial)#"
            let client = SoakClient(clientID: clientID, version: randomVersion)
            defer { finish([client]) }
            if Bool.random(using: &generator), let token = stable.tokens.randomElement(using: &generator) {
                login(
                    "bad client id refused", client, username: token.device, password: token.token, expected: mustRefuse
                )
            } else {
                login(
                    "bad client id refused", client, username: "dev\(index)", password: stable.session.password,
                    expected: mustRefuse)
            }
        }
    }

    func forgedTokenCycle() {
        let forgery = fixture.forgeries.randomElement(using: &generator)!
        let client = SoakClient(clientID: "w\(index)-\(nextSerial())-ft", version: randomVersion)
        defer { finish([client]) }
        tally.count("forgery \(forgery.name)")
        if Bool.random(using: &generator) && forgery.name != "username is not sub" {
            login("forged token refused", client, username: forgery.token, password: nil, expected: mustRefuse)
        } else {
            login(
                "forged token refused", client, username: forgery.username, password: forgery.token,
                expected: mustRefuse)
        }
    }

    /// A session the churn thread closed more than a second ago: its pin and its tokens are refused.
    func closedSessionCycle() {
        guard let closed = book.randomLongClosed(using: &generator) else { return wrongPinCycle() }
        let client = SoakClient(clientID: "w\(index)-\(nextSerial())-cs", version: randomVersion)
        defer { finish([client]) }
        if Bool.random(using: &generator), let token = closed.tokens.first {
            login(
                "closed session refused", client, username: token.device, password: token.token,
                expected: mustAccept(closed.session.id))
        } else {
            login(
                "closed session refused", client, username: "late\(index)", password: closed.session.password,
                expected: mustAccept(closed.session.id))
        }
    }
}
