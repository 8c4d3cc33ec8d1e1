using System.Xml;

namespace Engine.Core.PortMapping;

/// <summary>
/// The one way UPnP documents are read: no DTD (a document with one is refused), nothing resolved outside, at most
/// <see cref="MaxChars"/> characters. Whatever the reader throws on hostile text becomes null for the caller.
/// </summary>
internal static class UpnpXml
{
    public const int MaxChars = 64 * 1024;

    public static XmlReader Reader(string text) => XmlReader.Create(new StringReader(text), new XmlReaderSettings
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = MaxChars,
        MaxCharactersFromEntities = 0,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        CloseInput = true,
    });

    /// <summary>The text of the element the reader is on (bounded to 1024 characters), leaving the reader after it.</summary>
    public static string Text(XmlReader reader)
    {
        var text = reader.ReadElementContentAsString().Trim();
        return text.Length > 1024 ? text[..1024] : text;
    }
}
