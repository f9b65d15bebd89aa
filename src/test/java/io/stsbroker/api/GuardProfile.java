package io.stsbroker.api;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The application {@link GuardParity} runs in: a roles file the tests rewrite (reloaded on demand,
 * the poll interval is an hour) and a failed-authentication limit of 5 per minute per address.
 * {@link On} keeps the warm route on, {@link Off} switches it off.
 */
public abstract class GuardProfile implements QuarkusTestProfile {

    static final String ARN = "acs:ram::1234567890123456:role/";
    static final String GRANTED = """
            roles:
              guard-lab:
                arn: acs:ram::1234567890123456:role/guard-lab
                allow:
                  - system:serviceaccount:guard:*
              guard-other:
                arn: acs:ram::1234567890123456:role/guard-other
                allow:
                  - system:serviceaccount:guard:*
            """;
    static final String REVOKED = GRANTED.replaceFirst("(?s)(guard-lab:.*?)system:serviceaccount:guard:\\*",
            "$1system:serviceaccount:guard:someone-else");
    static final String REMOVED = """
            roles:
              guard-other:
                arn: acs:ram::1234567890123456:role/guard-other
                allow:
                  - system:serviceaccount:guard:*
            """;

    abstract boolean warmRoute();

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            Path file = Files.createTempFile("sts-broker-guard-roles", ".yaml");
            file.toFile().deleteOnExit();
            Files.writeString(file, GRANTED);
            Map<String, String> config = new HashMap<>();
            config.put("broker.roles-file", file.toString());
            config.put("broker.roles-file-poll-interval", "1h");
            config.put("broker.auth.max-failures-per-minute", "5");
            config.put("broker.http.warm-route", Boolean.toString(warmRoute()));
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Warm route on. */
    public static class On extends GuardProfile {
        @Override
        boolean warmRoute() {
            return true;
        }
    }

    /** Warm route off. */
    public static class Off extends GuardProfile {
        @Override
        boolean warmRoute() {
            return false;
        }
    }
}
