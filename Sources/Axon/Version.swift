/// The library version, shared by every door (`axon_version()` in C, `axon.__version__`).
public let version = "0.1.0"
