using System.Net;
using Engine.Host.Commands;

namespace Engine.Tests.Host;

/// <summary><c>node</c>'s web options (<c>--web</c>, <c>--web-bind</c>, <c>--web-password</c>) and <c>--durable-catalog</c>.</summary>
public sealed class NodeArgumentsTests
{
    private static (Engine.Cluster.Api.TorrentClusterOptions Node, Engine.Host.Web.WebOptions? Web) Parse(params string[] args) =>
        NodeCommand.Parse(["--data", "/tmp/node-args", .. args]);

    [Fact]
    public void Without_web_a_node_serves_no_ui_and_with_it_the_ui_listens_on_loopback_over_the_nodes_data()
    {
        Assert.Null(Parse().Web);
        var web = Parse("--web", "8080").Web;
        Assert.NotNull(web);
        Assert.Equal((IPAddress.Loopback, 8080, "/tmp/node-args", (string?)null), (web.Bind, web.Port, web.DataDirectory, web.Password));
        var open = Parse("--web", "0", "--web-bind", "0.0.0.0", "--web-password", "s3cret").Web!;
        Assert.Equal((IPAddress.Any, 0, "s3cret"), (open.Bind, open.Port, open.Password));
    }

    [Fact]
    public void Durable_catalog_names_the_directory_the_catalog_is_kept_in_and_without_it_the_catalog_is_in_memory()
    {
        Assert.Null(Parse().Node.DurableCatalogDirectory);
        Assert.Equal(Path.GetFullPath("catalog-dir"), Parse("--durable-catalog", "catalog-dir").Node.DurableCatalogDirectory);
    }

    [Theory]
    [InlineData(new[] { "--web", "70000" }, "--web: '70000' is not a port")]
    [InlineData(new[] { "--web-bind", "127.0.0.1" }, "--web-bind goes with --web <port>")]
    [InlineData(new[] { "--web", "8080", "--web-bind", "here" }, "--web-bind: 'here' is not an IP address")]
    [InlineData(new[] { "--web", "8080", "--web-bind", "0.0.0.0" }, "--web-bind 0.0.0.0 makes the web UI reachable from other machines: give --web-password")]
    public void Bad_web_options_are_one_clear_error(string[] args, string message) =>
        Assert.StartsWith(message, Assert.Throws<UsageException>(() => Parse(args)).Message);
}
