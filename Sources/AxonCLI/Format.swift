#if canImport(Glibc)
import Glibc
#endif

/// Number and text formatting without Foundation. Every function takes any Double (NaN,
/// infinities, huge values) without trapping.
enum Fmt {
    /// `x` with `digits` decimals ("0.1235"); NaN and infinities as "nan", "inf", "-inf".
    static func fixed(_ x: Double, _ digits: Int = 2) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : x < 0 ? "-inf" : "inf" }
        let d = max(0, min(digits, 9))
        guard abs(x) < 1e15 else { return sci(x, d) }
        var scale = 1.0
        for _ in 0..<d { scale *= 10 }
        let r = (abs(x) * scale).rounded()
        let whole = Int(r / scale), frac = max(0, min(Int(scale) - 1, Int(r - Double(whole) * scale)))
        let fracText = String(frac)
        let decimals = d > 0 ? "." + String(repeating: "0", count: max(0, d - fracText.count)) + fracText : ""
        return (x < 0 && r > 0 ? "-" : "") + "\(whole)" + decimals
    }

    /// Scientific notation with `digits` decimals in the mantissa ("1.00e-03").
    static func sci(_ x: Double, _ digits: Int = 2) -> String {
        guard x.isFinite else { return fixed(x) }
        guard x != 0 else { return fixed(0, digits) + "e+00" }
        var exponent = Int(log10(abs(x)).rounded(.down))
        var mantissa = abs(x) / pow(10, Double(exponent))
        var scale = 1.0
        for _ in 0..<max(0, min(digits, 9)) { scale *= 10 }
        if (mantissa * scale).rounded() >= 10 * scale { mantissa /= 10; exponent += 1 }
        if (mantissa * scale).rounded() < scale { mantissa *= 10; exponent -= 1 }
        let e = abs(exponent) < 10 ? "0\(abs(exponent))" : "\(abs(exponent))"
        return (x < 0 ? "-" : "") + fixed(mantissa, digits) + "e" + (exponent < 0 ? "-" : "+") + e
    }

    /// A short general form: fixed for 1e-3 <= |x| < 1e6, else scientific.
    static func general(_ x: Double, _ digits: Int = 4) -> String {
        guard x.isFinite, x != 0 else { return x == 0 ? "0" : fixed(x) }
        let a = abs(x)
        guard a >= 1e-3, a < 1e6 else { return sci(x, max(1, digits - 1)) }
        let decimals = max(0, digits - 1 - Int(log10(a).rounded(.down)))
        var text = fixed(x, decimals)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    static func percent(_ fraction: Double?, _ digits: Int = 2) -> String {
        fraction.map { fixed(100 * $0, digits) + "%" } ?? "-"
    }

    /// Seconds as "42.1 s", "3:07" or "1:02:03".
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "-" }
        if seconds < 10 { return fixed(seconds, 2) + " s" }
        if seconds < 60 { return fixed(seconds, 1) + " s" }
        let total = Int(min(seconds, 1e9).rounded())
        let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
        let two = { (n: Int) in n < 10 ? "0\(n)" : "\(n)" }
        return h > 0 ? "\(h):\(two(m)):\(two(s))" : "\(m):\(two(s))"
    }

    /// 12345 as "12,345".
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// Right-aligned in `width` columns.
    static func right(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }

    /// Left-aligned in `width` columns.
    static func left(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}

/// The standard streams, written with `write(2)` so progress and errors are not buffered
/// behind stdout.
enum Terminal {
    static func standardError(_ text: String) {
        fflush(nil)
        let bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            done += n
        }
    }

    /// One line on stdout, flushed (so the table keeps its place among stderr lines).
    static func line(_ text: String = "") {
        print(text)
        fflush(nil)
    }

    static var stderrIsTerminal: Bool { isatty(2) == 1 }

    /// The terminal's width in columns (80 when unknown).
    static var columns: Int {
        var size = winsize()
        guard ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 10 else { return 80 }
        return Int(size.ws_col)
    }
}

/// Wall-clock seconds.
struct Stopwatch {
    private let start = ContinuousClock.now
    var seconds: Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
