/**
 * What every Shop service shares, written once: settings from the environment, the HTTP server's
 * defaults (limits, security headers, problem details), internal authentication, the database
 * (Flyway, then one {@code Pool} for PostgreSQL and H2), health, metrics, traces and logs.
 */
@NullMarked
package shop.defaults;

import org.jspecify.annotations.NullMarked;
