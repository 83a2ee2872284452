/// HS256 JSON Web Tokens shaped like djangorestframework-simplejwt's, so clients decode the same claims.
struct TokenClaims {
    let jti: String
    let userID: Int
}

struct TokenSigner: Sendable {
    let secret: [UInt8]
    let accessTTL: Int
    let refreshTTL: Int

    /// A refresh token with its access token; the refresh jti is returned so the caller can store it.
    func issuePair(userID: Int, now: Timestamp = .now()) -> (access: String, refresh: String, refreshJTI: String,
                                                             refreshExpires: Timestamp)
    {
        let refreshJTI = Crypto.randomHex(16)
        let refresh = sign(type: "refresh", userID: userID, jti: refreshJTI, now: now, ttl: refreshTTL)
        let access = sign(type: "access", userID: userID, jti: Crypto.randomHex(16), now: now, ttl: accessTTL)
        return (access, refresh, refreshJTI, now.adding(seconds: Int64(refreshTTL)))
    }

    private func sign(type: String, userID: Int, jti: String, now: Timestamp, ttl: Int) -> String {
        let iat = now.seconds
        let header: JSON = ["alg": "HS256", "typ": "JWT"]
        let payload: JSON = [
            "token_type": .string(type), "exp": .number(String(iat + Int64(ttl))), "iat": .number(String(iat)),
            "jti": .string(jti), "user_id": .int(userID),
        ]
        let signingInput = Crypto.base64URLEncode(header.bytes) + "." + Crypto.base64URLEncode(payload.bytes)
        let signature = Crypto.hmacSHA256(key: secret, data: Array(signingInput.utf8))
        return signingInput + "." + Crypto.base64URLEncode(signature)
    }

    /// The claims of a well-signed, unexpired token of the expected type; nil for anything else.
    func verify(_ token: String, expectedType: String, now: Timestamp = .now()) -> TokenClaims? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.utf8.count < 8192, parts.count == 3,
              let headerBytes = Crypto.base64URLDecode(String(parts[0])),
              let payloadBytes = Crypto.base64URLDecode(String(parts[1])),
              let signature = Crypto.base64URLDecode(String(parts[2])),
              case .object(let header)? = try? JSONParser.parse(headerBytes),
              header["alg"] == .string("HS256")
        else { return nil }
        let expected = Crypto.hmacSHA256(key: secret, data: Array("\(parts[0]).\(parts[1])".utf8))
        guard Crypto.constantTimeEqual(signature, expected),
              case .object(let payload)? = try? JSONParser.parse(payloadBytes),
              payload["token_type"] == .string(expectedType),
              case .number(let expText)? = payload["exp"], let exp = Int64(expText), exp > now.seconds,
              let jti = payload["jti"]?.stringValue
        else { return nil }
        let userID: Int?
        switch payload["user_id"] {
        case .number(let n)?: userID = Int(n)
        case .string(let s)?: userID = Int(s)
        default: userID = nil
        }
        guard let userID else { return nil }
        return TokenClaims(jti: jti, userID: userID)
    }
}
