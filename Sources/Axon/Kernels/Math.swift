// The C math library's double-precision functions without Foundation (which would make the
// embedded library much larger): what optimizers, clipping and the search helpers call.

#if canImport(Glibc)
import Glibc
enum Libm {
    static func pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
    static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    static func log(_ x: Double) -> Double { Glibc.log(x) }
}
#elseif canImport(Darwin)
import Darwin
enum Libm {
    static func pow(_ x: Double, _ y: Double) -> Double { Darwin.pow(x, y) }
    static func exp(_ x: Double) -> Double { Darwin.exp(x) }
    static func log(_ x: Double) -> Double { Darwin.log(x) }
}
#endif
