using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Engine.Tests.Fuzz;

/// <summary>What a fuzzing run of one target did.</summary>
internal sealed record FuzzReport(string Target, long Executions, int Signatures, IReadOnlyList<byte[]> NewInputs, FuzzFailure? Failure);

/// <summary>
/// Runs one <see cref="FuzzTarget"/> in process: first every corpus input (regressions), then mutations of the corpus
/// and of the inputs found interesting so far (those with an outcome signature not seen before), until the time is up
/// or an input fails. Each input must finish within <c>perInput</c>; the loop runs on a thread of its own, so an input
/// that never returns fails the run too (the thread is abandoned). Seeded: a run is repeatable for a given seed, time
/// aside.
/// </summary>
internal static partial class FuzzRun
{
    private const int MaxKept = 4096;

    public static FuzzReport Run(FuzzTarget target, IReadOnlyList<byte[]> corpus, int seed, TimeSpan budget, TimeSpan? perInput = null)
    {
        var limit = perInput ?? TimeSpan.FromSeconds(2);
        byte[] current = [];
        FuzzReport? report = null;
        var thread = new Thread(() => report = Loop(target, corpus, seed, budget, limit, input => Volatile.Write(ref current, input)))
        {
            IsBackground = true,
            Name = "fuzz-" + target.Name,
        };
        thread.Start();
        if (!thread.Join(budget + limit + TimeSpan.FromSeconds(30)))
            return new FuzzReport(target.Name, 0, 0, [], new FuzzFailure(target.Name, Volatile.Read(ref current), "an input never returned (hang)"));
        return report!;
    }

    private static FuzzReport Loop(FuzzTarget target, IReadOnlyList<byte[]> corpus, int seed, TimeSpan budget, TimeSpan limit, Action<byte[]> starting)
    {
        var random = new Random(seed);
        var mutator = new Mutator(random);
        var signatures = new HashSet<string>();
        var pool = new List<byte[]>(corpus);
        var found = new List<byte[]>();
        var clock = Stopwatch.StartNew();
        long executions = 0;
        FuzzFailure? Execute(byte[] input)
        {
            starting(input);
            executions++;
            var started = clock.Elapsed;
            string signature;
            try { signature = "ok:" + target.Run(input); }
            catch (Exception e) when (Array.Exists(target.Rejections, t => t.IsInstanceOfType(e)))
            {
                signature = $"reject:{e.GetType().Name}:{Mask(e.Message)}";
            }
            catch (Exception e)
            {
                return new FuzzFailure(target.Name, input, $"{e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
            var took = clock.Elapsed - started;
            if (took > limit) return new FuzzFailure(target.Name, input, $"took {took.TotalMilliseconds:0} ms (limit {limit.TotalMilliseconds:0})");
            if (signatures.Add(signature) && executions > corpus.Count && found.Count < MaxKept)
            {
                found.Add(input);
                pool.Add(input);
            }
            return null;
        }
        foreach (var input in corpus)
            if (Execute(input) is { } failure) return new FuzzReport(target.Name, executions, signatures.Count, found, failure);
        if (pool.Count == 0) pool.Add([]);
        while (clock.Elapsed < budget)
        {
            var input = mutator.Mutate(pool[random.Next(pool.Count)], pool);
            if (Execute(input) is { } failure) return new FuzzReport(target.Name, executions, signatures.Count, found, failure);
        }
        return new FuzzReport(target.Name, executions, signatures.Count, found, null);
    }

    /// <summary>
    /// A rejection message reduced to its kind: the text before the first quote (what follows quotes input), words with digits (numbers, hashes)
    /// masked, at most 48 characters.
    /// </summary>
    internal static string Mask(string message)
    {
        var quote = message.IndexOfAny(['\'', '"']);
        var masked = Digits().Replace(quote < 0 ? message : message[..quote], "#");
        return masked.Length > 48 ? masked[..48] : masked;
    }

    [GeneratedRegex(@"[0-9A-Za-z]*[0-9][0-9A-Za-z]*")]
    private static partial Regex Digits();
}
