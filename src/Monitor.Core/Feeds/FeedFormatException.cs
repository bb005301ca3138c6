namespace Monitor.Core.Feeds;

/// <summary>The content is not an RSS or Atom feed (empty, HTML, JSON, malformed XML, a DTD...).</summary>
public sealed class FeedFormatException : Exception
{
    public FeedFormatException()
        : base("The content is not an RSS or Atom feed.")
    {
    }

    public FeedFormatException(string message)
        : base(message)
    {
    }

    public FeedFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
