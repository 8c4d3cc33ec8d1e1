namespace Engine.Core.Trackers;

/// <summary>What a <see cref="UdpTrackerExchange"/> wants done after an input.</summary>
internal abstract record UdpExchangeStep;

/// <summary>Send <see cref="Packet"/> to the tracker and (re)arm the exchange's timer with <see cref="Timeout"/>.</summary>
internal sealed record UdpSendStep(byte[] Packet, TimeSpan Timeout) : UdpExchangeStep;

/// <summary>Nothing to do: the packet was for another transaction, or the exchange is over. The timer keeps running.</summary>
internal sealed record UdpWaitStep : UdpExchangeStep
{
    public static readonly UdpWaitStep Instance = new();
}

/// <summary>The tracker answered the announce (a refusal comes as a response with a <see cref="AnnounceResponse.FailureReason"/>).</summary>
internal sealed record UdpAnnouncedStep(AnnounceResponse Response) : UdpExchangeStep;

/// <summary>The tracker answered the scrape (a refusal comes as a response with a <see cref="ScrapeResponse.FailureReason"/>).</summary>
internal sealed record UdpScrapedStep(ScrapeResponse Response) : UdpExchangeStep;

/// <summary>The exchange failed: no answer after every retransmission, or a malformed answer. <see cref="Error"/> names it.</summary>
internal sealed record UdpFailedStep(string Error) : UdpExchangeStep;
