import Testing
@testable import Axon
@testable import AxonCLI

/// The command-line program's presentation code on extreme values: number formatting, the
/// argument parser's numbers and suggestions, and the curves with NaN, infinite, huge or single
/// values (nothing may trap; the process tests are Tests/cli_tests.sh).
@Suite("CLI presentation")
struct CLIPresentationTests {
    @Test func numbersFormatWithoutTrapping() {
        #expect(Fmt.fixed(0.12345, 4) == "0.1235" && Fmt.fixed(-2.5, 0) == "-3" && Fmt.fixed(-0.0001, 2) == "0.00")
        #expect(Fmt.sci(0.001) == "1.00e-03" && Fmt.sci(9.999e-4) == "1.00e-03" && Fmt.sci(0) == "0.00e+00")
        #expect(Fmt.general(0.8472) == "0.8472" && Fmt.general(1234.5) == "1235" && Fmt.general(5) == "5")
        #expect(Fmt.grouped(1_234_567) == "1,234,567" && Fmt.grouped(-1000) == "-1,000")
        #expect(Fmt.duration(59.94) == "59.9 s" && Fmt.duration(3725) == "1:02:05" && Fmt.duration(.nan) == "-")
        for x in [Double.nan, .infinity, -.infinity, 1e308, -1e308, 5e-324, Double.greatestFiniteMagnitude] {
            _ = (Fmt.fixed(x, 9), Fmt.sci(x), Fmt.general(x), Fmt.percent(x), Fmt.duration(x))
        }
    }

    @Test func argumentNumbersAreRangeChecked() throws {
        #expect(try Arguments.int("1e3", name: "--n", in: 1...10_000) == 1000)
        for bad in ["1e30", "0", "-1", "2.5", "abc", "", "nan", "inf", "9223372036854775807", "9.3e18"] {
            #expect(throws: UsageError.self) { try Arguments.int(bad, name: "--n", in: 1...10_000) }
        }
        #expect(throws: UsageError.self) {
            try Arguments.double("1", name: "--f", above: 0, orEqual: true, upTo: 1, orEqualHigh: false)
        }
        #expect(Arguments.nearest("--epoch", among: ["--epochs", "--seed"]) == "--epochs")
        #expect(Arguments.nearest("--zzzzzz", among: ["--epochs", "--seed"]) == nil)
        let a = try Arguments(["--lr=0.5", "-1"], command: "t", positionals: ["X"],
                              options: [OptionSpec("--lr", "X", "")])
        #expect(a.string("--lr") == "0.5" && a.positionals == ["-1"])
    }

    @Test func curvesDrawExtremeAndSingleValues() throws {
        func row(_ e: Int, _ loss: Double, _ acc: Double?) -> EpochRow {
            EpochRow(epoch: e, trainLoss: loss, trainAccuracy: nil, validationLoss: loss, validationAccuracy: acc,
                     testAccuracy: acc, learningRate: 1e-3, gradientNorm: .nan, seconds: 1)
        }
        let cases: [[EpochRow]] = [
            [], [row(1, 0.5, 0.9)], [row(1, 0.5, 0.9), row(2, 0.5, 0.9)],
            [row(1, .nan, nil), row(2, .infinity, .nan)], [row(1, 1e308, 1), row(2, 0, 0)],
            [row(1, 1e-300, 0.5), row(2, 1.0000000000000002e-300, 0.5)], [row(1_000_000, 1, 1), row(1, 2, 0)],
        ]
        for rows in cases {
            let svg = CurvePlot.svg(rows, title: "t", best: rows.first?.epoch)
            #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
            let png = try CurvePlot.png(rows, title: "t é \u{1F600}", best: 1)
            #expect(png.count > 100_000)
        }
        #expect(CurvePlot.svg([row(1, 0.5, 0.9)], title: "t").contains("<circle"))
    }
}
