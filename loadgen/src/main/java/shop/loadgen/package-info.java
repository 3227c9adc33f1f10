/**
 * The load generator (orders through the gateway at a fixed rate or concurrency, latencies in
 * HdrHistogram) and the benchmark built on it, {@link shop.loadgen.Bench}.
 */
package shop.loadgen;
