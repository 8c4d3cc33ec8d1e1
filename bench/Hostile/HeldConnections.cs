using System.Net;
using System.Net.Sockets;

namespace Engine.Bench.Hostile;

/// <summary>
/// Keeps <c>count</c> connections open to the engine, each having sent what <c>bytes</c> gives and then nothing, and
/// opens new ones as the engine closes them, until stopped; returns how many were opened.
/// </summary>
internal static class HeldConnections
{
    public static async Task<int> HoldAsync(IPEndPoint engine, int count, Func<byte[]> bytes, Func<IPAddress?> from, TimeSpan pause, CancellationToken stop)
    {
        var opened = 0;
        var open = new List<Socket>();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                open.RemoveAll(s => { var dead = s.Poll(0, SelectMode.SelectRead); if (dead) s.Dispose(); return dead; });
                while (open.Count < count && !stop.IsCancellationRequested)
                {
                    try
                    {
                        var s = await Lab.ConnectAsync(engine, from());
                        await s.SendAsync(bytes());
                        open.Add(s);
                        opened++;
                    }
                    catch (Exception) { break; }
                }
                await Task.Delay(pause, stop).ContinueWith(_ => { });
            }
        }
        finally { foreach (var s in open) s.Dispose(); }
        return opened;
    }
}
