using Dapper;

namespace Monitor.Data.Accounts;

/// <summary>
/// The <c>data_protection_keys</c> table: ASP.NET Core Data Protection's key ring as XML, one row per key, shared by
/// every dashboard replica. Data Protection reads and writes it synchronously, hence the synchronous calls.
/// </summary>
public sealed class DataProtectionKeyStore(Database database)
{
    public IReadOnlyList<string> GetAll()
    {
        using var connection = database.OpenAsync().GetAwaiter().GetResult();
        return connection.Query<string>("SELECT xml FROM data_protection_keys ORDER BY id").ToList();
    }

    /// <summary>Stores a key once: a second key of the same name (the same key id) is ignored.</summary>
    public void Store(string friendlyName, string xml, DateTimeOffset now)
    {
        using var connection = database.OpenAsync().GetAwaiter().GetResult();
        connection.Execute(
            "INSERT INTO data_protection_keys (friendly_name, xml, created_at) VALUES (@Name, @Xml, @Now) ON CONFLICT DO NOTHING",
            new { Name = friendlyName, Xml = xml, Now = Database.ToDb(now) });
    }
}
