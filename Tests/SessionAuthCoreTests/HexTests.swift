import SessionAuthCore
import Testing

@Suite struct HexTests {
    @Test func encodesLowerCase() {
        #expect(Hex.encode([]) == "")
        #expect(Hex.encode([0x00, 0x0f, 0x10, 0xa5, 0xff]) == "000f10a5ff")
        #expect(Hex.encode(Array(0...255 as ClosedRange<UInt8>)).count == 512)
    }

    @Test func roundTripsEveryByte() {
        let all = Array(0...255 as ClosedRange<UInt8>)
        #expect(Hex.decode(Hex.encode(all).utf8) == all)
    }

    @Test func decodes() {
        #expect(Hex.decode("".utf8) == [])
        #expect(Hex.decode("000f10a5ff".utf8) == [0x00, 0x0f, 0x10, 0xa5, 0xff])
        #expect(Hex.decode("A5FF".utf8) == [0xa5, 0xff])
    }

    @Test(arguments: ["0", "abc", "0g", "g0", "zz", " 0", "0 ", "0x00", "-1", "é0", "\u{0}0"])
    func refusesAnythingButEvenLengthHexDigits(text: String) {
        #expect(Hex.decode(text.utf8) == nil)
    }

    @Test func constantTimeEquality() {
        #expect(ConstantTime.equals([], []))
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([0, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(!ConstantTime.equals([], [0]))
    }
}
