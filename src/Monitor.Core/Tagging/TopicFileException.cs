namespace Monitor.Core.Tagging;

/// <summary>The topic file is not valid JSON or breaks a rule (duplicate, missing or unknown topic, bad term...).</summary>
public sealed class TopicFileException : Exception
{
    public TopicFileException()
        : base("The topic file is invalid.")
    {
    }

    public TopicFileException(string message)
        : base(message)
    {
    }

    public TopicFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
