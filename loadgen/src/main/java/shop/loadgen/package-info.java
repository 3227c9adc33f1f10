/** The load generator: orders through the gateway at a fixed rate or concurrency, latencies in HdrHistogram. */
package shop.loadgen;
