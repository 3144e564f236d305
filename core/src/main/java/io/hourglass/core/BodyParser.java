package io.hourglass.core;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;

/**
 * Parses the event lines of one request body with one JSON parser while they are well-formed, instead of a parser per
 * line: making and closing one was a sixth of the collector's allocation. Every answer is the one
 * {@link EnvelopeParser#parse(byte[], int, int, EnvelopeParser.PayloadReader)} gives for the line alone: an event that
 * the shared parser cannot read, or that does not end within its line, is parsed again alone, and so is the line after
 * it; the next line after one read alone starts a new shared parser. Not thread-safe: one per body.
 */
public final class BodyParser implements AutoCloseable {
    private final byte[] body;
    private final int size;
    private JsonParser shared;
    /** Where the shared parser's input starts in the body: its locations count from there. */
    private int sharedStart;
    /** Where the last line the shared parser read ends. */
    private int readUpTo;
    /** The last line went wrong with the shared parser, so this one is parsed alone, as it would be anyway. */
    private boolean alone;

    /** A parser of {@code size} bytes of {@code body}. */
    public BodyParser(byte[] body, int size) {
        this.body = body;
        this.size = size;
    }

    public byte[] body() {
        return body;
    }

    /** Parses the event of the line {@code [from, to)}; lines come in order. */
    public <P> EnvelopeParser.Parsed<P> parse(int from, int to, EnvelopeParser.PayloadReader<P> reader) {
        if (!alone) {
            try {
                if (shared == null || !whitespace(readUpTo, from)) {
                    restart(from);
                }
                EnvelopeParser.Parsed<P> parsed = EnvelopeParser.parse(shared, reader);
                int end = sharedStart + (int) shared.currentLocation().getByteOffset();
                if (end <= to) {
                    readUpTo = to;
                    if (!whitespace(end, to)) {
                        closeShared();  // the line alone ignores what follows its event; the shared parser cannot
                    }
                    return parsed;
                }
            } catch (InvalidEventException | IOException e) {
                // Read alone below, for the answer the line alone gives.
            }
            closeShared();
            alone = true;
        }
        EnvelopeParser.Parsed<P> parsed = EnvelopeParser.parse(body, from, to - from, reader);
        alone = false;
        return parsed;
    }

    @Override
    public void close() {
        closeShared();
    }

    private void restart(int from) throws IOException {
        closeShared();
        // Up to the end of the body: the shared parser reads on into the following lines.
        shared = Json.MAPPER.getFactory().createParser(body, from, size - from);
        sharedStart = from;
        readUpTo = from;
    }

    private void closeShared() {
        if (shared != null) {
            try {
                shared.close();
            } catch (IOException e) {
                // A parser of a byte array holds nothing to release but its buffers.
            }
            shared = null;
        }
    }

    /** Whether {@code [from, to)} holds only what JSON takes as whitespace: the shared parser may read past it. */
    private boolean whitespace(int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = body[i];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
