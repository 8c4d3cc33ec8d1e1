using System.Globalization;
using System.Net;

namespace Engine.Host.Commands;

/// <summary>Reading option values off a command line; every mistake is a <see cref="CommandLineException"/> naming the option.</summary>
public static class CommandArgs
{
    /// <summary>The value after the option at <c>args[i]</c> (and moves <paramref name="i"/> onto it).</summary>
    public static string Value(string[] args, ref int i)
    {
        if (i + 1 >= args.Length) throw new CommandLineException($"{args[i]} needs a value");
        return args[++i];
    }

    /// <summary>The option's value as a whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static int Int(string[] args, ref int i, int min, int max)
    {
        var name = args[i];
        var text = Value(args, ref i);
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
            throw new CommandLineException($"{name} must be a number from {min} to {max}");
        return v;
    }

    /// <summary>A TCP port, 0 to 65535 (0 picks a free one).</summary>
    public static int Port(string text, string option) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535
            ? port
            : throw new CommandLineException($"{option}: '{text}' is not a port (0-65535; 0 picks a free one)");

    public static IPAddress Address(string text, string option) =>
        IPAddress.TryParse(text, out var address) ? address : throw new CommandLineException($"{option}: '{text}' is not an IP address");

    /// <summary>Takes <paramref name="arg"/> as the command's one positional argument, or rejects it (an unknown option, or one too many).</summary>
    public static string Positional(string arg, string? taken, string tooMany, string usage)
    {
        if (arg.StartsWith('-')) throw new CommandLineException($"unknown option '{arg}'; usage: {usage}");
        if (taken is not null) throw new CommandLineException(tooMany);
        return arg;
    }
}
