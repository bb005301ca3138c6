namespace Monitor.Contracts;

/// <summary>
/// Ingestion's output: the new or changed statements of one feed poll (or one archive page of a backfill), at most
/// <see cref="MaxStatements"/> to a message, on <c>tag-statement</c> (or <c>tag-statement-backfill</c>). A poll that
/// finds one new item sends a message of one; a first poll, a catch-up after an outage or an archive page sends its
/// items together, so the broker and Tagging handle one message where they would handle dozens.
/// </summary>
/// <remarks>Tagging tags every statement of it; one it cannot tag is sent back alone (a message of one), which is retried
/// and then goes to the error queue without its neighbours.</remarks>
public sealed record StatementsDiscovered(IReadOnlyList<StatementDiscovered> Statements)
{
    /// <summary>The most statements in one message (about 2 KB each, more with a full-text body).</summary>
    public const int MaxStatements = 50;

    /// <summary>The statements as messages of at most <see cref="MaxStatements"/>, in their order.</summary>
    public static IEnumerable<StatementsDiscovered> Chunk(IEnumerable<StatementDiscovered> statements) =>
        statements.Chunk(MaxStatements).Select(chunk => new StatementsDiscovered(chunk));
}
