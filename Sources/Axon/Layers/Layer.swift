/// A building block of a model: a function of one tensor with named parameters and buffers.
///
/// The contract, as PyTorch's `nn.Module`: parameters and buffers are enumerable by stable
/// names (`0.weight`, `1.running_mean`, ...) in the order of a PyTorch `state_dict` of the
/// same architecture; `train()` / `eval()` switch the training flag of the whole tree.
///
/// ```swift
/// var rng = PRNG(seed: 0)
/// let model = Sequential(Linear(4, 8, generator: &rng), ReLU(), Linear(8, 2, generator: &rng))
/// let y = try model(x)
/// model.stateDict().map(\.name)   // ["0.weight", "0.bias", "2.weight", "2.bias"]
/// ```
public protocol Layer: AnyObject {
    /// Whether the layer is in training mode (dropout active, batch statistics). Set it for
    /// a whole tree with `train()` / `eval()`.
    var training: Bool { get set }
    /// The layer's own parameters, in state-dict order (e.g. `weight`, then `bias`).
    var ownParameters: [(name: String, tensor: Tensor)] { get }
    /// The layer's own buffers: state that is saved but not trained (running statistics).
    var ownBuffers: [(name: String, tensor: Tensor)] { get }
    /// Sub-layers with their names (`0`, `1`, ... in a Sequential).
    var children: [(name: String, layer: any Layer)] { get }
    /// The forward computation on a batch.
    func forward(_ input: Tensor) throws -> Tensor
}

extension Layer {
    public var ownParameters: [(name: String, tensor: Tensor)] { [] }
    public var ownBuffers: [(name: String, tensor: Tensor)] { [] }
    public var children: [(name: String, layer: any Layer)] { [] }

    public func callAsFunction(_ input: Tensor) throws -> Tensor { try forward(input) }

    /// Every parameter of the tree with its dotted name, own parameters first, then each
    /// child's (PyTorch's `named_parameters()`).
    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        ownParameters + children.flatMap { child in
            child.layer.namedParameters().map { ("\(child.name).\($0.name)", $0.tensor) }
        }
    }

    /// Every buffer of the tree with its dotted name.
    public func namedBuffers() -> [(name: String, tensor: Tensor)] {
        ownBuffers + children.flatMap { child in
            child.layer.namedBuffers().map { ("\(child.name).\($0.name)", $0.tensor) }
        }
    }

    /// Parameters and buffers in PyTorch `state_dict` order: for each layer (pre-order) its
    /// parameters, then its buffers, then its children.
    public func stateDict() -> [(name: String, tensor: Tensor)] {
        ownParameters + ownBuffers + children.flatMap { child in
            child.layer.stateDict().map { ("\(child.name).\($0.name)", $0.tensor) }
        }
    }

    /// The trainable tensors of the tree, in `namedParameters()` order.
    public func parameters() -> [Tensor] { namedParameters().map(\.tensor) }

    /// Copies values into the tree's parameters and buffers by name (shapes must match).
    /// With `strict`, every name must be present on both sides. Every name and shape is
    /// checked before anything is copied: a call that throws changes nothing.
    public func loadStateDict(_ state: [(name: String, tensor: Tensor)], strict: Bool = true) throws {
        for (target, source) in try stateAssignments(state, strict: strict) { target.overwrite(from: source) }
    }

    /// The copies `loadStateDict` makes (each target state tensor with its source), checked.
    func stateAssignments(_ state: [(name: String, tensor: Tensor)],
                          strict: Bool) throws -> [(target: Tensor, source: Tensor)] {
        let own = stateDict()
        let byName = Dictionary(state.map { ($0.name, $0.tensor) }, uniquingKeysWith: { _, last in last })
        if strict {
            let missing = own.map(\.name).filter { byName[$0] == nil }
            let known = Set(own.map(\.name))
            let unexpected = state.map(\.name).filter { !known.contains($0) }
            guard missing.isEmpty, unexpected.isEmpty else {
                throw AxonError.invalid("loadStateDict: missing keys \(missing), unexpected keys \(unexpected)")
            }
        }
        return try own.compactMap { name, tensor in
            guard let source = byName[name] else { return nil }
            guard source.shape == tensor.shape else {
                throw AxonError.shape(
                    "loadStateDict: '\(name)' has shape \(tensor.shape), the source has \(source.shape)")
            }
            return (tensor, source)
        }
    }

    /// Initializes this model as a copy of `other` (pre-trained initialization): same
    /// architecture names and shapes required.
    public func copyParameters(from other: any Layer) throws {
        try loadStateDict(other.stateDict())
    }

    /// Sets the training flag of the whole tree.
    public func train(_ on: Bool = true) {
        training = on
        for child in children { child.layer.train(on) }
    }

    /// Switches the whole tree to evaluation mode (`train(false)`).
    public func eval() { train(false) }

    /// Clears the gradient of every parameter.
    public func zeroGrad() {
        for p in parameters() { p.zeroGrad() }
    }

    /// The number of trainable scalars.
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }
}

/// A layer that draws random numbers (dropout); its stream is part of the model's state.
public protocol RandomizedLayer: Layer {
    var generator: PRNG { get set }
}

extension Layer {
    /// Every random stream of the tree with its layer's dotted path ("" for the root).
    public func namedGenerators() -> [(name: String, layer: any RandomizedLayer)] {
        let own: [(name: String, layer: any RandomizedLayer)] = (self as? any RandomizedLayer).map { [("", $0)] } ?? []
        return own + children.flatMap { child in
            child.layer.namedGenerators().map {
                (($0.name.isEmpty ? child.name : "\(child.name).\($0.name)"), $0.layer)
            }
        }
    }

    /// Reseeds every random stream of the tree: the k-th stream (in tree order) gets
    /// `PRNG(seed: seed &+ k)`.
    public func reseed(_ seed: UInt64) {
        for (k, entry) in namedGenerators().enumerated() {
            entry.layer.generator = PRNG(seed: seed &+ UInt64(k))
        }
    }
}

extension Tensor {
    /// Checks that an input has one of `ranks` and, if given, `channels` at axis 1.
    func expect(_ layer: String, ranks: [Int], channels: Int? = nil, axis: Int = 1) throws {
        guard ranks.contains(rank) else {
            throw AxonError.shape("\(layer): expected an input of rank "
                                  + "\(ranks.map(String.init).joined(separator: " or ")), got shape \(shape)")
        }
        if let channels, shape[axis] != channels {
            throw AxonError.shape("\(layer): expected \(channels) channels at axis \(axis), got shape \(shape)")
        }
    }
}

extension Layer {
    /// The layer-spec kind of this layer ("linear", "sequential", ...), nil for a custom layer.
    public var kindName: String? { (self as? any RegisteredLayer).map { type(of: $0).kind.name } }

    /// The descendant at a dotted path of child names ("0", "2.body"), as PyTorch's
    /// `get_submodule`; "" is the layer itself. The result is the very layer of the tree (its
    /// parameters are the tree's).
    public func submodule(_ path: String) throws -> any Layer {
        var layer: any Layer = self
        for name in path.split(separator: ".", omittingEmptySubsequences: false) where !path.isEmpty {
            guard let child = layer.children.first(where: { $0.name == name }) else {
                let known = layer.children.map(\.name).joined(separator: ", ")
                throw AxonError.invalid("submodule: no child '\(name)' in '\(path)' (children: \(known))")
            }
            layer = child.layer
        }
        return layer
    }
}
