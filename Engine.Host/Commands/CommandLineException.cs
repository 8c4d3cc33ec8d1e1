namespace Engine.Host.Commands;

/// <summary>A mistake in the command line: reported as one line, exit code 1.</summary>
public sealed class CommandLineException(string message) : Exception(message);
