using System.Net;
using Engine.Cluster.Catalog;
using Engine.Core.Primitives;

namespace Engine.Tests.Cluster.Catalog;

public sealed class CatalogEntryTests
{
    [Fact]
    public void An_entry_reads_back_as_written()
    {
        var entry = new CatalogEntry([1, 2, 3, 250], 3, [IPEndPoint.Parse("127.0.0.1:6881"), IPEndPoint.Parse("[::1]:7000")]);
        var back = CatalogEntry.TryDecode(entry.Encode(), out var error);
        Assert.Null(error);
        Assert.NotNull(back);
        Assert.Equal(entry.Torrent, back.Torrent);
        Assert.Equal(3, back.Replicas);
        Assert.Equal(entry.Sources, back.Sources);
    }

    [Fact]
    public void An_entry_without_sources_reads_back_with_none()
    {
        var back = CatalogEntry.TryDecode(new CatalogEntry([9], 1, []).Encode(), out _);
        Assert.NotNull(back);
        Assert.Empty(back.Sources);
    }

    [Fact]
    public void A_paused_entry_reads_back_paused_and_an_older_v1_entry_reads_as_running()
    {
        var paused = CatalogEntry.TryDecode((new CatalogEntry([1, 2], 2, []) { Paused = true }).Encode(), out _);
        Assert.NotNull(paused);
        Assert.True(paused.Paused);
        var v1 = CatalogEntry.TryDecode("v1;2;127.0.0.1:6881;AQI=", out var error);
        Assert.Null(error);
        Assert.NotNull(v1);
        Assert.False(v1.Paused);
        Assert.Equal([1, 2], v1.Torrent);
        Assert.Equal([IPEndPoint.Parse("127.0.0.1:6881")], v1.Sources);
    }

    [Fact]
    public void Limits_and_file_priorities_read_back_and_an_entry_without_them_keeps_the_v2_form()
    {
        var entry = new CatalogEntry([1, 2], 2, []) { UploadLimit = 65536, DownloadLimit = null, FilePriorities = [Engine.Api.FilePriority.High, Engine.Api.FilePriority.Skip] };
        var text = entry.Encode();
        Assert.StartsWith("v3;", text);
        var back = CatalogEntry.TryDecode(text, out var error);
        Assert.Null(error);
        Assert.NotNull(back);
        Assert.Equal((65536L, (long?)null), (back.UploadLimit!.Value, back.DownloadLimit));
        Assert.Equal([Engine.Api.FilePriority.High, Engine.Api.FilePriority.Skip], back.FilePriorities);
        Assert.Equal(entry.Settings, back.Settings);
        Assert.StartsWith("v2;", new CatalogEntry([1], 1, []) { Paused = true }.Encode());
    }

    [Theory]
    [InlineData("v3;2;;;0;;;AAAA", "bad limits or priorities '0;;'")]
    [InlineData("v3;2;;;;-5;;AAAA", "bad limits or priorities ';-5;'")]
    [InlineData("v3;2;;;;;24;AAAA", "bad limits or priorities ';;24'")]
    [InlineData("v3;2;;;x;;;AAAA", "bad limits or priorities 'x;;'")]
    public void Bad_limits_or_priorities_refuse_the_entry(string text, string reason)
    {
        Assert.Null(CatalogEntry.TryDecode(text, out var error));
        Assert.Equal(reason, error);
    }

    [Theory]
    [InlineData("", "not a v1, v2 or v3 catalog entry")]
    [InlineData("v3;2;;;AAAA", "not a v1, v2 or v3 catalog entry")]
    [InlineData("v2;2;;AAAA", "not a v1, v2 or v3 catalog entry")]
    [InlineData("v2;2;;stopped;AAAA", "bad flags 'stopped'")]
    [InlineData("v1;0;;AAAA", "bad replica count '0'")]
    [InlineData("v1;-1;;AAAA", "bad replica count '-1'")]
    [InlineData("v1;2;nowhere;AAAA", "bad source 'nowhere'")]
    [InlineData("v1;2;127.0.0.1:0;AAAA", "bad source '127.0.0.1:0'")]
    [InlineData("v1;2;;not base64!", "the torrent is not base64")]
    public void A_malformed_entry_is_refused_with_the_reason(string text, string reason)
    {
        Assert.Null(CatalogEntry.TryDecode(text, out var error));
        Assert.Equal(reason, error);
    }

    [Fact]
    public void Progress_reads_back_and_its_key_splits_into_hash_and_node()
    {
        var hash = InfoHash.FromHex("0123456789abcdef0123456789abcdef01234567");
        var key = ReplicaProgress.Key(hash, "akka.tcp://torrent-cluster@127.0.0.1:4053");
        Assert.True(ReplicaProgress.TrySplitKey(key, out var h, out var node));
        Assert.Equal(hash, h);
        Assert.Equal("akka.tcp://torrent-cluster@127.0.0.1:4053", node);
        Assert.True(ReplicaProgress.TryDecode(new ReplicaProgress(7, 9).Encode(), out var p));
        Assert.Equal(new ReplicaProgress(7, 9), p);
    }

    [Fact]
    public void Progress_carries_the_replicas_state_and_rates_and_the_older_form_still_reads()
    {
        var sent = new ReplicaProgress(3, 9) { State = Engine.Events.TorrentState.Paused, DownloadRate = 1234, UploadRate = 56 };
        Assert.True(ReplicaProgress.TryDecode(sent.Encode(), out var back));
        Assert.Equal(sent, back);
        Assert.True(ReplicaProgress.TryDecode("9/9", out var old));
        Assert.Equal(Engine.Events.TorrentState.Seeding, old.State);
    }

    [Theory]
    [InlineData("")]
    [InlineData("7")]
    [InlineData("/9")]
    [InlineData("10/9")]
    [InlineData("-1/9")]
    [InlineData("a/b")]
    [InlineData("1/9/Sleeping/0/0")]
    [InlineData("1/9/3/0/0")]
    [InlineData("1/9/Paused/-5/0")]
    [InlineData("1/9/Paused/0")]
    public void Malformed_progress_is_refused(string text) => Assert.False(ReplicaProgress.TryDecode(text, out _));
}
