using System.Globalization;
using System.Text;

namespace Monitor.Core.Text;

/// <summary>
/// Splits text into normalised word tokens: lower case, diacritics removed, letters and digits only. "NATO’s
/// no-fly zone" becomes [nato, s, no, fly, zone]; matching on tokens is what keeps "ally" out of "really".
/// </summary>
internal static class Tokens
{
    // Diacritic folding by table: string.Normalize does nothing under InvariantGlobalization (no ICU), so the
    // decompositions that matter (Latin, Greek) are spelled out. Keys are lower-case; the rest of Unicode passes as is.
    private static readonly Dictionary<char, string> Fold = BuildFold(
        ("a", "àáâãäåāăąǎǟǡǻȁȃȧḁạảấầẩẫậắằẳẵặ"), ("ae", "æǣǽ"), ("b", "ƀḃḅḇ"), ("c", "çćĉċčḉ"),
        ("d", "ðďđḋḍḏḑḓ"), ("e", "èéêëēĕėęěȅȇȩɇḕḗḙḛḝẹẻẽếềểễệ"), ("f", "ḟ"), ("g", "ĝğġģǥǧǵḡ"),
        ("h", "ĥħȟḣḥḧḩḫẖ"), ("i", "ìíîïĩīĭįıǐȉȋḭḯỉị"), ("ij", "ĳ"), ("j", "ĵǰ"), ("k", "ķĸǩḱḳḵ"),
        ("l", "ĺļľŀłƚḷḹḻḽ"), ("m", "ḿṁṃ"), ("n", "ñńņňŉǹṅṇṉṋ"),
        ("o", "òóôõöøōŏőơǒǫǭǿȍȏȫȭȯȱṍṏṑṓọỏốồổỗộớờởỡợ"), ("oe", "œ"), ("p", "ṕṗ"), ("r", "ŕŗřȑȓṙṛṝṟ"),
        ("s", "śŝşšſșṡṣṥṧṩ"), ("ss", "ß"), ("t", "ţťŧțṫṭṯṱẗ"), ("th", "þ"),
        ("u", "ùúûüũūŭůűųưǔǖǘǚǜȕȗṳṵṷṹṻụủứừửữự"), ("v", "ṽṿ"), ("w", "ŵẁẃẅẇẉẘ"), ("x", "ẋẍ"),
        ("y", "ýÿŷȳẏẙỳỵỷỹ"), ("z", "źżžȥẑẓẕ"),
        ("α", "άἀἁἂἃἄἅἆἇὰάᾀᾁᾂᾃᾄᾅᾆᾇᾰᾱᾲᾳᾴᾶᾷ"), ("ε", "έἐἑἒἓἔἕὲέ"), ("η", "ήἠἡἢἣἤἥἦἧὴήᾐᾑᾒᾓᾔᾕᾖᾗῂῃῄῆῇ"),
        ("ι", "ΐίϊἰἱἲἳἴἵἶἷὶίιῐῑῒΐῖῗ"), ("ο", "όὀὁὂὃὄὅὸό"), ("ρ", "ῤῥ"), ("σ", "ς"),
        ("υ", "ΰϋύὐὑὒὓὔὕὖὗὺύῠῡῢΰῦῧ"), ("ω", "ώὠὡὢὣὤὥὦὧὼώᾠᾡᾢᾣᾤᾥᾦᾧῲῳῴῶῷ"));

    public static List<string> Split(string? text)
    {
        var tokens = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return tokens;
        }

        var current = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                var lower = char.ToLowerInvariant(c);
                if (lower >= '\u00C0' && Fold.TryGetValue(lower, out var folded))
                {
                    current.Append(folded);
                }
                else
                {
                    current.Append(lower);
                }
            }
            else if (c == '\u00AD' || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark
                         or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
            {
                // Combining accents (already-decomposed text) and soft hyphens belong to the word they sit in.
            }
            else if (current.Length > 0)
            {
                tokens.Add(current.ToString());
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            tokens.Add(current.ToString());
        }

        return tokens;
    }

    private static Dictionary<char, string> BuildFold(params (string Base, string Variants)[] groups)
    {
        var fold = new Dictionary<char, string>();
        foreach (var (folded, variants) in groups)
        {
            foreach (var variant in variants)
            {
                fold[variant] = folded;
            }
        }

        return fold;
    }
}
