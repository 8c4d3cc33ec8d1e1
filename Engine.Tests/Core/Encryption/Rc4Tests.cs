using System.Text;
using Engine.Core.Encryption;

namespace Engine.Tests.Core.Encryption;

public sealed class Rc4Tests
{
    [Theory]
    [InlineData("Key", "Plaintext", "BBF316E8D940AF0AD3")]
    [InlineData("Wiki", "pedia", "1021BF0420")]
    [InlineData("Secret", "Attack at dawn", "45A01F645FC35B383552544B9BF5")]
    public void The_published_test_vectors_encrypt_as_published(string key, string plain, string cipher)
    {
        var data = Encoding.ASCII.GetBytes(plain);
        new Rc4(Encoding.ASCII.GetBytes(key), discard: 0).Apply(data);
        Assert.Equal(cipher, Convert.ToHexString(data));
    }

    [Fact]
    public void Discarding_1024_bytes_is_the_same_as_encrypting_them_and_going_on_and_the_stream_may_be_cut_anywhere()
    {
        var key = Encoding.ASCII.GetBytes("an MSE key of twenty");
        var reference = new Rc4(key, discard: 0);
        reference.Apply(new byte[1024]);
        var expected = new byte[3000];
        reference.Apply(expected);

        var cipher = new Rc4(key);
        var actual = new byte[3000];
        var rng = new Random(3);
        for (var at = 0; at < actual.Length;)
        {
            var n = Math.Min(rng.Next(1, 400), actual.Length - at);
            cipher.Apply(actual.AsSpan(at, n));
            at += n;
        }
        Assert.Equal(expected, actual);
    }
}
