using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Monitor.Data.Accounts;

namespace Monitor.Dashboard.Auth;

/// <summary>
/// Data Protection's key ring in the database (table <c>data_protection_keys</c>), so every dashboard replica signs and
/// reads cookies and anti-forgery tokens with the same keys, and they survive a restart. The keys are stored as Data
/// Protection hands them over: encrypted to a certificate when <c>Auth:DataProtection:CertificatePath</c> is set,
/// in the clear otherwise (then whoever can read the table can forge a cookie).
/// </summary>
public sealed class DatabaseXmlRepository(DataProtectionKeyStore store, TimeProvider time) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() => store.GetAll().Select(XElement.Parse).ToList();

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        store.Store(friendlyName, element.ToString(SaveOptions.DisableFormatting), time.GetUtcNow());
    }
}
