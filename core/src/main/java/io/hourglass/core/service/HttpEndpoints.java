package io.hourglass.core.service;

import static java.util.Objects.requireNonNull;

import io.hourglass.core.Json;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of a process: {@code /healthz} (the process is up), {@code /readyz} (every part is ready, with a
 * per-part report), {@code /metrics} (Prometheus text), plus whatever routes the process adds. The list of parts
 * is read at each request, so a process may add parts that start after the HTTP server.
 */
public final class HttpEndpoints implements Service {
    private static final Logger log = LoggerFactory.getLogger(HttpEndpoints.class);

    private final Javalin app;
    private final String host;
    private final int port;
    private final AtomicBoolean stopped = new AtomicBoolean();

    public HttpEndpoints(String host, int port, PrometheusMeterRegistry metrics, List<Service> parts,
                         long maxRequestBytes, Consumer<RoutesConfig> routes) {
        requireNonNull(metrics, "metrics is null");
        List<Service> checked = parts;  // read at each request: parts may be added after the server starts
        this.host = host;
        this.port = port;
        this.app = Javalin.create(config -> {
            config.http.maxRequestSize = maxRequestBytes;
            config.startup.showJavalinBanner = false;
            config.routes.get("/healthz", ctx -> ctx.contentType("application/json").result("{\"status\":\"up\"}"));
            config.routes.get("/readyz", ctx -> {
                Map<String, Boolean> report = new LinkedHashMap<>();
                checked.forEach(p -> report.put(p.name(), p.ready()));
                boolean ready = !report.containsValue(false);
                ctx.status(ready ? 200 : 503).contentType("application/json")
                        .result(Json.toString(Map.of("ready", ready, "parts", report)));
            });
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.scrape()));
            routes.accept(config.routes);
        });
    }

    @Override
    public void start() {
        app.start(host, port);
        log.info("HTTP endpoints listening on http://{}:{}", host, app.port());
    }

    /** The bound port; differs from the configured one when that was 0. */
    public int port() {
        return app.port();
    }

    @Override
    public void stop() {
        if (stopped.compareAndSet(false, true)) {
            app.stop();
        }
    }

    @Override
    public String name() {
        return "http";
    }
}
