using Monitor.Core.Events;

namespace Monitor.Core.Tests.Events;

public class DocumentReferencesTests
{
    [Fact]
    public void Parliament_references_are_found_in_one_spelling()
    {
        // As on the EP's page of motion B10-0076/2025 (corpus statement ep-145), with a non-breaking hyphen.
        const string text = "Motion for a resolution | B10-0076/2025 | See also joint motion for a resolution RC-B10-0074/2025 | Procedure : 2024/2988(RSP) | <NoDocSe>B10\u20110076/2025</NoDocSe>";

        // The title first, then the text, each reference once.
        Assert.Equal(["B10-0076/2025", "2024/2988(RSP)", "RC-B10-0074/2025"], DocumentReferences.Find("Motion for a resolution - B10-0076/2025", text));
    }

    [Fact]
    public void Texts_adopted_and_commission_proposals_are_found_in_either_spelling()
    {
        const string text = "P9_TA(2022)0290 European Parliament legislative resolution on the proposal (COM(2020)0825 – C9-0418/2020 – 2020/0361(COD)); see TA-9-2022-0290.";

        Assert.Equal(["2020/0361(COD)", "TA-9-2022-0290", "COM(2020)0825"], DocumentReferences.Find(null, text));
    }

    [Fact]
    public void A_text_without_references_has_none()
    {
        Assert.Empty(DocumentReferences.Find("Press conference by NATO Secretary General", "In 2024, 23 Allies spent 2% of GDP on defence."));
    }
}
