namespace Engine.Host.Cli;

/// <summary>The host's exit codes, as other command-line programs use them.</summary>
public static class ExitCodes
{
    /// <summary>Done: the download completed, the command served until it was stopped, the file was written.</summary>
    public const int Ok = 0;

    /// <summary>Something failed (a file, a port, the network, a torrent in error): one line on stderr says what.</summary>
    public const int Error = 1;

    /// <summary>The command line is wrong (unknown option, bad value, missing argument).</summary>
    public const int Usage = 2;

    /// <summary>Ctrl+C or SIGTERM stopped a command before its work was done (128 + SIGINT).</summary>
    public const int Interrupted = 130;
}
