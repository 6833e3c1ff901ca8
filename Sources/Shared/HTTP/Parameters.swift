/// Named values taken from a request's path or query string, in the order they came.
public struct Parameters: Sendable, Sequence {
    /// The parameters as name and value, already percent-decoded.
    public private(set) var pairs: [(name: String, value: String)]

    /// Creates parameters from `pairs`.
    public init(_ pairs: [(name: String, value: String)] = []) {
        self.pairs = pairs
    }

    /// The first value named `name`, or `nil`.
    public subscript(name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// Every value named `name`, for parameters that may repeat (`?status=a&status=b`).
    public func values(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    /// Whether there are no parameters.
    public var isEmpty: Bool { pairs.isEmpty }

    mutating func append(_ name: String, _ value: String) {
        pairs.append((name: name, value: value))
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        pairs.makeIterator()
    }
}
