namespace Monitor.Data.Statements;

/// <summary>
/// A batch met an item that only a transaction of its own can store (a revision bump to undo, two feeds racing on one
/// document reference). Nothing of the batch was stored; store its items one by one.
/// </summary>
public sealed class BatchNeedsSingleStoreException : Exception
{
    public BatchNeedsSingleStoreException()
        : base("An item of the batch needs a transaction of its own; nothing of the batch was stored.")
    {
    }

    public BatchNeedsSingleStoreException(string message)
        : base(message)
    {
    }

    public BatchNeedsSingleStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
