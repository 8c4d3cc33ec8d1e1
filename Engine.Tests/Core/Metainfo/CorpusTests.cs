using Engine.Core.Metainfo;
using Engine.Metainfo;
using Engine.Tests.Support;
using Xunit.Abstractions;

namespace Engine.Tests.Core.Metainfo;

/// <summary>
/// Loads every .torrent of libtorrent's test corpus and compares the verdict with MANIFEST.tsv
/// (what libtorrent's test suite and python3-libtorrent say). Deliberate disagreements are listed
/// in <see cref="DeliberateDisagreements"/> and explained in docs/metainfo.md.
/// </summary>
public class CorpusTests(ITestOutputHelper output)
{
    /// <summary>file → why the engine's verdict differs from libtorrent's on purpose.</summary>
    public static readonly IReadOnlyDictionary<string, string> DeliberateDisagreements = new Dictionary<string, string>
    {
        ["v2_invalid_root_hash.torrent"] = "its piece layer does not hash to the file's 'pieces root': no piece could ever verify, so it is refused at load",
    };

    internal sealed record ManifestRow(string File, string Expect, string LibtorrentError, string V1InfoHash, string HasV1, string Name, string Files);

    internal static List<ManifestRow> ReadManifest()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Corpus, "MANIFEST.tsv"));
        var header = lines[0].Split('\t');
        int Col(string name) => Array.IndexOf(header, name) is var i and >= 0 ? i : throw new InvalidDataException($"MANIFEST.tsv lacks column '{name}'");
        var rows = new List<ManifestRow>();
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0) continue;
            var c = line.Split('\t');
            rows.Add(new ManifestRow(c[Col("file")], c[Col("expect")], c[Col("libtorrent_error")], c[Col("v1_infohash")],
                c[Col("has_v1")], c[Col("name")], c[Col("files")]));
        }
        return rows;
    }

    /// <summary>Our verdict on one corpus file compared with the manifest; null when they agree.</summary>
    internal static string? Disagreement(ManifestRow row)
    {
        TorrentMetainfo? loaded = null;
        MetainfoException? error = null;
        try { loaded = TorrentMetainfo.Load(Path.Combine(RepoPaths.Corpus, row.File)); }
        catch (MetainfoException e) { error = e; }

        if (row.Expect == "error")
            return error is not null ? null : $"libtorrent refuses it ({row.LibtorrentError}) but it loaded";
        if (error is not null)
            return $"libtorrent loads it but we refused: {error.Message}";
        var problems = new List<string>();
        if (row.HasV1 == "False")
        {
            if (!loaded!.IsV2Only || loaded.InfoHashV2.Length != 32) problems.Add("pure v2 but not loaded as v2-only with a 32-byte v2 info-hash");
            else if (!loaded.InfoHashV2.Span[..20].SequenceEqual(loaded.InfoHash.ToArray())) problems.Add("the info-hash is not the truncated v2 one");
        }
        else if (loaded!.InfoHash.ToHex() != row.V1InfoHash) problems.Add($"info-hash {loaded.InfoHash.ToHex()} != {row.V1InfoHash}");
        if (loaded.Name != row.Name) problems.Add($"name '{loaded.Name}' != '{row.Name}'");
        if (loaded.Files.Count.ToString() != row.Files) problems.Add($"{loaded.Files.Count} files != {row.Files}");
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    [Fact]
    public void Every_corpus_file_gets_the_verdict_of_the_manifest_or_a_listed_deliberate_one()
    {
        var rows = ReadManifest();
        var onDisk = Directory.GetFiles(RepoPaths.Corpus, "*.torrent").Select(f => Path.GetFileName(f)).Order().ToList();
        Assert.Equal(onDisk, rows.Select(r => r.File).Order().ToList());

        int agree = 0, deliberate = 0;
        var unexpected = new List<string>();
        foreach (var row in rows)
        {
            var problem = Disagreement(row);
            if (problem is null)
            {
                agree++;
                Assert.False(DeliberateDisagreements.ContainsKey(row.File), $"{row.File} is listed as a deliberate disagreement but agrees");
            }
            else if (DeliberateDisagreements.TryGetValue(row.File, out var reason))
            {
                deliberate++;
                output.WriteLine($"deliberate: {row.File}: {problem} — {reason}");
            }
            else
                unexpected.Add($"{row.File}: {problem}");
        }
        output.WriteLine($"corpus: {rows.Count} files, {agree} agree with MANIFEST.tsv, {deliberate} deliberate disagreements, {unexpected.Count} unexpected");
        Assert.True(unexpected.Count == 0, "unexpected verdicts:\n" + string.Join("\n", unexpected));
    }
}
