package io.stsbroker.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.stsbroker.api.dto.AlibabaUriCredentials;
import io.stsbroker.api.dto.CredentialsResponse;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import io.stsbroker.vending.VendedCredential;

import java.util.Map;

/**
 * The 200 body of the credential endpoints, as bytes, in either format, and the headers that go
 * with it; one place, so the JAX-RS resource and the warm route answer byte for byte alike.
 */
final class CredentialBodies {

    static final String FORMAT_BROKER = "broker";
    static final String FORMAT_ALIBABA_URI = "alibaba-uri";
    static final String CONTENT_TYPE = "application/json";
    /** Credentials must not be kept by caches between the broker and its caller. */
    static final Map<String, String> HEADERS = Map.of("Cache-Control", "no-store", "Pragma", "no-cache");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectWriter BROKER = JSON.writerFor(CredentialsResponse.class);
    private static final ObjectWriter ALIBABA_URI = JSON.writerFor(AlibabaUriCredentials.class);

    private CredentialBodies() {
    }

    /** Whether {@code ?format=} asks for the credentials-java URI shape; null means the broker's own. */
    static boolean alibabaFormat(String format) {
        if (format == null || format.equals(FORMAT_BROKER)) {
            return false;
        }
        if (format.equals(FORMAT_ALIBABA_URI)) {
            return true;
        }
        throw new BrokerException(ErrorCode.INVALID_PARAMETER, "format must be \"broker\" or \"alibaba-uri\".");
    }

    /** The body for this credential; kept with the cache entry once it is asked for again (see Renderings). */
    static byte[] of(VendedCredential v, boolean alibabaFormat) {
        return v.renderings().get(alibabaFormat ? 1 : 0, () -> render(v, alibabaFormat));
    }

    private static byte[] render(VendedCredential v, boolean alibabaFormat) {
        try {
            return alibabaFormat ? ALIBABA_URI.writeValueAsBytes(AlibabaUriCredentials.of(v))
                    : BROKER.writeValueAsBytes(CredentialsResponse.of(v));
        } catch (JsonProcessingException e) {
            // Records of strings always serialise; the cause is dropped because it could quote the secret.
            throw new IllegalStateException("credentials body could not be written");
        }
    }
}
