using Akka.Cluster.Sharding;
using Engine.Core.Cluster;

namespace Engine.Cluster.Trackers;

/// <summary>
/// Routes <see cref="SwarmShard"/>'s messages: each shard has exactly one entity, named as the shard, so the
/// entity of a message is its shard (computed by the sender from the info-hash, <see cref="TrackerShards"/>).
/// </summary>
internal sealed class SwarmShardExtractor : IMessageExtractor
{
    public string EntityId(object message) => message is SwarmShard.IMessage m ? TrackerShards.Name(m.Shard) : null!;

    public object EntityMessage(object message) => message;

    public string ShardId(object message) => EntityId(message);

    public string ShardId(string entityId, object? messageHint = null) => entityId;
}
