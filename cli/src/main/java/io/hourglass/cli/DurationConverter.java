package io.hourglass.cli;

import io.hourglass.core.config.Settings;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine;

/** Reads durations on the command line as 120s, 2m, 500ms or PT2M. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return Settings.of(Map.of("duration", value)).duration("duration", Duration.ZERO);
    }
}
