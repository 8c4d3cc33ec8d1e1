namespace Engine.Host.Commands;

public static class CreateCommand
{
    public static int Run(string[] args, TextWriter output) => throw new CommandLineException("'create' is not built yet");
}
