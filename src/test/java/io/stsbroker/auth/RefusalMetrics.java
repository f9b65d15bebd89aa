package io.stsbroker.auth;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;

/** Reads {@code broker_auth_failures_total{outcome, reason}} from the application's Prometheus endpoint. */
final class RefusalMetrics {

    private RefusalMetrics() {
    }

    static double count(RefusalReason reason) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("broker_auth_failures_total\\{outcome=\"" + AuthRefusals.outcome(reason)
                + "\",reason=\"" + reason.tag() + "\"} ([0-9.E]+)").matcher(metrics);
        if (!m.find()) {
            throw new AssertionError("no broker_auth_failures_total series for reason " + reason.tag());
        }
        return Double.parseDouble(m.group(1));
    }
}
