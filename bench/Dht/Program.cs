using System.Globalization;
using Engine.Bench.Dht;

// usage: Engine.Bench.Dht [--fuzz N] [--flood N] [--stored N]
var fuzz = 1_000_000;
var flood = 100_000;
var stored = 10_000;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    var n = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    switch (args[i])
    {
        case "--fuzz": fuzz = n; break;
        case "--flood": flood = n; break;
        case "--stored": stored = n; break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}

var ok = true;
ok &= FuzzRun.Run(fuzz);
ok &= FloodRun.Run(flood);
ok &= StoreRun.Run(stored);
return ok ? 0 : 1;
