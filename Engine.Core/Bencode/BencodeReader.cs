using System.Runtime.CompilerServices;

namespace Engine.Core.Bencode;

/// <summary>
/// Strict bencode decoder. Strings are slices of the input (no copies); string lengths are checked
/// against the bytes that remain before anything is allocated; nesting is limited by
/// <see cref="BencodeOptions.MaxDepth"/>. Every problem is a <see cref="BencodeException"/>.
/// </summary>
internal static class BencodeReader
{
    /// <summary>Decodes exactly one value that must span the whole buffer.</summary>
    public static BValue Decode(ReadOnlyMemory<byte> data, BencodeOptions? options = null)
    {
        var value = DecodePrefix(data, out var consumed, options);
        if (consumed != data.Length)
            throw new BencodeException(consumed, $"trailing data: {data.Length - consumed} byte(s) after the end of the value");
        return value;
    }

    /// <summary>Decodes one value at the start of the buffer; <paramref name="consumed"/> is where it ended (BEP 9 payloads).</summary>
    public static BValue DecodePrefix(ReadOnlyMemory<byte> data, out int consumed, BencodeOptions? options = null)
    {
        options ??= BencodeOptions.Default;
        if (options.MaxDepth < 1)
            throw new ArgumentOutOfRangeException(nameof(options), "MaxDepth must be at least 1");
        var parser = new Parser(data, options);
        var value = parser.ReadValue(0);
        consumed = parser.Position;
        return value;
    }

    /// <summary>Decodes the whole buffer and requires a dictionary at the top.</summary>
    public static BDictionary DecodeDictionary(ReadOnlyMemory<byte> data, BencodeOptions? options = null)
        => Decode(data, options) as BDictionary
           ?? throw new BencodeException(0, $"expected a dictionary ('d') at the top level, found {Parser.Describe(data.Span, 0)}");

    private ref struct Parser(ReadOnlyMemory<byte> memory, BencodeOptions options)
    {
        private readonly ReadOnlySpan<byte> _span = memory.Span;
        private readonly ReadOnlyMemory<byte> _memory = memory;
        private readonly BencodeOptions _options = options;
        public int Position;

        public BValue ReadValue(int depth)
        {
            if (Position >= _span.Length)
                throw new BencodeException(Position, "unexpected end of data, expected a value ('i', 'l', 'd' or a string length)");
            var b = _span[Position];
            return b switch
            {
                (byte)'i' => ReadInteger(),
                (byte)'l' => ReadList(depth + 1),
                (byte)'d' => ReadDictionary(depth + 1),
                >= (byte)'0' and <= (byte)'9' => ReadString(),
                _ => throw new BencodeException(Position, $"expected a value ('i', 'l', 'd' or a string length), found {Describe(_span, Position)}"),
            };
        }

        private void EnterContainer(int depth)
        {
            if (depth > _options.MaxDepth)
                throw new BencodeException(Position, $"nesting deeper than the limit of {_options.MaxDepth}");
            if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
                throw new BencodeException(Position, "nesting too deep for the stack");
        }

        private BInteger ReadInteger()
        {
            var start = Position;
            Position++; // 'i'
            var negative = false;
            if (Position < _span.Length && _span[Position] == '-')
            {
                negative = true;
                Position++;
            }
            var digitsStart = Position;
            ulong magnitude = 0;
            ulong limit = negative ? 9223372036854775808UL : long.MaxValue;
            while (Position < _span.Length && _span[Position] is >= (byte)'0' and <= (byte)'9')
            {
                var digit = (ulong)(_span[Position] - '0');
                if (magnitude > (limit - digit) / 10)
                    throw new BencodeException(start, "integer does not fit in 64 bits");
                magnitude = magnitude * 10 + digit;
                Position++;
            }
            var digits = Position - digitsStart;
            if (digits == 0)
                throw new BencodeException(Position, Position >= _span.Length
                    ? "unexpected end of data inside an integer, expected a digit"
                    : $"expected a digit in integer, found {Describe(_span, Position)}");
            if (digits > 1 && _span[digitsStart] == '0')
                throw new BencodeException(digitsStart, "integer has a leading zero");
            if (negative && magnitude == 0)
                throw new BencodeException(start, "integer is negative zero ('i-0e')");
            if (Position >= _span.Length)
                throw new BencodeException(Position, "unexpected end of data, expected 'e' ending the integer");
            if (_span[Position] != 'e')
                throw new BencodeException(Position, $"expected 'e' ending the integer, found {Describe(_span, Position)}");
            Position++;
            var value = negative ? (long)(0UL - magnitude) : (long)magnitude;
            return new BInteger(value, start, Position);
        }

        private BString ReadString()
        {
            var start = Position;
            long length = 0;
            while (Position < _span.Length && _span[Position] is >= (byte)'0' and <= (byte)'9')
            {
                length = length * 10 + (_span[Position] - '0');
                if (length > _span.Length)
                    throw new BencodeException(start, $"string length exceeds the {_span.Length - start} byte(s) that remain");
                Position++;
            }
            if (Position - start > 1 && _span[start] == '0')
                throw new BencodeException(start, "string length has a leading zero");
            if (Position >= _span.Length)
                throw new BencodeException(Position, "unexpected end of data, expected ':' after the string length");
            if (_span[Position] != ':')
                throw new BencodeException(Position, $"expected ':' after the string length, found {Describe(_span, Position)}");
            Position++;
            var remaining = _span.Length - Position;
            if (length > remaining)
                throw new BencodeException(start, $"string of length {length} exceeds the {remaining} byte(s) that remain");
            var bytes = _memory.Slice(Position, (int)length);
            Position += (int)length;
            return new BString(bytes, start, Position);
        }

        private BList ReadList(int depth)
        {
            var start = Position;
            EnterContainer(depth);
            Position++; // 'l'
            var items = new List<BValue>();
            while (true)
            {
                if (Position >= _span.Length)
                    throw new BencodeException(Position, $"unexpected end of data inside the list that starts at byte {start}, expected a value or 'e'");
                if (_span[Position] == 'e') break;
                items.Add(ReadValue(depth));
            }
            Position++;
            return new BList(items, start, Position);
        }

        private BDictionary ReadDictionary(int depth)
        {
            var start = Position;
            EnterContainer(depth);
            Position++; // 'd'
            var entries = new List<KeyValuePair<BString, BValue>>();
            BString? previous = null;
            while (true)
            {
                if (Position >= _span.Length)
                    throw new BencodeException(Position, $"unexpected end of data inside the dictionary that starts at byte {start}, expected a key or 'e'");
                var b = _span[Position];
                if (b == 'e') break;
                if (b is < (byte)'0' or > (byte)'9')
                    throw new BencodeException(Position, $"dictionary key must be a byte string, found {Describe(_span, Position)}");
                var key = ReadString();
                if (previous is not null && _options.Strict)
                {
                    var order = previous.Bytes.Span.SequenceCompareTo(key.Bytes.Span);
                    if (order == 0)
                        throw new BencodeException(key.Start, $"duplicate dictionary key '{key.Text}'");
                    if (order > 0)
                        throw new BencodeException(key.Start, $"dictionary key '{key.Text}' is out of order (after '{previous.Text}')");
                }
                previous = key;
                if (Position >= _span.Length)
                    throw new BencodeException(Position, $"unexpected end of data, expected the value of key '{key.Text}'");
                entries.Add(new(key, ReadValue(depth)));
            }
            Position++;
            return new BDictionary(entries, start, Position);
        }

        internal static string Describe(ReadOnlySpan<byte> span, int position)
        {
            if (position >= span.Length) return "end of data";
            var b = span[position];
            return b is >= 0x20 and < 0x7f ? $"'{(char)b}'" : $"byte 0x{b:x2}";
        }
    }
}
