#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Immutable bytes that outlive every value read from them: a read-only `mmap` of a file,
/// or (for tests and in-memory files) a private copy. Never written after creation.
public final class MappedRegion: @unchecked Sendable {
    /// The first byte; valid for `count` bytes while this object lives.
    public let base: UnsafeRawPointer
    /// The number of bytes.
    public let count: Int
    private let release: @Sendable (UnsafeRawPointer, Int) -> Void
    /// Whether the bytes are a file's pages (which can be dropped and read again).
    private let isFileMapping: Bool

    /// Maps a file read-only. Its pages are shared with the page cache, never copied.
    public init(mapping path: String) throws(GGUFError) {
        // non-blocking: opening a FIFO named like a model must not wait for a writer
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw .notARegularFile(path: path) }
        let size = Int(status.st_size)
        guard size > 0 else { throw .truncated(what: "header", offset: 0, needed: 24, available: 0) }
        let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0)
        guard let address, address != MAP_FAILED else {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        base = UnsafeRawPointer(address)
        count = size
        release = { pointer, length in munmap(UnsafeMutableRawPointer(mutating: pointer), length) }
        isFileMapping = true
    }

    /// Copies bytes into a region of their own (for tests and in-memory files).
    public init(copying bytes: some Collection<UInt8>) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(
            byteCount: max(bytes.count, 1), alignment: 64)
        // contiguous bytes are copied at once; the generic element loop is slow unoptimised
        let copied: Void? = bytes.withContiguousStorageIfAvailable { source in
            if let start = source.baseAddress { buffer.baseAddress!.copyMemory(from: start, byteCount: source.count) }
        }
        if copied == nil { _ = buffer.initializeMemory(as: UInt8.self, from: bytes) }
        base = UnsafeRawPointer(buffer.baseAddress!)
        count = bytes.count
        release = { pointer, _ in UnsafeMutableRawPointer(mutating: pointer).deallocate() }
        isFileMapping = false
    }

    deinit { release(base, count) }

    /// Tells the kernel the whole pages inside `bytes` (a part of this region) are not needed
    /// now, so they stop counting as resident; a later read loads them from the file again.
    /// Does nothing for a copied region, whose pages could not be read again.
    public func releasePages(_ bytes: UnsafeRawBufferPointer) {
        guard isFileMapping, let start = bytes.baseAddress, bytes.count > 0 else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let first = (Int(bitPattern: start) + page - 1) / page * page
        let last = (Int(bitPattern: start) + bytes.count) / page * page
        guard last > first, let address = UnsafeMutableRawPointer(bitPattern: first) else { return }
        madvise(address, last - first, Int32(MADV_DONTNEED))
    }

    /// The bytes `range`, which the caller has checked lie inside the region.
    func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "read outside the region")
        return UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }
}
