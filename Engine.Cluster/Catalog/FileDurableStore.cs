using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Akka.DistributedData.Durable;
using Akka.Event;

namespace Engine.Cluster.Catalog;

/// <summary>
/// Akka.DistributedData's durable store (<c>durable.store-actor-class</c>) as one file per durable key in
/// <c>durable.file-store.dir</c>: the replicator's own envelope, serialized by Akka's serializer for it, written to a
/// temporary file, flushed and renamed over the old one before the update is acknowledged. Loads every file at start; a
/// file that does not read back is logged and skipped (the key starts empty on this node and fills again by gossip).
/// Akka runs durable stores on their own pinned thread (<c>durable.use-dispatcher</c>), which is why this actor may
/// block on the disk. Used instead of Akka.DistributedData.LightningDB, whose 1.5.75 needs LightningDB 0.16 (see decisions.md).
/// </summary>
internal sealed class FileDurableStore : UntypedActor
{
    private const string Suffix = ".ddata";
    private readonly string _dir;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Akka.Serialization.Serialization _serialization = Context.System.Serialization;

    public FileDurableStore(Config config)
    {
        _dir = config.GetString("file-store.dir") is { Length: > 0 } dir ? dir
            : throw new ConfigurationException("akka.cluster.distributed-data.durable.file-store.dir is required by " + nameof(FileDurableStore));
        Directory.CreateDirectory(_dir);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case LoadAll:
                var loaded = LoadAllFiles();
                if (loaded.Count > 0) Sender.Tell(new LoadData(loaded));
                Sender.Tell(LoadAllCompleted.Instance);
                break;
            case Store store:
                try
                {
                    Write(store.Key, store.Data);
                    store.Reply?.ReplyTo.Tell(store.Reply.SuccessMessage);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    _log.Error(e, "durable catalog: could not write key {0} to {1}", store.Key, _dir);
                    store.Reply?.ReplyTo.Tell(store.Reply.FailureMessage);
                }
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private ImmutableDictionary<string, DurableDataEnvelope> LoadAllFiles()
    {
        var data = ImmutableDictionary.CreateBuilder<string, DurableDataEnvelope>();
        foreach (var path in Directory.EnumerateFiles(_dir, "*" + Suffix))
        {
            var key = Uri.UnescapeDataString(Path.GetFileName(path)[..^Suffix.Length]);
            try { data[key] = Read(File.ReadAllBytes(path)); }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _log.Warning("durable catalog: {0} does not read back ({1}); key {2} starts empty here", path, e.Message, key);
            }
        }
        return data.ToImmutable();
    }

    /// <summary>The file's layout: serializer id (int32 LE), manifest length (int32 LE), manifest (UTF-8), payload.</summary>
    private void Write(string key, DurableDataEnvelope envelope)
    {
        var serializer = _serialization.FindSerializerFor(envelope);
        var manifest = Encoding.UTF8.GetBytes(Akka.Serialization.Serialization.ManifestFor(serializer, envelope));
        var payload = serializer.ToBinary(envelope);
        var bytes = new byte[8 + manifest.Length + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, serializer.Identifier);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), manifest.Length);
        manifest.CopyTo(bytes, 8);
        payload.CopyTo(bytes, 8 + manifest.Length);
        var path = Path.Combine(_dir, Uri.EscapeDataString(key) + Suffix);
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    private DurableDataEnvelope Read(byte[] bytes)
    {
        if (bytes.Length < 8) throw new InvalidDataException("shorter than its header");
        var id = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        var manifestLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4));
        if (manifestLength < 0 || manifestLength > bytes.Length - 8) throw new InvalidDataException($"a manifest of {manifestLength} bytes in {bytes.Length}");
        var manifest = Encoding.UTF8.GetString(bytes, 8, manifestLength);
        var payload = bytes[(8 + manifestLength)..];
        return _serialization.Deserialize(payload, id, manifest) as DurableDataEnvelope
            ?? throw new InvalidDataException("not a replicator envelope");
    }
}
