namespace Engine.Core.Extensions;

/// <summary>
/// The BEP 10 extensions a torrent's connections speak, in order: each gets the next local id (1, 2, …), which our
/// extension handshake offers in its <c>m</c> dictionary. Immutable; <see cref="With"/> returns a new registry.
/// Adding an extension means registering it here (where the torrent builds its registry): the peer session and its
/// actor shell stay as they are.
/// </summary>
internal sealed class ExtensionRegistry
{
    private readonly (string Name, Func<PeerExtension> Create)[] _entries;

    private ExtensionRegistry((string, Func<PeerExtension>)[] entries) => _entries = entries;

    public static ExtensionRegistry Empty { get; } = new([]);

    public int Count => _entries.Length;

    /// <summary>The names in id order (the first has local id 1).</summary>
    public IEnumerable<string> Names => _entries.Select(e => e.Name);

    /// <summary>This registry plus <paramref name="name"/>, made per connection by <paramref name="create"/>.</summary>
    public ExtensionRegistry With(string name, Func<PeerExtension> create)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(create);
        if (_entries.Any(e => e.Name == name)) throw new ArgumentException($"extension {name} is registered already", nameof(name));
        if (_entries.Length == byte.MaxValue) throw new InvalidOperationException("at most 255 extensions");
        return new ExtensionRegistry([.. _entries, (name, create)]);
    }

    /// <summary>One connection's extensions, each with its link to <paramref name="effects"/>.</summary>
    public ExtensionSet Open(IExtensionEffects effects)
    {
        var opened = new (PeerExtension, ExtensionLink)[_entries.Length];
        for (var i = 0; i < _entries.Length; i++)
            opened[i] = (_entries[i].Create(), new ExtensionLink(_entries[i].Name, (byte)(i + 1), effects));
        return new ExtensionSet(opened);
    }
}
