import Foundation

/// What a new password must be, after current guidance (NIST SP 800-63B): long enough, not one
/// that guessers try first, not the user's own identifiers. No composition rules (a digit, a
/// capital...) and no periodic rotation: both push people to predictable passwords.
enum PasswordPolicy {
    /// The fewest characters a password may have.
    static let minimumLength = 12
    /// The most characters a password may have; long enough for any passphrase, short enough to
    /// bound the hashing work.
    static let maximumLength = 128

    /// Why `password` is refused for the user with those identifiers, or `nil` when it is acceptable.
    ///
    /// Characters are counted as Unicode code points after canonical composition, so that an accented
    /// letter counts once however it was typed.
    static func refusal(of password: String, email: String, name: String, code: String) -> String? {
        let length = password.precomposedStringWithCanonicalMapping.unicodeScalars.count
        if length < minimumLength {
            return "The password must have at least \(minimumLength) characters."
        }
        if length > maximumLength {
            return "The password must have at most \(maximumLength) characters."
        }
        let folded = password.lowercased()
        let identifiers = [email, email.split(separator: "@").first.map(String.init) ?? "", name, code]
        if identifiers.contains(where: { !$0.isEmpty && $0.lowercased() == folded }) {
            return "The password must not be your e-mail, name or code."
        }
        if CommonPasswords.isCommon(folded) {
            return "This password is too common; choose a longer phrase that others would not guess."
        }
        return nil
    }
}
