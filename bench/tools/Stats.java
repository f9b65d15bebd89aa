import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Medians, spreads and number formatting shared by the report writers. */
final class Stats {

    private Stats() {
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** "median (min–max)" with {@code digits} decimals; just the value when there is one. */
    static String spread(List<Double> values, int digits) {
        if (values.size() <= 1) {
            return num(median(values), digits);
        }
        return num(median(values), digits) + " (" + num(min(values), digits) + "–" + num(max(values), digits) + ")";
    }

    static String num(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "n/a";
        }
        if (digits == 0) {
            return String.format(Locale.ROOT, "%,d", Math.round(v));
        }
        return String.format(Locale.ROOT, "%,." + digits + "f", v);
    }

    /** The most values of {@code sorted} (ascending) within any half-open window of length {@code window}. */
    static int peakInWindow(long[] sorted, long window) {
        int peak = 0;
        for (int i = 0, j = 0; j < sorted.length; j++) {
            while (sorted[j] - sorted[i] >= window) {
                i++;
            }
            peak = Math.max(peak, j - i + 1);
        }
        return peak;
    }

    /** The value at quantile {@code q} (0..1) of {@code sorted} (ascending), nearest rank; NaN when empty. */
    static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** HTTP statuses and their counts ("200: 9,980, 503: 20"); -1 is a request that failed without one. */
    static String statuses(java.util.Map<Integer, Integer> counts) {
        return String.join(", ", new java.util.TreeMap<>(counts).entrySet().stream()
                .map(e -> (e.getKey() == -1 ? "failed" : String.valueOf(e.getKey())) + ": "
                        + String.format(Locale.ROOT, "%,d", e.getValue())).toList());
    }

    static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static String join(double[] values, int digits) {
        return String.join(", ", Arrays.stream(values).mapToObj(v -> num(v, digits)).toList());
    }
}
