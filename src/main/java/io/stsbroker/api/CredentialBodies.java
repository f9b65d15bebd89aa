package io.stsbroker.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.stsbroker.api.dto.AlibabaUriCredentials;
import io.stsbroker.api.dto.CredentialsResponse;
import io.stsbroker.request.Format;
import io.stsbroker.vending.Renderings;
import io.stsbroker.vending.VendedCredential;

import java.util.Map;

/**
 * The 200 body of the credential endpoints, as bytes, in the {@link Format} asked for, and the
 * headers that go with it; one place, so the JAX-RS resource and the warm route answer byte for
 * byte alike.
 */
final class CredentialBodies {

    static final String CONTENT_TYPE = "application/json";
    /** Credentials must not be kept by caches between the broker and its caller. */
    static final Map<String, String> HEADERS = Map.of("Cache-Control", "no-store", "Pragma", "no-cache");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectWriter BROKER = JSON.writerFor(CredentialsResponse.class);
    private static final ObjectWriter ALIBABA_URI = JSON.writerFor(AlibabaUriCredentials.class);

    static {
        // Each format keeps its bytes in the Renderings slot of its ordinal.
        if (Format.values().length > Renderings.SLOTS) {
            throw new IllegalStateException("more formats than Renderings slots");
        }
    }

    private CredentialBodies() {
    }

    /** The body for this credential; kept with the cache entry once it is asked for again (see Renderings). */
    static byte[] of(VendedCredential v, Format format) {
        return v.renderings().get(format.ordinal(), () -> render(v, format));
    }

    private static byte[] render(VendedCredential v, Format format) {
        try {
            return switch (format) {
                case ALIBABA_URI -> ALIBABA_URI.writeValueAsBytes(AlibabaUriCredentials.of(v));
                case BROKER -> BROKER.writeValueAsBytes(CredentialsResponse.of(v));
            };
        } catch (JsonProcessingException e) {
            // Records of strings always serialise; the cause is dropped because it could quote the secret.
            throw new IllegalStateException("credentials body could not be written");
        }
    }
}
