using Akka.Actor;
using Akka.DistributedData;
using Akka.Event;

namespace Engine.Cluster.Trackers;

/// <summary>
/// The shard's published files kept beyond its node (<see cref="PublishedFiles"/>): an entity starts by reading them back
/// (majority, then its own copy if the majority does not answer), stashing every question until it has, and writes each
/// newly published file to a majority of the nodes before answering the publish.
/// </summary>
internal sealed partial class SwarmShard
{
    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private readonly LWWDictionaryKey<string, string> _key = PublishedFiles.Key(Context.Self.Path.Name);

    /// <summary>Waiting for the replicated files of the shard: every other message is kept for later.</summary>
    private void Loading()
    {
        Receive<GetSuccess>(g => Loaded(g.Get(_key)));
        Receive<NotFound>(_ => Loaded(LWWDictionary<string, string>.Empty));
        Receive<GetFailure>(_ => _replicator.Tell(Dsl.Get(_key, ReadLocal.Instance))); // no majority answered: what this node has
        ReceiveAny(_ => Stash.Stash());
    }

    private void Loaded(LWWDictionary<string, string> data)
    {
        var refused = 0;
        foreach (var file in PublishedFiles.Files(data))
            if (!_registry.Publish(file).IsSuccess) refused++;
        if (refused > 0) Context.GetLogger().Warning("tracker shard {0}: {1} replicated .torrent file(s) refused by the registry", Self.Path.Name, refused);
        Become(Serving);
        Stash.UnstashAll();
    }

    private void ReadReplicas() => _replicator.Tell(Dsl.Get(_key, new ReadMajority(_writeTimeout)));

    private sealed record Replying(IActorRef To, Published Answer);

    /// <summary>Publishes into the registry; a new file is written to a majority before the answer (on a timeout it is answered anyway: written here, gossip goes on).</summary>
    private void PublishAndReplicate(Publish m)
    {
        var result = _registry.Publish(m.File);
        var answer = SwarmWire.Answer(result);
        if (!result.IsSuccess || result.AlreadyPublished)
        {
            Sender.Tell(answer);
            return;
        }
        var hex = result.InfoHash.ToHex();
        var entry = PublishedFiles.Entry(m.File);
        var self = Akka.Cluster.Cluster.Get(Context.System).SelfUniqueAddress;
        _replicator.Tell(Dsl.Update(_key, LWWDictionary<string, string>.Empty, new WriteMajority(_writeTimeout), new Replying(Sender, answer),
            d => d.SetItem(self, hex, entry)));
    }

    private void Replies()
    {
        Receive<UpdateSuccess>(u => { if (u.Request is Replying r) r.To.Tell(r.Answer); });
        Receive<IUpdateFailure>(f =>
        {
            if (f is not IUpdateResponse { Request: Replying r }) return;
            if (f is not UpdateTimeout) Context.GetLogger().Warning("tracker shard {0}: a published file was not replicated: {1}", Self.Path.Name, f);
            r.To.Tell(r.Answer);
        });
    }
}
