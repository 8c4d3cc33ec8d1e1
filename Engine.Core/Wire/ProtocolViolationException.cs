namespace Engine.Core.Wire;

/// <summary>Carries a <see cref="ProtocolViolation"/> where an exception is the natural way out.</summary>
internal sealed class ProtocolViolationException(ProtocolViolation violation) : Exception(violation.ToString())
{
    public ProtocolViolation Violation { get; } = violation;
}
