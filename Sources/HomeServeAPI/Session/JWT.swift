import HomeServeCore

/// Reads (never verifies) a JWT's claims: the client only needs `exp` and `iat` to refresh in time.
public enum JWT {
    public static func claims(_ token: String) -> JSON? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let bytes = Base64.decode(String(parts[1])) else { return nil }
        return try? JSON.parse(bytes)
    }

    /// The user a session's tokens were issued to, by their `user_id` claim (SimpleJWT's): the first token
    /// that has one. A token from the environment comes without its user otherwise.
    public static func userID(in tokens: [String?]) -> JSON? {
        tokens.lazy.compactMap { $0.flatMap { claims($0)?["user_id"] }.flatMap { $0.isNull ? nil : $0 } }.first
    }

    /// `exp` as Unix seconds; a value outside any plausible time is treated as unreadable.
    public static func expiry(_ token: String) -> Int? { plausible(claims(token)?["exp"]) }

    /// `exp` and `iat` from one reading of the claims.
    static func times(_ token: String) -> (exp: Int?, iat: Int?) {
        let claims = claims(token)
        return (plausible(claims?["exp"]), plausible(claims?["iat"]))
    }

    private static func plausible(_ value: JSON?) -> Int? {
        guard let seconds = value?.intValue, (0...(1 << 40)).contains(seconds) else { return nil }
        return seconds
    }

    /// How long before expiry a token is renewed: 30 s, or a third of its life when that is shorter, so a
    /// 2-second token is renewed once per burst of commands rather than by every one of them.
    public static func refreshMargin(_ token: String) -> Double {
        margin(times(token))
    }

    private static func margin(_ times: (exp: Int?, iat: Int?)) -> Double {
        guard let exp = times.exp, let iat = times.iat, exp > iat else { return 30 }
        return min(30, Double(exp - iat) / 3)
    }

    /// True when the token expires within its refresh margin (or `margin`, when given). Unknown expiry
    /// counts as fresh: the server's 401 is then the judge.
    public static func expiresSoon(_ token: String, now: Double, margin: Double? = nil) -> Bool {
        expiresSoon(times(token), now: now, margin: margin)
    }

    static func expiresSoon(_ times: (exp: Int?, iat: Int?), now: Double, margin: Double? = nil) -> Bool {
        guard let exp = times.exp else { return false }
        return Double(exp) - now < (margin ?? Self.margin(times))
    }

    /// A token goes into an HTTP header: visible ASCII only, so it can never add a header of its own, and
    /// no longer than servers take in a header (8 KiB is the common default; 16 KiB leaves room).
    public static func isHeaderSafe(_ token: String) -> Bool {
        !token.isEmpty && token.utf8.count <= 16 << 10 && token.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}
