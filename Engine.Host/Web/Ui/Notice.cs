namespace Engine.Host.Web.Ui;

public enum NoticeLevel
{
    Info,
    Error,
}

/// <summary>A message shown at the top of the page until it is dismissed or its ticks run out.</summary>
/// <param name="TicksLeft">Status ticks (about a second each) until it disappears by itself.</param>
public sealed record Notice(int Id, NoticeLevel Level, string Text, int TicksLeft);
