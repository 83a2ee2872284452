import Foundation
import XCTest

/// The Makefile's install and uninstall targets: where files go, and that uninstall takes back
/// exactly what install put there. Needs no release build; the real install runs only when one exists.
final class InstallTests: XCTestCase {
    private let expected = [
        "/stage/usr/bin/homeserve",
        "/stage/usr/bin/homeserve-sandbox",
        "/stage/usr/share/man/man1/homeserve.1",
        "/stage/usr/share/bash-completion/completions/homeserve",
        "/stage/usr/share/zsh/site-functions/_homeserve",
        "/stage/usr/share/fish/vendor_completions.d/homeserve.fish",
    ]

    private func make() throws -> String {
        guard let make = RepositoryFiles.program("make") else { throw missing("make is not installed") }
        return make
    }

    /// The recipe `make -n` would run, continuation lines joined.
    private func recipe(_ target: String, _ variables: [String]) throws -> [String] {
        // BUILD_PATH points at a directory holding no binaries, so make plans the build without running it.
        let result = try RepositoryFiles.run(try make(), ["-n", "--no-print-directory", target, "BUILD_PATH=/nonexistent-build"] + variables)
        XCTAssertEqual(result.status, 0, result.err)
        return result.out.replacing("\\\n", with: " ").split(separator: "\n").map(String.init)
    }

    func testInstallHonoursPrefixAndDestdir() throws {
        let installed = try recipe("install", ["DESTDIR=/stage", "PREFIX=/usr"])
            .filter { $0.hasPrefix("install -m") }
            .compactMap { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).last.map(String.init) }
        XCTAssertEqual(Set(installed), Set(expected))
        XCTAssertEqual(installed.count, expected.count)
    }

    func testUninstallRemovesExactlyWhatInstallPuts() throws {
        let removed = try recipe("uninstall", ["DESTDIR=/stage", "PREFIX=/usr"])
            .filter { $0.hasPrefix("rm -f") }
            .flatMap { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst(2).map(String.init) }
        XCTAssertEqual(Set(removed), Set(expected))
    }

    func testBuildMakesStaticReleaseBinaries() throws {
        let build = try recipe("build", []).filter { $0.contains(" build ") }
        XCTAssertEqual(build.count, 2, "\(build)")
        for (line, product) in zip(build, ["homeserve", "homeserve-sandbox"]) {
            for part in ["-c release", "--static-swift-stdlib", "--product \(product)"] {
                XCTAssertTrue(line.contains(part), "'\(line)' lacks \(part)")
            }
        }
    }

    /// A real staged install and uninstall, when `make build` has produced the binaries.
    func testStagedInstallAndUninstall() throws {
        let release = RepositoryFiles.root + "/.build/release"
        guard FileManager.default.isExecutableFile(atPath: release + "/homeserve"),
              FileManager.default.isExecutableFile(atPath: release + "/homeserve-sandbox") else {
            throw missing("no release build in .build/release (run make build)")
        }
        let stage = FileManager.default.temporaryDirectory.appendingPathComponent("homeserve-install-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: stage) }
        let files = expected.map { stage + $0.dropFirst("/stage".count) }

        let install = try RepositoryFiles.run(try make(), ["--no-print-directory", "install", "DESTDIR=\(stage)", "PREFIX=/usr"])
        XCTAssertEqual(install.status, 0, install.err)
        for file in files { XCTAssertTrue(FileManager.default.fileExists(atPath: file), file) }
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: files[0]))
        let version = try RepositoryFiles.run(files[0], ["--version"])
        XCTAssertTrue(version.out.hasPrefix("homeserve "), version.out + version.err)
        // The release binary keeps argv as glibc hands it over: the Swift runtime's own search, which reads
        // /proc/self/maps, is not linked in, and every word still arrives as it was given.
        let binary = try XCTUnwrap(FileManager.default.contents(atPath: files[0]))
        XCTAssertNil(binary.range(of: Data("/proc/self/maps".utf8)), "the runtime's argv search is linked in")
        let word = try RepositoryFiles.run(files[0], ["services", "list", "two words, é"])
        XCTAssertEqual(word.status, 2)
        XCTAssertTrue(word.err.contains("unexpected argument 'two words, é'"), word.err)
        let empty = try RepositoryFiles.run(files[0], ["services", "list", ""])
        XCTAssertTrue(empty.err.contains("unexpected argument ''"), empty.err)

        let uninstall = try RepositoryFiles.run(try make(), ["--no-print-directory", "uninstall", "DESTDIR=\(stage)", "PREFIX=/usr"])
        XCTAssertEqual(uninstall.status, 0, uninstall.err)
        for file in files { XCTAssertFalse(FileManager.default.fileExists(atPath: file), file) }
    }
}
