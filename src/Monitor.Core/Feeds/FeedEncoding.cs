using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Monitor.Core.Feeds;

/// <summary>
/// Bytes to text the way feed readers must: byte-order mark first, then the XML declaration, and a fallback for
/// the usual lies (a feed declared UTF-8 that is really Windows-1252, or declared Latin-1 that is really UTF-8).
/// The XML is then parsed from the decoded string, so the declaration can no longer mislead the parser.
/// A UTF-8 document with a few bad bytes (one stray 0xFF in one title) stays UTF-8, the bad bytes replaced by U+FFFD;
/// only a document whose non-ASCII bytes are mostly not UTF-8 is read as Windows-1252.
/// </summary>
internal static class FeedEncoding
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Windows-1252 is what "ISO-8859-1" means on the web (WHATWG), and the usual real encoding of a mislabelled feed.
    private static readonly Encoding Windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252) ?? Encoding.Latin1;

    public static string Decode(byte[] bytes)
    {
        if (bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return Utf8OrWindows1252(bytes.AsSpan(3));
        }

        if (bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0x3C, 0x00]))
        {
            return Encoding.Unicode.GetString(bytes).TrimStart('\uFEFF');
        }

        if (bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0x00, 0x3C]))
        {
            return Encoding.BigEndianUnicode.GetString(bytes).TrimStart('\uFEFF');
        }

        var declared = DeclaredEncoding(bytes);
        if (declared is null or "utf-8" or "utf8" or "us-ascii" or "ascii")
        {
            return Utf8OrWindows1252(bytes);
        }

        if (declared is "iso-8859-1" or "latin1" or "latin-1" or "windows-1252" or "cp1252")
        {
            // Valid multi-byte UTF-8 is vanishingly rare in real Latin-1 text, and common in mislabelled feeds.
            return TryStrictUtf8(bytes, out var utf8) ? utf8 : Windows1252.GetString(bytes);
        }

        return Resolve(declared) is { } encoding ? encoding.GetString(bytes) : Utf8OrWindows1252(bytes);
    }

    private static string Utf8OrWindows1252(ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes))
        {
            return Encoding.UTF8.GetString(bytes);
        }

        // Judge the whole document, not its first bad byte: valid multi-byte sequences (é is C3 A9) are vanishingly
        // rare in Windows-1252 text, so where they outnumber the invalid bytes the document is UTF-8 with damage.
        var (valid, invalid) = CountUtf8Sequences(bytes);
        return valid >= invalid ? Encoding.UTF8.GetString(bytes) : Windows1252.GetString(bytes);
    }

    /// <summary>Multi-byte UTF-8 sequences that decode, and invalid subsequences, in the non-ASCII part of the bytes.</summary>
    private static (int Valid, int Invalid) CountUtf8Sequences(ReadOnlySpan<byte> bytes)
    {
        int valid = 0, invalid = 0;
        while (true)
        {
            var next = bytes.IndexOfAnyExceptInRange((byte)0x00, (byte)0x7F);
            if (next < 0)
            {
                return (valid, invalid);
            }

            bytes = bytes[next..];
            if (Rune.DecodeFromUtf8(bytes, out _, out var consumed) == OperationStatus.Done)
            {
                valid++;
            }
            else
            {
                invalid++;
            }

            bytes = bytes[Math.Max(consumed, 1)..];
        }
    }

    private static bool TryStrictUtf8(byte[] bytes, out string text)
    {
        try
        {
            text = StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = "";
            return false;
        }
    }

    private static Encoding? Resolve(string name)
    {
        try
        {
            return Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return CodePagesEncodingProvider.Instance.GetEncoding(name);
        }
    }

    /// <summary>The encoding named in <c>&lt;?xml ... encoding="..."?&gt;</c>, lower-case, or null.</summary>
    private static string? DeclaredEncoding(byte[] bytes)
    {
        var head = Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 512)).TrimStart();
        if (!head.StartsWith("<?xml", StringComparison.Ordinal))
        {
            return null;
        }

        var end = head.IndexOf("?>", StringComparison.Ordinal);
        var declaration = end > 0 ? head[..end] : head;
        var at = declaration.IndexOf("encoding", StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var rest = declaration[(at + "encoding".Length)..].TrimStart().TrimStart('=').TrimStart();
        if (rest.Length < 2 || rest[0] is not ('"' or '\''))
        {
            return null;
        }

        var close = rest.IndexOf(rest[0], 1);
        return close > 1 ? rest[1..close].Trim().ToLowerInvariant() : null;
    }
}
