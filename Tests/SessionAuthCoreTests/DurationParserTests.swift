import SessionAuthCore
import Testing

@Suite struct DurationParserTests {
    @Test(
        arguments: [
            ("90", 90), ("90s", 90), ("15m", 900), ("24h", 86_400), ("7d", 604_800), ("1", 1), ("1s", 1),
            ("3600", 3_600), ("3650d", 315_360_000), ("315360000", 315_360_000), ("87600h", 315_360_000),
        ] as [(String, Int64)])
    func parses(text: String, seconds: Int64) {
        #expect(DurationParser.seconds(text) == seconds)
    }

    @Test func maximumIsTenYears() {
        #expect(DurationParser.maxSeconds == 315_360_000)
    }

    @Test(arguments: [
        "", "0", "0s", "00", "-5", "-5m", "+5", "5x", "5S", "5M", "5ms", "m", "s", "d", "1.5h", "1e3", "1,000",
        "99999999999999d", "9999999999999", "999999999999d",
        "3651d", "315360001", "87601h", "5256001m",  // more than ten years
        " 5", "5 ", "5\n", "٥", "５",  // Arabic-Indic and fullwidth digits are not ASCII digits
    ])
    func refuses(text: String) {
        #expect(DurationParser.seconds(text) == nil)
    }
}
