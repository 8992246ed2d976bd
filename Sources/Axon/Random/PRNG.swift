/// Axon's pseudo-random generator: xoshiro256** (Blackman & Vigna, 2018), seeded through
/// SplitMix64, with no global instance.
///
/// Every stream belongs to an owner (a model, a data loader, a test) and is passed
/// explicitly, so a seed gives the same sequence on every machine, door and thread count.
///
/// - `next()`: the next 64-bit output of xoshiro256**.
/// - `nextFloat()`: `(next() >> 40) * 2^-24`, a uniform float in [0, 1) on a 2^-24 grid.
/// - `nextNormal()`: Box-Muller on two uniforms, `sqrt(-2 ln u1) * cos(2 pi u2)` with
///   `u1 = 1 - nextFloat()` in (0, 1]; one normal per call (the sine half is not kept, so
///   the stream position is simple to reason about).
public struct PRNG: Sendable, Equatable {
    /// The four words of xoshiro256** state; never all zero.
    public private(set) var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose state is four SplitMix64 outputs of `seed`.
    public init(seed: UInt64) {
        var s = seed
        func splitmix() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    /// Restores a generator from a saved `state` (all-zero states are refused).
    public init(state: (UInt64, UInt64, UInt64, UInt64)) throws {
        guard state != (0, 0, 0, 0) else { throw AxonError.invalid("PRNG: the all-zero state is invalid") }
        self.state = state
    }

    public static func == (a: PRNG, b: PRNG) -> Bool { a.state == b.state }

    public mutating func next() -> UInt64 {
        let result = rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotl(state.3, 45)
        return result
    }

    /// Uniform in [0, 1).
    public mutating func nextFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// Standard normal.
    public mutating func nextNormal() -> Float {
        let u1 = 1 - nextFloat()
        let u2 = nextFloat()
        return (-2 * logf(u1)).squareRoot() * cosf(2 * Float.pi * u2)
    }

    /// Uniform integer in 0..<bound (Lemire's multiply-shift with rejection, unbiased).
    public mutating func nextInt(below bound: Int) -> Int {
        guard bound > 1 else { return 0 }
        let b = UInt64(bound)
        while true {
            let r = next().multipliedFullWidth(by: b)
            if r.low >= (0 &- b) % b { return Int(r.high) }
        }
    }

    @inline(__always)
    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
