using System.Text;

namespace Engine.Tests.Fuzz;

/// <summary>
/// Byte-level mutations for in-process fuzzing, chosen at random (seeded): bit and byte flips, interesting values,
/// inserted, deleted, repeated and spliced ranges, truncation, and — for text formats such as bencode, magnet links and
/// HTTP — rewriting a run of ASCII digits as a huge, negative, zero or off-by-one number (lengths and counts are where
/// parsers go wrong). Several mutations may be stacked on one input.
/// </summary>
internal sealed class Mutator(Random random, int maxLength = 64 * 1024)
{
    private static readonly byte[] Interesting = [0, 1, 0x7F, 0x80, 0xFF, (byte)'0', (byte)'9', (byte)'e', (byte)'i', (byte)'l', (byte)'d', (byte)':', (byte)'-', (byte)'%', (byte)'&', (byte)'=', 19];
    private static readonly string[] Numbers = ["0", "-1", "-0", "00", "1", "2147483647", "2147483648", "4294967295", "9223372036854775807", "9223372036854775808", "99999999999999999999", "65536", "16384", "16385", "32768"];

    public byte[] Mutate(byte[] input, IReadOnlyList<byte[]> corpus)
    {
        var data = new List<byte>(input);
        var stack = 1 + random.Next(random.Next(2) == 0 ? 1 : 6);
        for (var i = 0; i < stack; i++) MutateOnce(data, corpus);
        if (data.Count > maxLength) data.RemoveRange(maxLength, data.Count - maxLength);
        return [.. data];
    }

    private void MutateOnce(List<byte> d, IReadOnlyList<byte[]> corpus)
    {
        switch (random.Next(11))
        {
            case 0 when d.Count > 0: d[random.Next(d.Count)] ^= (byte)(1 << random.Next(8)); break;
            case 1 when d.Count > 0: d[random.Next(d.Count)] = (byte)random.Next(256); break;
            case 2 when d.Count > 0: d[random.Next(d.Count)] = Interesting[random.Next(Interesting.Length)]; break;
            case 3:
                var insert = new byte[1 + random.Next(random.Next(2) == 0 ? 4 : 64)];
                random.NextBytes(insert);
                d.InsertRange(random.Next(d.Count + 1), insert);
                break;
            case 4 when d.Count > 1:
                var at = random.Next(d.Count);
                d.RemoveRange(at, Math.Min(d.Count - at, 1 + random.Next(Math.Min(d.Count, 32))));
                break;
            case 5 when d.Count > 1:
                var from = random.Next(d.Count);
                var length = Math.Min(d.Count - from, 1 + random.Next(64));
                var copy = d.GetRange(from, length);
                for (var r = random.Next(1, 4); r > 0; r--) d.InsertRange(random.Next(d.Count + 1), copy);
                break;
            case 6 when corpus.Count > 0:
                var other = corpus[random.Next(corpus.Count)];
                if (other.Length == 0) break;
                var start = random.Next(other.Length);
                var piece = other.AsSpan(start, Math.Min(other.Length - start, 1 + random.Next(256))).ToArray();
                var cut = random.Next(d.Count + 1);
                if (random.Next(2) == 0) d.RemoveRange(cut, d.Count - cut);
                d.InsertRange(Math.Min(cut, d.Count), piece);
                break;
            case 7 when d.Count > 0:
                var keep = random.Next(d.Count);
                d.RemoveRange(keep, d.Count - keep); // truncated
                break;
            case 8 or 9: RewriteNumber(d); break;
            default:
                if (d.Count >= 4)
                {
                    var p = random.Next(d.Count - 3);
                    var value = random.Next(3) switch { 0 => 0, 1 => -1, _ => random.Next() };
                    for (var b = 0; b < 4; b++) d[p + b] = (byte)(value >> (24 - 8 * b));
                }
                break;
        }
    }

    /// <summary>Replaces a run of ASCII digits (with its sign) by another number.</summary>
    private void RewriteNumber(List<byte> d)
    {
        if (d.Count == 0) return;
        var start = random.Next(d.Count);
        var digit = -1;
        for (var i = 0; i < d.Count; i++)
        {
            var p = (start + i) % d.Count;
            if (d[p] is >= (byte)'0' and <= (byte)'9') { digit = p; break; }
        }
        if (digit < 0) return;
        var first = digit;
        while (first > 0 && d[first - 1] is >= (byte)'0' and <= (byte)'9' or (byte)'-') first--;
        var end = digit;
        while (end < d.Count && d[end] is >= (byte)'0' and <= (byte)'9') end++;
        var replacement = random.Next(3) == 0
            ? (long.TryParse(Encoding.ASCII.GetString([.. d.GetRange(first, end - first)]), out var n) ? (n + random.Next(-2, 3)).ToString() : "0")
            : Numbers[random.Next(Numbers.Length)];
        d.RemoveRange(first, end - first);
        d.InsertRange(first, Encoding.ASCII.GetBytes(replacement));
    }
}
