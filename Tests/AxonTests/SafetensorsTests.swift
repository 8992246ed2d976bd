import Testing
@testable import Axon

@Suite("Safetensors")
struct SafetensorsTests {
    /// A safetensors file of `header` (JSON text) and `data`.
    func file(_ header: String, _ data: [UInt8]) -> [UInt8] {
        let h = Array(header.utf8)
        return (0..<8).map { UInt8(truncatingIfNeeded: h.count >> (8 * $0)) } + h + data
    }

    func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
        (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) }
    }

    @Test func readsEveryDtypeAsFloat32() throws {
        // 1.5 and -2 in F16 (0x3E00, 0xC000), BF16 (0x3FC0, 0xC000), F64, and I64 7.
        let data = le(UInt16(0x3E00)) + le(UInt16(0xC000)) + le(UInt16(0x3FC0)) + le(UInt16(0xC000))
            + le((1.5 as Double).bitPattern) + le((-2.0 as Double).bitPattern) + le(UInt64(7))
        let header = """
            {"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[2],\
            "data_offsets":[4,8]},"d":{"dtype":"F64","shape":[1,2],"data_offsets":[8,24]},\
            "n":{"dtype":"I64","shape":[],"data_offsets":[24,32]},"__metadata__":{"format":"pt"}}
            """
        let loaded = try Safetensors.decode(file(header, data))
        #expect(loaded.tensors.map(\.name) == ["h", "b", "d", "n"])
        #expect(loaded.tensors.map { $0.tensor.scalars } == [[1.5, -2], [1.5, -2], [1.5, -2], [7]])
        #expect(loaded.tensors[2].tensor.shape == [1, 2] && loaded.tensors[3].tensor.shape == [])
        #expect(loaded.integers == ["n"] && loaded.metadata.map(\.value) == ["pt"])
    }

    @Test func halfPrecisionConvertsExactly() {
        for bits in UInt16.min...UInt16.max {
            let got = Safetensors.halfToFloat(bits)
            let want = Float(Float16(bitPattern: bits))
            #expect(got.bitPattern == want.bitPattern || (got.isNaN && want.isNaN), "\(bits)")
            if got.bitPattern != want.bitPattern && !(got.isNaN && want.isNaN) { return }
        }
    }

    @Test func roundTripKeepsBitsCountersAndMetadata() throws {
        var g = PRNG(seed: 2)
        let w = try Tensor.normal([3, 4], generator: &g), steps = try Tensor([12], shape: [])
        let bytes = try Safetensors.encode([("w", w), ("steps", steps)], integers: ["steps"],
                                           metadata: [("format", "pt")])
        #expect((Int(bytes[0]) + 8) % 8 == 0)  // the data starts 8-byte aligned
        let back = try Safetensors.decode(bytes)
        #expect(back.tensors[0].tensor.scalars.map(\.bitPattern) == w.scalars.map(\.bitPattern))
        #expect(back.tensors[1].tensor.scalars == [12] && back.integers == ["steps"])
        #expect(back.metadata.map(\.key) == ["format"])
    }

    @Test func hostileFilesAreFormatErrors() throws {
        let f32 = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        let cases: [(String, [UInt8])] = [
            ("too short", [1, 2, 3]),
            ("header past the file", le(UInt64(1 << 40)) + Array("{}".utf8)),
            ("not an object", file("[1]", [])),
            ("not JSON", file("{\"a\":", [])),
            ("a bomb", file(String(repeating: "[", count: 10_000), [])),
            ("unknown dtype", file(#"{"a":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}"#, [0])),
            ("out of range", file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}}"#, [0, 0, 0, 0])),
            ("shape disagrees", file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, [0, 0, 0, 0])),
            ("negative size", file(#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, [0, 0, 0, 0])),
            ("huge shape", file(#"{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}}"#,
                                [0, 0, 0, 0])),
            ("gap", file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                         [UInt8](repeating: 0, count: 8))),
            ("trailing data", file(f32, [UInt8](repeating: 0, count: 8))),
            ("overlap", file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"#
                             + #""b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, [0, 0, 0, 0])),
            ("duplicate", file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"#
                               + #""a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, [0, 0, 0, 0])),
            ("bad metadata", file(#"{"__metadata__":{"k":1}}"#, [])),
            ("bad string", file("{\"a\u{1}\":1}", [])),
        ]
        for (what, bytes) in cases {
            do {
                _ = try Safetensors.decode(bytes)
                Issue.record("\(what): accepted")
            } catch let error as AxonError {
                #expect(error.kind == .format, "\(what): \(error)")
            }
        }
    }

    @Test func loadingIntoAModelIsByNameCheckedFirstAndRenames() throws {
        let spec = try LayerSpec.parse("linear 3 4; batchnorm1d 4; relu; linear 4 2")
        var g1 = PRNG(seed: 1), g2 = PRNG(seed: 2)
        let a = try spec.build(generator: &g1), b = try spec.build(generator: &g2)
        let file = try Safetensors.decode(Safetensors.encode(a.stateDict(), integers: ["1.num_batches_tracked"]))
        try Safetensors.load(file, into: b)
        #expect(b.stateDict().map { $0.tensor.scalars } == a.stateDict().map { $0.tensor.scalars })
        // A rename onto a tensor of another shape fails before anything is copied.
        var g3 = PRNG(seed: 3)
        let c = try spec.build(generator: &g3)
        let before = c.stateDict().map { $0.tensor.scalars }
        #expect(throws: AxonError.self) {
            try Safetensors.load(file, into: c, strict: false, rename: ["3.bias": "3.weight"])
        }
        #expect(c.stateDict().map { $0.tensor.scalars } == before)
        // Strict names the keys; not strict loads what matches.
        var g4 = PRNG(seed: 4)
        let small = try LayerSpec.parse("linear 3 4; relu").build(generator: &g4)
        #expect(throws: AxonError.self) { try Safetensors.load(file, into: small) }
        try Safetensors.load(file, into: small, strict: false)
        #expect(small.stateDict()[0].tensor.scalars == a.stateDict()[0].tensor.scalars)
    }

    @Test func jsonReadsWhatItWrites() throws {
        let value = JSON.object([("a", .array([.number(1, integer: 1), .number(-2.5, integer: nil)])),
                                 ("s", .string("q\"\\\n\u{1}é")), ("t", .bool(true)), ("n", .null)])
        #expect(try JSON.parse(Array(value.text.utf8), context: "test") == value)
        #expect(try JSON.parse(Array(#" {"x" : "\u00e9\ud83d\ude00"} "#.utf8), context: "t")["x"]
                == .string("é😀"))
    }
}
