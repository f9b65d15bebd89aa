package io.stsbroker.sts.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stsbroker.sts.RpcTimestamps;

import java.time.Instant;

/**
 * One answer of the embedded STS, with the JSON bodies Alibaba STS sends, field for field.
 *
 * @param status    HTTP status
 * @param requestId the {@code RequestId} in the body (upper-case UUID), also sent as a header
 * @param code      {@code Success} or the error {@code Code}
 * @param body      the JSON body
 */
record StsReply(int status, String requestId, String code, String body) {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String HOST_ID = "sts.aliyuncs.com";

    static StsReply error(String requestId, StsError error) {
        ObjectNode root = MAPPER.createObjectNode()
                .put("RequestId", requestId)
                .put("HostId", HOST_ID)
                .put("Code", error.code())
                .put("Message", error.message())
                .put("Recommend", "https://api.aliyun.com/troubleshoot?q=" + error.code() + "&product=Sts");
        return new StsReply(error.status(), requestId, error.code(), root.toString());
    }

    static StsReply success(String requestId, String assumedRoleArn, String assumedRoleId, String accessKeyId,
                            String accessKeySecret, String securityToken, Instant expiration) {
        ObjectNode root = MAPPER.createObjectNode().put("RequestId", requestId);
        root.putObject("AssumedRoleUser")
                .put("Arn", assumedRoleArn)
                .put("AssumedRoleId", assumedRoleId);
        root.putObject("Credentials")
                .put("AccessKeyId", accessKeyId)
                .put("AccessKeySecret", accessKeySecret)
                .put("SecurityToken", securityToken)
                .put("Expiration", RpcTimestamps.format(expiration));
        return new StsReply(200, requestId, "Success", root.toString());
    }

    boolean isSuccess() {
        return status == 200;
    }

    /** The body holds issued secrets: never printed. */
    @Override
    public String toString() {
        return "StsReply[status=" + status + ", code=" + code + ", requestId=" + requestId + "]";
    }
}
