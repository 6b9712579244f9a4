using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DistilBert.Sharp.Tests.Hub;

/// <summary>A request as the test server received it.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Host)
{
    /// <summary>A header's value, or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>What the test server answers.</summary>
public sealed class ServerResponse
{
    /// <summary>HTTP status.</summary>
    public int Status { get; init; } = 200;
    /// <summary>Extra headers (Content-Length is added from the body unless given).</summary>
    public Dictionary<string, string> Headers { get; init; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>The body (not sent for HEAD).</summary>
    public byte[] Body { get; init; } = [];
    /// <summary>When set, the connection is closed after this many body bytes although Content-Length promised more.</summary>
    public int? DropAfterBytes { get; init; }
}

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 and an ephemeral port, one request per connection, for tests of the
/// download code. It records every request and stops by itself after a minute at most.
/// </summary>
public sealed class LocalHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(60));
    private readonly Func<RecordedRequest, ServerResponse> _handler;
    private readonly Task _loop;

    /// <summary>Starts listening.</summary>
    public LocalHttpServer(Func<RecordedRequest, ServerResponse> handler)
    {
        _handler = handler;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <summary>http://127.0.0.1:port</summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>Every request received, in order.</summary>
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                NetworkStream stream = client.GetStream();
                RecordedRequest? request = await ReadRequestAsync(stream);
                if (request is null) return;
                Requests.Enqueue(request);
                ServerResponse response = _handler(request);
                var head = new StringBuilder();
                head.Append("HTTP/1.1 ").Append(response.Status).Append(' ').Append(((HttpStatusCode)response.Status).ToString()).Append("\r\n");
                foreach (var (k, v) in response.Headers) head.Append(k).Append(": ").Append(v).Append("\r\n");
                if (!response.Headers.ContainsKey("Content-Length")) head.Append("Content-Length: ").Append(response.Body.Length).Append("\r\n");
                head.Append("Connection: close\r\n\r\n");
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), _stop.Token);
                if (request.Method != "HEAD")
                {
                    int count = Math.Min(response.Body.Length, response.DropAfterBytes ?? int.MaxValue);
                    await stream.WriteAsync(response.Body.AsMemory(0, count), _stop.Token);
                }
                await stream.FlushAsync(_stop.Token);
                client.Client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception) { /* the client went away; nothing to do */ }
        }
    }

    private async Task<RecordedRequest?> ReadRequestAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (buffer.Count < 65536)
        {
            int read = await stream.ReadAsync(one, _stop.Token);
            if (read == 0) return null;
            buffer.Add(one[0]);
            int n = buffer.Count;
            if (n >= 4 && buffer[n - 4] == '\r' && buffer[n - 3] == '\n' && buffer[n - 2] == '\r' && buffer[n - 1] == '\n') break;
        }
        string[] lines = Encoding.ASCII.GetString(buffer.ToArray()).Split("\r\n");
        string[] first = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            if (colon > 0) headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        return new RecordedRequest(first[0], Uri.UnescapeDataString(first[1]), headers, headers.GetValueOrDefault("Host") ?? "");
    }

    /// <summary>Stops the server.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _stop.Dispose();
    }
}
