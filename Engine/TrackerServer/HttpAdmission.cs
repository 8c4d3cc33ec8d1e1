namespace Engine.TrackerServer;

/// <summary>What <see cref="HttpConnectionTable.Admit"/> decided: refused (with why), or accepted as <see cref="Id"/>, evicting <see cref="Evicted"/> to make room.</summary>
internal readonly record struct HttpAdmission(bool Accepted, long Id, long? Evicted, string? Refusal)
{
    public static HttpAdmission Refused(string why) => new(false, 0, null, why);
}
