// `CSV.read` with the label last (the default) and first after a header line. What reads has
// one label per row and finite numbers only.
import Axon

let target = FuzzTarget(seeds: {
    [
        ("iris.csv", Array("5.1,3.5,1.4,0.2,0\n4.9,3.0,1.4,0.2,0\n6.3,3.3,6.0,2.5,2\n".utf8)),
        ("header.csv", Array("x1, x2 ,label\r\n1e-3,-2.5,1\r\n  \r\n0,7,0\r\n".utf8)),
        ("wide.csv", Array("1,2,3,4,5,6,7,8,9\n-1,-2,-3,-4,-5,-6,-7,-8,-9".utf8)),
    ]
}, run: { bytes in
    for (labelColumn, skipLines) in [(-1, 0), (0, 1)] {
        guard let (features, labels) = try? CSV.read(bytes, labelColumn: labelColumn, skipLines: skipLines) else {
            continue
        }
        check(features.rank == 2 && labels.rank == 1 && features.shape[0] == labels.count, "rows and labels differ")
        check((features.scalars + labels.scalars).allSatisfy(\.isFinite), "a value read is not finite")
    }
})
