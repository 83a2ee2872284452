import CCrypto
import Foundation

/// The few primitives the sandbox needs, taken from the system's libcrypto.
enum Crypto {
    static func sha256(_ data: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        data.withUnsafeBufferPointer { input in
            _ = SHA256(input.baseAddress, input.count, &digest)
        }
        return digest
    }

    static func sha256Hex(_ text: String) -> String { hex(sha256(Array(text.utf8))) }

    static func hmacSHA256(key: [UInt8], data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        key.withUnsafeBufferPointer { k in
            data.withUnsafeBufferPointer { d in
                _ = HMAC(EVP_sha256(), k.baseAddress, Int32(k.count), d.baseAddress, d.count, &out, &length)
            }
        }
        return Array(out.prefix(Int(length)))
    }

    static func pbkdf2SHA256(password: String, salt: String, iterations: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let pass = Array(password.utf8)
        let saltBytes = Array(salt.utf8)
        pass.withUnsafeBufferPointer { p in
            saltBytes.withUnsafeBufferPointer { s in
                p.withMemoryRebound(to: CChar.self) { pc in
                    _ = PKCS5_PBKDF2_HMAC(
                        pc.baseAddress, Int32(pc.count), s.baseAddress, Int32(s.count),
                        Int32(iterations), EVP_sha256(), 32, &out)
                }
            }
        }
        return out
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        if RAND_bytes(&bytes, Int32(count)) != 1 {
            // libcrypto cannot fail to seed on Linux in practice; fall back rather than crash.
            var generator = SystemRandomNumberGenerator()
            for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255, using: &generator) }
        }
        return bytes
    }

    static func randomHex(_ byteCount: Int) -> String { hex(randomBytes(byteCount)) }

    /// A random version-4 UUID in Django's rendering (lowercase, hyphenated).
    static func uuid4() -> String { UUID().uuidString.lowercased() }

    /// Constant-time comparison so signature checks do not leak how many bytes matched.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in a.indices { diff |= a[i] ^ b[i] }
        return diff == 0
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func base64URLEncode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func base64URLDecode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in text.utf8 {
            let value: UInt8
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = byte - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = byte - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0") + 52
            case UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "_"): value = 63
            default: return nil
            }
            buffer = buffer << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        // One leftover character cannot encode a byte; the other remainders are unpadded ends.
        return bits == 6 ? nil : out
    }

    /// Whether `text` is a UUID in any of the spellings Django's UUIDField accepts (with or without hyphens).
    static func normalizedUUID(_ text: String) -> String? {
        let hexOnly = text.lowercased().replacingOccurrences(of: "-", with: "")
        guard hexOnly.count == 32, hexOnly.allSatisfy({ $0.isHexDigit }) else { return nil }
        let c = Array(hexOnly)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-"
            + String(c[16..<20]) + "-" + String(c[20..<32])
    }
}

/// Passwords in Django's `pbkdf2_sha256$<iterations>$<salt>$<hash>` format.
enum PasswordHasher {
    /// Far below Django's default, because the sandbox hashes on every login and every seed and its
    /// passwords are public test fixtures.
    static let iterations = 10_000

    static func hash(_ password: String) -> String {
        let salt = Crypto.randomHex(8)
        let digest = Crypto.pbkdf2SHA256(password: password, salt: salt, iterations: iterations)
        return "pbkdf2_sha256$\(iterations)$\(salt)$\(Data(digest).base64EncodedString())"
    }

    static func verify(_ password: String, against encoded: String) -> Bool {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "pbkdf2_sha256", let iterations = Int(parts[1]), iterations > 0,
              iterations <= 1_000_000, let expected = Data(base64Encoded: String(parts[3]))
        else { return false }
        let digest = Crypto.pbkdf2SHA256(password: password, salt: String(parts[2]), iterations: iterations)
        return Crypto.constantTimeEqual(digest, Array(expected))
    }
}
