import Foundation
import XCTest
@testable import HomeServeSandbox

final class OptionsTests: XCTestCase {
    func testShapesAndLatencyAreParsed() {
        guard case .run(let options) = SandboxOptions.parse(["--shapes", "variant", "--latency=250"]) else {
            return XCTFail("not parsed")
        }
        XCTAssertEqual(options.shapes, .variant)
        XCTAssertEqual(options.latencyMilliseconds, 250)
        guard case .run(let defaults) = SandboxOptions.parse([]) else { return XCTFail("not parsed") }
        XCTAssertEqual(defaults.shapes, .guide)
        XCTAssertEqual(defaults.latencyMilliseconds, 0)
        guard case .failure(let message) = SandboxOptions.parse(["--shapes", "loose"]) else { return XCTFail("accepted") }
        XCTAssertEqual(message, "option --shapes: 'loose' is not one of guide, variant")
        guard case .failure = SandboxOptions.parse(["--latency", "-5"]) else { return XCTFail("accepted") }
    }

    func testHelpNamesEveryVariantConvention() {
        for convention in Shapes.conventions {
            XCTAssertTrue(SandboxOptions.usage.contains("\(convention.endpoint): \(convention.variant)"), convention.endpoint)
        }
    }

    /// docs/SANDBOX.md carries the table of conventions exactly as the code defines them.
    func testTheDocumentedTableMatchesTheCode() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("docs/SANDBOX.md"), encoding: .utf8)
        XCTAssertTrue(doc.contains(Shapes.markdownTable), "regenerate the table in docs/SANDBOX.md from Shapes.markdownTable:\n\(Shapes.markdownTable)")
    }
}
