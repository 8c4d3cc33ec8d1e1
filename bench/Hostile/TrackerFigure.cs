using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Engine.TrackerServer;

namespace Engine.Bench.Hostile;

using TrackerServer = global::Engine.TrackerServer.TrackerServer;

/// <summary>
/// The tracker's RSS under the body flood (250 publishes declaring 4 MiB, sending 1 KiB, held open), and announces
/// during an idle-connection flood (300 connections that send nothing). The tracker runs in this process; the load
/// generator's own memory is small (sockets).
/// </summary>
internal static class TrackerFigure
{
    public static async Task RunAsync()
    {
        GC.Collect();
        var baseline = Lab.RssMiB();
        await using var tracker = new TrackerServer(new TrackerOptions());
        await tracker.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), null);
        var sockets = new List<Socket>();
        var head = Encoding.ASCII.GetBytes($"POST /publish HTTP/1.1\r\nHost: t\r\nContent-Length: {4 * 1024 * 1024}\r\n\r\n" + new string('d', 1024));
        for (var i = 0; i < 250; i++)
        {
            var s = await Lab.ConnectAsync(tracker.HttpEndPoint!);
            await s.SendAsync(head);
            sockets.Add(s);
        }
        var peak = 0.0;
        for (var t = 0; t < 50; t++)
        {
            peak = Math.Max(peak, Lab.RssMiB());
            await Task.Delay(100);
        }
        foreach (var s in sockets) s.Dispose();
        sockets.Clear();
        await Task.Delay(1000);
        GC.Collect();
        var after = Lab.RssMiB();
        Console.WriteLine($"tracker body flood: RSS {baseline:0} MiB before, {peak:0} MiB peak during 250 x 4 MiB declared publishes, {after:0} MiB after " +
                          $"(bodies held at most {tracker.Http!.Bodies.PeakInUse / 1024.0 / 1024:0.0} MiB of a {tracker.Http.Bodies.Capacity / 1024 / 1024} MiB budget)");

        for (var i = 0; i < 300; i++) sockets.Add(await Lab.ConnectAsync(tracker.HttpEndPoint!));
        await Task.Delay(300);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var url = $"http://{tracker.HttpEndPoint}/announce?info_hash=%01%23Eg%89%AB%CD%EF%01%23Eg%89%AB%CD%EF%01%23Eg&peer_id=-BH0001-000000000001&port=6881&left=1";
        var answered = 0;
        var slowest = TimeSpan.Zero;
        for (var i = 0; i < 20; i++)
        {
            var clock = Stopwatch.StartNew();
            var response = await http.GetAsync(url);
            if (response.IsSuccessStatusCode) answered++;
            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
            sockets.Add(await Lab.ConnectAsync(tracker.HttpEndPoint!)); // the flood keeps coming
        }
        Console.WriteLine($"tracker idle flood (300 silent connections, and more between announces): {answered}/20 announces answered, slowest {slowest.TotalMilliseconds:0} ms");
        foreach (var s in sockets) s.Dispose();
    }
}
