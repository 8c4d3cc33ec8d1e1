namespace Engine.Host.Commands;

public static class DownloadCommand
{
    public static Task<int> RunAsync(string[] args, TextWriter output) => throw new CommandLineException("'download' is not built yet");
}
