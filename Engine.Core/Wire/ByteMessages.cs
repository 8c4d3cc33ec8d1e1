using System.Text;

namespace Engine.Core.Wire;

// Messages with a variable-length byte payload. Equality compares contents.

/// <summary>The bitfield exactly as on the wire: piece 0 is the high bit of byte 0.</summary>
internal sealed record BitfieldMessage(byte[] Bits) : PeerMessage
{
    public bool Equals(BitfieldMessage? other) => other is not null && Bits.AsSpan().SequenceEqual(other.Bits);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Bits);
        return hash.ToHashCode();
    }

    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Bits = ").Append(Bits.Length).Append(" bytes");
        return true;
    }
}

/// <summary>BEP 10: an extension message, kept opaque (id 0 is the extension handshake).</summary>
internal sealed record Extended(byte ExtendedId, byte[] Payload) : PeerMessage
{
    public bool Equals(Extended? other) =>
        other is not null && ExtendedId == other.ExtendedId && Payload.AsSpan().SequenceEqual(other.Payload);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(ExtendedId);
        hash.AddBytes(Payload);
        return hash.ToHashCode();
    }

    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append("ExtendedId = ").Append(ExtendedId).Append(", Payload = ").Append(Payload.Length).Append(" bytes");
        return true;
    }
}
