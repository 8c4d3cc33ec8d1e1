namespace Engine.Tests.Fuzz;

/// <summary>
/// One codec under fuzzing. <see cref="Run"/> decodes an input and returns a short signature of the outcome (what kind
/// of value, or which rejection) — or throws. An exception of a type in <see cref="Rejections"/> is the codec refusing
/// bad input the documented way (its message, digits masked, becomes the signature); any other exception, or an oracle
/// failing inside <see cref="Run"/> (a round trip, a leak check), is a bug. New signatures mark inputs worth keeping
/// in the corpus (a proxy for new code paths, without coverage instrumentation).
/// </summary>
internal sealed record FuzzTarget(string Name, Func<byte[], string> Run, Type[] Rejections, Func<IEnumerable<byte[]>> Seeds)
{
    public override string ToString() => Name;
}
