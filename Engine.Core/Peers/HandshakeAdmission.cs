namespace Engine.Core.Peers;

/// <summary>
/// What <see cref="HandshakeQueue.Admit"/> decided for a new connection: refused (<see cref="Accepted"/> false, with
/// <see cref="Refusal"/> saying why), or accepted as <see cref="Id"/> with <see cref="Deadline"/> to complete its
/// handshake — and when the queue was full, <see cref="Evicted"/> names the oldest waiting connection, to be closed
/// to make room.
/// </summary>
internal readonly record struct HandshakeAdmission(bool Accepted, long Id, TimeSpan Deadline, long? Evicted, string? Refusal)
{
    public static HandshakeAdmission Refused(string why) => new(false, 0, TimeSpan.Zero, null, why);
}
