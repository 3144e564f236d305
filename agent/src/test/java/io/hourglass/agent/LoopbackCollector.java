package io.hourglass.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A real HTTP server on loopback that stands in for a collector, with each path's handler given by the test. */
final class LoopbackCollector implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads;

    /** Serves {@code handlers} by path, on {@code threads} threads (requests then run side by side). */
    LoopbackCollector(Map<String, HttpHandler> handlers, int threads) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        handlers.forEach(server::createContext);
        this.threads = Executors.newFixedThreadPool(threads);
        server.setExecutor(this.threads);
        server.start();
    }

    /** What an agent talks to: {@code events} and {@code markers} as given; heartbeats are answered 200. */
    static LoopbackCollector forAgents(HttpHandler events, HttpHandler markers, int threads) {
        return new LoopbackCollector(Map.of("/v1/events", events, "/v1/markers", markers,
                "/v1/heartbeats", LoopbackCollector::ok), threads);
    }

    static void ok(HttpExchange x) throws IOException {
        reply(x, 200, "{}");
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A collector's summary answer: every event accepted, in one record of type T at {@code offset}. */
    static String accepted(int events, long offset) {
        return "{\"accepted\":" + events + ",\"rejected\":0,\"acks\":[{\"type\":\"T\",\"partition\":0,\"offset\":"
                + offset + ",\"events\":" + events + "}]}";
    }

    static void reply(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
