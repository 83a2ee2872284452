#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An answer's body while it arrives. The first `inMemory` bytes are held in memory; the rest go to a
/// temporary file that is unlinked as soon as it is made (nothing is left behind, whatever happens to the
/// process). A body refused for its size part-way therefore never costs more memory than `inMemory`; one
/// that completes is read back whole. Should the file fail (no temporary directory, a full disk), what it
/// held comes back into memory and the rest is held there too; a file that cannot be read back is a body
/// lost, never a shorter one.
final class BodyBuffer {
    private(set) var count = 0
    private var memory: [UInt8] = []
    private let inMemory: Int
    private var file: Int32 = -1
    private var spilled = 0
    private var spillFailed = false
    private var lost = false

    init(inMemory: Int = 8 << 20) {
        self.inMemory = inMemory
    }

    deinit {
        if file >= 0 { close(file) }
    }

    func append(_ bytes: UnsafeRawBufferPointer) {
        count += bytes.count
        if lost { return }
        if file < 0, !spillFailed, memory.count + bytes.count > inMemory { openFile() }
        if file >= 0 {
            if writeAll(bytes) {
                spilled += bytes.count
                return
            }
            unspill()
        }
        memory.append(contentsOf: bytes)
    }

    /// Every byte received, in order; nil when the temporary file cannot be read back.
    func bytes() -> [UInt8]? {
        if lost { return nil }
        guard file >= 0 else { return memory }
        var all = memory
        all.reserveCapacity(memory.count + spilled)
        let start = all.count
        all.append(contentsOf: repeatElement(0, count: spilled))
        var offset = 0
        let complete = all.withUnsafeMutableBytes { buffer -> Bool in
            while offset < spilled {
                let n = pread(file, buffer.baseAddress! + start + offset, spilled - offset, off_t(offset))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                offset += n
            }
            return true
        }
        return complete ? all : nil
    }

    private func openFile() {
        let directory = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((directory + "/homeserve-body.XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            spillFailed = true
            return
        }
        // Close-on-exec: a password command started later in this process must not inherit the answers.
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        file = fd
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = pwrite(file, bytes.baseAddress! + offset, bytes.count - offset, off_t(spilled + offset))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            offset += n
        }
        return true
    }

    /// The file failed: its bytes come back into memory, where the rest will go too. Should they not come
    /// back, the body is marked lost and `bytes()` says so.
    private func unspill() {
        guard let held = bytes() else {
            lost = true
            return
        }
        memory = held
        close(file)
        file = -1
        spilled = 0
        spillFailed = true
    }
}
