using System.Security.Cryptography;
using System.Text;
using Monitor.Core.Text;

namespace Monitor.Core.Statements;

/// <summary>
/// Identifies a statement's content: equal hashes mean the same wording. Whitespace is normalised first, so a
/// feed that re-wraps or re-indents a text does not make a new revision; any change of wording does.
/// </summary>
public static class ContentHash
{
    public static string Compute(string title, string summary, string body)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in (ReadOnlySpan<string?>)[title, summary, body])
        {
            // Each part is length-prefixed so text cannot move between fields unnoticed ("a b" + "c" vs "a" + "b c").
            var bytes = Encoding.UTF8.GetBytes(PlainText.Collapse(part));
            hash.AppendData(Encoding.ASCII.GetBytes($"{bytes.Length}:"));
            hash.AppendData(bytes);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
