import XCTest

/// The scripts' own command lines: help, and usage errors given before anything is built or run.
final class ScriptTests: XCTestCase {
    func testFuzzHelpIsItsHeaderAndAFlagWithoutItsNumberIsAUsageError() throws {
        guard let bash = RepositoryFiles.program("bash") else { throw missing("bash is not installed") }
        let help = try RepositoryFiles.run(bash, ["scripts/fuzz", "--help"])
        XCTAssertEqual(help.status, 0, help.err)
        XCTAssertTrue(help.out.hasPrefix("Fuzzes what a hostile server or a careless script can reach:\n"), help.out)
        XCTAssertTrue(help.out.hasSuffix("\nUsage: scripts/fuzz [--cases N] [--seed S] [--no-build]\n"), help.out)
        for flag in ["--cases", "--seed"] {
            let bare = try RepositoryFiles.run(bash, ["scripts/fuzz", flag])
            XCTAssertEqual(bare.status, 2)
            XCTAssertEqual(bare.out, "")
            XCTAssertEqual(bare.err, "fuzz: \(flag) needs a value: a whole number, e.g. \(flag) 100\n")
            let word = try RepositoryFiles.run(bash, ["scripts/fuzz", flag, "many"])
            XCTAssertEqual(word.status, 2)
            XCTAssertEqual(word.err, "fuzz: invalid value 'many' for \(flag): expected a whole number, e.g. \(flag) 100\n")
        }
    }
}
