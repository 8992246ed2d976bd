import Axon
#if canImport(Glibc)
import Glibc
#endif

/// The colors of the plots (a PNG palette of 16 at most).
enum PlotColor: UInt8, CaseIterable {
    case white, black, axis, grid, text, muted, blue, orange, green, red

    var rgb: (UInt8, UInt8, UInt8) {
        switch self {
        case .white: return (255, 255, 255)
        case .black: return (0, 0, 0)
        case .axis: return (90, 90, 90)
        case .grid: return (225, 225, 225)
        case .text: return (40, 40, 40)
        case .muted: return (120, 120, 120)
        case .blue: return (31, 119, 180)
        case .orange: return (255, 127, 14)
        case .green: return (44, 160, 44)
        case .red: return (214, 39, 40)
        }
    }

    var hex: String {
        let digits = Array("0123456789abcdef")
        let (r, g, b) = rgb
        return "#" + String([r, g, b].flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }
}

enum TextAnchor { case start, middle, end }

/// What the plot draws with; the SVG writer and the rasterizer implement it, so both files
/// show the same image. Coordinates in pixels from the top left; text at its baseline, in a
/// 10-pixel monospaced font (6 pixels per character).
protocol Canvas {
    mutating func fill(x: Double, y: Double, width: Double, height: Double, _ color: PlotColor)
    mutating func polyline(_ points: [(x: Double, y: Double)], _ color: PlotColor, width: Double, dashed: Bool)
    mutating func dot(x: Double, y: Double, radius: Double, _ color: PlotColor)
    mutating func text(_ text: String, x: Double, y: Double, _ color: PlotColor, anchor: TextAnchor, bold: Bool)
}

/// Training curves: a loss panel (train and validation) and an accuracy panel (validation
/// and test), with axes, ticks, grid and legends; one epoch shows as points.
enum CurvePlot {
    static let width = 860, height = 340

    struct Series {
        let label: String
        let color: PlotColor
        let dashed: Bool
        let points: [(x: Double, y: Double)]
    }

    /// `best`: the epoch whose weights were kept (marked when it is not the last).
    static func draw(_ rows: [EpochRow], title: String, best: Int?, on canvas: inout some Canvas) {
        canvas.fill(x: 0, y: 0, width: Double(width), height: Double(height), .white)
        canvas.text(title, x: Double(width) / 2, y: 16, .black, anchor: .middle, bold: true)
        func series(_ label: String, _ color: PlotColor, _ dashed: Bool, _ value: (EpochRow) -> Double?) -> Series {
            Series(label: label, color: color, dashed: dashed, points: rows.compactMap { r in
                value(r).flatMap { $0.isFinite ? (x: Double(r.epoch), y: $0) : nil }
            })
        }
        let loss = [series("train", .blue, false) { $0.trainLoss },
                    series("validation", .orange, true) { $0.validationLoss }].filter { !$0.points.isEmpty }
        let accuracy = [series("validation", .orange, true) { $0.validationAccuracy.map { 100 * $0 } },
                        series("test", .green, false) { $0.testAccuracy.map { 100 * $0 } }]
            .filter { !$0.points.isEmpty }
        let epochs = rows.map(\.epoch)
        let half = Double(width) / 2
        let mark = best.flatMap { b in epochs.contains(b) && b != epochs.max() ? b : nil }
        panel("loss", loss, epochs: epochs, mark: mark, left: 0, width: half, legendAtTop: true, percent: false,
              on: &canvas)
        panel("accuracy (%)", accuracy, epochs: epochs, mark: mark, left: half, width: half, legendAtTop: false,
              percent: true, on: &canvas)
    }

    static func panel(_ title: String, _ series: [Series], epochs: [Int], mark: Int?, left: Double, width: Double,
                      legendAtTop: Bool, percent: Bool, on canvas: inout some Canvas) {
        let (x0, x1, y0, y1) = (left + 62, left + width - 20, 44.0, Double(height) - 44)
        canvas.text(title, x: (x0 + x1) / 2, y: 34, .text, anchor: .middle, bold: true)
        canvas.text("epoch", x: (x0 + x1) / 2, y: Double(height) - 10, .text, anchor: .middle, bold: false)
        let first = Double(epochs.min() ?? 1), last = Double(epochs.max() ?? 1)
        let xs = first == last ? (lo: first - 0.5, hi: last + 0.5, ticks: [first], decimals: 0)
            : Ticks.nice(first, last, target: 8, integers: true, snap: false)
        let values = series.flatMap { $0.points.map(\.y) }
        var ys = (lo: 0.0, hi: 1.0, ticks: [0.0, 0.5, 1.0], decimals: 1)
        if let lo = values.min(), let hi = values.max() {
            let pad = hi > lo ? (hi - lo) * 0.06 : max(abs(hi) * 0.05, 0.01)
            var low = lo - pad, high = hi + pad
            if lo >= 0 { low = max(0, low) }
            if percent { high = min(100, high) }
            ys = Ticks.nice(low, high, target: 6, integers: false, snap: true)
        }
        func px(_ x: Double) -> Double { x0 + (x - xs.lo) / (xs.hi - xs.lo) * (x1 - x0) }
        func py(_ y: Double) -> Double { y1 - (y - ys.lo) / (ys.hi - ys.lo) * (y1 - y0) }
        for t in ys.ticks {
            canvas.polyline([(x0, py(t)), (x1, py(t))], .grid, width: 1, dashed: false)
            canvas.polyline([(x0 - 4, py(t)), (x0, py(t))], .axis, width: 1, dashed: false)
            canvas.text(Fmt.fixed(t, ys.decimals), x: x0 - 7, y: py(t) + 3, .text, anchor: .end, bold: false)
        }
        for t in xs.ticks {
            canvas.polyline([(px(t), y0), (px(t), y1)], .grid, width: 1, dashed: false)
            canvas.polyline([(px(t), y1), (px(t), y1 + 4)], .axis, width: 1, dashed: false)
            canvas.text(Fmt.fixed(t, 0), x: px(t), y: y1 + 15, .text, anchor: .middle, bold: false)
        }
        canvas.polyline([(x0, y0), (x0, y1), (x1, y1)], .axis, width: 1, dashed: false)
        if let mark {
            canvas.polyline([(px(Double(mark)), y0), (px(Double(mark)), y1)], .muted, width: 1, dashed: true)
        }
        guard !series.isEmpty else {
            canvas.text("no data", x: (x0 + x1) / 2, y: (y0 + y1) / 2, .muted, anchor: .middle, bold: false)
            return
        }
        for s in series {
            let points = s.points.map { (x: px($0.x), y: py($0.y)) }
            if points.count > 1 { canvas.polyline(points, s.color, width: 2, dashed: s.dashed) }
            if points.count <= 60 { for p in points { canvas.dot(x: p.x, y: p.y, radius: 2.5, s.color) } }
        }
        var entries = series.map { (label: $0.label, color: $0.color, dashed: $0.dashed, dot: true) }
        if let mark { entries.append((label: "epoch \(mark) kept", color: .muted, dashed: true, dot: false)) }
        let labelWidth = Double(entries.map(\.label.count).max() ?? 0) * 6
        let boxWidth = labelWidth + 42, boxHeight = Double(entries.count) * 14 + 8
        let bx = x1 - boxWidth - 6, by = legendAtTop ? y0 + 6 : y1 - boxHeight - 6
        canvas.fill(x: bx, y: by, width: boxWidth, height: boxHeight, .grid)
        canvas.fill(x: bx + 1, y: by + 1, width: boxWidth - 2, height: boxHeight - 2, .white)
        for (i, e) in entries.enumerated() {
            let y = by + 11 + Double(i) * 14
            canvas.polyline([(bx + 8, y - 3), (bx + 30, y - 3)], e.color, width: e.dot ? 2 : 1, dashed: e.dashed)
            if e.dot { canvas.dot(x: bx + 19, y: y - 3, radius: 2.5, e.color) }
            canvas.text(e.label, x: bx + 36, y: y, .text, anchor: .start, bold: false)
        }
    }

    static func svg(_ rows: [EpochRow], title: String, best: Int? = nil) -> String {
        var canvas = SVGCanvas()
        draw(rows, title: title, best: best, on: &canvas)
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
            + "viewBox=\"0 0 \(width) \(height)\">\n" + canvas.body + "</svg>\n"
    }

    static func png(_ rows: [EpochRow], title: String, best: Int? = nil) throws -> [UInt8] {
        var canvas = RasterCanvas(width: width, height: height)
        draw(rows, title: title, best: best, on: &canvas)
        return try PNG.encode(indices: canvas.pixels, palette: PlotColor.allCases.map(\.rgb), width: width,
                              height: height)
    }

    /// Writes `base`.svg and `base`.png atomically.
    static func write(_ rows: [EpochRow], title: String, best: Int?, to base: String) throws {
        try AxonFile.writeAtomically(Array(svg(rows, title: title, best: best).utf8), to: base + ".svg")
        try AxonFile.writeAtomically(png(rows, title: title, best: best), to: base + ".png")
    }
}

/// Axis ticks at 1, 2 or 5 times a power of ten.
enum Ticks {
    static func nice(_ lo: Double, _ hi: Double, target: Int, integers: Bool,
                     snap: Bool) -> (lo: Double, hi: Double, ticks: [Double], decimals: Int) {
        guard lo.isFinite, hi.isFinite, hi > lo, (hi - lo).isFinite else { return (0, 1, [0, 1], 0) }
        let raw = (hi - lo) / Double(max(1, target))
        guard raw > 0, raw.isNormal else { return (lo, hi, [lo, hi], 2) }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        var step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        if integers { step = max(1, step.rounded()) }
        let low = snap ? (lo / step).rounded(.down) * step : lo
        let high = snap ? (hi / step).rounded(.up) * step : hi
        var ticks: [Double] = []
        var t = (low / step).rounded(.up) * step
        while t <= high + step * 1e-9, ticks.count < 50 {
            ticks.append(abs(t) < step * 1e-9 ? 0 : t)
            t += step
        }
        let decimals = integers ? 0 : max(0, min(6, Int((-log10(step)).rounded(.up))))
        return (low, high, ticks, decimals)
    }
}

/// SVG elements for the canvas operations.
struct SVGCanvas: Canvas {
    var body = ""

    static func n(_ v: Double) -> String { Fmt.general(v.isFinite ? (v * 10).rounded() / 10 : 0, 6) }

    mutating func fill(x: Double, y: Double, width: Double, height: Double, _ color: PlotColor) {
        body += "<rect x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" "
            + "fill=\"\(color.hex)\"/>\n"
    }

    mutating func polyline(_ points: [(x: Double, y: Double)], _ color: PlotColor, width: Double, dashed: Bool) {
        let crisp = width <= 1 ? " shape-rendering=\"crispEdges\"" : ""
        body += "<polyline fill=\"none\" stroke=\"\(color.hex)\" stroke-width=\"\(Self.n(width))\""
            + (dashed ? " stroke-dasharray=\"6 4\"" : "") + crisp + " points=\""
            + points.map { "\(Self.n($0.x)),\(Self.n($0.y))" }.joined(separator: " ") + "\"/>\n"
    }

    mutating func dot(x: Double, y: Double, radius: Double, _ color: PlotColor) {
        body += "<circle cx=\"\(Self.n(x))\" cy=\"\(Self.n(y))\" r=\"\(Self.n(radius))\" fill=\"\(color.hex)\"/>\n"
    }

    mutating func text(_ text: String, x: Double, y: Double, _ color: PlotColor, anchor: TextAnchor, bold: Bool) {
        let escaped = text.map { ch -> String in
            switch ch {
            case "&": return "&amp;"
            case "<": return "&lt;"
            case ">": return "&gt;"
            case "\"": return "&quot;"
            default: return String(ch)
            }
        }.joined()
        let a = anchor == .start ? "start" : anchor == .middle ? "middle" : "end"
        body += "<text x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" fill=\"\(color.hex)\" text-anchor=\"\(a)\" "
            + "font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"10\""
            + (bold ? " font-weight=\"bold\"" : "") + ">\(escaped)</text>\n"
    }
}
