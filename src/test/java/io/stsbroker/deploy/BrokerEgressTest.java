package io.stsbroker.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker pods may reach DNS, the API server (JWKS) or the OIDC issuer, and STS, and nothing
 * else: not the ECS metadata service (the node's RAM role), not the Internet.
 */
class BrokerEgressTest {

    static final String METADATA_SERVICE = "100.100.100.200";
    /** RFC 5737's documentation ranges: the placeholders route nowhere. */
    static final List<String> DOCUMENTATION_RANGES = List.of("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24");

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod", "k8s/overlays/prod-oidc-issuer"})
    void brokerPodsAreUnderAnEgressPolicy(String dir) {
        assertThat(egressPolicies(Manifests.render(dir))).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/dev", "k8s/overlays/prod", "k8s/overlays/prod-oidc-issuer"})
    void everyEgressRuleNamesItsPeersAndPorts(String dir) {
        for (NetworkPolicyEgressRule rule : egressRules(Manifests.render(dir))) {
            // A rule without peers or without ports allows every destination or every port.
            assertThat(rule.getTo()).as("%s: a rule without peers allows every destination", dir).isNotEmpty();
            assertThat(rule.getPorts()).as("%s: a rule without ports allows every port", dir).isNotEmpty();
            for (NetworkPolicyPeer peer : rule.getTo()) {
                if (peer.getIpBlock() != null) {
                    String cidr = peer.getIpBlock().getCidr();
                    assertThat(prefixLength(cidr)).as("%s: %s is an address range, not the Internet", dir, cidr).isGreaterThanOrEqualTo(16);
                    assertThat(contains(cidr, METADATA_SERVICE)).as("%s: %s must not hold the ECS metadata service", dir, cidr).isFalse();
                } else {
                    // Only the cluster DNS is chosen by labels.
                    assertThat(peer.getNamespaceSelector().getMatchLabels()).containsEntry("kubernetes.io/metadata.name", "kube-system");
                    assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("k8s-app", "kube-dns");
                    assertThat(rule.getPorts()).allSatisfy(p -> assertThat(p.getPort()).isEqualTo(new IntOrString(53)));
                }
            }
        }
    }

    @Test
    void productionReachesDnsTheApiServerAndStsAndNothingElse() {
        assertThat(ports(egressRules(Manifests.render("k8s/overlays/prod"))))
                .containsExactlyInAnyOrder("UDP/53", "TCP/53", "TCP/6443", "TCP/443");
        assertThat(names(Manifests.render("k8s/overlays/prod")))
                .containsExactlyInAnyOrder("sts-broker-egress-dns", "sts-broker-egress-apiserver", "sts-broker-egress-sts");
    }

    @Test
    void devNeedsNoStsEgressSinceTheEmbeddedStsIsOnLoopback() {
        assertThat(names(Manifests.render("k8s/overlays/dev")))
                .containsExactlyInAnyOrder("sts-broker-egress-dns", "sts-broker-egress-apiserver");
    }

    /** The placeholders fail closed and each is explained where the operator looks. */
    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/prod", "k8s/overlays/prod-oidc-issuer"})
    void addressPlaceholdersAreDocumentationRangesThatDeployingMdExplains(String dir) {
        String guide = RepoFiles.read("docs/DEPLOYING.md");
        for (NetworkPolicyEgressRule rule : egressRules(Manifests.render(dir))) {
            for (NetworkPolicyPeer peer : rule.getTo()) {
                if (peer.getIpBlock() != null) {
                    String cidr = peer.getIpBlock().getCidr();
                    assertThat(DOCUMENTATION_RANGES).as(cidr).anySatisfy(range -> assertThat(within(cidr, range)).isTrue());
                    assertThat(guide).as("docs/DEPLOYING.md explains %s", cidr).contains(cidr);
                }
            }
        }
    }

    @Test
    void cidrArithmeticHasTeeth() {
        assertThat(contains("100.64.0.0/10", METADATA_SERVICE)).isTrue();
        assertThat(contains("100.100.100.200/32", METADATA_SERVICE)).isTrue();
        assertThat(contains("203.0.113.0/24", METADATA_SERVICE)).isFalse();
        assertThat(within("192.0.2.10/32", "192.0.2.0/24")).isTrue();
        assertThat(within("192.0.3.10/32", "192.0.2.0/24")).isFalse();
        assertThat(prefixLength("0.0.0.0/0")).isZero();
    }

    // ---- helpers ------------------------------------------------------------------------------

    static List<NetworkPolicy> egressPolicies(List<HasMetadata> objects) {
        Map<String, String> podLabels = Manifests.one(objects, Deployment.class).getSpec().getTemplate().getMetadata().getLabels();
        return Manifests.all(objects, NetworkPolicy.class).stream()
                .filter(np -> np.getSpec().getPolicyTypes().contains("Egress"))
                .filter(np -> podLabels.entrySet().containsAll(np.getSpec().getPodSelector().getMatchLabels().entrySet()))
                .toList();
    }

    static List<NetworkPolicyEgressRule> egressRules(List<HasMetadata> objects) {
        List<NetworkPolicyEgressRule> rules = new ArrayList<>();
        egressPolicies(objects).forEach(np -> rules.addAll(np.getSpec().getEgress()));
        return rules;
    }

    private static Set<String> names(List<HasMetadata> objects) {
        Set<String> out = new TreeSet<>();
        egressPolicies(objects).forEach(np -> out.add(np.getMetadata().getName()));
        return out;
    }

    private static List<String> ports(List<NetworkPolicyEgressRule> rules) {
        List<String> out = new ArrayList<>();
        for (NetworkPolicyEgressRule r : rules) {
            for (NetworkPolicyPort p : r.getPorts()) {
                out.add(p.getProtocol() + "/" + p.getPort().getIntVal());
            }
        }
        return out;
    }

    private static int prefixLength(String cidr) {
        return Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1));
    }

    private static BigInteger address(String ip) {
        try {
            return new BigInteger(1, InetAddress.getByName(ip).getAddress());
        } catch (Exception e) {
            throw new AssertionError("not an IP literal: " + ip, e);
        }
    }

    /** Whether the IPv4 range {@code cidr} holds {@code ip}. */
    static boolean contains(String cidr, String ip) {
        int len = prefixLength(cidr);
        BigInteger net = address(cidr.substring(0, cidr.indexOf('/')));
        return net.shiftRight(32 - len).equals(address(ip).shiftRight(32 - len));
    }

    /** Whether the range {@code inner} lies inside the range {@code outer}. */
    static boolean within(String inner, String outer) {
        return prefixLength(inner) >= prefixLength(outer) && contains(outer, inner.substring(0, inner.indexOf('/')));
    }
}
