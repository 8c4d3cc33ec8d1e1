namespace Engine.Host.Commands;

public static class InfoCommand
{
    public static int Run(string[] args, TextWriter output) => throw new CommandLineException("'info' is not built yet");
}
