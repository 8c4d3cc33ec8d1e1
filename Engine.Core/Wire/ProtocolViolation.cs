namespace Engine.Core.Wire;

/// <summary>A typed protocol error with a message naming the problem.</summary>
internal sealed record ProtocolViolation(ViolationKind Kind, string Detail)
{
    public override string ToString() => $"{Kind}: {Detail}";
}
