namespace Engine.Bench.Hostile;

/// <summary>
/// Issue 21's figures. usage: dotnet run -c Release [-- smartban|floods|tracker|reads|bans|all] [--runs 3] [--total 100000]
/// Everything runs on loopback lab addresses (127.x.y.z: hosts of their own for the engine).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var what = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "all";
        int Option(string name, int fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores");
        if (what is "smartban" or "all") await SmartBanFigure.RunAsync(Option("--runs", 3), 64L * 1024 * 1024, 256 * 1024, 4 * 1024 * 1024);
        if (what is "floods" or "all") await FloodFigure.RunAsync(TimeSpan.FromSeconds(3));
        if (what is "tracker" or "all") await TrackerFigure.RunAsync();
        if (what is "reads" or "all") ReadFigure.Run();
        if (what is "bans" or "all") await BanFigure.RunAsync(Option("--total", 100_000), Option("--workers", 8));
        return 0;
    }
}
