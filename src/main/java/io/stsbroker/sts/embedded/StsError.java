package io.stsbroker.sts.embedded;

/**
 * An error as Alibaba STS reports it: HTTP status, {@code Code} and {@code Message}. The codes and
 * statuses are those of docs/PROTOCOLS.md section 1; the messages follow the real service's wording.
 */
record StsError(int status, String code, String message) {

    static StsError missing(String parameter) {
        return new StsError(400, "Missing" + parameter, parameter + " is mandatory for this action.");
    }

    static StsError invalidQuery() {
        return new StsError(400, "InvalidParameter", "The request parameters are not correctly encoded.");
    }

    static StsError signatureMethod() {
        return new StsError(400, "InvalidSignatureMethod", "Specified signature method is not valid.");
    }

    static StsError signatureVersion() {
        return new StsError(400, "InvalidSignatureVersion", "Specified signature version is not valid.");
    }

    static StsError version() {
        return new StsError(400, "InvalidVersion", "Specified parameter Version is not valid.");
    }

    static StsError accessKeyNotFound() {
        return new StsError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
    }

    static StsError timestampFormat() {
        return new StsError(400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.");
    }

    static StsError timestampExpired() {
        return new StsError(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.");
    }

    static StsError signatureDoesNotMatch(String serverStringToSign) {
        // The real service quotes its string to sign, which is what makes signing bugs debuggable.
        return new StsError(400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation."
                + " server string to sign is:" + serverStringToSign);
    }

    static StsError nonceUsed() {
        return new StsError(400, "SignatureNonceUsed", "Specified signature nonce was used already.");
    }

    static StsError actionNotFound() {
        return new StsError(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.");
    }

    static StsError invalid(String parameter, String message) {
        return new StsError(400, "InvalidParameter." + parameter, message);
    }

    static StsError methodNotAllowed() {
        return new StsError(405, "UnsupportedHTTPMethod", "Only GET and POST are supported.");
    }
}
