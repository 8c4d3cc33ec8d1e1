using System.Diagnostics;
using Engine.Core.Dht;
using Engine.Tests.Core.Dht;

namespace Engine.Bench.Dht;

/// <summary>The KRPC codec on mutated packets: anything but a <see cref="KrpcException"/> is a failure.</summary>
internal static class FuzzRun
{
    public static bool Run(int count)
    {
        var mutator = new KrpcMutator(new Random(2026));
        var (decoded, refused) = (0, 0);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var packet = mutator.Next();
            try
            {
                KrpcCodec.Decode(packet);
                decoded++;
            }
            catch (KrpcException) { refused++; }
            catch (Exception e)
            {
                Console.WriteLine($"fuzz: FAILED on packet {i} ({Convert.ToHexString(packet)}): {e.GetType().Name}: {e.Message}");
                return false;
            }
        }
        Console.WriteLine($"fuzz: {count:N0} mutated packets in {clock.Elapsed.TotalSeconds:0.0} s ({count / clock.Elapsed.TotalSeconds:N0}/s): " +
                          $"{decoded:N0} decoded, {refused:N0} refused as KRPC errors, no other exception");
        return true;
    }
}
