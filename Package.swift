// swift-tools-version: 6.0
import PackageDescription

/// SLMKernels is compiled with optimisation in every configuration: the model tests run
/// through it, and unoptimised C is many times slower. `-ffp-contract=off` keeps the
/// scalar reference bit-exact with the oracle (no silent fused multiply-adds).
let kernelFlags: [CSetting] = [.unsafeFlags(["-O2", "-ffp-contract=off"])]

let package = Package(
    name: "slm-tui",
    products: [
        .executable(name: "slm-tui", targets: ["slm-tui"]),
    ],
    targets: [
        .target(name: "SLMKernels", cSettings: kernelFlags),
        .target(name: "SLMSync"),
        .systemLibrary(
            name: "CNcurses",
            providers: [.apt(["libncursesw5-dev"])]),
        .systemLibrary(
            name: "CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "SLMEngine", dependencies: ["SLMKernels", "SLMSync"]),
        .target(name: "SLMStore", dependencies: ["CSQLite"]),
        .target(name: "SLMAgent", dependencies: ["SLMEngine", "SLMStore", "SLMSync"]),
        .target(name: "SLMTUI", dependencies: ["SLMAgent", "CNcurses", "SLMSync"]),
        .executableTarget(
            name: "slm-tui", dependencies: ["SLMTUI", "SLMAgent", "SLMEngine", "SLMStore", "SLMSync"]),
        .target(
            name: "SLMTestSupport", dependencies: ["SLMEngine", "SLMAgent", "SLMSync"],
            path: "Tests/SLMTestSupport"),
        .testTarget(
            name: "SLMEngineTests", dependencies: ["SLMEngine", "SLMKernels", "SLMTestSupport"],
            exclude: []),
        .executableTarget(name: "store-writer", dependencies: ["SLMAgent", "SLMStore"], path: "Tests/StoreWriter"),
        .testTarget(name: "SLMStoreTests", dependencies: ["SLMStore", "SLMTestSupport", "store-writer"]),
        .testTarget(name: "SLMAgentTests", dependencies: ["SLMAgent", "SLMTestSupport"]),
        .testTarget(name: "SLMTUITests", dependencies: ["SLMTUI", "SLMAgent", "SLMStore", "SLMTestSupport"]),
        .testTarget(name: "slm-tuiTests", dependencies: ["slm-tui", "SLMTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
