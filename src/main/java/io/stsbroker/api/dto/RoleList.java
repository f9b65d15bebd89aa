package io.stsbroker.api.dto;

import java.util.List;

/** The roles a caller may use. */
public record RoleList(List<RoleSummary> roles) {

    public record RoleSummary(String name, String arn, long durationSeconds) {
    }
}
