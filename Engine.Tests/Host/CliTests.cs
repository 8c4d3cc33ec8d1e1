using System.CommandLine;
using System.Text.RegularExpressions;
using Engine.Host.Cli;
using Engine.Tests.Support;

namespace Engine.Tests.Host;

/// <summary>The command line as System.CommandLine declares it: help for every command, --version, the units, completion, the README's commands.</summary>
public sealed partial class CliTests
{
    private static IEnumerable<Command> AllCommands(Command c) => new[] { c }.Concat(c.Subcommands.SelectMany(AllCommands));

    private static readonly RootCommand Root = HostCli.Build(new HostConsole(TextWriter.Null, TextWriter.Null, false, 80));

    public static TheoryData<string> CommandPaths()
    {
        var data = new TheoryData<string>();
        foreach (var c in Root.Subcommands.SelectMany(AllCommands))
            data.Add(c.Parents.OfType<Command>().FirstOrDefault() is { } parent && parent is not RootCommand ? parent.Name + " " + c.Name : c.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public async Task Every_command_answers_help_and_h_with_its_usage_and_exit_code_0(string path)
    {
        foreach (var flag in new[] { "--help", "-h" })
        {
            var (code, output, error) = await InProcessHost.RunAsync([.. path.Split(' '), flag]);
            Assert.Equal(0, code);
            Assert.Equal("", error);
            Assert.Matches($@"Usage:\s+\S+ {path} ", output);
            Assert.Contains("Options:", output);
            Assert.All(output.Split('\n'), l => Assert.True(l.TrimEnd().Length <= 80, $"help line wider than 80 columns: '{l}'"));
        }
    }

    [Fact]
    public void Every_option_and_argument_has_a_description()
    {
        foreach (var command in AllCommands(Root))
        {
            Assert.False(string.IsNullOrWhiteSpace(command.Description), $"command {command.Name} has no description");
            foreach (var option in command.Options) Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{command.Name} {option.Name} has no description");
            foreach (var argument in command.Arguments) Assert.False(string.IsNullOrWhiteSpace(argument.Description), $"{command.Name} <{argument.Name}> has no description");
        }
    }

    [Fact]
    public async Task Version_prints_the_version_and_exits_0()
    {
        var (code, output, _) = await InProcessHost.RunAsync("--version");
        Assert.Equal(0, code);
        Assert.StartsWith(HostCli.Version, output.Trim());
        Assert.Matches(@"^\d+\.\d+\.\d+", HostCli.Version);
    }

    [Fact]
    public async Task No_command_prints_the_overview_and_exits_2()
    {
        var (code, output, _) = await InProcessHost.RunAsync();
        Assert.Equal(2, code);
        foreach (var name in new[] { "download", "seed", "info", "create", "web", "tracker", "share", "fetch", "dht", "completion" })
            Assert.Contains("  " + name, output);
    }

    [Theory]
    [InlineData("500k", 500L * 1024)]
    [InlineData("2M", 2L * 1024 * 1024)]
    [InlineData("2MiB/s", 2L * 1024 * 1024)]
    [InlineData("1.5g", 1536L * 1024 * 1024)]
    [InlineData("4096", 4096L)]
    [InlineData("0", null)]
    [InlineData("none", null)]
    public void Rates_are_bytes_per_second_with_binary_suffixes(string text, long? expected)
    {
        Assert.True(Units.TryParseRate(text, out var rate));
        Assert.Equal(expected, rate);
    }

    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("2h", 7200)]
    [InlineData("1h30m", 5400)]
    [InlineData("1d", 86400)]
    [InlineData("45", 45)]
    public void Durations_take_a_unit_and_a_bare_number_is_seconds(string text, double seconds)
    {
        Assert.True(Units.TryParseDuration(text, out var d));
        Assert.Equal(TimeSpan.FromSeconds(seconds), d);
    }

    [Theory]
    [InlineData("fast")]
    [InlineData("-1")]
    [InlineData("5x")]
    [InlineData("1.5")]
    [InlineData("")]
    public void Malformed_sizes_are_refused(string text) => Assert.False(Units.TryParseSize(text, out _));

    [Theory]
    [InlineData("5 parsecs")]
    [InlineData("-5s")]
    [InlineData("m")]
    [InlineData("1h 30x")]
    public void Malformed_durations_are_refused(string text) => Assert.False(Units.TryParseDuration(text, out _));

    [Fact]
    public void Every_option_that_takes_a_rate_or_a_duration_uses_the_shared_units()
    {
        foreach (var command in AllCommands(Root))
            foreach (var option in command.Options)
            {
                if (option.Name is "--max-upload" or "--max-download") Assert.Equal("rate", option.HelpName);
                if (option.Name.EndsWith("-interval", StringComparison.Ordinal) || option.Name is "--seed-time" or "--quiet-period")
                    Assert.Equal("duration", option.HelpName);
            }
    }

    [Fact]
    public async Task Completion_prints_a_script_and_the_host_suggests_commands_and_options()
    {
        var (code, bash, _) = await InProcessHost.RunAsync("completion", "bash");
        Assert.Equal(0, code);
        Assert.Contains("complete -o default -F", bash);
        Assert.Contains("[suggest:", bash);
        Assert.Equal(0, (await InProcessHost.RunAsync("completion", "zsh")).Code);
        Assert.Equal(2, (await InProcessHost.RunAsync("completion", "tcsh")).Code);

        var (_, commands, _) = await InProcessHost.RunAsync("[suggest:4]", "down");
        Assert.Contains("download", commands.Split('\n').Select(l => l.Trim()));
        var (_, options, _) = await InProcessHost.RunAsync("[suggest:18]", "download x --max-u");
        Assert.Contains("--max-upload", options.Split('\n').Select(l => l.Trim()));
    }

    [Theory]
    [InlineData("/opt/app/Engine.Host.dll", "Engine.Host")]
    [InlineData("/opt/app/Engine.Host", "Engine.Host")]
    [InlineData("engine-host", "engine-host")]
    [InlineData("./Engine.Host.exe", "Engine.Host")]
    [InlineData("dotnet", "engine-host")]
    [InlineData("", "engine-host")]
    public void The_program_name_in_messages_is_the_file_it_was_run_as(string firstArgument, string expected)
        => Assert.Equal(expected, Completion.ProgramName(firstArgument));

    /// <summary>Every command line of the README's code blocks (after <c>Engine.Host --</c> or the published <c>Engine.Host</c>) parses.</summary>
    [Fact]
    public void The_readme_commands_parse()
    {
        var readme = File.ReadAllLines(Path.Combine(RepoPaths.Root, "README.md"));
        var lines = readme.Select(l => ReadmeCommand().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value.Trim()).ToList();
        Assert.True(lines.Count >= 8, $"only {lines.Count} host commands found in README.md");
        foreach (var line in lines)
        {
            var args = Regex.Matches(line, "'[^']*'|\"[^\"]*\"|\\S+").Select(m => m.Value.Trim('\'', '"')).ToArray();
            var result = Root.Parse(args);
            Assert.True(result.Errors.Count == 0, $"README: '{line}': {string.Join("; ", result.Errors.Select(e => e.Message))}");
        }
    }

    [GeneratedRegex(@"^\s+(?:dotnet run .*--project Engine\.Host --|engine-host/Engine\.Host|engine-host)\s+(\S.*)$")]
    private static partial Regex ReadmeCommand();
}
