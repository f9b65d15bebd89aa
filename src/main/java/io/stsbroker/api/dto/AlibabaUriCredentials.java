package io.stsbroker.api.dto;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.stsbroker.vending.VendedCredential;

/**
 * Exactly the body credentials-java's URI provider parses ({@code ALIBABA_CLOUD_CREDENTIALS_URI}):
 * {@code Code} must be {@code Success} and {@code Expiration} has whole seconds and a {@code Z}.
 */
@JsonPropertyOrder({"Code", "AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration"})
public record AlibabaUriCredentials(@JsonProperty("Code") String code,
                                    @JsonProperty("AccessKeyId") String accessKeyId,
                                    @JsonProperty("AccessKeySecret") String accessKeySecret,
                                    @JsonProperty("SecurityToken") String securityToken,
                                    @JsonProperty("Expiration") String expiration) {

    public static AlibabaUriCredentials of(VendedCredential v) {
        var c = v.credentials();
        return new AlibabaUriCredentials("Success", c.accessKeyId(), c.accessKeySecret(), c.securityToken(),
                Timestamps.seconds(c.expiration()));
    }

    @Override
    public String toString() {
        return "AlibabaUriCredentials[AccessKeyId=" + accessKeyId + ", Expiration=" + expiration + "]";
    }
}
