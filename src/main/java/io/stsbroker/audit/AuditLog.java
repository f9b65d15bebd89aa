package io.stsbroker.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes one JSON object per audited event to the {@code broker.audit} log category: every
 * credential minted, every denial, (when enabled) every cached hand-out, every admin invalidation
 * and every reload (or refused reload) of {@code broker.roles-file}.
 *
 * <p>Fields are fixed (time, event, outcome, requestId, caller, target, role, roleArn, sessionName,
 * accessKeyId, expiration, reason; the schema is in docs/OPERATIONS.md, "Audit records"); the type
 * offers no way to pass a secret or a token.
 *
 * <p>The object is the record's message. In the production profile ({@code broker.audit.console=lines})
 * {@link AuditHandlers} writes it as the whole line on standard output, beside the JSON formatter's
 * lines for everything else, and the same to {@code broker.audit.file} when set. In dev and tests the
 * plain-text console prints it after the usual prefix.
 *
 * <p>Values are JSON strings, and every character {@link LogText} escapes is written as
 * {@code \\uXXXX} here too: JSON alone leaves DEL, the C1 controls, U+2028/U+2029 and the
 * bidirectional controls raw, and a log reader or terminal may break a line or reorder text on
 * them. So a value cannot end the line, forge another, or recolour a terminal.
 */
@Singleton
public class AuditLog {

    /** The log category of audit records. */
    public static final String CATEGORY = "broker.audit";

    private static final Logger LOG = Logger.getLogger(CATEGORY);
    private static final ObjectMapper JSON = new ObjectMapper(new JsonFactory().setCharacterEscapes(new LineSafeEscapes()));

    private final Clock clock;
    private final Event<AuditEvent> listeners;

    /** Writes records only (unit tests). */
    public AuditLog(Clock clock) {
        this(clock, null);
    }

    /** Writes records and also fires each as a CDI event, for observers of the audit stream (usage counts). */
    @Inject
    public AuditLog(Clock clock, Event<AuditEvent> listeners) {
        this.clock = clock;
        this.listeners = listeners;
    }

    /** Writes {@code e} as one JSON line; null facts are left out. Observers see it whatever the log level. */
    public void record(AuditEvent e) {
        if (listeners != null) {
            listeners.fire(e);
        }
        if (!LOG.isInfoEnabled()) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", clock.instant().toString());
        put(line, "event", e.type().wire());
        put(line, "outcome", e.outcome());
        put(line, "requestId", e.requestId());
        put(line, "caller", e.caller());
        put(line, "target", e.target());
        put(line, "role", e.role());
        put(line, "roleArn", e.roleArn());
        put(line, "sessionName", e.sessionName());
        put(line, "accessKeyId", e.accessKeyId());
        put(line, "expiration", e.expiration() == null ? null : e.expiration().toString());
        put(line, "reason", e.reason());
        try {
            LOG.info(JSON.writeValueAsString(line));
        } catch (JsonProcessingException impossible) {
            LOG.warn("audit line could not be serialised");
        }
    }

    /** JSON's own escapes, plus every character {@link LogText#unsafe} names. */
    private static final class LineSafeEscapes extends CharacterEscapes {

        private final int[] ascii;

        LineSafeEscapes() {
            ascii = standardAsciiEscapesForJSON();
            for (char c = 0; c < 128; c++) {
                if (LogText.unsafe(c) && ascii[c] == ESCAPE_NONE) {
                    ascii[c] = ESCAPE_STANDARD;
                }
            }
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return ch <= Character.MAX_VALUE && LogText.unsafe((char) ch)
                    ? new SerializedString(String.format("\\u%04X", ch)) : null;
        }
    }

    private static void put(Map<String, Object> line, String k, Object v) {
        if (v != null) {
            line.put(k, v);
        }
    }
}
