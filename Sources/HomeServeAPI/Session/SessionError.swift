import HomeServeCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the credentials of a command came from; hints name the fix that fits the source.
public enum CredentialSource: String, Sendable {
    case file = "credentials file"
    case accessToken = "HOMESERVE_TOKEN"
    case refreshToken = "HOMESERVE_REFRESH_TOKEN"
}

public enum SessionError: Error, Sendable {
    /// No session for the profile, and no way to make one unattended.
    case notLoggedIn(profile: String)
    /// The session ended (refresh token refused or missing) and no password source can renew it.
    case expired(profile: String, source: CredentialSource, reason: String)
    /// A token that cannot be refreshed (HOMESERVE_TOKEN) was refused by the server.
    case tokenRefused(source: CredentialSource)
    /// A token with characters that do not belong in a header: refused before anything is sent.
    case malformedToken(source: CredentialSource)
    /// The server accepted a login or refresh but sent no well-formed token; nothing was stored.
    case badTokenReply(endpoint: String)
    /// A password was refused while logging in again.
    case loginRefused(username: String, message: String)
    /// `password_command` could not supply a password.
    case passwordCommandFailed(command: String, reason: String)
    case file(FileError)
    case corrupt(path: String, reason: String)
    case unknownProfile(name: String, known: [String])
    /// Another login stored another user's session for the profile while this command ran with the first's:
    /// it is not taken up, so a command never goes on as someone else.
    case userChanged(profile: String, from: String, to: String)
    /// The profile's session was made with another server than the one a command would send it to.
    case otherServer(profile: String, session: String, asked: String)
    /// The config directory, or a file in it, could have been changed by another user (its owner, a
    /// group or world write bit, a directory's sticky bit): nothing is read from it or written into it.
    /// `above`: the config directory, when `path` is a directory on the way to it.
    case untrusted(path: String, isDirectory: Bool, owner: String, mode: mode_t, above: String?)
}
