using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;

namespace Engine.Runtime;

/// <summary>
/// Akka's default JSON serializer (<see cref="NewtonSoftJsonSerializer"/>, the "json" entry of
/// <c>akka.actor.serializers</c>), created at its first use instead of at the system's start: Akka creates every
/// configured serializer eagerly, and this one loads Newtonsoft.Json and builds its settings (~10–25 ms of start-up,
/// docs/performance.md), while an engine's own messages are never serialized. Same identifier, same bytes.
/// </summary>
internal sealed class DeferredJsonSerializer : Serializer
{
    /// <summary>NewtonSoftJsonSerializer's identifier (Akka's <c>akka.actor.serialization-identifiers</c>): whatever it wrote reads back.</summary>
    private const int JsonIdentifier = 1;

    private readonly Lazy<NewtonSoftJsonSerializer> _json;

    public DeferredJsonSerializer(ExtendedActorSystem system) : base(system) => _json = new(() => new NewtonSoftJsonSerializer(system));

    public DeferredJsonSerializer(ExtendedActorSystem system, Config config) : base(system) => _json = new(() => new NewtonSoftJsonSerializer(system, config));

    public override int Identifier => JsonIdentifier;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) => _json.Value.ToBinary(obj);

    public override object FromBinary(byte[] bytes, Type type) => _json.Value.FromBinary(bytes, type);
}
