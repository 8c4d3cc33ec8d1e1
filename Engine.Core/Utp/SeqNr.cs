namespace Engine.Core.Utp;

/// <summary>16-bit sequence-number arithmetic that survives wrapping: a is before b when b - a, mod 2^16, is below half the space.</summary>
internal static class SeqNr
{
    public static bool Before(ushort a, ushort b) => a != b && (ushort)(b - a) < 0x8000;

    /// <summary>How far b is after a, mod 2^16.</summary>
    public static int Distance(ushort a, ushort b) => (ushort)(b - a);
}
