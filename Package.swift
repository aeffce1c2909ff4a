// swift-tools-version: 6.1
import PackageDescription

/// One library module per kernel layer; lower layers know nothing of higher ones.
///
///     NDEmuCore ← SparseMem ← MemRemap ← LibNVDIMM ← Platform ← NdctlImport ← NDEmuCommands ← ndemu
///     NDEmuCore ← IOMem     ↗
let package = Package(
    name: "ndemu",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ndemu", targets: ["ndemu"]),
        .executable(name: "ndemu-bench", targets: ["ndemu-bench"]),
        .library(name: "NDEmuCommands", targets: ["NDEmuCommands"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        .target(name: "NDEmuCore"),
        .target(name: "SparseMem", dependencies: ["NDEmuCore"]),
        .target(name: "IOMem", dependencies: ["NDEmuCore"]),
        .target(name: "MemRemap", dependencies: ["NDEmuCore", "SparseMem", "IOMem"]),
        .target(name: "LibNVDIMM", dependencies: ["NDEmuCore", "SparseMem", "IOMem", "MemRemap"]),
        .target(name: "Platform", dependencies: ["NDEmuCore", "SparseMem", "IOMem", "MemRemap", "LibNVDIMM"]),
        .systemLibrary(
            name: "CNDCtl",
            pkgConfig: "libndctl",
            providers: [.apt(["libndctl-dev", "uuid-dev"])]
        ),
        .target(name: "NdctlImport", dependencies: ["NDEmuCore", "IOMem", "LibNVDIMM", "Platform", "CNDCtl"]),
        .target(
            name: "NDEmuCommands",
            dependencies: [
                "NDEmuCore", "SparseMem", "IOMem", "MemRemap", "LibNVDIMM", "Platform", "NdctlImport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "ndemu", dependencies: ["NDEmuCommands"]),
        .target(name: "CBenchBaseline"),
        .executableTarget(name: "ndemu-bench", dependencies: ["NDEmuCore", "SparseMem", "CBenchBaseline"]),

        .testTarget(name: "NDEmuCoreTests", dependencies: ["NDEmuCore"]),
        .testTarget(
            name: "SparseMemTests",
            dependencies: ["SparseMem", "NDEmuCore", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "IOMemTests", dependencies: ["IOMem", "NDEmuCore"]),
        .testTarget(name: "MemRemapTests", dependencies: ["MemRemap", "IOMem", "SparseMem", "NDEmuCore"]),
        .testTarget(
            name: "LibNVDIMMTests",
            dependencies: ["LibNVDIMM", "MemRemap", "IOMem", "NDEmuCore", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(
            name: "PlatformTests",
            dependencies: ["Platform", "LibNVDIMM", "NDEmuCore", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "NdctlImportTests", dependencies: ["NdctlImport", "Platform", "LibNVDIMM", "NDEmuCore"]),
        // Golden/ holds pinned text outputs the tests read by path.
        .testTarget(name: "NDEmuCommandsTests", dependencies: ["NDEmuCommands", "NDEmuCore"], exclude: ["Golden"]),
    ]
)
