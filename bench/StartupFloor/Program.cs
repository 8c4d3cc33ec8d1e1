using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Actor.Internal;
using Akka.Configuration;
using Akka.Util;

// The floor of start-up: FLOOR=none connects to the seeder at once (the runtime to Main and a socket); FLOOR=create
// creates an ActorSystem first with ActorSystem.Create(name, config); FLOOR=impl the same without the .config read.
var mode = Environment.GetEnvironmentVariable("FLOOR") ?? "none";
var port = int.Parse(args.SkipWhile(a => a != "--peer").Skip(1).FirstOrDefault()?.Split(':')[1] ?? "47611");
if (mode != "none") AppContext.SetSwitch("System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported", false);
ActorSystem? system = null;
var config = ConfigurationFactory.ParseString("akka { loglevel = WARNING\n stdout-loglevel = WARNING\n log-dead-letters = off\n scheduler.tick-duration = 100ms }");
if (mode == "create") system = ActorSystem.Create("floor", config);
if (mode == "impl")
{
    var impl = new ActorSystemImpl("floor", config, Akka.Actor.Setup.ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config)), Option<Props>.None);
    impl.Start();
    system = impl;
}
using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
s.Connect(new IPEndPoint(IPAddress.Loopback, port));
return 0;
