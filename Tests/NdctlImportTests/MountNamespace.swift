import Foundation

/// Runs a command with a `FakeSysfs` tree bind-mounted over /sys, inside a private mount
/// namespace (`unshare -m --propagation private`): the mounts exist only in that namespace and
/// vanish with it; the real /sys is never written.
///
/// Inside the namespace, before the command runs:
/// - `/sys` is the fake tree (a bind mount of `tree.sys`);
/// - when the tree has device-dax instances, `/dev` is a tmpfs copy of itself with the
///   `daxR.N` character nodes added (libdaxctl `stat()`s them);
/// - `/run/udev` and `/lib/modules` are covered by empty tmpfs, so libndctl never waits on a
///   busy udev queue and libkmod never resolves a real module.
enum MountNamespace {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Why namespaced runs cannot happen here, or nil when they can (root and `unshare -m` work).
    static let unavailableReason: String? = {
        guard getuid() == 0 else { return "not root: a private mount namespace with a fake /sys needs root" }
        guard let r = try? run(["/usr/bin/unshare", "-m", "--propagation", "private", "--", "/bin/true"]) else {
            return "cannot start /usr/bin/unshare"
        }
        return r.status == 0 ? nil : "`unshare -m` is not permitted here: \(r.stderr)"
    }()

    static var isAvailable: Bool { unavailableReason == nil }

    private static let script = """
    set -eu
    tree=$1; shift
    mount --make-rprivate /
    mount --bind "$tree/sys" /sys
    if [ -s "$tree/devnodes" ]; then
        stage="$tree/devstage"
        mkdir -p "$stage"
        mount -t tmpfs -o mode=0755,nosuid devstage "$stage"
        cp -ax /dev/. "$stage/"
        while read -r name type major minor; do
            rm -f "$stage/$name"
            mknod -m 0600 "$stage/$name" "$type" "$major" "$minor"
        done < "$tree/devnodes"
        mount --move "$stage" /dev
    fi
    if [ -d /run/udev ]; then mount -t tmpfs -o mode=0755 noudev /run/udev; fi
    if [ -d /lib/modules ]; then mount -t tmpfs -o mode=0755 nomodules /lib/modules; fi
    exec "$@"
    """

    /// Runs `command` with `tree` as /sys.
    static func run(_ command: [String], sysfs tree: FakeSysfs) throws -> Result {
        try run(["/usr/bin/unshare", "-m", "--propagation", "private", "--", "/bin/sh", "-c", script, "in-ns", tree.root.path] + command)
    }

    /// Runs a process to completion and collects its output.
    static func run(_ argv: [String], environment: [String: String]? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: argv[0])
        p.arguments = Array(argv.dropFirst())
        if let environment { p.environment = environment }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read both pipes concurrently with the process so neither can fill up and block it.
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// Where things are: the built `ndemu` and a scratch directory.
enum TestPaths {
    /// The package root, from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `ndemu` built alongside this test bundle (same bin directory), else `.build/debug/ndemu`.
    static let ndemu: String = {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        // The test runner may live inside a bundle directory (`*.xctest/...`).
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("ndemu").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/ndemu").path
    }()

    /// A fresh scratch directory for one test.
    static func scratch(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ndemu-import-tests-\(getpid())-\(name)")
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
