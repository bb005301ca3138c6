using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Monitor.Testing;

/// <summary>One span as a process exported it over OTLP.</summary>
public sealed record CollectedSpan(string Service, string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// An OTLP/HTTP endpoint on 127.0.0.1 that keeps every span it is sent, in memory: the in-memory exporter of a test
/// whose Monitor processes are separate OS processes (<c>Telemetry:Otlp:Endpoint</c> points at <see cref="Endpoint"/>).
/// It reads the protobuf of <c>ExportTraceServiceRequest</c> (opentelemetry-proto, trace/v1) by its field numbers;
/// metrics and logs are accepted and dropped.
/// </summary>
public sealed class OtlpSpanCollector : IAsyncDisposable
{
    private LoopbackServer _server = null!;

    private OtlpSpanCollector()
    {
    }

    public Uri Endpoint { get; private set; } = null!;

    public ConcurrentQueue<CollectedSpan> Spans { get; } = new();

    public static async Task<OtlpSpanCollector> StartAsync()
    {
        var collector = new OtlpSpanCollector();
        collector._server = await LoopbackServer.StartAsync(app =>
        {
            app.MapPost("/v1/traces", async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                foreach (var span in ReadTraces(body.ToArray()))
                {
                    collector.Spans.Enqueue(span);
                }

                context.Response.ContentType = "application/x-protobuf";
            });
            app.MapPost("/v1/{signal}", (HttpContext context) => context.Response.ContentType = "application/x-protobuf");
        });
        collector.Endpoint = collector._server.BaseAddress;
        return collector;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
    // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
    // Resource { repeated KeyValue attributes = 1; }   ScopeSpans { repeated Span spans = 2; }
    // Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5; SpanKind kind = 6;
    //        repeated KeyValue attributes = 9; }
    // KeyValue { string key = 1; AnyValue value = 2; }   AnyValue { string string_value = 1; int64 int_value = 3; ... }
    private static IEnumerable<CollectedSpan> ReadTraces(byte[] request)
    {
        foreach (var (field, resourceSpans) in Fields(request))
        {
            if (field != 1)
            {
                continue;
            }

            var service = "";
            var spans = new List<byte[]>();
            foreach (var (f, value) in Fields(resourceSpans))
            {
                if (f == 1)
                {
                    service = Attributes(Fields(value).Where(a => a.Field == 1).Select(a => a.Value)).GetValueOrDefault("service.name", "");
                }
                else if (f == 2)
                {
                    spans.AddRange(Fields(value).Where(s => s.Field == 2).Select(s => s.Value));
                }
            }

            foreach (var span in spans)
            {
                string traceId = "", spanId = "", parent = "", name = "";
                var kind = 0;
                var attributes = new List<byte[]>();
                foreach (var (f, value) in Fields(span))
                {
                    switch (f)
                    {
                        case 1: traceId = Convert.ToHexStringLower(value); break;
                        case 2: spanId = Convert.ToHexStringLower(value); break;
                        case 4: parent = Convert.ToHexStringLower(value); break;
                        case 5: name = Encoding.UTF8.GetString(value); break;
                        case 6: kind = (int)ReadVarint(value, 0, out _); break;
                        case 9: attributes.Add(value); break;
                    }
                }

                yield return new CollectedSpan(service, traceId, spanId, parent, name, kind, Attributes(attributes));
            }
        }
    }

    private static Dictionary<string, string> Attributes(IEnumerable<byte[]> keyValues)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var keyValue in keyValues)
        {
            string? key = null, text = null;
            foreach (var (f, value) in Fields(keyValue))
            {
                if (f == 1)
                {
                    key = Encoding.UTF8.GetString(value);
                }
                else if (f == 2)
                {
                    foreach (var (kind, v) in Fields(value))
                    {
                        text = kind switch
                        {
                            1 => Encoding.UTF8.GetString(v),
                            3 => ReadVarint(v, 0, out _).ToString(System.Globalization.CultureInfo.InvariantCulture),
                            _ => text,
                        };
                    }
                }
            }

            if (key is not null)
            {
                attributes[key] = text ?? "";
            }
        }

        return attributes;
    }

    /// <summary>
    /// The fields of a protobuf message: length-delimited ones with their bytes, varints with their encoded bytes
    /// (read with <see cref="ReadVarint"/>); fixed-width fields are skipped.
    /// </summary>
    private static List<(int Field, byte[] Value)> Fields(byte[] message)
    {
        var fields = new List<(int, byte[])>();
        var position = 0;
        while (position < message.Length)
        {
            var key = ReadVarint(message, position, out position);
            var field = (int)(key >> 3);
            switch ((int)(key & 7))
            {
                case 0:
                    var start = position;
                    ReadVarint(message, position, out position);
                    fields.Add((field, message[start..position]));
                    break;
                case 1:
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message, position, out position);
                    fields.Add((field, message[position..(position + length)]));
                    position += length;
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    throw new FormatException($"Unsupported protobuf wire type {key & 7} at byte {position}.");
            }
        }

        return fields;
    }

    private static ulong ReadVarint(byte[] buffer, int position, out int next)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = buffer[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                next = position;
                return value;
            }
        }
    }
}
