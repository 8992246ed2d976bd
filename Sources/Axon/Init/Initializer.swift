/// Ways to fill a weight tensor, all drawn from a caller's `PRNG`, with PyTorch's fan
/// conventions: for a weight of shape [out, in, k...], fanIn = in * prod(k) and
/// fanOut = out * prod(k).
///
/// ```swift
/// let w = try Tensor.zeros([256, 784])
/// try Initializer.kaimingNormal(nonlinearity: .relu).fill(w, generator: &rng)
/// ```
public enum Initializer: Sendable {
    case zeros
    case ones
    case constant(Float)
    /// U(low, high).
    case uniform(low: Float = 0, high: Float = 1)
    /// N(mean, std^2).
    case normal(mean: Float = 0, std: Float = 1)
    /// Glorot & Bengio (2010): U(-a, a), a = gain sqrt(6 / (fanIn + fanOut)).
    case xavierUniform(gain: Float = 1)
    /// Glorot & Bengio (2010): N(0, std^2), std = gain sqrt(2 / (fanIn + fanOut)).
    case xavierNormal(gain: Float = 1)
    /// He et al. (2015): U(-b, b), b = gain(nonlinearity) sqrt(3 / fan).
    case kaimingUniform(mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyRelu(slope: 0))
    /// He et al. (2015): N(0, std^2), std = gain(nonlinearity) / sqrt(fan).
    case kaimingNormal(mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyRelu(slope: 0))
    /// LeCun et al. (1998): U(-b, b), b = sqrt(3 / fanIn) (variance 1 / fanIn).
    case lecunUniform
    /// LeCun et al. (1998): N(0, 1 / fanIn).
    case lecunNormal
    /// Saxe et al. (2013): a (semi-)orthogonal matrix from the QR decomposition of a
    /// Gaussian matrix, times gain; tensors of rank > 2 are treated as [shape[0], rest].
    case orthogonal(gain: Float = 1)

    /// Which fan a Kaiming initializer preserves the variance of.
    public enum FanMode: Sendable { case fanIn, fanOut }

    /// The nonlinearity a gain is computed for (PyTorch's `calculate_gain`).
    public enum Nonlinearity: Sendable {
        case linear, sigmoid, tanh, relu
        case leakyRelu(slope: Float)

        /// linear, sigmoid: 1; tanh: 5/3; relu: sqrt 2; leaky relu: sqrt(2 / (1 + slope^2)).
        public var gain: Float {
            switch self {
            case .linear, .sigmoid: return 1
            case .tanh: return 5.0 / 3
            case .relu: return Float(2).squareRoot()
            case .leakyRelu(let slope): return (2 / (1 + slope * slope)).squareRoot()
            }
        }
    }

    /// (fanIn, fanOut) of a weight shape, as `torch.nn.init._calculate_fan_in_and_fan_out`.
    public static func fans(_ shape: [Int]) throws -> (fanIn: Int, fanOut: Int) {
        guard shape.count >= 2 else {
            throw AxonError.shape("Initializer: fan in and fan out need a tensor of rank >= 2, got \(shape)")
        }
        let receptive = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptive, shape[0] * receptive)
    }

    /// Overwrites `tensor` in place with fresh values.
    public func fill(_ tensor: Tensor, generator: inout PRNG) throws {
        let values: Tensor
        switch self {
        case .zeros: values = try Tensor.zeros(tensor.shape)
        case .ones: values = try Tensor.ones(tensor.shape)
        case .constant(let c): values = try Tensor.full(tensor.shape, c)
        case let .uniform(low, high):
            values = try Tensor.uniform(tensor.shape, low: low, high: high, generator: &generator)
        case let .normal(mean, std):
            values = try Tensor.normal(tensor.shape, mean: mean, std: std, generator: &generator)
        case .xavierUniform(let gain):
            let (i, o) = try Self.fans(tensor.shape)
            let a = gain * (6 / Float(i + o)).squareRoot()
            values = try Tensor.uniform(tensor.shape, low: -a, high: a, generator: &generator)
        case .xavierNormal(let gain):
            let (i, o) = try Self.fans(tensor.shape)
            values = try Tensor.normal(tensor.shape, std: gain * (2 / Float(i + o)).squareRoot(), generator: &generator)
        case let .kaimingUniform(mode, nonlinearity):
            let bound = nonlinearity.gain * (3 / Float(try Self.fan(tensor.shape, mode))).squareRoot()
            values = try Tensor.uniform(tensor.shape, low: -bound, high: bound, generator: &generator)
        case let .kaimingNormal(mode, nonlinearity):
            let std = nonlinearity.gain / Float(try Self.fan(tensor.shape, mode)).squareRoot()
            values = try Tensor.normal(tensor.shape, std: std, generator: &generator)
        case .lecunUniform:
            let bound = (3 / Float(try Self.fan(tensor.shape, .fanIn))).squareRoot()
            values = try Tensor.uniform(tensor.shape, low: -bound, high: bound, generator: &generator)
        case .lecunNormal:
            let std = (1 / Float(try Self.fan(tensor.shape, .fanIn))).squareRoot()
            values = try Tensor.normal(tensor.shape, std: std, generator: &generator)
        case .orthogonal(let gain):
            values = try Self.orthogonal(tensor.shape, gain: gain, generator: &generator)
        }
        try tensor.assign(values)
    }

    static func fan(_ shape: [Int], _ mode: FanMode) throws -> Int {
        let (i, o) = try fans(shape)
        let fan = mode == .fanIn ? i : o
        guard fan > 0 else { throw AxonError.shape("Initializer: zero fan for shape \(shape)") }
        return fan
    }

    /// PyTorch's recipe: Q of the QR of a Gaussian [rows, cols] matrix (transposed when
    /// rows < cols), with column signs fixed by diag(R) so the result is uniformly distributed.
    static func orthogonal(_ shape: [Int], gain: Float, generator: inout PRNG) throws -> Tensor {
        guard shape.count >= 2 else { throw AxonError.shape("orthogonal: needs rank >= 2, got \(shape)") }
        let rows = shape[0], cols = shape.dropFirst().reduce(1, *)
        let gaussian = try Tensor.normal([rows, cols], generator: &generator).scalars.map(Double.init)
        // Work on the tall orientation m x n (m >= n), column-major for Householder QR.
        let transposed = rows < cols
        let (m, n) = transposed ? (cols, rows) : (rows, cols)
        var a = [Double](repeating: 0, count: m * n)   // a[i + j * m]
        for i in 0..<rows { for j in 0..<cols {
            if transposed { a[j + i * m] = gaussian[i * cols + j] } else { a[i + j * m] = gaussian[i * cols + j] }
        } }
        let q = householderQ(&a, m: m, n: n)        // q[i + j * m], m x n, orthonormal columns
        var out = [Float](repeating: 0, count: rows * cols)
        for i in 0..<m { for j in 0..<n {
            let v = Float(q[i + j * m]) * gain
            if transposed { out[j * cols + i] = v } else { out[i * cols + j] = v }
        } }
        return try Tensor(out, shape: shape)
    }

    /// The thin Q (m x n) of A = QR by Householder reflections, with the sign of each column
    /// chosen so that diag(R) > 0. `a` is column-major and is overwritten.
    static func householderQ(_ a: inout [Double], m: Int, n: Int) -> [Double] {
        var vs: [[Double]] = []
        var signs: [Double] = []
        for k in 0..<n {
            var norm = 0.0
            for i in k..<m { norm += a[i + k * m] * a[i + k * m] }
            norm = norm.squareRoot()
            let alpha = a[k + k * m] > 0 ? -norm : norm     // R[k][k] = alpha
            var v = [Double](repeating: 0, count: m)
            for i in k..<m { v[i] = a[i + k * m] }
            v[k] -= alpha
            let vnorm2 = v[k...].reduce(0) { $0 + $1 * $1 }
            if vnorm2 > 0 {
                for j in k..<n {
                    var dot = 0.0
                    for i in k..<m { dot += v[i] * a[i + j * m] }
                    let f = 2 * dot / vnorm2
                    for i in k..<m { a[i + j * m] -= f * v[i] }
                }
            }
            vs.append(v)
            signs.append(alpha < 0 ? -1 : 1)
        }
        // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of I, then column signs.
        var q = [Double](repeating: 0, count: m * n)
        for j in 0..<n { q[j + j * m] = 1 }
        for k in stride(from: n - 1, through: 0, by: -1) {
            let v = vs[k]
            let vnorm2 = v[k...].reduce(0) { $0 + $1 * $1 }
            guard vnorm2 > 0 else { continue }
            for j in 0..<n {
                var dot = 0.0
                for i in k..<m { dot += v[i] * q[i + j * m] }
                let f = 2 * dot / vnorm2
                for i in k..<m { q[i + j * m] -= f * v[i] }
            }
        }
        for j in 0..<n where signs[j] < 0 {
            for i in 0..<m { q[i + j * m] = -q[i + j * m] }
        }
        return q
    }
}
