using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Monitor.Data.Accounts;

namespace Monitor.Dashboard.Auth;

/// <summary>Password hashing (ASP.NET Core Identity's PBKDF2 hasher) and generated passwords.</summary>
public static class Passwords
{
    public const int MinLength = 12;
    public const int GeneratedLength = 24;

    // No look-alikes (0/O, 1/l/I): a generated password is read from a log or a screen and typed.
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private static readonly PasswordHasher<UserRecord> Hasher = new();

    // Verified when the user does not exist, so a wrong user name costs as long as a wrong password.
    private static readonly string DummyHash = Hasher.HashPassword(new UserRecord(), "not a password of anyone");

    public static string Hash(string password) => Hasher.HashPassword(new UserRecord(), password);

    /// <summary>True when <paramref name="password"/> matches; for a null hash (no password) it spends the same time and says no.</summary>
    public static bool Verify(string? hash, string password)
    {
        var result = Hasher.VerifyHashedPassword(new UserRecord(), hash ?? DummyHash, password);
        return hash is not null && result != PasswordVerificationResult.Failed;
    }

    public static string Generate() => RandomNumberGenerator.GetString(Alphabet, GeneratedLength);

    /// <returns>A message saying what is wrong, or null when the password may be used.</returns>
    public static string? Check(string? password) =>
        password is null || password.Length < MinLength
            ? $"The password must have at least {MinLength} characters."
            : null;
}
