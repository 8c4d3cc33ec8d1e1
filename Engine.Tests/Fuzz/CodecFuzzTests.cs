using System.Globalization;
using System.Security.Cryptography;
using Xunit.Abstractions;

namespace Engine.Tests.Fuzz;

/// <summary>
/// In-process mutation fuzzing of every codec that reads outside bytes (<see cref="FuzzTargets"/>), for a bounded time
/// per codec: 2 s each in the suite. <c>bench/fuzz.sh</c> runs the same targets for longer with other seeds and keeps
/// the inputs that reached a new outcome in <c>Engine.Tests/Fuzz/Corpus/&lt;target&gt;/</c>, which every run replays
/// first. Environment: <c>FUZZ_SECONDS</c> (per target), <c>FUZZ_SEED</c>, <c>FUZZ_SAVE=1</c> (write new inputs to the corpus).
/// A failure prints the input (base64) to add to the corpus once fixed.
/// </summary>
public sealed class CodecFuzzTests(ITestOutputHelper output)
{
    public static TheoryData<string> Targets => [.. FuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Mutated_inputs_never_crash_hang_or_break_an_oracle(string name)
    {
        var target = FuzzTargets.Named(name);
        var seconds = double.Parse(Environment.GetEnvironmentVariable("FUZZ_SECONDS") ?? "2", CultureInfo.InvariantCulture);
        var seed = int.Parse(Environment.GetEnvironmentVariable("FUZZ_SEED") ?? "21", CultureInfo.InvariantCulture) ^ StableHash(name);
        var corpus = FuzzTargets.Corpus(target);
        Assert.NotEmpty(corpus);
        var report = FuzzRun.Run(target, corpus, seed, TimeSpan.FromSeconds(seconds));
        output.WriteLine($"{name}: {report.Executions} inputs ({corpus.Count} from the corpus), {report.Signatures} outcomes, {report.NewInputs.Count} new");
        if (Environment.GetEnvironmentVariable("FUZZ_SAVE") == "1") Save(target, report);
        Assert.True(report.Failure is null, report.Failure?.ToString());
        Assert.True(report.Executions > corpus.Count, "nothing was mutated");
    }

    private void Save(FuzzTarget target, FuzzReport report)
    {
        var dir = FuzzTargets.CorpusDirectory(target);
        Directory.CreateDirectory(dir);
        var saved = 0;
        foreach (var input in report.NewInputs.OrderBy(i => i.Length).Take(64))
        {
            var path = Path.Combine(dir, Convert.ToHexStringLower(SHA256.HashData(input))[..16]);
            if (File.Exists(path)) continue;
            File.WriteAllBytes(path, input);
            saved++;
        }
        if (report.Failure is { } f) File.WriteAllBytes(Path.Combine(dir, "crash-" + Convert.ToHexStringLower(SHA256.HashData(f.Input))[..16]), f.Input);
        output.WriteLine($"{saved} new inputs kept in {dir}");
    }

    private static int StableHash(string s)
    {
        var h = 17;
        foreach (var c in s) h = h * 31 + c;
        return h;
    }
}
