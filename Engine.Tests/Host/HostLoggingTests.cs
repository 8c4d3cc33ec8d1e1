using Engine.Host.Cli;
using Microsoft.Extensions.Logging;

namespace Engine.Tests.Host;

public class HostLoggingTests
{
    [Theory]
    [InlineData(false, "Engine.Torrents.TorrentActor", LogLevel.Error, true)]
    [InlineData(false, "Engine.Torrents.TorrentActor", LogLevel.Warning, false)]
    [InlineData(false, "Microsoft.AspNetCore.Server", LogLevel.Warning, true)]
    [InlineData(false, "Microsoft.AspNetCore.Server", LogLevel.Information, false)]
    [InlineData(true, "Engine.Torrents.TorrentActor", LogLevel.Information, true)]
    [InlineData(true, "Engine.Torrents.TorrentActor", LogLevel.Debug, false)]
    [InlineData(true, "Microsoft.AspNetCore.Server", LogLevel.Information, false)]
    public void Levels_pass_as_the_console_filter_lets_them(bool verbose, string category, LogLevel level, bool enabled)
    {
        using var logging = HostLogging.Create(verbose);
        Assert.Equal(enabled, logging.CreateLogger(category).IsEnabled(level));
        Assert.False(logging.ConsoleBuilt);
    }

    [Fact]
    public void Verbose_set_after_the_loggers_were_handed_out_applies_to_them()
    {
        using var logging = HostLogging.Create(verbose: false);
        var logger = logging.CreateLogger("Engine.Runtime.EngineRoot");
        Assert.False(logger.IsEnabled(LogLevel.Information));
        logging.Verbose = true;
        Assert.True(logger.IsEnabled(LogLevel.Information));
    }

    [Fact]
    public void The_console_logger_is_built_by_the_first_message_that_passes_only()
    {
        using var logging = HostLogging.Create(verbose: false);
        var logger = logging.CreateLogger("Engine.Runtime.EngineRoot");
        logger.LogWarning("not shown");
        Assert.False(logging.ConsoleBuilt);
        logger.LogError("shown");
        Assert.True(logging.ConsoleBuilt);
    }
}
