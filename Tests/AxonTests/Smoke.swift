import Testing
@testable import Axon
@Test func smoke() throws {
    let x = try Tensor([1, 2, 3], shape: [3], requiresGrad: true)
    let y = try (x * x).sum()
    try y.backward()
    #expect(x.grad?.scalars == [2, 4, 6])
}
