using System.CommandLine;

namespace Engine.Host.Cli;

/// <summary>
/// <c>completion bash|zsh|fish</c>: prints a script that completes the host's commands and options in that shell, by
/// asking the host itself through System.CommandLine's <c>[suggest]</c> directive (so it always matches the options).
/// Install: <c>engine-host completion bash &gt;&gt; ~/.bashrc</c>.
/// </summary>
public static class Completion
{
    public static Command Create(HostConsole console)
    {
        var shell = new Argument<string>("shell") { Description = "bash, zsh or fish" };
        shell.AcceptOnlyFromAmong("bash", "zsh", "fish");
        var command = new Command("completion", "print a shell completion script (bash, zsh or fish)") { shell };
        command.SetAction(r =>
        {
            console.Out.Write(Script(r.GetValue(shell)!, ProgramName()));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The name the host is run by (<c>engine-host</c> when installed as a tool).</summary>
    public static string ProgramName() => ProgramName(Environment.GetCommandLineArgs()[0]);

    /// <summary>
    /// The name from the first command-line argument: <c>Engine.Host.dll</c> under the dotnet host, the executable's
    /// path as published (a NativeAOT build passes its path, whose ".Host" is not an extension to strip).
    /// </summary>
    internal static string ProgramName(string first)
    {
        var name = Path.GetFileName(first);
        if (name.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".exe", StringComparison.OrdinalIgnoreCase)) name = name[..^4];
        return name is { Length: > 0 } and not "dotnet" ? name : "engine-host";
    }

    public static string Script(string shell, string program) => shell switch
    {
        "bash" => $$"""
            _{{Id(program)}}_complete() {
              local IFS=$'\n'
              COMPREPLY=( $({{program}} "[suggest:${#COMP_LINE}]" "$COMP_LINE" 2>/dev/null) )
            }
            complete -o default -F _{{Id(program)}}_complete {{program}}

            """,
        "zsh" => $$"""
            _{{Id(program)}}_complete() {
              local -a items
              items=("${(@f)$({{program}} "[suggest:${#BUFFER}]" "$BUFFER" 2>/dev/null)}")
              compadd -- $items
            }
            compdef _{{Id(program)}}_complete {{program}}

            """,
        _ => $$"""
            complete -c {{program}} -f -a '({{program}} "[suggest:"(commandline -C)"]" (commandline -cp) 2>/dev/null)'

            """,
    };

    private static string Id(string program) => new(program.Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray());
}
