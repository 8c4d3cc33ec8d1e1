namespace Engine.Host.Web;

/// <summary>The stylesheet and icon, embedded in the assembly and served at <c>/assets/…</c>.</summary>
internal static class EmbeddedAssets
{
    private static readonly (string Name, string ContentType)[] Files =
    [
        ("site.css", "text/css; charset=utf-8"),
        ("icon.svg", "image/svg+xml"),
    ];

    public static void Map(WebApplication app)
    {
        foreach (var (name, contentType) in Files)
        {
            var bytes = Read(name);
            app.MapGet("/assets/" + name, () => Results.Bytes(bytes, contentType)).AllowAnonymous(); // the login page needs them
        }
    }

    private static byte[] Read(string name)
    {
        var assembly = typeof(EmbeddedAssets).Assembly;
        using var stream = assembly.GetManifestResourceStream("Engine.Host.Web.Assets." + name)
            ?? throw new InvalidOperationException($"embedded asset {name} is missing from {assembly.GetName().Name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
