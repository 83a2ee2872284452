import Synchronization

/// Where pages of a listing start, learnt from the pages served before them: the ordering key of the last
/// row of the page at offset N is where the page at N + size starts. Kept per walk (the user and filters)
/// and valid only for the store generation it was read at, so any write makes them all stale.
final class PageStarts: Sendable {
    struct Row: Sendable {
        let createdAt: SQLValue
        let id: SQLValue
    }

    private struct Key: Hashable {
        let walk: String
        let offset: Int
    }

    private static let limit = 100_000
    private let known = Mutex<(generation: Int, starts: [Key: Row])>((0, [:]))

    /// The nearest known start at or up to 32 pages before `offset`, with how many rows lie between it and
    /// `offset`: pages asked for together (a concurrent walk) are read on from the last one served.
    func start(of walk: String, at offset: Int, size: Int, generation: Int) -> (row: Row, skip: Int)? {
        guard offset > 0, size > 0 else { return nil }
        return known.withLock { state in
            guard state.generation == generation else { return nil }
            for back in 0..<32 where offset - back * size > 0 {
                if let row = state.starts[Key(walk: walk, offset: offset - back * size)] { return (row, back * size) }
            }
            return nil
        }
    }

    func remember(_ walk: String, at offset: Int, generation: Int, start: Row) {
        known.withLock { state in
            if state.generation != generation || state.starts.count >= Self.limit {
                guard generation >= state.generation else { return }
                state = (generation, [:])
            }
            state.starts[Key(walk: walk, offset: offset)] = start
        }
    }
}
