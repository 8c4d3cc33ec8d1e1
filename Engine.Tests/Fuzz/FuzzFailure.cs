namespace Engine.Tests.Fuzz;

/// <summary>An input that made a codec fail (an unexpected exception, a broken oracle, or a hang).</summary>
internal sealed record FuzzFailure(string Target, byte[] Input, string Problem)
{
    public override string ToString() => $"{Target}: {Problem}\n  input ({Input.Length} bytes, base64): {Convert.ToBase64String(Input)}";
}
